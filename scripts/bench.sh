#!/usr/bin/env bash
# Reproduces every figure of BENCHMARKS.md with one command:
#
#     scripts/bench.sh            # everything (about 7 minutes on 2 cores)
#     scripts/bench.sh --quick    # fewer runs, no criterion: a quick look
#     scripts/bench.sh --before OLD/rebase     # also time an older binary
#     REBASE_BEFORE=OLD/rebase scripts/bench.sh   # the same
#
# With a baseline, the older binary runs the same commands on the same inputs
# beside the new one (run national and 1M, memory at 1M, solve, batch), and
# the tables gain a "before" column and the ratio before/after; a command the
# older binary lacks (such as `batch --comparison-only`) is shown as "—".
# The profile step counts instructions with valgrind's callgrind (floor, new
# binary and, with a baseline, the old one, on the national file) and lists
# the new binary's largest inclusive costs.
#
# It builds the release binaries, generates synthetic practice files of 10k,
# 100k and 1M practices (examples/synth.rs, seed 42) and 1,000 scenarios
# into a temporary folder, times whole processes with hyperfine and their
# peak memory with /usr/bin/time -v, runs the pandas peer
# (benches/peer/rebase_peer.py) on the same files and checks that it got the
# same answers, runs the criterion benches (benches/engine.rs) for the
# stage-by-stage figures, and prints Markdown tables with each ratio against
# its target (issue 6). Nothing in the repository is written; the national
# file is read from ../shared/data/nhs-payments/ (or $REBASE_NATIONAL).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
CRITERION=1
PROFILE=1
BEFORE=${REBASE_BEFORE:-}
usage() {
    echo "usage: scripts/bench.sh [--quick] [--no-criterion] [--no-profile] [--before PATH]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1; CRITERION=0 ;;
        --no-criterion) CRITERION=0 ;;
        --no-profile) PROFILE=0 ;;
        --before) [ $# -ge 2 ] || usage; BEFORE=$2; shift ;;
        --before=*) BEFORE=${1#--before=} ;;
        *) usage ;;
    esac
    shift
done
if [ -n "$BEFORE" ]; then
    BEFORE=$(realpath "$BEFORE")
    if [ ! -x "$BEFORE" ]; then
        echo "error: the baseline binary is not executable: $BEFORE" >&2
        exit 1
    fi
fi

NATIONAL=${REBASE_NATIONAL:-$ROOT/../shared/data/nhs-payments/nhspaymentsgp-18-19-csv.csv}
if [ ! -f "$NATIONAL" ]; then
    echo "error: the national file is missing: $NATIONAL (set REBASE_NATIONAL)" >&2
    exit 1
fi

# --- tools -----------------------------------------------------------------
need_apt() {
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$2" ]; then
        echo "installing $3 ..." >&2
        (apt-get update -qq && apt-get install -y -qq "$3") >/dev/null
    fi
}
need_apt hyperfine /usr/bin/hyperfine hyperfine
need_apt time /usr/bin/time time
if [ "$PROFILE" = 1 ]; then
    need_apt valgrind /usr/bin/valgrind valgrind
fi
command -v python3 >/dev/null || { echo "error: python3 is needed for the peer" >&2; exit 1; }
if ! python3 -c "import pandas" 2>/dev/null; then
    echo "installing pandas ..." >&2
    python3 -m pip install --quiet pandas
fi

# --- build and data --------------------------------------------------------
echo "building ..." >&2
cargo build --release --quiet --bin rebase --example floor --example synth
if [ "$CRITERION" = 1 ]; then
    cargo bench --quiet --bench engine --no-run 2>/dev/null
fi
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/rebase
FLOOR=$TARGET/release/examples/floor
SYNTH=$TARGET/release/examples/synth
SCENARIO=$ROOT/benches/scenario.toml
PEER=$ROOT/benches/peer/rebase_peer.py

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rebase-bench.XXXXXX")
# batch writes 1,000 CSVs (1.4 GB) per run: into memory when /dev/shm exists,
# so the figure is the engine's, not the disk's fsync.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    BATCH_OUT=$(mktemp -d /dev/shm/rebase-batch.XXXXXX)
else
    BATCH_OUT=$WORK/batch
