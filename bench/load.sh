#!/usr/bin/env bash
# bench/load.sh — HTTP load on a running `zonedesk serve`, the .xlsx import of
# 100,000 enterprises, and the server's memory; writes a dated results table.
#
#   bench/load.sh --data DIR | --database-url URL
#                 [--runs 3] [--duration 10] [--label NAME]
#                 [--workloads create,read,list,dashboard,briefing,open311]
#                 [--password PW] [--leader NAME] [--import-rows 100000 | --no-import]
#                 [--in-place] [--no-build] [--summary-only]
#
# --data DIR is a folder holding zonedesk.db (what `zonedesk gen --data DIR` and
# `zonedesk demo --data DIR` write). The database is copied to a scratch folder
# first, so that the orders the create workload files do not grow the data set
# (--in-place skips the copy; a PostgreSQL database is always used in place).
# Each workload is wrk with 2 threads and 16 connections for --duration seconds,
# repeated --runs times; the table shows the median of the runs. The dashboard and
# the briefing are also run with 1 connection (their time for one reader).
# Results: bench/results/YYYY-MM-DD-LABEL.md, raw output in bench/results/raw/.
# ZONEDESK_BENCH_BIN=PATH measures that binary instead of building one.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

DATA= URL= RUNS=3 DUR=10 LABEL= PASSWORD= LEADER=leader IMPORT_ROWS=100000 IN_PLACE=0 BUILD=1 SUMMARY_ONLY=0
WORKLOADS=create,read,list,dashboard,briefing,open311
while [ $# -gt 0 ]; do
  case $1 in
    --data) DATA=$2; shift 2 ;;
    --database-url) URL=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    --password) PASSWORD=$2; shift 2 ;;
    --leader) LEADER=$2; shift 2 ;;
    --import-rows) IMPORT_ROWS=$2; shift 2 ;;
    --no-import) IMPORT_ROWS=0; shift ;;
    --in-place) IN_PLACE=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --summary-only) SUMMARY_ONLY=1; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[ -n "$DATA$URL" ] || die "give --data DIR or --database-url URL"
has() { [[ ",$WORKLOADS," == *",$1,"* ]]; }

need_apt wrk curl procps time
command -v python3 >/dev/null || die "python3 is needed to parse wrk's output"
# ZONEDESK_BENCH_BIN: a binary to measure instead of building target/release/zonedesk
BIN=${ZONEDESK_BENCH_BIN:-$ROOT/target/release/zonedesk}
[ -n "${ZONEDESK_BENCH_BIN:-}" ] && BUILD=0
if [ "$BUILD" = 1 ]; then
  say "building target/release/zonedesk"
  (cd "$ROOT" && cargo build --release --bin zonedesk >&2)
fi
[ -x "$BIN" ] || die "$BIN is missing (build it, or drop --no-build)"

STAMP=$(date +%Y-%m-%d)
SCRATCH=$(mktemp -d /tmp/zonedesk-bench.XXXXXX)
SERVER_PID=
cleanup() {
  rss_sampler_stop
  [ -n "$SERVER_PID" ] && zd_stop "$SERVER_PID"
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# ---- the database ----------------------------------------------------------------
if [ -n "$DATA" ]; then
  [ -f "$DATA/zonedesk.db" ] || die "$DATA/zonedesk.db not found"
  if [ "$IN_PLACE" = 1 ]; then
    DBFILE="$DATA/zonedesk.db"
  else
    say "copying $DATA/zonedesk.db ($(du -h "$DATA/zonedesk.db" | cut -f1)) to a scratch folder"
    # the database with its WAL and its key file (zonedesk.db.key)
    for f in "$DATA"/zonedesk.db*; do cp -p "$f" "$SCRATCH/"; done
    DBFILE="$SCRATCH/zonedesk.db"
  fi
  URL="sqlite://$DBFILE"
  DB_KIND=SQLite
  DB_DESC="SQLite, $(basename "$(cd "$DATA" && pwd)")/zonedesk.db ($(du -h "$DATA/zonedesk.db" | cut -f1))$([ "$IN_PLACE" = 1 ] && echo ', in place' || echo ', a copy')"
else
  case $URL in
    postgres*) DB_KIND=PostgreSQL ;;
    sqlite*) DB_KIND=SQLite ;;
    *) die "--database-url must be sqlite://… or postgres://…" ;;
  esac
  DB_DESC="$DB_KIND, $(echo "$URL" | sed -E 's#//[^@/]*@#//…@#'), in place"
