#!/usr/bin/env bash
# A private RabbitMQ node for tests and local development.
#
#   rabbitmq.sh start STATE_DIR   start (or reuse) the node; last stdout line is
#                                 NUBIS_TEST_RABBITMQ_URL=amqp://guest:guest@127.0.0.1:<port>/
#   rabbitmq.sh stop STATE_DIR    stop exactly the node started from STATE_DIR
#   rabbitmq.sh status STATE_DIR  exit 0 when that node accepts AMQP connections
#
# Everything lives under STATE_DIR (mnesia, logs, config, Erlang cookie, PIDs). The node
# listens on 127.0.0.1 only: AMQP on RABBITMQ_PORT (55672), Erlang distribution on
# RABBITMQ_DIST_PORT (port+1), its own epmd on NUBIS_RABBITMQ_EPMD_PORT (port+2), CLI
# tools on port+3..port+7. A system rabbitmq-server (5672/25672/4369) never collides;
# two STATE_DIRs need different RABBITMQ_PORTs (start refuses a port already in use).
# RABBITMQ_START_TIMEOUT (60) bounds the wait for the node, in seconds.
set -euo pipefail

RMQ_BIN=/usr/lib/rabbitmq/bin
START_TIMEOUT=${RABBITMQ_START_TIMEOUT:-60}

