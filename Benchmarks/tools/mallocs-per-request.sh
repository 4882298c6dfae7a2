#!/bin/bash
# Allocations per request of `octobus serve` (GET /admin/v1/status) and of the bare HTTP
# runtime, counted by the malloc-count.c shim over 100,000 h2load requests after a warm-up.
# Usage: Benchmarks/tools/mallocs-per-request.sh   (after ./scripts/build.sh and
#        swift build -c release --product OctobusBench)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -shared -fPIC -o "$work/malloc-count.so" "$root/Benchmarks/tools/malloc-count.c"
requests=100000

measure() { # name, pid, url, log
    local name=$1 pid=$2 url=$3 log=$4
    h2load -n 20000 -c 10 -m 10 "$url" >/dev/null
    kill -USR2 "$pid"; sleep 0.3
    h2load -n $requests -c 10 -m 10 "$url" | grep -q "succeeded, 0 failed"
    kill -USR2 "$pid"; sleep 0.3
    kill "$pid"; wait "$pid" 2>/dev/null || true
    grep malloc-count "$log" | tail -2 | tr '=' ' ' | awk -v n=$requests -v name="$name" \
        'NR==1 {a=$3; f=$5} NR==2 {printf "| %s | %.2f | %.2f |\n", name, ($3-a)/n, ($5-f)/n}'
}

echo "| server | allocations / request | frees / request |"
echo "|---|---|---|"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The tuning re-exec keeps LD_PRELOAD, so the shim counts the tuned image.
LD_PRELOAD="$work/malloc-count.so" "$root/.build/release/octobus" serve --addr "127.0.0.1:$port" \
    --data-dir "$work/data" --loops 1 2>"$work/octobus.log" &
pid=$!
until grep -q daemon_listening "$work/octobus.log" 2>/dev/null; do sleep 0.1; done
measure "octobus serve" $pid "http://127.0.0.1:$port/admin/v1/status" "$work/octobus.log"

LD_PRELOAD="$work/malloc-count.so" "$root/.build/release/OctobusBench" bare-server --loops 1 \
    >"$work/bare.out" 2>"$work/bare.log" &
pid=$!
until grep -q port= "$work/bare.out" 2>/dev/null; do sleep 0.1; done
measure "bare-server (runtime alone)" $pid "http://127.0.0.1:$(sed -n 's/port=//p' "$work/bare.out")/admin/v1/status" "$work/bare.log"
