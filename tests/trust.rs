//! SPEC §9's rules that are not about files, input or the terminal: the
//! floor above the target, ragged fixtures, and the smaller findings of the
//! adversarial pass (issue 10).

use crate::common::{code, fixture, rebase, run_fixture, s, stderr, stdout};

/// A copy of the K&C fixture whose `expected.csv` is edited by `edit`.
fn kc_with_expected(edit: impl Fn(&str) -> Vec<u8>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["practices.csv", "scenario.toml"] {
        std::fs::copy(fixture("kensington-chelsea").join(f), tmp.path().join(f)).unwrap();
    }
    let expected =
        std::fs::read_to_string(fixture("kensington-chelsea").join("expected.csv")).unwrap();
    std::fs::write(tmp.path().join("expected.csv"), edit(&expected)).unwrap();
    tmp
}

#[test]
fn check_fails_a_row_with_extra_cells_naming_its_line() {
    let tmp = kc_with_expected(|text| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[3].push_str(",surplus");
        (lines.join("\n") + "\n").into_bytes()
    });
    let o = rebase(&["check", s(tmp.path())], b"");
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("(line 4)"), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 passed, 1 failed"), "{}", stdout(&o));
}

/// The same with lines ended the Windows way: the csv reader's own line
/// lags one behind after `\r\n`, and the message must not.
#[test]
fn check_names_the_true_line_of_a_crlf_expected_csv() {
    let tmp = kc_with_expected(|text| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[3].push_str(",surplus");
        (lines.join("\r\n") + "\r\n").into_bytes()
    });
    let o = rebase(&["check", s(tmp.path())], b"");
    assert!(stdout(&o).contains("(line 4)"), "{}", stdout(&o));
}

#[test]
fn check_fails_an_unreadable_expected_csv() {
    let tmp = kc_with_expected(|text| {
        let mut bytes = text.as_bytes().to_vec();
        bytes.extend_from_slice(b"E99999,\"never closed\n");
        bytes
    });
    let o = rebase(&["check", s(tmp.path())], b"");
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("FAIL"), "{}", stdout(&o));
    let tmp = kc_with_expected(|text| {
        let mut bytes = text.as_bytes().to_vec();
        bytes.extend_from_slice(b"E99999,\xff\xfe\n");
        bytes
    });
    let o = rebase(&["check", s(tmp.path())], b"");
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("is not UTF-8 text"), "{}", stdout(&o));
}

#[test]
fn a_floor_above_the_target_is_named_and_the_price_paid_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, sav) = (tmp.path().join("x.csv"), tmp.path().join("s.csv"));
    let o = run_fixture(
        "kensington-chelsea",
        &[
            "--target",
            "90",
            "--floor",
            "95",
            "-o",
            s(&out),
            "--savings",
            s(&sav),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the floor is above the target, so practices above the target are paid the floor, not the target (target £90.00, floor £95.00)"),
        "{}",
        stderr(&o)
    );
    let savings = std::fs::read_to_string(&sav).unwrap();
    assert!(
        savings.contains("all,target_price,90.00\nall,price_paid,95.00\n"),
        "{savings}"
    );
    // Without the conflict there is no such line.
    let o = run_fixture(
        "kensington-chelsea",
        &["-o", s(&out), "--savings", s(&sav), "--force"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        !std::fs::read_to_string(&sav)
            .unwrap()
            .contains("price_paid")
    );
    assert!(!stderr(&o).contains("floor is above"));
}

#[test]
fn a_change_too_small_to_show_is_zero_not_minus_zero() {
    let csv = "practice_code,contract,list_exeter,pms_baseline\nA,PMS,1000000,1000000.01\n";
    let o = rebase(
        &["run", "-", "--target", "1.00", "-f", "csv"],
        csv.as_bytes(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("-0.00"), "{out}");
    // change -0.01 on £1,000,000.01 is -0.000001%: shown as 0.00.
    assert!(out.contains(",-0.01,0.00,"), "{out}");
}

#[test]
fn a_scenario_number_too_large_says_so_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, "[goal]\nsaving = 99999999999999999999\n").unwrap();
    let p = fixture("kensington-chelsea").join("practices.csv");
    let o = rebase(&["run", s(&p), "-s", s(&scenario), "-f", "csv"], b"");
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("line 2, column 10: a whole number too large to read"),
        "{err}"
    );
    assert!(!err.contains("i128"), "{err}");
}

#[test]
fn a_failing_batch_scenario_is_named_once() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[taper]\nschedule = [\"10%\"]\n").unwrap();
    let out = tmp.path().join("out");
    let p = fixture("kensington-chelsea").join("practices.csv");
    let o = rebase(&["batch", s(&p), s(&bad), "--out", s(&out)], b"");
    assert_eq!(code(&o), 2);
    let line = stderr(&o).lines().next().unwrap().to_owned();
    assert_eq!(line.matches("bad.toml").count(), 1, "{line}");
    assert!(line.contains("key `taper.schedule`"), "{line}");
}

#[test]
fn a_practice_in_no_band_fails_its_batch_scenario_as_a_data_error() {
    // The CSV is written as each practice is worked out: the calculation's
    // refusal is still a data error naming the line, and leaves no file.
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("method-banding");
    let scenario = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    let gap = tmp.path().join("gap.toml");
    std::fs::write(
        &gap,
        scenario.replace("from = \"0\", to = \"90\"", "from = \"89\", to = \"90\""),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = rebase(
        &[
            "batch",
            s(&dir.join("practices.csv")),
            s(&gap),
            "--out",
            s(&out),
        ],
        b"",
    );
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("line 2: practice F85001"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("gap.csv").exists());
}

#[test]
fn the_savings_table_shows_the_floor_paid_above_the_target() {
    let o = run_fixture("kensington-chelsea", &["--target", "90", "--floor", "95"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Price paid                  £95.00 (the floor, above the target)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_goal_beyond_a_one_year_taper_says_year_not_years() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(
        &scenario,
        "[taper]\nschedule = [\"100%\"]\n[goal]\nsaving = \"1\"\nyear = 2\n",
    )
    .unwrap();
    let p = fixture("kensington-chelsea").join("practices.csv");
    let o = rebase(&["run", s(&p), "-s", s(&scenario), "-f", "csv"], b"");
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("is 2, but the taper has 1 year\n"),
        "{}",
        stderr(&o)
    );
}