fi
RES=$WORK/results
mkdir -p "$RES" "$WORK/scenarios"
# Other work on the machine (fuzzing, tests, compiles) skews every figure:
# look for it once a second for the whole run, and say so in the output.
: > "$RES/busy.txt"
(
    while :; do
        pgrep -fa 'fuzz|cargo test|cargo-fuzz|rustc|integration-' 2>/dev/null \
            | grep -v -e pgrep -e 'cargo bench' >> "$RES/busy.txt" || true
        sleep 1
    done
) &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true; rm -rf "$WORK" "$BATCH_OUT"' EXIT

echo "generating synthetic files and scenarios in $WORK ..." >&2
for n in 10000 100000 1000000; do
    "$SYNTH" "$n" 42 > "$WORK/synth-$n.csv"
done
cp "$NATIONAL" "$WORK/national.csv"

# 1,000 scenarios: every price method but banding, fixed prices from £70 to
# £99.99, floors, level-up, thresholds, list-change policies, tapers of 1 to
# 4 years, tapered gains, premium menus, and a fifth of them by group.
METHODS=(fixed fixed average mean median fixed gms-average fixed)
CHANGES=(both down off)
TAPERS=('["50%", "100%"]' '["100%"]' '["34%", "67%", "100%"]' '["25%", "50%", "75%", "100%"]')
for i in $(seq 0 999); do
    m=${METHODS[$((i % 8))]}
    {
        echo "name = \"sweep $i\""
        echo 'contracts = ["PMS"]'
        if [ $((i % 5)) -eq 0 ]; then echo 'by = "group"'; fi
        echo '[list]'
        echo "threshold = \"$((1 + i % 4))%\""
        echo "change = \"${CHANGES[$((i % 3))]}\""
        echo '[price]'
        echo "method = \"$m\""
        if [ "$m" = fixed ]; then
            printf 'value = "%d.%02d"\n' $((70 + (i * 7) % 30)) $(((i * 13) % 100))
        fi
        if [ $((i % 4)) -eq 1 ]; then echo "floor = \"$((60 + i % 15)).00\""; fi
        if [ $((i % 9)) -eq 2 ]; then echo 'level_up = true'; fi
        echo '[taper]'
        echo "schedule = ${TAPERS[$((i % 4))]}"
        if [ $((i % 6)) -eq 3 ]; then echo 'gains = "tapered"'; fi
        printf '[[premium]]\nname = "data-reviews"\nprice = "%d.00"\n' $((1 + i % 3))
        printf '[[premium]]\nname = "patient-facing"\nprice = "4.00"\n'
    } > "$WORK/scenarios/s$(printf %04d "$i").toml"
done

# --- the machine -----------------------------------------------------------
{
    echo "nproc: $(nproc)"
    lscpu | head -n 20 | grep -E "Model name|^CPU\(s\)|Thread|Core|Socket|MHz|L2|L3" || true
    free -h | head -n 2
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "rustc: $(rustc --version)"
    echo "hyperfine: $(hyperfine --version)"
    echo "python: $(python3 --version 2>&1), pandas $(python3 -c 'import pandas; print(pandas.__version__)')"
    if [ -n "$BEFORE" ]; then echo "before: $BEFORE"; fi
} > "$RES/machine.txt"

# --- measurements ----------------------------------------------------------
# time NAME RUNS COMMAND...: hyperfine mean and spread, then one run under
# /usr/bin/time -v for the peak resident memory.
measure() {
    local name=$1 runs=$2
    shift 2
    local warmup=2
    if [ "$runs" -le 3 ]; then warmup=1; fi
    if [ "$QUICK" = 1 ]; then runs=$(( runs > 5 ? 5 : runs )); warmup=1; fi
    echo "timing $name ($runs runs) ..." >&2
    hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
        --export-json "$RES/$name.json" "$(printf '%q ' "$@")" >/dev/null 2>&1 \
        || hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
            --export-json "$RES/$name.json" "$(printf '%q ' "$@")" >/dev/null
    /usr/bin/time -v "$@" 2>"$RES/$name.time" >/dev/null || true
}

