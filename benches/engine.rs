//! In-process figures for the engine, stage by stage (`cargo bench`):
//! `read_input` (bytes to practices), `rebase` (SPEC §4), `practice_rows`
//! (the table every format but CSV builds), the CSV writer (as `rebase run
//! -f csv` streams it, and as `write_report` writes a built table) and
//! `solve` (the penny search), on the 2018/19 national file and on a
//! synthetic file of 100,000 practices (`examples/synth.rs`, seed 42).
//!
//! The scenario is `benches/scenario.toml`, the one `scripts/bench.sh` and
//! the pandas peer use. The national file is read from
//! `../shared/data/nhs-payments/` (or `REBASE_NATIONAL`); without it that
//! group is skipped, saying so.

// criterion's macros define public functions without docs.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use rebase::calc::Results;
use rebase::calc::solve::{SolveRequest, solve};
use rebase::input::read_input;
use rebase::money::round_penny;
use rebase::output::csv::{write_practice_rows, write_report};
use rebase::report::practice_rows::practice_rows;
use rebase::scenario::file::parse_scenario;
use rebase::scenario::{Basis, Scenario};
use rebase::{Practice, rebase};

#[path = "../examples/synth.rs"]
#[allow(dead_code)] // its `main` is the example's, not ours
mod synth;

fn fail(what: &str, why: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {what}: {why}");
    std::process::exit(1)
}

fn scenario() -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/scenario.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| fail("benches/scenario.toml", &e));
    parse_scenario(&text, "bench").unwrap_or_else(|e| fail("benches/scenario.toml", &e))
}

fn national() -> Option<Vec<u8>> {
    let path = std::env::var_os("REBASE_NATIONAL").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/data/nhs-payments/nhspaymentsgp-18-19-csv.csv")
        },
        PathBuf::from,
    );
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            eprintln!(
                "skipping the national file ({}: {e}); set REBASE_NATIONAL",
                path.display()
            );
            None
        }
    }
}

fn synthetic(n: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    synth::write_practices(n, 42, &mut bytes).unwrap_or_else(|e| fail("synth", &e));
    bytes
}

/// Every stage on one input. `saving` is the year-2 saving `solve` looks for.
fn stages(c: &mut Criterion, name: &str, bytes: &[u8], saving: i64, samples: usize) {
    let scenario = scenario();
    let practices: Vec<Practice> = read_input(bytes, name)
        .unwrap_or_else(|e| fail(name, &e))
        .practices;
    let rebasing = rebase(&practices, &scenario).unwrap_or_else(|e| fail(name, &e));
    let years = scenario.years();
    let rows = practice_rows(&practices, &rebasing, years);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() * 3);

    let mut group = c.benchmark_group(name);
    group.sample_size(samples);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(practices.len() as u64));
    group.bench_function("read_input", |b| {
        b.iter(|| read_input(black_box(bytes), name));
    });
    group.bench_function("rebase", |b| {
        b.iter(|| rebase(black_box(&practices), &scenario));
    });
    group.bench_function("practice_rows", |b| {
        b.iter(|| practice_rows(black_box(&practices), &rebasing, years));
    });
    group.bench_function("csv_stream", |b| {
        b.iter(|| {
            out.clear();
            write_practice_rows(
                black_box(&practices),
                Results::Held(&rebasing),
                years,
                &mut out,
                false,
            )
        });
    });
    group.bench_function("csv_write_report", |b| {
        b.iter(|| {
            out.clear();
            write_report(black_box(&rows), &mut out, false)
        });
    });
    let request = SolveRequest {
        saving: round_penny(rust_decimal::Decimal::from(saving)),
        year: years,
        basis: Basis::Gross,
        group: None,
    };
    group.bench_function("solve", |b| {
        b.iter(|| solve(black_box(&practices), &scenario, &request));
    });
    group.bench_function("run_all_stages", |b| {
        b.iter_batched(
            || Vec::with_capacity(bytes.len() * 3),
            |mut sink: Vec<u8>| {
                let input = read_input(bytes, name).unwrap_or_else(|e| fail(name, &e));
                let r = rebase(&input.practices, &scenario).unwrap_or_else(|e| fail(name, &e));
                write_practice_rows(&input.practices, Results::Held(&r), years, &mut sink, false)
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn engine(c: &mut Criterion) {
    if let Some(bytes) = national() {
        stages(c, "national-2018-19", &bytes, 100_000_000, 50);
    }
    stages(c, "synthetic-100k", &synthetic(100_000), 500_000_000, 10);
}

criterion_group!(benches, engine);
criterion_main!(benches);
