#!/usr/bin/env bash
# bench/scaling.sh — the list, the dashboard and the briefing timed on data sets of
# 10,000 / 100,000 / 1,000,000 work orders (zone / city / province), in one table.
#
#   bench/scaling.sh [--root DIR] [--runs 3] [--duration 10] [--scales zone,city,province]
#                    [--zone DIR] [--city DIR] [--province DIR]
#
# Each scale's data is ROOT/SCALE/zonedesk.db (ROOT defaults to /tmp/zonedesk-data);
# a missing one is generated with `zonedesk gen --scale SCALE --data ROOT/SCALE`.
# --zone/--city/--province point one scale at another folder (e.g. a demo).
# Each scale is one run of bench/load.sh (its own table beside this one); the
# combined table goes to bench/results/YYYY-MM-DD-scaling.md.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"

DATA_ROOT=/tmp/zonedesk-data RUNS=3 DUR=10 SCALES=zone,city,province
declare -A DIR_OF=()
while [ $# -gt 0 ]; do
  case $1 in
    --root) DATA_ROOT=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    --scales) SCALES=$2; shift 2 ;;
    --zone | --city | --province) DIR_OF[${1#--}]=$2; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ {print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

BIN=${ZONEDESK_BENCH_BIN:-$ROOT/target/release/zonedesk}
if [ -z "${ZONEDESK_BENCH_BIN:-}" ]; then
  say "building target/release/zonedesk"
  (cd "$ROOT" && cargo build --release --bin zonedesk >&2)
fi
STAMP=$(date +%Y-%m-%d)
RUN_DIRS=()
IFS=, read -ra LIST <<< "$SCALES"
for scale in "${LIST[@]}"; do
  dir=${DIR_OF[$scale]:-$DATA_ROOT/$scale}
  if [ ! -f "$dir/zonedesk.db" ]; then
    "$BIN" gen --help >/dev/null 2>&1 || die "$dir/zonedesk.db is missing and this zonedesk has no \`gen\` command to make it"
    say "generating the $scale data set in $dir"
    mkdir -p "$dir"
    "$BIN" gen --scale "$scale" --data "$dir" >&2
  fi
  "$BENCH/load.sh" --data "$dir" --runs "$RUNS" --duration "$DUR" --workloads list,dashboard,briefing \
    --no-import --no-build --summary-only --label "scaling-$scale"
  RUN_DIRS+=("$BENCH/results/raw/$STAMP-scaling-$scale")
done
RESULT="$BENCH/results/$STAMP-scaling.md"
python3 "$BENCH/tools/results.py" scaling "${RUN_DIRS[@]}" > "$RESULT"
say "wrote $RESULT"
cat "$RESULT"
