#!/usr/bin/env bash
# Builds the Debian package uncloak_VERSION_ARCH.deb with dpkg-deb from the Native AOT build (packaging/publish.sh):
#
#   packaging/build-deb.sh [OUTDIR=artifacts]      (UNCLOAK_AOT_DIR=DIR: package that published build instead of publishing)
#
# Layout: /usr/lib/uncloak/{uncloak,uncloakd,libe_sqlite3.so,config/} (the binaries find their native SQLite and the
# shipped defaults next to themselves; uncloak through the /usr/bin/uncloak symlink, uncloakd, the daemon the unit runs,
# by its path), /etc/uncloak (conffiles), both systemd units in /lib/systemd/system,
# the man page rendered from docs/uncloak.1.md by pandoc, completions rendered by the binary itself, docs and copyright
# in /usr/share/doc/uncloak. Maintainer scripts are the ones dh_installsystemd writes (packaging/deb/). Needs dpkg-deb,
# pandoc and, for the Depends line, dpkg-shlibdeps (dpkg-dev); lintian checks the result when installed.
# Prints the .deb's path on its last line.
set -euo pipefail
OUT_ARG=${1:+$(realpath -m -- "$1")}
cd "$(dirname "$0")/.."
OUT=${OUT_ARG:-$PWD/artifacts}
for tool in dpkg-deb pandoc dpkg-shlibdeps; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-deb.sh: needs $tool (apt-get install dpkg-dev pandoc)" >&2; exit 3; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "${UNCLOAK_AOT_DIR:-}" ]; then
  AOT=$UNCLOAK_AOT_DIR
  [ -x "$AOT/uncloak" ] && [ -x "$AOT/uncloakd" ] || { echo "build-deb.sh: UNCLOAK_AOT_DIR=$AOT holds no uncloak and uncloakd binaries" >&2; exit 2; }
else
  AOT=$(packaging/publish.sh "$WORK/aot" | tail -n 1)
fi

ARCH=$(dpkg --print-architecture)
# Who answers for this build: DEBFULLNAME and DEBEMAIL, as dch reads them.
MAINTAINER="${DEBFULLNAME:-Uncloak maintainers} <${DEBEMAIL:-uncloak@example.org}>"
# The binary says 1.0.0+<commit>: the package is version 1.0.0+git<first 12 hex digits of the commit>.
RAW=$("$AOT/uncloak" --version)
VERSION=${RAW%%+*}
if [ "$RAW" != "$VERSION" ]; then COMMIT=${RAW#*+}; VERSION="$VERSION+git${COMMIT:0:12}"; fi
# Reproducible: every date and mtime is the last commit's.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

R=$WORK/root
install -d "$R/DEBIAN" "$R/usr/bin" "$R/usr/lib/uncloak" "$R/lib/systemd/system" "$R/etc/uncloak/conf.d" \
  "$R/etc/uncloak/scenarios.d" "$R/usr/share/man/man1" "$R/usr/share/doc/uncloak" \
  "$R/usr/share/bash-completion/completions" "$R/usr/share/zsh/vendor-completions" "$R/usr/share/fish/vendor_completions.d"

install -m 0755 "$AOT/uncloak" "$R/usr/lib/uncloak/uncloak"
install -m 0755 "$AOT/uncloakd" "$R/usr/lib/uncloak/uncloakd"
install -m 0644 "$AOT/libe_sqlite3.so" "$R/usr/lib/uncloak/libe_sqlite3.so"
# NuGet's SQLite carries its symbols; the package ships it stripped as dh_strip would.
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$R/usr/lib/uncloak/libe_sqlite3.so"
cp -r "$AOT/config" "$R/usr/lib/uncloak/config"
# The example config and the units ship in their own places below; the copies next to the binary stay because
# 'uncloak install-service' and 'config check' read them there.
ln -s ../lib/uncloak/uncloak "$R/usr/bin/uncloak"

install -m 0644 config/uncloak.yaml "$R/etc/uncloak/uncloak.yaml"
install -m 0644 config/uncloak.service "$R/lib/systemd/system/uncloak.service"
install -m 0644 config/systemd/uncloak-bans-sync.service "$R/lib/systemd/system/uncloak-bans-sync.service"

DATE=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
pandoc -s -f markdown -t man --shift-heading-level-by=-1 -M section=1 -M "date=$DATE" -M "footer=uncloak $VERSION" \
  -M "header=Uncloak manual" docs/uncloak.1.md -o "$WORK/uncloak.1"
gzip -9n < "$WORK/uncloak.1" > "$R/usr/share/man/man1/uncloak.1.gz"

"$AOT/uncloak" completions bash > "$R/usr/share/bash-completion/completions/uncloak"
"$AOT/uncloak" completions zsh > "$R/usr/share/zsh/vendor-completions/_uncloak"
"$AOT/uncloak" completions fish > "$R/usr/share/fish/vendor_completions.d/uncloak.fish"

D=$R/usr/share/doc/uncloak
install -m 0644 packaging/deb/copyright "$D/copyright"
# A native package (no Debian revision): its changelog is changelog.gz.
sed -e "s/@VERSION@/$VERSION/" -e "s/@MAINTAINER@/$MAINTAINER/" -e "s/@DATE@/$(date -u -R -d "@$SOURCE_DATE_EPOCH")/" packaging/deb/changelog | gzip -9n > "$D/changelog.gz"
for doc in README.md docs/*.md; do
  gzip -9n < "$doc" > "$D/$(basename "$doc").gz"
done

# Depends from the libraries the three ELF files need (dpkg-shlibdeps wants a debian/control to sit in).
mkdir -p "$WORK/src/debian"
printf 'Source: uncloak\n\nPackage: uncloak\nArchitecture: any\n' > "$WORK/src/debian/control"
DEPENDS=$(cd "$WORK/src" && dpkg-shlibdeps -O "$R/usr/lib/uncloak/uncloak" "$R/usr/lib/uncloak/uncloakd" "$R/usr/lib/uncloak/libe_sqlite3.so" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')

if [ -s packaging/deb/lintian-overrides ]; then
  install -D -m 0644 packaging/deb/lintian-overrides "$R/usr/share/lintian/overrides/uncloak"
fi
for script in postinst prerm postrm; do
  install -m 0755 "packaging/deb/$script" "$R/DEBIAN/$script"
done
(cd "$R" && find etc -type f | sort | sed 's|^|/|') > "$R/DEBIAN/conffiles"
SIZE=$(du -sk --exclude=DEBIAN "$R" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" -e "s/@DEPENDS@/$DEPENDS/" -e "s/@MAINTAINER@/$MAINTAINER/" packaging/deb/control > "$R/DEBIAN/control"
(cd "$R" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$R/DEBIAN/md5sums"
chmod 0644 "$R/DEBIAN/conffiles" "$R/DEBIAN/control" "$R/DEBIAN/md5sums"
find "$R" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$OUT"
DEB=$OUT/uncloak_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$R" "$DEB" >&2
if command -v lintian >/dev/null 2>&1; then
  # Overrides, each with its reason, are in the package (usr/share/lintian/overrides/uncloak); anything else fails the build.
  lintian --fail-on error,warning "$DEB" >&2
fi
echo "$DEB"
