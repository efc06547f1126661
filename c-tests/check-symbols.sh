#!/usr/bin/env bash
# The shared library must export exactly the functions the public header declares: no Rust
# internals leak, and nothing declared is missing.
#   usage: check-symbols.sh <libgofuzz_shm.so> <gofuzz_shm.h>
set -euo pipefail
export LC_ALL=C
lib=$1
header=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm -D --defined-only "$lib" | awk '$2 ~ /^[TtWw]$/ || $2 == "D" || $2 == "B" || $2 == "R" {print $3}' \
    | sed 's/@.*//' | sort -u >"$tmp/exported"
# Function declarations in the header: an identifier followed by "(" at the start of a
# prototype line, e.g. "shm_status_t shm_create(size_t value_capacity, ...".
grep -oE '^[A-Za-z_][A-Za-z0-9_ *]*[ *](shm_[a-z0-9_]+)\(' "$header" \
    | grep -oE 'shm_[a-z0-9_]+\($' | tr -d '(' | sort -u >"$tmp/declared"

if ! diff -u "$tmp/declared" "$tmp/exported" >"$tmp/diff"; then
    echo "exported symbols of $lib differ from the functions declared in $header:"
    echo "(- declared only, + exported only)"
    cat "$tmp/diff"
    exit 1
fi
echo "symbols: $(wc -l <"$tmp/exported") exported, exactly the header's shm_* functions"
