#!/bin/sh
# make bench-serve: `doppel serve` over an index of 100,000 articles,
# loaded by bench/loadgen on the loopback: (a) sustained ingest of fresh
# articles, one a POST; (b) GET /articles/{id}/relations of stored ones;
# (c) both at once. Prints the figures beside their targets; asserts no
# timing. What each figure means: bench/README.md.
# Usage: bench/serve.sh BUILD_DIR
# SERVE_ARTICLES=10000 SERVE_SECONDS=5 bench/serve.sh build: a quick run.
set -eu
build=${1:?usage: serve.sh BUILD_DIR}
n=${SERVE_ARTICLES:-100000}
secs=${SERVE_SECONDS:-20}
conns=${SERVE_CONNECTIONS:-8}
fresh_n=${SERVE_FRESH:-50000}
seed=42
fresh_seed=4242
. bench/common.sh
. tests/serve/lib.sh
need serve.sh gen_corpus rss loadgen

corpus "$cache/corpus-$n.jsonl" "$n" $seed
# Fresh articles from another seed: other texts. Their ids (a0000001 …)
# are the stored ones' too, so loadgen gives them a suffix per phase.
corpus "$cache/corpus-fresh-$fresh_n.jsonl" "$fresh_n" $fresh_seed

# The index, built once with `doppel add` (all relations, the defaults)
# and made again when the corpus or the library changed. Each run serves
# a copy, since the POSTs change it.
db=$cache/serve-index-$n.db
lib=$(git rev-parse HEAD:lib 2>/dev/null || cat lib/*.c | cksum | cut -d' ' -f1)
istamp="$(cat "$cache/corpus-$n.stamp") lib=$lib"
if [ ! -s "$db" ] || [ "$(cat "$db.stamp" 2>/dev/null)" != "$istamp" ]; then
	rm -f "$db" "$db-wal" "$db-shm" "$db.stamp"
	echo "building the index of $n articles (doppel add --threads 2, all relations) …"
	if ! "$build/bench/rss" "$build/doppel" add --quiet --json --threads 2 --db "$db" \
		"$cache/corpus-$n.jsonl" > /dev/null 2> "$cache/serve-add-$n.err"; then
		echo "serve.sh: doppel add failed:" >&2
		grep -v '^rss: ' "$cache/serve-add-$n.err" | tail -3 >&2
		exit 1
	fi
	echo "$istamp" > "$db.stamp"
fi
add_line=$(sed -n 's/^rss: \([0-9.]*\) s \([0-9.]*\) MB$/\1 s, peak RSS \2 MB/p' "$cache/serve-add-$n.err" | tail -1)
echo "index: $n articles, $(du -m "$db" | cut -f1) MB; built by doppel add in ${add_line:-(time not recorded)}"

work=$cache/serve-work.db
rm -f "$work" "$work-wal" "$work-shm"
cp "$db" "$work"
res=$cache/serve-result
: > "$res"
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -f "$work" "$work-wal" "$work-shm"; }
trap cleanup EXIT

# GET paths: every tenth stored id.
awk 'NR % 10 == 1 && match($0, /"id":"[^"]*"/) {
	print "/articles/" substr($0, RSTART + 6, RLENGTH - 7) "/relations" }' \
	"$cache/corpus-$n.jsonl" > "$cache/serve-paths.txt"

t0=$(date +%s.%N)
"$build/doppel" serve --db "$work" --listen 127.0.0.1:0 2> "$cache/serve.err" &
pid=$!
# Opening the index takes seconds: wait up to 10 minutes.
url=$(serve_url "$cache/serve.err" "$pid" 12000) ||
	{ echo "serve.sh: doppel serve did not start:" >&2; tail -3 "$cache/serve.err" >&2; exit 1; }
ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "doppel serve: listening after $ready s (opening the index, LSH tables rebuilt)"
echo "startup_s $ready" >> "$res"
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
echo "server RSS after start: $(rss_mb) MB"
echo "rss0_mb $(rss_mb)" >> "$res"
echo "rss0_kb $(awk -v m="$(rss_mb)" -v n="$n" 'BEGIN { printf "%.2f", m * 1000 / n }')" >> "$res"

fresh=$cache/corpus-fresh-$fresh_n.jsonl
lg() { "$build/bench/loadgen" --url "$url" --timeout 30 "$@"; }
# pick PREFIX FIELD JSON: the figures of loadgen's JSON line for FIELD
# (post, get) as "PREFIX_x value" lines of the result file
pick() {
	printf '%s\n' "$3" | sed -n "s/.*\"$2\":{\"requests\":\([0-9]*\),\"rps\":\([0-9.]*\),\"status\":{\([^}]*\)},\"errors\":\([0-9]*\),\"error_kinds\":{[^}]*},\"p50_ms\":\([0-9.]*\),\"p90_ms\":\([0-9.]*\),\"p99_ms\":\([0-9.]*\),\"max_ms\":\([0-9.]*\)}.*/$1_n \1\n$1_rps \2\n$1_status \3\n$1_err \4\n$1_p50 \5\n$1_p90 \6\n$1_p99 \7\n$1_max \8/p" >> "$res"
}
phase() { # TITLE … loadgen output on stdin
	echo
	echo "== $1"
}

