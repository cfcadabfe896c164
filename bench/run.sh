#!/bin/sh
# make bench: corpora of 10k and 100k articles with planted copies, then
# throughput, scan time, memory, index size and accuracy, in one run,
# ending with a table of the figures beside their targets.
# Usage: bench/run.sh BUILD_DIR
# BENCH_SIZES="1000" bench/run.sh build runs other sizes (development).
# What each figure means: bench/README.md.
set -eu
build=${1:?usage: run.sh BUILD_DIR}
sizes=${BENCH_SIZES:-10000 100000}
seed=42
. bench/common.sh
need run.sh gen_corpus tokpass evalpairs rss

# "rss: 1.23 s 45.6 MB", the last line the rss helper writes to stderr
secs() { sed -n 's/^rss: \([0-9.]*\) s .*/\1/p' "$1" | tail -1; }
mbytes() { sed -n 's/^rss: .* s \([0-9.]*\) MB$/\1/p' "$1" | tail -1; }
# runs BUILD/doppel ARGS under rss: stdout to $out, stderr to $err
timed() {
	status=0
	"$build/bench/rss" "$build/doppel" "$@" > "$out" 2> "$err" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "  (doppel $1 exited with status $status; last messages:)"
		grep -v '^rss: ' "$err" | tail -3 | sed 's/^/    /'
	fi
}

for n in $sizes; do
	corpus=$cache/corpus-$n.jsonl
	truth=$cache/truth-$n.tsv
	res=$cache/result-$n
	: > "$res"
	corpus "$corpus" "$n" $seed "$truth"
	mb=$(du -m "$corpus" | cut -f1)
	echo
	echo "== $n articles ($mb MB of JSON Lines, $(wc -l < "$truth") planted copies)"

	"$build/bench/tokpass" "$corpus" | tee "$cache/tokpass-$n.txt"
	awk '/^read\+tokenize:/ { print "tok_mbs", $2; print "tok_aps", $4 }
	     /^read\+tokenize\+sketch:/ { print "sk_mbs", $2; print "sk_aps", $4 }
	     /^sketch pass/ { for (i = 1; i < NF; i++) if ($i == "throughput:") print "ratio", $(i + 1) }' \
		"$cache/tokpass-$n.txt" >> "$res"

	out=$cache/scan-$n.jsonl err=$cache/scan-$n.err
	timed scan --json --threads 2 --relations duplicate,copy "$corpus"
	echo "doppel scan --relations duplicate,copy, 2 threads: $(secs "$err") s, peak RSS $(mbytes "$err") MB"
	echo "scan_s $(secs "$err")" >> "$res"
	echo "scan_mb $(mbytes "$err")" >> "$res"
	"$build/bench/evalpairs" "$truth" "$out" 0.5 | tee "$cache/eval-$n.txt" | grep -v '^evalpairs:' | sed 's/^/  /'
	sed -n 's/^evalpairs: \([0-9.]*\) \([0-9.]*\)$/recall \1\nprecision \2/p' "$cache/eval-$n.txt" >> "$res"

	out=$cache/scan-all-$n.jsonl err=$cache/scan-all-$n.err
	timed scan --json --threads 2 "$corpus"
	echo "doppel scan (all relations), 2 threads: $(secs "$err") s, peak RSS $(mbytes "$err") MB"
	echo "all_s $(secs "$err")" >> "$res"
	echo "all_mb $(mbytes "$err")" >> "$res"
	"$build/bench/evalpairs" "$truth" "$out" 0.5 > "$cache/eval-all-$n.txt"
	echo "  groups of the all-relations scan: $(sed -n 's/^recall/recall/p' "$cache/eval-all-$n.txt")"

	db=$cache/index-$n.db
	rm -f "$db" "$db-wal" "$db-shm"
	out=/dev/null err=$cache/add-$n.err
	timed add --quiet --json --threads 2 --db "$db" "$corpus"
	echo "doppel add, 2 threads: $(secs "$err") s, peak RSS $(mbytes "$err") MB"
	echo "add_s $(secs "$err")" >> "$res"
	echo "add_mb $(mbytes "$err")" >> "$res"
	if [ -s "$db-wal" ]; then
		echo "  (the database still has a write-ahead log after closing)"
	fi
	if command -v sqlite3 > /dev/null 2>&1 && [ -s "$db" ]; then
		# Stored text: the compressed texts and the titles, sources and
		# URLs (the article's own words); everything else is index.
		sqlite3 -separator ' ' "$db" "SELECT count(*),
			(SELECT page_count * page_size FROM pragma_page_count, pragma_page_size),
			(SELECT sum(length(text)) FROM texts)
			  + sum(coalesce(length(title), 0) + coalesce(length(source), 0)
			        + coalesce(length(url), 0))
			FROM articles;" > "$cache/index-$n.txt"
		read -r count total text < "$cache/index-$n.txt"
		beyond=$(awk -v t="$total" -v x="$text" -v c="$count" 'BEGIN { printf "%.0f", (t - x) / c }')
		echo "index: $count articles, $(awk -v t="$total" 'BEGIN { printf "%.1f", t / 1e6 }') MB" \
			"($(awk -v t="$total" -v c="$count" 'BEGIN { printf "%.0f", t / c }') bytes an article)," \
			"of which stored text $(awk -v x="$text" 'BEGIN { printf "%.1f", x / 1e6 }') MB;" \
			"$beyond bytes an article beyond the stored text"
		echo "index_b $beyond" >> "$res"
		echo "index_mb $(awk -v t="$total" 'BEGIN { printf "%.1f", t / 1e6 }')" >> "$res"
	elif [ -s "$db" ]; then
		echo "index: $(wc -c < "$db") bytes (sqlite3 not installed: no split into text and index)"
	fi