fi
[ -n "$LABEL" ] || LABEL=$(echo "$DB_KIND" | tr 'A-Z' 'a-z')-$(basename "${DATA:-db}")
OUT="$BENCH/results/raw/$STAMP-$LABEL"
rm -rf "$OUT"; mkdir -p "$OUT/wrk"
META="$OUT/meta.tsv"
machine_facts "$META"
printf 'label\t%s\nruns\t%s\nduration\t%s\ndatabase\t%s\ndb_kind\t%s\nload_before\t%s\n' "$LABEL" "$RUNS" "$DUR" "$DB_DESC" "$DB_KIND" "$(loadavg)" >> "$META"
printf 'name\treq_per_s\tp50_ms\tp99_ms\trequests\tnon2xx\tsocket_errors\tok_per_s\n' > "$OUT/summary.tsv"

# ---- the server --------------------------------------------------------------------
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
say "starting zonedesk serve on $BASE ($DB_DESC)"
RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --database-url "$URL" --addr "127.0.0.1:$PORT" > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
wait_http "$BASE/healthz" 600 || { tail -20 "$OUT/server.log" >&2; die "the server did not answer /healthz"; }
rss_sampler_start "$SERVER_PID" "$OUT/rss.txt"

# the generator's users have password `bench`, the demo's `demo`
for pw in ${PASSWORD:-bench demo}; do
  TOKEN=$(zd_token "$BASE" "$LEADER" "$pw")
  [ -n "$TOKEN" ] && { PASSWORD=$pw; break; }
done
[ -n "${TOKEN:-}" ] || die "cannot log in as $LEADER (tried password ${PASSWORD:-bench, demo}; use --leader/--password)"
AUTH="Authorization: Bearer $TOKEN"

# ---- what the data set holds ------------------------------------------------------
ORDERS=$(json_get "$BASE/api/v1/work-orders?per_page=1" "$AUTH" 'j["total"]')
[ "$ORDERS" -gt 0 ] || die "the data set has no work orders"
ID_HI=$(json_get "$BASE/api/v1/work-orders?per_page=1" "$AUTH" 'j["items"][0]["id"]')
ID_LO=$(json_get "$BASE/api/v1/work-orders?per_page=1&page=$ORDERS" "$AUTH" 'j["items"][0]["id"]')
NEWEST_DAY=$(json_get "$BASE/api/v1/work-orders?per_page=1" "$AUTH" 'j["items"][0]["created_at"][:10]')
ENTERPRISES=$(json_get "$BASE/api/v1/enterprises?per_page=1" "$AUTH" 'j["total"]')
ENT_HI=$(json_get "$BASE/api/v1/enterprises?per_page=1&sort=-created_at" "$AUTH" 'j["items"][0]["id"]')
ENT_LO=$(json_get "$BASE/api/v1/enterprises?per_page=1&sort=-created_at&page=$ENTERPRISES" "$AUTH" 'j["items"][0]["id"]')
CATEGORIES=$(json_get "$BASE/api/v1/work-order-categories" "$AUTH" '",".join(c["code"] for c in (j["items"] if isinstance(j, dict) else j))')
# A township's orders in one state: the first state (assigned, in progress, closed)
# in which one of the first 20 townships has more than 50, that township, so that
# page 2 is a full page of a real filter.
TOWNSHIP=$(json_get "$BASE/api/v1/townships" "$AUTH" '" ".join(str(t["id"]) for t in (j["items"] if isinstance(j, dict) else j)[:20])')
LIST_Q= LIST_TOTAL=0
for state in assigned in_progress closed; do
  for t in $TOWNSHIP; do
    n=$(json_get "$BASE/api/v1/work-orders?state=$state&township_id=$t&per_page=1" "$AUTH" 'j["total"]')
    if [ "$n" -gt "$LIST_TOTAL" ]; then LIST_TOTAL=$n; LIST_Q="state=$state&township_id=$t"; fi
  done
  if [ "$LIST_TOTAL" -gt 50 ]; then break; fi
