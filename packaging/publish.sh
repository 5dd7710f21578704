#!/usr/bin/env bash
# Builds the shipped uncloak: two Native AOT binaries (no .NET runtime needed on the server), `uncloak` (every command) and
# `uncloakd` (the daemon alone, which the systemd unit runs: `uncloak watch` without the rest of the CLI, so less resident
# memory), with the shipped config/ folder (scenarios, bogons, the systemd unit, the example uncloak.yaml) next to them,
# which is where both look for it.
#
#   packaging/publish.sh [OUT=artifacts/uncloak-linux-<arch>]
#
# Trim and AOT warnings are errors (the repo-wide TreatWarningsAsErrors): a build that would misbehave without the JIT
# does not ship. Needs the .NET SDK and a C toolchain for the final link: clang when installed, gcc otherwise.
# Prints the output folder on its last line. packaging/build-deb.sh packages it as a .deb; by hand:  sudo cp -rT OUT /opt/uncloak && sudo ln -sf /opt/uncloak/uncloak
# /usr/bin/uncloak && sudo uncloak install-service --enable   (see docs/watch.md, "Installing").
set -euo pipefail
OUT_ARG=${1:+$(realpath -m -- "$1")}   # relative to where the script was called from, before the cd below
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) RID=linux-x64 ;;
  aarch64) RID=linux-arm64 ;;
  *) echo "publish.sh: no Native AOT target for $(uname -m)" >&2; exit 2 ;;
esac
OUT=${OUT_ARG:-artifacts/uncloak-$RID}
# Replaces an earlier build, never anything else.
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ] && [ ! -x "$OUT/uncloak" ]; then
  echo "publish.sh: $OUT exists and is not an earlier uncloak build; not replacing it" >&2
  exit 2
fi

if command -v clang >/dev/null 2>&1; then LINKER=clang
elif command -v gcc >/dev/null 2>&1; then LINKER=gcc
else echo "publish.sh: Native AOT links with clang or gcc; install one (apt-get install clang)" >&2; exit 3
fi

# Publish into a scratch folder, then copy only what ships: the .pdb/.xml files of the libraries and the 40 MB of native
# debug symbols (uncloak.dbg, uncloakd.dbg) stay behind.
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
for project in src/Uncloak.Cli src/Uncloakd; do
  dotnet publish "$project" -c Release -r "$RID" -p:CppCompilerAndLinker="$LINKER" \
    -o "$STAGE" -nologo -clp:ErrorsOnly >&2
done

rm -rf "$OUT"
mkdir -p "$OUT"
# libe_sqlite3.so: Microsoft.Data.Sqlite's native SQLite, loaded from next to the binary.
cp "$STAGE/uncloak" "$STAGE/uncloakd" "$STAGE/libe_sqlite3.so" "$OUT/"
cp -r "$STAGE/config" "$OUT/"
echo "$OUT"
