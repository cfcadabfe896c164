#!/bin/sh
# Damaged and foreign database files: every command that opens an index
# (query, stories --db, explain --db, add, serve) must stop with status 1
# and a message naming the file and what is wrong — never crash, never
# answer from a file that is not what it should be — and add must leave
# the file as it was. The files are made here from a good index: cut
# short, a page zeroed (the header's, the articles', the texts'), and
# files of other kinds (PNG, gzip, zstd, JSON Lines, random bytes, another
# application's SQLite database, an empty file).
#
# Usage: tests/corrupt.sh PATH_TO_DOPPEL
set -u
doppel=${1:?usage: corrupt.sh PATH_TO_DOPPEL}
case $doppel in /*) ;; *) doppel=$(pwd)/$doppel ;; esac
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$root" || exit 2
. tests/serve/lib.sh
command -v sqlite3 > /dev/null || { echo "corrupt: sqlite3 missing (make deps)"; exit 2; }
LC_ALL=C
export LC_ALL
serve_scratch corrupt

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "corrupt: FAIL: $*"; failed=$((failed + 1)); }

"$doppel" add --db "$tmp/good.db" -q --no-progress examples/news > /dev/null ||
	{ echo "corrupt: cannot build the index"; exit 1; }
page=$(sqlite3 "$tmp/good.db" 'PRAGMA page_size;')
size=$(wc -c < "$tmp/good.db")
root_of() { sqlite3 "$tmp/good.db" "SELECT rootpage FROM sqlite_master WHERE name = '$1';"; }

# zero FILE PAGE: overwrites page PAGE (1-based) of FILE with zeros.
zero() { dd if=/dev/zero of="$1" bs="$page" seek=$(($2 - 1)) count=1 conv=notrunc 2> /dev/null; }

# Bytes that are nothing in particular, the same on every run.
noise() { awk -v n="$1" 'BEGIN { srand(7); for (i = 0; i < n; i++) printf "%c", int(rand() * 256) }'; }

cp "$tmp/good.db" "$tmp/half.db"
truncate -s $((size / 2)) "$tmp/half.db"
cp "$tmp/good.db" "$tmp/header.db"
truncate -s 100 "$tmp/header.db"
cp "$tmp/good.db" "$tmp/magic.db"
truncate -s 40 "$tmp/magic.db"
cp "$tmp/good.db" "$tmp/page1.db"
zero "$tmp/page1.db" 1
cp "$tmp/good.db" "$tmp/articles.db"
zero "$tmp/articles.db" "$(root_of articles)"
cp "$tmp/good.db" "$tmp/texts.db"
zero "$tmp/texts.db" "$(root_of texts)"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' > "$tmp/png.db"
noise 3000 >> "$tmp/png.db"
gzip -c README.md > "$tmp/gzip.db"
zstd -q -c README.md > "$tmp/zstd.db"
cp tests/data/cli/corpus.jsonl "$tmp/jsonl.db"
noise 70000 > "$tmp/noise.db"
sqlite3 "$tmp/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
: > "$tmp/empty.db"

# run WHAT STATUS PATTERN CMD...: CMD exits STATUS, its stderr holds
# PATTERN (a fixed string), and no sanitizer spoke.
run() {
	what=$1
	want=$2
	pattern=$3
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	st=$?
	if [ "$st" = "$want" ]; then ok; else fail "$what: exit status $st, want $want: $(head -c 400 "$tmp/err")"; fi
	if grep -qF -- "$pattern" "$tmp/err"; then ok; else fail "$what: stderr lacks '$pattern': $(head -c 400 "$tmp/err")"; fi
	if grep -q 'Sanitizer\|runtime error' "$tmp/err"; then fail "$what: $(head -5 "$tmp/err")"; fi
}

# refused NAME PATTERN: every command refuses $tmp/NAME.db with PATTERN.
refused() {
	f=$tmp/$1.db
	run "$1: query" 1 "doppel: $f: $2" "$doppel" query --db "$f" --no-progress examples/news/harbor-wire
	run "$1: stories" 1 "doppel: $f: $2" "$doppel" stories --db "$f"
	run "$1: explain" 1 "$f: $2" "$doppel" explain --db "$f" harbor-wire/port-strike valley-daily/port-strike-reprint
	cp "$f" "$tmp/copy.db"
	run "$1: add" 1 "doppel: $tmp/copy.db: $2" "$doppel" add --db "$tmp/copy.db" --no-progress examples/news/harbor-wire
	if cmp -s "$f" "$tmp/copy.db"; then ok; else fail "$1: add changed the file"; fi
	run "$1: serve" 1 "doppel: $tmp/copy.db: $2" "$doppel" serve --db "$tmp/copy.db" --listen 127.0.0.1:0
	if cmp -s "$f" "$tmp/copy.db"; then ok; else fail "$1: serve changed the file"; fi
	rm -f "$tmp/copy.db"*
}

refused half "the database is damaged: cut short at $((size / 2)) bytes, where its header counts"
refused header "the database is damaged: cut short at 100 bytes, where its header counts"
refused magic "the database is damaged: cut short at 40 bytes, inside its 100-byte header"
refused page1 "not a doppel database"
refused articles "the database is damaged: "
for kind in png gzip zstd jsonl noise; do
	refused "$kind" "not a doppel database (file is not a database)"
done
refused other "not a doppel database (an SQLite database of another application)"
f=$tmp/empty.db
run "empty: query" 1 "doppel: $f: not a doppel database (empty)" "$doppel" query --db "$f" --no-progress examples/news/harbor-wire
run "empty: stories" 1 "doppel: $f: not a doppel database (empty)" "$doppel" stories --db "$f"

# A zeroed page that opening does not read: the read that meets it fails,
# naming the file, and the server answers 500 and goes on.
f=$tmp/texts.db
run "texts: explain" 1 "doppel: explain: $f: the database is damaged: reading a text" \
	"$doppel" explain --db "$f" harbor-wire/port-strike valley-daily/port-strike-reprint
"$doppel" serve --db "$f" --listen 127.0.0.1:0 --threads 2 2> "$tmp/serve.err" &
pid=$!
url=$(serve_url "$tmp/serve.err" "$pid")
if [ -n "$url" ]; then
	code=$(curl -sS -o "$tmp/body" -w '%{http_code}' "$url/articles/harbor-wire%2Fport-strike" 2> /dev/null)
	if [ "$code" = 500 ]; then ok; else fail "texts: GET an article: $code, want 500"; fi
	if grep -qF "$f: the database is damaged: reading a text" "$tmp/body"; then ok; else fail "texts: GET an article: $(cat "$tmp/body")"; fi
	code=$(curl -sS -o /dev/null -w '%{http_code}' "$url/healthz" 2> /dev/null)
	if [ "$code" = 200 ]; then ok; else fail "texts: /healthz after the error: $code"; fi
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	pid=
	if [ "$st" = 0 ]; then ok; else fail "texts: the server exited $st"; fi
	if grep -q 'Sanitizer\|runtime error' "$tmp/serve.err"; then fail "texts: $(head -5 "$tmp/serve.err")"; fi
else
	fail "texts: the server did not start: $(cat "$tmp/serve.err")"
fi

echo "corrupt: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
