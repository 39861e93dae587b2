//! What each fuzz target does with its bytes. This file is compiled twice:
//! as the `rebase_fuzz` library the targets call, and by
//! `tests/fuzz_regressions.rs` (with `#[path]`), so every crash found here
//! replays as a test through exactly the same code.
//!
//! A target "crashes" on a panic anywhere in `rebase` (arithmetic overflow,
//! slicing, `unwrap`), and on a broken promise checked below with `assert!`:
//! an error message that is not one line, a writer that fails on a good
//! run, a result that depends on the file's encoding or a BOM, an import
//! that does not read back to the same figures, a `solve` whose answer the
//! full calculation does not confirm, or a money parser that accepts what it
//! should not.

use std::str::FromStr;

use encoding_rs::WINDOWS_1252;
use rebase::Money;
use rebase::calc::solve::{SolveAnswer, SolveRequest, solve, with_price};
use rebase::calc::{Rebasing, rebase};
use rebase::error::{DataError, ScenarioError};
use rebase::input::{Input, read_input};
use rebase::model::{Practice, PremiumTakeUp};
use rebase::money::{parse_amount, parse_percent, round_penny};
use rebase::output;
use rebase::output::chart::price_chart_svg;
use rebase::output::table::Width;
use rebase::output::xlsx::Sheet;
use rebase::report::check::compare;
use rebase::report::explain::derivation;
use rebase::report::practice_rows::practice_rows;
use rebase::report::savings::savings;
use rebase::report::variation::{outliers, variation, variation_report};
use rebase::scenario::file::parse_scenario;
use rebase::scenario::overrides::{self, ScenarioOverrides};
use rebase::scenario::{Basis, Scenario, Scope};
use rust_decimal::Decimal;

/// The file name used in messages.
pub const SOURCE: &str = "fuzz.csv";

const BOM: &[u8] = b"\xEF\xBB\xBF";

// ---------------------------------------------------------------------------
// Target `practice_file`: any bytes as a practice file (or NHS file).
// ---------------------------------------------------------------------------

/// Reads `data` as an input file in every encoding the tool accepts, then
/// runs the default scenario and every report writer over it.
pub fn practice_file(data: &[u8]) {
    let result = read(data);
    if let Err(e) = &result {
        one_line(&e.to_string());
    }
    same_in_every_encoding(data, &result);
    if let Ok(input) = result {
        exercise(&input, &Scenario::default());
        import_round_trip(&input);
    }
}

fn read(data: &[u8]) -> Result<Input, DataError> {
    read_input(data, SOURCE)
}

/// What two reads are compared on.
fn outcome(r: &Result<Input, DataError>) -> Result<(&[Practice], usize), &DataError> {
    r.as_ref()
        .map(|i| (i.practices.as_slice(), i.warnings.len()))
}

/// UTF-8 text reads the same with a BOM, and re-encoded as Windows-1252.
fn same_in_every_encoding(data: &[u8], result: &Result<Input, DataError>) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.starts_with('\u{feff}') {
        return;
    }
    let with_bom = [BOM, data].concat();
    assert_eq!(
        outcome(&read(&with_bom)),
        outcome(result),
        "a BOM changes the result"
    );
    let (encoded, _, unmappable) = WINDOWS_1252.encode(text);
    // Only where the bytes cannot be mistaken for UTF-8 (or a BOM).
    if !unmappable && std::str::from_utf8(&encoded).is_err() && !encoded.starts_with(BOM) {
        assert_eq!(
            outcome(&read(&encoded)),
            outcome(result),
            "Windows-1252 reads differently from UTF-8"
        );
    }
}

