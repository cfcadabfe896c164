#!/bin/sh
# Replays every fuzz target's corpus as a plain test program: each
# BUILD_DIR/tests/replay_fuzz_X over tests/fuzz/corpus/fuzz_X.
# Usage: tests/run-fuzz-replay.sh BUILD_DIR
set -u
build=${1:?usage: run-fuzz-replay.sh BUILD_DIR}
passed=0
failed=0
for t in "$build"/tests/replay_fuzz_*; do
	[ -x "$t" ] || continue
	case $t in *.log) continue ;; esac
	name=${t##*/replay_}
	corpus=tests/fuzz/corpus/$name
	if [ ! -d "$corpus" ]; then
		failed=$((failed + 1))
		echo "FAIL: $name (no corpus at $corpus)"
	elif "$t" "$corpus" > "$t.log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name (log follows)"
		cat "$t.log"
	fi
done
echo "fuzz-replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