# measure_batch NAME BINARY [FLAGS...]: the 1,000 scenarios over the national
# file, into $BATCH_OUT/out, emptied before every run.
measure_batch() {
    local name=$1 bin=$2 runs=3
    shift 2
    if [ "$QUICK" = 1 ]; then runs=1; fi
    echo "timing $name, 1,000 scenarios ($runs runs) ..." >&2
    hyperfine -N --style none --warmup 1 --runs "$runs" \
        --prepare "rm -rf $BATCH_OUT/out" \
        --export-json "$RES/$name.json" \
        "$bin batch $WORK/national.csv $(echo "$WORK"/scenarios/*.toml) --out $BATCH_OUT/out $*" \
        >/dev/null 2>&1
    rm -rf "$BATCH_OUT/out"
    /usr/bin/time -v "$bin" batch "$WORK/national.csv" "$WORK"/scenarios/*.toml \
        --out "$BATCH_OUT/out" "$@" 2>"$RES/$name.time" >/dev/null || true
    rm -rf "$BATCH_OUT/out"
}

# supports BINARY SUBCOMMAND FLAG: whether the binary's help lists the flag.
supports() {
    "$1" "$2" --help 2>/dev/null | grep -q -- "$3"
}

for f in national synth-10000 synth-100000 synth-1000000; do
    case $f in
        national|synth-10000) runs=30 ;;
        synth-100000) runs=15 ;;
        *) runs=6 ;;
    esac
    measure "floor-$f" "$runs" "$FLOOR" "$WORK/$f.csv"
    measure "run-$f" "$runs" "$BIN" run "$WORK/$f.csv" -s "$SCENARIO" -f csv
done
measure "run-national-file" 20 "$BIN" run "$WORK/national.csv" -s "$SCENARIO" \
    -o "$WORK/out.csv" --force
measure "solve-national" 30 "$BIN" solve "$WORK/national.csv" -s "$SCENARIO" --saving 100000000
measure "solve-synth-1000000" 3 "$BIN" solve "$WORK/synth-1000000.csv" -s "$SCENARIO" --saving 5000000000
measure_batch batch-national "$BIN"
measure_batch batch-comparison-national "$BIN" --comparison-only
if [ -n "$BEFORE" ]; then
    # The baseline on the same inputs, right after the new binary's figures.
    measure "before-run-national" 30 "$BEFORE" run "$WORK/national.csv" -s "$SCENARIO" -f csv
    measure "before-run-synth-1000000" 6 "$BEFORE" run "$WORK/synth-1000000.csv" \
        -s "$SCENARIO" -f csv
    measure "before-solve-national" 30 "$BEFORE" solve "$WORK/national.csv" -s "$SCENARIO" \
        --saving 100000000
    measure "before-solve-synth-1000000" 3 "$BEFORE" solve "$WORK/synth-1000000.csv" \
        -s "$SCENARIO" --saving 5000000000
    measure_batch before-batch-national "$BEFORE"
    if supports "$BEFORE" batch --comparison-only; then
        measure_batch before-batch-comparison-national "$BEFORE" --comparison-only
    fi
fi
for f in national synth-10000 synth-100000 synth-1000000; do
    case $f in
        synth-1000000) runs=2 ;;
        *) runs=5 ;;
    esac
    measure "peer-$f" "$runs" python3 "$PEER" "$WORK/$f.csv" "$WORK/peer-$f.csv"
done

# The peer must have done the same calculation, or its time means nothing.
for f in national synth-1000000; do
    "$BIN" run "$WORK/$f.csv" -s "$SCENARIO" -f csv > "$WORK/ours-$f.csv" 2>/dev/null
    python3 "$ROOT/benches/peer/compare.py" "$WORK/ours-$f.csv" "$WORK/peer-$f.csv" \
        > "$RES/compare-$f.txt" || true
done

# --- the profile -----------------------------------------------------------
# Instruction counts (they do not vary from run to run) of the floor, the new
# binary and the baseline on the national file, and the new binary's largest
# inclusive costs.
if [ "$PROFILE" = 1 ]; then
    echo "profiling with callgrind ..." >&2
    callgrind() {
        local name=$1
        shift
        valgrind --tool=callgrind --callgrind-out-file="$RES/cg-$name.out" "$@" \
            >/dev/null 2>"$RES/cg-$name.log" || true
    }
    callgrind floor "$FLOOR" "$WORK/national.csv"
    callgrind after "$BIN" run "$WORK/national.csv" -s "$SCENARIO" -f csv \
        -o "$WORK/cg-after.csv" --force
    if [ -n "$BEFORE" ]; then
        callgrind before "$BEFORE" run "$WORK/national.csv" -s "$SCENARIO" -f csv \
            -o "$WORK/cg-before.csv" --force
    fi
    callgrind_annotate --inclusive=yes "$RES/cg-after.out" > "$RES/cg-after.txt" 2>/dev/null || true
fi

if [ "$CRITERION" = 1 ]; then
    echo "running the criterion benches (cargo bench --bench engine) ..." >&2
    cargo bench --quiet --bench engine -- --discard-baseline 2>/dev/null | tee "$RES/criterion.txt" >/dev/null || true
fi

for f in national synth-10000 synth-100000 synth-1000000; do
    stat -c %s "$WORK/$f.csv" > "$RES/size-$f.txt"
done
kill "$SAMPLER" 2>/dev/null || true
{
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -s "$RES/busy.txt" ]; then
        echo "NOT QUIET: other work ran during the measurements:"
        sort -u "$RES/busy.txt" | cut -c1-120 | head -n 10
    else
        echo "quiet: no fuzzing, test or compile process ran during the measurements"
    fi
} >> "$RES/machine.txt"

# --- the tables ------------------------------------------------------------
python3 - "$RES" "$BEFORE" <<'PY'
import json, os, re, sys

res, before = sys.argv[1], sys.argv[2]

def path(name, ext):
    return os.path.join(res, name + ext)

def t(name):
    with open(path(name, ".json")) as f:
        r = json.load(f)["results"][0]
    return r["mean"], r["stddev"] or 0.0

def rss(name):
    try:
        with open(path(name, ".time")) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        return int(m.group(1)) * 1024 if m else None
    except OSError:
        return None

def size(f):
    with open(os.path.join(res, f"size-{f}.txt")) as s:
        return int(s.read())

def ms(x):
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"

def mb(b):
    return "" if b is None else f"{b / 1e6:.0f} MB"

print(open(os.path.join(res, "machine.txt")).read())
files = {"national": "national 2018/19 (7,279 rows)", "synth-10000": "synthetic 10k",
         "synth-100000": "synthetic 100k", "synth-1000000": "synthetic 1M"}
head = ["command", "input", "time (mean ± σ)", "peak memory"]
if before:
    head += ["before", "before ÷ after"]
head += ["compared with", "ratio", "target", "met"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))

def before_cells(name, m, compare):
    """The baseline's time and before/after, "—" when it lacks the command."""
    if not before:
        return []
    if not compare:
        return ["", ""]
    if not os.path.exists(path("before-" + name, ".json")):
        return ["—", "—"]
    b, bs = t("before-" + name)
    spread = f" ± {ms(bs)}" if bs else ""
    return [ms(b) + spread, f"{b / m:.2f}×"]

def row(cmd, f, name, against=None, target=None, better="lower", compare=False):
    m, s = t(name)
    spread = f" ± {ms(s)}" if s else ""
    cells = [cmd, files.get(f, f), ms(m) + spread, mb(rss(name))]
    cells += before_cells(name, m, compare)
    if against:
        label, base = against
        ratio = m / base
        if better == "lower":
            shown, ok = f"{ratio:.2f}×", (ratio <= target if target else None)
            goal = f"≤ {target}×" if target else ""
        else:
            # The peer: how many times `rebase run`'s time it takes.
            shown, ok = f"{ratio:.1f}× slower", (ratio >= target if target else None)
            goal = f"≥ {target}× slower" if target else ""
        cells += [label, shown, goal, "" if ok is None else ("yes" if ok else "**no**")]
    else:
        cells += ["", "", "", ""]
    print("| " + " | ".join(cells) + " |")

# The targets of issue 11.
for f in files:
    row("floor (csv crate, every row)", f, f"floor-{f}")
run_nat = t("run-national")[0]
floor_nat = t("floor-national")[0]
row("`rebase run -f csv`", "national", "run-national", ("floor", floor_nat), 2, compare=True)
row("`rebase run -o out.csv` (atomic write, fsync)", "national", "run-national-file",
    ("floor", floor_nat), None)
for f in ["synth-10000", "synth-100000"]:
    row("`rebase run -f csv`", f, f"run-{f}", ("floor", t(f"floor-{f}")[0]), None)
row("`rebase run -f csv`", "synth-1000000", "run-synth-1000000",
    ("floor", t("floor-synth-1000000")[0]), 3, compare=True)
row("`rebase solve --saving 100000000`", "national", "solve-national",
    ("run", run_nat), 1.5, compare=True)
row("`rebase solve --saving 5000000000`", "synth-1000000", "solve-synth-1000000",
    ("run", t("run-synth-1000000")[0]), 1.5, compare=True)
row("`rebase batch`, 1,000 scenarios", "national", "batch-national",
    ("floor", floor_nat), 250, compare=True)
row("`rebase batch --comparison-only`, 1,000 scenarios", "national",
    "batch-comparison-national", ("floor", floor_nat), 30, compare=True)
for f in files:
    row("pandas peer", f, f"peer-{f}", ("run", t(f"run-{f}")[0]),
        30 if f in ("national", "synth-1000000") else None, better="higher")

print()
m1 = rss("run-synth-1000000")
s1 = size("synth-1000000")
ratio = m1 / s1
bhead, bcells = "", ""
if before:
    b1 = rss("before-run-synth-1000000")
    bhead = " before | before ÷ after |"
    bcells = f" {mb(b1)} ({b1 / s1:.2f}×) | {b1 / m1:.2f}× |" if b1 else " — | — |"
print(f"| memory | input size | peak memory |{bhead} ratio | target | met |")
print("|---|---|---|" + ("---|---|" if before else "") + "---|---|---|")
print(f"| `rebase run -f csv`, synthetic 1M | {mb(s1)} | {mb(m1)} |{bcells} {ratio:.2f}× | ≤ 2× | "
      f"{'yes' if ratio <= 2 else '**no**'} |")
pm = rss("peer-synth-1000000")
print(f"| pandas peer, synthetic 1M | {mb(s1)} | {mb(pm)} |" + (" | |" if before else "")
      + f" {pm / s1:.2f}× | | |")

print()
print("| growth | practices | `rebase run` | µs per practice | floor µs per practice |")
print("|---|---|---|---|---|")
for f, n in [("synth-10000", 10_000), ("synth-100000", 100_000), ("synth-1000000", 1_000_000)]:
    m = t(f"run-{f}")[0]
    fl = t(f"floor-{f}")[0]
    print(f"| | {n:,} | {ms(m)} | {m / n * 1e6:.2f} | {fl / n * 1e6:.3f} |")
per = [t(f"run-{f}")[0] / n for f, n in [("synth-10000", 1e4), ("synth-100000", 1e5), ("synth-1000000", 1e6)]]
print(f"\nper-practice time, 1M against 10k: {per[2] / per[0]:.2f}× "
      f"(1.00× is perfectly linear; 10k carries the process start-up)")
print(f"per-practice time, 1M against 100k: {per[2] / per[1]:.2f}×")

print()
for f in ["national", "synth-1000000"]:
    with open(os.path.join(res, f"compare-{f}.txt")) as c:
        print(f"peer against rebase, {files[f]}: {c.readline().strip()}")

# --- the profile: callgrind instruction counts on the national file ---
def instructions(name):
    try:
        with open(path("cg-" + name, ".out")) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

def short(fn):
    """A callgrind function name without its file, crate hash and generics."""
    fn = re.sub(r"^(?:\?\?\?|[^ :]*\.[A-Za-z]+):(?!:)", "", fn)
    fn = re.sub(r" \[.*\]$", "", fn)
    fn = re.sub(r"::h[0-9a-f]{16}$", "", fn)
    fn = re.sub(r"'\d+$", "", fn)  # callgrind's recursion depth
    prev = None
    while prev != fn:  # generic arguments, innermost first
        prev = fn
        fn = re.sub(r"(?<=\w)<[^<>]*>", "", fn)
    # <alloc::vec::Vec as core::iter::Extend>::f  ->  <Vec as Extend>::f
    fn = re.sub(r"<(?:\w+::)*(\w+) as (?:\w+::)*(\w+)>", r"<\1 as \2>", fn)
    fn = fn.replace("::{{closure}}", "::{closure}")
    return fn[:90]

floor_i = instructions("floor")
after_i = instructions("after")
if floor_i and after_i:
    print("\n| callgrind, `run -f csv -o`, national | instructions | against the floor |"
          + (" before ÷ after |" if before else ""))
    print("|---|---|---|" + ("---|" if before else ""))
    before_i = instructions("before") if before else None
    extra = " |" if before else ""
    print(f"| floor | {floor_i / 1e6:,.1f} M | 1.00× |{extra}")
    if before:
        if before_i:
            print(f"| before | {before_i / 1e6:,.1f} M | {before_i / floor_i:.2f}× | |")
        else:
            print("| before | — | — | |")
    tail = f" {before_i / after_i:.2f}× |" if before_i else (" |" if before else "")
    print(f"| after | {after_i / 1e6:,.1f} M | {after_i / floor_i:.2f}× |{tail}")

# The new binary's largest inclusive costs, past the process start-up frames
# and the frames that only dispatch (the command, loading, staging the output,
# rayon's threads and work-stealing, whose inclusive costs count their work
# more than once).
wrapper = re.compile(r"^(0x[0-9a-f]+|\(below main\)|_start|main|__libc_start|_dl_|"
                     r"std::rt::|std::sys::backtrace::|core::ops::function::|"
                     r"std::panicking::|std::panic::|rebase::main$|rebase::cli::main$|"
                     r"rebase::cli::run::run$|rebase::cli::files::load_input$|"
                     r"rebase::input::read_input$|rebase::input::read_text$|"
                     r"rebase::cli::outputs::Destination::stage$|"
                     r"rayon::|rayon_core::|<rayon|<StackJob|start_thread|"
                     r"<std::sys::thread::|std::thread::|clone3)")
ann = path("cg-after", ".txt")
if after_i and os.path.exists(ann):
    rows = []
    for line in open(ann):
        m = re.match(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*)$", line)
        if not m:
            continue
        name = short(m.group(3).strip())
        if name == "PROGRAM TOTALS" or wrapper.match(name) or any(r[0] == name for r in rows):
            continue
        rows.append((name, int(m.group(1).replace(",", "")), m.group(2)))
        if len(rows) == 10:
            break
    if rows:
        print("\n| new binary, largest inclusive costs (callgrind, national; dispatch frames left out) | instructions | share |")
        print("|---|---|---|")
        for name, n, share in rows:
            print(f"| `{name}` | {n / 1e6:,.1f} M | {share}% |")

crit = os.path.join(res, "criterion.txt")
if os.path.exists(crit):
    print("\n| criterion (in process) | stage | time (median) |")
    print("|---|---|---|")
    name = None
    for line in open(crit):
        line = line.rstrip()
        m = re.match(r"^(\S+/\S+)\s*(time:.*)?$", line)
        if m and "/" in m.group(1) and not line.startswith(" "):
            name = m.group(1)
            rest = m.group(2)
            if rest:
                line = "  " + rest
        tm = re.search(r"time:\s+\[\S+ \S+ (\S+ \S+) \S+ \S+\]", line)
        if tm and name:
            group, stage = name.split("/", 1)
            print(f"| {group} | {stage} | {tm.group(1)} |")
            name = None
PY
