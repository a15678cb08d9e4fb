#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets with clang (ASan + UBSan) in
# build-fuzz and runs each for FUZZ_SECONDS (default 60), starting from the
# sample files in tests/data. Crashes land in build-fuzz/crashes/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-60}"
if ! command -v clang++-14 >/dev/null; then
  echo "installing clang-14 and its fuzzer runtime..."
  sudo_cmd=""; [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
fi
cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DZIZHU_FUZZ=ON -DZIZHU_BENCHMARKS=OFF >/dev/null
cmake --build "$root/build-fuzz" --target csv_fuzz xlsx_fuzz fields_fuzz
mkdir -p "$root/build-fuzz/crashes"
for target in csv_fuzz xlsx_fuzz fields_fuzz; do
  corpus="$root/build-fuzz/corpus/$target"; mkdir -p "$corpus"
  case "$target" in
    csv_fuzz) cp "$root"/tests/data/rosters/*.csv "$root"/deploy/local/demo/*.csv "$corpus/" ;;
    xlsx_fuzz) cp "$root"/tests/data/rosters/*.xlsx "$corpus/" ;;
    fields_fuzz) printf '11010519491231002X' > "$corpus/id"; printf '2010年3月7日' > "$corpus/date" ;;
  esac
  echo "== $target for ${seconds}s"
  "$root/build-fuzz/tools/$target" -max_total_time="$seconds" -artifact_prefix="$root/build-fuzz/crashes/$target-" \
    -print_final_stats=1 "$corpus" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Done" || true
done
ls "$root/build-fuzz/crashes" | grep -q . && { echo "crashes found in build-fuzz/crashes"; exit 1; } || echo "no crashes"
