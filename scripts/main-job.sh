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

echo
echo "== attest: sign SBOM + SLSA provenance and attach them to a copy of the sample layout"
rm -rf out/layout out/signing.key out/signing.pub out/other.key out/other.pub
cp -r Samples/image/oci out/layout
"$VOUCH" key generate --output out/signing
"$VOUCH" attest oci-dir:out/layout:app --key out/signing.key --sbom --provenance \
  --source-uri git+https://example.com/team/app --source-ref refs/heads/main \
  --source-digest sha1:0123456789abcdef0123456789abcdef01234567 \
  --builder-id https://ci.example.com/runner --attach

echo
echo "== vouch attestations list oci-dir:out/layout:app"
"$VOUCH" attestations list oci-dir:out/layout:app

echo
echo "== vouch verify (expected: verified)"
"$VOUCH" verify oci-dir:out/layout:app --key out/signing.pub \
  --builder-id https://ci.example.com/runner --source-uri git+https://example.com/team/app --source-ref refs/heads/main
"$VOUCH" verify oci-dir:out/layout:app --key out/signing.pub --type spdx --type cyclonedx > out/verify-sbom.txt
echo "SBOM attestations: $(tail -1 out/verify-sbom.txt)"

echo
echo "== vouch verify with another key and another builder (expected: refused)"
"$VOUCH" key generate --output out/other > /dev/null
if "$VOUCH" verify oci-dir:out/layout:app --key out/other.pub > out/verify-wrong-key.txt; then
  echo "main job: FAILED (a foreign key verified)"; exit 1
fi
grep -m1 'FAIL  signature' out/verify-wrong-key.txt
if "$VOUCH" verify oci-dir:out/layout:app --key out/signing.pub --builder-id https://evil.example/runner > out/verify-wrong-builder.txt; then
  echo "main job: FAILED (a foreign builder verified)"; exit 1
fi
grep -m1 'FAIL  builder-id' out/verify-wrong-builder.txt
echo "main job: SBOM, attestations and provenance verification all behaved"

echo
echo "== scan from the attestation alone: import advisories, then quickview and cves (no layer is read)"
OSV="../shared/data/osv"
if [[ -d "$OSV" ]]; then
  rm -f out/advisories.sqlite
  "$VOUCH" db import --db out/advisories.sqlite "$OSV/PyPI-pypa.tar.gz" "$OSV/Go-vulndb.tar.gz" "$OSV/distro/debian-security-tracker" 2>/dev/null
  "$VOUCH" db status --db out/advisories.sqlite
  "$VOUCH" quickview oci-dir:out/layout:app --key out/signing.pub --require-attestation --db out/advisories.sqlite
  "$VOUCH" cves oci-dir:out/layout:app --key out/signing.pub --require-attestation --db out/advisories.sqlite \
    --only-severity critical,high
  "$VOUCH" cves oci-dir:out/layout:app --key out/signing.pub --db out/advisories.sqlite --format sarif -o out/app.sarif
  echo "wrote out/app.sarif"

  echo
  echo "== VEX: record that idna's CVE-2024-3651 does not apply, attach it signed, and scan again"
  VOUCH_VEX_AUTHOR="security@example.com" "$VOUCH" vex create --product oci-dir:out/layout:app --vuln CVE-2024-3651 \
    --status not_affected --justification vulnerable_code_not_in_execute_path --subcomponent pkg:pypi/idna -o out/app.vex.json
  "$VOUCH" cves oci-dir:out/layout:app --key out/signing.pub --db out/advisories.sqlite --vex-location out/app.vex.json \
    --only-package-type pypi
  VOUCH_KEY_PASSWORD= "$VOUCH" vex attest oci-dir:out/layout:app out/app.vex.json --key out/signing.key --attach
  "$VOUCH" quickview oci-dir:out/layout:app --key out/signing.pub --db out/advisories.sqlite --vex-author '.*@example\.com' \
    --explain-vex > out/quickview-vex.txt
  cat out/quickview-vex.txt
  if ! grep -q "1 suppressed" out/quickview-vex.txt; then
    echo "main job: FAILED (the attached, signed VEX statement was not applied)"; exit 1
  fi
  # Statements from authors the user does not trust must not apply.
  if "$VOUCH" quickview oci-dir:out/layout:app --key out/signing.pub --db out/advisories.sqlite --vex-author '@other\.org$' \
      | grep -q "suppressed"; then
    echo "main job: FAILED (an untrusted author's statement was applied)"; exit 1
  fi
  echo "main job: scan, VEX and provenance checks all behaved"
else
  echo "skipped: $OSV is absent (advisory data comes from ../shared/data)"
fi
