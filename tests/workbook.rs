//! The workbook an analyst takes to the finance committee (issue 12), read
//! back with calamine: the sheets and their order, the Summary laid out as
//! the terminal's savings table with the same figures, the Practices
//! table's total row equal to the CSV's column sums to the penny, the By
//! group sheet adding up to the totals, and the charts present.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use rebase::report::Kind;
use rebase::report::practice_rows::columns;

use crate::common::{code, header_row, parse_csv, rebase, run_fixture, s, stderr, stdout};

/// Runs `fixture` into `dir/<fixture>.xlsx` and returns the path.
fn workbook(dir: &Path, fixture: &str) -> PathBuf {
    let out = dir.join(format!("{fixture}.xlsx"));
    let o = run_fixture(fixture, &["-o", s(&out)]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    out
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    book.worksheet_range(name).unwrap()
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
}

/// A number read back as the exact decimal it was written from (every
/// figure has at most two decimals, which a double holds exactly enough).
fn decimal(cell: &Data) -> Decimal {
    match cell {
        Data::Float(f) => Decimal::from_str(&format!("{f:.2}")).unwrap(),
        Data::Int(i) => Decimal::from(*i),
        other => panic!("not a number: {other:?}"),
    }
}

fn text(cell: &Data) -> &str {
    match cell {
        Data::String(t) => t,
        other => panic!("not text: {other:?}"),
    }
}

/// The row whose first cell is `label`.
fn row<'a>(range: &'a Range<Data>, label: &str) -> &'a [Data] {
    range
        .rows()
        .find(|r| r.first() == Some(&Data::String(label.to_owned())))
        .unwrap_or_else(|| panic!("no row {label}"))
}

