#!/usr/bin/env bash
# Packaging smoke test: build the collection tarball with the newest ansible-core,
# install it into a fresh collections path and render every module's docs with
# ansible-doc, once per given venv (oldest and newest supported ansible-core).
#
#   hack/build-smoke.sh BUILD_VENV [DOC_VENV...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=hack/lib.sh
. "$here/lib.sh"

build_venv="$(cd "$1" && pwd)"
shift
doc_venvs=("$build_venv")
for v in "$@"; do
    doc_venvs+=("$(cd "$v" && pwd)")
done

scrub_env
cd "$root"
dist="$root/.build/dist"
smoke="$root/.build/smoke"

# The modules we expect to find in the installed collection.
modules=()
for f in plugins/modules/*.py; do
    [ -e "$f" ] || continue
    m="$(basename "$f" .py)"
    [ "$m" = "__init__" ] && continue
    modules+=("$m")
done
[ "${#modules[@]}" -gt 0 ] || die "no modules found in plugins/modules/*.py"

version="$(sed -n -E 's/^version:[[:space:]]*["'\'']?([^"'\'' ]+)["'\'']?[[:space:]]*$/\1/p' galaxy.yml)"
[ -n "$version" ] || die "cannot read version from galaxy.yml"
tarball="$dist/oncall-grafana-$version.tar.gz"

rm -rf "$dist" "$smoke"
mkdir -p "$dist" "$smoke"
# Keep ansible's own state (tmp dirs, galaxy cache) inside .build.
export ANSIBLE_HOME="$smoke/ansible-home"
export ANSIBLE_LOCAL_TEMP="$ANSIBLE_HOME/tmp"

build_core="$("$build_venv/bin/python" -c 'import ansible; print(ansible.__version__)')"
echo "--- build with ansible-core $build_core"
"$build_venv/bin/ansible-galaxy" collection build --output-path "$dist" --force
[ -f "$tarball" ] || die "expected $tarball"
entries="$(tar -tzf "$tarball")"
echo "tarball: $(du -h "$tarball" | cut -f1), $(wc -l <<<"$entries") entries"
# (galaxy.yml itself becomes MANIFEST.json + FILES.json in the tarball)
for required in MANIFEST.json FILES.json README.md meta/runtime.yml plugins/modules/; do
    grep -qxF "$required" <<<"$entries" || die "$required missing from the tarball"
done
if grep -E '^(\.build|\.venv[^/]*|tests/output|\.git|\.ci|hack)(/|$)|(^|/)__pycache__(/|$)|\.tar\.gz$'  <<<"$entries"; then
    die "the tarball contains files that build_ignore should have dropped (listed above)"
fi

failed=0
for venv in "${doc_venvs[@]}"; do
    core="$("$venv/bin/python" -c 'import ansible; print(ansible.__version__)')"
    echo "--- install + ansible-doc with ansible-core $core"
    colls="$smoke/collections-$core"
    export ANSIBLE_COLLECTIONS_PATH="$colls"
    "$venv/bin/ansible-galaxy" collection install --offline --force -p "$colls" "$tarball"
    listing="$(cd "$smoke" && "$venv/bin/ansible-doc" -l oncall.grafana 2>&1)" || {
        echo "$listing"
        die "ansible-doc -l oncall.grafana failed"
    }
    echo "$listing"
    for m in "${modules[@]}"; do
        if ! grep -q "^oncall\.grafana\.${m}[[:space:]]" <<<"$listing"; then
            echo "FAIL: oncall.grafana.$m not listed by ansible-doc -l" >&2
            failed=1
            continue
        fi
        if out="$(cd "$smoke" && "$venv/bin/ansible-doc" -t module "oncall.grafana.$m" 2>&1)" &&
            grep -q "oncall.grafana.$m" <<<"$out" &&
            ! grep -qiE '\[(ERROR|WARNING)\]' <<<"$out"; then
            echo "ok: ansible-doc oncall.grafana.$m ($(wc -l <<<"$out") lines)"
        else
            echo "$out" | tail -n 20 >&2
            echo "FAIL: ansible-doc oncall.grafana.$m (ansible-core $core)" >&2
            failed=1
        fi
    done
    unset ANSIBLE_COLLECTIONS_PATH
done
[ "$failed" -eq 0 ] || die "build-smoke failed"
echo "build-smoke: ${#modules[@]} module(s) documented, ansible-core x ${#doc_venvs[@]}"