/// `import` then reading the canonical file back changes no figure.
fn import_round_trip(input: &Input) {
    let mut written = Vec::new();
    output::practices::write_practices(&input.practices, &mut written)
        .unwrap_or_else(|e| panic!("import cannot write: {e}"));
    let again = read_input(&written, "imported.csv").unwrap_or_else(|e| {
        panic!(
            "an imported file does not read back: {e}\n{}",
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(again.practices.len(), input.practices.len());
    for (a, b) in input.practices.iter().zip(&again.practices) {
        let figures = |p: &Practice| {
            (
                p.contract,
                p.list_exeter,
                p.list_practice,
                p.ghosts,
                p.list_funded,
                p.weighted_list,
                [
                    p.global_sum,
                    p.mpig,
                    p.pms_baseline,
                    p.qof,
                    p.des,
                    p.nes,
                    p.les,
                    p.other,
                    p.mpig_equivalent,
                    p.superannuation,
                ],
                p.close_date.is_some(),
            )
        };
        assert_eq!(figures(a), figures(b), "import changes a figure");
        if let (PremiumTakeUp::Named(x), PremiumTakeUp::Named(y)) = (&a.premium, &b.premium) {
            assert_eq!(x.len(), y.len(), "import changes the premium take-up");
        }
    }
}

// ---------------------------------------------------------------------------
// Target `nhs_payments`: a real header, then any bytes.
// ---------------------------------------------------------------------------

/// The header line of each NHS payments vintage in `tests/data/nhs/`.
const VINTAGES: [&[u8]; 6] = [
    include_bytes!("../../tests/data/nhs/nhspaymentsgp-15-16-csv.csv"),
    include_bytes!("../../tests/data/nhs/nhspaymentsgp-16-17-csv.csv"),
    include_bytes!("../../tests/data/nhs/nhspaymentsgp-19-20-csv.csv"),
    include_bytes!("../../tests/data/nhs/nhspaymentsgp-20-21-csv.csv"),
    include_bytes!("../../tests/data/nhs/nhspaymentsgp-21-22-csv.csv"),
    include_bytes!("../../tests/data/nhs/nhspaymentsgp-22-23-csv.csv"),
];

/// The NHS payments file a fuzz input stands for: the header line of the
/// vintage its first byte picks, then the rest of its bytes as rows.
#[must_use]
pub fn nhs_payments_file(data: &[u8]) -> Vec<u8> {
    let Some((&pick, rows)) = data.split_first() else {
        return Vec::new();
    };
    let vintage = VINTAGES
        .get(usize::from(pick) % VINTAGES.len())
        .copied()
        .unwrap_or_default();
    let end = vintage
        .iter()
        .position(|&b| b == b'\n')
        .map_or(vintage.len(), |i| i + 1);
    let mut file = vintage.get(..end).unwrap_or_default().to_vec();
    file.extend_from_slice(rows);
    file
}

/// Reads an NHS payments file (header chosen by the first byte), imports
/// it, and runs the default scenario and every writer over it.
pub fn nhs_payments(data: &[u8]) {
    let file = nhs_payments_file(data);
    if file.is_empty() {
        return;
    }
    match read(&file) {
        Err(e) => one_line(&e.to_string()),
        Ok(input) => {
            for w in &input.warnings {
                one_line(&w.message);
            }
            exercise(&input, &Scenario::default());
            import_round_trip(&input);
        }
    }
}

// ---------------------------------------------------------------------------
// Target `scenario`: any text as a scenario, run over a fixed practice file.
// ---------------------------------------------------------------------------

/// A small practice file with a little of everything the calculation reads:
/// two groups, every contract type, a practice list beyond the threshold,
/// ghosts, a funded list, weighted lists, a zero list, a closed practice,
/// MPIG-equivalent and superannuation.
pub const PRACTICES: &str = "\
practice_code,practice_name,contract,group,list_exeter,list_practice,ghosts,list_funded,weighted_list,global_sum,mpig,pms_baseline,qof,des,nes,les,other,mpig_equivalent,superannuation,close_date
P1,One,PMS,A,4000,4100,20,4200,4300.5,0,0,380000,90000,19000,2500,7000,40000,30000,16000,
P2,Two,PMS,A,5000,5010,,,4800,0,0,450000.37,115000,25000,5000,10000,52000,,21000,
P3,Three,APMS,B,3000,3020,,2900,3300,0,0,330000,64000,14000,0,6000,28000,,,
P4,Four,GMS,A,6000,6000,,,6400,400000,20000,0,140000,30000,6000,12000,70000,,,
P5,Five,GMS,B,2500,2400,,,2600,210000,0,0,60000,9000,0,3000,20000,,,
P6,Six,PMS,B,0,,,,,0,0,100000,0,0,0,0,0,,,
P7,Seven,PMS,B,3500,3500,,,3400,0,0,290000,70000,15000,1000,5000,30000,,,2020-03-31
P8,Eight,PMS,A,4095.25,4095.25,,4000,3890.1,0,0,368572.5,90000,12,0,8000,40000,,,
";

/// Parses `data` as a scenario; when it parses, runs it (and `solve`, when
/// it sets a goal) over [`PRACTICES`] with every writer.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scenario = match parse_scenario(text, "fuzz") {
        Ok(s) => s,
        Err(e) => {
            one_line(&e.to_string());
            return;
        }
    };
    let input = read(PRACTICES.as_bytes()).unwrap_or_else(|e| panic!("fixed file: {e}"));
    exercise(&input, &scenario);
    if let Some(goal) = &scenario.goal() {
        let request = SolveRequest {
            saving: goal.saving,
            year: scenario.goal_year().unwrap_or(1),
            basis: goal.basis,
            group: None,
        };
        solve_and_prove(&input.practices, &scenario, &request);
        let by_group = SolveRequest {
            group: Some("B".to_owned()),
            ..request
        };
        solve_and_prove(&input.practices, &scenario, &by_group);
    }
}

/// Runs `solve` and checks its answer with the full calculation, as
/// `rebase solve` does before printing it.
fn solve_and_prove(practices: &[Practice], scenario: &Scenario, request: &SolveRequest) {
    let Ok(answer) = solve(practices, scenario, request) else {
        return;
    };
    if let SolveAnswer::Price {
        price,
        saving,
        saving_one_penny_higher,
    } = answer
    {
        let penny = round_penny(Decimal::new(1, 2));
        assert!(
            saving >= request.saving,
            "the price found does not save enough"
        );
        assert!(
            saving_one_penny_higher < request.saving,
            "a penny more would still save enough"
        );
        assert_eq!(
            full_saving(practices, scenario, request, price),
            Some(saving)
        );
        assert_eq!(
            full_saving(practices, scenario, request, price + penny),
            Some(saving_one_penny_higher)
        );
    }
}

/// The saving of the full calculation at a fixed price (as `rebase solve`).
fn full_saving(
    practices: &[Practice],
    scenario: &Scenario,
    request: &SolveRequest,
    price: Money,
) -> Option<Money> {
    let mut s = with_price(scenario, price);
    if request.group.is_some() {
        let by_group = rebase::scenario::overrides::ScenarioOverrides {
            by: Some(Scope::Group),
            ..Default::default()
        };
        s = s.with(&by_group).ok()?;
    }
    let rebasing = rebase(practices, &s).ok()?;
    let all = savings(practices, &rebasing, &s);
    let scope = all.iter().find(|x| x.group == request.group)?;
    let year = scope.years.get(request.year.saturating_sub(1))?;
    Some(match request.basis {
        Basis::Gross => year.saving,
        Basis::Net => year.net_saving,
    })
}

// ---------------------------------------------------------------------------
// Target `money`: the money, percentage and flag parsers.
// ---------------------------------------------------------------------------

/// Every character a number the tool accepts may hold (SPEC §1).
fn allowed_in_amount(c: char) -> bool {
    c.is_ascii_digit() || c.is_whitespace() || "£,.()+-".contains(c)
}

/// Parses `data` as an amount, a percentage, a price and each flag, and
/// checks what an accepted number means.
pub fn money(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(value) = parse_amount(text) {
        assert!(
            text.chars().all(allowed_in_amount),
            "{text:?} is accepted as {value}"
        );
        // What is accepted prints back to the same number.
        assert_eq!(parse_amount(&value.to_string()), Ok(value), "{text:?}");
        let _ = round_penny(value);
        let t = text.trim();
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            assert_eq!(parse_amount(&format!("-{t}")), Ok(-value), "-{t}");
            assert_eq!(parse_amount(&format!("({t})")), Ok(-value), "({t})");
            assert_eq!(parse_amount(&format!("£{t}")), Ok(value), "£{t}");
        }
    }
    if let Ok(fraction) = parse_percent(text) {
        let t = text.trim();
        if !t.ends_with('%') {
            assert!(fraction.abs() <= Decimal::ONE, "{text:?} is {fraction}");
        }
    }
    if let Ok(m) = Money::from_str(text) {
        assert_eq!(m.value().scale(), 2, "{text:?} is {m}");
    }
    // Every flag that takes a number or a list of them: its parser (what
    // the command line runs), then the value laid over the defaults.
    flag(text, overrides::parse_target, |v| ScenarioOverrides {
        target: Some(v),
        ..ScenarioOverrides::default()
    });
    flag(text, overrides::parse_money, |v| ScenarioOverrides {
        floor: Some(v),
        ..ScenarioOverrides::default()
    });
    flag(text, overrides::parse_taper, |v| ScenarioOverrides {
        taper: Some(v),
        ..ScenarioOverrides::default()
    });
    flag(text, overrides::parse_share, |v| ScenarioOverrides {
        threshold: Some(v),
        ..ScenarioOverrides::default()
    });
    flag(text, overrides::parse_premium, |v| ScenarioOverrides {
        premium: Some(v),
        ..ScenarioOverrides::default()
    });
    flag(text, overrides::parse_global_sum_price, |v| {
        ScenarioOverrides {
            global_sum_price: Some(v),
            ..ScenarioOverrides::default()
        }
    });
    flag(text, overrides::parse_share, |v| ScenarioOverrides {
        global_sum_price: overrides::parse_global_sum_price("88.96").ok(),
        ooh: Some(v),
        ..ScenarioOverrides::default()
    });
    flag(text, overrides::parse_contracts, |v| ScenarioOverrides {
        contracts: Some(v),
        ..ScenarioOverrides::default()
    });
}

