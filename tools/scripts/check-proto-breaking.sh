#!/usr/bin/env bash
# Lints the protobuf sources and refuses wire- or source-breaking changes against the previous
# commit (buf breaking, FILE rules; see buf.yaml and docs/adr/0004).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

buf="$repo_root/node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then
  echo "check-proto-breaking: $buf is missing; run 'npm ci' first." >&2
  exit 1
fi

echo "buf lint"
"$buf" lint

against='HEAD~1'
if ! git rev-parse --verify --quiet "${against}^{commit}" >/dev/null; then
  if [[ "$(git rev-parse --is-shallow-repository)" == "true" ]]; then
    echo "buf breaking skipped: shallow clone without ${against} (fetch with depth >= 2 to check)."
  else
    echo "buf breaking skipped: ${against} does not exist (first commit)."
  fi
  exit 0
fi
if ! git ls-tree -r --name-only "$against" -- proto | grep -q '\.proto$'; then
  echo "buf breaking skipped: ${against} has no .proto files under proto/."
  exit 0
fi

echo "buf breaking against ${against}"
"$buf" breaking proto --against ".git#ref=${against},subdir=proto"
