//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// `../shared/data/nhs-payments/<file>`, or `None` (with a note) when the
/// shared data is absent outside CI. In CI (`CI` set) its absence fails.
pub fn shared_payments(file: &str) -> Option<PathBuf> {
    let path = root().join("../shared/data/nhs-payments").join(file);
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing: CI must run with ../shared/ beside the project",
        path.display()
    );
    eprintln!("skipped: ../shared/data not found ({})", path.display());
    None
}

/// Runs the binary with arguments and standard input.
pub fn rebase(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_rebase"));
    cmd.args(args).write_stdin(stdin.to_vec());
    cmd.output().expect("the rebase binary runs")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// The exit code.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

/// Parses CSV text into (header, rows).
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// A path as &str.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Whether `python3` runs (asked once): outside CI its absence skips the
/// oracle's tests with a note; in CI it fails them.
pub fn python3() -> bool {
    static WORKS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WORKS.get_or_init(|| {
        let works = std::process::Command::new("python3")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !works {
            assert!(
                std::env::var_os("CI").is_none(),
                "python3 is missing: CI must run the oracle's tests"
            );
            eprintln!("skipped: python3 not found, the oracle's tests did not run");
        }
        works
    })
}

/// `rebase run` on a fixture's practices and scenario, with `extra` flags.
pub fn run_fixture(name: &str, extra: &[&str]) -> Output {
    let dir = fixture(name);
    let (practices, scenario) = (dir.join("practices.csv"), dir.join("scenario.toml"));
    let mut args = vec!["run", s(&practices), "-s", s(&scenario)];
    args.extend_from_slice(extra);
    rebase(&args, b"")
}

/// A sheet's first row as text (its header).
pub fn header_row(range: &calamine::Range<calamine::Data>) -> Vec<String> {
    range
        .rows()
        .next()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}
