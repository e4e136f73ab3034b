#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and local development.
#
#   postgres.sh start STATE_DIR   create (once) and start the cluster; last stdout line is
#                                 NUBIS_TEST_POSTGRES_URL=postgresql://nubis:nubis@127.0.0.1:<port>/nubis_test
#   postgres.sh stop STATE_DIR    stop exactly the cluster in STATE_DIR (pg_ctl stop -m fast)
#   postgres.sh status STATE_DIR  exit 0 when it accepts TCP connections
#
# Everything lives under STATE_DIR: data/ (the cluster), postgres.log, the unix socket and
# node.env (the port chosen by the first start). It listens on 127.0.0.1:PGPORT_NUBIS
# (55432) only, runs with fsync=off, and has a role nubis/nubis with CREATEDB (tests make
# throw-away databases) owning the database nubis_test. A Debian system cluster on 5432 is
# never touched. As root the server runs as the `postgres` OS user (initdb refuses root).
set -euo pipefail

START_TIMEOUT=${NUBIS_PG_START_TIMEOUT:-60}

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || die "usage: postgres.sh start|stop|status STATE_DIR"
cmd=$1
[[ $cmd == stop && ! -d $2 ]] && { echo "no PostgreSQL cluster in $2"; exit 0; }
mkdir -p "$2"
state=$(cd "$2" && pwd)
data=$state/data
settings=$state/node.env

# NOTE: stop and status reuse the port recorded by the first start, so a different
# PGPORT_NUBIS in the caller's environment can never redirect them to another cluster.
if [[ -f $settings ]]; then
  # shellcheck source=/dev/null
  . "$settings"
else
  port=${PGPORT_NUBIS:-55432}
fi
[[ $port =~ ^[0-9]+$ ]] || die "bad port '$port'"
url="postgresql://nubis:nubis@127.0.0.1:$port/nubis_test"

# Debian ships each major version in /usr/lib/postgresql/<ver>/bin; take the newest.
find_bindir() {
  if [[ -n ${NUBIS_PG_BINDIR:-} ]]; then
    echo "$NUBIS_PG_BINDIR"
    return
  fi
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n $d && -x $d/initdb ]] ||
    die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (run scripts/install-test-deps.sh)"
  echo "$d"
}
bindir=$(find_bindir)

# As root, every server-side command runs as the postgres OS user.
as_pg=()
if [[ $(id -u) == 0 ]]; then
  getent passwd postgres >/dev/null || die "no 'postgres' OS user (is the postgresql package installed?)"
  as_pg=(runuser -u postgres --)
fi
pg() { (cd "$state" && "${as_pg[@]}" "$@"); }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; }

running() { [[ -f $data/PG_VERSION ]] && pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

ready() { running && "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1; }

log_tail() {
  echo "---- last lines of $state/postgres.log ----" >&2
  tail -n 30 "$state/postgres.log" >&2 2>/dev/null || true
}

prepare_dir() {
  # The socket path must fit in sockaddr_un (107 bytes).
  ((${#state} + 20 < 107)) || die "STATE_DIR path too long for a unix socket: $state"
  if ((${#as_pg[@]})); then
    chown postgres:postgres "$state"
    "${as_pg[@]}" test -w "$state" ||
      die "the postgres user cannot reach $state (a parent directory is not searchable?)"
  fi
  chmod 700 "$state"
  echo "port=$port" >"$settings"
}

init_cluster() {
  [[ -f $data/PG_VERSION ]] && return 0
  echo "initdb $data ($("$bindir/postgres" --version))"
  # NOTE: local (unix socket) connections are trusted: the socket lives in the 0700 STATE_DIR.
  pg "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$state/initdb.log" 2>&1 ||
    { tail -n 20 "$state/initdb.log" >&2; die "initdb failed (see $state/initdb.log)"; }
  echo "include_if_exists = 'nubis.conf'" >>"$data/postgresql.conf"
}

write_conf() {
  # Rewritten on every start; postgresql.conf includes it.
  cat >"$data/nubis.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$state'
max_connections = 200
# Test data is disposable: trade durability for speed.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  ((${#as_pg[@]})) && chown postgres:postgres "$data/nubis.conf"
  return 0
}

psql_admin() {
  pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$state" -p "$port" -U postgres -d postgres "$@"
}

ensure_role_and_db() {
  psql_admin >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nubis') THEN
    CREATE ROLE nubis LOGIN;
  END IF;
END
$$;
ALTER ROLE nubis WITH LOGIN CREATEDB PASSWORD 'nubis';
SQL
  if [[ -z $(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = 'nubis_test'") ]]; then
    pg "$bindir/createdb" -h "$state" -p "$port" -U postgres -O nubis nubis_test
  fi
}

start() {
  if ! running; then
    if port_open; then
      die "127.0.0.1:$port is already in use by another process (set PGPORT_NUBIS or stop it)"
    fi
    prepare_dir
    init_cluster
    write_conf
    rm -f "$state/env"
    # -w waits for the server; a failed start is reported through the log.
    pg "$bindir/pg_ctl" -D "$data" -l "$state/postgres.log" -w -t "$START_TIMEOUT" start >/dev/null ||
      { log_tail; die "pg_ctl start failed"; }
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until ready; do
    if ! running; then
      log_tail
      die "PostgreSQL in $data exited during start"
    fi
    ((SECONDS < deadline)) ||
      { log_tail; die "PostgreSQL did not accept connections on 127.0.0.1:$port within ${START_TIMEOUT}s"; }
    sleep 0.2
  done
  ensure_role_and_db
  echo "NUBIS_TEST_POSTGRES_URL=$url" >"$state/env"
  echo "PostgreSQL ready on 127.0.0.1:$port (data $data, PID $(head -n 1 "$data/postmaster.pid"))"
  echo "NUBIS_TEST_POSTGRES_URL=$url"
}

stop() {
  rm -f "$state/env"
  if ! running; then
    echo "PostgreSQL in $state is not running"
    return 0
  fi
  pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
    pg "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null ||
    die "could not stop PostgreSQL in $data"
  echo "PostgreSQL in $state stopped"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status) ready ;;
  *) die "unknown command '$cmd' (expected start, stop or status)" ;;
esac
