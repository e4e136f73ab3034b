#!/usr/bin/env bash
# Everything `npm test` runs, in order: install missing test dependencies, build, start a
# private PostgreSQL and RabbitMQ, run every compiled unit/integration test (dist/**/*.test.js)
# with node:test, then Tempest against a fresh Nubis (scripts/tempest.sh).
#
# usage: scripts/test-all.sh [--unit] [--no-tiers] [--keep]
#   --unit       node tests only (no Tempest): the quick local loop
#   --no-tiers   Tempest must-pass list only, without the informational smoke/core tiers
#   --keep       keep the service data dirs (and tempest's data and workspace) afterwards
#
# Environment: NUBIS_TEST_STATE_DIR [new /tmp/nubis-test.XXXXXX] holds logs and results;
# NUBIS_UNIT_TIMEOUT [900] bounds the node tests (seconds), NUBIS_TEST_TIMEOUT_MS [300000]
# each single test; PGPORT_NUBIS / RABBITMQ_PORT move the services; scripts/tempest.sh
# documents its own variables.
# The last line is `nubis: N passed, N failed, N skipped` (node tests + tempest must-pass).
# Exit status: 0 iff nothing failed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

UNIT_ONLY=0
KEEP=0
TEMPEST_ARGS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --unit) UNIT_ONLY=1 ;;
    --no-tiers) TEMPEST_ARGS+=(--no-tiers) ;;
    --keep) KEEP=1 TEMPEST_ARGS+=(--keep) ;;
    -h | --help)
      awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print; next} NR>1 {exit}' "$0"
      exit 0
      ;;
    *)
      echo "test-all.sh: unknown option '$1' (usage: test-all.sh [--unit] [--no-tiers] [--keep])" >&2
      exit 2
      ;;
  esac
  shift
done

if [[ -n ${NUBIS_TEST_STATE_DIR:-} ]]; then
  mkdir -p "$NUBIS_TEST_STATE_DIR"
  STATE=$(cd "$NUBIS_TEST_STATE_DIR" && pwd)
else
  STATE=$(mktemp -d /tmp/nubis-test.XXXXXX)
fi
# The postgres OS user must be able to reach $STATE/postgres.
chmod 755 "$STATE"

node_p=0 node_f=0 node_s=0
tp_p=0 tp_f=0 tp_s=0
failed_steps=()
summary=()
started_services=()
CHILD_PGID=
INTERRUPTED=
T0=$SECONDS

# Stops a process group started by run_group; waits up to 60 s for it to clean up.
stop_group() {
  [[ -n $CHILD_PGID ]] || return 0
  kill -TERM -- "-$CHILD_PGID" 2>/dev/null || true
  local i
  for ((i = 0; i < 600; i++)); do
    kill -0 -- "-$CHILD_PGID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$CHILD_PGID" 2>/dev/null || true
  CHILD_PGID=
}

# Backstop for scripts/tempest.sh being killed before it stopped its server: the PID file
# names the server, and its command line must still name our data dir (no PID reuse).
stop_nubis() {
  local pidfile=$STATE/tempest/nubis.pid pid
  [[ -f $pidfile ]] || return 0
  pid=$(tr -dc '0-9' <"$pidfile")
  if [[ -n $pid && -r /proc/$pid/cmdline ]] &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--data-dir $STATE/tempest/data"; then
    echo "test-all.sh: stopping leftover nubis server (PID $pid)" >&2
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 400; i++)); do
      [[ -d /proc/$pid ]] || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

