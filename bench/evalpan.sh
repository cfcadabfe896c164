#!/bin/sh
# make eval-passages: the passage finder on PAN 2013 text alignment.
# Usage: bench/evalpan.sh BUILD_DIR [PAN_TAR]
# Extracts the training corpus into bench/.cache/ (git-ignored; again when
# the archive is newer than the extraction) and runs build/bench/evalpan on
# it. Skips, saying why, when the archive is absent.
set -eu
build=${1:?usage: evalpan.sh BUILD_DIR [PAN_TAR]}
tar=${2:-../shared/data/pan13-train.tar.zst}
cache=bench/.cache
dir=$cache/pan13-train
if [ ! -f "$tar" ]; then
	echo "eval-passages: $tar not found; skipped (the PAN 2013 training corpus lives outside the repository)"
	exit 0
fi
if [ ! -f "$dir/.extracted" ] || [ "$tar" -nt "$dir/.extracted" ]; then
	echo "eval-passages: extracting $tar into $cache/"
	rm -rf "$dir"
	mkdir -p "$cache"
	tar --zstd -xf "$tar" -C "$cache"
	touch "$dir/.extracted"
fi
"$build/bench/evalpan" --keys --speed "$dir"