done
[ -n "$LIST_Q" ] || LIST_Q="state=assigned"
# page 2 when there is one (a small data set may have fewer than 26 matches)
if [ "$LIST_TOTAL" -gt 25 ]; then LIST_Q="$LIST_Q&page=2&per_page=25"; else LIST_Q="$LIST_Q&page=1&per_page=25"; fi
printf 'orders\t%s\nenterprises\t%s\norder_ids\t%s..%s\nnewest_day\t%s\nlist_query\t%s (%s match)\n' "$ORDERS" "$ENTERPRISES" "$ID_LO" "$ID_HI" "$NEWEST_DAY" "$LIST_Q" "$LIST_TOTAL" >> "$META"
say "data set: $ORDERS orders (ids $ID_LO..$ID_HI), $ENTERPRISES enterprises, newest order on $NEWEST_DAY"

# Open311: the public list as a client asks for it (the last 90 days); a data set
# older than that is asked for its own last 90 days instead; if the public sees
# nothing there, the leader's view (api_key) is asked for.
START=$(python3 -c "import datetime as d; print((d.date.fromisoformat('$NEWEST_DAY') - d.timedelta(days=89)).isoformat())")
O311_N=0
for q in "" "?start_date=${START}T00:00:00Z&end_date=${NEWEST_DAY}T23:59:59Z" "?start_date=${START}T00:00:00Z&end_date=${NEWEST_DAY}T23:59:59Z&api_key=$TOKEN"; do
  O311="/open311/v2/requests.json$q"
  O311_N=$(json_get "$BASE$O311" "Accept: application/json" 'len(j)')
  if [ "$O311_N" -gt 0 ]; then break; fi
done
printf 'open311_query\t%s (%s requests)\nbriefing_date\t%s\n' "${O311/$TOKEN/TOKEN}" "$O311_N" "$NEWEST_DAY" >> "$META"

SESSION=
if has dashboard || has briefing; then
  SESSION=$(zd_session "$BASE" "$LEADER" "$PASSWORD")
  [ -n "$SESSION" ] || die "the log-in form did not give $LEADER a session"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: zd_session=$SESSION" "$BASE/dashboard")" = 200 ] || die "GET /dashboard with the session cookie is not 200"
fi
COOKIE="Cookie: zd_session=$SESSION"

# ---- the workloads (reads first, so that they see the data set as generated) -------
export ZD_TOKEN=$TOKEN ZD_ID_LO=$ID_LO ZD_ID_HI=$ID_HI ZD_ENT_LO=$ENT_LO ZD_ENT_HI=$ENT_HI ZD_CATEGORIES=$CATEGORIES
for r in $(seq 1 "$RUNS"); do
  say "run $r of $RUNS"
  has read && run_wrk "read_r$r" "$OUT" 16 "$DUR" "$BASE" -s "$BENCH/lua/read.lua"
  has list && run_wrk "list_r$r" "$OUT" 16 "$DUR" "$BASE/api/v1/work-orders?$LIST_Q" -H "$AUTH"
  has dashboard && run_wrk "dashboard_r$r" "$OUT" 16 "$DUR" "$BASE/dashboard" -H "$COOKIE"
  has briefing && run_wrk "briefing_r$r" "$OUT" 16 "$DUR" "$BASE/briefing?date=$NEWEST_DAY" -H "$COOKIE"
  has open311 && run_wrk "open311_r$r" "$OUT" 16 "$DUR" "$BASE$O311"
  has dashboard && run_wrk "dashboard_c1_r$r" "$OUT" 1 "$DUR" "$BASE/dashboard" -H "$COOKIE"
  has briefing && run_wrk "briefing_c1_r$r" "$OUT" 1 "$DUR" "$BASE/briefing?date=$NEWEST_DAY" -H "$COOKIE"
done
if has create; then
  for r in $(seq 1 "$RUNS"); do
    ZD_NONCE="$(date +%H%M%S)r$r" run_wrk "create_r$r" "$OUT" 16 "$DUR" "$BASE" -s "$BENCH/lua/create.lua"
  done
  AFTER=$(json_get "$BASE/api/v1/work-orders?per_page=1" "$AUTH" 'j["total"]')
  printf 'orders_after_create\t%s\n' "$AFTER" >> "$META"
