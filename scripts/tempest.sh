#!/usr/bin/env bash
# Run upstream Tempest against a fresh Nubis: the must-pass ratchet (fails the script),
# then the smoke and core tiers (informational only).
#
# usage: scripts/tempest.sh [--no-tiers] [--keep]
#   --no-tiers   only the must-pass list (same as NUBIS_TEMPEST_TIERS=0)
#   --keep       keep the Nubis data dir and the tempest workspace afterwards
#
# Environment (defaults in brackets):
#   NUBIS_SHARED_DIR            [<repo>/../shared]  where tools/tempest lives
#   NUBIS_TEMPEST_STATE_DIR     [new /tmp/nubis-tempest.XXXXXX]  data/, workspace/ and
#                               results/ (nubis.log, logs and last-results.csv of every run)
#   NUBIS_TEMPEST_LISTEN        [127.0.0.1:5000]  where `nubis serve` listens
#   NUBIS_CLI                   [bin/nubis.js]  the CLI that is started with `serve`
#   NUBIS_TEMPEST_TIERS         [1]  0 = skip the smoke and core tiers
#   TEMPEST_CONCURRENCY         [6]  tempest workers (Tempest's network client sleeps 10 s before
#                               every subnet delete: workers mostly wait, so 6 fit on 2 cores)
#   NUBIS_TEMPEST_START_TIMEOUT [30]  seconds for GET /identity/v3 to answer 200
#   NUBIS_TEMPEST_TIMEOUT       [1800] seconds for the must-pass run
#   NUBIS_TEMPEST_SMOKE_TIMEOUT [300], NUBIS_TEMPEST_CORE_TIMEOUT [600]  per tier
#   NUBIS_TEST_DEADLINE         [unset]  unix time; tiers are cut short (or skipped) to end
#                               a minute before it (.ci/run sets it to stay within its budget)
#   NUBIS_TEMPEST_MUST_PASS     [tempest/must-pass.txt]  the ratchet list (another list to try one out)
#   TEMPEST_* (image/flavor refs, microversions, ...) pass through to configure.sh.
# The last line is `tempest must-pass: N passed, N failed, N skipped`.
# Exit status: 0 iff every must-pass test passed (at least one ran, none failed).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${NUBIS_SHARED_DIR:-$REPO/../shared}
T=$SHARED/tools/tempest
LISTEN=${NUBIS_TEMPEST_LISTEN:-127.0.0.1:5000}
CLI=${NUBIS_CLI:-$REPO/bin/nubis.js}
TIERS=${NUBIS_TEMPEST_TIERS:-1}
KEEP=0
export TEMPEST_CONCURRENCY=${TEMPEST_CONCURRENCY:-6}
# NOTE: tempest waits this long for each status change; a short value keeps a
# controller that never reaches ACTIVE from eating the CI budget.
export TEMPEST_BUILD_TIMEOUT=${TEMPEST_BUILD_TIMEOUT:-60}

die() {
  echo "tempest.sh: $*" >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --no-tiers) TIERS=0 ;;
    --keep) KEEP=1 ;;
    -h | --help)
      awk 'NR>1 && /^#/ {sub(/^# ?/, ""); print; next} NR>1 {exit}' "$0"
      exit 0
      ;;
    *) die "unknown option '$1' (usage: tempest.sh [--no-tiers] [--keep])" ;;
  esac
  shift
done

[[ -x $T/run.sh || -f $T/run.sh ]] || die "$T/run.sh not found (set NUBIS_SHARED_DIR)"
command -v tempest >/dev/null || die "tempest is not installed (run scripts/install-test-deps.sh)"
[[ -f $CLI ]] || die "$CLI not found"
[[ $LISTEN =~ ^([0-9.]+):([0-9]+)$ ]] || die "NUBIS_TEMPEST_LISTEN must be IPv4:PORT, not '$LISTEN'"
HOST=${BASH_REMATCH[1]}
PORT=${BASH_REMATCH[2]}
BASE=http://$LISTEN

