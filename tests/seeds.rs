//! Figures from the seed documents, reproduced from the tool's own output.
//! Seed 004 (Kensington & Chelsea): PMS £102.43 a patient before, £85.53
//! after, about 6,500 over-funded registrations worth about £500,000, 19 PMS
//! practices with about 54% of patients, GMS about £70 a patient.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::common::{code, fixture, parse_csv, rebase, s, stdout};

/// Runs the K&C fixture and returns (practice rows by column, savings measures).
fn kensington_chelsea() -> (Vec<HashMap<String, String>>, HashMap<String, String>) {
    let dir = fixture("kensington-chelsea");
    let tmp = tempfile::tempdir().unwrap();
    let savings = tmp.path().join("savings.csv");
    let o = rebase(
        &[
            "run",
            s(&dir.join("practices.csv")),
            "-s",
            s(&dir.join("scenario.toml")),
            "-f",
            "csv",
            "--savings",
            s(&savings),
        ],
        b"",
    );
    assert_eq!(code(&o), 0);
    let (header, rows) = parse_csv(&stdout(&o));
    let rows = rows
        .into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect();
    let (_, measures) = parse_csv(&std::fs::read_to_string(savings).unwrap());
    let measures = measures
        .into_iter()
        .filter(|r| r[0] == "all")
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    (rows, measures)
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn total(rows: &[HashMap<String, String>], contract: &str, column: &str) -> Decimal {
    rows.iter()
        .filter(|r| r["contract"] == contract)
        .map(|r| d(&r[column]))
        .sum()
}

#[test]
fn pms_average_before_is_102_43_and_after_is_85_53() {
    let (rows, m) = kensington_chelsea();
    // From the per-practice CSV: PMS core now over PMS lists, exactly.
    assert_eq!(
        total(&rows, "PMS", "core_now") / total(&rows, "PMS", "list_used"),
        dec!(102.43)
    );
    assert_eq!(m["average_price_now"], "102.43");
    assert_eq!(m["target_price"], "85.53");
    // Every PMS practice above the target is paid exactly £85.53 a patient
    // after re-basing (those below it, or brought below by the list change, keep their price).
    let capped: Vec<_> = rows
        .iter()
        .filter(|r| r["contract"] == "PMS" && d(&r["price_effect"]) < Decimal::ZERO)
        .collect();
    assert_eq!(capped.len(), 11);
    assert!(capped.iter().all(|r| r["price_rebased"] == "85.53"));
    assert!(
        rows.iter()
            .filter(|r| r["contract"] == "PMS")
            .all(|r| d(&r["price_rebased"]) <= dec!(85.53))
    );
}

#[test]
fn gms_averages_about_70_and_pms_holds_54_percent_of_patients() {
    let (rows, _) = kensington_chelsea();
    assert_eq!(
        total(&rows, "GMS", "core_now") / total(&rows, "GMS", "list_used"),
        dec!(70)
    );
    let pms = total(&rows, "PMS", "list_exeter");
    let all = pms + total(&rows, "GMS", "list_exeter");
    // 116,332 of 215,444 registered patients: 53.996%, "about 54 per cent".
    assert_eq!(
        rebase::round_penny(pms / all * dec!(100)).to_string(),
        "54.00"
    );
    assert_eq!(rows.iter().filter(|r| r["contract"] == "PMS").count(), 19);
}

#[test]
fn list_correction_strips_6500_registrations_worth_about_500000() {
    let (rows, m) = kensington_chelsea();
    assert_eq!(m["list_change_registrations"], "6500");
    assert_eq!(m["list_effect"], "-497695.00");
    assert_eq!(total(&rows, "PMS", "list_effect"), dec!(-497695.00));
}

#[test]
fn savings_taper_over_two_years_and_premium_services_pay_6_a_patient() {
    let (rows, m) = kensington_chelsea();
    assert_eq!(m["year_1_saving"], "1193991.68");
    assert_eq!(m["year_2_saving"], "2387983.32");
    assert_eq!(m["year_2_premium"], "697242.00");
    assert_eq!(m["year_2_net_saving"], "1690741.32");
    assert_eq!(m["goal_met"], "true");
    // £2 (data reviews) + £4 (patient-facing) per registered patient, access basis.
    for r in rows.iter().filter(|r| r["contract"] == "PMS") {
        assert_eq!(
            d(&r["premium"]),
            dec!(6) * d(&r["list_used"]),
            "{}",
            r["practice_code"]
        );
    }
    assert_eq!(total(&rows, "PMS", "premium"), dec!(697242.00));
}

#[test]
fn the_three_hand_checked_rows() {
    let (rows, _) = kensington_chelsea();
    let row = |code: &str| {
        rows.iter()
            .find(|r| r["practice_code"] == code)
            .unwrap()
            .clone()
    };
    let e87021 = row("E87021");
    for (column, want) in [
        ("price_now", "108.98"),
        ("core_rebased", "429959.31"),
        ("change", "-117872.93"),
        ("change_pct", "-21.52"),
        ("year_1", "488895.77"), // -58936.465 rounds half away from zero
        ("premium", "30162.00"),
        ("income_now", "821904.28"),
        ("income_rebased", "762193.74"),
        ("gms_equivalent", "367182.44"),
        ("pms_premium", "180649.80"),
        ("flags", "business_case"),
    ] {
        assert_eq!(e87021[column], want, "E87021 {column}");
    }
    let e87011 = row("E87011");
    assert_eq!(e87011["list_effect"], "-94062.50");
    assert_eq!(e87011["year_1"], "692826.75");
    assert_eq!(e87011["flags"], "business_case;better_under_gms");
    let e87026 = row("E87026");
    assert_eq!(
        (e87026["list_used"].as_str(), e87026["list_source"].as_str()),
        ("4117", "practice")
    );
    assert_eq!(e87026["year_1"], "434396.95");
    assert_eq!(e87026["flags"], "reconcile;business_case;better_under_gms");
}

#[test]
fn solve_finds_the_price_that_saves_500000_in_year_2() {
    let dir = fixture("kensington-chelsea");
    let o = rebase(
        &[
            "solve",
            s(&dir.join("practices.csv")),
            "-s",
            s(&dir.join("scenario.toml")),
            "--saving",
            "500000",
            "--year",
            "2",
            "--json",
        ],
        b"",
    );
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["result"]["answer"], "price");
    assert_eq!(v["result"]["price"], "145.36");
    assert_eq!(v["result"]["saving"], "500005.42");
    assert_eq!(v["result"]["saving_one_penny_higher"], "499909.59");
    // The proof, from `run` itself at P and P + 1p.
    for (price, saving, met) in [("145.36", "500005.42", 0), ("145.37", "499909.59", 1)] {
        let tmp = tempfile::tempdir().unwrap();
        let sv = tmp.path().join("s.csv");
        let o = rebase(
            &[
                "run",
                s(&dir.join("practices.csv")),
                "-s",
                s(&dir.join("scenario.toml")),
                "--target",
                price,
                "-f",
                "csv",
                "--savings",
                s(&sv),
            ],
            b"",
        );
        assert_eq!(code(&o), met, "goal met at {price}");
        let text = std::fs::read_to_string(sv).unwrap();
        assert!(
            text.contains(&format!("all,year_2_saving,{saving}\n")),
            "{text}"
        );
    }
}
