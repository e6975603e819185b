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

# VEX: the 10,000-component scan again with an OpenVEX document stating something about every
# finding plus 20,000 statements that do not apply, against the same scan without it. The ratio is what resolving the statements costs.
"$VOUCH" cves "sbom:$TMP/sbom-10000.cdx.json" --db "$DB" --format json -o "$TMP/findings.json" 2>/dev/null || true
python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
findings = json.load(open(f"{t}/findings.json"))["findings"]
statements = [{"vulnerability": {"name": f["id"]}, "products": [{"@id": f["package"]["purl"]}],
               "status": "not_affected" if i % 2 else "under_investigation",
               **({"justification": "vulnerable_code_not_in_execute_path"} if i % 2 else {})}
              for i, f in enumerate(findings)]
# A vendor feed also states things this image has no finding for: 20,000 statements about other ids
# for packages that are in the SBOM, which the resolver must read, index and explain as not applying.
sbom = json.load(open(f"{t}/sbom-10000.cdx.json"))["components"]
statements += [{"vulnerability": {"name": f"CVE-2099-{i}"}, "products": [{"@id": sbom[i % len(sbom)]["purl"]}],
                "status": "not_affected", "justification": "component_not_present"} for i in range(20000)]
doc = {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/bench", "author": "bench@example.com",
       "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": statements}
json.dump(doc, open(f"{t}/bench.vex.json", "w"))
print(f"VEX document: {len(statements)} statements, {len(findings)} of them for the scan's {len(findings)} findings")
PY
time_vex() {
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e' -o "$TMP/t" "$VOUCH" cves "sbom:$TMP/sbom-10000.cdx.json" --db "$DB" --format json -o "$TMP/out.json" "$@" 2>/dev/null || true
    cat "$TMP/t"
  done | median
}
plain=$(time_vex)
withvex=$(time_vex --vex-location "$TMP/bench.vex.json")
printf '10,000 components: %s s without VEX, %s s with it (%sx)\n' "$plain" "$withvex" "$(awk -v a="$withvex" -v b="$plain" 'BEGIN{printf "%.2f", a/b}')"