finish() {
  local rc=$?
  trap - EXIT INT TERM
  stop_group
  stop_nubis
  local svc
  for svc in "${started_services[@]}"; do
    bash "scripts/services/$svc.sh" stop "$STATE/$svc" >>"$STATE/services.log" 2>&1 ||
      echo "test-all.sh: WARNING: stopping $svc failed (see $STATE/services.log)" >&2
  done
  if [[ -n $INTERRUPTED ]]; then
    failed_steps+=("interrupted by $INTERRUPTED")
  elif ((rc != 0 && ${#failed_steps[@]} == 0)); then
    failed_steps+=("aborted (exit $rc)")
  fi
  local failed=$((node_f + tp_f)) step
  for step in "${failed_steps[@]}"; do
    # a failed step with no failed test behind it still counts once
    case $step in
      "node tests ("*) ((node_f > 0)) || failed=$((failed + 1)) ;;
      "tempest must-pass") ((tp_f > 0)) || failed=$((failed + 1)) ;;
      *) failed=$((failed + 1)) ;;
    esac
  done
  ((${#failed_steps[@]} == 0 && !KEEP)) && rm -rf "$STATE/postgres" "$STATE/rabbitmq"
  echo
  echo "==== summary ($((SECONDS - T0))s; logs in $STATE) ===="
  local line
  for line in "${summary[@]}"; do echo "$line"; done
  for step in "${failed_steps[@]}"; do echo "FAILED: $step"; done
  echo "nubis: $((node_p + tp_p)) passed, $failed failed, $((node_s + tp_s)) skipped"
  ((${#failed_steps[@]} == 0)) && exit 0
  exit 1
}
trap finish EXIT
trap 'INTERRUPTED=SIGINT; exit 130' INT
trap 'INTERRUPTED=SIGTERM; exit 143' TERM

banner() { echo "==== $* ($((SECONDS - T0))s)"; }

# Runs "$@" in its own process group (so an interrupt can stop all of it), for at most
# $1 seconds; sets RUN_RC (124 on timeout). With OUT_FILE set, output goes there and is
# streamed by a tail (no pipe: a killed reader would SIGPIPE the child's cleanup).
run_group() {
  local limit=$1
  shift
  RUN_RC=0
  local tail_pid=
  if [[ -n ${OUT_FILE:-} ]]; then
    : >"$OUT_FILE"
    setsid "$@" </dev/null >"$OUT_FILE" 2>&1 &
    CHILD_PGID=$!
    tail -n +1 -f --pid="$CHILD_PGID" "$OUT_FILE" &
    tail_pid=$!
  else
    setsid "$@" </dev/null &
    CHILD_PGID=$!
  fi
  local deadline=$((SECONDS + limit))
  while kill -0 "$CHILD_PGID" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "test-all.sh: timed out after ${limit}s: $*" >&2
      stop_group
      RUN_RC=124
      break
    fi
    sleep 1
  done
  if ((RUN_RC == 0)); then
    wait "$CHILD_PGID" || RUN_RC=$?
  fi
  CHILD_PGID=
  [[ -z $tail_pid ]] || wait "$tail_pid" 2>/dev/null || true
}

# Starts scripts/services/NAME.sh in $STATE/NAME and exports the URL from its last line.
start_service() {
  local name=$1 var=$2 out t=$SECONDS
  started_services+=("$name")
  if ! out=$(bash "scripts/services/$name.sh" start "$STATE/$name" </dev/null); then
    echo "$out"
    failed_steps+=("start $name")
    exit 1
  fi
  local last=${out##*$'\n'}
  [[ $last == "$var="* ]] || {
    echo "$out"
    echo "test-all.sh: scripts/services/$name.sh did not print $var=... last" >&2
    failed_steps+=("start $name")
    exit 1
  }
  export "${last?}"
  echo "$last ($((SECONDS - t))s)"
}

# ---- dependencies and build ------------------------------------------------------------
banner "install test dependencies"
bash scripts/install-test-deps.sh </dev/null || {
  failed_steps+=("install-test-deps")
  exit 1
}
banner "build"
npm run build --silent </dev/null || {
  failed_steps+=("build")
  exit 1
}

# ---- services --------------------------------------------------------------------------
banner "start PostgreSQL and RabbitMQ (state in $STATE)"
start_service postgres NUBIS_TEST_POSTGRES_URL
start_service rabbitmq NUBIS_TEST_RABBITMQ_URL

# ---- node:test -------------------------------------------------------------------------
# NOTE: the file list is passed explicitly: Node 20's --test does not expand globs itself.
# Pass 1 runs every suite on SQLite; pass 2 runs the database-backed suites (services/, db/)
# again with NUBIS_TEST_DB=postgres, so repositories and APIs are proven on both dialects.
tap_total() { awk -v k="$2" '$1 == "#" && $2 == k && NF == 3 { n = $3 } END { print n + 0 }' "$1" 2>/dev/null || echo 0; }
node_pass() { # LABEL TAPNAME FILE...
  local label=$1 tap=$STATE/$2
  shift 2
  banner "node tests: $label ($# files)"
  if (($# == 0)); then
    echo "test-all.sh: no dist/**/*.test.js files for $label (did the build emit the tests?)" >&2
    failed_steps+=("node tests ($label)")
    summary+=("node tests ($label): none found")
    return
  fi
  run_group "${NUBIS_UNIT_TIMEOUT:-900}" node --test --test-concurrency=2 \
    --test-timeout="${NUBIS_TEST_TIMEOUT_MS:-300000}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$@"
  # The TAP reporter ends with unindented `# pass N`, `# fail N`, ... totals.
  local p f s
  p=$(tap_total "$tap" pass)
  f=$(($(tap_total "$tap" fail) + $(tap_total "$tap" cancelled)))
  s=$(($(tap_total "$tap" skipped) + $(tap_total "$tap" todo)))
  node_p=$((node_p + p)) node_f=$((node_f + f)) node_s=$((node_s + s))
  summary+=("node tests ($label): $p passed, $f failed, $s skipped")
  if ((RUN_RC != 0 || f > 0)); then
    failed_steps+=("node tests ($label)")
  fi
}
mapfile -t test_files < <(find dist -type f -name '*.test.js' | sort)
node_pass "all, SQLite" node-tests.tap "${test_files[@]}"
mapfile -t pg_files < <(find dist/services dist/db -type f -name '*.test.js' 2>/dev/null | sort)
NUBIS_TEST_DB=postgres node_pass "database suites, PostgreSQL" node-tests-pg.tap "${pg_files[@]}"

# ---- tempest ---------------------------------------------------------------------------
if ((!UNIT_ONLY)); then
  banner "tempest"
  TEMPEST_LOG=$STATE/tempest.out
  NUBIS_TEMPEST_STATE_DIR=$STATE/tempest OUT_FILE=$TEMPEST_LOG \
    run_group 86400 bash scripts/tempest.sh "${TEMPEST_ARGS[@]}"
  line=$(grep -E '^tempest must-pass: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$TEMPEST_LOG" | tail -n 1 || true)
  if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    tp_p=${BASH_REMATCH[1]} tp_f=${BASH_REMATCH[2]} tp_s=${BASH_REMATCH[3]}
  fi
  summary+=("tempest must-pass: $tp_p passed, $tp_f failed, $tp_s skipped")
  while IFS= read -r tier; do
    summary+=("$tier (informational, not counted)")
  done < <(grep -E '^tempest (smoke|core): ' "$TEMPEST_LOG" || true)
  if ((RUN_RC != 0 || tp_f > 0)); then
    failed_steps+=("tempest must-pass")
  fi
fi
