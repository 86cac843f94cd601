#!/usr/bin/env bash
# Run the tests/ tree (unit, emulator, integration) with pytest in one venv.
#
#   hack/pytest.sh .build/venv-2.19 [extra pytest args...]
#
# PYTEST_PATHS (default: tests) chooses what runs, e.g. a smoke set of playbook tests on the oldest ansible-core.
#
# Exit code 5 ("no tests collected") is turned into a failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=hack/lib.sh
. "$here/lib.sh"

venv="$1"
shift
[ -x "$venv/bin/python" ] || die "venv $venv missing (run make venv)"
[ -d "$root/tests" ] || die "no tests/ directory"

scrub_env
cd "$root"
echo "pytest in $venv: $("$venv/bin/python" --version 2>&1), $("$venv/bin/python" -c 'import ansible; print("ansible-core", ansible.__version__)')"
set +e
# shellcheck disable=SC2086 # PYTEST_PATHS is a list of paths
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest ${PYTEST_PATHS:-tests} -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "ERROR: pytest collected no tests in $venv" >&2
    exit 1
fi
exit "$rc"
