#!/usr/bin/env bash
# Regenerates docs/catalog.md from the catalog in the code (the text lives in src/Uncloak.Core/Messages/*.Explanation.cs).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
B=src/Uncloak.Cli/bin/Release/net10.0/uncloak
{
  echo "# The kernel message catalog"; echo
  echo "Generated from the code by \`uncloak explain --kind KIND\` for every family (\`docs/make-catalog.sh\`). Each family lists what the kernel saw, every field, the likely causes (most likely first), what to check, what to do, and whether today's kernels print it at all."; echo
  for k in $($B explain --list --json | python3 -c "import json,sys; print(' '.join(f['kind'] for f in json.load(sys.stdin)['families']))"); do
    $B explain --kind "$k" --json | python3 "$(dirname "$0")/catalog-entry.py"
  done
} > docs/catalog.md
