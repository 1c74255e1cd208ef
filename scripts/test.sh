#!/usr/bin/env bash
# One command: install what is missing (as root), build the release and asan presets, and
# run every test (unit, replay, corpus agreement, fuzz regressions, live namespace tests).
# Under CI (CI=true) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ensure_packages
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
for preset in release asan; do
  echo "== preset $preset"
  cmake --preset "$preset" -DPKTSCOPE_WERROR="$werror" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset" -j2
done
