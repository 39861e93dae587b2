#!/usr/bin/env bash
# Runs the fuzzing campaign of FUZZING.md: each target in turn (never two at
# once), SECONDS each (default 600), with the seeds under fuzz/seeds/.
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]
#   KEEP_GOING=1 fuzz/run-all.sh 600     # record crashes and go on fuzzing
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); runs on the stable
# toolchain through RUSTC_BOOTSTRAP=1. The corpus grows in fuzz/corpus/,
# crashes land in fuzz/artifacts/<target>/, logs in fuzz/artifacts/logs/
# (all git-ignored). Prints one summary line per target at the end.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(practice_file nhs_payments scenario money)
fi

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

# -a: debug assertions and overflow checks on, so integer overflow panics too.
cargo fuzz build -a

flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10)
if [ "${KEEP_GOING:-0}" = 1 ]; then
    # One worker process at a time; a crash is saved and fuzzing goes on.
    flags+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
else
    flags+=(-print_final_stats=1)
fi

mkdir -p artifacts/logs
summary=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="artifacts/logs/$t.log"
    before=$(find "artifacts/$t" -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
    start=$(date +%s)
    echo "== $t: ${seconds}s, log $log"
    status=0
    cargo fuzz run -a "$t" "corpus/$t" "seeds/$t" -- "${flags[@]}" >"$log" 2>&1 || status=$?
    took=$(($(date +%s) - start))
    after=$(find "artifacts/$t" -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
    # Executions, coverage and features from the last status line.
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")
    cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
    final=$(sed -nE 's/^stat::number_of_executed_units: ([0-9]+)/\1/p' "$log" | tail -1)
    summary+=("$t execs=${final:-$execs} seconds=$took cov=$cov ft=$ft new_artifacts=$((after - before)) exit=$status")
done
echo
printf '%s\n' "${summary[@]}"
