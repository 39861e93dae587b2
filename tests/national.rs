//! The real 2017/18 and 2018/19 NHS payments files through the commands an
//! analyst runs: every practice's income now equals its published total,
//! per-patient totals equal the published averages, re-basing by CCG adds
//! up, and a 12-scenario batch is identical on one thread and on all.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::common::{code, parse_csv, rebase, s, shared_payments, stderr, stdout};

/// The published file's own columns, by practice code.
fn published(path: &std::path::Path) -> HashMap<String, HashMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = rebase::input::decode::decode(&bytes, "published")
        .unwrap()
        .into_owned();
    let (header, rows) = parse_csv(&text);
    rows.into_iter()
        .map(|r| {
            let row: HashMap<String, String> = header.iter().cloned().zip(r).collect();
            (row["Practice Code"].clone(), row)
        })
        .collect()
}

fn d(text: &str) -> Decimal {
    text.trim().parse().unwrap()
}

#[test]
fn income_now_is_the_published_total_for_every_practice() {
    for file in ["nhspaymentsgp-17-18-csv.csv", "nhspaymentsgp-18-19-csv.csv"] {
        let Some(path) = shared_payments(file) else {
            return;
        };
        let o = rebase(&["run", s(&path), "-f", "csv"], b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let (header, rows) = parse_csv(&stdout(&o));
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let publication = published(&path);
        let mut checked = 0;
        let mut averages = 0;
        for r in &rows {
            let p = &publication[&r[col("practice_code")]];
            assert_eq!(
                d(&r[col("income_now")]),
                d(&p["Total NHS Payments to General Practice"]),
                "{file} {}",
                r[col("practice_code")]
            );
            checked += 1;
            let list = d(&r[col("list_exeter")]);
            if !list.is_zero() {
                let per_patient = rebase::round_penny(d(&r[col("income_now")]) / list);
                assert_eq!(
                    per_patient.value(),
                    d(&p["Average payments per registered patient"]),
                    "{file} {}",
                    r[col("practice_code")]
                );
                averages += 1;
            }
        }
        // Every row but the UNKNOWN contract types, which the warning counts.
        let unknown = publication.len() - rows.len();
        assert!(
            stderr(&o).contains(&format!("{unknown} rows with contract type UNKNOWN")),
            "{}",
            stderr(&o)
        );
        assert!(
            checked > 7000 && averages > 6900,
            "{file}: {checked} {averages}"
        );
    }
}

#[test]
fn rebasing_each_ccg_to_its_own_average_adds_up() {
    let Some(path) = shared_payments("nhspaymentsgp-18-19-csv.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let savings = tmp.path().join("savings.csv");
    let o = rebase(
        &[
            "run",
            s(&path),
            "--by",
            "group",
            "-f",
            "csv",
            "--savings",
            s(&savings),
        ],
        b"",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (_, rows) = parse_csv(&std::fs::read_to_string(&savings).unwrap());
    let value = |scope: &str, measure: &str| -> Decimal {
        rows.iter()
            .find(|r| r[0] == scope && r[1] == measure)
            .map(|r| d(&r[2]))
            .unwrap()
    };
    let groups: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r[0].as_str())
        .filter(|g| *g != "all")
        .collect();
    assert!(groups.len() > 150, "{} CCGs", groups.len());
    // Each CCG's target is the list-weighted average of its own PMS practices.
    assert!(
        rows.iter()
            .any(|r| r[1] == "target_method" && r[2] == "average")
    );
    for measure in ["core_now", "price_effect", "year_1_saving", "year_2_saving"] {
        let sum: Decimal = groups.iter().map(|g| value(g, measure)).sum();
        assert_eq!(sum, value("all", measure), "{measure}");
    }
    // Capping each CCG's PMS practices at the CCG's own average saves money.
    assert!(value("all", "year_2_saving") > Decimal::from(10_000_000));
}

#[test]
fn a_batch_of_twelve_scenarios_is_identical_on_one_thread_and_on_all() {
    let Some(path) = shared_payments("nhspaymentsgp-18-19-csv.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut scenarios = Vec::new();
    for (i, body) in [
        "[price]\nmethod = \"average\"\n",
        "[price]\nmethod = \"median\"\n",
        "[price]\nmethod = \"mean\"\nfloor = \"70\"\n",
        "[price]\nmethod = \"gms-average\"\n",
        "by = \"group\"\n[price]\nmethod = \"average\"\n",
        "by = \"group\"\n[price]\nmethod = \"gms-average\"\n",
        "[price]\nmethod = \"fixed\"\nvalue = \"85.53\"\n[[premium]]\nname = \"a\"\nprice = \"2\"\n",
        "[price]\nmethod = \"fixed\"\nvalue = \"90\"\nlevel_up = true\n",
        "contracts = [\"PMS\", \"APMS\"]\n[price]\nmethod = \"average\"\n[taper]\nschedule = [\"25%\", \"50%\", \"75%\", \"100%\"]\n",
        "[price]\nmethod = \"banding\"\nbands = [{ from = \"0\", to = \"80\", price = \"78\" }, { from = \"80\", to = \"100\", price = \"85\" }, { from = \"100\", price = \"95\" }]\n",
        "[gms]\nglobal_sum_price = \"2018/19\"\n[goal]\nsaving = \"50000000\"\n",
        "[taper]\nschedule = [\"100%\"]\ngains = \"tapered\"\n",
    ]
    .iter()
    .enumerate()
    {
        let p = tmp.path().join(format!("s{i:02}.toml"));
        std::fs::write(&p, body).unwrap();
        scenarios.push(p.to_string_lossy().into_owned());
    }
    let mut dirs = Vec::new();
    for threads in ["1", "0"] {
        let out = tmp.path().join(format!("out{threads}"));
        let mut args = vec!["batch", s(&path), "--out", s(&out), "--threads", threads];
        args.extend(scenarios.iter().map(String::as_str));
        let o = rebase(&args, b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        dirs.push(out);
    }
    for i in 0..12 {
        let name = format!("s{i:02}.csv");
        assert_eq!(
            std::fs::read(dirs[0].join(&name)).unwrap(),
            std::fs::read(dirs[1].join(&name)).unwrap(),
            "{name}"
        );
    }
    let comparison = std::fs::read_to_string(dirs[0].join("comparison.csv")).unwrap();
    assert_eq!(
        comparison,
        std::fs::read_to_string(dirs[1].join("comparison.csv")).unwrap()
    );
    assert_eq!(comparison.lines().count(), 13);
    assert!(
        comparison.lines().skip(1).all(|l| l.contains(",ok,")),
        "{comparison}"
    );
}

#[test]
fn importing_then_running_the_canonical_file_changes_no_figure() {
    let Some(path) = shared_payments("nhspaymentsgp-17-18-csv.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let canonical = tmp.path().join("practices.csv");
    let o = rebase(&["import", s(&path), "-o", s(&canonical)], b"");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, "by = \"group\"\n[gms]\nglobal_sum_price = \"2017/18\"\n[[premium]]\nname = \"a\"\nprice = \"2\"\n").unwrap();
    let from_publication = rebase(&["run", s(&path), "-s", s(&scenario), "-f", "csv"], b"");
    let from_canonical = rebase(
        &["run", s(&canonical), "-s", s(&scenario), "-f", "csv"],
        b"",
    );
    assert_eq!(code(&from_publication), 0);
    assert_eq!(code(&from_canonical), 0);
    let (a, b) = (stdout(&from_publication), stdout(&from_canonical));
    for (x, y) in a.lines().zip(b.lines()) {
        assert_eq!(x, y);
    }
    assert_eq!(a.len(), b.len());
    // And a canonical file imported again is the same file.
    let again = rebase(&["import", s(&canonical)], b"");
    assert!(
        stdout(&again) == std::fs::read_to_string(&canonical).unwrap(),
        "re-import changed the file"
    );
}
