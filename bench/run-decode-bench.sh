#!/usr/bin/env bash
# The decoder/sniffer benchmark of issue 3 section 5, in one run: builds capture_gen,
# decode_bench and pktscope (release build), writes the two 2M-packet captures into
# build/bench-data/ once (deterministic, seeded), then runs decode_bench, which prints every
# figure, the ratios the targets are expressed in, allocations per packet and peak RSS.
#
#   bench/run-decode-bench.sh            full run (about 1.4 GB of captures; 10-25 minutes)
#   bench/run-decode-bench.sh --smoke    20k-packet captures, one repetition (under a minute)
#   extra arguments go to decode_bench (e.g. --repeat 5, --benchmark_filter=decode)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${PKTSCOPE_BENCH_BUILD_DIR:-build/release}
data_dir=build/bench-data
packets=2000000
args=()
if [ "${1:-}" = "--smoke" ]; then
  shift
  data_dir=build/bench-data/smoke
  packets=20000
  args=(--repeat 1 --tshark-packets 20000 --benchmark_repetitions=1 --benchmark_min_time=0.01)
fi

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build_dir" -j2 capture_gen decode_bench pktscope >/dev/null

if [ ! -f "$data_dir/mixed.pcap" ] || [ ! -f "$data_dir/min_tcp.pcap" ]; then
  "$build_dir/bench/capture_gen" -o "$data_dir" -n "$packets"
fi
exec "$build_dir/bench/decode_bench" --data "$data_dir" --pktscope "$build_dir/tools/pktscope" \
  "${args[@]}" "$@"
