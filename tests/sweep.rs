//! `rebase sweep` (SPEC §8.5): every row equals `run --target P` at its
//! price, the range's usage errors, the CSV header, and output that does
//! not depend on the threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{code, fixture, parse_csv, rebase, s, stderr, stdout};

/// SPEC §8.5's columns for a two-year taper.
const HEADER: &str = "target_price,practices_losing,practices_gaining,business_cases,\
year_1_saving,year_2_saving,year_1_net_saving,year_2_net_saving,goal_met";

/// The Kensington & Chelsea fixture: (practices, scenario).
fn kc() -> (PathBuf, PathBuf) {
    let dir = fixture("kensington-chelsea");
    (dir.join("practices.csv"), dir.join("scenario.toml"))
}

/// Asserts the exit code, and that no panic reached the user.
fn assert_exit(o: &Output, expected: i32) {
    let err = stderr(o);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code(o), expected, "stderr:\n{err}");
}

/// A usage error: exit 2, nothing on standard output, one `error: ` line.
fn usage_error(args: &[&str]) -> String {
    let o = rebase(args, b"");
    assert_exit(&o, 2);
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line:\n{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    err
}

/// Runs the sweep as CSV on standard output: (header, rows).
fn sweep_csv(
    input: &Path,
    scenario: Option<&Path>,
    extra: &[&str],
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut args = vec!["sweep", s(input)];
    if let Some(sc) = scenario {
        args.extend(["-s", s(sc)]);
    }
    args.extend(extra);
    args.extend(["-f", "csv"]);
    let o = rebase(&args, b"");
    assert_exit(&o, 0);
    parse_csv(&stdout(&o))
}

/// `run --target P` at one price: the savings (measure -> value, scope
/// "all") and the number of practices flagged `business_case`.
fn run_at(
    input: &Path,
    scenario: Option<&Path>,
    overrides: &[&str],
    price: &str,
) -> (HashMap<String, String>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let savings = dir.path().join("s.csv");
    let practices = dir.path().join("x.csv");
    let mut args = vec!["run", s(input)];
    if let Some(sc) = scenario {
        args.extend(["-s", s(sc)]);
    }
    args.extend(overrides);
    args.extend(["--target", price, "--savings", s(&savings)]);
    args.extend(["-f", "csv", "-o", s(&practices)]);
    let o = rebase(&args, b"");
    // 1 is a goal not met: the answer, not a failure.
    assert!(code(&o) == 0 || code(&o) == 1, "run: {}", stderr(&o));
    let (header, rows) = parse_csv(&std::fs::read_to_string(&savings).unwrap());
    assert_eq!(header, ["scope", "measure", "value"]);
    let all = rows
        .into_iter()
        .filter(|r| r[0] == "all")
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    let (header, rows) = parse_csv(&std::fs::read_to_string(&practices).unwrap());
    let flags = header.iter().position(|h| h == "flags").unwrap();
    let business_cases = rows
        .iter()
        .filter(|r| r[flags].split(';').any(|f| f == "business_case"))
        .count();
    (all, business_cases)
}

/// Every sweep row equals `run --target P` at its price.
fn assert_matches_run(input: &Path, scenario: Option<&Path>, overrides: &[&str], range: &str) {
    let mut extra = overrides.to_vec();
    extra.extend(["--target", range]);
    let (header, rows) = sweep_csv(input, scenario, &extra);
    assert!(!rows.is_empty());
    let years = header.iter().filter(|h| h.ends_with("_net_saving")).count();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for row in &rows {
        let price = &row[column("target_price")];
        let (run, business_cases) = run_at(input, scenario, overrides, price);
        let at = |m: &str| run.get(m).cloned().unwrap_or_default();
        let mut measures = vec![
            "practices_losing".to_owned(),
            "practices_gaining".to_owned(),
        ];
        for k in 1..=years {
            measures.push(format!("year_{k}_saving"));
            measures.push(format!("year_{k}_net_saving"));
        }
        measures.push("goal_met".to_owned());
        for m in &measures {
            assert_eq!(row[column(m)], at(m), "{m} at £{price}");
        }
        assert_eq!(
            row[column("business_cases")],
            business_cases.to_string(),
            "business_cases at £{price}"
        );
    }
}

#[test]
fn every_row_equals_run_at_its_price() {
    let (input, scenario) = kc();
    let (_, rows) = sweep_csv(&input, Some(&scenario), &["--target", "80:90:2.5"]);
    let prices: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(prices, ["80.00", "82.50", "85.00", "87.50", "90.00"]);
    assert_matches_run(&input, Some(&scenario), &[], "80:90:2.5");
}

#[test]
fn rows_equal_run_by_group_with_overrides_and_a_goal_not_met() {
    // Two groups, each with its own savings, and the total read off; the
    // goal is met at the low prices only, so both answers are compared.
    let dir = fixture("method-gms-average");
    let input = dir.join("practices.csv");
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("net-goal.toml");
    std::fs::write(
        &scenario,
        "name = \"net goal\"\n[taper]\nschedule = [\"25%\", \"60%\", \"100%\"]\n\
         [[premium]]\nname = \"data-reviews\"\nprice = \"2.00\"\n\
         [goal]\nsaving = \"100000\"\nyear = 2\nbasis = \"net\"\n",
    )
    .unwrap();
    let overrides = ["--by", "group", "--level-up", "--floor", "60"];
    let (_, rows) = sweep_csv(
        &input,
        Some(&scenario),
        &[
            "--by",
            "group",
            "--level-up",
            "--floor",
            "60",
            "--target",
            "50:110:7.5",
        ],
    );
    let met: Vec<&str> = rows.iter().map(|r| r.last().unwrap().as_str()).collect();
    assert!(met.contains(&"true") && met.contains(&"false"), "{met:?}");
    assert_matches_run(&input, Some(&scenario), &overrides, "50:110:7.5");
}

#[test]
fn the_csv_header_is_specs() {
    let (input, scenario) = kc();
    let o = rebase(
        &[
            "sweep",
            s(&input),
            "-s",
            s(&scenario),
            "--target",
            "£80:£81:£0.50",
            "-f",
            "csv",
        ],
        b"",
    );
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_eq!(out.lines().next(), Some(HEADER));
    assert_eq!(out.lines().count(), 4, "{out}");
}

#[test]
fn goal_met_is_blank_without_a_goal() {
    let (input, _) = kc();
    let (header, rows) = sweep_csv(&input, None, &["--target", "80:90:5"]);
    assert_eq!(header.last().map(String::as_str), Some("goal_met"));
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r.last().unwrap().is_empty()),
        "{rows:?}"
    );
}

