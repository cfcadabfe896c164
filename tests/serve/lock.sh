#!/bin/sh
# One writer per database, seen from the command line: while `doppel serve`
# writes an index, `doppel add` and a second `doppel serve` are refused at
# once (status 1, the holder named) and change nothing; readers (`query`,
# `stories --db`, `explain --db`, `serve --read-only`) work beside it and
# see what it committed; once it stops, or is killed, a writer opens.
#
# Usage: tests/serve/lock.sh PATH_TO_DOPPEL
set -u

[ $# -ge 1 ] || { echo "usage: tests/serve/lock.sh PATH_TO_DOPPEL" >&2; exit 2; }
DOPPEL=$1
case $DOPPEL in /*) ;; *) DOPPEL=$(pwd)/$DOPPEL ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
. tests/serve/lib.sh
command -v curl > /dev/null || { echo "lock.sh: curl is missing (make deps)" >&2; exit 2; }
command -v sqlite3 > /dev/null || { echo "lock.sh: sqlite3 is missing (make deps)" >&2; exit 2; }
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/doppel-lock-XXXXXX") || exit 2
pids=
cleanup() {
	for p in $pids; do kill -9 "$p" 2> /dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# start NAME [OPTIONS...]: a server over $db; sets PID and URL.
start() {
	name=$1
	shift
	"$DOPPEL" serve --db "$db" --listen 127.0.0.1:0 --threads 2 "$@" 2> "$tmp/$name.err" &
	PID=$!
	pids="$pids $PID"
	URL=$(serve_url "$tmp/$name.err" "$PID")
	if [ -z "$URL" ]; then
		echo "lock.sh: the server $name did not start:" >&2
		cat "$tmp/$name.err" >&2
		exit 1
	fi
}

# expect WHAT WANT_STATUS WANT_STDERR_FILE STATUS: compares a run.
expect() {
	if [ "$4" = "$2" ]; then ok; else fail "$1: exit status $4, want $2"; fi
	if cmp -s "$3" "$tmp/want.err"; then ok; else
		fail "$1: stderr differs:"
		diff "$tmp/want.err" "$3" | head -5
	fi
}

count() { sqlite3 "$db" 'SELECT count(*) FROM articles;'; }

# status URL [CURL_ARGS...]: the HTTP status; the body in $tmp/body.
status() {
	u=$1
	shift
	curl -sS -o "$tmp/body" -w '%{http_code}' "$@" "$u" 2> "$tmp/curl.err"
}

J='Content-Type: application/json'
db=$tmp/news.db
"$DOPPEL" add --db "$db" -q --no-progress examples/news/harbor-wire > /dev/null ||
	{ echo "lock.sh: seeding the database failed" >&2; exit 1; }
before=$(count)

start writer
writer=$PID
wurl=$URL
printf 'doppel: %s is in use by doppel serve (pid %s)\n' "$db" "$writer" > "$tmp/want.err"

# ------------------------------------------------ second writers refused
"$DOPPEL" add --db "$db" --no-progress examples/news/metro-times > "$tmp/add.out" 2> "$tmp/add.err"
expect "doppel add beside doppel serve" 1 "$tmp/add.err" $?
if [ ! -s "$tmp/add.out" ]; then ok; else fail "a refused add printed results"; fi
if [ "$(count)" = "$before" ]; then ok; else fail "a refused add changed the index"; fi
"$DOPPEL" serve --db "$db" --listen 127.0.0.1:0 > /dev/null 2> "$tmp/serve2.err"
expect "a second doppel serve" 1 "$tmp/serve2.err" $?
ln -s "$db" "$tmp/alias.db"
printf 'doppel: %s is in use by doppel serve (pid %s)\n' "$tmp/alias.db" "$writer" > "$tmp/want.err"
"$DOPPEL" add --db "$tmp/alias.db" --no-progress examples/news/metro-times > /dev/null 2> "$tmp/alias.err"
expect "doppel add through a symbolic link" 1 "$tmp/alias.err" $?

# ------------------------------------------- readers beside the writer
art='{"id":"posted-1","title":"Port strike ends","text":"Dock workers at the northern port ended their strike on Monday after the union accepted a three-year contract with higher pay and new safety rules, the union said."}'
code=$(status "$wurl/articles" -H "$J" -d "$art")
if [ "$code" = 201 ]; then ok; else fail "POST to the writer: $code $(cat "$tmp/body")"; fi
printf '%s\n' "$art" | sed 's/posted-1/probe/' > "$tmp/probe.jsonl"
if "$DOPPEL" query --db "$db" --json --no-progress "$tmp/probe.jsonl" > "$tmp/query.out" 2> "$tmp/query.err"; then ok; else fail "doppel query beside the writer: $(cat "$tmp/query.err")"; fi
if grep -q '"id":"posted-1"' "$tmp/query.out"; then ok; else fail "doppel query does not see the article the writer committed: $(cat "$tmp/query.out")"; fi
if "$DOPPEL" stories --db "$db" > /dev/null 2> "$tmp/stories.err"; then ok; else fail "doppel stories --db beside the writer: $(cat "$tmp/stories.err")"; fi
if "$DOPPEL" explain --db "$db" posted-1 port-strike > /dev/null 2> "$tmp/explain.err"; then ok; else fail "doppel explain --db beside the writer: $(cat "$tmp/explain.err")"; fi

start reader --read-only
reader=$PID
rurl=$URL
code=$(status "$rurl/articles/posted-1")
if [ "$code" = 200 ]; then ok; else fail "GET from the read-only server: $code"; fi
code=$(status "$rurl/articles" -H "$J" -d "$(printf '%s' "$art" | sed 's/posted-1/posted-ro/')")
if [ "$code" = 403 ]; then ok; else fail "POST to the read-only server: $code, want 403"; fi
code=$(status "$rurl/articles?dry_run=1" -H "$J" -d "$art")
if [ "$code" = 403 ]; then ok; else fail "a dry run on the read-only server: $code, want 403"; fi
code=$(status "$rurl/articles/posted-1" -X DELETE)
if [ "$code" = 403 ]; then ok; else fail "DELETE on the read-only server: $code, want 403"; fi
code=$(status "$wurl/articles" -H "$J" -d "$(printf '%s' "$art" | sed 's/posted-1/posted-2/')")
if [ "$code" = 201 ]; then ok; else fail "second POST to the writer: $code"; fi
code=$(status "$rurl/articles/posted-2")
if [ "$code" = 200 ]; then ok; else fail "the read-only server does not see a later commit: $code"; fi
status "$rurl/healthz" > /dev/null
if grep -q "\"articles\":$(count)" "$tmp/body"; then ok; else fail "read-only /healthz: $(cat "$tmp/body"), the database holds $(count)"; fi

# ------------------------------------------------- after the writer
kill -TERM "$writer"
wait "$writer"
if [ $? = 0 ]; then ok; else fail "the writer did not stop cleanly"; fi
if "$DOPPEL" add --db "$db" -q --no-progress examples/news/metro-times > /dev/null 2> "$tmp/add2.err"; then ok; else fail "doppel add after the writer stopped (the reader still serves): $(cat "$tmp/add2.err")"; fi
kill -TERM "$reader"
wait "$reader"

start killed
kill -9 "$PID"
wait "$PID" 2> /dev/null
if grep -q "^$PID doppel serve\$" "$db.lock"; then ok; else fail "the killed writer's lock file: '$(cat "$db.lock")'"; fi
if "$DOPPEL" add --db "$db" -q --no-progress examples/news/coast-post > /dev/null 2> "$tmp/add3.err"; then ok; else fail "doppel add after a writer was killed: $(cat "$tmp/add3.err")"; fi
check=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
if [ "$check" = ok ]; then ok; else fail "integrity check: $check"; fi

echo "lock: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