phase "warm-up: 5 s of POSTs and GETs"
lg --post "$fresh" --id-suffix -w --post-connections 2 --get "$cache/serve-paths.txt" \
	--get-connections 2 --seconds 5 | sed '$d'

phase "(a) ingest: single-article POSTs of fresh articles, $conns connections, $secs s"
out=$(lg --post "$fresh" --id-suffix -a --connections "$conns" --seconds "$secs")
printf '%s\n' "$out" | sed '$d'
pick post post "$(printf '%s\n' "$out" | tail -1)"

phase "(b) GET /articles/{id}/relations of stored articles, $conns connections, $secs s"
out=$(lg --get "$cache/serve-paths.txt" --connections "$conns" --seconds "$secs")
printf '%s\n' "$out" | sed '$d'
pick get get "$(printf '%s\n' "$out" | tail -1)"

# The GETs of (b) with the POSTs of (a) beside them, each on as many
# connections as alone, so the GET figures compare with (b)'s.
phase "(c) both at once: $conns POST and $conns GET connections, $secs s"
out=$(lg --post "$fresh" --id-suffix -c --post-connections "$conns" \
	--get "$cache/serve-paths.txt" --get-connections "$conns" --seconds "$secs")
printf '%s\n' "$out" | sed '$d'
pick mixpost post "$(printf '%s\n' "$out" | tail -1)"
pick mixget get "$(printf '%s\n' "$out" | tail -1)"

echo
echo "server RSS after the run: $(rss_mb) MB"
echo "rss_mb $(rss_mb)" >> "$res"
t0=$(date +%s.%N)
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
stop=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "SIGTERM: exit status $status after $stop s"

# ----------------------------------------------------------------- summary
get() { sed -n "s/^$1 //p" "$res" | head -1; }
verdict() { # KEY OP LIMIT
	v=$(get "$1")
	[ -n "$v" ] || { echo "-"; return; }
	awk -v v="$v" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == "<=") ? v <= l : v >= l
		print ok ? "met" : "MISSED" }'
}
row() { # LABEL VALUE TARGET [KEY OP LIMIT]
	if [ $# -ge 6 ]; then
		printf '%-44s %14s  %-10s %s\n' "$1" "$2" "$3" "$(verdict "$4" "$5" "$6")"
	else
		printf '%-44s %14s  %s\n' "$1" "$2" "$3"
	fi
}
ratio() { awk -v a="$(get "$1")" -v b="$(get "$2")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "== summary: $n articles in the index, $(nproc) cores, $conns connections"
printf '%-44s %14s  %s\n' "figure" "value" "target"
row "(a) single-article POSTs/s" "$(get post_rps)" ">= 5000" post_rps ">=" 5000
row "    POST latency p50" "$(get post_p50) ms" ""
row "    POST latency p99" "$(get post_p99) ms" "<= 10 ms" post_p99 "<=" 10
row "    POST latency max (tables growing)" "$(get post_max) ms" "<= 50 ms" post_max "<=" 50
row "    POST statuses" "$(get post_status | tr -d '"')" "all 201"
row "    POST transport errors" "$(get post_err)" "0"
row "(b) GET relations/s" "$(get get_rps)" ""
row "    GET latency p50" "$(get get_p50) ms" ""
row "    GET latency p99" "$(get get_p99) ms" "<= 5 ms" get_p99 "<=" 5
row "    GET statuses" "$(get get_status | tr -d '"')" "all 200"
row "(c) POSTs/s beside GETs" "$(get mixpost_rps)" ""
row "    POST latency p99" "$(get mixpost_p99) ms" ""
row "    POST latency max" "$(get mixpost_max) ms" "<= 50 ms" mixpost_max "<=" 50
row "    GET relations/s beside POSTs" "$(get mixget_rps)" ""
row "    GET latency p50" "$(get mixget_p50) ms" ""
row "    GET latency p99" "$(get mixget_p99) ms" "<= 5 ms" mixget_p99 "<=" 5
row "    GET p99 under POST load / alone" "$(ratio mixget_p99 get_p99)" ""
row "    GET max under POST load" "$(get mixget_max) ms" ""
row "    statuses: POST, GET" "$(get mixpost_status | tr -d '"'), $(get mixget_status | tr -d '"')" ""
row "startup (open, LSH rebuilt)" "$(get startup_s) s" ""
row "server RSS after start" "$(get rss0_mb) MB" ""
row "    per stored article" "$(awk -v m="$(get rss0_mb)" -v n="$n" 'BEGIN { printf "%.1f", m * 1000 / n }') KB" "<= 2 KB" rss0_kb "<=" 2
row "server RSS after the run" "$(get rss_mb) MB" ""
