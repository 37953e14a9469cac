#!/usr/bin/env bash
# Brings Clement up on this machine: installs dependencies, starts Kafka and PostgreSQL (unless
# KAFKA_BROKERS / DATABASE_URL point at running ones), creates the topics, runs the platform
# check and prints where everything is. Ctrl-C stops it all.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

for tool in node npm java mvn; do
  if ! command -v "$tool" >/dev/null; then
    echo "up: '$tool' is required but not installed (Node >= 20.19, Java 17+, Maven 3.8+)" >&2
    exit 1
  fi
done

echo "==> installing dependencies"
npm install --no-audit --no-fund --loglevel=error

# node runs the TypeScript directly (tsx as a require hook), so Ctrl-C reaches one process.
exec node --require tsx/cjs tools/scripts/up.ts "$@"
