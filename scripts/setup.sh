#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing (as root), build the
# release preset, and decode every bundled capture with `pktscope sniff`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ensure_packages
cmake --preset release >/dev/null
cmake --build --preset release
for f in captures/*.pcap; do
  echo "== $f"
  build/release/tools/pktscope sniff -r "$f"
done
