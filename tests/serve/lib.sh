# Sourced by the scripts that start `doppel serve` (tests/serve/run.sh,
# tests/serve_durability.sh, tests/serve_abuse.sh, bench/serve.sh).

# serve_url ERRFILE PID [TRIES]: waits until the server PID writes its
# "listening on" line to ERRFILE and prints the URL it gives; prints
# nothing if the server exits first or TRIES checks (0.05 s apart,
# default 600) pass without it.
serve_url() {
	_tries=${3:-600}
	_i=0
	while [ "$_i" -lt "$_tries" ]; do
		_url=$(sed -n 's|^doppel: listening on \(http://[^ ]*\).*|\1|p' "$1" 2> /dev/null | head -1)
		if [ -n "$_url" ]; then
			echo "$_url"
			return 0
		fi
		kill -0 "$2" 2> /dev/null || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# serve_scratch NAME: a scratch directory $tmp (doppel-NAME-…), removed on
# exit together with the server whose process id is in $pid (killed).
serve_scratch() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/doppel-$1-XXXXXX") || exit 1
	pid=
	trap serve_cleanup EXIT
	trap 'exit 1' INT TERM
}

serve_cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2> /dev/null
	rm -rf "$tmp"
}
