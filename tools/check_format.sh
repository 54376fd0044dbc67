#!/usr/bin/env bash
# The style check of the test command: clang-format (Debian's, with the
# tree's .clang-format) must leave every C and C++ source as it is. Lists the
# first offending lines and fails otherwise. To fix:
#   bash tools/check_format.sh --fix
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ -d .git ]] || git rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z -- '*.cpp' '*.h' '*.c')
else
  mapfile -d '' files < <(find . -path ./build -prune -o -path './build-*' -prune -o \
                            \( -name '*.cpp' -o -name '*.h' -o -name '*.c' \) -print0)
fi
if [[ ${1:-} == --fix ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
  echo "$out" | grep -E '^[^ ].*error:' | head -20 || true
  echo "clang-format: $(echo "$out" | grep -c 'error:') line(s) differ from .clang-format" \
       "in ${#files[@]} files; run: bash tools/check_format.sh --fix"
  exit 1
fi
echo "clang-format: ${#files[@]} files clean"
