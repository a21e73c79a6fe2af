#!/usr/bin/env bash
# bench/compare.sh — zonedesk against the ticket trackers a zone would otherwise
# install, side by side in one run: django-helpdesk (PyPI, gunicorn 2 workers, SQLite
# WAL) and Redmine (Debian's package, puma 2 workers x 5 threads, SQLite), set up as
# bench/peer/ does (see bench/peer/README.md). One system runs at a time.
#
#   bench/compare.sh --data DIR [--tickets N] [--runs 3] [--duration 10]
#                    [--peers helpdesk,redmine] [--label NAME]
#
# Each peer is preloaded with as many tickets as DIR's database holds work orders
# (or --tickets N), then the same three workloads run with the same wrk settings
# (2 threads, 16 connections, --duration s, --runs times): (a) create, (b) read one,
# (c) a filtered list page; then bench/load.sh runs them against zonedesk on DIR.
# Table: bench/results/YYYY-MM-DD-LABEL.md with req/s, p99 and the ratios.
# Setting a peer up needs root (apt-get, runuser) and the package registries.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ZD_DATA= TICKETS= RUNS=3 DUR=10 PEERS_LIST=helpdesk,redmine LABEL=compare
while [ $# -gt 0 ]; do
  case $1 in
    --data) ZD_DATA=$2; shift 2 ;;
    --tickets) TICKETS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --peers) PEERS_LIST=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[ -f "$ZD_DATA/zonedesk.db" ] || die "give --data DIR (a folder with zonedesk.db, e.g. from zonedesk gen --scale city)"
need_apt wrk curl procps sqlite3 bc
[ -n "$TICKETS" ] || TICKETS=$(sqlite3 "file:$ZD_DATA/zonedesk.db?mode=ro" "SELECT COUNT(*) FROM work_orders")
STAMP=$(date +%Y-%m-%d)
say "comparing at $TICKETS tickets / orders, $RUNS runs of ${DUR}s, 16 connections"
DIRS=()

