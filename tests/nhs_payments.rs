//! NHS Digital's "NHS Payments to General Practice" files (SPEC §2, §7):
//! one small fixture per vintage in `tests/data/nhs/`, and the two real
//! vintages in `../shared/data/nhs-payments/`.

use std::path::PathBuf;
use std::str::FromStr;

use rebase::error::WarningCode;
use rebase::input::headers::normalize;
use rebase::input::{Input, decode, nhs_payments, read_input};
use rebase::model::{ContractType, Practice, PremiumTakeUp};
use rebase::round_penny;
use rust_decimal::Decimal;

/// A fixture of `tests/data/nhs/`.
fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nhs")).join(name)
}

/// A real vintage of `../shared/data/nhs-payments/` (absent: a failure in
/// CI, a "skipped" note outside it).
fn shared(name: &str) -> Option<PathBuf> {
    crate::common::shared_payments(name)
}

fn import(path: &PathBuf) -> (Vec<u8>, Input) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let input = read_input(&bytes, &name).unwrap_or_else(|e| panic!("{e}"));
    (bytes, input)
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Everything the publication says about one practice: core + QOF + DES +
/// NES + LES + other.
fn income(p: &Practice) -> Decimal {
    p.global_sum + p.mpig + p.pms_baseline + p.qof + p.des + p.nes + p.les + p.other
}

/// What one practice of a fixture must import as.
struct Want {
    code: &'static str,
    contract: ContractType,
    group: &'static str,
    list: &'static str,
    weighted: &'static str,
    close: Option<&'static str>,
    /// global sum, MPIG, PMS, QOF, DES, NES, LES, other.
    lines: [&'static str; 8],
}

fn check(practices: &[Practice], wants: &[Want]) {
    let codes: Vec<&str> = practices.iter().map(|p| p.practice_code.as_str()).collect();
    let wanted: Vec<&str> = wants.iter().map(|w| w.code).collect();
    assert_eq!(codes, wanted);
    for (p, w) in practices.iter().zip(wants) {
        let at = w.code;
        assert_eq!(p.contract, w.contract, "{at}");
        assert_eq!(p.group, w.group, "{at}");
        assert_eq!(p.list_exeter, dec(w.list), "{at}");
        assert_eq!(p.weighted_list, Some(dec(w.weighted)), "{at}");
        assert_eq!(p.close_date.as_deref(), w.close, "{at}");
        let got = [
            p.global_sum,
            p.mpig,
            p.pms_baseline,
            p.qof,
            p.des,
            p.nes,
            p.les,
            p.other,
        ];
        let want = w.lines.map(dec);
        assert_eq!(
            got, want,
            "{at}: global sum, MPIG, PMS, QOF, DES, NES, LES, other"
        );
        assert_eq!(
            (p.list_practice, p.ghosts, p.list_funded),
            (None, None, None),
            "{at}"
        );
        assert_eq!(
            (p.mpig_equivalent, p.superannuation),
            (Decimal::ZERO, Decimal::ZERO),
            "{at}"
        );
        assert_eq!(p.premium, PremiumTakeUp::NoColumn, "{at}");
        assert!(
            !p.practice_name.is_empty() && p.practice_name.trim() == p.practice_name,
            "{at}"
        );
    }
}

/// The publication's own `Total NHS Payments to General Practice` and
/// `Average payments per registered patient` (`None` when it is not a
/// number: the publication writes `N/A` for a practice without patients), by
/// practice code, read here with the csv crate independently of the importer.
fn published(bytes: &[u8]) -> Vec<(String, Decimal, Option<Decimal>)> {
    let text = decode::decode(bytes, "published").unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(normalize).collect();
    let column = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.as_str()))
            .unwrap()
    };
    let code = column(&["practicecode"]);
    let total = column(&["totalnhspaymentstogeneralpractice"]);
    let average = column(&[
        "averagepaymentsperregisteredpatient",
        "averagepaymentperregisteredpatient",
    ]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let average = Decimal::from_str(r[average].trim()).ok();
            (r[code].trim().to_owned(), dec(r[total].trim()), average)
        })
        .collect()
}

