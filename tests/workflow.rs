//! The analyst's workflow commands: solve, explain, batch, completions.

use std::path::Path;

use crate::common::{code, fixture, rebase, s, stderr, stdout};

fn copy_scenarios(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(crate::common::root().join("fixtures")).unwrap() {
        let d = entry.unwrap().path();
        let src = d.join("scenario.toml");
        if src.is_file() {
            let name = d.file_name().unwrap().to_string_lossy().into_owned();
            let dst = dir.join(format!("{name}.toml"));
            std::fs::copy(&src, &dst).unwrap();
            out.push(dst.to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn batch_is_byte_identical_with_one_thread_and_many() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = copy_scenarios(tmp.path());
    let input = fixture("kensington-chelsea").join("practices.csv");
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let out = tmp.path().join(format!("out-{threads}"));
        let mut args = vec!["batch", s(&input), "--out", s(&out), "--threads", threads];
        args.extend(scenarios.iter().map(String::as_str));
        let o = rebase(&args, b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        outputs.push(out);
    }
    let mut names: Vec<_> = std::fs::read_dir(&outputs[0])
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), scenarios.len() + 1);
    for name in names {
        let a = std::fs::read(outputs[0].join(&name)).unwrap();
        let b = std::fs::read(outputs[1].join(&name)).unwrap();
        assert_eq!(a, b, "{name:?} differs between 1 and 4 threads");
    }
    // Each scenario's CSV is what `run` writes for it.
    let kc = std::fs::read_to_string(outputs[0].join("kensington-chelsea.csv")).unwrap();
    assert_eq!(
        kc,
        std::fs::read_to_string(fixture("kensington-chelsea").join("expected.csv")).unwrap()
    );
    let comparison = std::fs::read_to_string(outputs[0].join("comparison.csv")).unwrap();
    assert!(
        comparison.starts_with("scenario,name,status,target_method,target_price,"),
        "{comparison}"
    );
    // Year columns run to the longest taper among the scenarios (four, the
    // NHS England review's): the two-year K&C leaves years 3 and 4 blank.
    assert!(comparison.contains("kensington-chelsea,Kensington & Chelsea PMS re-basing,ok,fixed,85.53,19,17,0,1193991.68,2387983.32,,,697242.00,1690741.32,true"), "{comparison}");
}

#[test]
fn a_failing_scenario_is_reported_and_the_others_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good.toml");
    std::fs::write(&good, "[price]\nmethod = \"fixed\"\nvalue = \"85.53\"\n").unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[taper]\nschedule = [\"50%\", \"90%\"]\n").unwrap();
    let out = tmp.path().join("out");
    let input = fixture("kensington-chelsea").join("practices.csv");
    let o = rebase(
        &["batch", s(&input), s(&bad), s(&good), "--out", s(&out)],
        b"",
    );
    assert_eq!(code(&o), 2, "the failure's exit code (a scenario error)");
    assert!(stderr(&o).contains("taper.schedule"), "{}", stderr(&o));
    assert!(out.join("good.csv").is_file());
    assert!(!out.join("bad.csv").exists());
    let comparison = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(
        comparison.contains("bad,,\"failed: scenario"),
        "{comparison}"
    );
    assert!(
        comparison.contains("good,good,ok,fixed,85.53"),
        "{comparison}"
    );
}

#[test]
fn explain_shows_each_step_with_the_figures_of_the_run() {
    let dir = fixture("kensington-chelsea");
    let o = rebase(
        &[
            "explain",
            s(&dir.join("practices.csv")),
            "E87026",
            "-s",
            s(&dir.join("scenario.toml")),
        ],
        b"",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "1. List used",
        "practice list 4117 differs by 2.6% (threshold 2%): the practice list is used pending full reconciliation",
        "re-based core = round(£85.53 × 4117) = £352,127.01",
        "year 1: £516,666.89 + round(-£164,539.88 × 50%) = £434,396.95",
        "patient-facing: £4.00 × 4117 = £16,468.00",
        "(flag business_case)",
        "10. Superannuation",
        "flags: reconcile;business_case;better_under_gms",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    let o = rebase(&["explain", s(&dir.join("practices.csv")), "NOPE1"], b"");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).starts_with("error: practice `NOPE1` is not in"));
}

#[test]
fn solve_says_when_no_price_can_reach_the_saving() {
    let dir = fixture("kensington-chelsea");
    let o = rebase(
        &[
            "solve",
            s(&dir.join("practices.csv")),
            "-s",
            s(&dir.join("scenario.toml")),
            "--saving",
            "50000000",
        ],
        b"",
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("No target price can reach"),
        "{}",
        stdout(&o)
    );
    let banding = fixture("method-banding");
    let o = rebase(
        &[
            "solve",
            s(&banding.join("practices.csv")),
            "-s",
            s(&banding.join("scenario.toml")),
            "--saving",
            "1",
        ],
        b"",
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("banding"), "{}", stderr(&o));
}