/// Each row's cells as text, empty cells as nothing, joined by ` | `.
fn lines(range: &Range<Data>) -> String {
    let cell = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => format!("{f:.2}"),
        other => other.to_string(),
    };
    range
        .rows()
        .map(|r| {
            let cells: Vec<String> = r.iter().map(cell).collect();
            cells.join(" | ").trim_end_matches([' ', '|']).to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_sheets_are_in_order_and_practices_stays_first() {
    let dir = tempfile::tempdir().unwrap();
    let kc = workbook(dir.path(), "kensington-chelsea");
    assert_eq!(
        sheet_names(&kc),
        [
            "Practices",
            "Summary",
            "Price chart",
            "Savings (all measures)",
            "Scenario"
        ]
    );
    let nhse = workbook(dir.path(), "nhse-2014-review");
    assert_eq!(
        sheet_names(&nhse),
        [
            "Practices",
            "Summary",
            "By group",
            "Price chart",
            "Savings (all measures)",
            "Scenario"
        ]
    );
    // Both charts are native Excel charts in the file.
    let bytes = std::fs::read(&kc).unwrap();
    for part in ["xl/charts/chart1.xml", "xl/charts/chart2.xml"] {
        let name = part.as_bytes();
        assert!(bytes.windows(name.len()).any(|w| w == name), "no {part}");
    }
}

#[test]
fn the_summary_shows_the_terminals_savings_table_with_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let kc = workbook(dir.path(), "kensington-chelsea");
    let summary = sheet(&kc, "Summary");
    assert_eq!(
        summary.get((0, 0)),
        Some(&Data::String("Kensington & Chelsea PMS re-basing".into()))
    );
    let target = row(&summary, "Target price");
    assert_eq!(decimal(&target[1]), dec!(85.53));
    assert_eq!(text(&target[2]), "fixed, over 19 practices");
    // The years, headed and figured as `rebase run` prints them (README).
    let heading: Vec<&str> = row(&summary, "Year")[..5].iter().map(text).collect();
    assert_eq!(
        heading,
        [
            "Year",
            "Core paid",
            "Saving",
            "Premium reinvested",
            "Net saving"
        ]
    );
    let table = run_fixture("kensington-chelsea", &[]);
    let printed = stdout(&table);
    let years: Vec<Vec<Decimal>> = summary
        .rows()
        .skip_while(|r| r.first() != Some(&Data::String("Year".into())))
        .skip(1)
        .take(2)
        .map(|r| r[..5].iter().map(decimal).collect())
        .collect();
    assert_eq!(
        years,
        [
            [
                dec!(1),
                dec!(17665621.33),
                dec!(1193991.68),
                dec!(697242.00),
                dec!(496749.68)
            ],
            [
                dec!(2),
                dec!(16471629.69),
                dec!(2387983.32),
                dec!(697242.00),
                dec!(1690741.32)
            ],
        ]
    );
    for figure in [
        "17,665,621.33",
        "1,193,991.68",
        "2,387,983.32",
        "1,690,741.32",
    ] {
        assert!(printed.contains(figure), "the terminal prints {figure}");
    }
    let goal = row(&summary, "Goal");
    assert_eq!(text(&goal[1]), "a saving of £500,000.00 in year 2 (gross)");
    assert!(printed.contains("Goal: a saving of £500,000.00 in year 2 (gross)"));
    let achieved = row(&summary, "Achieved");
    assert_eq!(decimal(&achieved[1]), dec!(2387983.32));
    assert_eq!(text(&achieved[2]), "met");
    // The decomposition and the counts.
    assert_eq!(decimal(&row(&summary, "List effect")[1]), dec!(-497695.00));
    assert_eq!(
        decimal(&row(&summary, "Price effect")[1]),
        dec!(-1890288.32)
    );
    assert_eq!(decimal(&row(&summary, "Practices re-based")[1]), dec!(19));
    assert_eq!(decimal(&row(&summary, "Losing")[1]), dec!(17));
    assert_eq!(decimal(&row(&summary, "reconcile")[1]), dec!(3));
}

#[test]
fn every_practices_total_equals_the_csvs_column_sum_to_the_penny() {
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["kensington-chelsea", "nhse-2014-review"] {
        let path = workbook(dir.path(), fixture);
        let csv = run_fixture(fixture, &["-f", "csv"]);
        let (header, rows) = parse_csv(&stdout(&csv));
        let practices = sheet(&path, "Practices");
        let first = header_row(&practices);
        assert_eq!(
            first, header,
            "{fixture}: the header is the CSV's, at row 1"
        );
        let total = practices.rows().next_back().unwrap();
        assert_eq!(practices.height(), rows.len() + 2);
        assert_eq!(text(&total[0]), "Total");
        let years = header.iter().filter(|h| h.starts_with("year_")).count();
        let reinvest = header.iter().any(|h| h == "reinvestment");
        let mut checked = 0;
        for (c, column) in columns(years, reinvest).iter().enumerate().skip(1) {
            if column.kind != Kind::Money || !column.role.total {
                assert_eq!(
                    total[c],
                    Data::Empty,
                    "{fixture}: {} has no total",
                    column.name
                );
                continue;
            }
            let sum: Decimal = rows
                .iter()
                .filter(|r| !r[c].is_empty())
                .map(|r| Decimal::from_str(&r[c]).unwrap())
                .sum();
            assert_eq!(decimal(&total[c]), sum, "{fixture}: {}", column.name);
            checked += 1;
        }
        assert!(checked >= 14, "{fixture}: {checked} money columns");
        // The totals are the table's own function, so they follow a filter.
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let formulas = book.worksheet_formula("Practices").unwrap();
        assert!(
            formulas
                .rows()
                .flatten()
                .any(|f| f == "SUBTOTAL(109,PracticeTable[core_now])"),
            "{fixture}"
        );
    }
}

/// The By group sheet's rows add up to its total row, and that to the
/// long-form savings of scope `all`; returns the groups' names.
fn assert_groups_add_up(path: &Path, last_year: usize) -> Vec<String> {
    let groups = sheet(path, "By group");
    let header: Vec<&str> = groups.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(
        header[..7],
        [
            "Group",
            "Target price",
            "Practices",
            "Re-based",
            "Losing",
            "Gaining",
            "Core now"
        ]
    );
    let n = last_year;
    assert_eq!(
        header.last().copied(),
        Some(format!("Year {n} net saving").as_str())
    );
    let body: Vec<&[Data]> = groups.rows().skip(1).collect();
    let (total, members) = body.split_last().unwrap();
    assert_eq!(text(&total[0]), "Total");
    let measures = sheet(path, "Savings (all measures)");
    let all = |measure: &str| {
        let r = measures
            .rows()
            .find(|r| r[0] == Data::String("all".into()) && r[1] == Data::String(measure.into()))
            .unwrap_or_else(|| panic!("no {measure}"));
        decimal(&r[2])
    };
    let expected = [
        ("Practices".to_owned(), all("practices")),
        ("Re-based".to_owned(), all("practices_rebased")),
        ("Losing".to_owned(), all("practices_losing")),
        ("Gaining".to_owned(), all("practices_gaining")),
        ("Core now".to_owned(), all("core_now")),
        ("Year 1 saving".to_owned(), all("year_1_saving")),
        (format!("Year {n} saving"), all(&format!("year_{n}_saving"))),
        (
            "Premium services".to_owned(),
            all(&format!("year_{n}_premium")),
        ),
        (
            format!("Year {n} reinvested"),
            all(&format!("year_{n}_reinvested")),
        ),
        (
            format!("Year {n} net saving"),
            all(&format!("year_{n}_net_saving")),
        ),
    ];
    for (name, figure) in expected {
        let c = header.iter().position(|h| *h == name).unwrap();
        let sum: Decimal = members.iter().map(|r| decimal(&r[c])).sum();
        assert_eq!(sum, figure, "{name}: the groups add up to the total");
        assert_eq!(decimal(&total[c]), figure, "{name}: the total row");
    }
    members.iter().map(|r| text(&r[0]).to_owned()).collect()
}

#[test]
fn the_by_group_rows_add_up_to_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path(), "nhse-2014-review");
    assert_eq!(assert_groups_add_up(&path, 4), ["07W", "08Y"]);
    let summary = sheet(&path, "Summary");
    assert_eq!(decimal(&row(&summary, "Core now")[1]), dec!(5530292.50));
    assert_eq!(
        text(&row(&summary, "Targets")[1]),
        "one per group (By group sheet)"
    );
}