/// Every imported practice's lines add up to its published total (but for
/// the codes in `out`), and every practice with patients reproduces the
/// published average payment per registered patient.
fn matches_publication(bytes: &[u8], input: &Input, out: &[&str]) -> usize {
    let published = published(bytes);
    let mut compared = 0;
    for p in &input.practices {
        let (_, total, average) = published
            .iter()
            .find(|(c, _, _)| *c == p.practice_code)
            .unwrap();
        let at = &p.practice_code;
        if out.contains(&at.as_str()) {
            assert_ne!(income(p), *total, "{at}");
        } else {
            assert_eq!(income(p), *total, "{at}: lines against the published total");
        }
        if !p.list_exeter.is_zero() {
            let per_patient = round_penny(total / p.list_exeter).value();
            assert_eq!(
                Some(per_patient),
                *average,
                "{at}: total per registered patient"
            );
            compared += 1;
        }
    }
    compared
}

#[test]
fn every_fixture_is_recognised_as_the_publication() {
    for name in [
        "nhspaymentsgp-15-16-csv.csv",
        "nhspaymentsgp-16-17-csv.csv",
        "nhspaymentsgp-19-20-csv.csv",
        "nhspaymentsgp-20-21-csv.csv",
        "nhspaymentsgp-21-22-csv.csv",
        "nhspaymentsgp-22-23-csv.csv",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        assert!(
            nhs_payments::is_payments_file(&decode::decode(&bytes, name).unwrap()),
            "{name}"
        );
    }
}

#[test]
fn imports_2015_16_camel_case_windows_1252() {
    let path = fixture("nhspaymentsgp-15-16-csv.csv");
    let (bytes, input) = import(&path);
    assert!(
        bytes.contains(&0xA3) && std::str::from_utf8(&bytes).is_err(),
        "a raw 0xA3 pound sign"
    );
    assert!(input.warnings.is_empty(), "{:?}", input.warnings);
    check(
        &input.practices,
        &[
            Want {
                code: "C85001",
                contract: ContractType::Pms,
                group: "02P",
                list: "4268",
                weighted: "5209.497299",
                close: None,
                // NHAIS 3361.72 + ISFE 9835.54 local enhanced services.
                lines: [
                    "0",
                    "0",
                    "413734.53",
                    "64250.81",
                    "49731.00",
                    "53.69",
                    "13197.26",
                    "166716.18",
                ],
            },
            Want {
                code: "C85012",
                contract: ContractType::Gms,
                group: "02P",
                list: "2157",
                weighted: "2602.177638",
                close: Some("2015-09-30"),
                lines: [
                    "61806.9", "0", "0", "9951.26", "960.22", "0", "500.67", "45583.68",
                ],
            },
            Want {
                code: "C85614",
                contract: ContractType::Gms,
                group: "02P",
                list: "2830",
                weighted: "2935.510858",
                close: None,
                lines: [
                    "211496.67",
                    "12143.88",
                    "0",
                    "38678.58",
                    "19874.19",
                    "214.76",
                    "5213.70",
                    "19000.63",
                ],
            },
        ],
    );
    assert_eq!(matches_publication(&bytes, &input, &[]), 3);
    assert_eq!(income(&input.practices[0]), dec("707683.47"));
}

#[test]
fn imports_2016_17_camel_case_windows_1252() {
    let (bytes, input) = import(&fixture("nhspaymentsgp-16-17-csv.csv"));
    assert!(bytes.contains(&0xA3) && std::str::from_utf8(&bytes).is_err());
    assert!(input.warnings.is_empty(), "{:?}", input.warnings);
    check(
        &input.practices,
        &[
            Want {
                code: "A81001",
                contract: ContractType::Gms,
                group: "00K",
                list: "4179",
                weighted: "4771.66",
                close: None,
                lines: [
                    "369371.16",
                    "4218.48",
                    "0",
                    "60391.82",
                    "30824.43",
                    "248.41",
                    "52830.56",
                    "106372.29",
                ],
            },
            Want {
                code: "A81003",
                contract: ContractType::Gms,
                group: "00K",
                list: "3286",
                weighted: "3592.49",
                close: Some("2016-09-30"),
                lines: [
                    "186379.44",
                    "0",
                    "0",
                    "33375.59",
                    "13158.12",
                    "135.07",
                    "12386.57",
                    "87807.74",
                ],
            },
            Want {
                code: "J82001",
                contract: ContractType::Pms,
                group: "10X",
                list: "9086",
                weighted: "9211.2",
                close: None,
                lines: [
                    "0",
                    "0",
                    "801223.45",
                    "151233.01",
                    "35114.5",
                    "0",
                    "33980.12",
                    "931433.69",
                ],
            },
        ],
    );
    // Windows-1252 beyond the pound sign: a right single quotation mark (0x92).
    assert_eq!(input.practices[2].practice_name, "ST MARY\u{2019}S SURGERY");
    assert_eq!(matches_publication(&bytes, &input, &[]), 3);
}

