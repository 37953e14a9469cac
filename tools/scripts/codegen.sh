#!/usr/bin/env bash
# Regenerates everything derived from the event contracts:
#   proto/**/*.proto              -> libs/contracts/src/gen (buf + protoc-gen-es, see buf.gen.yaml)
#   libs/contracts/src/topics.ts  -> deploy/kafka/topics.txt (and the Helm chart's copy)
#   topics.ts + proto/ (CRM)      -> docs/asyncapi/crm.asyncapi.yaml (AsyncAPI 3 for integrators)
# Generated files are checked in. Code and the manifest are excluded from prettier and eslint, so
# nothing is reformatted; the AsyncAPI document is written already formatted by prettier.
#
# Usage: tools/scripts/codegen.sh [output-root]
#   output-root defaults to the repository root; check-generated.sh passes a temporary directory.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

out_root="${1:-$repo_root}"
mkdir -p "$out_root"
out_root="$(cd "$out_root" && pwd)"

bin="$repo_root/node_modules/.bin"
for tool in buf protoc-gen-es tsx; do
  if [[ ! -x "$bin/$tool" ]]; then
    echo "codegen: $bin/$tool is missing; run 'npm install' first." >&2
    exit 1
  fi
done

echo "codegen: proto/ -> ${out_root}/libs/contracts/src/gen"
"$bin/buf" generate --output "$out_root"

echo "codegen: topic catalogue -> ${out_root}/deploy/kafka/topics.txt"
"$bin/tsx" tools/scripts/generate-topic-manifest.ts --out "$out_root/deploy/kafka/topics.txt"
# Helm reads files only from inside the chart, so the chart carries its own copy.
mkdir -p "$out_root/deploy/helm/clement/files"
cp "$out_root/deploy/kafka/topics.txt" "$out_root/deploy/helm/clement/files/topics.txt"

echo "codegen: CRM contract -> ${out_root}/docs/asyncapi/crm.asyncapi.yaml"
"$bin/tsx" tools/scripts/generate-asyncapi.ts --out "$out_root/docs/asyncapi/crm.asyncapi.yaml"
