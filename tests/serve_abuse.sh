#!/bin/sh
# Feeds `doppel serve` what clients get wrong and what attackers try:
# malformed JSON, wrong types, invalid UTF-8, empty and oversized bodies,
# a 100 KB URL, unknown endpoints and methods, clients that trickle a
# request or hold a connection idle, many connections at once, then a long
# run of good and bad requests mixed. After each, the server must still
# answer /healthz; its memory must stay flat over the long run; SIGTERM
# must end it with status 0 and nothing on stderr from a sanitizer.
# Usage: tests/serve_abuse.sh PATH_TO_DOPPEL [PATH_TO_LOADGEN]
# (loadgen defaults to bench/loadgen beside the doppel binary)
set -u
doppel=${1:?usage: serve_abuse.sh PATH_TO_DOPPEL [PATH_TO_LOADGEN]}
loadgen=${2:-$(dirname "$doppel")/bench/loadgen}
. "$(dirname "$0")/serve/lib.sh"
serve_scratch serve-abuse
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "serve_abuse: FAIL: $*"; failed=$((failed + 1)); }
finish() {
	echo "serve_abuse: $passed passed, $failed failed"
	[ $failed -eq 0 ]
	exit
}
[ -x "$loadgen" ] || { echo "serve_abuse: $loadgen missing (make builds it)"; exit 1; }
command -v curl > /dev/null 2>&1 || { echo "serve_abuse: curl missing (make deps)"; exit 1; }

max_body=65536
timeout=2
# A freed block waits in AddressSanitizer's quarantine (256 MB by default)
# before it is reused, which would read as growth below; 16 MB is full
# long before the warm-up ends. Harmless for a build without ASan.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
export ASAN_OPTIONS
: > "$tmp/serve.err"
"$doppel" serve --db "$tmp/x.db" --listen 127.0.0.1:0 --threads 2 \
	--max-body $max_body --timeout $timeout 2> "$tmp/serve.err" &
pid=$!
url=$(serve_url "$tmp/serve.err" "$pid")
if [ -z "$url" ]; then
	fail "the server did not start listening: $(tail -3 "$tmp/serve.err")"
	finish
fi

# alive WHAT: the server answers /healthz with 200 after WHAT.
alive() {
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url/healthz")
	if [ "$code" = 200 ]; then
		ok
	else
		fail "after $1: /healthz answered '$code'"
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "serve_abuse: the server is gone; its last messages:"
			tail -20 "$tmp/serve.err" | sed 's/^/    /'
			pid=
			finish
		fi
	fi
}

# expect NAME WANT CURL_ARGS…: the status is one of WANT (a|b|c), and an
# error status comes with a JSON error object of the same code.
expect() {
	name=$1 want=$2
	shift 2
	code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 20 "$@")
	case "|$want|" in
	*"|$code|"*)
		case $code in
		4* | 5*)
			if grep -q "\"error\"[[:space:]]*:[[:space:]]*{[[:space:]]*\"code\"[[:space:]]*:[[:space:]]*$code" "$tmp/body"; then
				ok
			else
				fail "$name: status $code without an error object of that code: $(head -c 200 "$tmp/body")"
			fi ;;
		*) ok ;;
		esac ;;
	*) fail "$name: status '$code', want $want: $(head -c 200 "$tmp/body" 2>/dev/null)" ;;
	esac
	alive "$name"
}
post() { # NAME WANT FILE [CURL_ARGS…]
	name=$1 want=$2 file=$3
	shift 3
	expect "$name" "$want" -H 'Content-Type: application/json' --data-binary "@$file" "$@" \
		"$url/articles"
}

good='{"id":"good-1","title":"A report","date":"2024-03-05","source":"Wire","url":"https://example.org/1","text":"The minister met the envoy in Geneva on Tuesday. They spoke for two hours about the border and the prisoners."}'
printf '%s' "$good" > "$tmp/good.json"
post "a good article" 201 "$tmp/good.json"
post "the same id again" 409 "$tmp/good.json"

n=0
bad() { # WANT BYTES-AS-PRINTF-FORMAT NAME
	n=$((n + 1))
	printf "$2" > "$tmp/bad-$n.json"
	post "$3" "$1" "$tmp/bad-$n.json"
}
bad 400 '{"id":"x1","text":' "truncated JSON"
bad 400 '{"id":"x2","text":"a" "b"}' "malformed JSON"
bad 400 '{"id":"x3","text":"abc"}}' "trailing garbage"
bad 400 'nul\000l' "a NUL byte"
bad 400 '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' "deep nesting"
bad 400 '{"id":5,"text":"numbers for ids"}' "a number as id"
bad 400 '{"id":"x4","text":42}' "a number as text"
bad 400 '{"id":"x5","text":["a","b"]}' "an array as text"
bad 400 '{"id":"x6","text":"t","date":20240305}' "a number as date"
bad 400 '{"id":"x7","text":"t","date":"2024-13-45"}' "an impossible date"
bad 400 '{"id":null,"text":"t"}' "a null id"
bad 400 '{"text":"no id at all"}' "no id"
bad 400 '"just a string"' "a string"
bad 400 '42' "a number"
bad 400 '[1,2,3]' "an array of numbers"
bad 400 '{"id":"x8","text":"caf\351 au lait"}' "invalid UTF-8 (Latin-1)"
bad 400 '{"id":"x9","text":"\355\240\200 surrogate"}' "invalid UTF-8 (a surrogate)"
bad 400 '{"id":"x10","text":"\300\257 overlong"}' "invalid UTF-8 (overlong)"
bad 400 '{"id":"x11\377","text":"t"}' "invalid UTF-8 in the id"
bad 400 '{"id":"x12","text":"\\ud800 lone escape"}' "a lone surrogate escape"
: > "$tmp/empty"
post "an empty body" 400 "$tmp/empty"
expect "a POST without a body" 400 -X POST -H 'Content-Type: application/json' "$url/articles"
expect "a body of another type" 415 -H 'Content-Type: image/png' \
	--data-binary "@$tmp/good.json" "$url/articles"
