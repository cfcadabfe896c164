#!/bin/sh
# Golden tests of the doppel command.
#
# Usage: tests/cli/run.sh PATH_TO_DOPPEL [--regen] [CASE...]
#        (DOPPEL_REGEN=1 in the environment is the same as --regen)
#
# A case is a directory tests/cli/cases/NAME holding
#   cmd     one shell command line, run with sh -c from the repository root;
#           $DOPPEL is the binary and $TMP a fresh directory of the case's own
#   stdin   optional; fed to the command (otherwise /dev/null)
#   stdout, stderr, status   what the command must print and exit with.
# The path of $TMP is written as the literal `$TMP` in outputs before they
# are compared, so that expectations do not depend on it.
#
# --regen writes the expectations instead of comparing them. Do it on
# purpose only, and read every changed file before committing it: a golden
# file that records a wrong behaviour is worse than none.
set -u

usage() {
	echo "usage: tests/cli/run.sh PATH_TO_DOPPEL [--regen] [CASE...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
DOPPEL=$1
shift
case $DOPPEL in /*) ;; *) DOPPEL=$(pwd)/$DOPPEL ;; esac
if [ ! -x "$DOPPEL" ]; then
	echo "tests/cli/run.sh: $DOPPEL: no such executable (run make first)" >&2
	exit 2
fi

regen=${DOPPEL_REGEN:-0}
if [ "${1:-}" = "--regen" ]; then
	regen=1
	shift
fi

# Cases run from the repository root whatever the caller's directory.
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2

LC_ALL=C
TZ=UTC
NO_COLOR=1
export DOPPEL LC_ALL TZ NO_COLOR

# A case that hangs fails instead of stopping the whole run.
limit=
command -v timeout > /dev/null 2>&1 && limit="timeout 120"

if [ $# -gt 0 ]; then
	cases=
	for name in "$@"; do
		cases="$cases tests/cli/cases/$name/"
	done
else
	cases=$(printf '%s\n' tests/cli/cases/*/)
fi

passed=0
failed=0
regenerated=0
for dir in $cases; do
	dir=${dir%/}
	name=${dir##*/}
	if [ ! -f "$dir/cmd" ]; then
		echo "FAIL $name: no $dir/cmd"
		failed=$((failed + 1))
		continue
	fi
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/doppel-cli-XXXXXX") || exit 2
	export TMP
	input=/dev/null
	[ -f "$dir/stdin" ] && input=$dir/stdin
	$limit sh -c "$(cat "$dir/cmd")" < "$input" > "$TMP/.stdout" 2> "$TMP/.stderr"
	echo $? > "$TMP/.status"
	for f in stdout stderr; do
		sed "s|$TMP|\$TMP|g" "$TMP/.$f" > "$TMP/.$f.clean"
	done
	if [ "$regen" = 1 ]; then
		cp "$TMP/.stdout.clean" "$dir/stdout"
		cp "$TMP/.stderr.clean" "$dir/stderr"
		cp "$TMP/.status" "$dir/status"
		regenerated=$((regenerated + 1))
		echo "regenerated $name (status $(cat "$TMP/.status"))"
	else
		ok=1
		for f in stdout stderr; do
			if ! diff -u "$dir/$f" "$TMP/.$f.clean" > "$TMP/.diff" 2>&1; then
				ok=0
				echo "# $name: $f differs"
				cat "$TMP/.diff"
			fi
		done
		if ! cmp -s "$dir/status" "$TMP/.status"; then
			ok=0
			echo "# $name: exit status $(cat "$TMP/.status"), expected $(cat "$dir/status" 2> /dev/null)"
		fi
		if [ $ok = 1 ]; then
			passed=$((passed + 1))
			echo "ok $name"
		else
			failed=$((failed + 1))
			echo "FAIL $name"
		fi
	fi
	chmod -R u+w "$TMP" 2> /dev/null
	rm -rf "$TMP"
done

if [ "$regen" = 1 ]; then
	echo "cli: regenerated the expectations of $regenerated cases; read them before committing"
	[ "$failed" -eq 0 ]
	exit
fi
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
