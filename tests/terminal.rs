//! What a person sees on a terminal (SPEC §9.6, §9.8): control characters
//! in codes, names, groups and scenario names shown escaped in tables and
//! `explain` (CSV and JSON keep them); the default table sized to the
//! terminal, 80 columns at least, with `--wide` for every column; each
//! warning printed once, on standard error. Snapshots (`insta`) hold what
//! users see of the Kensington & Chelsea and 2014-style fixtures.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{code, fixture, rebase, s, stderr, stdout};

/// An escape sequence that would turn a terminal's text red.
const ESC: &str = "\u{1b}[31m";
/// How it must be shown.
const SHOWN: &str = "\\u{1b}[31m";

fn kc() -> (PathBuf, PathBuf) {
    let dir = fixture("kensington-chelsea");
    (dir.join("practices.csv"), dir.join("scenario.toml"))
}

/// `rebase run` on a fixture with extra arguments; exits 0.
fn run_fixture(name: &str, extra: &[&str]) -> Output {
    let dir = fixture(name);
    let mut args = vec![
        "run",
        s(&dir.join("practices.csv")),
        "-s",
        s(&dir.join("scenario.toml")),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = rebase(&args, b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    o
}

/// The widest line, in characters (what a terminal counts), with the line.
fn widest(text: &str) -> (usize, String) {
    text.lines()
        .map(|l| (l.chars().count(), l.to_owned()))
        .max()
        .unwrap_or_default()
}

fn assert_fits(text: &str, width: usize) {
    let (n, line) = widest(text);
    assert!(n <= width, "a line of {n} characters:\n{line}\n\n{text}");
}

/// Five practices, one with an escape sequence in its code, name and
/// group, and a price far below the others (an outlier, so `variation`
/// names it too); a scenario whose name carries one as well.
fn escaped_input(dir: &Path) -> (PathBuf, PathBuf) {
    let header =
        "practice_code,practice_name,contract,group,list_exeter,global_sum,mpig,pms_baseline";
    let mut csv = format!("{header}\nX{ESC}1,Red{ESC} Surgery,PMS,G{ESC}1,5000,0,0,50000.00\n");
    for (i, baseline) in [430_000, 440_000, 450_000, 460_000].iter().enumerate() {
        writeln!(csv, "P{i},Practice {i},PMS,G2,5000,0,0,{baseline}.00").unwrap();
    }
    csv.push_str("Q1,Quiet,GMS,G2,5000,400000.00,0,0\n");
    let practices = dir.join("practices.csv");
    std::fs::write(&practices, csv).unwrap();
    let scenario = dir.join("scenario.toml");
    std::fs::write(
        &scenario,
        "name = \"Red\\u001b[31m review\"\ncontracts = [\"PMS\"]\n[price]\nmethod = \"fixed\"\nvalue = \"85.00\"\n",
    )
    .unwrap();
    (practices, scenario)
}

fn assert_escaped(text: &str, what: &str) {
    assert!(!text.contains('\u{1b}'), "{what} has a raw escape:\n{text}");
    assert!(
        text.contains(SHOWN),
        "{what} does not show it escaped:\n{text}"
    );
}

#[test]
fn tables_show_control_characters_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, sc) = escaped_input(tmp.path());
    for extra in [&[][..], &["--wide"], &["--width", "80"], &["--by", "group"]] {
        let mut args = vec!["run", s(&p), "-s", s(&sc)];
        args.extend(extra);
        let o = rebase(&args, b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert_escaped(&stdout(&o), &format!("run {extra:?}"));
    }
    let wide = stdout(&rebase(&["run", s(&p), "-s", s(&sc), "--wide"], b""));
    for part in [
        format!("X{SHOWN}1"),
        format!("Red{SHOWN} Surgery"),
        format!("G{SHOWN}1"),
    ] {
        assert!(wide.contains(&part), "{part} in\n{wide}");
    }
}

#[test]
fn explain_shows_control_characters_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, sc) = escaped_input(tmp.path());
    let o = rebase(&["explain", s(&p), &format!("X{ESC}1"), "-s", s(&sc)], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert_escaped(&text, "explain");
    let first = text.lines().next().unwrap();
    for part in [
        format!("X{SHOWN}1"),
        format!("Red{SHOWN} Surgery"),
        format!("G{SHOWN}1"),
        format!("Red{SHOWN} review"),
    ] {
        assert!(first.contains(&part), "{part} in {first}");
    }
}

