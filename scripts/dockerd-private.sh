#!/usr/bin/env bash
# Starts a private Docker daemon for development and CI: vfs storage, no iptables, no bridge,
# its own data-root, exec-root and unix socket under one folder. Prints the DOCKER_HOST to use.
#   scripts/dockerd-private.sh start DIR [--config-file FILE] [other dockerd flags…]
#                                                  → prints unix://DIR/docker.sock once it answers
#   scripts/dockerd-private.sh stop DIR
set -euo pipefail
action=${1:?start|stop}
dir=${2:?folder}
shift 2 || true
case "$action" in
  start)
    mkdir -p "$dir"
    config_args=("$@")
    dockerd \
      --storage-driver vfs --iptables=false --ip6tables=false --bridge=none \
      --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      --host "unix://$dir/docker.sock" ${config_args[@]+"${config_args[@]}"} \
      >"$dir/dockerd.log" 2>&1 &
    for _ in $(seq 1 300); do
      if DOCKER_HOST="unix://$dir/docker.sock" docker version >/dev/null 2>&1; then
        echo "unix://$dir/docker.sock"
        exit 0
      fi
      sleep 0.1
    done
    echo "dockerd did not answer within 30 s; its log:" >&2
    tail -n 40 "$dir/dockerd.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/dockerd.pid" ]; then
      pid=$(cat "$dir/dockerd.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
