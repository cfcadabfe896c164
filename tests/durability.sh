#!/bin/sh
# Kills `doppel add` with SIGKILL while it writes, then checks that the
# database opens, passes SQLite's integrity check, and holds every article
# that doppel had reported as added; then that adding again completes it.
# Usage: tests/durability.sh PATH_TO_DOPPEL
set -u
doppel=${1:?usage: durability.sh PATH_TO_DOPPEL}
tmp=$(mktemp -d /tmp/doppel-durability-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "durability: FAIL: $*"; failed=1; }

# JSON Lines of N articles of 120 made-up words each, written quickly.
gen() {
	awk -v n="$1" 'BEGIN {
		srand(7);
		for (i = 0; i < n; i++) {
			printf "{\"id\":\"art-%d\",\"source\":\"s%d\",\"text\":\"", i, i % 40;
			for (w = 0; w < 120; w++)
				printf "%sw%d", (w ? " " : ""), int(rand() * 50000);
			printf "\"}\n";
		}
	}'
}

gen 60000 > "$tmp/corpus.jsonl"
"$doppel" add --db "$tmp/x.db" --json --no-progress "$tmp/corpus.jsonl" \
	> "$tmp/out.jsonl" 2> "$tmp/err.txt" &
pid=$!
# Wait for the first reported batch, then let it write a moment more.
i=0
while [ ! -s "$tmp/out.jsonl" ] && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
else
	fail "doppel add finished before it could be killed; make the corpus larger"
fi

reported=$(grep -c '"outcome":"added"' "$tmp/out.jsonl")
[ "$reported" -gt 0 ] || fail "nothing was reported before the kill"
check=$(sqlite3 "$tmp/x.db" 'PRAGMA integrity_check;' 2>&1)
[ "$check" = "ok" ] || fail "integrity check after kill: $check"
stored=$(sqlite3 "$tmp/x.db" 'SELECT count(*) FROM articles;' 2>&1)
sed -n 's/^{"id":"\([^"]*\)","outcome":"added".*/\1/p' "$tmp/out.jsonl" | sort > "$tmp/reported"
sqlite3 "$tmp/x.db" 'SELECT id FROM articles;' | sort > "$tmp/stored"
missing=$(comm -23 "$tmp/reported" "$tmp/stored" | wc -l)
[ "$missing" -eq 0 ] || fail "$missing articles reported as added are not in the database"
echo "durability: killed after $reported reported, $stored stored, $missing missing"

# The index opens and takes the rest; nothing is stored twice.
"$doppel" add --db "$tmp/x.db" --quiet --no-progress "$tmp/corpus.jsonl" > /dev/null \
	|| fail "adding again after the kill failed"
total=$(sqlite3 "$tmp/x.db" 'SELECT count(*), count(DISTINCT id) FROM articles;')
[ "$total" = "60000|60000" ] || fail "after adding again: $total (want 60000|60000)"

if [ $failed -eq 0 ]; then
	echo "durability: 1 passed, 0 failed"
else
	echo "durability: 0 passed, 1 failed"
fi
exit $failed
