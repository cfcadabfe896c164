#!/bin/sh
# Runs libFuzzer targets for a while each, from their seed corpora, and
# fails when one of them crashes (a sanitizer report, an abort, a leak, a
# timeout or running out of memory). `make fuzz FUZZ_SECONDS=N` calls it.
#
# Usage: tests/fuzz/run.sh SECONDS build/fuzz/fuzz_X...
#
# New inputs a target finds go to build/fuzz/corpus/fuzz_X (the seed
# corpus in tests/fuzz/corpus/ stays as it is: add an input there by hand,
# when it is worth replaying in `make check`); a crashing input goes to
# build/fuzz/crashes/fuzz_X/. One line a target: its name, seconds,
# executions and crashes, for bench/RESULTS.md.
set -u
secs=${1:?usage: tests/fuzz/run.sh SECONDS TARGET...}
shift
failed=0
printf '%-16s %8s %12s %8s\n' target seconds execs crashes
for bin in "$@"; do
	name=${bin##*/}
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/corpus/$name
	crashes=build/fuzz/crashes/$name
	mkdir -p "$work" "$crashes"
	[ -d "$seeds" ] || { echo "fuzz: $name has no seed corpus at $seeds"; failed=$((failed + 1)); continue; }
	log=build/fuzz/$name.log
	# -timeout: an input that takes this long is a finding too.
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=25 \
		-rss_limit_mb=2048 -artifact_prefix="$crashes/" "$work" "$seeds" > "$log" 2>&1
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	found=0
	if [ "$st" -ne 0 ]; then
		found=1
		failed=$((failed + 1))
	fi
	printf '%-16s %8s %12s %8s\n' "$name" "$secs" "${execs:-?}" "$found"
	if [ "$found" -ne 0 ]; then
		echo "fuzz: $name failed (status $st); the end of $log:"
		grep -A30 'ERROR\|==ABORTING\|deadly signal\|Test unit written' "$log" | head -60
	fi
done
echo "fuzz: $# targets, $failed failed"
[ "$failed" -eq 0 ]
