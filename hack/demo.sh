#!/usr/bin/env bash
# The README's main job: run examples/demo.yml against the bundled OnCall emulator
# (or, with `make demo-real` / DEMO_REAL=1, against the real OnCall named by
# GRAFANA_ONCALL_URL and GRAFANA_ONCALL_ACCESS_TOKEN):
#   1. apply (creates the integration), 2. apply again (changed=0),
#   3. preview an edit with --check --diff (nothing is written).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=hack/lib.sh
. "$here/lib.sh"

venv="$root/.build/venv-2.19"
"$here/venv.sh" "$venv" 3.11 "$root/tests/requirements-2.19.txt"

# ansible-playbook finds oncall.grafana in this checkout through a collections path.
collections="$root/.build/collections"
mkdir -p "$collections/ansible_collections/oncall"
ln -sfn "$root" "$collections/ansible_collections/oncall/grafana"
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-}" ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0

extra=()
emulator_pid=""
cleanup() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

if [ "${DEMO_REAL:-0}" = "1" ]; then
    # A real OnCall only on explicit request: GRAFANA_ONCALL_* often point at production.
    [ -n "${GRAFANA_ONCALL_URL:-}" ] || die "DEMO_REAL=1 needs GRAFANA_ONCALL_URL"
    [ -n "${GRAFANA_ONCALL_ACCESS_TOKEN:-}" ] || die "DEMO_REAL=1 needs GRAFANA_ONCALL_ACCESS_TOKEN"
    header "Demo against the real OnCall at $GRAFANA_ONCALL_URL"
else
    scrub_env
    fifo="$(mktemp -u)"
    mkfifo "$fifo"
    "$venv/bin/python" "$root/tests/emulator/server.py" --host 127.0.0.1 --port 0 --token demo-token \
        --teams ops --slack-channels alerts=C01ALERTS >"$fifo" &
    emulator_pid=$!
    read -r -t 30 ready <"$fifo" || die "the emulator did not start"
    rm -f "$fifo"
    export GRAFANA_ONCALL_URL="${ready##* }"
    export GRAFANA_ONCALL_ACCESS_TOKEN=demo-token
    extra=(-e demo_slack_channel_id=C01ALERTS)
    header "Demo against the local OnCall emulator at $GRAFANA_ONCALL_URL"
fi

playbook=("$venv/bin/ansible-playbook" -i 'localhost,' -c local "$root/examples/demo.yml" "${extra[@]}")

header "1. Apply: the integration is created"
"${playbook[@]}"

# emulator_requests METHOD: the emulator's request log (DELETE clears it, GET prints one line per request).
emulator_requests() {
    "$venv/bin/python" - "$1" "$GRAFANA_ONCALL_URL/__emulator__/requests" <<'PY'
import sys
import requests
answer = requests.request(sys.argv[1], sys.argv[2], timeout=10)
answer.raise_for_status()
for entry in (answer.json()["requests"] if answer.content else []):
    print("    %s %s -> %s" % (entry["method"], entry["path"], entry["status"]))
PY
}

header "2. Apply again: nothing to do (changed=0, one read request)"
[ -z "$emulator_pid" ] || emulator_requests DELETE
"${playbook[@]}" | tee "$root/.build/demo-second-run.log"
grep -q "changed=0" "$root/.build/demo-second-run.log" || die "the second run changed something"
if [ -n "$emulator_pid" ]; then
    echo "Requests the emulator answered during the second run:"
    emulator_requests GET
fi

header "3. Preview an edit with --check --diff: nothing is written"
"${playbook[@]}" --check --diff -e "demo_description='Alerts from the demo Prometheus, now paging ops'"
