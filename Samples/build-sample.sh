#!/usr/bin/env bash
# Builds the bundled sample image Samples/image (an OCI layout, tag `app`) from real Debian
# packages and real PyPI wheels, without Docker:
#   layer 1  a distroless-style Debian 12 base: base-files libc6 libgcc-s1 gcc-12-base zlib1g
#            tzdata netbase, unpacked with dpkg-deb, recorded in var/lib/dpkg/status.d/
#   layer 2  old Python packages with known advisories (requests 2.25.1, urllib3 1.26.4, ...)
#            and shfmt-py, whose wheel carries a Go binary with module build info
#   layer 3  deletes chardet and the netbase package (whiteouts)
# and writes Samples/app.expected.tsv (type, name, version) from the packages themselves.
#
#   bash Samples/build-sample.sh        # as root (umoci unpack); needs apt-get download, dpkg-deb, pip, umoci
# The result is committed; rebuilding picks up Debian's current point-release versions.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/image"
EPOCH="${SOURCE_DATE_EPOCH:-1735689600}"   # 2025-01-01T00:00:00Z
CREATED="$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
for t in apt-get dpkg-deb umoci python3; do command -v "$t" >/dev/null || { echo "$0: $t missing" >&2; exit 2; }; done

WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
DEBS=(base-files libc6 libgcc-s1 gcc-12-base zlib1g tzdata netbase)
(cd "$WORK" && apt-get download -q "${DEBS[@]}" >/dev/null 2>&1)

R="$WORK/bundle/rootfs"
mkdir -p "$R/var/lib/dpkg/status.d"
printf 'type\tname\tversion\n' > "$WORK/expected.tsv"
for deb in "$WORK"/*.deb; do
  pkg="$(dpkg-deb -f "$deb" Package)"
  dpkg-deb -x "$deb" "$R"
  dpkg-deb -f "$deb" > "$R/var/lib/dpkg/status.d/$pkg"
  [[ "$pkg" == netbase ]] || printf 'deb\t%s\t%s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" >> "$WORK/expected.tsv"
done

rm -rf "$OUT"; mkdir -p "$OUT"
umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:app"
stamp() { find "$1" -exec touch -h -d "@$EPOCH" {} +; }
stamp "$R"
umoci insert --image "$OUT/oci:app" --history.created "$CREATED" \
  --history.created_by "dpkg-deb -x ${DEBS[*]} (distroless-style status.d)" "$R" /

L="$WORK/layer2"; mkdir -p "$L/opt/app/lib"
cat > "$L/opt/app/requirements.txt" <<'REQ'
requests==2.25.1
urllib3==1.26.4
idna==2.10
chardet==4.0.0
certifi==2020.12.5
shfmt-py==3.13.0.2
REQ
python3 -m pip install -q --no-compile --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  --python-version 3.11 --implementation cp --target "$L/opt/app/lib" -r "$L/opt/app/requirements.txt" \
  --disable-pip-version-check 2>&1 | grep -v 'WARNING: Target directory' >&2 || true
for d in "$L"/opt/app/lib/*.dist-info; do
  n="$(awk -F': ' '/^Name:/{print $2; exit}' "$d/METADATA")"; v="$(awk -F': ' '/^Version:/{print $2; exit}' "$d/METADATA")"
  [[ "$n" == chardet ]] || printf 'python\t%s\t%s\n' "$n" "$v" >> "$WORK/expected.tsv"
done
stamp "$L"
# unpack/repack rather than `umoci insert` of a sub-folder: umoci 0.4.7 wrote that layer without
# its final padding and end-of-archive blocks (GNU tar and libarchive both call it truncated).
B="$WORK/unpacked"
umoci unpack --image "$OUT/oci:app" "$B" >/dev/null
cp -a "$L/opt" "$B/rootfs/"
umoci repack --refresh-bundle --history.created "$CREATED" \
  --history.created_by "pip install --target /opt/app/lib -r /opt/app/requirements.txt" --image "$OUT/oci:app" "$B"
rm -rf "$B/rootfs/opt/app/lib/chardet" "$B/rootfs/opt/app/lib/chardet-4.0.0.dist-info" "$B/rootfs/opt/app/lib/bin/chardetect"
rm -f "$B/rootfs/var/lib/dpkg/status.d/netbase" "$B/rootfs/etc/services" "$B/rootfs/etc/protocols" "$B/rootfs/etc/rpc" "$B/rootfs/etc/ethertypes"
rm -rf "$B/rootfs/usr/share/doc/netbase"
umoci repack --history.created "$CREATED" --history.created_by "rm -rf chardet; remove netbase" --image "$OUT/oci:app" "$B"
umoci config --image "$OUT/oci:app" --created "$CREATED" --history.created "$CREATED" --architecture amd64 --os linux \
  --config.env PYTHONPATH=/opt/app/lib --config.workingdir /opt/app \
  --config.label org.opencontainers.image.title=vouch-sample \
  --config.label org.opencontainers.image.vendor="vouch sample" \
  --config.label org.opencontainers.image.base.name=debian:12
umoci gc --layout "$OUT/oci"
sort -t$'\t' -k1,1 -k2,2 "$WORK/expected.tsv" | { read -r h; echo "$h"; cat; } > "$HERE/app.expected.tsv"
# header must stay first
{ printf 'type\tname\tversion\n'; grep -v '^type' "$HERE/app.expected.tsv"; } > "$WORK/e" && mv "$WORK/e" "$HERE/app.expected.tsv"
echo "sample image: $OUT/oci:app ($(du -sh "$OUT" | cut -f1))" >&2
