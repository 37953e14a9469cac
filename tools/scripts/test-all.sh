#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, starts real Kafka, PostgreSQL
# and stripe-mock for the integration tests (unless KAFKA_BROKERS / DATABASE_URL /
# STRIPE_MOCK_URL point elsewhere),
# stops them afterwards and exits non-zero on the first failure.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
started_at=$SECONDS
step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started_at))"; }

for tool in node npm java mvn; do
  command -v "$tool" >/dev/null || { echo "test-all: '$tool' is required but not installed" >&2; exit 1; }
done
# Go builds stripe-mock on the first run; the official installer puts it in /usr/local/go/bin.
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || { echo "test-all: 'go' (Go 1.22+, https://go.dev/dl/) is required but not installed" >&2; exit 1; }

step "install dependencies"
npm install --no-audit --no-fund --loglevel=error

step "generated code matches proto/ and the topic catalogue"
bash tools/scripts/check-generated.sh

step "protobuf lint and breaking-change check"
bash tools/scripts/check-proto-breaking.sh

step "format"
npx prettier --check . --log-level warn

step "lint"
# The module-boundary rule reads Nx's cached project graph; without it the rule silently skips.
npx nx show projects >/dev/null
npx eslint . --max-warnings 0

step "typecheck"
npx tsc -p tsconfig.json

step "unit tests"
npx nx run-many -t test --outputStyle=static

step "fetch Kafka jars and build stripe-mock (cached after the first run)"
npx tsx libs/local-infra/src/cli.ts fetch

step "integration tests (real Kafka, PostgreSQL and stripe-mock)"
npx jest -c jest.int.config.cjs --ci

step "done"