#[test]
fn variation_shows_control_characters_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, _) = escaped_input(tmp.path());
    for extra in [&[][..], &["--by", "group"]] {
        let mut args = vec!["variation", s(&p)];
        args.extend(extra);
        let o = rebase(&args, b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let text = stdout(&o);
        assert_escaped(&text, &format!("variation {extra:?}"));
        if extra.is_empty() {
            assert!(text.contains("Outliers"), "the outlier is listed:\n{text}");
        }
    }
}

#[test]
fn sweep_title_shows_the_scenario_name_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, sc) = escaped_input(tmp.path());
    let o = rebase(&["sweep", s(&p), "-s", s(&sc), "--target", "80:81:1"], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_escaped(&stdout(&o), "sweep");
}

#[test]
fn csv_and_json_keep_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let (p, sc) = escaped_input(tmp.path());
    let csv = stdout(&rebase(&["run", s(&p), "-s", s(&sc), "-f", "csv"], b""));
    assert!(
        csv.contains(&format!("X{ESC}1,Red{ESC} Surgery,PMS,G{ESC}1")),
        "{csv}"
    );
    let json = stdout(&rebase(&["run", s(&p), "-s", s(&sc), "-f", "json"], b""));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["scenario"]["name"], format!("Red{ESC} review"));
    let first = &doc["practices"][0];
    assert_eq!(first["practice_code"], format!("X{ESC}1"));
    assert_eq!(first["group"], format!("G{ESC}1"));
}

#[test]
fn width_80_fits_every_table_of_run() {
    for (name, scenario) in [
        ("kensington-chelsea", "scenario.toml"),
        ("kensington-chelsea", "scenario-reinvested.toml"),
        ("nhse-2014-review", "scenario.toml"),
        ("method-gms-average", "scenario.toml"),
        ("option-per-weighted", "scenario.toml"),
    ] {
        let dir = fixture(name);
        let o = rebase(
            &[
                "run",
                s(&dir.join("practices.csv")),
                "-s",
                s(&dir.join(scenario)),
                "--width",
                "80",
            ],
            b"",
        );
        assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
        assert_fits(&stdout(&o), 80);
    }
}

/// `variation` fits too: by group on the real national file it is 127
/// columns wide piped; at 80 the least useful columns are left out and
/// named, the PMS premium kept; `--wide` and a pipe keep every column.
#[test]
fn variation_fits_80_columns_and_names_what_it_leaves_out() {
    let dir = fixture("nhse-2014-review");
    let path = dir.join("practices.csv");
    let input = s(&path);
    let fitted = stdout(&rebase(
        &["variation", input, "--by", "group", "--width", "80"],
        b"",
    ));
    assert_fits(&fitted, 80);
    assert!(fitted.contains("PMS premium"), "{fitted}");
    assert!(fitted.contains("Not shown, to fit: "), "{fitted}");
    let piped = stdout(&rebase(&["variation", input, "--by", "group"], b""));
    let wide = stdout(&rebase(
        &[
            "variation",
            input,
            "--by",
            "group",
            "--wide",
            "--width",
            "80",
        ],
        b"",
    ));
    assert_eq!(wide, piped, "--wide shows what a pipe shows");
    assert!(!piped.contains("Not shown"), "{piped}");
    assert!(
        piped
            .lines()
            .any(|l| l.contains("range") && l.contains("mean")),
        "{piped}"
    );
}

