//! Trusting the input (issue 10, SPEC §9.1, §9.5, §9.6, §9.7): a misspelt
//! column, an unbounded or binary file, a NUL, a UTF-16 or semicolon file
//! and a file cut short are each refused with one sentence (exit 65),
//! never read as something they are not.
//!
//! Each case runs the real binary in a fresh folder and states its exit
//! code, the one line on standard error, and that the folder is unchanged.

use std::path::Path;
use std::process::Output;

use crate::common::{code, fixture, rebase, root, s, stderr, stdout};

/// A fresh folder for one case.
struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        Folder {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> String {
        s(&self.dir.path().join(name)).to_owned()
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Runs `rebase ARGS` with `stdin`: exit `exit`, one `error: ` line
    /// naming every wanted fragment, nothing on standard output, nothing
    /// new in the folder. Returns the line.
    fn fails(&self, args: &[&str], stdin: &[u8], exit: i32, wanted: &[&str]) -> String {
        let before = self.names();
        let line = error_line(&rebase(args, stdin), exit);
        for w in wanted {
            assert!(line.contains(w), "`{w}` is not in: {line}");
        }
        assert_eq!(self.names(), before, "the folder is unchanged ({line})");
        line
    }
}

/// Asserts the exit code and returns standard error's one `error: ` line.
fn error_line(o: &Output, exit: i32) -> String {
    let err = stderr(o);
    assert!(
        !err.contains("panicked"),
        "a panic reached the user:\n{err}"
    );
    assert_eq!(code(o), exit, "exit code; stderr:\n{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line on standard error:\n{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(o.stdout.is_empty(), "nothing on standard output");
    lines[0].to_owned()
}

/// A good practice file: two PMS practices and one GMS.
const GOOD: &str = "practice_code,practice_name,contract,list_exeter,global_sum,pms_baseline\n\
    P1,One,PMS,1000,0,90000\n\
    P2,Two,PMS,2000,0,150000\n\
    G1,Three,GMS,1500,120000,0\n";

/// `rebase run FILE -f csv` succeeds; returns (stdout, stderr).
/// The good file with `headers` added to its header and `cells` to every row.
fn with_columns(headers: &str, cells: &str) -> String {
    GOOD.lines()
        .enumerate()
        .map(|(i, l)| {
            let added = if i == 0 { headers } else { cells };
            [l, ",", added, "\n"].concat()
        })
        .collect()
}

fn runs(file: &str) -> (String, String) {
    let o = rebase(&["run", file, "-f", "csv"], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (stdout(&o), stderr(&o))
}

// ---------------------------------------------------------------------------
// SPEC §9.1: columns.
// ---------------------------------------------------------------------------

#[test]
fn a_misspelt_column_is_an_error_naming_the_column_it_meant() {
    // Before: exit 0, every PMS practice a core of £0.00 and "not re-based".
    let f = Folder::new();
    let p = f.write("p.csv", GOOD.replace("pms_baseline", "pms_basline"));
    f.fails(
        &["run", &p],
        b"",
        65,
        &[
            "p.csv, line 1, column `pms_basline`",
            "did you mean `pms_baseline`?",
        ],
    );
}

#[test]
fn each_kind_of_single_edit_is_a_likely_typo() {
    let cases = [
        ("pms_basline", "pms_baseline"),   // a letter dropped
        ("pms_baseeline", "pms_baseline"), // a letter added
        ("pms_baselina", "pms_baseline"),  // a letter changed
        ("pms_baesline", "pms_baseline"),  // two letters swapped
        ("qfo", "qof"),                    // swapped, in a short name
        ("Ghost", "ghosts"),               // case and spaces do not count
    ];
    for (typo, meant) in cases {
        let f = Folder::new();
        let header = if meant == "pms_baseline" {
            GOOD.replace("pms_baseline", typo)
        } else {
            GOOD.replace("global_sum", typo)
        };
        let p = f.write("p.csv", header);
        f.fails(
            &["run", &p],
            b"",
            65,
            &[
                &format!("column `{typo}`"),
                &format!("did you mean `{meant}`?"),
            ],
        );
    }
}

#[test]
fn two_edits_of_a_long_name_is_a_likely_typo() {
    let f = Folder::new();
    let p = f.write("p.csv", GOOD.replace("global_sum", "weigted_lst"));
    f.fails(
        &["run", &p],
        b"",
        65,
        &["column `weigted_lst`", "did you mean `weighted_list`?"],
    );
}

#[test]
fn an_unknown_column_is_named_in_a_warning() {
    // `notes` is two edits from `nes`, a short name: only a warning.
    let f = Folder::new();
    let p = f.write("p.csv", with_columns("notes,CCG Name", "x,y"));
    let (out, err) = runs(&p);
    assert_eq!(out, runs(&f.write("good.csv", GOOD)).0, "the figures");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("warning: ") && err.contains("`notes`") && err.contains("`CCG Name`"),
        "{err}"
    );
    // The JSON carries it too.
    let o = rebase(&["run", &p, "-f", "json"], b"");
    assert!(stdout(&o).contains("\"code\": \"unknown_column\""));
}

#[test]
fn a_near_miss_beside_the_column_itself_is_only_a_warning() {
    // The file has `pms_baseline`: `pms_baseline2` beside it is another column.
    let f = Folder::new();
    let p = f.write("p.csv", with_columns("pms_baseline2", "1"));
    let (_, err) = runs(&p);
    assert!(err.contains("`pms_baseline2`"), "{err}");
}

#[test]
fn payments_files_keep_their_own_header_rules() {
    // The publication's many columns (`CCG Name`, `PCN Code`, ...) are
    // neither errors nor warnings.
    let path = root().join("tests/data/nhs/nhspaymentsgp-19-20-csv.csv");
    let o = rebase(&["import", s(&path)], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("column"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------
// SPEC §9.5: bounds.
// ---------------------------------------------------------------------------

#[test]
fn a_file_without_line_breaks_is_refused_at_its_longest_line() {
    let f = Folder::new();
    let p = f.write("blob.csv", vec![b'a'; 3 << 20]);
    f.fails(
        &["run", &p],
        b"",
        65,
        &["blob.csv, line 1: ", "longer than 1 MiB"],
    );
}

#[cfg(unix)]
#[test]
fn dev_zero_is_refused_by_max_input_and_by_the_longest_line() {
    let f = Folder::new();
    f.fails(
        &["run", "/dev/zero", "--max-input", "100K"],
        b"",
        65,
        &["/dev/zero: ", "larger than --max-input (100 KiB)"],
    );
    f.fails(
        &["run", "/dev/zero"],
        b"",
        65,
        &["/dev/zero, line 1: ", "longer than 1 MiB"],
    );
}

/// A scenario or an expected file is read within a bound too: `/dev/zero`
/// named as either is refused at once, not read until memory runs out.
#[cfg(unix)]
#[test]
fn dev_zero_as_a_scenario_or_an_expected_file_is_refused() {
    let f = Folder::new();
    let p = f.write("p.csv", GOOD);
    f.fails(
        &["run", &p, "--scenario", "/dev/zero"],
        b"",
        2,
        &["scenario /dev/zero is larger than 64 MiB"],
    );
    let dir = std::path::PathBuf::from(f.path("fixture"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("practices.csv"), GOOD).unwrap();
    std::fs::write(dir.join("scenario.toml"), "").unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("expected.csv")).unwrap();
    f.fails(
        &["check", s(&dir)],
        b"",
        2,
        &["expected.csv is larger than 256 MiB"],
    );
}

#[test]
fn a_file_larger_than_max_input_is_refused_before_it_is_read() {
    let f = Folder::new();
    let p = f.write("p.csv", GOOD);
    f.fails(
        &["run", &p, "--max-input", "64"],
        b"",
        65,
        &["p.csv: ", "larger than --max-input (64 bytes)"],
    );
    f.fails(
        &["run", "-", "--max-input", "64"],
        GOOD.as_bytes(),
        65,
        &["<stdin>: ", "larger than --max-input (64 bytes)"],
    );
    assert_eq!(
        code(&rebase(&["run", &p, "--max-input", "1KiB"], b"")),
        0,
        "a file within bounds is read"
    );
    let o = rebase(&["run", &p, "--max-input", "lots"], b"");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn every_command_that_reads_a_practice_file_takes_max_input() {
    let f = Folder::new();
    let p = f.write("p.csv", GOOD);
    let scenario = f.write("s.toml", "");
    let svg = f.path("c.svg");
    let out = f.path("out");
    let fixture_dir = f.path("fx");
    std::fs::create_dir(&fixture_dir).unwrap();
    for name in ["practices.csv", "scenario.toml", "expected.csv"] {
        std::fs::copy(
            fixture("method-average").join(name),
            Path::new(&fixture_dir).join(name),
        )
        .unwrap();
    }
    let commands: [&[&str]; 9] = [
        &["run", &p],
        &["solve", &p, "--saving", "1000"],
        &["explain", &p, "P1"],
        &["batch", &p, &scenario, "--out", &out],
        &["variation", &p],
        &["import", &p],
        &["chart", &p, "-o", &svg],
        &["sweep", &p, "--target", "80:90:1"],
        &["check", &fixture_dir],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--max-input", "64"]);
        f.fails(&args, b"", 65, &["larger than --max-input (64 bytes)"]);
    }
}

// ---------------------------------------------------------------------------
// SPEC §9.6: NUL.
// ---------------------------------------------------------------------------

#[test]
fn a_nul_is_a_data_error_naming_its_line_and_column() {
    let f = Folder::new();
    let p = f.write("p.csv", GOOD.replace("Two", "T\0wo"));
    f.fails(
        &["run", &p],
        b"",
        65,
        &["p.csv, line 3, column `practice_name`", "NUL"],
    );
    let p = f.write("h.csv", GOOD.replace("list_exeter", "list\0exeter"));
    f.fails(
        &["run", &p],
        b"",
        65,
        &["h.csv, line 1, column `list", "exeter`", "NUL"],
    );
}

// ---------------------------------------------------------------------------
// SPEC §9.7: encodings and separators.
// ---------------------------------------------------------------------------

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut units: Vec<u16> = Vec::new();
    if bom {
        units.push(0xFEFF);
    }
    units.extend(text.encode_utf16());
    units
        .into_iter()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_with_a_byte_order_mark_is_read_as_such() {
    let f = Folder::new();
    let want = runs(&f.write("good.csv", GOOD)).0;
    let text = GOOD.replace("One", "Øne £");
    let want_named = runs(&f.write("named.csv", &text)).0;
    assert_ne!(want, want_named);
    for big_endian in [false, true] {
        let p = f.write("u16.csv", utf16(&text, big_endian, true));
        assert_eq!(runs(&p).0, want_named, "big endian: {big_endian}");
    }
}

#[test]
fn excel_unicode_text_is_read_and_then_refused_as_tab_separated() {
    let f = Folder::new();
    let p = f.write("unicode.txt", utf16(&GOOD.replace(',', "\t"), false, true));
    f.fails(
        &["run", &p],
        b"",
        65,
        &[
            "unicode.txt, line 1: ",
            "tab-separated",
            "save the file as CSV",
        ],
    );
}

#[test]
fn utf16_without_a_byte_order_mark_says_so() {
    let f = Folder::new();
    for big_endian in [false, true] {
        let p = f.write("u16.csv", utf16(GOOD, big_endian, false));
        f.fails(
            &["run", &p],
            b"",
            65,
            &["u16.csv: ", "UTF-16", "without a byte-order mark"],
        );
    }
}

#[test]
fn utf32_says_so() {
    let f = Folder::new();
    let le: Vec<u8> = std::iter::once(0xFEFF_u32)
        .chain(GOOD.chars().map(u32::from))
        .flat_map(u32::to_le_bytes)
        .collect();
    let be: Vec<u8> = std::iter::once(0xFEFF_u32)
        .chain(GOOD.chars().map(u32::from))
        .flat_map(u32::to_be_bytes)
        .collect();
    for bytes in [le, be] {
        let p = f.write("u32.csv", bytes);
        f.fails(&["run", &p], b"", 65, &["u32.csv: ", "UTF-32"]);
    }
}

#[test]
fn a_semicolon_or_tab_separated_header_says_so() {
    let f = Folder::new();
    let p = f.write("semi.csv", GOOD.replace(',', ";"));
    f.fails(
        &["run", &p],
        b"",
        65,
        &[
            "semi.csv, line 1: ",
            "separated by semicolons, not commas",
            "save the file as CSV (comma delimited)",
        ],
    );
    let p = f.write("tab.csv", GOOD.replace(',', "\t"));
    f.fails(
        &["run", &p],
        b"",
        65,
        &["tab.csv, line 1: ", "tab-separated"],
    );
}

// ---------------------------------------------------------------------------
// Smaller findings.
// ---------------------------------------------------------------------------

#[test]
fn a_calculation_error_on_standard_input_names_stdin() {
    // An unknown premium service is found by the calculation, not the reader.
    let body = "practice_code,contract,list_exeter,pms_baseline,premium\nP1,PMS,1000,90000,bogus\n";
    let f = Folder::new();
    f.fails(
        &["run", "-", "--premium", "data=1.00"],
        body.as_bytes(),
        65,
        &["error: <stdin>, line 2, column `premium`", "bogus"],
    );
}

#[test]
fn import_notices_a_file_cut_inside_its_last_row() {
    let f = Folder::new();
    let whole = std::fs::read(root().join("tests/data/nhs/nhspaymentsgp-19-20-csv.csv")).unwrap();
    // Cut inside the last cell: every cell is still there.
    let cut = f.write("cut.csv", &whole[..whole.len() - 3]);
    f.fails(
        &["import", &cut],
        b"",
        65,
        &["cut.csv, line 5: ", "cut short"],
    );
    // Cut with fewer cells than the header.
    let cut = f.write("short.csv", &whole[..whole.len() - 40]);
    f.fails(
        &["import", &cut],
        b"",
        65,
        &["short.csv, line 5: ", "cut short"],
    );
    // A practice file cut inside a quoted name.
    let cut = f.write("quote.csv", "practice_code,practice_name,contract,list_exeter,pms_baseline\nP1,One,PMS,1000,90000\nP2,\"Two, and");
    f.fails(
        &["import", &cut],
        b"",
        65,
        &["quote.csv, line 3: ", "cut short"],
    );
}