die() {
  echo "rabbitmq.sh: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || die "usage: rabbitmq.sh start|stop|status STATE_DIR"
cmd=$1
mkdir -p "$2"
state=$(cd "$2" && pwd)
settings=$state/node.env

# NOTE: stop and status reuse the settings written by start, so a different
# RABBITMQ_PORT in the caller's environment can never redirect them to another node.
if [[ -f $settings ]]; then
  # shellcheck source=/dev/null
  . "$settings"
else
  port=${RABBITMQ_PORT:-55672}
  dist_port=${RABBITMQ_DIST_PORT:-$((port + 1))}
  epmd_port=${NUBIS_RABBITMQ_EPMD_PORT:-$((port + 2))}
  node=nubis-$port@localhost
fi
url="amqp://guest:guest@127.0.0.1:$port/"
# Every process of this node inherits this variable: it is how stop tells ours from others.
marker="NUBIS_RABBITMQ_STATE=$state"

node_env() {
  export NUBIS_RABBITMQ_STATE=$state
  export HOME=$state # the Erlang cookie is $HOME/.erlang.cookie, shared by server and CLI
  export RABBITMQ_NODENAME=$node RABBITMQ_USE_LONGNAME=false
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$dist_port
  export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$epmd_port
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
  export RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
  export RABBITMQ_CTL_DIST_PORT_MIN=$((port + 3)) RABBITMQ_CTL_DIST_PORT_MAX=$((port + 7))
  export RABBITMQ_CONF_ENV_FILE=$state/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$state/rabbitmq.conf
  export RABBITMQ_ADVANCED_CONFIG_FILE=$state/advanced.config
  export RABBITMQ_ENABLED_PLUGINS_FILE=$state/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$state/mnesia RABBITMQ_LOG_BASE=$state/log
  export RABBITMQ_PID_FILE=$state/rabbitmq.pid
}

# True when PID is alive and was started by this script for this STATE_DIR.
is_ours() {
  local pid=${1:-}
  [[ -n $pid && $pid != "$$" && -r /proc/$pid/environ ]] || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "$marker"
}

# Every live process of this node (server wrapper, VM, its helpers, epmd).
our_pids() {
  local dir
  for dir in /proc/[0-9]*; do
    is_ours "${dir#/proc/}" && echo "${dir#/proc/}"
  done
  return 0
}

read_pid() {
  if [[ -f $1 ]]; then tr -dc '0-9' <"$1"; fi
}

port_in_use() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# True when PID holds the listening TCP socket of PORT (so the node answering is ours).
owns_port() {
  local pid=$1 inode
  while read -r inode; do
    find "/proc/$pid/fd" -lname "socket:\[$inode\]" 2>/dev/null | grep -q . && return 0
  done < <(awk -v p="$(printf ':%04X' "$2")" '$2 ~ p"$" && $4 == "0A" { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  return 1
}

# The broker answers the AMQP 0-9-1 protocol header with a Connection.Start method frame (type 1).
amqp_ready() {
  local first
  first=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'AMQP\x00\x00\x09\x01' >&3 \
    && head -c 1 <&3 | od -An -tx1" 2>/dev/null) || return 1
  [[ ${first// /} == 01 ]]
}

running() {
  local vm
  vm=$(read_pid "$state/rabbitmq.pid")
  is_ours "$vm" && owns_port "$vm" "$port" && amqp_ready
}

log_tail() {
  echo "---- last lines of the RabbitMQ logs in $state/log ----" >&2
  tail -n 40 "$state/log/startup.log" "$state/log/$node.log" 2>/dev/null >&2 || true
}

ensure_installed() {
  [[ -x $RMQ_BIN/rabbitmq-server ]] && return 0
  [[ $(id -u) == 0 ]] || die "rabbitmq-server is not installed and installing it needs root"
  command -v apt-get >/dev/null || die "rabbitmq-server is not installed and apt-get is missing"
  export DEBIAN_FRONTEND=noninteractive
  # NOTE: keep apt from starting the system service (it would run a second broker on 5672).
  local added_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  local ok=1
  apt-get install -y --no-install-recommends rabbitmq-server >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends rabbitmq-server >&2; } ||
    ok=
  [[ -n $added_policy ]] && rm -f /usr/sbin/policy-rc.d
  [[ -n $ok ]] || die "apt-get install rabbitmq-server failed"
  [[ -x $RMQ_BIN/rabbitmq-server ]] || die "rabbitmq-server installed but $RMQ_BIN/rabbitmq-server is missing"
}

write_files() {
  mkdir -p "$state/log" "$state/mnesia"
  printf 'port=%s\ndist_port=%s\nepmd_port=%s\nnode=%s\n' "$port" "$dist_port" "$epmd_port" \
    "$node" >"$settings"
  : >"$state/rabbitmq-env.conf"
  echo '[].' >"$state/enabled_plugins"
  cat >"$state/rabbitmq.conf" <<EOF
loopback_users.guest = true
disk_free_limit.absolute = 50MB
log.console = false
log.file.level = info
EOF
}

start_epmd() {
  is_ours "$(read_pid "$state/epmd.pid")" && return 0
  port_in_use "$epmd_port" && die "epmd port 127.0.0.1:$epmd_port is in use by another process" \
    "(another RabbitMQ node? set RABBITMQ_PORT or NUBIS_RABBITMQ_EPMD_PORT)"
  setsid epmd -address 127.0.0.1 -port "$epmd_port" </dev/null >>"$state/log/epmd.log" 2>&1 &
  echo $! >"$state/epmd.pid"
  local i
  for i in $(seq 50); do
    alive $! || break # NOTE: not is_ours: until it execs, the child still has our environment
    port_in_use "$epmd_port" && return 0
    sleep 0.1
  done
  die "epmd did not start on 127.0.0.1:$epmd_port (see $state/log/epmd.log)"
}

start() {
  if running; then
    finish
    return 0
  fi
  ensure_installed
  if ! is_ours "$(read_pid "$state/server.pid")"; then
    local p
    for p in "$port" "$dist_port"; do
      port_in_use "$p" && die "port 127.0.0.1:$p is in use by another process" \
        "(another RabbitMQ node? set RABBITMQ_PORT to move this one)"
    done
    write_files
    node_env
    rm -f "$state/rabbitmq.pid"
    start_epmd
    # The wrapper traps TERM/INT and stops the VM cleanly; the VM writes its own PID file.
    setsid "$RMQ_BIN/rabbitmq-server" </dev/null >"$state/log/startup.log" 2>&1 &
    echo $! >"$state/server.pid"
  fi
  local deadline=$((SECONDS + START_TIMEOUT)) server
  server=$(read_pid "$state/server.pid")
  until running; do
    if ! alive "$server"; then
      log_tail
      die "RabbitMQ node $node exited during start"
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      die "RabbitMQ node $node did not accept AMQP connections on 127.0.0.1:$port within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  finish
}

finish() {
  echo "NUBIS_TEST_RABBITMQ_URL=$url" >"$state/env"
  echo "RabbitMQ node $node ready (server PID $(read_pid "$state/server.pid"), VM PID $(read_pid "$state/rabbitmq.pid"))"
  echo "NUBIS_TEST_RABBITMQ_URL=$url"
}

# True while PID runs (a zombie left for a non-reaping init counts as gone).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Waits up to $2 tenths of a second for PID $1 to exit.
wait_gone() {
  local i
  for ((i = 0; i < $2; i++)); do
    alive "$1" || return 0
    sleep 0.1
  done
  return 1
}

# TERM, then KILL after $2 tenths of a second.
terminate() {
  is_ours "$1" || return 0
  kill -TERM "$1" 2>/dev/null || true
  wait_gone "$1" "$2" || kill -KILL "$1" 2>/dev/null || true
}

stop() {
  [[ -f $settings ]] || {
    echo "no RabbitMQ node recorded in $state"
    return 0
  }
  local vm pid
  vm=$(read_pid "$state/rabbitmq.pid")
  if is_ours "$vm"; then
    (node_env && timeout 30 "$RMQ_BIN/rabbitmqctl" -n "$node" stop >/dev/null 2>&1) || true
    wait_gone "$vm" 300 || terminate "$vm" 100
  fi
  terminate "$(read_pid "$state/server.pid")" 100
  # Whatever is left with our marker: our epmd, or one the VM spawned itself, and VM helpers.
  for pid in $(our_pids); do terminate "$pid" 50; done
  rm -f "$state/server.pid" "$state/rabbitmq.pid" "$state/epmd.pid" "$state/env"
  echo "RabbitMQ node $node stopped"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status) running ;;
  *) die "unknown command '$cmd' (expected start, stop or status)" ;;
esac
