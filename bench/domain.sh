#!/usr/bin/env bash
# bench/domain.sh [criterion filter] — `cargo bench --bench domain`, then its figures as a
# dated table: bench/results/YYYY-MM-DD-domain.md (machine, commit, load average, every benchmark).
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
STAMP=$(date +%Y-%m-%d)
BEFORE=$(loadavg)
(cd "$ROOT" && cargo bench --bench domain -- "$@")
RESULT="$BENCH/results/$STAMP-domain.md"
FACTS=$(mktemp); machine_facts "$FACTS"
fact() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$FACTS"; }
{
  echo "# Domain benchmarks — $STAMP"
  echo
  echo "\`cargo bench --bench domain\` (criterion, \`benches/domain.rs\`)."
  echo "Machine: $(fact nproc) cores ($(fact cpu)), $(fact ram) RAM, Linux $(fact kernel). Commit $(fact commit)."
  echo "Load average before: $BEFORE; after: $(loadavg). Taken $(fact date)."
  echo
  python3 "$BENCH/tools/criterion_table.py" "$ROOT/target/criterion"
} > "$RESULT"
rm -f "$FACTS"
say "wrote $RESULT"
cat "$RESULT"
