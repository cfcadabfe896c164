#!/bin/sh
# make eval: relation accuracy on the hand-written labelled set, then
# rewrite recall on spun copies made by bench/spin at a 50% swap rate.
# Usage: bench/eval.sh BUILD_DIR
set -eu
build=${1:?usage: eval.sh BUILD_DIR}
data=tests/data/eval
extra=$(mktemp -d /tmp/doppel-eval-XXXXXX)
trap 'rm -rf "$extra"' EXIT

echo "== labelled set: $data"
"$build/bench/eval" "$data"

if [ -x "$build/bench/spin" ]; then
	echo
	echo "== with spun copies of every origin at a 50% swap rate (bench/spin)"
	seed=1
	for orig in "$data"/s*/orig.txt; do
		story=$(basename "$(dirname "$orig")")
		# Content farms drop the date line; so do these copies.
		"$build/bench/spin" --rate 0.5 --seed "$seed" < "$orig" 2>> "$extra/rates.txt" |
			grep -v '^date ' > "$extra/$story-spun50.txt"
		seed=$((seed + 1))
	done
	echo "spinner: $(wc -l < "$extra/rates.txt") copies; achieved swap rates:"
	sort "$extra/rates.txt" | sed 's/^/  /' | head -3
	echo "  …"
	"$build/bench/eval" "$data" "$extra"
	echo
	echo "== the same, added one at a time to an index in date order (doppel add, serve)"
	"$build/bench/eval" --index "$data" "$extra"
fi
