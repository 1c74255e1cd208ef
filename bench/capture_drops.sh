#!/usr/bin/env bash
# Capture benchmark: packets captured and dropped by `pktscope sniff -i lo -w` and by
# `tcpdump -i lo -w`, both capturing the same echo flood at the same time (so they see the
# same traffic) for SECONDS, inside a private network namespace.
#
# The flood is `pktscope echo-client --concurrency 16 --size 64` against `pktscope
# echo-server`: small packets, the hardest case for a capture. Both captures get the same
# kernel buffer (-B, 4096 KiB unless BUFFER_KIB says otherwise) and snap length; pktscope
# writes silently (-q: batched delivery), tcpdump as it does by default with -w. Counts come
# from each tool's own statistics and from reading each file back (capinfos).
#
# Usage (root): bench/capture_drops.sh [SECONDS]          default 10
# Environment: PKTSCOPE=path/to/pktscope (default build/release/tools/pktscope), CLIENTS=16,
#              SIZE=64, BUFFER_KIB=4096 (-B of both), NICE=-5, RT=<priority> (run everything
#              SCHED_FIFO: see echo_compare.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
pktscope="$(realpath "${PKTSCOPE:-build/release/tools/pktscope}")"
clients="${CLIENTS:-16}"
size="${SIZE:-64}"
buffer_kib="${BUFFER_KIB:-4096}"
nice_level="${NICE:--5}"
[ "$(id -u)" -eq 0 ] || { echo "capture_drops: needs root (namespace, capture)" >&2; exit 1; }
[ -x "$pktscope" ] || { echo "capture_drops: no pktscope binary at $pktscope (set PKTSCOPE=...)" >&2; exit 1; }
for tool in tcpdump capinfos jq; do
  command -v "$tool" >/dev/null || { echo "capture_drops: $tool is not installed" >&2; exit 1; }
done

ns="pks-capture-bench-$$"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
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
wait_for() {  # wait_for FILE TEXT: until FILE contains TEXT (10 s at most)
  for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "capture_drops: '$2' never appeared in $1" >&2; cat "$1" >&2; exit 1
}

spawn "$pktscope" echo-server --port 6797 >/dev/null 2>&1
spawn "$pktscope" sniff -i lo -B "$buffer_kib" -q -w "$work/pktscope.pcap" 'tcp port 6797' 2>"$work/pktscope.err"
pktscope_pid=$last_pid
# -Z root: tcpdump would otherwise switch to its own user, who cannot write into $work.
spawn tcpdump -i lo -B "$buffer_kib" -Z root -w "$work/tcpdump.pcap" 'tcp port 6797' 2>"$work/tcpdump.err"
tcpdump_pid=$last_pid
wait_for "$work/pktscope.err" "listening on"
wait_for "$work/tcpdump.err" "listening on"

flood="$(in_ns "$pktscope" echo-client 127.0.0.1 6797 --concurrency "$clients" --size "$size" \
           --duration "$seconds" --json | tail -n 1)"
sleep 1  # let both drain what the kernel already queued
# CPU seconds each capture used (utime + stime from /proc, in clock ticks).
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
pktscope_cpu="$(cpu_seconds "$pktscope_pid")"
tcpdump_cpu="$(cpu_seconds "$tcpdump_pid")"
kill -INT "$pktscope_pid" "$tcpdump_pid"
wait "$pktscope_pid" "$tcpdump_pid" || true

file_packets() { capinfos -c -M "$1" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }
# The last "N packets <what>" line of a statistics block (tcpdump leaves out zero interface drops).
stat_of() { grep -E "^[0-9]+ packets? $2" "$1" | tail -n 1 | cut -d' ' -f1 | grep . || echo 0; }

echo "# capture benchmark: ${seconds}s echo flood ($clients TCP clients, $size-byte messages:" \
     "$(jq -r '.messages_verified' <<<"$flood") messages verified, $(jq -r '.messages_per_second | floor' <<<"$flood")/s)," \
     "-B $buffer_kib KiB, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, nice $nice_level${RT:+, SCHED_FIFO $RT}"
printf "%-9s %14s %14s %14s %14s %8s\n" capture in_file received dropped_kernel dropped_if cpu_s
printf "%-9s %14s %14s %14s %14s %8s\n" pktscope "$(file_packets "$work/pktscope.pcap")" \
  "$(stat_of "$work/pktscope.err" "received by filter")" "$(stat_of "$work/pktscope.err" "dropped by kernel")" \
  "$(stat_of "$work/pktscope.err" "dropped by interface")" "$pktscope_cpu"
printf "%-9s %14s %14s %14s %14s %8s\n" tcpdump "$(file_packets "$work/tcpdump.pcap")" \
  "$(stat_of "$work/tcpdump.err" "received by filter")" "$(stat_of "$work/tcpdump.err" "dropped by kernel")" \
  "$(stat_of "$work/tcpdump.err" "dropped by interface")" "$tcpdump_cpu"