# peer_meta DIR KEY VALUE...
peer_meta() { local d=$1; shift; while [ $# -gt 1 ]; do printf '%s\t%s\n' "$1" "$2" >> "$d/meta.tsv"; shift 2; done; }

# Each peer in a subshell of its own: bench/peer/lib.sh's names (DATA, wait_http…) stay there.
bench_helpdesk() (
  local out=$1
  source "$BENCH/peer/lib.sh"
  if ! bash "$BENCH/peer/setup.sh" helpdesk > "$out/setup.log" 2>&1; then
    peer_meta "$out" failed "setup.sh helpdesk failed: $(tail -3 "$out/setup.log" | tr '\n' ' ')"
    hd_stop; return 0
  fi
  peer_meta "$out" version "django-helpdesk $("$VENV/bin/pip" show django-helpdesk 2>/dev/null | awk '/^Version/{print $2}'), Django $("$VENV/bin/pip" show Django | awk '/^Version/{print $2}'), $("$VENV/bin/python" -V); gunicorn 2 sync workers" \
    database "SQLite $(sqlite3 --version | cut -d' ' -f1), WAL, synchronous=NORMAL"
  say "helpdesk: preloading $TICKETS tickets"
  hd_stop
  "$VENV/bin/python" "$BENCH/peer/tools/hd_preload.py" "$TICKETS" >> "$out/setup.log" 2>&1 || { peer_meta "$out" failed "preload failed: $(tail -2 "$out/setup.log" | tr '\n' ' ')"; return 0; }
  hd_start; hd_login
  local mid=$((TICKETS / 2)) q list h
  q=$(printf '{"filtering":{"queue__id__in":[1],"status__in":[1]},"filtering_null":{},"sorting":"created","sortreverse":false,"search_string":""}' | base64 -w0)
  list="/datatables_ticket_list/$q?draw=1&start=0&length=25"
  h="Cookie: sessionid=$HD_SID; csrftoken=$HD_CSRF"
  curl -sf -o /dev/null -H "$h" "$HD_URL/tickets/$mid/"; curl -sf -o /dev/null -H "$h" "$HD_URL$list"
  peer_meta "$out" tickets "$TICKETS" load_before "$(loadavg)" \
    create_request "POST /api/tickets/ (JSON, session cookie + CSRF)" read_request "GET /tickets/$mid/ (staff HTML page)" \
    list_request "GET /datatables_ticket_list/… open tickets of queue 1, first 25, oldest first (the list page's JSON)" \
    note "read is the ticket's HTML page: the REST GET /api/tickets/<id>/ takes about 43 s at 100k tickets (it walks every ticket; see bench/peer/README.md)."
  for r in $(seq 1 "$RUNS"); do
    run_wrk "read_r$r" "$out" 16 "$DUR" "$HD_URL/tickets/$mid/" -H "$h"
    run_wrk "list_r$r" "$out" 16 "$DUR" "$HD_URL$list" -H "$h"
  done
  for r in $(seq 1 "$RUNS"); do
    run_wrk "create_r$r" "$out" 16 "$DUR" "$HD_URL/api/tickets/" -s "$BENCH/peer/tools/hd_create.lua"
  done
  peer_meta "$out" rss "$(rss_of "$(cat "$DATA/gunicorn.pid")")"
  hd_stop
)

bench_redmine() (
  local out=$1
  source "$BENCH/peer/lib.sh"
  if ! bash "$BENCH/peer/setup.sh" redmine > "$out/setup.log" 2>&1; then
    peer_meta "$out" failed "setup.sh redmine failed: $(tail -3 "$out/setup.log" | tr '\n' ' ')"
    rm_stop; return 0
  fi
  peer_meta "$out" version "Redmine $(dpkg-query -W -f '${Version}' redmine), $(ruby -v | cut -d' ' -f1-2), puma $(dpkg-query -W -f '${Version}' puma) 2 workers x 5 threads" \
    database "SQLite $(sqlite3 --version | cut -d' ' -f1), WAL, synchronous FULL (default)"
  say "redmine: preloading $TICKETS issues"
  rm_stop
  bash "$BENCH/peer/tools/rm_preload.sh" "$TICKETS" >> "$out/setup.log" 2>&1 || { peer_meta "$out" failed "preload failed: $(tail -2 "$out/setup.log" | tr '\n' ' ')"; return 0; }
  rm_start
  RM_KEY=$(cat "$DATA/redmine-api-key"); export RM_KEY
  local mid=$((TICKETS / 2)) h="X-Redmine-API-Key: $RM_KEY" list="/issues.json?project_id=1&status_id=open&limit=25&sort=created_on"
  curl -sf -o /dev/null -H "$h" "$RM_URL/issues/$mid.json"; curl -sf -o /dev/null -H "$h" "$RM_URL$list"
  peer_meta "$out" tickets "$TICKETS" load_before "$(loadavg)" \
    create_request "POST /issues.json (API key)" read_request "GET /issues/$mid.json" \
    list_request "GET $list" \
    note "concurrent creates partly fail with HTTP 500 SQLite3::BusyException (Rails opens deferred transactions; see bench/peer/README.md)."
  for r in $(seq 1 "$RUNS"); do
    run_wrk "read_r$r" "$out" 16 "$DUR" "$RM_URL/issues/$mid.json" -H "$h"
    run_wrk "list_r$r" "$out" 16 "$DUR" "$RM_URL$list" -H "$h"
  done
  for r in $(seq 1 "$RUNS"); do
    run_wrk "create_r$r" "$out" 16 "$DUR" "$RM_URL/issues.json" -s "$BENCH/peer/tools/rm_create.lua"
  done
  peer_meta "$out" rss "$(rss_of "$(cat "$DATA/redmine-puma.pid")")"
  rm_stop
)

IFS=, read -ra PEERS_ARR <<< "$PEERS_LIST"
for peer in "${PEERS_ARR[@]}"; do
  out="$BENCH/results/raw/$STAMP-$LABEL-$peer"
  rm -rf "$out"; mkdir -p "$out/wrk"
  machine_facts "$out/meta.tsv"
  peer_meta "$out" peer "$peer" runs "$RUNS" duration "$DUR" tickets "$TICKETS"
  printf 'name\treq_per_s\tp50_ms\tp99_ms\trequests\tnon2xx\tsocket_errors\tok_per_s\n' > "$out/summary.tsv"
  say "peer $peer"
  case $peer in
    helpdesk) bench_helpdesk "$out" ;;
    redmine) bench_redmine "$out" ;;
    *) die "unknown peer $peer (helpdesk, redmine)" ;;
  esac
  DIRS+=("$out")
done

say "zonedesk"
"$BENCH/load.sh" --data "$ZD_DATA" --runs "$RUNS" --duration "$DUR" --workloads read,list,create --no-import --summary-only --label "$LABEL-zonedesk"
zd="$BENCH/results/raw/$STAMP-$LABEL-zonedesk"
list_q=$(awk -F'\t' '$1 == "list_query" {print $2}' "$zd/meta.tsv")
peer_meta "$zd" peer zonedesk tickets "$(awk -F'\t' '$1 == "orders" {print $2}' "$zd/meta.tsv")" \
  version "zonedesk, one process (axum + sqlx): $(awk -F'\t' '$1 == "binary" {print $2}' "$zd/meta.tsv")" \
  create_request "POST /api/v1/work-orders (bearer token)" read_request "GET /api/v1/work-orders/{id}, ids spread over the data set" \
  list_request "GET /api/v1/work-orders?${list_q%% (*}" \
  note "reads spread over every order of the data set, where each peer reads one ticket again and again; the list is page 2 of 25, where the peers show page 1."
DIRS+=("$zd")
RESULT="$BENCH/results/$STAMP-$LABEL.md"
python3 "$BENCH/tools/results.py" compare "${DIRS[@]}" > "$RESULT"
say "wrote $RESULT"
cat "$RESULT"
