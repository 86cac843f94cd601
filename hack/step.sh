#!/usr/bin/env bash
# Run one named step with a header and its duration: hack/step.sh NAME CMD [ARGS...]
set -uo pipefail
name="$1"
shift
printf '\n==================== %s ====================\n' "$name"
start=$SECONDS
"$@"
rc=$?
took=$((SECONDS - start))
if [ "$rc" -eq 0 ]; then
    printf '==== %s: OK (%ss)\n' "$name" "$took"
else
    printf '==== %s: FAILED with exit code %s (%ss)\n' "$name" "$rc" "$took" >&2
fi
if [ -n "${STEP_TIMES:-}" ]; then
    printf '%-14s %5ss  %s\n' "$name" "$took" "$([ "$rc" -eq 0 ] && echo ok || echo FAILED)" >> "$STEP_TIMES"
fi
exit "$rc"