#[test]
fn imports_2019_20_with_a_bom_and_pcn_columns() {
    let (bytes, input) = import(&fixture("nhspaymentsgp-19-20-csv.csv"));
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(input.warnings.is_empty(), "{:?}", input.warnings);
    check(
        &input.practices,
        &[
            Want {
                code: "E83003",
                contract: ContractType::Gms,
                group: "07M",
                list: "9023.5",
                weighted: "8292.59",
                close: None,
                // `other` holds PCN Participation (14498.05), inside the total; the
                // PCN payments after the total are not counted.
                lines: [
                    "730443.21",
                    "11698.32",
                    "0",
                    "93061.5",
                    "45643.11",
                    "0",
                    "41054.89",
                    "209481.32",
                ],
            },
            Want {
                code: "E83005",
                contract: ContractType::Pms,
                group: "07M",
                list: "6284.5",
                weighted: "5129.76",
                close: None,
                lines: [
                    "0",
                    "0",
                    "457540.36",
                    "46822.61",
                    "23352.62",
                    "0",
                    "21420.06",
                    "142277.29",
                ],
            },
            Want {
                code: "E83040",
                contract: ContractType::Apms,
                group: "07M",
                list: "0",
                weighted: "0",
                // A zero list and a serial close date: kept, for the calculation to exclude.
                close: Some("2019-06-30"),
                lines: ["0", "0", "0", "-1203.4", "0", "0", "0", "4831.2"],
            },
            Want {
                code: "E83046",
                contract: ContractType::Gms,
                group: "07M",
                list: "9776",
                weighted: "8950.04",
                close: None,
                lines: [
                    "786589.23",
                    "0",
                    "0",
                    "87048.85",
                    "23705.58",
                    "0",
                    "46878.29",
                    "230677.54",
                ],
            },
        ],
    );
    assert_eq!(matches_publication(&bytes, &input, &[]), 3);
}

#[test]
fn imports_2020_21_keeping_out_an_unknown_contract() {
    let (bytes, input) = import(&fixture("nhspaymentsgp-20-21-csv.csv"));
    assert_eq!(input.warnings.len(), 1, "{:?}", input.warnings);
    let w = &input.warnings[0];
    assert_eq!(w.code, WarningCode::SkippedRows);
    assert_eq!(
        w.message,
        "1 row with contract type UNKNOWN was kept out of the calculation"
    );
    assert_eq!(w.practices, ["F82676"]);
    check(
        &input.practices,
        &[
            Want {
                code: "F82625",
                contract: ContractType::Pms,
                group: "07L",
                list: "7018",
                weighted: "5976.1",
                close: None,
                lines: [
                    "0",
                    "0",
                    "546371.88",
                    "67068.19",
                    "52302.18",
                    "0",
                    "65583.74",
                    "311114.15",
                ],
            },
            Want {
                code: "F82621",
                contract: ContractType::Gms,
                group: "07L",
                list: "4027.5",
                weighted: "3795.76",
                close: None,
                lines: [
                    "346498.86",
                    "0",
                    "0",
                    "43310.23",
                    "40255.23",
                    "0",
                    "6932.81",
                    "44077.15",
                ],
            },
            Want {
                code: "Y02575",
                contract: ContractType::Apms,
                group: "07L",
                list: "21573",
                weighted: "18678.2",
                close: None,
                lines: [
                    "2021168.34",
                    "0",
                    "0",
                    "188926.08",
                    "31987.38",
                    "0",
                    "149831.36",
                    "595033.26",
                ],
            },
        ],
    );
    assert_eq!(matches_publication(&bytes, &input, &[]), 3);
    // The published total, not the one including COVID and PCN payments.
    assert_eq!(income(&input.practices[0]), dec("1042440.14"));
}

