#!/usr/bin/env bash
# make fuzz: builds the libFuzzer harness (Sources/vouch-fuzz) with -sanitize=fuzzer,address and runs each
# parser of untrusted input for FUZZ_SECONDS (default 60), seeded with real documents from ../shared/data.
# Crashes are written to out/fuzz/crash-<target>-*; replay one with a normal build:
#   swift build --product vouch-fuzz && .build/debug/vouch-fuzz vex out/fuzz/crash-vex-…
# Not part of `make test`: it runs for minutes and its outcome depends on time given.
set -euo pipefail
SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-vex osv sbom envelope purl}"
DATA="${DATA:-../shared/data}"
export SWIFT_BACKTRACE=enable=no
swift build --scratch-path .build-fuzz --product vouch-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
BIN=.build-fuzz/debug/vouch-fuzz
seed() {  # target, then find arguments: copies small real documents as the starting corpus
  local dir="out/fuzz/seeds-$1"; shift
  mkdir -p "$dir"
  if [[ -d "$DATA" ]]; then find "$@" -type f -size -64k -print0 2>/dev/null | xargs -0 -r cp -t "$dir" 2>/dev/null || true; fi
  echo "$dir"
}
status=0
for t in $TARGETS; do
  case "$t" in
    vex) seeds=$(seed vex "$DATA/examples/openvex" "$DATA/examples/cyclonedx/bom-examples/VEX" "$DATA/examples/trivy/pkg/vex" -name '*.json') ;;
    osv) seeds=$(seed osv "$DATA/osv/samples" -name '*.json') ;;
    sbom) seeds=$(seed sbom "$DATA/examples/cyclonedx" "$DATA/examples/spdx" -name '*.json') ;;
    envelope) seeds=$(seed envelope "$DATA/examples/provenance" -name '*.json') ;;
    purl) seeds=$(seed purl /nonexistent) ;;
    *) echo "fuzz: unknown target $t"; exit 2 ;;
  esac
  mkdir -p "out/fuzz/corpus-$t"
  echo "== fuzzing $t for ${SECONDS_EACH}s ($(ls "$seeds" | wc -l) seeds)"
  if ! VOUCH_FUZZ_TARGET="$t" "$BIN" "out/fuzz/corpus-$t" "$seeds" -max_total_time="$SECONDS_EACH" -max_len=65536 \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="out/fuzz/crash-$t-" 2> "out/fuzz/$t.log"; then
    echo "fuzz: $t found a problem (see out/fuzz/$t.log and out/fuzz/crash-$t-*)"; status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "out/fuzz/$t.log" | tr '\n' ' '; echo
done
exit $status
