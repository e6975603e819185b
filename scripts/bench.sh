#!/usr/bin/env bash
# make bench: times `vouch sbom` against syft and trivy on the same bookworm-app images, several runs
# each, and prints ratios and peak memory. Baselines are measured in the same run; nothing asserts times.
set -euo pipefail
VOUCH="$(realpath "${1:-.build/release/vouch}")"
IMAGES="${VOUCH_TEST_IMAGES:-$HOME/.cache/vouch-images}"
VENV="${VOUCH_TOOLS_VENV:-$HOME/.cache/vouch-tools/venv}"
RUNS="${RUNS:-5}"
export SWIFT_BACKTRACE=enable=no SYFT_CHECK_FOR_APP_UPDATE=false
[[ -f "$IMAGES/images.tsv" ]] || { echo "bench: test images absent in $IMAGES (make images)"; exit 2; }
command -v /usr/bin/time >/dev/null || { apt-get install -y -q time >/dev/null; }
ARCHIVE="$IMAGES/docker-archive/bookworm-app.tar"
OCI="$IMAGES/oci"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
export TRIVY_CACHE_DIR="$TMP/trivy-cache"

# measure NAME CMD...: median wall seconds and max RSS (MB) over $RUNS runs (after one warm-up).
measure() {
  local name="$1"; shift
  "$@" >/dev/null 2>&1 || { echo "$name: failed: $*" >&2; printf '%s\tfail\tfail\n' "$name"; return; }
  local times=() rss=0
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e %M' -o "$TMP/t" "$@" >/dev/null 2>&1
    read -r secs kb < "$TMP/t"
    times+=("$secs"); (( kb > rss )) && rss=$kb
  done
  local median; median="$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
  printf '%s\t%s\t%d\n' "$name" "$median" "$((rss / 1024))"
}

{
  # Raw decompression of the same layers: the floor for any reader of this image.
  layers=$(python3 -c "
import json,sys
i=json.load(open('$OCI/index.json'))
m=[x for x in i['manifests'] if x.get('annotations',{}).get('org.opencontainers.image.ref.name')=='bookworm-app'][0]
mf=json.load(open('$OCI/blobs/sha256/'+m['digest'][7:]))
print(' '.join('$OCI/blobs/sha256/'+l['digest'][7:] for l in mf['layers']))")
  measure "zcat layers (floor)" sh -c "cat $layers | zcat > /dev/null"
  measure "vouch docker-archive" "$VOUCH" sbom "docker-archive:$ARCHIVE" -f cyclonedx-json -o "$TMP/v1.json"
  measure "vouch oci-dir" "$VOUCH" sbom "oci-dir:$OCI:bookworm-app" -f cyclonedx-json -o "$TMP/v2.json"
  if [[ -x "$VENV/bin/trivy" ]]; then
    # --cache-backend memory: a cold run every time, as on a CI runner; the fs cache shows trivy warm.
    measure "trivy docker-archive" "$VENV/bin/trivy" image -q --cache-backend memory --input "$ARCHIVE" --format cyclonedx -o "$TMP/t1.json"
    measure "trivy (warm fs cache)" "$VENV/bin/trivy" image -q --input "$ARCHIVE" --format cyclonedx -o "$TMP/t1.json"
  fi
  if [[ -x "$VENV/bin/syft" ]]; then
    measure "syft docker-archive" "$VENV/bin/syft" scan -q "docker-archive:$ARCHIVE" -o "cyclonedx-json=$TMP/s1.json"
    measure "syft oci-archive" "$VENV/bin/syft" scan -q "oci-archive:$IMAGES/oci-archive/bookworm-app.tar" -o "cyclonedx-json=$TMP/s2.json"
  fi
} > "$TMP/results.tsv"

base="$(awk -F'\t' '$1=="vouch docker-archive"{print $2}' "$TMP/results.tsv")"
printf '%-24s %10s %12s %16s\n' "tool (bookworm-app)" "median s" "peak MB" "time / vouch"
while IFS=$'\t' read -r name secs mb; do
  ratio="$(awk -v a="$secs" -v b="$base" 'BEGIN{ if (a=="fail" || b==0) print "-"; else printf "%.2fx", a/b }')"
  printf '%-24s %10s %12s %16s\n' "$name" "$secs" "$mb" "$ratio"
done < "$TMP/results.tsv"
echo "($RUNS runs each after a warm-up; 'trivy docker-archive' keeps no cache between runs, the warm row reuses its fs cache)"