/// One flag: its parser's error is one line; a value it reads, laid over
/// the default scenario, is valid or refused in one line.
fn flag<T>(text: &str, parse: fn(&str) -> Result<T, String>, set: impl Fn(T) -> ScenarioOverrides) {
    match parse(text) {
        Ok(value) => {
            if let Err(e) = Scenario::default().with(&set(value)) {
                one_line(&e.to_string());
            }
        }
        Err(reason) => one_line(&ScenarioError::new("--flag", reason).to_string()),
    }
}

// ---------------------------------------------------------------------------
// Shared: the calculation and every writer.
// ---------------------------------------------------------------------------

/// An error or warning is one line (stderr carries exactly one).
fn one_line(message: &str) {
    assert!(
        !message.contains(['\n', '\r']),
        "the message is not one line: {message:?}"
    );
}

/// Runs the scenario over the practices and writes every report into memory:
/// practice table (narrow and wide), savings, CSV (checked back with
/// `check`'s comparer), JSON, xlsx, the variation table, each practice's
/// derivation and the chart.
pub fn exercise(input: &Input, scenario: &Scenario) {
    let rebasing = match rebase(&input.practices, scenario) {
        Ok(r) => r,
        Err(e) => {
            one_line(&e.to_string());
            return;
        }
    };
    let practices = &input.practices;
    let rows = practice_rows(practices, &rebasing, scenario.years());
    let saved = savings(practices, &rebasing, scenario);
    let mut warnings = input.warnings.clone();
    warnings.extend(rebasing.warnings.iter().cloned());

    let mut csv = Vec::new();
    ok("csv", output::csv::write_report(&rows, &mut csv, false));
    let csv = String::from_utf8(csv).unwrap_or_else(|e| panic!("csv is not UTF-8: {e}"));
    match compare(&csv, &rows) {
        Ok(differences) => assert!(
            differences.is_empty(),
            "the CSV does not check against itself: {} differences",
            differences.len()
        ),
        Err(e) => panic!("the CSV written does not read back: {e}"),
    }
    ok(
        "csv savings",
        output::csv::write_savings(&saved, Vec::new(), true),
    );
    ok(
        "json",
        output::json::write_run(scenario, &rows, &saved, &warnings, Vec::new()),
    );
    ok(
        "json savings",
        output::json::write_savings(&saved, Vec::new()),
    );
    tables(&rows, &saved, scenario.price().per);
    let spread = variation(practices, &rebasing, scenario.by() == Scope::Group);
    let outliers = outliers(practices, &rebasing);
    ok(
        "variation table",
        output::table::write_variation(
            &spread,
            &outliers,
            scenario.price().per,
            Width::fit(80),
            Vec::new(),
        ),
    );
    let spread_report = variation_report(&spread, scenario.price().per);
    ok(
        "variation csv",
        output::csv::write_report(&spread_report, Vec::new(), false),
    );
    ok(
        "xlsx",
        output::xlsx::write_run_workbook(practices, &rebasing, &saved, scenario, Vec::new()),
    );
    let sheets = [Sheet {
        name: "Variation",
        report: &spread_report,
    }];
    ok(
        "xlsx variation",
        output::xlsx::write_workbook(&sheets, Vec::new()),
    );
    for (p, r) in practices.iter().zip(&rebasing.practices) {
        for step in derivation(p, r, &rebasing, scenario) {
            let _ = format!("{step:?}");
        }
    }
    chart(practices, &rebasing, scenario);
}

