#!/usr/bin/env bash
# Fails when checked-in generated files differ from what the sources generate now.
# Regenerates into a temporary directory and compares, so it never touches the working tree and
# gives the same answer whether the files are committed, staged or still untracked.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

generated=(libs/contracts/src/gen deploy/kafka/topics.txt deploy/helm/clement/files/topics.txt docs/asyncapi/crm.asyncapi.yaml)

fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT

if ! bash tools/scripts/codegen.sh "$fresh" >/dev/null; then
  # The topic manifest and the AsyncAPI document are built by loading the checked-in contracts,
  # so a missing or broken generated file stops regeneration itself.
  echo "Regeneration failed (output above): the checked-in generated code is missing or broken." >&2
  echo "Run 'bash tools/scripts/codegen.sh' and commit the result." >&2
  exit 1
fi

drifted=()
for target in "${generated[@]}"; do
  if [[ ! -e "$target" ]]; then
    drifted+=("$target (missing from the checkout)")
    continue
  fi
  # diff -rq: one line per file that differs or exists on one side only.
  while IFS= read -r line; do
    case "$line" in
      "Files $fresh/"*" differ")
        file="${line#"Files $fresh/"}"
        drifted+=("${file%% and *} (changed)")
        ;;
      "Only in $fresh/"*)
        rest="${line#"Only in $fresh/"}"
        drifted+=("${rest%%: *}/${rest#*: } (generated but not checked in)")
        ;;
      "Only in "*)
        rest="${line#Only in }"
        drifted+=("${rest%%: *}/${rest#*: } (checked in but no longer generated)")
        ;;
      *)
        drifted+=("$line")
        ;;
    esac
  done < <(diff -rq "$fresh/$target" "$target" || true)
done

if ((${#drifted[@]} > 0)); then
  echo "Generated files are out of date:" >&2
  printf '  %s\n' "${drifted[@]}" >&2
  echo >&2
  for target in "${generated[@]}"; do
    [[ -e "$target" ]] && diff -ru "$target" "$fresh/$target" >&2 || true
  done
  echo >&2
  echo "Run 'bash tools/scripts/codegen.sh' and commit the result." >&2
  exit 1
fi

echo "Generated files are up to date: ${generated[*]}"