#[test]
fn solve_finds_one_price_per_group_or_for_one_group() {
    let dir = fixture("method-average");
    let p = dir.join("practices.csv");
    let sc = dir.join("scenario.toml");
    for extra in [&[][..], &["--group", "08Y"][..]] {
        let mut args = vec![
            "solve",
            s(&p),
            "-s",
            s(&sc),
            "--saving",
            "100000",
            "--year",
            "1",
            "--json",
        ];
        args.extend_from_slice(extra);
        let o = rebase(&args, b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let result = &v["result"];
        if result["answer"] == "price" {
            let saving: rust_decimal::Decimal = result["saving"].as_str().unwrap().parse().unwrap();
            let above: rust_decimal::Decimal = result["saving_one_penny_higher"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                saving >= rust_decimal::Decimal::from(100_000)
                    && above < rust_decimal::Decimal::from(100_000),
                "{v}"
            );
        }
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let o = rebase(&["completions", shell], b"");
        assert_eq!(code(&o), 0);
        assert!(stdout(&o).contains("solve"), "{shell}");
    }
}

mod solve_property {
    use std::fmt::Write;

    use proptest::prelude::*;
    use rebase::calc::solve::{SolveAnswer, SolveRequest, solve, with_price};
    use rebase::money::{Money, round_penny};
    use rebase::report::savings::savings;
    use rebase::scenario::{Basis, Scenario};
    use rust_decimal::Decimal;

    fn file() -> impl Strategy<Value = String> {
        let row = (
            0..3usize,
            100u32..12_000,
            50u32..180,
            0u32..3,
            prop::option::of(0u32..1500),
        );
        prop::collection::vec(row, 1..25).prop_map(|rows| {
            let mut text = String::from(
                "practice_code,contract,group,list_exeter,list_funded,pms_baseline,global_sum\n",
            );
            for (i, (kind, list, price, group, extra)) in rows.into_iter().enumerate() {
                let contract = ["GMS", "PMS", "APMS"][kind];
                let core = Decimal::from(list) * Decimal::from(price)
                    + Decimal::new(i64::from(list % 97), 2);
                let funded = extra.map_or(String::new(), |e| (list + e).to_string());
                let (base, gs) = if contract == "GMS" {
                    (Decimal::ZERO, core)
                } else {
                    (core, Decimal::ZERO)
                };
                writeln!(
                    text,
                    "P{i:04},{contract},G{group},{list},{funded},{base},{gs}"
                )
                .unwrap();
            }
            text
        })
    }

    fn year_saving(
        practices: &[rebase::Practice],
        scenario: &Scenario,
        price: Money,
        year: usize,
        basis: Basis,
    ) -> Money {
        let s = with_price(scenario, price);
        let r = rebase::rebase(practices, &s).unwrap();
        let total = savings(practices, &r, &s).pop().unwrap();
        let y = &total.years[year - 1];
        if basis == Basis::Gross {
            y.saving
        } else {
            y.net_saving
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn solve_returns_the_highest_penny_price_meeting_the_saving(
            text in file(),
            fraction in 0u32..=100,
            level_up in any::<bool>(),
            floor in prop::option::of(40u32..90),
            three_years in any::<bool>(),
            net in any::<bool>(),
        ) {
            let practices = rebase::input::read_input(text.as_bytes(), "gen.csv").unwrap().practices;
            let mut toml = format!("contracts = [\"PMS\", \"APMS\"]\n[price]\nmethod = \"mean\"\nlevel_up = {level_up}\n");
            if let Some(f) = floor { writeln!(toml, "floor = \"{f}\"").unwrap(); }
            toml.push_str("[[premium]]\nname = \"a\"\nprice = \"2\"\n");
            if three_years { toml.push_str("[taper]\nschedule = [\"30%\", \"60%\", \"100%\"]\n"); }
            let scenario = rebase::scenario::file::parse_scenario(&toml, "p").unwrap();
            let year = scenario.years();
            let basis = if net { Basis::Net } else { Basis::Gross };
            let most = year_saving(&practices, &scenario, Money::ZERO, year, basis);
            let required = round_penny(most.value() * Decimal::from(fraction) / Decimal::from(100));
            let request = SolveRequest { saving: required, year, basis, group: None };
            match solve(&practices, &scenario, &request).unwrap() {
                SolveAnswer::Price { price, saving, saving_one_penny_higher } => {
                    let penny = round_penny(Decimal::new(1, 2));
                    prop_assert_eq!(saving, year_saving(&practices, &scenario, price, year, basis));
                    prop_assert_eq!(saving_one_penny_higher, year_saving(&practices, &scenario, price + penny, year, basis));
                    prop_assert!(saving >= required);
                    prop_assert!(saving_one_penny_higher < required);
                }
                SolveAnswer::AnyPrice { from, saving } => {
                    prop_assert!(saving >= required);
                    prop_assert!(year_saving(&practices, &scenario, from + round_penny(Decimal::ONE), year, basis) >= required);
                }
                SolveAnswer::Unreachable { saving_at_zero } => {
                    prop_assert!(saving_at_zero < required);
                }
            }
        }
    }
}

#[test]
fn batch_comparison_only_writes_the_comparison_alone_and_the_same_one() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = copy_scenarios(tmp.path());
    let input = fixture("kensington-chelsea").join("practices.csv");
    let (full, only) = (tmp.path().join("full"), tmp.path().join("only"));
    for (out, extra) in [(&full, None), (&only, Some("--comparison-only"))] {
        let mut args = vec!["batch", s(&input), "--out", s(out)];
        args.extend(extra);
        args.extend(scenarios.iter().map(String::as_str));
        let o = rebase(&args, b"");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let names: Vec<_> = std::fs::read_dir(&only)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["comparison.csv"]);
    assert_eq!(
        std::fs::read(only.join("comparison.csv")).unwrap(),
        std::fs::read(full.join("comparison.csv")).unwrap()
    );
}
