#!/usr/bin/env bash
# Create or refresh one test virtualenv under .build/, idempotently.
#
#   hack/venv.sh VENV_DIR PYTHON_MINOR REQUIREMENTS_FILE
#   e.g. hack/venv.sh .build/venv-2.21 3.12 tests/requirements-2.21.txt
#
# The venv is rebuilt only when the stamp (hash of the requirements file(s), the
# interpreter version and this script) changes. pip downloads are cached in
# .build/pip-cache (override with PIP_CACHE_DIR).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=hack/lib.sh
. "$here/lib.sh"

venv="$1"
minor="$2"
req="$3"

[ -f "$req" ] || die "requirements file not found: $req"

python="$(find_python "$minor")" || die "no Python $minor interpreter found (pyenv or PATH)"

export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$root/.build/pip-cache}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1

# Everything that should trigger a rebuild goes into the stamp.
req_dir="$(dirname "$req")"
stamp_input="$(
    "$python" -c 'import sys; print(sys.version)'
    cat "$req"
    # constraint / nested requirement files referenced with -c / -r
    sed -n -E 's/^[[:space:]]*-(c|r)[[:space:]]+([^[:space:]]+).*/\2/p' "$req" | while read -r inc; do
        cat "$req_dir/$inc"
    done
    cat "$here/venv.sh"
)"
stamp="$(printf '%s' "$stamp_input" | sha256sum | cut -d' ' -f1)"
stamp_file="$venv/.requirements.stamp"

if [ -x "$venv/bin/python" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    echo "venv $venv is up to date ($("$venv/bin/python" --version 2>&1))"
    exit 0
fi

echo "creating venv $venv with $python ($("$python" --version 2>&1)) from $req"
rm -rf "$venv"
"$python" -m venv "$venv"
pip_quiet "$venv/bin/python" -m pip install --quiet --upgrade pip
pip_quiet "$venv/bin/python" -m pip install --quiet --require-virtualenv -r "$req"
"$venv/bin/python" -m pip check
printf '%s\n' "$stamp" > "$stamp_file"
echo "venv $venv ready"
