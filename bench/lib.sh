# Helpers of bench/load.sh, bench/scaling.sh and bench/compare.sh (sourced, not run).
# Everything listens on 127.0.0.1 only; every wait is bounded.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
PARSE_WRK="$BENCH/peer/tools/parse_wrk.py"
export PYTHONDONTWRITEBYTECODE=1

say() { echo "[$(date +%T)] $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# need_apt PKG... — install Debian packages that are missing (wrk, sqlite3, …).
need_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port — a TCP port nobody listens on right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_http URL [SECONDS] — until URL answers 200 (default 120 s).
wait_http() {
  local url=$1 limit=${2:-120} i
  for ((i = 0; i < limit * 4; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" = 200 ] && return 0
    sleep 0.25
  done
  return 1
}

# machine_facts FILE — appends machine/commit facts as "key<TAB>value" lines.
machine_facts() {
  local f=$1 rev
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && rev="$rev dirty"
  {
    printf 'nproc\t%s\n' "$(nproc)"
    printf 'cpu\t%s\n' "$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
    printf 'ram\t%s\n' "$(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    printf 'kernel\t%s\n' "$(uname -r)"
    printf 'commit\t%s\n' "$rev"
    printf 'wrk\t%s\n' "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
    printf 'date\t%s\n' "$(date '+%Y-%m-%d %H:%M:%S %Z')"
    if [ -n "${BIN:-}" ] && [ -x "$BIN" ]; then printf 'binary\t%s (file dated %s)\n' "$BIN" "$(date -r "$BIN" '+%Y-%m-%d %H:%M %Z')"; fi
  } >> "$f"
}

# loadavg — the 1/5/15-minute load averages.
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# rss_sampler_start PID FILE — every 0.5 s appends "epoch VmRSS_kB VmHWM_kB" of PID to FILE.
rss_sampler_start() {
  local pid=$1 file=$2
  (
    while [ -r "/proc/$pid/status" ]; do
      awk -v t="$(date +%s.%N)" '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{if (r != "") print t, r, h}' "/proc/$pid/status" >> "$file" 2>/dev/null
      sleep 0.5
    done
  ) &
  RSS_SAMPLER=$!
}
rss_sampler_stop() {
  [ -n "${RSS_SAMPLER:-}" ] || return 0
  kill "$RSS_SAMPLER" 2>/dev/null || true
  wait "$RSS_SAMPLER" 2>/dev/null || true
  RSS_SAMPLER=
}

# run_wrk NAME OUTDIR CONNS DURATION URL [wrk args...] — one wrk run; its parsed line goes to OUTDIR/summary.tsv.
run_wrk() {
  local name=$1 out=$2 conns=$3 dur=$4 url=$5; shift 5
  local threads=$((conns < 2 ? 1 : 2))
  echo "$name $(loadavg)" >> "$out/loadavg.txt"
  wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 10s --latency "$@" "$url" > "$out/wrk/$name.txt" 2>&1 || true
  python3 "$PARSE_WRK" "$out/wrk/$name.txt" >> "$out/summary.tsv"
  tail -1 "$out/summary.tsv" >&2
  sleep 1
}

# zd_stop PID — ends a zonedesk server this script started (TERM, then wait up to 30 s).
zd_stop() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 120; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
}

# zd_token BASE USER PASSWORD — a bearer token, or nothing.
zd_token() {
  curl -s --max-time 30 -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" "$1/api/v1/auth/token" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["token"])
except Exception: pass'
}

# zd_session BASE USER PASSWORD — the page session cookie value, logged in through the form with its CSRF token.
zd_session() {
  local base=$1 jar csrf
  jar=$(mktemp)
  csrf=$(curl -s --max-time 30 -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s --max-time 30 -c "$jar" -b "$jar" -o /dev/null \
    --data-urlencode "_csrf=$csrf" --data-urlencode "username=$2" --data-urlencode "password=$3" --data-urlencode "next=/dashboard" "$base/login"
  awk '$6 == "zd_session" {print $7}' "$jar"
  rm -f "$jar"
}

# json_get URL HEADER EXPR — evaluates a Python expression over the JSON answer `j`.
json_get() {
  curl -s --max-time 120 -H "$2" "$1" | python3 -c "import json,sys
j=json.load(sys.stdin)
print($3)"
}
