#!/usr/bin/env bash
# mypy --strict over the installed package layout: the folders are mapped under `tupu` by
# pyproject.toml, which mypy cannot follow, so a tree of links rebuilds that layout for it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tree="$repo/.tupu/typecheck"
rm -rf "$tree" && mkdir -p "$tree/tupu"
for f in "$repo"/tupu/*.py; do ln -s "$f" "$tree/tupu/"; done
for d in ontology loaders graph api data; do ln -s "$repo/$d" "$tree/tupu/$d"; done
cd "$tree"
MYPYPATH=. exec "${MYPY:-$repo/.venv/bin/mypy}" --config-file "$repo/pyproject.toml" \
  --cache-dir "$repo/.tupu/mypy-cache" -p tupu "$@"