#[test]
fn reinvestment_by_group_under_one_target_has_a_by_group_sheet_too() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = crate::common::fixture("nhse-2014-review");
    let toml = std::fs::read_to_string(fixture.join("scenario.toml")).unwrap();
    let toml = toml.replace("by = \"group\"", "by = \"all\"");
    assert!(toml.contains("by = \"all\"") && toml.contains("scope = \"group\""));
    let scenario = dir.path().join("one-target.toml");
    std::fs::write(&scenario, toml).unwrap();
    let path = dir.path().join("one-target.xlsx");
    let practices = fixture.join("practices.csv");
    let args = ["run", s(&practices), "-s", s(&scenario), "-o", s(&path)];
    let o = rebase(&args, b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(sheet_names(&path).contains(&"By group".to_owned()));
    assert_eq!(assert_groups_add_up(&path, 4), ["07W", "08Y"]);
}

#[test]
fn the_long_form_savings_are_kept_on_their_own_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = workbook(dir.path(), "nhse-2014-review");
    let savings_csv = dir.path().join("savings.csv");
    let o = run_fixture(
        "nhse-2014-review",
        &["-f", "csv", "--savings", s(&savings_csv)],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (header, rows) = parse_csv(&std::fs::read_to_string(&savings_csv).unwrap());
    let measures = sheet(&path, "Savings (all measures)");
    let names: Vec<Vec<String>> = measures
        .rows()
        .map(|r| r[..2].iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(names[0], header[..2]);
    let csv_names: Vec<Vec<String>> = rows.iter().map(|r| r[..2].to_vec()).collect();
    assert_eq!(names[1..], csv_names[..]);
}

#[test]
fn batch_writes_the_same_workbook_as_run() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = crate::common::fixture("kensington-chelsea");
    let out = dir.path().join("out");
    let o = rebase(
        &[
            "batch",
            s(&fixture.join("practices.csv")),
            s(&fixture.join("scenario.toml")),
            "--out",
            s(&out),
            "-f",
            "xlsx",
        ],
        b"",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let batch = out.join("scenario.xlsx");
    let run = workbook(dir.path(), "kensington-chelsea");
    assert_eq!(sheet_names(&batch), sheet_names(&run));
    for name in ["Summary", "Practices"] {
        assert_eq!(
            lines(&sheet(&batch, name)),
            lines(&sheet(&run, name)),
            "{name}"
        );
    }
}

#[test]
fn the_summary_sheet_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    for (fixture, name) in [
        ("kensington-chelsea", "workbook_summary_kc"),
        ("nhse-2014-review", "workbook_summary_nhse_2014"),
    ] {
        let path = workbook(dir.path(), fixture);
        insta::assert_snapshot!(name, lines(&sheet(&path, "Summary")));
    }
}

