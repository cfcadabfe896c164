#!/bin/sh
# Golden tests of the doppel command.
# Usage: tests/cli/run.sh PATH_TO_DOPPEL [--regen]   (or DOPPEL_REGEN=1)
#
# A case is a directory tests/cli/cases/NAME holding `cmd` (a shell command
# line run from the repository root, where $DOPPEL is the binary and $TMP a
# fresh directory of the case's own), optionally `stdin`, and the expected
# `stdout`, `stderr` and `status`. --regen writes the expectations instead
# of comparing: read every changed file before committing it.
set -u
DOPPEL=${1:?usage: run.sh PATH_TO_DOPPEL [--regen]}
case $DOPPEL in /*) ;; *) DOPPEL=$(pwd)/$DOPPEL ;; esac
regen=${DOPPEL_REGEN:-0}
[ "${2:-}" = "--regen" ] && regen=1
export DOPPEL LC_ALL=C TZ=UTC NO_COLOR=1
passed=0
failed=0
for dir in tests/cli/cases/*/; do
	name=$(basename "$dir")
	TMP=$(mktemp -d /tmp/doppel-cli-XXXXXX)
	export TMP
	input=/dev/null
	[ -f "$dir/stdin" ] && input=$dir/stdin
	sh -c "$(cat "$dir/cmd")" < "$input" > "$TMP/.stdout" 2> "$TMP/.stderr"
	echo $? > "$TMP/.status"
	for f in stdout stderr; do
		sed "s|$TMP|\$TMP|g" "$TMP/.$f" > "$TMP/.$f.clean"
	done
	if [ "$regen" = 1 ]; then
		cp "$TMP/.stdout.clean" "$dir/stdout"
		cp "$TMP/.stderr.clean" "$dir/stderr"
		cp "$TMP/.status" "$dir/status"
		echo "regenerated $name"
	else
		ok=1
		for f in stdout stderr; do
			if ! diff -u "$dir/$f" "$TMP/.$f.clean" > "$TMP/.diff"; then
				ok=0
				echo "FAIL $name: $f differs"
				cat "$TMP/.diff"
			fi
		done
		if ! cmp -s "$dir/status" "$TMP/.status"; then
			ok=0
			echo "FAIL $name: exit status $(cat "$TMP/.status"), expected $(cat "$dir/status")"
		fi
		if [ $ok = 1 ]; then
			passed=$((passed + 1))
			echo "ok $name"
		else
			failed=$((failed + 1))
		fi
	fi
	rm -rf "$TMP"
done
[ "$regen" = 1 ] && exit 0
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