#[test]
fn imports_2021_22_and_names_the_practice_a_penny_out() {
    let (bytes, input) = import(&fixture("nhspaymentsgp-21-22-csv.csv"));
    assert_eq!(input.warnings.len(), 1, "{:?}", input.warnings);
    let w = &input.warnings[0];
    assert_eq!(w.code, WarningCode::Reconciliation);
    assert_eq!(
        w.message,
        "1 practice has payment lines that do not add up to the published Total NHS Payments to General Practice (largest difference 0.01)"
    );
    assert_eq!(w.practices, ["A81016"]);
    check(
        &input.practices,
        &[
            Want {
                code: "A81001",
                contract: ContractType::Gms,
                group: "16C",
                list: "4060.75",
                weighted: "4645.53",
                close: None,
                // General Practice Transformation and winter Access Fund go to other.
                lines: [
                    "431849.94",
                    "0",
                    "0",
                    "59510.7",
                    "14394.17",
                    "0",
                    "1951.64",
                    "225171.77",
                ],
            },
            Want {
                code: "A81016",
                contract: ContractType::Gms,
                group: "16C",
                list: "10686.75",
                weighted: "11403.29",
                close: None,
                // Weight Management Service is a DES column.
                lines: [
                    "1036366.27",
                    "0",
                    "0",
                    "124640.41",
                    "50083.00",
                    "0",
                    "5279.96",
                    "367965.22",
                ],
            },
            Want {
                code: "A81012",
                contract: ContractType::Pms,
                group: "16C",
                list: "5211.25",
                weighted: "5925.3",
                close: None,
                lines: [
                    "0",
                    "0",
                    "543571.27",
                    "75626.25",
                    "20655.99",
                    "0",
                    "3162.96",
                    "389545.73",
                ],
            },
        ],
    );
    assert_eq!(input.practices[1].practice_name, "PARK SURGERY");
    assert_eq!(matches_publication(&bytes, &input, &["A81016"]), 3);
}

#[test]
fn imports_2022_23_by_sub_icb_location_with_relabelled_local_schemes() {
    let (bytes, input) = import(&fixture("nhspaymentsgp-22-23-csv.csv"));
    assert_eq!(input.warnings.len(), 1, "{:?}", input.warnings);
    let w = &input.warnings[0];
    assert_eq!(w.code, WarningCode::SkippedRows);
    assert_eq!(
        w.message,
        "1 row with contract type Unknown was kept out of the calculation"
    );
    assert_eq!(w.practices, ["A81015"]);
    check(
        &input.practices,
        &[
            Want {
                code: "A81001",
                contract: ContractType::Gms,
                group: "16C",
                list: "4029.25",
                weighted: "4579.78",
                close: None,
                lines: [
                    "438099.78",
                    "0",
                    "0",
                    "52178.74",
                    "11783.72",
                    "0",
                    "3038.12",
                    "215362.15",
                ],
            },
            Want {
                code: "A81012",
                contract: ContractType::Pms,
                group: "16C",
                list: "5239.75",
                weighted: "5871.73",
                close: None,
                lines: [
                    "0",
                    "0",
                    "560369.16",
                    "56410.66",
                    "14492.11",
                    "0",
                    "4458.35",
                    "174704.94",
                ],
            },
            Want {
                code: "A81009",
                contract: ContractType::Apms,
                group: "16C",
                list: "8278.75",
                weighted: "9013.56",
                close: None,
                lines: [
                    "855025.26",
                    "0",
                    "0",
                    "104934.7",
                    "22722.94",
                    "0",
                    "6596.92",
                    "233420.75",
                ],
            },
        ],
    );
    assert_eq!(matches_publication(&bytes, &input, &[]), 3);
}

#[test]
fn a_vintage_missing_a_mapped_column_is_a_data_error() {
    let bytes = std::fs::read(fixture("nhspaymentsgp-15-16-csv.csv")).unwrap();
    let renamed = String::from_utf8_lossy(&bytes).replacen("GlobalSum_", "Global_Total_", 1);
    let err = read_input(renamed.as_bytes(), "p.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.csv, line 1: the NHS payments file has no `Global Sum` column"
    );
    let bytes = std::fs::read(fixture("nhspaymentsgp-22-23-csv.csv")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let err = read_input(
        text.replacen("Total QOF Payments", "QOF", 1).as_bytes(),
        "p.csv",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.csv, line 1: the NHS payments file has no `Total QOF Payments` column"
    );
    let bad = text.replacen(",438099.78,", ",438O99.78,", 1);
    let err = read_input(bad.as_bytes(), "p.csv").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("p.csv, line 2, column `Global Sum`: value `438O99.78` is not a number"),
        "{err}"
    );
}

