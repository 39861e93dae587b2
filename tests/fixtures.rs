//! Every `fixtures/*/` directory through `rebase check` (the code CI runs),
//! and a changed penny is caught.

use crate::common::{code, fixture, rebase, root, s, stdout};

fn fixture_dirs() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.csv").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 6, "fixtures are missing: {dirs:?}");
    dirs
}

#[test]
fn every_fixture_matches_its_expected_csv() {
    for dir in fixture_dirs() {
        let o = rebase(&["check", s(&dir)], b"");
        assert_eq!(code(&o), 0, "{}: {}", dir.display(), stdout(&o));
    }
}

#[test]
fn every_fixture_matches_the_run_command_csv() {
    for dir in fixture_dirs() {
        let o = rebase(
            &[
                "run",
                s(&dir.join("practices.csv")),
                "-s",
                s(&dir.join("scenario.toml")),
                "-f",
                "csv",
            ],
            b"",
        );
        let expected = std::fs::read_to_string(dir.join("expected.csv")).unwrap();
        assert_eq!(stdout(&o), expected, "{}", dir.display());
    }
}

#[test]
fn a_changed_penny_fails_with_a_cell_level_diff_and_bless_restores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kc");
    std::fs::create_dir(&dir).unwrap();
    for f in ["practices.csv", "scenario.toml", "expected.csv"] {
        std::fs::copy(fixture("kensington-chelsea").join(f), dir.join(f)).unwrap();
    }
    let expected = std::fs::read_to_string(dir.join("expected.csv")).unwrap();
    let changed = expected.replacen("429959.31", "429959.32", 1);
    assert_ne!(changed, expected);
    std::fs::write(dir.join("expected.csv"), &changed).unwrap();

    let o = rebase(&["check", s(&dir)], b"");
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("E87021  core_rebased  expected `429959.32`  actual `429959.31`"),
        "{out}"
    );
    assert!(out.contains("0 passed, 1 failed"), "{out}");

    let o = rebase(&["check", "--bless", s(&dir)], b"");
    assert_eq!(code(&o), 0);
    assert_eq!(
        std::fs::read_to_string(dir.join("expected.csv")).unwrap(),
        expected
    );
    assert_eq!(code(&rebase(&["check", s(&dir)], b"")), 0);
}
