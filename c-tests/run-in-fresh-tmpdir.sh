#!/bin/sh
# Runs a command with TMPDIR set to a new empty directory, then fails if the command failed or
# left anything in that directory (the suites also check this themselves, from the inside).
dir=$(mktemp -d) || exit 1
echo "== $*"
TMPDIR="$dir" "$@"
rc=$?
if ! rmdir "$dir"; then
    echo "left behind in TMPDIR:"; ls -la "$dir"; rm -rf "$dir"; rc=1
fi
exit $rc
