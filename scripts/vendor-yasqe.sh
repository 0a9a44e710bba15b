#!/usr/bin/env bash
# Re-vendor the SPARQL editor of the query page (@zazuko/yasqe, MIT).
#
# Why vendored: the query page must work offline and from a CDN-less
# install, so the editor's built files ship inside the package
# (councilkg/web/static/vendor/yasqe/).  This script reproduces them from
# the npm registry at the pinned version and checks the tarball's integrity
# (the sha512 npm publishes) before copying anything.
set -euo pipefail
VERSION=4.6.2
INTEGRITY="sha512-83iCLuBIgU04KBIaibxZTjKvrXD6sEe/+aqsHxLb4+ZVD4eaUwh5hFJEetuWkiKBY6WxTjVOmhKXvh2AAOR14g=="
DEST="$(cd "$(dirname "$0")/.." && pwd)/councilkg/web/static/vendor/yasqe"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "@zazuko/yasqe@${VERSION}" >/dev/null
TGZ="zazuko-yasqe-${VERSION}.tgz"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TGZ" | base64 -w0)"
if [[ "$ACTUAL" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for @zazuko/yasqe@${VERSION}: got $ACTUAL, pinned $INTEGRITY" >&2
  exit 1
fi
tar xzf "$TGZ"
mkdir -p "$DEST"
cp package/build/yasqe.min.js package/build/yasqe.min.css "$DEST/"
# The source map is not shipped: drop the comment pointing at it.
sed -i 's|//# sourceMappingURL=yasqe.min.js.map||' "$DEST/yasqe.min.js"
printf '%s\n' "@zazuko/yasqe ${VERSION} ${ACTUAL}" > "$DEST/VERSION"
echo "vendored @zazuko/yasqe ${VERSION} into ${DEST}"
