#!/bin/sh
# Installs the Debian packages doppel builds, tests and benchmarks with.
# Run as root on Debian 12 (bookworm). Safe to run again: apt-get skips what is present.
set -eu

packages="
  build-essential g++ pkg-config make
  libsimdjson-dev libutf8proc-dev libxxhash-dev libstemmer-dev libsqlite3-dev libjansson-dev
  libmicrohttpd-dev libzstd-dev zstd libcmocka-dev
  wordnet-base
  clang libclang-rt-14-dev clang-format
  sqlite3 curl
"

missing=""
for p in $packages; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run this script as root (sudo $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
echo "install-deps: installed$missing"
