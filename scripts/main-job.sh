#!/usr/bin/env bash
# The main job on the bundled sample (Samples/image, tag app): catalogue it, write both SBOM
# formats, and check the package list against Samples/app.expected.tsv.
set -euo pipefail
VOUCH="${1:-.build/release/vouch}"
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1735689600}"
IMAGE=oci-dir:Samples/image/oci:app
mkdir -p out

echo "== vouch sbom $IMAGE"
"$VOUCH" sbom "$IMAGE"
"$VOUCH" sbom "$IMAGE" --format cyclonedx-json -o out/app.cdx.json
"$VOUCH" sbom "$IMAGE" --format spdx-json -o out/app.spdx.json
echo "wrote out/app.cdx.json ($(wc -c < out/app.cdx.json) bytes) and out/app.spdx.json ($(wc -c < out/app.spdx.json) bytes)"

echo "== check against Samples/app.expected.tsv"
"$VOUCH" sbom "$IMAGE" --format purls > out/app.purls
fail=0
while IFS=$'\t' read -r type name version; do
  [[ "$type" == type ]] && continue
  case "$type" in deb) t=deb/debian ;; python) t=pypi ;; *) t="$type" ;; esac
  enc="$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=":~"))' "$version")"
  lname="$name"; [[ "$type" == python ]] && lname="$(tr 'A-Z_' 'a-z-' <<<"$name")"
  if grep -q "^pkg:$t/$lname@$enc\(?\|$\)" out/app.purls; then :; else echo "MISSING $type $name $version"; fail=1; fi
done < Samples/app.expected.tsv
want=$(($(wc -l < Samples/app.expected.tsv) - 1))
got_os=$(grep -c '^pkg:\(deb\|pypi\)/' out/app.purls || true)
if [[ "$got_os" -ne "$want" ]]; then echo "expected $want deb+pypi packages, vouch found $got_os"; fail=1; fi
if [[ $fail -ne 0 ]]; then echo "main job: FAILED"; exit 1; fi
echo "main job: all $want expected packages found, nothing extra"