/// `sweep` fits as well: a four-year review keeps the price, the goal and
/// the last year's savings, and names the earlier years it leaves out.
#[test]
fn sweep_fits_80_columns_keeping_the_last_years_savings() {
    let dir = fixture("nhse-2014-review");
    let (input, scenario) = (dir.join("practices.csv"), dir.join("scenario.toml"));
    let args = [
        "sweep",
        s(&input),
        "-s",
        s(&scenario),
        "--target",
        "80:90:1",
    ];
    let fitted = stdout(&rebase(&[&args[..], &["--width", "80"]].concat(), b""));
    assert_fits(&fitted, 80);
    let header: String = fitted.lines().skip(3).take(2).collect();
    assert!(
        header.contains("year 4") && header.contains("net saving"),
        "{fitted}"
    );
    assert!(
        fitted.contains("Not shown, to fit: year 2 saving, year 3 saving"),
        "{fitted}"
    );
    let piped = stdout(&rebase(&args, b""));
    assert!(
        !piped.contains("Not shown") && piped.contains("year 3"),
        "{piped}"
    );
}

/// `explain`'s long lines wrap under themselves at a width; piped they
/// stay whole (as the stored outputs of the older fixtures hold them).
#[test]
fn explain_wraps_its_long_lines_at_a_width() {
    let dir = fixture("kensington-chelsea");
    let (input, scenario) = (dir.join("practices.csv"), dir.join("scenario.toml"));
    let args = ["explain", s(&input), "E87035", "-s", s(&scenario)];
    let fitted = stdout(&rebase(&[&args[..], &["--width", "80"]].concat(), b""));
    assert_fits(&fitted, 80);
    assert!(
        fitted.contains("\n     -£518,163.31: still a loss"),
        "{fitted}"
    );
    let piped = stdout(&rebase(&args, b""));
    assert!(piped.lines().any(|l| l.chars().count() > 80), "{piped}");
    let wide = stdout(&rebase(
        &[&args[..], &["--width", "80", "--wide"]].concat(),
        b"",
    ));
    assert_eq!(wide, piped);
}

#[test]
fn at_80_columns_the_most_useful_columns_stay() {
    let out = stdout(&run_fixture("kensington-chelsea", &["--width", "80"]));
    let header = out.lines().nth(1).unwrap();
    for label in [
        "practice",
        "type",
        "£/pt now",
        "£/pt after",
        "change",
        "%",
        "flags",
    ] {
        assert!(header.contains(label), "{label} in {header}");
    }
    let wider = stdout(&run_fixture("kensington-chelsea", &["--width", "120"]));
    let header = wider.lines().nth(1).unwrap();
    for label in ["list", "core now", "core re-based", "premium"] {
        assert!(header.contains(label), "{label} in {header} at 120 columns");
    }
}

#[test]
fn a_width_below_80_is_taken_as_80() {
    let at_80 = stdout(&run_fixture("kensington-chelsea", &["--width", "80"]));
    let at_40 = stdout(&run_fixture("kensington-chelsea", &["--width", "40"]));
    assert_eq!(at_40, at_80);
}

#[test]
fn wide_shows_every_column_whatever_the_width() {
    let out = stdout(&run_fixture(
        "kensington-chelsea",
        &["--wide", "--width", "80"],
    ));
    let header = out.lines().nth(1).unwrap();
    for name in [
        "practice_name",
        "net_change",
        "gms_equivalent",
        "income_rebased",
    ] {
        assert!(header.contains(name), "{name} in {header}");
    }
}

#[test]
fn piped_without_a_width_the_table_is_as_before() {
    let (p, sc) = kc();
    let o = rebase(&["run", s(&p), "-s", s(&sc)], b"");
    insta::assert_snapshot!("kc_table_piped", stdout(&o));
}

