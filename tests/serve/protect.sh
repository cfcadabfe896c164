#!/bin/sh
# Protected mode: `doppel serve` listening beyond loopback without a token
# is refused (status 2, a message saying how to go on, no database
# created) unless --no-auth says so on purpose, which brings a warning; a
# token file others may read brings a warning; loopback needs nothing.
#
# Usage: tests/serve/protect.sh PATH_TO_DOPPEL
set -u

[ $# -ge 1 ] || { echo "usage: tests/serve/protect.sh PATH_TO_DOPPEL" >&2; exit 2; }
DOPPEL=$1
case $DOPPEL in /*) ;; *) DOPPEL=$(pwd)/$DOPPEL ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
. tests/serve/lib.sh
command -v curl > /dev/null || { echo "protect.sh: curl is missing (make deps)" >&2; exit 2; }
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/doppel-protect-XXXXXX") || exit 2
pids=
cleanup() {
	for p in $pids; do kill -9 "$p" 2> /dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# refused WHAT LISTEN [OPTIONS...]: serve exits 2 at once, says how to go
# on, and creates no database.
refused() {
	what=$1
	listen=$2
	shift 2
	rm -f "$tmp/x.db"
	"$DOPPEL" serve --db "$tmp/x.db" --listen "$listen" "$@" > /dev/null 2> "$tmp/refused.err"
	st=$?
	if [ "$st" = 2 ]; then ok; else fail "$what: exit status $st, want 2"; fi
	if [ ! -e "$tmp/x.db" ]; then ok; else fail "$what: a database was created"; fi
}

# start NAME LISTEN [OPTIONS...]: sets PID and URL (on loopback, whatever
# address the server bound: a wildcard address takes loopback too).
start() {
	name=$1
	listen=$2
	shift 2
	"$DOPPEL" serve --db "$tmp/$name.db" --listen "$listen" --threads 2 "$@" 2> "$tmp/$name.err" &
	PID=$!
	pids="$pids $PID"
	URL=$(serve_url "$tmp/$name.err" "$PID")
	if [ -z "$URL" ]; then
		fail "$name: the server did not start: $(cat "$tmp/$name.err")"
		return 1
	fi
	port=${URL##*:}
	URL=http://127.0.0.1:$port
}

stop() {
	kill -TERM "$PID"
	wait "$PID"
	pids=$(echo "$pids" | sed "s/ $PID\$//; s/ $PID / /")
}

code() { curl -sS -o /dev/null -w '%{http_code}' "$@" 2> /dev/null; }

# --------------------------------------------------------- refusals
refused "0.0.0.0 without a token" 0.0.0.0:0
for w in 'refusing to listen on 0.0.0.0:0 without a token' '--token-file FILE' \
	'--no-auth' '--listen 127.0.0.1:PORT'; do
	if grep -qF -- "$w" "$tmp/refused.err"; then ok; else fail "the refusal does not say '$w': $(cat "$tmp/refused.err")"; fi
done
refused "[::] without a token" '[::]:0'
refused "a read-only server on 0.0.0.0 without a token" 0.0.0.0:0 --read-only
printf 'tok\n' > "$tmp/tok"
chmod 600 "$tmp/tok"
refused "--token-file with --no-auth" 0.0.0.0:0 --token-file "$tmp/tok" --no-auth
if grep -qF 'contradict' "$tmp/refused.err"; then ok; else fail "--token-file with --no-auth: $(cat "$tmp/refused.err")"; fi

# ------------------------------------------------ loopback: no question
for l in 127.0.0.1:0 localhost:0 127.0.0.2:0; do
	if start "loop-$(echo "$l" | tr -c 'a-z0-9\n' _)" "$l"; then
		if grep -q 'token\|auth' "$tmp/$name.err"; then fail "$l: a warning: $(cat "$tmp/$name.err")"; else ok; fi
		stop
	fi
done

# ------------------------------------------------------ --no-auth
if start noauth 0.0.0.0:0 --no-auth; then
	if grep -qF 'reachable beyond this machine and --no-auth turns authentication off' "$tmp/noauth.err"; then ok; else fail "--no-auth without a warning: $(cat "$tmp/noauth.err")"; fi
	c=$(code "$URL/healthz")
	if [ "$c" = 200 ]; then ok; else fail "--no-auth: /healthz answered $c"; fi
	stop
fi

# ------------------------------------------------- a token, beyond loopback
if start token 0.0.0.0:0 --token-file "$tmp/tok"; then
	if grep -q 'token file' "$tmp/token.err"; then fail "a private token file brought a warning: $(cat "$tmp/token.err")"; else ok; fi
	c=$(code "$URL/healthz")
	if [ "$c" = 401 ]; then ok; else fail "no token: $c, want 401"; fi
	c=$(code -H 'Authorization: Bearer tok' "$URL/healthz")
	if [ "$c" = 200 ]; then ok; else fail "the token: $c, want 200"; fi
	c=$(code -H 'Authorization: Bearer to' "$URL/healthz")
	if [ "$c" = 401 ]; then ok; else fail "a prefix of the token: $c, want 401"; fi
	c=$(code -H 'Authorization: Bearer ' "$URL/healthz")
	if [ "$c" = 401 ]; then ok; else fail "an empty token: $c, want 401"; fi
	stop
fi

# --------------------------------------- a token file others may read
printf 'tok\n' > "$tmp/open-tok"
chmod 644 "$tmp/open-tok"
if start opentok 127.0.0.1:0 --token-file "$tmp/open-tok"; then
	if grep -qF "the token file $tmp/open-tok may be read or changed by its group or others (mode 0644); chmod 600 $tmp/open-tok" "$tmp/opentok.err"; then ok; else fail "no warning for a token file of mode 644: $(cat "$tmp/opentok.err")"; fi
	stop
fi
chmod 640 "$tmp/open-tok"
if start grouptok 127.0.0.1:0 --token-file "$tmp/open-tok"; then
	if grep -qF '(mode 0640)' "$tmp/grouptok.err"; then ok; else fail "no warning for a token file of mode 640: $(cat "$tmp/grouptok.err")"; fi
	stop
fi

echo "protect: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
