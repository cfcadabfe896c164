#!/bin/sh
# `doppel serve` built with ThreadSanitizer (make SANITIZE=thread, in
# build/tsan) under a short mixed load: POSTs that the writer groups into
# batches, GETs of every endpoint on the request threads' reading handles
# (an explanation among them), DELETEs, /metrics, then SIGTERM with
# requests in flight. Fails on any ThreadSanitizer report, or when the
# server does not stop with status 0. `make check-tsan` runs it.
#
# Usage: tests/tsan.sh PATH_TO_DOPPEL PATH_TO_LOADGEN [SECONDS]
set -u
doppel=${1:?usage: tsan.sh PATH_TO_DOPPEL PATH_TO_LOADGEN [SECONDS]}
loadgen=${2:?usage: tsan.sh PATH_TO_DOPPEL PATH_TO_LOADGEN [SECONDS]}
seconds=${3:-12}
. "$(dirname "$0")/serve/lib.sh"
serve_scratch tsan
command -v curl > /dev/null 2>&1 || { echo "tsan: curl missing (make deps)"; exit 1; }
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "tsan: FAIL: $*"; failed=$((failed + 1)); }

# Every report is printed, and the server exits 66 if there was one.
TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS

# Articles that copy each other in pairs, so that relations, events and
# stories are made and read while the writer writes.
awk 'BEGIN {
	srand(5);
	for (i = 0; i < 400; i++) {
		printf "{\"id\":\"t-%d\",\"title\":\"Report %d\",\"date\":\"2024-03-%02d\",\"text\":\"", i, i, i % 28 + 1;
		srand(1000 + int(i / 2));
		for (w = 0; w < 90; w++)
			printf "%sw%d", (w ? " " : ""), int(rand() * 5000);
		printf ". Minister Anna Kell met envoy %d in Geneva.\"}\n", int(i / 2);
	}
}' > "$tmp/posts.jsonl"
{
	echo /healthz
	echo /metrics
	echo /stories
	echo '/stories?limit=5'
	for i in 0 1 2 3 10 11 40 41; do
		echo "/articles/t-$i"
		echo "/articles/t-$i/relations"
	done
	echo '/explain?a=t-0&b=t-1'
	echo /articles/none
} > "$tmp/gets"

"$doppel" serve --db "$tmp/x.db" --listen 127.0.0.1:0 --threads 4 2> "$tmp/serve.err" &
pid=$!
url=$(serve_url "$tmp/serve.err" "$pid" 1200)
if [ -z "$url" ]; then
	fail "the server did not start: $(tail -5 "$tmp/serve.err")"
	echo "tsan: $passed passed, $failed failed"
	exit 1
fi

"$loadgen" --url "$url" --seconds "$seconds" --post "$tmp/posts.jsonl" --post-connections 3 \
	--get "$tmp/gets" --get-connections 3 --timeout 30 --quiet > "$tmp/load.json" 2> "$tmp/load.err"
if [ $? = 0 ]; then ok; else fail "loadgen: $(cat "$tmp/load.err")"; fi
cpids=
for i in 0 2 4 6; do
	curl -sS -o /dev/null -X DELETE "$url/articles/t-$i" 2> /dev/null &
	cpids="$cpids $!"
	curl -sS -o /dev/null "$url/stories" 2> /dev/null &
	cpids="$cpids $!"
done
for c in $cpids; do wait "$c"; done
# A stop with requests in flight: the writer and the readers finish.
"$loadgen" --url "$url" --seconds 3 --post "$tmp/posts.jsonl" --id-suffix -late \
	--post-connections 2 --get "$tmp/gets" --get-connections 2 --timeout 30 --quiet \
	> /dev/null 2>&1 &
lpid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
wait "$lpid"
if [ "$st" = 0 ]; then ok; else fail "the server exited $st (66: ThreadSanitizer reported)"; fi
n=$(grep -c 'WARNING: ThreadSanitizer' "$tmp/serve.err")
if [ "$n" = 0 ]; then
	ok
else
	fail "$n ThreadSanitizer reports; the first:"
	sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$tmp/serve.err" | head -80
fi
posts=$(sed -n 's/.*"post":{"requests":\([0-9]*\).*/\1/p' "$tmp/load.json")
gets=$(sed -n 's/.*"get":{"requests":\([0-9]*\).*/\1/p' "$tmp/load.json")
echo "tsan: ${posts:-?} POSTs and ${gets:-?} GETs answered under ThreadSanitizer"
echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
