#!/bin/sh
# Tests of `doppel serve`, over HTTP with curl.
#
# Usage: tests/serve/run.sh PATH_TO_DOPPEL
#
# 1. Every example of doc/API.md: the lines of its ```sh blocks that use
#    $DOPPEL_URL, run in order against a server over a fresh copy of
#    examples/news. Each line ends with "# STATUS CHECK..." where a CHECK is
#    PATH=VALUE (the field at PATH, as tests/serve/jsonpick reads it, equals
#    VALUE; "\ " is a space) or PATH (the field is there).
# 2. Errors, authentication, limits, the equivalence of POST /articles and
#    `doppel add --json`, and a clean stop on SIGTERM with a request in flight.
# Needs curl and sqlite3 (scripts/install-deps.sh), and build/tests/jsonpick
# beside the doppel binary's build directory (make test-serve builds it).
set -u
set -f

[ $# -ge 1 ] || { echo "usage: tests/serve/run.sh PATH_TO_DOPPEL" >&2; exit 2; }
DOPPEL=$1
case $DOPPEL in /*) ;; *) DOPPEL=$(pwd)/$DOPPEL ;; esac
JSONPICK=$(dirname "$DOPPEL")/tests/jsonpick
for f in "$DOPPEL" "$JSONPICK"; do
	[ -x "$f" ] || { echo "tests/serve/run.sh: $f: no such executable (make test-serve)" >&2; exit 2; }
done
command -v curl > /dev/null || { echo "tests/serve/run.sh: curl is missing (make deps)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
. tests/serve/lib.sh
LC_ALL=C
TZ=UTC
export LC_ALL TZ

tmp=$(mktemp -d "${TMPDIR:-/tmp}/doppel-serve-XXXXXX") || exit 2
pids=
cleanup() {
	for p in $pids; do kill "$p" 2> /dev/null; done
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
	[ -s "$tmp/body" ] && echo "  body: $(head -c 600 "$tmp/body")"
}

# start_server NAME DB [OPTIONS...]: sets PID and URL.
start_server() {
	name=$1
	db=$2
	shift 2
	"$DOPPEL" serve --db "$db" --listen 127.0.0.1:0 --threads 2 "$@" 2> "$tmp/$name.err" &
	PID=$!
	pids="$pids $PID"
	URL=$(serve_url "$tmp/$name.err" "$PID")
	if [ -z "$URL" ]; then
		echo "tests/serve/run.sh: the server did not start:" >&2
		cat "$tmp/$name.err" >&2
		exit 1
	fi
}

# stop_server: SIGTERM, then its exit status in STOPPED.
stop_server() {
	kill -TERM "$PID"
	wait "$PID"
	STOPPED=$?
	pids=$(echo "$pids" | sed "s/ $PID\$//; s/ $PID / /")
}

# req NAME EXPECTED_STATUS CURL_ARGS...: the body lands in $tmp/body.
req() {
	name=$1
	want=$2
	shift 2
	code=$(curl -sS -o "$tmp/body" -w '%{http_code}' "$@" 2> "$tmp/curl.err")
	if [ "$code" = "$want" ]; then
		ok
		return 0
	fi
	fail "$name: status $code, want $want $(cat "$tmp/curl.err")"
	return 1
}

# field NAME PATH VALUE: the field of $tmp/body at PATH is VALUE.
field() {
	got=$("$JSONPICK" "$2" < "$tmp/body")
	if [ "$got" = "$3" ]; then
		ok
	else
		fail "$1: $2 is '$got', want '$3'"
	fi
}

J='Content-Type: application/json'
art='{"id":"a1","text":"Dock workers at the northern port ended their strike on Monday."}'

# ------------------------------------------------- 1. doc/API.md examples
"$DOPPEL" add --db "$tmp/news.db" -q --no-progress examples/news > /dev/null ||
	{ echo "tests/serve/run.sh: seeding the database failed" >&2; exit 1; }
start_server news "$tmp/news.db"
DOPPEL_URL=$URL
DOPPEL_STORY=none
export DOPPEL_URL DOPPEL_STORY
sed -n '/^```sh$/,/^```$/p' doc/API.md | grep 'DOPPEL_URL' > "$tmp/examples"
[ -s "$tmp/examples" ] || fail "no examples found in doc/API.md"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	cmd=${line% \# *}
	expect=${line##* \# }
	if [ "$cmd" = "$line" ]; then
		fail "doc/API.md example $n has no '# STATUS': $line"
		continue
	fi
	eval "set -- $expect"
	want=$1
	shift
	code=$(sh -c "$cmd -S -o '$tmp/body' -w '%{http_code}'" 2> "$tmp/curl.err")
	if [ "$code" != "$want" ]; then
		fail "doc/API.md example $n: status $code, want $want: $cmd"
		continue
	fi
	ok
	for check in "$@"; do
		path=${check%%=*}
		if [ "$path" = "$check" ]; then
			"$JSONPICK" "$path" < "$tmp/body" > /dev/null ||
				fail "doc/API.md example $n: no $path in the reply"
			continue
		fi
		field "doc/API.md example $n" "$path" "${check#*=}"
	done
	case $cmd in
	*'/stories?'*)
		DOPPEL_STORY=$("$JSONPICK" .stories[0].id < "$tmp/body" | sed 's|/|%2F|g; s| |%20|g')
		export DOPPEL_STORY
		;;
	esac
done < "$tmp/examples"
echo "serve: $n examples of doc/API.md run"

# The same stories and explanation as the command prints from the index.
U=$DOPPEL_URL
"$DOPPEL" stories --db "$tmp/news.db" --json | "$JSONPICK" -c > "$tmp/stories.cli"
if [ -s "$tmp/stories.cli" ]; then ok; else fail "doppel stories --db printed no story"; fi
while IFS= read -r story; do
	id=$(printf '%s\n' "$story" | "$JSONPICK" .story | sed 's|/|%2F|g; s| |%20|g')
	req "GET /stories/$id" 200 "$U/stories/$id" || continue
	if [ "$("$JSONPICK" -c < "$tmp/body")" = "$story" ]; then ok; else fail "GET /stories/$id differs from doppel stories --db --json"; fi
done < "$tmp/stories.cli"
"$DOPPEL" explain --db "$tmp/news.db" --json harbor-wire/port-strike valley-daily/port-strike-reprint |
	"$JSONPICK" -c > "$tmp/explain.cli"
req "GET /explain" 200 "$U/explain?a=harbor-wire%2Fport-strike&b=valley-daily%2Fport-strike-reprint" &&
	if [ -s "$tmp/explain.cli" ] && [ "$("$JSONPICK" -c < "$tmp/body")" = "$(cat "$tmp/explain.cli")" ]; then ok; else fail "GET /explain differs from doppel explain --db --json"; fi

# ------------------------------------------------------------- 2. errors
req "malformed JSON" 400 -H "$J" -d '{"id":' "$U/articles" &&
	case $("$JSONPICK" .error.message < "$tmp/body") in
	"invalid JSON"*) ok ;;
	*) fail "malformed JSON: message $(cat "$tmp/body")" ;;
	esac
req "id of a wrong type" 400 -H "$J" -d '{"id":5,"text":"x"}' "$U/articles" &&
	field "id of a wrong type" .error.message "article.id: want a string, not a number"
req "a date that is not one" 400 -H "$J" -d '{"id":"d","text":"x","date":"2024-13-01"}' "$U/articles"
printf '{"id":"u1","text":"caf\351"}' > "$tmp/bad-utf8.json"
req "invalid UTF-8" 400 -H "$J" --data-binary @"$tmp/bad-utf8.json" "$U/articles" &&
	field "invalid UTF-8" .error.message "invalid UTF-8 at byte 22"
req "empty body" 400 -H "$J" --data-binary '' "$U/articles"
req "empty array" 400 -H "$J" -d '[]' "$U/articles"
req "an id twice in one body" 400 -H "$J" -d '[{"id":"t","text":"one"},{"id":"t","text":"two"}]' "$U/articles"
req "nothing added by a 400" 404 "$U/articles/t"
printf '{"id":"l1","text":"fine"}\n\n{"id":"l2","text":}\n' > "$tmp/bad.jsonl"
req "bad JSON line" 400 -H 'Content-Type: application/x-ndjson' --data-binary @"$tmp/bad.jsonl" "$U/articles" &&
	case $("$JSONPICK" .error.message < "$tmp/body") in
	"line 3: invalid JSON"*) ok ;;
	*) fail "bad JSON line: message $(cat "$tmp/body")" ;;
	esac
req "nothing added from a bad batch" 404 "$U/articles/l1"
req "409 adds nothing" 409 -H "$J" -d '[{"id":"fresh-1","text":"new text here"},{"id":"harbor-wire/port-strike","text":"x"}]' "$U/articles" &&
	field "409 names the id" .error.ids "[\"harbor-wire/port-strike\"]"
req "409 adds nothing (fresh-1 absent)" 404 "$U/articles/fresh-1"
req "unsupported Content-Type" 415 -H 'Content-Type: text/plain' -d "$art" "$U/articles"
req "form Content-Type" 415 -d "$art" "$U/articles"
req "unknown endpoint" 404 "$U/nothing"
req "unknown nested endpoint" 404 "$U/articles/a/b/c"
req "unknown article" 404 "$U/articles/no-such-id"
req "relations of an unknown article" 404 "$U/articles/no-such-id/relations"
req "unknown story" 404 "$U/stories/no-such-story"
req "explain with one unknown" 404 "$U/explain?a=harbor-wire%2Fport-strike&b=nope"
req "explain without b" 400 "$U/explain?a=harbor-wire%2Fport-strike"
req "a bad escape in the path" 400 "$U/articles/bad%zzescape"
req "%00 in the path" 400 "$U/articles/nul%00byte"
req "stories with a bad date" 400 "$U/stories?since=yesterday"
req "stories with a bad limit" 400 "$U/stories?limit=-1"
req "dry_run=maybe" 400 -H "$J" -d "$art" "$U/articles?dry_run=maybe"
curl -sS -o /dev/null -D "$tmp/headers" -X PUT "$U/articles" 2> /dev/null
if grep -qi '^HTTP/1.1 405' "$tmp/headers" && grep -qi '^Allow: POST' "$tmp/headers"; then ok; else fail "PUT /articles: want 405 with Allow: POST"; fi
curl -sS -o /dev/null -D "$tmp/headers" -X POST "$U/articles/x" 2> /dev/null
if grep -qi '^Allow: GET, DELETE' "$tmp/headers"; then ok; else fail "POST /articles/x: want Allow: GET, DELETE"; fi
long=$(head -c 9000 /dev/zero | tr '\0' 'a')
req "a very long URL" 414 "$U/articles/$long"
req "DELETE of an unknown article" 404 -X DELETE "$U/articles/no-such-id"

# Ids with "/", spaces and other characters, as the path and as ?a=.
req "odd id: add" 201 -H "$J" -d '{"id":"dir/sub dir/a+b%c?d#e","text":"An article whose id holds every awkward character there is."}' "$U/articles"
req "odd id: get" 200 "$U/articles/dir%2Fsub%20dir%2Fa%2Bb%25c%3Fd%23e" &&
	field "odd id: get" .id "dir/sub dir/a+b%c?d#e"
req "odd id: relations" 200 "$U/articles/dir%2Fsub%20dir%2Fa%2Bb%25c%3Fd%23e/relations"
req "odd id: delete" 200 -X DELETE "$U/articles/dir%2Fsub%20dir%2Fa%2Bb%25c%3Fd%23e"
req "odd id: gone" 404 "$U/articles/dir%2Fsub%20dir%2Fa%2Bb%25c%3Fd%23e"

# A dry run adds nothing.
req "dry run" 200 -H "$J" -d '{"id":"dry-1","text":"Nothing of this is stored."}' "$U/articles?dry_run=1" &&
	field "dry run" .results[0].outcome queried
req "dry run stored nothing" 404 "$U/articles/dry-1"

# JSON Lines under its other name, with CRLF line ends.
printf '{"id":"crlf-1","text":"first line"}\r\n{"id":"crlf-2","text":"second line"}\r\n' > "$tmp/crlf.jsonl"
req "JSON Lines (application/jsonl, CRLF)" 201 -H 'Content-Type: application/jsonl' --data-binary @"$tmp/crlf.jsonl" "$U/articles" &&
	field "JSON Lines" .results[1].id crlf-2

curl -sS "$U/metrics" > "$tmp/body"
for m in 'doppel_http_requests_total{method="POST",endpoint="articles",status="201"}' \
	'doppel_http_requests_total{method="GET",endpoint="unknown",status="404"}' \
	'doppel_http_request_duration_seconds_bucket{endpoint="articles",le="+Inf"}' \
	'doppel_articles_indexed' 'doppel_rejected_inputs_total'; do
	if grep -qF "$m" "$tmp/body"; then ok; else fail "/metrics lacks $m"; fi
done
indexed=$(sed -n 's/^doppel_articles_indexed //p' "$tmp/body")
stored=$(sqlite3 "$tmp/news.db" 'SELECT count(*) FROM articles;' 2> /dev/null)
if [ "$indexed" = "$stored" ]; then ok; else fail "/metrics: $indexed articles indexed, the database holds $stored"; fi

stop_server
if [ "$STOPPED" = 0 ]; then ok; else fail "the server exited $STOPPED on SIGTERM"; fi

# --------------------------------------------- body limits (--max-body)
start_server small "$tmp/small.db" --max-body 1000
big=$(head -c 2000 /dev/zero | tr '\0' 'x')
printf '{"id":"big","text":"%s"}' "$big" > "$tmp/big.json"
req "body over --max-body (Content-Length)" 413 -H "$J" --data-binary @"$tmp/big.json" "$URL/articles"
req "body over --max-body (chunked)" 413 -H "$J" -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big.json" "$URL/articles"
req "a body within --max-body" 201 -H "$J" -d "$art" "$URL/articles"
stop_server

# ------------------------------------------------------ authentication
printf 's3cret-token\n' > "$tmp/token"
start_server auth "$tmp/auth.db" --token-file "$tmp/token"
req "no token" 401 "$URL/healthz"
curl -sS -o /dev/null -D "$tmp/headers" "$URL/healthz" 2> /dev/null
if grep -qi '^WWW-Authenticate: Bearer' "$tmp/headers"; then ok; else fail "401 without WWW-Authenticate"; fi
req "a wrong token" 401 -H 'Authorization: Bearer s3cret-tokem' "$URL/healthz"
req "a longer token" 401 -H 'Authorization: Bearer s3cret-token2' "$URL/healthz"
req "another scheme" 401 -H 'Authorization: Basic czNjcmV0LXRva2Vu' "$URL/healthz"
req "the token" 200 -H 'Authorization: Bearer s3cret-token' "$URL/healthz"
req "the token, POST" 201 -H 'Authorization: Bearer s3cret-token' -H "$J" -d "$art" "$URL/articles"
stop_server

# ------------------------- POST /articles = doppel add --json, same corpus
"$DOPPEL" add --db "$tmp/cli.db" --json -q --no-progress tests/data/cli/corpus.jsonl \
	| "$JSONPICK" -c > "$tmp/cli.out"
start_server same "$tmp/http.db"
if req "the corpus as JSON Lines" 201 -H 'Content-Type: application/x-ndjson' \
	--data-binary @tests/data/cli/corpus.jsonl "$URL/articles"; then
	"$JSONPICK" -l .results < "$tmp/body" > "$tmp/http.out"
	if [ -s "$tmp/cli.out" ] && cmp -s "$tmp/cli.out" "$tmp/http.out"; then
		ok
	else
		fail "POST /articles and doppel add --json differ:"
		diff "$tmp/cli.out" "$tmp/http.out" | head -20
	fi
fi
stop_server

# ------------------------- SIGTERM with a request in flight: it finishes
awk 'BEGIN {
	srand(11);
	for (i = 0; i < 3000; i++) {
		printf "{\"id\":\"slow-%d\",\"text\":\"", i;
		for (w = 0; w < 100; w++)
			printf "%sw%d", (w ? " " : ""), int(rand() * 50000);
		printf "\"}\n";
	}
}' > "$tmp/slow.jsonl"
start_server stop "$tmp/stop.db"
before=$(sqlite3 "$tmp/stop.db" 'SELECT count(*) FROM articles;')
# Sent slowly, so that it is still being received when the signal comes.
curl -sS -o "$tmp/slow.body" -w '%{http_code}' --limit-rate 300K \
	-H 'Content-Type: application/x-ndjson' --data-binary @"$tmp/slow.jsonl" \
	"$URL/articles" > "$tmp/slow.code" 2> "$tmp/slow.err" &
cpid=$!
# Wait until the server counts it in flight (the /metrics request is the other).
i=0
while [ $i -lt 600 ]; do
	inflight=$(curl -sS "$URL/metrics" 2> /dev/null | sed -n 's/^doppel_http_requests_in_flight //p')
	[ "${inflight:-0}" -ge 2 ] && break
	sleep 0.05
	i=$((i + 1))
done
if [ "${inflight:-0}" -ge 2 ]; then ok; else fail "the slow POST never showed in flight"; fi
kill -TERM "$PID"
# New requests now are refused or answered 503, never served.
code=$(curl -sS -o /dev/null -w '%{http_code}' "$URL/healthz" 2> /dev/null)
if [ "$code" != 200 ]; then ok; else fail "a request after SIGTERM was served"; fi
wait "$cpid"
wait "$PID"
STOPPED=$?
pids=$(echo "$pids" | sed "s/ $PID\$//; s/ $PID / /")
if [ "$(cat "$tmp/slow.code")" = 201 ]; then ok; else fail "the POST in flight at SIGTERM got $(cat "$tmp/slow.code") $(cat "$tmp/slow.err")"; fi
if [ "$STOPPED" = 0 ]; then ok; else fail "exit status $STOPPED after SIGTERM, want 0"; fi
check=$(sqlite3 "$tmp/stop.db" 'PRAGMA integrity_check;' 2>&1)
if [ "$check" = ok ]; then ok; else fail "integrity check after SIGTERM: $check"; fi
after=$(sqlite3 "$tmp/stop.db" 'SELECT count(*) FROM articles;')
if [ "$after" = $((before + 3000)) ]; then ok; else fail "after SIGTERM the database holds $after articles, want $((before + 3000))"; fi

echo "serve: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
