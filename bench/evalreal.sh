#!/bin/sh
# make eval-real: relation accuracy on real corpora (bench/README.md).
# Usage: bench/evalreal.sh BUILD_DIR
# The corpora are read from $DOPPEL_DATA (default ../shared/data, beside the
# checkout) and never copied into the repository: everything made from them
# stays in bench/.cache/evalreal/. Without them it says so and exits 0.
set -eu
build=${1:?usage: evalreal.sh BUILD_DIR}
data=${DOPPEL_DATA:-../shared/data}
labels=bench/labels/reuters-pairs.tsv
cache=bench/.cache/evalreal
doppel=$build/doppel
eval=$build/bench/evalreal

for f in reuters21578-dev.jsonl.zst ecbplus-dev.jsonl.zst pan13-train.tar.zst; do
	if [ ! -r "$data/$f" ]; then
		echo "eval-real: skipped: $data/$f not found; set DOPPEL_DATA to the" \
			"directory of the real corpora (bench/README.md)"
		exit 0
	fi
done

mkdir -p "$cache"
start=$(date +%s)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The PAN tarball, once.
if [ ! -f "$cache/pan13-train/pair_labels.jsonl" ] ||
	[ "$data/pan13-train.tar.zst" -nt "$cache/pan13-train/pair_labels.jsonl" ]; then
	echo "== extracting pan13-train.tar.zst into $cache"
	rm -rf "$cache/pan13-train"
	tar --zstd -xf "$data/pan13-train.tar.zst" -C "$cache"
	touch "$cache/pan13-train/pair_labels.jsonl"
fi

# The corpora, made again only when the data, the code that makes them
# (bench/evalreal.c, bench/spin.c and the WordNet reader it uses) change:
# spinning 600 copies is most of the time. Not on every library rebuild,
# which relinks both programs. Remove the directory to start afresh.
stamp=$cache/corpora.stamp
inputs=$({ cksum bench/evalreal.c bench/spin.c lib/text/wordnet.c
	ls -l "$data/reuters21578-dev.jsonl.zst" "$data/ecbplus-dev.jsonl.zst" \
		"$data/pan13-train.tar.zst"; } | cksum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$inputs" ]; then
	echo "== preparing the corpora (planted and spun copies)"
	t=$(now)
	rm -rf "$cache/spin"
	"$eval" prepare "$data" "$cache" "$build/bench/spin"
	echo "$inputs" > "$stamp"
	echo "   $(since "$t") s"
fi

# doppel NAME ARGS...: runs doppel with its output in $cache/NAME.jsonl and
# its stderr in $cache/NAME.err; status 3 (some records rejected) is
# reported, not fatal.
run() {
	name=$1
	shift
	t=$(now)
	set +e
	"$doppel" "$@" > "$cache/$name.jsonl" 2> "$cache/$name.err"
	rc=$?
	set -e
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		echo "eval-real: doppel $* failed with status $rc:" >&2
		tail -5 "$cache/$name.err" >&2
		exit 1
	fi
	[ $rc -eq 3 ] && echo "   (some records rejected: $cache/$name.err)"
	printf '   %-22s %6s s   doppel %s\n' "$name" "$(since "$t")" "$*"
}

# add NAME CORPUS: a fresh index, the articles fed in the corpus's order
# (date, then id), then its stories.
add() {
	rm -f "$cache/$1.db" "$cache/$1.db-wal" "$cache/$1.db-shm"
	run "$1" add --json --threads 2 --db "$cache/$1.db" "$2"
	run "$1-stories" stories --json --db "$cache/$1.db"
}

echo "== running doppel ($doppel)"
run scan-reuters scan --json --threads 2 "$cache/reuters.jsonl"
run stories-reuters stories --json --threads 2 "$cache/reuters.jsonl"
add add-reuters "$cache/reuters.jsonl"
run scan-planted scan --json --threads 2 "$cache/planted.jsonl"
run scan-planted-copies scan --json --threads 2 --relations duplicate,copy \
	"$cache/planted.jsonl"
rm -f "$cache/add-planted-copies.db" "$cache/add-planted-copies.db-wal" \
	"$cache/add-planted-copies.db-shm"
run add-planted-copies add --json --threads 2 --relations duplicate,copy \
	--db "$cache/add-planted-copies.db" "$cache/planted.jsonl"
run stories-planted stories --json --threads 2 "$cache/planted.jsonl"
add add-planted "$cache/planted.jsonl"
run scan-syndicated scan --json --threads 2 "$cache/syndicated.jsonl"
run scan-ecb scan --json --threads 2 "$cache/ecb.jsonl"
run stories-ecb stories --json --threads 2 "$cache/ecb.jsonl"
add add-ecb "$cache/ecb.jsonl"
run scan-pan scan --json --threads 2 "$cache/pan.jsonl"

sum=$cache/summary.tsv
: > "$sum"
score() { "$eval" --summary "$sum" "$@"; }

echo
echo "== 1. Reuters with planted copies"
score planted "$data" "$cache/planted.tsv" "$cache/scan-planted.jsonl"
echo
echo "== 1b. the same, looking for duplicates and copies alone (--relations duplicate,copy)"
"$eval" --summary "$sum" --copies-only planted "$data" "$cache/planted.tsv" \
	"$cache/scan-planted-copies.jsonl"
echo
echo "== 1c. a wire report's lead taken by many outlets"
score syndicated "$cache/syndicated.tsv" "$cache/scan-syndicated.jsonl"
echo
echo "== 2. hand-labelled Reuters pairs ($labels)"
score labels "$cache/reuters.jsonl" "$labels" "$cache/scan-reuters.jsonl"
echo
echo "== 3. ECB+ topics 1-35"
score ecb "$data/ecbplus-dev.jsonl.zst" "$cache/scan-ecb.jsonl"
echo
echo "== 4. PAN 2013 training corpus, document level"
score pan "$cache/pan13-train" "$cache/scan-pan.jsonl"
echo
echo "== 5. doppel scan against doppel add (fresh index, date then id order)"
for c in reuters planted ecb; do
	score agree "$c" "$cache/scan-$c.jsonl" "$cache/add-$c.jsonl" \
		"$cache/stories-$c.jsonl" "$cache/add-$c-stories.jsonl"
	echo
done
score agree planted-copies "$cache/scan-planted-copies.jsonl" \
	"$cache/add-planted-copies.jsonl"
echo
echo "== summary"
"$eval" summary "$sum"
echo "eval-real: $(($(date +%s) - start)) s; outputs in $cache/"
