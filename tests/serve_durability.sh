#!/bin/sh
# Kills `doppel serve` with SIGKILL while clients POST articles to it, then
# checks that the database passes SQLite's integrity check, that the
# restarted server has every article whose POST was answered 201, that
# POSTing those again gives 409 to each, that POSTing the whole corpus
# again completes it, and that SIGTERM closes the server with status 0 and
# the database holding every article once.
# Usage: tests/serve_durability.sh PATH_TO_DOPPEL [PATH_TO_LOADGEN]
# (loadgen defaults to bench/loadgen beside the doppel binary)
set -u
doppel=${1:?usage: serve_durability.sh PATH_TO_DOPPEL [PATH_TO_LOADGEN]}
loadgen=${2:-$(dirname "$doppel")/bench/loadgen}
. "$(dirname "$0")/serve/lib.sh"
serve_scratch serve-durability
failed=0
fail() { echo "serve_durability: FAIL: $*"; failed=1; }
finish() {
	if [ $failed -eq 0 ]; then
		echo "serve_durability: 1 passed, 0 failed"
	else
		echo "serve_durability: 0 passed, 1 failed"
	fi
	exit $failed
}
[ -x "$loadgen" ] || { echo "serve_durability: $loadgen missing (make builds it)"; exit 1; }

# N articles of 120 made-up words each, as JSON Lines.
gen() {
	awk -v n="$1" 'BEGIN {
		srand(11);
		for (i = 0; i < n; i++) {
			printf "{\"id\":\"sd-%d\",\"title\":\"Report %d\",\"date\":\"2024-%02d-%02d\",", i, i, i % 12 + 1, i % 28 + 1;
			printf "\"source\":\"s%d\",\"url\":\"https://example.org/%d\",\"text\":\"", i % 40, i;
			for (w = 0; w < 120; w++)
				printf "%sw%d", (w ? " " : ""), int(rand() * 50000);
			printf ".\"}\n";
		}
	}'
}

# start NAME: runs the server over $tmp/x.db on a free port; sets pid, url.
start() {
	: > "$tmp/serve-$1.err"
	"$doppel" serve --db "$tmp/x.db" --listen 127.0.0.1:0 --threads 2 \
		2> "$tmp/serve-$1.err" &
	pid=$!
	url=$(serve_url "$tmp/serve-$1.err" "$pid") && return 0
	fail "the server ($1) did not start listening:"
	sed 's/^/    /' "$tmp/serve-$1.err" | tail -5
	finish
}

n=4000
gen $n > "$tmp/corpus.jsonl"
start first
"$loadgen" --url "$url" --post "$tmp/corpus.jsonl" --once --connections 4 \
	--seconds 60 --timeout 5 --max-errors 20 --quiet --log "$tmp/first.log" \
	> "$tmp/first.json" 2> "$tmp/first.err" &
lpid=$!
# Kill once a few hundred articles were acknowledged: mid-load, with more
# POSTs in flight on every connection.
i=0
while [ "$(cat "$tmp/first.log" 2>/dev/null | grep -c '^201 ')" -lt 300 ] && [ $i -lt 1200 ]; do
	kill -0 "$lpid" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
if kill -0 "$lpid" 2>/dev/null; then
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	pid=
else
	fail "loadgen ended before the server could be killed: $(cat "$tmp/first.err" "$tmp/first.json")"
fi
wait "$lpid"
sed -n 's/^201 POST //p' "$tmp/first.log" | sort > "$tmp/acked"
acked=$(wc -l < "$tmp/acked")
[ "$acked" -gt 0 ] || fail "no POST was acknowledged before the kill"
other=$(grep -v -c '^201 \|^0 ' "$tmp/first.log")
[ "$other" -eq 0 ] || fail "$other POSTs were answered with a status other than 201: $(grep -v '^201 \|^0 ' "$tmp/first.log" | head -3)"

if command -v sqlite3 > /dev/null 2>&1; then
	check=$(sqlite3 "$tmp/x.db" 'PRAGMA integrity_check;' 2>&1)
	[ "$check" = "ok" ] || fail "integrity check after the kill: $check"
else
	echo "serve_durability: sqlite3 not installed; no integrity check"
fi

# Every acknowledged article is served after a restart.
start second
sed 's|^|/articles/|' "$tmp/acked" > "$tmp/paths"
"$loadgen" --url "$url" --get "$tmp/paths" --once --connections 4 --seconds 60 \
	--quiet --log "$tmp/get.log" > "$tmp/get.json" 2> "$tmp/get.err"
found=$(grep -c '^200 ' "$tmp/get.log")
[ "$found" -eq "$acked" ] ||
	fail "$found of the $acked acknowledged articles found after the restart: $(grep -v '^200 ' "$tmp/get.log" | head -3)"

# POSTed again, each acknowledged article is a conflict.
awk 'NR == FNR { want["\"id\":\"" $1 "\""] = 1; next }
     { for (k in want) if (index($0, k) == 2) { print; break } }' "$tmp/acked" "$tmp/corpus.jsonl" \
	> "$tmp/again.jsonl"
"$loadgen" --url "$url" --post "$tmp/again.jsonl" --once --connections 4 --seconds 60 \
	--quiet --log "$tmp/again.log" > "$tmp/again.json" 2> "$tmp/again.err"
conflicts=$(grep -c '^409 ' "$tmp/again.log")
[ "$conflicts" -eq "$acked" ] ||
	fail "POSTing the $acked acknowledged articles again gave $conflicts 409s: $(grep -v '^409 ' "$tmp/again.log" | head -3)"

# The whole corpus again: what the kill lost is added, nothing twice.
"$loadgen" --url "$url" --post "$tmp/corpus.jsonl" --once --connections 4 --seconds 60 \
	--quiet --log "$tmp/rest.log" > "$tmp/rest.json" 2> "$tmp/rest.err"
answered=$(grep -c '^201 \|^409 ' "$tmp/rest.log")
[ "$answered" -eq $n ] || fail "POSTing the corpus again: $answered of $n answered 201 or 409"
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[ $status -eq 0 ] || fail "the server exited with status $status after SIGTERM: $(tail -3 "$tmp/serve-second.err")"
if command -v sqlite3 > /dev/null 2>&1; then
	total=$(sqlite3 "$tmp/x.db" 'SELECT count(*), count(DISTINCT id) FROM articles;' 2>&1)
	[ "$total" = "$n|$n" ] || fail "after POSTing again: $total articles, distinct ids (want $n|$n)"
fi
echo "serve_durability: killed after $acked acknowledged; all found after the restart," \
	"$conflicts conflicts when POSTed again"
finish
