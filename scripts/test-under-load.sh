#!/usr/bin/env bash
# Runs tests while stress-ng keeps CPUs busy, to show they do not depend on timing or
# scheduling (a shared CI machine, a laptop building something else). Run it before
# submitting a change to tests or to anything they start.
#
#   scripts/test-under-load.sh                       # the whole suite: npm test
#   scripts/test-under-load.sh test/e2e test/unit/agent   # vitest on these files or directories
#   scripts/test-under-load.sh -- CMD ARG...         # any command
#   scripts/test-under-load.sh -n 3 test/e2e         # three times in a row (stops at the first failure)
#
# Environment: LOAD_CPUS (stress-ng CPU hogs, default 2), LOAD_TIMEOUT (stress-ng's own bound,
# seconds, default 3600: it stops by itself even if this script is killed with SIGKILL), CI
# (default true here, so a test whose tool is missing fails instead of skipping: a run that
# skipped would prove nothing).
# stress-ng is Debian's stress-ng (apt-get install stress-ng; .ci/install.d/10-apt.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

repeat=1
if [ "${1:-}" = "-n" ]; then
  [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "test-under-load: -n needs a positive count, got '${2:-}'" >&2; exit 2; }
  repeat=$2
  shift 2
fi
if [ "${1:-}" = "--" ]; then
  shift
  [ $# -gt 0 ] || { echo "test-under-load: no command after --" >&2; exit 2; }
  cmd=("$@")
elif [ $# -gt 0 ]; then
  for p in "$@"; do
    [ -e "$p" ] || { echo "test-under-load: $p: no such test file or directory (a command goes after --)" >&2; exit 2; }
  done
  cmd=(npx vitest run "$@")
else
  cmd=(npm test)
fi

cpus=${LOAD_CPUS:-2}
timeout=${LOAD_TIMEOUT:-3600}
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || { echo "test-under-load: LOAD_CPUS must be a positive integer, got '$cpus'" >&2; exit 2; }
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || { echo "test-under-load: LOAD_TIMEOUT must be a positive number of seconds, got '$timeout'" >&2; exit 2; }
command -v stress-ng >/dev/null || { echo "test-under-load: stress-ng not found (apt-get install stress-ng)" >&2; exit 1; }
export CI=${CI:-true}

stress-ng --cpu "$cpus" --timeout "${timeout}s" --quiet &
stress_pid=$!
cmd_pid=
stop() {
  # SIGINT/SIGTERM reach the script: pass them on to the test command (run in the
  # background so that the trap runs at once), then stop the load.
  if [ -n "$cmd_pid" ] && kill -0 "$cmd_pid" 2>/dev/null; then
    kill -TERM "$cmd_pid" 2>/dev/null || true
    wait "$cmd_pid" 2>/dev/null || true
  fi
  # stress-ng's parent stops its workers when it gets SIGTERM.
  if kill -0 "$stress_pid" 2>/dev/null; then
    kill -TERM "$stress_pid" 2>/dev/null || true
    wait "$stress_pid" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The hogs must really be running, or the run proves nothing.
sleep 1
kill -0 "$stress_pid" 2>/dev/null || { wait "$stress_pid" || true; echo "test-under-load: stress-ng exited at once" >&2; exit 1; }

printf '=== under load: stress-ng --cpu %s (pid %s, at most %ss), %s CPUs, load average %s\n' \
  "$cpus" "$stress_pid" "$timeout" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for ((i = 1; i <= repeat; i++)); do
  printf '=== run %d/%d (CI=%s): %s\n' "$i" "$repeat" "$CI" "${cmd[*]}"
  "${cmd[@]}" <&0 &
  cmd_pid=$!
  rc=0
  wait "$cmd_pid" || rc=$?
  cmd_pid=
  if [ "$rc" -eq 0 ]; then
    printf '=== run %d/%d passed under load (load average %s)\n' "$i" "$repeat" "$(cut -d' ' -f1-3 /proc/loadavg)"
  else
    status=$rc
    printf '=== run %d/%d FAILED under load with exit status %d (load average %s)\n' "$i" "$repeat" "$status" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
    break
  fi
  kill -0 "$stress_pid" 2>/dev/null || { echo "test-under-load: stress-ng stopped during the run (LOAD_TIMEOUT=${timeout}s too short?)" >&2; status=1; break; }
done
exit "$status"
