# shellcheck shell=bash
# Helpers shared by the hack/ scripts (sourced, not executed).

die() {
    echo "ERROR: $*" >&2
    exit 1
}

header() {
    printf '\n==== %s ====\n' "$*"
}

# find_python MINOR -> absolute path of a python interpreter for MINOR (e.g. 3.12).
# Prefers the newest pyenv installation of that minor version (pyenv shims only
# answer for the global version), then pythonMINOR on PATH.
find_python() {
    local minor="$1" ver candidate
    if command -v pyenv >/dev/null 2>&1; then
        ver="$(pyenv versions --bare 2>/dev/null | grep -E "^${minor//./\\.}\.[0-9]+$" | sort -V | tail -n 1 || true)"
        if [ -n "$ver" ]; then
            candidate="$(pyenv root)/versions/$ver/bin/python$minor"
            if [ -x "$candidate" ]; then
                echo "$candidate"
                return 0
            fi
        fi
    fi
    candidate="$(command -v "python$minor" 2>/dev/null || true)"
    if [ -n "$candidate" ] && "$candidate" -c 'import sys' >/dev/null 2>&1; then
        echo "$candidate"
        return 0
    fi
    return 1
}

# Remove every real Grafana / OnCall credential from the environment, so a test
# step can never talk to a developer's real instance by accident.
# ONCALL_TEST_URL / ONCALL_TEST_TOKEN are deliberately kept.
scrub_env() {
    local var
    for var in $(compgen -e); do
        case "$var" in
            GRAFANA_*) unset "$var" ;;
        esac
    done
}

# pip_quiet ARGS...: run pip, hiding this machine's "Location 'file://...' is
# ignored" warnings (extra local indexes configured globally) but nothing else.
pip_quiet() {
    "$@" 2> >(grep -v -E "^WARNING: Location 'file://.*' is ignored" >&2)
}