/// Counts of one real vintage, as imported.
struct Counts {
    practices: usize,
    skipped: usize,
    excluded: usize,
    closed: usize,
    zero_list: usize,
    compared: usize,
}

fn real_vintage(name: &str) -> Option<Counts> {
    let path = shared(name)?;
    let (bytes, input) = import(&path);
    let reconciliation: Vec<_> = input
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::Reconciliation)
        .collect();
    assert!(reconciliation.is_empty(), "{name}: {reconciliation:?}");
    let skipped = input
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::SkippedRows)
        .map_or(0, |w| {
            assert!(
                w.message
                    .contains("with contract type UNKNOWN were kept out"),
                "{}",
                w.message
            );
            w.practices.len()
        });
    let compared = matches_publication(&bytes, &input, &[]);
    let closed = input
        .practices
        .iter()
        .filter(|p| p.close_date.is_some())
        .count();
    let zero_list = input
        .practices
        .iter()
        .filter(|p| p.list_exeter.is_zero())
        .count();
    let excluded = input
        .practices
        .iter()
        .filter(|p| p.close_date.is_some() || p.list_exeter.is_zero())
        .count();
    for p in &input.practices {
        if let Some(date) = &p.close_date {
            assert!(
                date.len() == 10 && date.starts_with("20"),
                "{}: {date}",
                p.practice_code
            );
        }
    }
    let counts = Counts {
        practices: input.practices.len(),
        skipped,
        excluded,
        closed,
        zero_list,
        compared,
    };
    println!(
        "{name}: {} practices imported, {} rows kept out, {} closed, {} with a zero list ({} excluded in all), {} per-patient averages reproduced",
        counts.practices,
        counts.skipped,
        counts.closed,
        counts.zero_list,
        counts.excluded,
        counts.compared
    );
    Some(counts)
}

#[test]
fn the_2017_18_publication_imports_and_reconciles_to_the_penny() {
    let Some(c) = real_vintage("nhspaymentsgp-17-18-csv.csv") else {
        return;
    };
    assert_eq!((c.practices, c.skipped), (7455, 88));
    assert_eq!((c.closed, c.zero_list, c.excluded), (213, 70, 239));
    assert_eq!(c.compared, c.practices - c.zero_list);
}

#[test]
fn the_2018_19_publication_imports_and_reconciles_to_the_penny() {
    let Some(c) = real_vintage("nhspaymentsgp-18-19-csv.csv") else {
        return;
    };
    assert_eq!((c.practices, c.skipped), (7178, 101));
    assert_eq!((c.closed, c.zero_list, c.excluded), (191, 29, 209));
    assert_eq!(c.compared, c.practices - c.zero_list);
}

/// The real file is read in pieces on every core (3 MB, a dozen pieces):
/// every practice keeps its own line, and a code repeated on the last line
/// names the first, as one reader going through the file would.
#[test]
fn the_real_file_read_in_pieces_keeps_lines_and_finds_a_late_repeat() {
    let Some(path) = shared("nhspaymentsgp-18-19-csv.csv") else {
        return;
    };
    let (bytes, input) = import(&path);
    let text = String::from_utf8(bytes).expect("the 2018/19 file is UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    for p in &input.practices {
        let line = lines[usize::try_from(p.line).unwrap() - 1];
        assert!(line.contains(&p.practice_code), "line {}: {line}", p.line);
    }
    assert!(input.practices.windows(2).all(|w| w[0].line < w[1].line));
    let first = &input.practices[0];
    let last = input.practices.last().unwrap();
    let mut changed = lines.clone();
    let at = usize::try_from(last.line).unwrap() - 1;
    let replaced = changed[at].replacen(&last.practice_code, &first.practice_code, 1);
    changed[at] = &replaced;
    let err = read_input(changed.join("\n").as_bytes(), "p.csv").unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "p.csv, line {}, column `{}`: value `{}` appears twice (first on line {})",
            last.line, "Practice Code", first.practice_code, first.line
        )),
        "{err}"
    );
}