fi
rss_sampler_stop
# wrk prints the URL, and Open311's may carry the token
for f in "$OUT"/wrk/*.txt; do [ -f "$f" ] && sed -i "s/$TOKEN/TOKEN/g" "$f"; done
printf 'load_after\t%s\n' "$(loadavg)" >> "$META"
zd_stop "$SERVER_PID"; SERVER_PID=

# ---- the import of IMPORT_ROWS enterprises into a fresh database ------------------
if [ "$IMPORT_ROWS" -gt 0 ]; then
  TOWNSHIPS="城关镇,产业集聚区,东城办,西城办,南湖乡,北山乡,青龙镇,白马镇,柳河乡,新华办"
  XLSX="/tmp/zonedesk-bench-enterprises-$IMPORT_ROWS.xlsx"
  if [ ! -s "$XLSX" ]; then
    say "writing $XLSX"
    EX="$ROOT/target/release/examples/enterprises_xlsx"
    if [ "$BUILD" = 1 ] || [ ! -x "$EX" ]; then (cd "$ROOT" && cargo build -q --release --example enterprises_xlsx >&2); fi
    "$EX" "$XLSX.part" --rows "$IMPORT_ROWS" --townships "$TOWNSHIPS" >&2
    mv "$XLSX.part" "$XLSX"
  fi
  if [ "$DB_KIND" = PostgreSQL ]; then
    IMPORT_DB="zonedesk_bench_import_$$"
    ADMIN_URL=$URL
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $IMPORT_DB" -c "CREATE DATABASE $IMPORT_DB" >/dev/null
    IMPORT_URL=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/$IMPORT_DB')))" "$URL")
    # PostgreSQL keeps no key file: a fresh database may take a fresh key
    [ -n "${ZONEDESK_PII_KEY:-}" ] || { ZONEDESK_PII_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'); export ZONEDESK_PII_KEY; }
  else
    IMPORT_URL="sqlite://$SCRATCH/import.db"
  fi
  say "importing $IMPORT_ROWS enterprises into a fresh database"
  ZONEDESK_USER_PASSWORD=bench-import "$BIN" user add benchimport --role admin --database-url "$IMPORT_URL" >/dev/null
  IPORT=$(free_port)
  "$BIN" serve --database-url "$IMPORT_URL" --addr "127.0.0.1:$IPORT" > "$OUT/import-server.log" 2>&1 &
  SERVER_PID=$!
  wait_http "http://127.0.0.1:$IPORT/healthz" 120 || die "the import database's server did not start"
  ITOKEN=$(zd_token "http://127.0.0.1:$IPORT" benchimport bench-import)
  IFS=, read -ra TS <<< "$TOWNSHIPS"
  for t in "${TS[@]}"; do
    kind=zhen; case $t in *乡) kind=xiang ;; *办 | *区) kind=ban ;; esac
    curl -sf -o /dev/null -H "Authorization: Bearer $ITOKEN" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$t\",\"kind\":\"$kind\"}" "http://127.0.0.1:$IPORT/api/v1/townships" || die "cannot create township $t"
  done
  zd_stop "$SERVER_PID"; SERVER_PID=
  echo "import $(loadavg)" >> "$OUT/loadavg.txt"
  t0=$(date +%s.%N)
  /usr/bin/time -v "$BIN" import enterprises "$XLSX" --database-url "$IMPORT_URL" > "$OUT/import.txt" 2> "$OUT/import-time.txt" \
    || { cat "$OUT/import.txt" "$OUT/import-time.txt" >&2; die "the import failed"; }
  t1=$(date +%s.%N)
  IMPORT_S=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  IMPORT_RSS=$(awk -F': ' '/Maximum resident/{printf "%.0f", $2 * 1024 / 1e6}' "$OUT/import-time.txt" 2>/dev/null || true)
  printf 'import_rows\t%s\nimport_seconds\t%s\nimport_max_rss_mb\t%s\nimport_message\t%s\n' "$IMPORT_ROWS" "$IMPORT_S" "${IMPORT_RSS:-?}" "$(tail -1 "$OUT/import.txt")" >> "$META"
  say "import: ${IMPORT_S}s — $(tail -1 "$OUT/import.txt")"
  [ "$DB_KIND" = PostgreSQL ] && psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $IMPORT_DB" >/dev/null
fi

# ---- the table ---------------------------------------------------------------------
RESULT="$BENCH/results/$STAMP-$LABEL.md"
python3 "$BENCH/tools/results.py" load "$OUT" > "$RESULT"
say "wrote $RESULT"
[ "$SUMMARY_ONLY" = 1 ] || cat "$RESULT"