/// A writer's result on a good run: an error is a finding.
fn ok(what: &str, r: std::io::Result<()>) {
    if let Err(e) = r {
        panic!("{what} fails on a good run: {e}");
    }
}

/// The terminal tables, piped and fitted to 80 columns.
fn tables(
    rows: &rebase::report::Report,
    saved: &[rebase::report::savings::Savings],
    per: rebase::scenario::Per,
) {
    ok(
        "table",
        output::table::write_practices(rows, false, per, Width::Piped, Vec::new()),
    );
    ok(
        "table fitted to 80 columns",
        output::table::write_practices(rows, false, per, Width::fit(80), Vec::new()),
    );
    ok(
        "wide table",
        output::table::write_practices(rows, true, per, Width::Piped, Vec::new()),
    );
    ok(
        "savings table",
        output::table::write_savings(saved, Width::Piped, Vec::new()),
    );
    ok(
        "savings table fitted to 80 columns",
        output::table::write_savings(saved, Width::fit(80), Vec::new()),
    );
}

/// The chart's points as `rebase chart` makes them, drawn.
fn chart(practices: &[Practice], rebasing: &Rebasing, scenario: &Scenario) {
    let points = rebase::output::chart::chart_points(practices, rebasing);
    let target = rebasing.targets.iter().find_map(|t| t.price);
    let _ = price_chart_svg(
        &points,
        target,
        scenario.price().floor,
        scenario.name(),
        scenario.price().per,
    );
}
