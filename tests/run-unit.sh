#!/bin/sh
# Runs every cmocka unit test program of a build directory and sums up.
# Usage: tests/run-unit.sh BUILD_DIR
set -u
build=${1:?usage: run-unit.sh BUILD_DIR}
passed=0
failed=0
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	# Unit tests find their fixtures relative to the source tree.
	if DOPPEL_TEST_DATA=tests/data "$t" >"$t.log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $t (log follows)"
		cat "$t.log"
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