awk -v n=$((max_body + 1)) 'BEGIN { printf "{\"id\":\"big\",\"text\":\""; for (i = 0; i < n; i++) printf "a"; printf "\"}" }' \
	> "$tmp/big.json"
post "a body over --max-body" 413 "$tmp/big.json"
head -c 8000000 /dev/zero | tr '\0' 'a' > "$tmp/huge.json"
post "an 8 MB body" 413 "$tmp/huge.json"
expect "a Content-Length over --max-body" 413 -H 'Content-Type: application/json' \
	-H "Content-Length: 999999999" --data-binary "@$tmp/good.json" "$url/articles"

long=$(head -c 100000 /dev/zero | tr '\0' 'a')
# MHD answers a request line it cannot hold with 414 or 431, or closes.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$url/articles/$long")
case $code in
2* | 5*) fail "a 100 KB URL: status $code" ;;
*) ok ;;
esac
alive "a 100 KB URL"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$url/articles?$long=1")
case $code in
2* | 5*) fail "a 100 KB query: status $code" ;;
*) ok ;;
esac
alive "a 100 KB query"

expect "an unknown endpoint" 404 "$url/nope"
expect "an unknown endpoint under /articles" 404 "$url/articles/good-1/nope"
expect "a missing article" 404 "$url/articles/no-such-article"
expect "a missing article's relations" 404 "$url/articles/no-such-article/relations"
expect "a missing story" 404 "$url/stories/no-such-story"
expect "a bad percent escape" '400|404' "$url/articles/%ZZ"
expect "an escaped NUL in an id" '400|404' "$url/articles/a%00b"
expect "explain without arguments" 400 "$url/explain"
expect "stories with a bad date" 400 "$url/stories?since=yesterday"
expect "stories with a bad limit" 400 "$url/stories?limit=-1"
expect "DELETE of a collection" '404|405' -X DELETE "$url/articles"
expect "PUT on an article" '405|501' -X PUT --data-binary x "$url/articles/good-1"
expect "an unknown method" '400|405|501' -X BREW "$url/articles"
expect "the good article is still there" 200 "$url/articles/good-1"

# Slow clients: while 16 connections trickle a request header a byte at a
# time and 16 stay idle, two others are answered, and the server closes
# both kinds (libmicrohttpd's own timeout counts idle time only; the
# server shuts a request not received within --timeout too, or a byte
# every 250 ms would hold a connection for good).
printf '/healthz\n/articles/good-1\n' > "$tmp/paths"
"$loadgen" --url "$url" --get "$tmp/paths" --connections 2 --slow 16 --idle 16 \
	--trickle-ms 250 --seconds $((timeout * 3 + 1)) --timeout 5 --quiet > "$tmp/slow.json"
if grep -q '"get":{"requests":[1-9][0-9]*,[^}]*"status":{"200":[0-9]*},"errors":0,' "$tmp/slow.json"; then
	ok
else
	fail "others were not answered while slow clients hung on: $(cat "$tmp/slow.json")"
fi
if grep -q '"idle":{"n":16,"connected":16,"closed":16,' "$tmp/slow.json"; then
	ok
else
	fail "the server did not close every idle connection: $(sed 's/.*"idle"/"idle"/' "$tmp/slow.json")"
fi
if grep -q '"slow":{"n":16,"connected":16,"closed":16,' "$tmp/slow.json"; then
	ok
else
	fail "the server did not close every trickling connection: $(sed 's/.*"slow"/"slow"/' "$tmp/slow.json")"
fi
alive "slow clients"

# Many connections at once: 200 clients, each answered.
"$loadgen" --url "$url" --get "$tmp/paths" --connections 200 --requests 2000 \
	--seconds 60 --timeout 20 --quiet > "$tmp/many.json"
if grep -q '"total":{"requests":[0-9]*,[^}]*"status":{"200":[0-9]*},"errors":0,' "$tmp/many.json"; then
	ok
else
	fail "200 connections at once: $(cat "$tmp/many.json")"
fi
alive "200 connections"