if [[ -n ${NUBIS_TEMPEST_STATE_DIR:-} ]]; then
  mkdir -p "$NUBIS_TEMPEST_STATE_DIR"
  STATE=$(cd "$NUBIS_TEMPEST_STATE_DIR" && pwd)
else
  STATE=$(mktemp -d /tmp/nubis-tempest.XXXXXX)
fi
DATA=$STATE/data
WS=$STATE/workspace
RESULTS=$STATE/results
SERVER_LOG=$RESULTS/nubis.log
rm -rf "$DATA" "$WS"
mkdir -p "$RESULTS"

SERVER_PID=
RUN_PGID=

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null; }

http_ok() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) })
    .then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$1"
}

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  local pid=$SERVER_PID
  SERVER_PID=
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    # nubis drains in-flight requests for up to [DEFAULT] shutdown_timeout (30 s)
    local i
    for ((i = 0; i < 400; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "tempest.sh: nubis (PID $pid) ignored SIGTERM for 40s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    echo "tempest.sh: WARNING: nubis (PID $pid) had already exited; see $SERVER_LOG" >&2
  fi
  wait "$pid" 2>/dev/null || true
  rm -f "$STATE/nubis.pid"
}

# Kills the process group of a bounded run still going (tempest and its stestr workers).
stop_run() {
  [[ -n $RUN_PGID ]] || return 0
  kill -TERM -- "-$RUN_PGID" 2>/dev/null || true
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 -- "-$RUN_PGID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$RUN_PGID" 2>/dev/null || true
  RUN_PGID=
}

cleanup() {
  local rc=$?
  stop_run
  if [[ -f $WS/.stestr.conf ]]; then
    # configure.sh registered the workspace in ~/.tempest/workspace.yaml under this name;
    # tempest commands drop a tempest.log in the cwd, hence the scratch dir.
    local name scratch
    name="ws-$(printf '%s' "$WS" | md5sum | cut -c1-12)"
    scratch=$(mktemp -d)
    (cd "$scratch" && tempest workspace remove --name "$name" >/dev/null 2>&1) || true
    rm -rf "$scratch"
  fi
  stop_server
  if [[ -n ${HTTP_PID:-} ]]; then
    kill -TERM "$HTTP_PID" 2>/dev/null || true
    wait "$HTTP_PID" 2>/dev/null || true
  fi
  ((KEEP)) || rm -rf "$DATA" "$WS"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs "$@" in its own process group with output to $LOG_FILE, for at most $1 seconds
# (0: skip). Streams the output when $STREAM=1. Sets RUN_RC (124 on timeout).
run_bounded() {
  local limit=$1
  shift
  RUN_RC=0
  : >"$LOG_FILE"
  rm -f "$WS/logs/last-results.csv" "$WS/logs/last-selected.txt"
  setsid "$@" </dev/null >"$LOG_FILE" 2>&1 &
  RUN_PGID=$!
  local tail_pid=
  if ((STREAM)); then
    tail -n +1 -f --pid="$RUN_PGID" "$LOG_FILE" &
    tail_pid=$!
  fi
  local deadline=$((SECONDS + limit))
  while kill -0 "$RUN_PGID" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      stop_run
      RUN_RC=124
      break
    fi
    sleep 1
  done
  if ((RUN_RC == 0)); then
    wait "$RUN_PGID" || RUN_RC=$?
  fi
  RUN_PGID=
  [[ -z $tail_pid ]] || wait "$tail_pid" 2>/dev/null || true
}

# Seconds a tier may take: its own limit, cut to end 60 s before NUBIS_TEST_DEADLINE.
budget() {
  local limit=$1
  if [[ -n ${NUBIS_TEST_DEADLINE:-} ]]; then
    local left=$((NUBIS_TEST_DEADLINE - $(date +%s) - 60))
    ((left < limit)) && limit=$left
    ((limit < 0)) && limit=0
  fi
  echo "$limit"
}

# Copies a finished run's logs into results/ as NAME-*; prints its totals line.
collect() {
  local name=$1
  cp -f "$WS/logs/last-results.csv" "$RESULTS/$name-results.csv" 2>/dev/null || true
  cp -f "$WS/logs/last-selected.txt" "$RESULTS/$name-selected.txt" 2>/dev/null || true
  grep -E '^tempest: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$RESULTS/$name.log" | tail -n 1 || true
}

# ---- a web server for the image import tests ([image] http_image) ----------------------
# Tempest's web-download tests fetch tempest.conf's [image] http_image; serve a small file on
# loopback (port 5196, allowed by tempest/nubis.conf's import_allowed_ports).
HTTP_PID=
mkdir -p "$STATE/www"
head -c 5000 /dev/urandom >"$STATE/www/cirros.img"
/usr/bin/python3 -m http.server 5196 --bind 127.0.0.1 --directory "$STATE/www" \
  </dev/null >"$STATE/http.log" 2>&1 &
HTTP_PID=$!

# ---- start nubis -----------------------------------------------------------------------
port_open && die "$LISTEN is already in use; stop whatever listens there or set NUBIS_TEMPEST_LISTEN"
PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
echo "tempest.sh: starting nubis serve --data-dir $DATA --listen $LISTEN (log $SERVER_LOG)"
# tempest/nubis.conf holds the server settings Tempest's own config assumes (lockout, password
# history): the two must agree.
NUBIS_ADMIN_PASSWORD=$PASSWORD node "$CLI" serve --config "$REPO/tempest/nubis.conf" --data-dir "$DATA" --listen "$LISTEN" \
  </dev/null >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
echo "$SERVER_PID" >"$STATE/nubis.pid"

start_deadline=$((SECONDS + ${NUBIS_TEMPEST_START_TIMEOUT:-30}))
t0=$SECONDS
until http_ok "$BASE/identity/v3"; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    tail -n 40 "$SERVER_LOG" >&2
    die "nubis exited during start (log $SERVER_LOG)"
  fi
  if ((SECONDS >= start_deadline)); then
    tail -n 40 "$SERVER_LOG" >&2
    die "GET $BASE/identity/v3 did not answer 200 within ${NUBIS_TEMPEST_START_TIMEOUT:-30}s"
  fi
  sleep 0.25
done
echo "tempest.sh: nubis is up (PID $SERVER_PID, $((SECONDS - t0))s)"

# ---- configure tempest -----------------------------------------------------------------
overrides=()
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%$'\r'}
  [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
  [[ $line =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_]+=[^[:space:]]*$ ]] ||
    die "tempest/overrides.txt: bad line '$line' (want section.key=value)"
  overrides+=("$line")
done <"$REPO/tempest/overrides.txt"

# What an operator would have set up (external network, …): VAR=value lines for configure.sh.
fixture_env=()
while IFS= read -r line; do
  [[ $line =~ ^TEMPEST_[A-Z_]+=[^[:space:]]+$ ]] && fixture_env+=("$line")
done < <(bash "$REPO/scripts/tempest-fixtures.sh" "$BASE" "$PASSWORD" </dev/null)
echo "tempest.sh: fixtures: ${fixture_env[*]:-none}"

env "${fixture_env[@]}" OS_AUTH_URL="$BASE/identity/v3" OS_USERNAME=admin OS_PASSWORD="$PASSWORD" OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne \
  bash "$T/configure.sh" "$WS" "${overrides[@]}" </dev/null

# Known durations let stestr balance its workers instead of dealing classes round-robin
# (tempest/test-times.txt; refresh with scripts/tempest-times.py record after a full run).
/usr/bin/python3 "$REPO/scripts/tempest-times.py" seed "$REPO/tempest/test-times.txt" "$WS" ||
  echo "tempest.sh: no timing history seeded (workers get classes round-robin)"

# ---- must-pass ratchet -----------------------------------------------------------------
MUST_PASS=${NUBIS_TEMPEST_MUST_PASS:-$REPO/tempest/must-pass.txt}
echo "tempest.sh: must-pass run ($(grep -cvE '^[[:space:]]*(#|$)' "$MUST_PASS") entries in tempest/must-pass.txt)"
LOG_FILE=$RESULTS/must-pass.log
STREAM=1
run_bounded "${NUBIS_TEMPEST_TIMEOUT:-1800}" bash "$T/run.sh" -w "$WS" "file:$MUST_PASS"
mp_rc=$RUN_RC
mp_line=$(collect must-pass)
mp_p=0 mp_f=0 mp_s=0
if [[ $mp_line =~ ^tempest:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
  mp_p=${BASH_REMATCH[1]} mp_f=${BASH_REMATCH[2]} mp_s=${BASH_REMATCH[3]}
fi
if ((mp_rc == 124)); then
  echo "tempest.sh: the must-pass run timed out after ${NUBIS_TEMPEST_TIMEOUT:-1800}s" >&2
fi

# Every entry must still select a test: a renamed or mistyped one would silently drop out.
unmatched=$(/usr/bin/python3 - "$MUST_PASS" "$RESULTS/must-pass-selected.txt" <<'PY'
import re, sys
patterns = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.lstrip().startswith('#')]
try:
    selected = [l.strip() for l in open(sys.argv[2]) if l.strip()]
except OSError:
    selected = []
for p in patterns:
    if not any(re.search(p, t) for t in selected):
        print(p)
PY
)
if [[ -n $unmatched ]]; then
  echo "tempest.sh: must-pass entries that select no test:" >&2
  while IFS= read -r u; do echo "  $u" >&2; done <<<"$unmatched"
  mp_f=$((mp_f + $(wc -l <<<"$unmatched")))
fi
if ((mp_rc != 0 && mp_f == 0)); then
  mp_f=1 # timed out, crashed or selected nothing: never report success
fi
mp_ok=0
((mp_f == 0 && mp_p > 0)) && mp_ok=1
if ((mp_s > 0)); then
  echo "tempest.sh: WARNING: $mp_s must-pass test(s) skipped; see $RESULTS/must-pass-results.csv" >&2
fi
if ((!mp_ok)); then
  cp -f "$WS/logs/tempest.log" "$RESULTS/must-pass-tempest.log" 2>/dev/null || true
  echo "tempest.sh: must-pass FAILED; failing tests:" >&2
  grep -vE ',(success|skip|xfail)(,|$)' "$RESULTS/must-pass-results.csv" 2>/dev/null |
    grep -v '^test,' | cut -d, -f1 | sed 's/^/  /' >&2 || true
fi

# ---- informational tiers ---------------------------------------------------------------
tier_lines=()
if [[ $TIERS != 0 ]]; then
  STREAM=0
  for tier in smoke core; do
    if [[ $tier == smoke ]]; then limit=${NUBIS_TEMPEST_SMOKE_TIMEOUT:-300}; else limit=${NUBIS_TEMPEST_CORE_TIMEOUT:-600}; fi
    limit=$(budget "$limit")
    if ((limit <= 0)); then
      tier_lines+=("tempest $tier: not run (no time left before NUBIS_TEST_DEADLINE)")
      continue
    fi
    echo "tempest.sh: $tier tier (informational, up to ${limit}s; log $RESULTS/$tier.log)"
    LOG_FILE=$RESULTS/$tier.log
    run_bounded "$limit" bash "$T/run.sh" -w "$WS" "$tier"
    line=$(collect "$tier")
    if ((RUN_RC == 124)); then
      tier_lines+=("tempest $tier: timed out after ${limit}s (informational)")
    elif [[ -n $line ]]; then
      tier_lines+=("tempest $tier: ${line#tempest: }")
    else
      tier_lines+=("tempest $tier: no result (see $RESULTS/$tier.log)")
    fi
    kill -0 "$SERVER_PID" 2>/dev/null ||
      { echo "tempest.sh: WARNING: nubis died during the $tier tier; see $SERVER_LOG" >&2; break; }
  done
fi

stop_server
echo "tempest.sh: results and logs in $RESULTS"
for line in "${tier_lines[@]}"; do echo "$line"; done
echo "tempest must-pass: $mp_p passed, $mp_f failed, $mp_s skipped"
((mp_ok))
