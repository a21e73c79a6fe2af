#!/usr/bin/env bash
# Runs every fuzz target (or those named) for a bounded time, one after the
# other, then minimises each corpus in place (`cargo fuzz cmin`), so that the
# corpus kept in git stays small. Exits non-zero when any target crashed; the
# crashing input is in fuzz/artifacts/<target>/.
#
#   fuzz/run.sh                 # every target, 60 s each
#   fuzz/run.sh 120             # every target, 120 s each
#   fuzz/run.sh 300 calendar    # one target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`) and a nightly
# toolchain; without one, RUSTC_BOOTSTRAP=1 lets stable build it
# (FUZZ_TOOLCHAIN=stable).
set -uo pipefail

cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(credit_code id_number calendar open311 xlsx_import)
fi

toolchain="${FUZZ_TOOLCHAIN:-nightly}"
if [ "$toolchain" = nightly ] && ! cargo +nightly --version >/dev/null 2>&1; then
    toolchain=stable
fi
if [ "$toolchain" = nightly ]; then
    fuzz=(cargo +nightly fuzz)
else
    echo "no nightly toolchain: building with RUSTC_BOOTSTRAP=1 on stable" >&2
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
fi

mkdir -p logs
failed=()
summary=()
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    log="logs/$target.log"
    echo "== $target: ${seconds} s" >&2
    # -timeout: one input taking 10 s is a hang (xlsx_import loads the demo zone
    # in the target's init, before the clock starts; an import of 200 rows under
    # the sanitizer gets 30 s); -rss_limit_mb: 2 GB is a leak or a bomb
    hang=10
    [ "$target" = xlsx_import ] && hang=30
    if ! "${fuzz[@]}" run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout="$hang" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        failed+=("$target")
        echo "!! $target crashed: see fuzz/$log and fuzz/artifacts/$target/" >&2
        tail -n 40 "$log" >&2
        continue
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*')
    "${fuzz[@]}" cmin "$target" "corpus/$target" >"logs/$target.cmin.log" 2>&1 || echo "cmin of $target failed: see fuzz/logs/$target.cmin.log" >&2
    files=$(find "corpus/$target" -type f | wc -l)
    size=$(du -sk "corpus/$target" | cut -f1)
    summary+=("$(printf '%-12s %8s s %12s runs %8s exec/s %6s cov %5s files %6s KiB' "$target" "$seconds" "${runs:-?}" "${speed:-?}" "${cov:-?}" "$files" "$size")")
done

printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "crashed: ${failed[*]}" >&2
    exit 1
fi