#[test]
fn range_errors_are_usage_errors_in_one_line() {
    let (input, scenario) = kc();
    let sweep =
        |range: &str| usage_error(&["sweep", s(&input), "-s", s(&scenario), "--target", range]);
    assert!(sweep("0:100:0.01").contains("10,001 prices"));
    assert!(sweep("90:80:1").contains("above its end"));
    assert!(sweep("80:90:0").contains("step"));
    assert!(sweep("80:90:-1").contains("step"));
    assert!(sweep("eighty:90:1").contains("`eighty`"));
    assert!(sweep("80-90").contains("FROM:TO:STEP"));
    // Exactly 10,000 prices is allowed.
    let o = rebase(
        &[
            "sweep",
            s(&input),
            "--target",
            "0:9999:1",
            "-f",
            "csv",
            "--threads",
            "2",
        ],
        b"",
    );
    assert_exit(&o, 0);
    assert_eq!(stdout(&o).lines().count(), 10_001);
}

#[test]
fn the_same_bytes_whatever_the_threads() {
    let (input, scenario) = kc();
    let sweep = |threads: &[&str]| {
        let mut args = vec![
            "sweep",
            s(&input),
            "-s",
            s(&scenario),
            "--target",
            "70:160:0.5",
            "-f",
            "csv",
        ];
        args.extend(threads);
        let o = rebase(&args, b"");
        assert_exit(&o, 0);
        o.stdout
    };
    let one = sweep(&["--threads", "1"]);
    assert_eq!(one, sweep(&[]));
    assert_eq!(one, sweep(&["--threads", "3"]));
    let (_, rows) = parse_csv(std::str::from_utf8(&one).unwrap());
    assert_eq!(rows.len(), 181);
}

#[test]
fn files_are_written_atomically_and_never_over_an_input() {
    let (input, scenario) = kc();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sweep.csv");
    let svg = dir.path().join("sweep.svg");
    let args = |force: bool| {
        let mut a = vec![
            "sweep".to_owned(),
            s(&input).to_owned(),
            "-s".to_owned(),
            s(&scenario).to_owned(),
            "--target".to_owned(),
            "80:90:1".to_owned(),
            "-o".to_owned(),
            s(&csv).to_owned(),
            "--chart".to_owned(),
            s(&svg).to_owned(),
        ];
        if force {
            a.push("--force".to_owned());
        }
        a
    };
    let call = |force: bool| {
        let a = args(force);
        rebase(&a.iter().map(String::as_str).collect::<Vec<_>>(), b"")
    };
    let o = call(false);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty(), "-o takes the table's place");
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("target_price,")
    );
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.contains("goal £500,000.00 (gross)"));
    // Again without --force: refused, both files kept.
    let o = call(false);
    assert_exit(&o, 73);
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), chart);
    assert_exit(&call(true), 0);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no temporary left: {names:?}");
    // An input is never an output.
    let o = rebase(
        &[
            "sweep",
            s(&input),
            "--target",
            "80:90:1",
            "-f",
            "csv",
            "-o",
            s(&input),
            "--force",
        ],
        b"",
    );
    assert_exit(&o, 73);
}

#[test]
fn the_table_names_the_scenario_and_the_goal() {
    let (input, scenario) = kc();
    let o = rebase(
        &[
            "sweep",
            s(&input),
            "-s",
            s(&scenario),
            "--target",
            "140:150:2.5",
        ],
        b"",
    );
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "Sweep: Kensington & Chelsea PMS re-basing, 5 target prices from £140.00 to £150.00\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("Goal: a saving of £500,000.00 in year 2 (gross): met at 3 of 5 prices, the highest £145.00."),
        "{out}"
    );
    // Warnings are printed once, on standard error only (SPEC §9.8).
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(!out.contains("warning"));
}