#[test]
fn sweep_writes_a_workbook_with_the_csvs_rows_and_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = crate::common::fixture("kensington-chelsea");
    let (practices, scenario) = (fixture.join("practices.csv"), fixture.join("scenario.toml"));
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            s(&practices),
            "-s",
            s(&scenario),
            "--target",
            "140:150:2.5",
        ];
        args.extend_from_slice(extra);
        rebase(&args, b"")
    };
    let path = dir.path().join("sweep.xlsx");
    let o = sweep(&["-o", s(&path)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(sheet_names(&path), ["Sweep", "Saving chart", "Scenario"]);
    let csv = sweep(&["-f", "csv"]);
    let (header, rows) = parse_csv(&stdout(&csv));
    let sheet = sheet(&path, "Sweep");
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(cells[0], header);
    assert_eq!(cells.len(), rows.len() + 1);
    // README's sweep: £145.00 saves £503,455.30 in year 2 and meets the goal.
    let at_145 = sheet.rows().find(|r| r[0] == Data::Float(145.0)).unwrap();
    assert_eq!(decimal(&at_145[5]), dec!(503455.30));
    assert_eq!(text(&at_145[8]), "true");
    for (r, csv_row) in sheet.rows().skip(1).zip(&rows) {
        for (c, value) in csv_row.iter().enumerate().take(8) {
            assert_eq!(
                decimal(&r[c]),
                Decimal::from_str(value).unwrap(),
                "{header:?}[{c}]"
            );
        }
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.windows(20).any(|w| w == b"xl/charts/chart1.xml"));
    // A workbook is not for a terminal.
    let o = sweep(&["-f", "xlsx"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("-f xlsx needs -o FILE.xlsx"),
        "{}",
        stderr(&o)
    );
}

/// The Price chart sheet carries the floor beside the target, as the SVG
/// draws both: one price for everyone under a fixed target (K&C: the
/// target, no floor), and the floor alone where targets are per group.
#[test]
fn the_price_chart_carries_the_target_and_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    let kc = sheet(&workbook(dir.path(), "kensington-chelsea"), "Price chart");
    let header: Vec<&str> = kc.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(
        header,
        [
            "practice_code",
            "contract",
            "price_now",
            "price_rebased",
            "target"
        ]
    );
    let by_group = sheet(&workbook(dir.path(), "method-average"), "Price chart");
    let mut rows = by_group.rows();
    let header: Vec<&str> = rows.next().unwrap().iter().map(text).collect();
    assert_eq!(
        header,
        [
            "practice_code",
            "contract",
            "price_now",
            "price_rebased",
            "floor"
        ]
    );
    for r in rows {
        assert_eq!(
            decimal(&r[4]),
            Decimal::from(70),
            "the floor of £70.00 on every row"
        );
    }
}
