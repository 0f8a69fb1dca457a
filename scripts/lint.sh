#!/usr/bin/env bash
# `npm run lint`: ESLint (eslint.config.js), Prettier (.prettierrc, .prettierignore) and
# clang-format (.clang-format) over the C++ of native/ and test/native/, all checking only.
# `npm run format` (this script with --fix): ESLint's fixes, then Prettier and clang-format
# rewrite the files in place.
#
# clang-format's output differs between major versions: CI uses Debian 12's clang-format 14.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=false
case "${1:-}" in
  --fix) fix=true ;;
  '') ;;
  *) echo "usage: scripts/lint.sh [--fix]" >&2; exit 2 ;;
esac

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "lint: $clang_format not found (apt-get install clang-format, or set CLANG_FORMAT)" >&2
  exit 1
fi
mapfile -t cxx < <(find native test/native -type f \( -name '*.cc' -o -name '*.h' \) | sort)
if [ "${#cxx[@]}" -eq 0 ]; then
  echo "lint: no C++ files found under native/ and test/native/" >&2
  exit 1
fi

status=0
if $fix; then
  npx eslint --fix . || status=1
  npx prettier --write --log-level warn . || status=1
  "$clang_format" -i "${cxx[@]}" || status=1
else
  echo "--- eslint"
  npx eslint . || status=1
  echo "--- prettier --check"
  npx prettier --check --log-level warn . || status=1
  echo "--- clang-format --dry-run (${#cxx[@]} files)"
  "$clang_format" --dry-run --Werror "${cxx[@]}" || status=1
fi
exit "$status"
