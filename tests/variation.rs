//! The variation report: seed 003's Haringey figures from the tool's output.

use crate::common::{code, fixture, parse_csv, rebase, s, stdout};

fn variation_rows(args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let o = rebase(args, b"");
    assert_eq!(code(&o), 0);
    let (header, rows) = parse_csv(&stdout(&o));
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

#[test]
fn haringey_pms_91_93_against_gms_69_44() {
    let file = fixture("haringey-2009").join("practices.csv");
    let rows = variation_rows(&["variation", s(&file), "-f", "csv"]);
    let row = |contract: &str| {
        rows.iter()
            .find(|r| r["contract"] == contract && r["group"] == "all")
            .unwrap()
    };
    let pms = row("PMS");
    assert_eq!(
        (
            pms["core_average"].as_str(),
            pms["core_min"].as_str(),
            pms["core_max"].as_str()
        ),
        ("91.93", "60.20", "145.56")
    );
    let gms = row("GMS");
    assert_eq!(
        (
            gms["core_average"].as_str(),
            gms["core_min"].as_str(),
            gms["core_max"].as_str()
        ),
        ("69.44", "52.12", "91.25")
    );
    // (91.93 / 69.44 - 1) x 100 = 32.387...
    assert_eq!(pms["premium_over_gms_pct"], "32.39");
    assert_eq!(gms["premium_over_gms_pct"], "");
    assert_eq!(
        (pms["practices"].as_str(), gms["practices"].as_str()),
        ("12", "12")
    );
}

#[test]
fn by_group_gives_a_block_per_group_and_the_total() {
    let file = fixture("method-average").join("practices.csv");
    let rows = variation_rows(&["variation", s(&file), "--by", "group", "-f", "csv"]);
    let groups: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["group"].as_str()).collect();
    assert!(groups.contains("all") && groups.len() >= 3, "{groups:?}");
    // Each group's practices add up to the total's.
    let count = |g: &str| -> usize {
        rows.iter()
            .filter(|r| r["group"] == g && r["contract"] == "all")
            .map(|r| r["practices"].parse::<usize>().unwrap())
            .sum()
    };
    let per_group: usize = groups
        .iter()
        .filter(|g| **g != "all")
        .map(|g| count(g))
        .sum();
    assert_eq!(per_group, count("all"));
}

#[test]
fn the_table_names_the_pms_premium() {
    let file = fixture("haringey-2009").join("practices.csv");
    let o = rebase(&["variation", s(&file)], b"");
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("£91.93") && out.contains("£69.44") && out.contains("32.39%"),
        "{out}"
    );
}