# ------------------------------------------------------- memory stays flat
# Good and bad requests mixed, none of which stores a new article (dry
# runs, conflicts, rejections, reads), so nothing in the server should
# grow with their number. Twenty articles are stored first to read back.
awk 'BEGIN {
	srand(5);
	for (i = 0; i < 20; i++) {
		printf "{\"id\":\"m-%d\",\"title\":\"Item %d\",\"date\":\"2024-04-%02d\",\"source\":\"s%d\",\"text\":\"", i, i, i + 1, i % 3;
		for (w = 0; w < 300; w++)
			printf "%sw%d%s", (w ? " " : ""), int(rand() * 3000), (w % 15 == 14 ? "." : "");
		printf ".\"}\n";
	}
}' > "$tmp/stored.jsonl"
"$loadgen" --url "$url" --post "$tmp/stored.jsonl" --once --connections 2 --quiet \
	--log "$tmp/stored.log" > /dev/null
stored=$(grep -c '^201 ' "$tmp/stored.log")
[ "$stored" -eq 20 ] && ok || fail "storing 20 articles: $stored answered 201"
{
	sed 's/"id":"m-/"id":"dry-/' "$tmp/stored.jsonl"           # dry runs: 200
	printf '%s\n' '{"id":"bad","text":' '{"id":3,"text":"t"}' '[]' \
		'{"id":"u","text":"\377"}' '{"text":"no id"}'           # 400
	sed -n 1p "$tmp/big.json"; echo                             # 413
} > "$tmp/dry.jsonl"
{
	i=0
	while [ $i -lt 20 ]; do
		echo "/articles/m-$i"
		echo "/articles/m-$i/relations"
		i=$((i + 1))
	done
	echo "/articles/no-such-article"
	echo "/nope"
	echo "/stories?limit=5"
	echo "/stories/m-0"
	echo "/healthz"
	echo "/version"
	echo "/metrics"
	echo "/articles/%ZZ"
} > "$tmp/mixed-paths"
# The first /explain of a server thread loads WordNet into that thread's
# reading handle, about 40 MB kept until the server stops: made for the
# first time during the long run, it would read as growth. It is made in
# the warm-up only; a leak there is LeakSanitizer's to find at SIGTERM.
echo "/explain?a=m-1&b=m-2" > "$tmp/explain-path"
mixed() { # REQUESTS NAME [LOADGEN_ARGS…]
	r=$1 name=$2
	shift 2
	"$loadgen" --url "$url" --post "$tmp/dry.jsonl" --post-path '/articles?dry_run=1' \
		--post-connections 2 --get "$tmp/mixed-paths" --get-connections 2 \
		--requests "$r" --seconds 120 --timeout 20 --quiet "$@" > "$tmp/$name.json"
	"$loadgen" --url "$url" --post "$tmp/stored.jsonl" --same-ids --connections 1 \
		--requests $((r / 10)) --seconds 60 --timeout 20 --quiet "$@" > "$tmp/$name-409.json"
}
# The warm-up opens a connection for every request, so that every server
# thread serves some of each kind and holds what it keeps for good.
mixed 4000 warm --close
"$loadgen" --url "$url" --get "$tmp/explain-path" --connections 2 --close \
	--requests 8 --seconds 60 --timeout 20 --quiet > "$tmp/warm-explain.json"
grep -q '"status":{"200":[0-9]*},"errors":0,' "$tmp/warm-explain.json" && ok ||
	fail "/explain of two stored articles: $(cat "$tmp/warm-explain.json")"
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }
before=$(rss)
mixed 20000 long
after=$(rss)
alive "the mixed run"
grep -q '"status":{"409":[0-9]*},' "$tmp/long-409.json" && ok ||
	fail "POSTs of stored articles were not all 409: $(cat "$tmp/long-409.json")"
for c in 200 400 404 413; do
	grep -q "\"total\":{[^}]*\"$c\":[1-9]" "$tmp/long.json" && ok ||
		fail "the mixed run had no status $c: $(cat "$tmp/long.json")"
done
# The bound, 16 MB over 22,000 requests that store nothing: after a
# warm-up that used every server thread, what may still grow are caches
# that stop growing: SQLite's page caches (2 MB a handle by default, one
# reading handle a thread and the writer's), malloc's arenas settling to
# their working set, and under ASan its quarantine (16 MB, full since the
# warm-up). A leak of 750 bytes a request, less than one reply, exceeds it.
growth=$((after - before))
if [ -n "$before" ] && [ -n "$after" ] && [ $growth -lt 16384 ]; then
	ok
else
	fail "RSS grew from ${before:-?} kB to ${after:-?} kB over 22,000 requests that store nothing"
fi
echo "serve_abuse: RSS ${before:-?} kB after the warm-up, ${after:-?} kB after 22,000 more requests"

kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[ $status -eq 0 ] && ok || fail "the server exited with status $status after SIGTERM"
if grep -q 'Sanitizer\|runtime error' "$tmp/serve.err"; then
	fail "sanitizer reports:"
	grep -A 20 'Sanitizer\|runtime error' "$tmp/serve.err" | head -40 | sed 's/^/    /'
else
	ok
fi
finish
