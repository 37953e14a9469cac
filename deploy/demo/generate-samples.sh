#!/usr/bin/env bash
# Regenerates the sample portfolios in this folder (deterministic: same seed, same files).
# docs/crm-import.md lists the malformed rows of portfolio.sample.csv by line number; if a change
# to the generator moves them, update that list (the script prints the new one).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsx tools/scripts/generate-portfolio.ts --debtors 200 --invalid 5 --seed 1 \
  --out deploy/demo/portfolio.sample.csv
npx tsx tools/scripts/generate-portfolio.ts --debtors 50 --seed 2 \
  --out deploy/demo/portfolio.sample.jsonl
