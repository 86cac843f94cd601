#!/usr/bin/env bash
# Run `ansible-test sanity` without Docker on the newest ansible-core.
#
#   hack/sanity.sh VENV PYTHON_MINOR [extra ansible-test args...]
#   e.g. hack/sanity.sh .build/venv-2.21 3.12 --test validate-modules
#
# ansible-test needs the collection at .../ansible_collections/<ns>/<name>/ (a real
# directory: it resolves symlinks), so the git-tracked and untracked-not-ignored
# files are copied to .build/sanity/ansible_collections/oncall/grafana/ and a fresh
# git repo is initialised there (otherwise ansible-test would walk up to this
# checkout's .git, in which .build/ is ignored, and see no files at all).
#
# ansible-test caches one venv per sanity test under ~/.ansible/test/venv; HOME is
# pointed at .build/home so that cache lives (and is cleaned) with the build tree.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=hack/lib.sh
. "$here/lib.sh"

venv="$(cd "$1" && pwd)"
minor="$2"
shift 2

namespace=oncall
name=grafana
build="$root/.build"
dest="$build/sanity/ansible_collections/$namespace/$name"

[ -x "$venv/bin/ansible-test" ] || die "ansible-test not found in $venv (run make venv)"
if compgen -G "$root/tests/sanity/ignore-*.txt" >/dev/null; then
    die "tests/sanity/ignore-*.txt must not exist: fix the findings instead"
fi

python="$(find_python "$minor")" || die "no Python $minor interpreter found"

# --- copy the tree (keep tests/output: it holds ansible-test's delegation venv)
if [ -d "$dest/tests/output" ]; then
    rm -rf "$build/sanity/.output-keep"
    mv "$dest/tests/output" "$build/sanity/.output-keep"
fi
rm -rf "$dest"
mkdir -p "$dest"
(
    cd "$root"
    # deleted-but-not-yet-committed files are still listed by --cached: skip them
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
        if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
    done | tar --null -T - -cf -
) | tar -xf - -C "$dest"
if [ -d "$build/sanity/.output-keep" ]; then
    mkdir -p "$dest/tests"
    mv "$build/sanity/.output-keep" "$dest/tests/output"
fi
(
    cd "$dest"
    git init -q
    git add -A
)
echo "copied $(cd "$dest" && git ls-files | wc -l) files to $dest"

# --- environment for ansible-test
scrub_env
mkdir -p "$build/home"
export HOME="$build/home"
# ansible-test bootstraps pip in its venvs with a get-pip.py it downloads from a
# server we cannot reach; it uses a cached copy if present: provide our own.
pip_version="$(sed -n -E "s/^[[:space:]]*pip='([0-9.]+)',.*/\1/p" \
    "$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py" | head -n 1)"
[ -n "$pip_version" ] || die "cannot find the pip version ansible-test bootstraps"
mkdir -p "$HOME/.ansible/test/cache"
cp "$here/get-pip-offline.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-$build/pip-cache}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# ansible-test re-executes itself with pythonX.Y from PATH: put the real
# interpreter first (pyenv shims only answer for the global version).
python_dir="$(dirname "$python")"
export PATH="$python_dir:$venv/bin:$PATH"
unset PYENV_VERSION

cd "$dest"
echo "ansible-test $("$venv/bin/ansible-test" --version 2>&1) with $python"
rc=0
"$venv/bin/ansible-test" sanity --venv --python "$minor" --color no "$@" || rc=$?

# The modules run on managed nodes with any Python allowed by tests/config.yml:
# also compile and import them on every other installed Python (cheap). Only for
# a full run (no extra arguments such as --test X).
if [ "$#" -eq 0 ]; then
    others=()
    for other in 3.9 3.10 3.11 3.13 3.14; do
        [ "$other" = "$minor" ] && continue
        if other_python="$(find_python "$other")"; then
            others+=("$other")
            PATH="$(dirname "$other_python"):$PATH"
        fi
    done
    if [ "${#others[@]}" -gt 0 ]; then
        echo "--- compile + import on the other installed Pythons: ${others[*]}"
        for other in "${others[@]}"; do
            "$venv/bin/ansible-test" sanity --venv --python "$other" --color no --test compile --test import || rc=1
        done
    fi
fi
exit "$rc"
