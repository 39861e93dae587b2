//! Every `fixtures/*/` directory through `rebase check` (the code CI runs),
//! and a changed penny is caught.

use crate::common::{code, fixture, rebase, root, s, stdout};

/// Every fixture, one test each, so the first failure does not hide the
/// rest; `the_list_names_every_fixture` keeps the list whole.
macro_rules! fixture_tests {
    ($($test:ident => $dir:literal,)*) => {
        const LISTED: &[&str] = &[$($dir),*];
        $(
            #[test]
            fn $test() {
                matches_expected(&fixture($dir));
            }
        )*
    };
}

fixture_tests! {
    haringey_2009 => "haringey-2009",
    kensington_chelsea => "kensington-chelsea",
    method_average => "method-average",
    method_banding => "method-banding",
    method_gms_average => "method-gms-average",
    method_mean => "method-mean",
    method_median => "method-median",
    nhse_2014_review => "nhse-2014-review",
    option_outliers_exclude => "option-outliers-exclude",
    option_per_weighted => "option-per-weighted",
    option_reinvest_all_registered => "option-reinvest-all-registered",
    option_retain_floor => "option-retain-floor",
    option_uplift => "option-uplift",
}

/// `rebase check` passes the fixture, and `run -f csv` prints its
/// `expected.csv` byte for byte.
fn matches_expected(dir: &std::path::Path) {
    let o = rebase(&["check", s(dir)], b"");
    assert_eq!(code(&o), 0, "{}: {}", dir.display(), stdout(&o));
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

#[test]
fn the_list_names_every_fixture() {
    let mut dirs: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.csv").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, LISTED, "add the new fixture to fixture_tests!");
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
