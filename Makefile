# Developer and CI entry points for the oncall.grafana collection.
#
#   make venv         create/refresh both test venvs under .build/ (idempotent)
#   make test         every check below, in order, stopping at the first failure
#   make lint         ansible-lint (production) + antsibull-changelog lint + antsibull-docs lint
#   make sanity       ansible-test sanity (newest ansible-core, no Docker)
#   make pytest       pytest: everything on the newest ansible-core; unit, emulator and a playbook smoke set on the oldest
#   make test-real    the playbook tests against the real OnCall in ONCALL_TEST_URL/ONCALL_TEST_TOKEN (not in make test)
#   make build-smoke  build the tarball, install it, render every module's docs
#   make demo         run hack/demo.sh (local emulator only; GRAFANA_* are ignored)
#   make demo-real    the same demo against the real OnCall in GRAFANA_ONCALL_URL/_ACCESS_TOKEN
#   make bench        benchmark against the local emulator (or ONCALL_TEST_URL), writes docs/performance.md (not in make test)
#   make lock         re-resolve tests/requirements-*-constraints.txt (needs PyPI)
#   make clean        remove .build/ (venvs, caches, build output)
#
# Everything is installed from PyPI into .build/ by these files; nothing global.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
.DELETE_ON_ERROR:


BUILD       := .build
VENV_OLD    := $(BUILD)/venv-2.19
VENV_NEW    := $(BUILD)/venv-2.21
PY_OLD      := 3.11
PY_NEW      := 3.12
REQ_OLD     := tests/requirements-2.19.txt
REQ_NEW     := tests/requirements-2.21.txt
PYTEST_ARGS ?=
SANITY_ARGS ?=

export PIP_CACHE_DIR ?= $(abspath $(BUILD))/pip-cache
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYTHONDONTWRITEBYTECODE := 1

# Never hand a developer's real Grafana / OnCall credentials to a test step
# (hack/lib.sh's scrub_env removes every GRAFANA_* variable again inside the
# scripts). ONCALL_TEST_URL / ONCALL_TEST_TOKEN are passed through on purpose.
# Only `make demo-real` sees GRAFANA_ONCALL_URL / GRAFANA_ONCALL_ACCESS_TOKEN.
NO_CREDS := env -u GRAFANA_ONCALL_URL -u GRAFANA_ONCALL_ACCESS_TOKEN -u GRAFANA_URL
STEP := $(NO_CREDS) bash hack/step.sh

.PHONY: help venv venv-2.19 venv-2.21 test lint sanity pytest pytest-2.19 pytest-2.21 \
        build-smoke demo demo-real lock clean bench test-real

help:
	@sed -n -E 's/^#   (make .*)/\1/p' Makefile

venv: venv-2.19 venv-2.21

venv-2.19:
	@$(STEP) "venv 2.19" bash hack/venv.sh $(VENV_OLD) $(PY_OLD) $(REQ_OLD)

venv-2.21:
	@$(STEP) "venv 2.21" bash hack/venv.sh $(VENV_NEW) $(PY_NEW) $(REQ_NEW)

# Static checks first (cheap, catch metadata/doc problems), then the test suites,
# then the packaging smoke test.
test: venv lint sanity pytest build-smoke
	@printf '\n==== make test: all steps passed ====\n'

lint: venv-2.21
	@$(STEP) "lint" bash hack/lint.sh $(VENV_NEW)

sanity: venv-2.21
	@$(STEP) "sanity" bash hack/sanity.sh $(VENV_NEW) $(PY_NEW) $(SANITY_ARGS)

pytest: pytest-2.19 pytest-2.21

# The playbook suite is the slow part: it runs whole once, on the newest ansible-core. The oldest runs every unit and
# emulator test and a smoke set of playbook tests (a module's whole life, every documented example and playbook, and the
# bad-inputs page, whose Ansible-written messages are compared on the version that generated it).
SMOKE_OLD ?= tests/unit tests/emulator tests/integration/test_oncall_integration.py tests/integration/test_docs_examples.py \
             tests/integration/test_bad_inputs.py tests/integration/test_escalation_doc.py tests/integration/test_routing_doc.py

pytest-2.19: venv-2.19
	@PYTEST_PATHS="$(SMOKE_OLD)" $(STEP) "pytest 2.19" bash hack/pytest.sh $(VENV_OLD) $(PYTEST_ARGS)

pytest-2.21: venv-2.21
	@$(STEP) "pytest 2.21" bash hack/pytest.sh $(VENV_NEW) $(PYTEST_ARGS)

# The playbook tests (the newest ansible-core) against a real OnCall: the server under test is ONCALL_TEST_URL, with
# ONCALL_TEST_TOKEN an Admin's API token. What the server needs and what the tests leave behind: docs/development.md.
test-real: venv-2.21
	@if [ -z "$${ONCALL_TEST_URL:-}" ] || [ -z "$${ONCALL_TEST_TOKEN:-}" ]; then \
	    echo "make test-real: set ONCALL_TEST_URL (the OnCall API base URL) and ONCALL_TEST_TOKEN (an Admin's API token);" \
	         "see docs/development.md, 'Against a real OnCall'" >&2; exit 2; fi
	@PYTEST_PATHS="tests/integration" $(STEP) "pytest 2.21 against $$ONCALL_TEST_URL" bash hack/pytest.sh $(VENV_NEW) $(PYTEST_ARGS)

build-smoke: venv
	@$(STEP) "build-smoke" bash hack/build-smoke.sh $(VENV_NEW) $(VENV_OLD)

demo:
	@$(STEP) "demo" bash hack/demo.sh

# Deliberately not scrubbed: this is the one target meant to reach a real OnCall.
demo-real:
	@DEMO_REAL=1 bash hack/step.sh "demo (real OnCall)" bash hack/demo.sh

lock:
	bash hack/lock.sh 2.19 $(PY_OLD)
	bash hack/lock.sh 2.21 $(PY_NEW)

clean:
	rm -rf $(BUILD)

# Request counts, wall times and peak memory against the local emulator (a few minutes); writes
# docs/performance.md. Not part of `make test`. BENCH_ARGS e.g. "--reps 3 --output -", or "--only pages --splice" to
# measure one section again (listings one page at a time vs at once, a few minutes) into the page (see bench/run.py).
# With ONCALL_TEST_URL/ONCALL_TEST_TOKEN set, sections 1 (requests per operation) and 5 (fleet) are measured against that OnCall.
BENCH_ARGS ?=
bench: venv-2.19
	@$(STEP) "bench" $(VENV_OLD)/bin/python bench/run.py $(BENCH_ARGS)
