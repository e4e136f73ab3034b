#!/bin/sh
# Builds a vcsim with the fixes in this directory (*.patch, extension_manager.go)
# into $OUT (default /tmp/nova-anchor-vcsim/vcsim); prints the binary path last.
# Same launcher (<shared>/tools/vcsim/src/vcsim, copied, unmodified; <shared> is
# $NUBIS_SHARED_DIR, else ../shared beside the repository) and the same Debian
# govmomi 0.24.2 as ~/.cache/vcsim/vcsim; patched packages are overlaid through a
# private GOPATH entry (nothing under /usr or the shared tools changes).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${NUBIS_SHARED_DIR:-$HERE/../../../../shared}
OUT=${OUT:-/tmp/nova-anchor-vcsim}
SRC=/usr/share/gocode/src/github.com/vmware/govmomi
OV=$OUT/gopath/src/github.com/vmware/govmomi
if [ -x "$OUT/vcsim" ]; then
  fresh=1
  for f in "$HERE"/*.patch "$HERE"/*.go "$HERE/build.sh"; do [ "$OUT/vcsim" -nt "$f" ] || fresh=0; done
  [ $fresh = 1 ] && { echo "$OUT/vcsim"; exit 0; }
fi
rm -rf "$OUT/gopath"; mkdir -p "$OV/vim25" "$OUT/gopath/src/vcsim"
for f in "$SRC"/*; do
  case "$(basename "$f")" in simulator|vim25) ;; *) ln -s "$f" "$OV/" ;; esac
done
for f in "$SRC"/vim25/*; do
  [ "$(basename "$f")" = xml ] || ln -s "$f" "$OV/vim25/"
done
cp -r "$SRC/simulator" "$OV/"
cp -r "$SRC/vim25/xml" "$OV/vim25/"
(cd "$OV/simulator" && for p in property_collector simulator service_instance host_datastore_system host_datastore_browser virtual_disk_manager; do
   patch -p0 < "$HERE/$p.patch" >&2; done && cp "$HERE/extension_manager.go" "$HERE/search_index_nova.go" .)
(cd "$OV/vim25/xml" && patch -p0 < "$HERE/xml_read.patch" >&2)
cp "$SHARED"/tools/vcsim/src/vcsim/*.go "$OUT/gopath/src/vcsim/"
cd "$OUT/gopath/src/vcsim"
GO111MODULE=off GOPATH="$OUT/gopath:/usr/share/gocode" GOFLAGS= CGO_ENABLED=0 \
  GOCACHE="${GOCACHE:-$HOME/.cache/vcsim/go-build-cache}" go build -trimpath -o "$OUT/vcsim" . >&2
echo "$OUT/vcsim"
