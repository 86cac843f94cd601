#!/usr/bin/env bash
# Lint the collection with the newest toolchain:
#   ansible-lint (production profile, offline), antsibull-changelog lint,
#   antsibull-docs lint-collection-docs --plugin-docs .
#
#   hack/lint.sh VENV
# Runs all three and fails at the end if any failed, so one run shows everything.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=hack/lib.sh
. "$here/lib.sh"

venv="$(cd "$1" && pwd)"
[ -x "$venv/bin/ansible-lint" ] || die "ansible-lint not found in $venv (run make venv)"

scrub_env
cd "$root"
# antsibull-docs calls `ansible` / `ansible-doc` from PATH.
export PATH="$venv/bin:$PATH"
export ANSIBLE_HOME="$root/.build/lint/ansible-home"
export XDG_CACHE_HOME="$root/.build/lint/cache"
export NO_COLOR=1
export ANSIBLE_FORCE_COLOR=0
mkdir -p "$ANSIBLE_HOME" "$XDG_CACHE_HOME"
# In offline mode ansible-lint does not install the collection it lints, so its
# syntax check could not resolve oncall.grafana.* in playbooks: expose this
# checkout as oncall.grafana through a collections path.
collections="$root/.build/lint/collections"
mkdir -p "$collections/ansible_collections/oncall"
ln -sfn "$root" "$collections/ansible_collections/oncall/grafana"
export ANSIBLE_COLLECTIONS_PATH="$collections"

failed=()

echo "--- ansible-lint ($(ansible-lint --nocolor --version 2>/dev/null | head -n 1))"
ansible-lint --offline --nocolor || failed+=(ansible-lint)

echo "--- antsibull-changelog lint"
antsibull-changelog lint && echo "ok" || failed+=(antsibull-changelog)
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml && echo "ok: changelogs/changelog.yaml" ||
    failed+=(antsibull-changelog-yaml)

echo "--- antsibull-docs lint-collection-docs --plugin-docs ."
antsibull-docs lint-collection-docs --plugin-docs . && echo "ok" || failed+=(antsibull-docs)

if [ "${#failed[@]}" -gt 0 ]; then
    die "lint failed: ${failed[*]}"
fi