done

# ----------------------------------------------------------------- summary
get() { sed -n "s/^$2 //p" "$cache/result-$1" | head -1; }
last=
for n in $sizes; do last=$n; done
# verdict KEY OP LIMIT: on the largest corpus
verdict() {
	v=$(get "$last" "$1")
	[ -n "$v" ] || { echo "-"; return; }
	awk -v v="$v" -v op="$2" -v l="$3" 'BEGIN {
		ok = (op == "<") ? v < l : (op == "<=") ? v <= l : v >= l
		print ok ? "met" : "MISSED" }'
}
row() { # LABEL KEY SUFFIX TARGET [OP LIMIT]
	printf '%-42s' "$1"
	for n in $sizes; do
		v=$(get "$n" "$2")
		printf ' %12s' "${v:--}${v:+$3}"
	done
	if [ $# -ge 6 ]; then
		printf '  %-8s %s\n' "$4" "$(verdict "$2" "$5" "$6")"
	else
		printf '  %s\n' "$4"
	fi
}
echo
echo "== summary (verdicts on the $last-article corpus)"
printf '%-42s' "figure"
for n in $sizes; do printf ' %12s' "$n art."; done
printf '  %s\n' "target"
row "read+tokenize, one core" tok_mbs " MB/s" ""
row "  articles/s" tok_aps "" ""
row "read+tokenize+sketch, one core" sk_mbs " MB/s" ""
row "  articles/s" sk_aps "" ""
row "sketch pass / tokenize pass throughput" ratio "" ">= 0.50" ">=" 0.50
row "doppel scan dup+copy, 2 threads" scan_s " s" "< 10 s" "<" 10
row "  peak RSS" scan_mb " MB" ""
row "doppel scan all relations, 2 threads" all_s " s" ""
row "  peak RSS" all_mb " MB" ""
row "recall, planted copies overlap >= 0.5" recall "" ">= 0.99" ">=" 0.99
row "precision, pairs sharing a group" precision "" ">= 0.99" ">=" 0.99
row "doppel add, 2 threads" add_s " s" ""
row "  peak RSS" add_mb " MB" ""
row "index size" index_mb " MB" ""
row "index bytes/article beyond stored text" index_b "" "<= 400" "<=" 400