#[test]
fn warnings_are_printed_once_on_standard_error() {
    let o = run_fixture("kensington-chelsea", &[]);
    let warning = "3 practices use the practice's own list pending full reconciliation";
    assert!(!stdout(&o).contains(warning), "{}", stdout(&o));
    assert!(!stdout(&o).contains("Warnings ("), "{}", stdout(&o));
    assert_eq!(stderr(&o).matches(warning).count(), 1, "{}", stderr(&o));
    let dir = fixture("method-gms-average");
    let v = rebase(&["variation", s(&dir.join("practices.csv"))], b"");
    assert_eq!(code(&v), 0, "{}", stderr(&v));
    assert!(!stdout(&v).contains("Warnings ("), "{}", stdout(&v));
    assert!(stderr(&v).contains("warning: "), "{}", stderr(&v));
}

#[test]
fn snapshot_kc_table_at_80_columns() {
    let o = run_fixture("kensington-chelsea", &["--width", "80"]);
    insta::assert_snapshot!("kc_table_80", stdout(&o));
}

#[test]
fn snapshot_kc_table_at_120_columns() {
    let o = run_fixture("kensington-chelsea", &["--width", "120"]);
    insta::assert_snapshot!("kc_table_120", stdout(&o));
}

#[test]
fn snapshot_kc_json() {
    let o = run_fixture("kensington-chelsea", &["-f", "json"]);
    insta::assert_snapshot!("kc_json", stdout(&o));
}

#[test]
fn snapshot_kc_explain() {
    let (p, sc) = kc();
    let o = rebase(&["explain", s(&p), "E87026", "-s", s(&sc)], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    insta::assert_snapshot!("kc_explain_e87026", stdout(&o));
}

#[test]
fn snapshot_nhse_2014_table_at_80_columns() {
    let o = run_fixture("nhse-2014-review", &["--width", "80"]);
    insta::assert_snapshot!("nhse_2014_table_80", stdout(&o));
}

/// tmux, if installed: CI installs it (`.ci/run`); elsewhere its absence
/// skips with a note.
fn tmux() -> bool {
    let works = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is missing: CI installs it (.ci/run)"
        );
        eprintln!("skipped: tmux not found");
    }
    works
}

/// What a `columns`-wide terminal shows of `rebase run` on K&C, lines that
/// the terminal wrapped joined again (`capture-pane -J`).
fn on_a_terminal(columns: u16) -> String {
    let socket = format!("rebase-test-{}-{columns}", std::process::id());
    let (p, sc) = kc();
    let command = format!(
        "{} run {} -s {}; echo END-OF-RUN; sleep 30",
        env!("CARGO_BIN_EXE_rebase"),
        s(&p),
        s(&sc)
    );
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap()
    };
    let cols = columns.to_string();
    let started = tmux(&[
        "new-session",
        "-d",
        "-x",
        &cols,
        "-y",
        "50",
        "env",
        "-u",
        "COLUMNS",
        "sh",
        "-c",
        &command,
    ]);
    assert!(started.status.success(), "{}", stderr(&started));
    let mut screen = String::new();
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        screen = stdout(&tmux(&["capture-pane", "-p", "-J", "-S", "-"]));
        if screen.contains("END-OF-RUN") {
            break;
        }
    }
    tmux(&["kill-server"]);
    assert!(
        screen.contains("END-OF-RUN"),
        "the run did not finish:\n{screen}"
    );
    screen
}

#[test]
fn an_80_column_terminal_shows_no_line_longer_than_80_and_each_warning_once() {
    if !tmux() {
        return;
    }
    for columns in [80, 100] {
        let screen = on_a_terminal(columns);
        assert_fits(&screen, usize::from(columns));
        let start = "3 practices use the practice's own list";
        assert_eq!(screen.matches(start).count(), 1, "{screen}");
        assert!(screen.contains("£/pt after"), "{screen}");
    }
}
