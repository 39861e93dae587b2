//! The xlsx workbook and the SVG chart (issue 4), read back with real
//! readers: calamine for the workbook, an XML well-formedness check for
//! the chart.

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};

use crate::common::{code, fixture, parse_csv, rebase, s, stderr, stdout};

const HYPERLINK: &str = r#"=HYPERLINK("http://x","click")"#;

fn kc(file: &str) -> PathBuf {
    fixture("kensington-chelsea").join(file)
}

/// `rebase run` on the K&C fixture with extra arguments.
fn run_kc(practices: &Path, extra: &[&str]) -> std::process::Output {
    let scenario = kc("scenario.toml");
    let mut args = vec!["run", s(practices), "-s", s(&scenario)];
    args.extend_from_slice(extra);
    rebase(&args, b"")
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.worksheet_range(name).unwrap()
}

fn row_of<'a>(range: &'a Range<Data>, code: &str) -> &'a [Data] {
    range
        .rows()
        .find(|r| r.first() == Some(&Data::String(code.to_owned())))
        .unwrap_or_else(|| panic!("no row for {code}"))
}

fn column(range: &Range<Data>, name: &str) -> usize {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|c| c == &Data::String(name.to_owned()))
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The K&C practice file with E87021's name replaced by a formula.
fn hostile_practices(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(kc("practices.csv")).unwrap();
    let quoted = format!("\"{}\"", HYPERLINK.replace('"', "\"\""));
    let text = text.replace("Gloucester Road Surgery", &quoted);
    assert!(text.contains("HYPERLINK"));
    let path = dir.join("practices.csv");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn run_writes_a_workbook_with_practices_summary_and_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.xlsx");
    let o = run_kc(&kc("practices.csv"), &["-o", s(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");

    let book: Xlsx<_> = open_workbook(&out).unwrap();
    // Issue 12 added the laid-out Summary, the chart and the long form's own sheet.
    assert_eq!(
        book.sheet_names(),
        [
            "Practices",
            "Summary",
            "Price chart",
            "Savings (all measures)",
            "Scenario"
        ]
    );

    // The Practices header is the CSV header (SPEC §7).
    let csv = run_kc(&kc("practices.csv"), &["-f", "csv"]);
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    let (csv_header, csv_rows) = parse_csv(&stdout(&csv));
    let practices = sheet(&out, "Practices");
    let header = crate::common::header_row(&practices);
    assert_eq!(header, csv_header);
    // The header, a row per practice, and the table's total row.
    assert_eq!(practices.height(), csv_rows.len() + 2);

    // Money is a number, not text, and exact to the penny.
    let e87021 = row_of(&practices, "E87021");
    assert_eq!(
        e87021[column(&practices, "core_rebased")],
        Data::Float(429_959.31)
    );
    assert_eq!(
        e87021[column(&practices, "core_now")],
        Data::Float(547_832.24)
    );
    assert_eq!(e87021[column(&practices, "list_used")], Data::Float(5027.0));
    // A percentage is stored as a fraction (shown as -21.52%).
    let pct = &e87021[column(&practices, "change_pct")];
    assert!(
        matches!(pct, Data::Float(f) if (f - -0.2152).abs() < 1e-12),
        "{pct:?}"
    );
    // Text stays text.
    assert_eq!(
        e87021[column(&practices, "contract")],
        Data::String("PMS".into())
    );

    // The long-form savings carry the target as a number.
    let summary = sheet(&out, "Savings (all measures)");
    let target = summary
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("target_price".into())))
        .unwrap();
    assert_eq!(target[2], Data::Float(85.53));

    // The scenario sheet names its keys.
    let scenario = sheet(&out, "Scenario");
    assert!(
        scenario
            .rows()
            .any(|r| r.first() == Some(&Data::String("name".into()))),
        "{scenario:?}"
    );
}

#[test]
fn a_formula_in_a_name_stays_text_in_xlsx_and_is_neutralised_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let practices = hostile_practices(dir.path());

    let out = dir.path().join("out.xlsx");
    let o = run_kc(&practices, &["-o", s(&out)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let sheet = sheet(&out, "Practices");
    let row = row_of(&sheet, "E87021");
    assert_eq!(row[1], Data::String(HYPERLINK.to_owned()));
    // Not stored as a formula either: the only formulas are the table's totals.
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let formulas = book.worksheet_formula("Practices").unwrap();
    assert!(
        formulas
            .used_cells()
            .all(|(_, _, f)| f.is_empty() || f.starts_with("SUBTOTAL(109,PracticeTable["))
    );

    let csv = run_kc(&practices, &["-f", "csv"]);
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    let (_, rows) = parse_csv(&stdout(&csv));
    let row = rows.iter().find(|r| r[0] == "E87021").unwrap();
    assert_eq!(row[1], format!("'{HYPERLINK}"));
}

#[test]
fn write_workbook_in_process_keeps_sheet_order() {
    use rebase::output::xlsx::{Sheet, write_workbook};
    use rebase::report::{Cell, Column, Kind, Report};
    let report = Report {
        columns: vec![
            Column::new("name", Kind::Text),
            Column::new("n", Kind::Count),
        ],
        rows: vec![vec![Cell::Text("+1".into()), Cell::Count(7)]],
    };
    let mut bytes = Vec::new();
    let sheets = [
        Sheet {
            name: "B",
            report: &report,
        },
        Sheet {
            name: "A",
            report: &report,
        },
    ];
    write_workbook(&sheets, &mut bytes).unwrap();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["B", "A"]);
    let b = book.worksheet_range("B").unwrap();
    assert_eq!(b.get((1, 0)), Some(&Data::String("+1".into())));
    assert_eq!(b.get((1, 1)), Some(&Data::Float(7.0)));
}

/// Checks that tags nest and close (enough to say a browser will parse it).
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>').expect("every tag closes");
        let tag = &after[..close];
        rest = &after[close + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name.trim()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().expect("a tag name");
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    // Text between tags has no bare `<` or `&`.
    for text in xml.split('>').filter_map(|t| t.split('<').next()) {
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bare & in {text:?}"
            );
        }
    }
}

#[test]
fn chart_writes_an_svg_with_the_target_marked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.svg");
    let o = rebase(
        &[
            "chart",
            s(&kc("practices.csv")),
            "-s",
            s(&kc("scenario.toml")),
            "--floor",
            "80",
            "-o",
            s(&out),
        ],
        b"",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let svg = fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_well_formed(&svg);
    for text in [
        "target £85.53",
        "floor £80.00",
        "£ per patient",
        "practices, sorted by price now",
        "price now",
        "after re-basing",
        "Kensington &amp; Chelsea PMS re-basing",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
    // One marker per practice and series (36 practices, none with a zero list).
    assert_eq!(svg.matches("<circle").count(), 2 * 36 + 2);
}

#[test]
fn chart_refuses_other_extensions_and_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("chart.png");
    let o = rebase(&["chart", s(&kc("practices.csv")), "-o", s(&png)], b"");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(".svg"), "{}", stderr(&o));
    assert!(!png.exists());

    let svg = dir.path().join("chart.svg");
    fs::write(&svg, "keep me").unwrap();
    let o = rebase(&["chart", s(&kc("practices.csv")), "-o", s(&svg)], b"");
    assert_eq!(code(&o), 73, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&svg).unwrap(), "keep me");

    let o = rebase(
        &["chart", s(&kc("practices.csv")), "-o", s(&svg), "--force"],
        b"",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(fs::read_to_string(&svg).unwrap().starts_with("<svg"));
}
