#!/usr/bin/env bash
# Echo benchmark: messages/s and p50/p99 round-trip time of `pktscope echo-server` against
# `socat TCP-LISTEN:PORT,fork,reuseaddr EXEC:cat` (and the same with `nodelay`, "socat-nd")
# and `ncat -l -k --exec /bin/cat`, for 1, 16 and 256 concurrent TCP clients with 64-byte and
# 16 KiB messages, in one run.
#
# All three servers run in a private network namespace (only `lo`, nothing else on it) and
# are driven by the same load generator, `pktscope echo-client --duration`, which verifies
# every echoed byte (a server that corrupts data fails the run instead of looking fast).
#
# Usage (root, for the namespace):
#   bench/echo_compare.sh [SECONDS_PER_CELL]         default 5
# Environment: PKTSCOPE=path/to/pktscope (default build/release/tools/pktscope),
#              CONCURRENCY="1 16 256", SIZES="64 16384", NICE=-5 (priority of every process
#              under test; 0 disables), RT=<1..99>: run every process under test SCHED_FIFO.
# On a machine busy with other work, the servers' numbers measure the scheduler more than
# the servers (a single-threaded server waits for a CPU as one task; socat's 2 processes per
# client get many turns). RT=5 removes that interference; the kernel's RT throttling
# (sched_rt_runtime_us) still leaves 5% of each CPU to everything else.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-5}"
pktscope="$(realpath "${PKTSCOPE:-build/release/tools/pktscope}")"
concurrency="${CONCURRENCY:-1 16 256}"
sizes="${SIZES:-64 16384}"
nice_level="${NICE:--5}"
[ "$(id -u)" -eq 0 ] || { echo "echo_compare: needs root (it creates a network namespace)" >&2; exit 1; }
[ -x "$pktscope" ] || { echo "echo_compare: no pktscope binary at $pktscope (set PKTSCOPE=...)" >&2; exit 1; }
for tool in socat ncat jq; do
  command -v "$tool" >/dev/null || { echo "echo_compare: $tool is not installed" >&2; exit 1; }
done

ns="pks-echo-bench-$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" ${RT:+chrt -f "$RT"} nice -n "$nice_level" "$@"; }
# spawn CMD...: in_ns in the background; its pid (the program itself: ip, chrt and nice exec)
# goes to $last_pid and to the cleanup list.
spawn() {
  ip netns exec "$ns" ${RT:+chrt -f "$RT"} nice -n "$nice_level" "$@" &  # a simple command: no subshell
  last_pid=$!
  pids+=("$last_pid")
}

# Connections of 256 clients must not hit a descriptor limit in any server.
ulimit -n 65536 2>/dev/null || true
# Limits off: a 16 KiB flood passes the default 64 MiB per client within seconds.
spawn "$pktscope" echo-server --port 7001 --max-clients 4096 --max-bytes 0 --idle-timeout-ms 0 >/dev/null 2>&1
spawn socat TCP-LISTEN:7002,fork,reuseaddr,backlog=1024 EXEC:cat 2>/dev/null
# The same with TCP_NODELAY: plain socat's large echoes end in a small segment that Nagle's
# algorithm holds until the client's delayed ACK (~40 ms); this row shows socat without it.
spawn socat TCP-LISTEN:7004,fork,reuseaddr,backlog=1024,nodelay EXEC:cat 2>/dev/null
# ncat's default connection cap is 100; raise it so 256 clients are all served.
spawn ncat -l -k -m 1024 --exec /bin/cat 127.0.0.1 7003 2>/dev/null
for port in 7001 7002 7003 7004; do
  for _ in $(seq 50); do
    ip netns exec "$ns" ss -Htln "( sport = :$port )" | grep -q . && break
    sleep 0.1
  done
done

names=([7001]="pktscope" [7002]="socat" [7003]="ncat" [7004]="socat-nd")
echo "# echo benchmark: ${seconds}s per cell, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, nice $nice_level"
printf "%-8s %-8s %-9s %12s %10s %10s %8s %s\n" clients size server msgs/s p50_us p99_us vs_socat verified
for c in $concurrency; do
  for s in $sizes; do
    declare -A rate=()
    for port in 7002 7004 7001 7003; do  # socat first: the others are compared with it
      out="$(in_ns "$pktscope" echo-client 127.0.0.1 "$port" --concurrency "$c" --size "$s" \
               --duration "$seconds" --timeout-ms 10000 --json 2>/dev/null | tail -n 1)" || true
      mps="$(jq -r '.messages_per_second // 0' <<<"$out")"
      p50="$(jq -r '(.rtt_ns.p50 // 0) / 1000' <<<"$out")"
      p99="$(jq -r '(.rtt_ns.p99 // 0) / 1000' <<<"$out")"
      ok="$(jq -r 'if .ok then "all" else "FAILED (\(.mismatches) mismatches, \(.timeouts) timeouts, \(.connection_errors) errors)" end' <<<"$out")"
      rate[$port]="$mps"
      ratio="$(awk -v a="$mps" -v b="${rate[7002]}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')"
      printf "%-8s %-8s %-9s %12.0f %10.1f %10.1f %8s %s\n" "$c" "$s" "${names[$port]}" "$mps" "$p50" "$p99" "$ratio" "$ok"
    done
    unset rate
  done
done
