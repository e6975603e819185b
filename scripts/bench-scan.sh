#!/usr/bin/env bash
# make bench (second half): the evaluator. Import time and database size for everything in
# ../shared/data/osv; scan time of SBOMs from 100 to 100,000 components (scaling, with the
# 500-component case the issue names); the same image with small vs a 20 GB declared layer.
# Ratios only; nothing asserts times.
set -euo pipefail
VOUCH="$(realpath "${1:-.build/release/vouch}")"
OSV="${OSV:-$(realpath ../shared/data/osv 2>/dev/null || true)}"
RUNS="${RUNS:-5}"
export SWIFT_BACKTRACE=enable=no
[[ -d "$OSV" ]] || { echo "bench-scan: $OSV absent"; exit 2; }
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
DB="$TMP/advisories.sqlite"

start=$(date +%s.%N)
"$VOUCH" db import --db "$DB" "$OSV"/*.tar.gz "$OSV"/distro/* > "$TMP/import.log" 2>/dev/null
end=$(date +%s.%N)
records=$(awk -F': ' '{split($2,a," "); s+=a[1]} END{print s}' "$TMP/import.log")
printf 'import of %s: %s records in %.1f s, database %s MB\n' "$OSV" "$records" "$(echo "$end - $start" | bc)" "$(( $(stat -c %s "$DB") / 1048576 ))"
start=$(date +%s.%N); "$VOUCH" db import --db "$DB" "$OSV"/*.tar.gz "$OSV"/distro/* > /dev/null 2>&1; end=$(date +%s.%N)
printf 're-import (nothing changed): %.1f s\n\n' "$(echo "$end - $start" | bc)"

# Synthetic CycloneDX SBOMs of N PyPI/npm/Go components: real package names from the advisory data,
# versions spread so some are affected.
python3 - "$TMP" <<'PY'
import json, sys, random
random.seed(7)
names = [f"pkg{i}" for i in range(200)] + ["django", "flask", "jinja2", "urllib3", "requests", "idna", "pyyaml", "pillow", "numpy", "cryptography"]
for n in (100, 500, 1000, 10000, 100000):
    comps = []
    for i in range(n):
        name = names[i % len(names)] if i < len(names) else f"{names[i % len(names)]}-{i}"
        v = f"{random.randint(0,3)}.{random.randint(0,20)}.{random.randint(0,9)}"
        comps.append({"type": "library", "bom-ref": f"c{i}", "name": name, "version": v, "purl": f"pkg:pypi/{name}@{v}"})
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "metadata": {"component": {"type": "container", "name": f"synthetic-{n}"}}, "components": comps}
    json.dump(doc, open(f"{sys.argv[1]}/sbom-{n}.cdx.json", "w"))
PY
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
time_scan() {  # median seconds of RUNS scans of one input
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e' -o "$TMP/t" "$VOUCH" cves "$1" --db "$DB" --format json -o "$TMP/out.json" 2>/dev/null || true
    cat "$TMP/t"
  done | median
}
"$VOUCH" cves "sbom:$TMP/sbom-100.cdx.json" --db "$DB" -o /dev/null 2>/dev/null || true  # warm the page cache
printf '%-28s %10s %14s\n' "scan (sbom:FILE)" "median s" "s / 1000 comp"
for n in 100 500 1000 10000 100000; do
  s=$(time_scan "sbom:$TMP/sbom-$n.cdx.json")
  printf '%-28s %10s %14s\n' "$n components" "$s" "$(awk -v s="$s" -v n="$n" 'BEGIN{printf "%.3f", s*1000/n}')"
done
echo "(the 500-component row is the issue's 'scan of a 500-package SBOM'; s/1000 comp flat = linear)"
