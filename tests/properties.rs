//! Properties of the calculation over generated practice files and
//! scenarios (STYLE §2 point 12; xsv `prop_count`, rustledger proptest).
//!
//! Each case is written out as the CSV and TOML text a user would give, then
//! read, re-based and reported in process with the library's own functions
//! (`input::read_input`, `scenario::file::parse_scenario`, `calc::rebase`,
//! `report::*`, `output::*`), so the properties hold for what the CLI prints.
//! One property runs the real binary against the independent Python oracle
//! (`tools/oracle.py`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;
use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use rebase::calc::{Rebasing, Results, rebase};
use rebase::input::read_input;
use rebase::model::Practice;
use rebase::money::round_penny;
use rebase::report::practice_rows::practice_rows;
use rebase::report::savings::{Savings, SavingsFold, Spread, savings};
use rebase::scenario::Scenario;
use rebase::scenario::file::parse_scenario;

use crate::common::{python3, root};

// ---------------------------------------------------------------------------
// Generated practice files.
// ---------------------------------------------------------------------------

/// Premium services a scenario's menu may offer; practices name them.
const SERVICES: [&str; 2] = ["data-reviews", "patient-facing"];

/// Practice names, including ones CSV must quote, non-ASCII ones and ones a
/// spreadsheet would run as a formula.
const NAMES: [&str; 8] = [
    "The Abingdon Health Centre",
    "Bloggs, Smith and Jones",
    "Café £ Surgery",
    "=HYPERLINK(\"http://x\")",
    "-Minus Lane",
    "",
    "  Spaced Name  ",
    "\"Quoted\" Practice",
];

const GROUPS: [&str; 4] = ["", "07W", "5LA", "Q1"];

/// Which premium services a practice takes (rendered against the menu).
#[derive(Clone, Copy, Debug)]
enum Take {
    /// An empty cell: none.
    Blank,
    /// `all`.
    All,
    /// The menu's services picked by the bits of the mask.
    Mask(u8),
}

/// One generated practice. Lists are in hundredths of a patient, money in
/// pennies.
#[derive(Clone, Debug)]
struct Gen {
    contract: &'static str,
    name: &'static str,
    group: &'static str,
    exeter: i64,
    practice: Option<i64>,
    ghosts: Option<i64>,
    funded: Option<i64>,
    weighted: Option<i64>,
    global_sum: i64,
    mpig: i64,
    pms_baseline: i64,
    qof: i64,
    des: i64,
    nes: i64,
    les: i64,
    other: i64,
    mpig_equivalent: i64,
    superannuation: i64,
    take: Take,
    closed: bool,
    /// How money cells are spelt (plain, thousands, £, ...).
    style: u8,
}

/// Options of a whole file.
#[derive(Clone, Copy, Debug)]
struct FileOpts {
    premium_column: bool,
    close_date_column: bool,
    /// Headers as `Practice Code` instead of `practice_code`.
    spaced_headers: bool,
}

/// A list of hundredths of a patient: mostly whole, some quarterly averages
/// such as 4095.25, some with any two decimals, a few zero.
fn list_hundredths() -> impl Strategy<Value = i64> {
    prop_oneof![
        2 => Just(0_i64),
        70 => (0_i64..20_000).prop_map(|n| n * 100),
        15 => (0_i64..20_000, 0_i64..4).prop_map(|(n, q)| n * 100 + q * 25),
        13 => 0_i64..2_000_000,
    ]
}

/// `a * (10000 + bp) / 10000`, in integers.
fn scale(a: i64, bp: i64) -> i64 {
    a * (10_000 + bp) / 10_000
}

fn practice() -> impl Strategy<Value = Gen> {
    let lists = (
        list_hundredths(),
        prop::option::weighted(
            0.6,
            prop_oneof![3 => -500_i64..=500, 1 => Just(200_i64), 1 => Just(-200_i64)],
        ),
        prop::option::weighted(0.3, prop_oneof![9 => 0_i64..=100, 1 => Just(1000_i64)]),
        prop::option::weighted(0.4, prop_oneof![9 => -1000_i64..=1000, 1 => Just(i64::MIN)]),
        prop::option::weighted(0.6, -1500_i64..=1500),
    );
    let money = (
        prop_oneof![
            1 => Just(0_i64),
            1 => -2000_i64..0,
            20 => 4000_i64..16_000
        ],
        0_i64..100,
        prop::option::weighted(0.2, -2_000_000_i64..5_000_000),
        (
            0_i64..3000,
            0_i64..2000,
            0_i64..600,
            0_i64..1500,
            0_i64..2500,
        ),
        prop::option::weighted(0.2, 0_i64..8_000_000),
        prop::option::weighted(0.5, 0_i64..4_000_000),
    );
    let text = (
        prop_oneof![3 => Just("GMS"), 5 => Just("PMS"), 2 => Just("APMS"), 1 => Just("pms")],
        prop::sample::select(&NAMES[..]),
        prop::sample::select(&GROUPS[..]),
        prop_oneof![2 => Just(Take::Blank), 2 => Just(Take::All), 3 => (0_u8..4).prop_map(Take::Mask)],
        prop::bool::weighted(0.05),
        any::<u8>(),
    );
    (lists, money, text).prop_map(
        |(
            (exeter, practice_bp, ghosts_per_mille, funded_bp, weighted_bp),
            (price, pennies, mpig, (qof, des, nes, les, other), mpig_eq, sup),
            (contract, name, group, take, closed, style),
        )| {
            let practice = practice_bp.map(|bp| scale(exeter, bp));
            let smaller = practice.map_or(exeter, |p| p.min(exeter));
            // Ghosts are whole patients, at most the smaller list (1000 = all of it).
            let ghosts = ghosts_per_mille.map(|m| {
                if m >= 1000 {
                    smaller
                } else {
                    (smaller * m / 1000) / 100 * 100
                }
            });
            // i64::MIN stands for a funded list written `0` (not given).
            let funded = funded_bp.map(|bp| {
                if bp == i64::MIN {
                    0
                } else {
                    scale(exeter, bp) / 100 * 100
                }
            });
            let weighted = weighted_bp.map(|bp| scale(exeter, bp));
            let core = price * exeter / 100 + pennies;
            let gms = contract == "GMS";
            let per_patient = |pence: i64| pence * exeter / 100;
            Gen {
                contract,
                name,
                group,
                exeter,
                practice,
                ghosts,
                funded,
                weighted,
                global_sum: if gms { core } else { 0 },
                mpig: mpig.unwrap_or(0),
                pms_baseline: if gms { 0 } else { core },
                qof: per_patient(qof),
                des: per_patient(des),
                nes: per_patient(nes),
                les: per_patient(les),
                other: per_patient(other),
                mpig_equivalent: mpig_eq.unwrap_or(0),
                superannuation: sup.unwrap_or(0),
                take,
                closed,
                style,
            }
        },
    )
}

fn file_opts() -> impl Strategy<Value = FileOpts> {
    (
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(premium_column, close_date_column, spaced_headers)| FileOpts {
                premium_column,
                close_date_column,
                spaced_headers,
            },
        )
}

/// A list count as written: whole, or two decimals.
fn list_text(h: i64, thousands: bool) -> String {
    let whole = h / 100;
    let int = if thousands {
        with_commas(whole)
    } else {
        whole.to_string()
    };
    if h % 100 == 0 {
        int
    } else {
        format!("{int}.{:02}", h % 100)
    }
}

fn with_commas(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A money amount in pennies, spelt in one of SPEC §1's ways.
fn money_text(pennies: i64, style: u8) -> String {
    let abs = pennies.abs();
    let plain = format!("{}.{:02}", abs / 100, abs % 100);
    let commas = format!("{}.{:02}", with_commas(abs / 100), abs % 100);
    let body = match style % 5 {
        0 | 1 => plain,
        2 => commas,
        3 => format!("£{commas}"),
        _ => format!(" {plain} "),
    };
    if pennies >= 0 {
        // A zero is sometimes left blank.
        if pennies == 0 && style % 7 == 0 {
            String::new()
        } else {
            body
        }
    } else if style % 2 == 0 {
        format!("({})", body.trim())
    } else {
        format!("-{}", body.trim())
    }
}

const COLUMNS: [(&str, &str); 21] = [
    ("practice_code", "Practice Code"),
    ("practice_name", "Practice Name"),
    ("contract", "Contract"),
    ("group", "Group"),
    ("list_exeter", "List Exeter"),
    ("list_practice", "List Practice"),
    ("ghosts", "Ghosts"),
    ("list_funded", "List Funded"),
    ("weighted_list", "Weighted List"),
    ("global_sum", "Global Sum (£)"),
    ("mpig", "MPIG"),
    ("pms_baseline", "PMS Baseline"),
    ("qof", "QOF"),
    ("des", "DES"),
    ("nes", "NES"),
    ("les", "LES"),
    ("other", "Other"),
    ("mpig_equivalent", "MPIG Equivalent"),
    ("superannuation", "Superannuation"),
    ("premium", "Premium"),
    ("close_date", "Close Date"),
];

/// The practice file as CSV text. `menu` is the scenario's service names
/// (premium cells only name those, so the file is valid).
/// Row `j` is practice `order[j]`, coded `P{order[j]}`.
fn practice_csv(practices: &[Gen], order: &[usize], opts: FileOpts, menu: &[&str]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let wanted = |name: &str| match name {
        "premium" => opts.premium_column,
        "close_date" => opts.close_date_column,
        _ => true,
    };
    let header: Vec<&str> = COLUMNS
        .iter()
        .filter(|(c, _)| wanted(c))
        .map(|(c, spaced)| if opts.spaced_headers { *spaced } else { *c })
        .collect();
    w.write_record(&header).unwrap();
    for &i in order {
        let p = &practices[i];
        let m = |pennies: i64, k: u8| money_text(pennies, p.style.wrapping_add(k));
        let l = |h: Option<i64>, k: u8| {
            h.map_or_else(String::new, |h| {
                list_text(h, (p.style.wrapping_add(k)) % 11 == 0)
            })
        };
        let premium = match p.take {
            Take::Blank => String::new(),
            Take::All => "all".to_owned(),
            Take::Mask(mask) => menu
                .iter()
                .enumerate()
                .filter(|(b, _)| mask & (1 << b) != 0)
                .map(|(_, n)| *n)
                .collect::<Vec<_>>()
                .join(";"),
        };
        let mut row = vec![
            format!("P{i:05}"),
            p.name.to_owned(),
            p.contract.to_owned(),
            p.group.to_owned(),
            l(Some(p.exeter), 0),
            l(p.practice, 1),
            l(p.ghosts, 2),
            l(p.funded, 3),
            l(p.weighted, 4),
            m(p.global_sum, 0),
            m(p.mpig, 1),
            m(p.pms_baseline, 2),
            m(p.qof, 3),
            m(p.des, 4),
            m(p.nes, 5),
            m(p.les, 6),
            m(p.other, 7),
            m(p.mpig_equivalent, 8),
            m(p.superannuation, 9),
        ];
        if opts.premium_column {
            row.push(premium);
        }
        if opts.close_date_column {
            row.push(if p.closed {
                "2019-03-31".to_owned()
            } else {
                String::new()
            });
        }
        w.write_record(&row).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

// ---------------------------------------------------------------------------
// Generated scenarios.
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Method {
    Average,
    Mean,
    Median,
    GmsAverage,
    /// A price in pennies.
    Fixed(i64),
    /// Bands `(from, to, price)` in pennies, contiguous from 0, the last open.
    Banding(Vec<(i64, Option<i64>, i64)>),
    /// SPEC §8.1: each practice's own GMS equivalent.
    GmsEquivalent,
}

/// SPEC §8's keys (all absent by default: a scenario of sections 3-7).
#[derive(Clone, Debug, Default)]
struct Second {
    /// `[price] retain`, in percent (gms-equivalent only).
    retain: Option<i64>,
    /// `[price] per = "weighted"`.
    per_weighted: bool,
    /// `[price] outliers = "exclude"`.
    outliers_exclude: bool,
    /// Write `per = "registered"` and `outliers = "include"` (the defaults) out.
    explicit_defaults: bool,
    /// `[years]`: data year (first calendar year), first year's offset from
    /// it, and an uplift in pennies per taper year (empty for none).
    years: Option<(i32, i32, Vec<i64>)>,
    /// `[reinvest]`: share in percent, scope all, basis registered, contracts.
    reinvest: Option<(i64, bool, bool, Vec<&'static str>)>,
}

#[derive(Clone, Debug)]
enum GsPrice {
    Pennies(i64),
    Year(&'static str),
}

#[derive(Clone, Debug)]
struct Scen {
    contracts: Vec<&'static str>,
    by_group: bool,
    /// Threshold in tenths of a percent.
    threshold: Option<i64>,
    change: Option<&'static str>,
    method: Method,
    floor: Option<i64>,
    level_up: bool,
    /// Cumulative shares in percent, ending at 100.
    taper: Vec<i64>,
    gains: Option<&'static str>,
    premium: Vec<(&'static str, i64)>,
    gms: Option<(GsPrice, Option<i64>)>,
    second: Second,
}

impl Scen {
    fn menu(&self) -> Vec<&'static str> {
        self.premium.iter().map(|(n, _)| *n).collect()
    }

    fn is_banding(&self) -> bool {
        matches!(self.method, Method::Banding(_))
    }
}

fn pence(p: i64) -> String {
    format!("{}.{:02}", p / 100, p % 100)
}

fn bands() -> impl Strategy<Value = Vec<(i64, Option<i64>, i64)>> {
    (
        prop::collection::btree_set(4000_i64..16_000, 0..4),
        prop::collection::vec(5000_i64..13_000, 4),
    )
        .prop_map(|(cuts, prices)| {
            let mut bounds = vec![0_i64];
            bounds.extend(cuts);
            let n = bounds.len();
            (0..n)
                .map(|i| (bounds[i], bounds.get(i + 1).copied(), prices[i]))
                .collect()
        })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        3 => Just(Method::Average),
        2 => Just(Method::Mean),
        2 => Just(Method::Median),
        1 => Just(Method::GmsAverage),
        3 => (5000_i64..15_000).prop_map(Method::Fixed),
        2 => bands().prop_map(Method::Banding),
    ]
}

fn taper() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(0_i64..=100, 0..4).prop_map(|mut shares| {
        shares.sort_unstable();
        shares.push(100);
        shares
    })
}

fn scenario() -> impl Strategy<Value = Scen> {
    (
        (
            prop_oneof![
                6 => Just(vec!["PMS"]),
                2 => Just(vec!["PMS", "APMS"]),
                1 => Just(vec!["APMS"]),
                1 => Just(vec!["GMS", "PMS"]),
            ],
            prop::bool::weighted(0.3),
            prop::option::weighted(0.3, 0_i64..=60),
            prop::option::of(prop::sample::select(vec!["both", "down", "off"])),
        ),
        (
            method(),
            prop::option::weighted(0.4, 0_i64..=12_000),
            prop::bool::weighted(0.3),
        ),
        (
            taper(),
            prop::option::of(prop::sample::select(vec!["immediate", "tapered"])),
            prop::collection::vec(0_i64..600, 0..=2),
            prop::option::weighted(
                0.5,
                (
                    prop_oneof![
                        2 => (6000_i64..10_000).prop_map(GsPrice::Pennies),
                        1 => prop::sample::select(vec!["2017/18", "2018/19"]).prop_map(GsPrice::Year),
                    ],
                    prop::option::weighted(0.5, 0_i64..=1000),
                ),
            ),
        ),
    )
        .prop_map(
            |(
                (contracts, by_group, threshold, change),
                (method, floor, level_up),
                (taper, gains, premium_prices, gms),
            )| {
                let level_up = level_up && !matches!(method, Method::Banding(_));
                Scen {
                    contracts,
                    by_group,
                    threshold,
                    change,
                    method,
                    floor,
                    level_up,
                    taper,
                    gains,
                    premium: SERVICES.iter().copied().zip(premium_prices).collect(),
                    gms,
                    second: Second::default(),
                }
            },
        )
}

/// The scenario as TOML text.
fn scenario_toml(s: &Scen) -> String {
    let mut t = String::new();
    let quoted: Vec<String> = s.contracts.iter().map(|c| format!("\"{c}\"")).collect();
    writeln!(t, "name = \"generated\"").unwrap();
    writeln!(t, "contracts = [{}]", quoted.join(", ")).unwrap();
    writeln!(t, "by = \"{}\"", if s.by_group { "group" } else { "all" }).unwrap();
    writeln!(t, "\n[list]").unwrap();
    if let Some(th) = s.threshold {
        writeln!(t, "threshold = \"{}.{}%\"", th / 10, th % 10).unwrap();
    }
    if let Some(c) = s.change {
        writeln!(t, "change = \"{c}\"").unwrap();
    }
    price_toml(&mut t, s);
    let shares: Vec<String> = s.taper.iter().map(|x| format!("\"{x}%\"")).collect();
    writeln!(t, "\n[taper]\nschedule = [{}]", shares.join(", ")).unwrap();
    if let Some(g) = s.gains {
        writeln!(t, "gains = \"{g}\"").unwrap();
    }
    for (name, price) in &s.premium {
        writeln!(
            t,
            "\n[[premium]]\nname = \"{name}\"\nprice = \"{}\"",
            pence(*price)
        )
        .unwrap();
    }
    if let Some((gs, ooh)) = &s.gms {
        writeln!(t, "\n[gms]").unwrap();
        match gs {
            GsPrice::Pennies(p) => writeln!(t, "global_sum_price = \"{}\"", pence(*p)).unwrap(),
            GsPrice::Year(y) => writeln!(t, "global_sum_price = \"{y}\"").unwrap(),
        }
        if let Some(o) = ooh {
            writeln!(t, "ooh_deduction = \"{}.{:02}%\"", o / 100, o % 100).unwrap();
        }
    }
    years_and_reinvest_toml(&mut t, &s.second);
    t
}

/// The scenario's `[price]` table.
fn price_toml(t: &mut String, s: &Scen) {
    writeln!(*t, "\n[price]").unwrap();
    match &s.method {
        Method::Average => writeln!(*t, "method = \"average\"").unwrap(),
        Method::Mean => writeln!(*t, "method = \"mean\"").unwrap(),
        Method::Median => writeln!(*t, "method = \"median\"").unwrap(),
        Method::GmsAverage => writeln!(*t, "method = \"gms-average\"").unwrap(),
        Method::GmsEquivalent => writeln!(*t, "method = \"gms-equivalent\"").unwrap(),
        Method::Fixed(p) => writeln!(*t, "method = \"fixed\"\nvalue = \"{}\"", pence(*p)).unwrap(),
        Method::Banding(bands) => {
            writeln!(*t, "method = \"banding\"\nbands = [").unwrap();
            for (from, to, price) in bands {
                let to = to.map_or_else(String::new, |to| format!("to = \"{}\", ", pence(to)));
                writeln!(
                    *t,
                    "  {{ from = \"{}\", {to}price = \"{}\" }},",
                    pence(*from),
                    pence(*price)
                )
                .unwrap();
            }
            writeln!(*t, "]").unwrap();
        }
    }
    if let Some(f) = s.floor {
        writeln!(*t, "floor = \"{}\"", pence(f)).unwrap();
    }
    writeln!(*t, "level_up = {}", s.level_up).unwrap();
    let second = &s.second;
    if let Some(r) = second.retain {
        writeln!(*t, "retain = \"{r}%\"").unwrap();
    }
    if second.per_weighted {
        writeln!(*t, "per = \"weighted\"").unwrap();
    } else if second.explicit_defaults {
        writeln!(*t, "per = \"registered\"").unwrap();
    }
    if second.outliers_exclude {
        writeln!(*t, "outliers = \"exclude\"").unwrap();
    } else if second.explicit_defaults {
        writeln!(*t, "outliers = \"include\"").unwrap();
    }
}

/// The second generation's `[years]` and `[reinvest]` tables.
fn years_and_reinvest_toml(t: &mut String, second: &Second) {
    if let Some((data, offset, uplift)) = &second.years {
        let fy = |y: i32| format!("{y}/{:02}", (y + 1) % 100);
        writeln!(*t, "\n[years]\ndata = \"{}\"", fy(*data)).unwrap();
        writeln!(*t, "first = \"{}\"", fy(data + offset)).unwrap();
        if !uplift.is_empty() {
            let amounts: Vec<String> = uplift
                .iter()
                .map(|u| format!("\"{}\"", pence(*u)))
                .collect();
            writeln!(*t, "uplift = [{}]", amounts.join(", ")).unwrap();
        }
    }
    if let Some((share, all, registered, contracts)) = &second.reinvest {
        writeln!(*t, "\n[reinvest]\nshare = \"{share}%\"").unwrap();
        writeln!(*t, "scope = \"{}\"", if *all { "all" } else { "group" }).unwrap();
        writeln!(
            *t,
            "basis = \"{}\"",
            if *registered {
                "registered"
            } else {
                "weighted"
            }
        )
        .unwrap();
        let quoted: Vec<String> = contracts.iter().map(|c| format!("\"{c}\"")).collect();
        writeln!(*t, "contracts = [{}]", quoted.join(", ")).unwrap();
    }
}

/// A whole case: the practices, the file's options and the scenario.
#[derive(Clone, Debug)]
struct Case {
    practices: Vec<Gen>,
    opts: FileOpts,
    scen: Scen,
}

impl Case {
    fn csv(&self) -> String {
        let order: Vec<usize> = (0..self.practices.len()).collect();
        self.csv_in(&order)
    }

    /// The practice file with its rows in another order (codes follow the practices).
    fn csv_in(&self, order: &[usize]) -> String {
        practice_csv(&self.practices, order, self.opts, &self.scen.menu())
    }

    fn toml(&self) -> String {
        scenario_toml(&self.scen)
    }
}

fn case_with(max: usize) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(practice(), 1..max),
        file_opts(),
        scenario(),
    )
        .prop_map(|(practices, opts, scen)| Case {
            practices,
            opts,
            scen,
        })
}

fn case() -> impl Strategy<Value = Case> {
    case_with(30)
}

// ---------------------------------------------------------------------------
// Running a case in process.
// ---------------------------------------------------------------------------

/// Everything one run produces.
struct Run {
    practices: Vec<Practice>,
    scenario: Scenario,
    rebasing: Rebasing,
    savings: Vec<Savings>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Run {
    /// The index of a CSV column.
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// A money cell of a row, `None` when blank.
    fn cell(&self, row: &[String], name: &str) -> Option<Decimal> {
        let text = &row[self.col(name)];
        if text.is_empty() {
            return None;
        }
        assert!(
            two_decimals(text),
            "{name} = {text:?} is not a plain number with two decimals"
        );
        Some(Decimal::from_str(text).unwrap())
    }

    /// A money cell that must be there.
    fn money(&self, row: &[String], name: &str) -> Decimal {
        self.cell(row, name)
            .unwrap_or_else(|| panic!("{name} is blank in {row:?}"))
    }

    /// The sum of a money column over the rows of a scope.
    fn total(&self, scope: Option<&str>, name: &str) -> Decimal {
        self.rows
            .iter()
            .filter(|r| scope.is_none_or(|g| r[self.col("group")] == g))
            .map(|r| self.money(r, name))
            .sum()
    }

    fn years(&self) -> usize {
        self.scenario.years()
    }

    /// The savings table as CSV text.
    fn savings_csv(&self) -> String {
        let mut out = Vec::new();
        rebase::output::csv::write_savings(&self.savings, &mut out, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The whole run as the JSON document `-f json` writes.
    fn json(&self) -> serde_json::Value {
        let report = practice_rows(&self.practices, &self.rebasing, self.years());
        let mut out = Vec::new();
        rebase::output::json::write_run(
            &self.scenario,
            &report,
            &self.savings,
            &self.rebasing.warnings,
            &mut out,
        )
        .unwrap();
        serde_json::from_slice(&out).unwrap()
    }
}

/// `-1234.50`, `0.00`: an optional minus, digits, a point, two digits.
fn two_decimals(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    match body.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.len() == 2
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

fn run_text(csv_text: &str, toml_text: &str) -> Run {
    let input = read_input(csv_text.as_bytes(), "generated.csv")
        .unwrap_or_else(|e| panic!("the generated file is invalid: {e}\n{csv_text}"));
    let scenario = parse_scenario(toml_text, "generated")
        .unwrap_or_else(|e| panic!("the generated scenario is invalid: {e}\n{toml_text}"));
    let rebasing = rebase(&input.practices, &scenario)
        .unwrap_or_else(|e| panic!("rebase failed: {e}\n{csv_text}\n{toml_text}"));
    let report = practice_rows(&input.practices, &rebasing, scenario.years());
    let mut out = Vec::new();
    rebase::output::csv::write_report(&report, &mut out, false).unwrap();
    let csv = String::from_utf8(out).unwrap();
    let (header, rows) = crate::common::parse_csv(&csv);
    let savings = savings(&input.practices, &rebasing, &scenario);
    Run {
        practices: input.practices,
        scenario,
        rebasing,
        savings,
        header,
        rows,
    }
}

fn run_case(case: &Case) -> Run {
    run_text(&case.csv(), &case.toml())
}

/// The scopes of the savings: `None` for all, or the group.
fn scope_name(s: &Savings) -> Option<&str> {
    s.group.as_deref()
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Failures are reported with the shrunk case; no files are written
        // into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    /// SPEC §4 step 6: the last year is the re-based core, and every year
    /// lies between the core now and the re-based core.
    #[test]
    fn taper_years_run_from_core_now_to_core_rebased(case in case()) {
        let run = run_case(&case);
        let years = run.years();
        for row in &run.rows {
            let now = run.money(row, "core_now");
            let rebased = run.money(row, "core_rebased");
            let (lo, hi) = if now <= rebased { (now, rebased) } else { (rebased, now) };
            let last = run.money(row, &format!("year_{years}"));
            prop_assert_eq!(last, rebased, "last year of {:?}", row);
            for k in 1..=years {
                let y = run.money(row, &format!("year_{k}"));
                prop_assert!(lo <= y && y <= hi, "year_{} = {} outside [{}, {}] in {:?}", k, y, lo, hi, row);
            }
        }
    }

    /// SPEC §4 step 5: no re-based practice is paid below the floor. The
    /// floor is a penny price `F`; the re-based core is either the corrected
    /// core (whose price is at least `F`, and a penny amount at least
    /// `F * list` is at least `round(F * list)`) or `round(P * list)` for a
    /// price `P >= F`, and rounding is monotone. So
    /// `core_rebased >= round(F * list_used)` exactly, and with a list of at
    /// least one patient the price shown, `round(core / list)`, is at least `F`.
    #[test]
    fn no_rebased_practice_is_paid_below_the_floor(case in case()) {
        let run = run_case(&case);
        let Some(floor) = run.scenario.price().floor else { return Ok(()); };
        for (r, row) in run.rebasing.practices.iter().zip(&run.rows) {
            if !r.is_rebased() {
                continue;
            }
            let list = r.list.list_used;
            let core = run.money(row, "core_rebased");
            prop_assert!(
                core >= round_penny(floor.value() * list).value(),
                "core_rebased {} below the floor {} x {} in {:?}", core, floor, list, row
            );
            if list >= Decimal::ONE {
                let price = run.money(row, "price_rebased");
                prop_assert!(price >= floor.value(), "price_rebased {} below the floor {} in {:?}", price, floor, row);
            }
        }
    }

    /// SPEC §4 step 5 without `level_up` or banding: `max(F, min(p, T))` is
    /// at most `max(T, F)`, so the re-based core is at most
    /// `round(max(T, F) * list_used)` (the corrected core, when it is kept,
    /// is a penny amount at most `max(T, F) * list`).
    #[test]
    fn without_level_up_no_rebased_practice_ends_above_the_target(case in case()) {
        prop_assume!(!case.scen.level_up && !case.scen.is_banding());
        let run = run_case(&case);
        let floor = run.scenario.price().floor.map_or(Decimal::ZERO, rebase::Money::value);
        for (r, row) in run.rebasing.practices.iter().zip(&run.rows) {
            if !r.is_rebased() {
                continue;
            }
            let Some(target) = r.target.and_then(|i| run.rebasing.targets.get(i)).and_then(|t| t.price) else {
                continue;
            };
            let cap = target.value().max(floor);
            let core = run.money(row, "core_rebased");
            prop_assert!(
                core <= round_penny(cap * r.list.list_used).value(),
                "core_rebased {} above max(target {}, floor {}) x {} in {:?}", core, target, floor, r.list.list_used, row
            );
        }
    }

    /// Rows keep the input order, and the order changes no figure.
    #[test]
    fn reordering_the_rows_changes_no_figure(
        (case, order) in case().prop_flat_map(|c| {
            let n = c.practices.len();
            (Just(c), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
    ) {
        let run = run_case(&case);
        let again = run_text(&case.csv_in(&order), &case.toml());
        prop_assert_eq!(&run.header, &again.header);
        let by_code = |r: &Run| -> BTreeMap<String, Vec<String>> {
            r.rows.iter().map(|row| (row[0].clone(), row.clone())).collect()
        };
        prop_assert_eq!(by_code(&run), by_code(&again));
        let codes: Vec<&String> = again.rows.iter().map(|r| &r[0]).collect();
        let expected: Vec<String> = order.iter().map(|i| format!("P{i:05}")).collect();
        prop_assert_eq!(codes, expected.iter().collect::<Vec<_>>(), "rows keep the input order");
        prop_assert_eq!(run.savings_csv(), again.savings_csv());
    }

    /// SPEC §1 point 4: every total of the savings is the sum of the rounded
    /// per-practice figures, in the savings CSV and in the JSON document.
    #[test]
    fn savings_totals_are_sums_of_the_practice_rows(case in case()) {
        let run = run_case(&case);
        let years = run.years();
        // The savings CSV: scope,measure,value.
        let (header, lines) = crate::common::parse_csv(&run.savings_csv());
        prop_assert_eq!(header, vec!["scope", "measure", "value"]);
        let measure = |scope: &str, m: &str| -> Decimal {
            let line = lines
                .iter()
                .find(|l| l[0] == scope && l[1] == m)
                .unwrap_or_else(|| panic!("no {scope},{m} in the savings CSV"));
            assert!(two_decimals(&line[2]), "{scope},{m} = {:?}", line[2]);
            Decimal::from_str(&line[2]).unwrap()
        };
        let json = run.json();
        let json_savings = json["savings"].as_array().unwrap();
        prop_assert_eq!(json_savings.len(), run.savings.len());
        prop_assert!(json["warnings"].is_array());
        // The JSON's practice rows are the CSV's rows.
        let json_rows = json["practices"].as_array().unwrap();
        prop_assert_eq!(json_rows.len(), run.rows.len());
        for (jr, row) in json_rows.iter().zip(&run.rows) {
            for (i, name) in run.header.iter().enumerate() {
                let v = &jr[name.as_str()];
                if row[i].is_empty() {
                    prop_assert!(v.is_null() || v.as_str() == Some(""), "{} of {:?}: {}", name, row, v);
                } else if name != "practice_name" && name != "practice_code" && name != "group" && name != "flags" {
                    prop_assert_eq!(v.as_str(), Some(row[i].as_str()), "{} of {:?}", name, row);
                }
            }
        }

        for (s, js) in run.savings.iter().zip(json_savings) {
            let scope = scope_name(s);
            let csv_scope = scope.unwrap_or("all");
            let premium = run.total(scope, "premium");
            let core_now = run.total(scope, "core_now");
            let mut expected: Vec<(String, Decimal)> = vec![
                ("core_now".into(), core_now),
                ("list_effect".into(), run.total(scope, "list_effect")),
                ("price_effect".into(), run.total(scope, "price_effect")),
                ("core_rebased".into(), run.total(scope, "core_rebased")),
            ];
            for name in ["core_now", "list_effect", "price_effect", "core_rebased"] {
                let v = js[name].as_str().unwrap_or_else(|| panic!("JSON {name} is not a string: {js}"));
                let want = expected.iter().find(|(n, _)| n == name).unwrap().1;
                prop_assert_eq!(Decimal::from_str(v).unwrap(), want, "JSON {} of scope {:?}", name, scope);
            }
            let jyears = js["years"].as_array().unwrap();
            prop_assert_eq!(jyears.len(), years);
            for k in 1..=years {
                let core_k = run.total(scope, &format!("year_{k}"));
                let saving = core_now - core_k;
                let jy = &jyears[k - 1];
                for (field, want) in [("core", core_k), ("saving", saving), ("premium", premium), ("net_saving", saving - premium)] {
                    let v = jy[field].as_str().unwrap_or_else(|| panic!("JSON year {k} {field} is not a string: {jy}"));
                    prop_assert_eq!(Decimal::from_str(v).unwrap(), want, "JSON year {} {} of scope {:?}", k, field, scope);
                    expected.push((format!("year_{k}_{field}"), want));
                }
            }
            for (m, want) in expected {
                prop_assert_eq!(measure(csv_scope, &m), want, "savings CSV {},{}", csv_scope, m);
            }
        }
    }

    /// The decomposition adds up per practice, and the last year's saving is
    /// minus the total change.
    #[test]
    fn list_effect_plus_price_effect_is_the_change(case in case()) {
        let run = run_case(&case);
        for row in &run.rows {
            let sum = run.money(row, "list_effect") + run.money(row, "price_effect");
            prop_assert_eq!(sum, run.money(row, "change"), "{:?}", row);
            prop_assert_eq!(
                run.money(row, "core_rebased") - run.money(row, "core_now"),
                run.money(row, "change"),
                "{:?}", row
            );
        }
        let total_change = run.total(None, "change");
        let all = run.savings.last().unwrap();
        prop_assert!(all.group.is_none());
        let last = all.years.last().unwrap();
        prop_assert_eq!(last.year, run.years());
        prop_assert_eq!(last.saving.value(), -total_change);
    }

    /// `solve` relies on it: with a fixed target, a higher price never saves
    /// more in the last year.
    #[test]
    fn the_last_years_saving_falls_as_a_fixed_target_rises(
        case in case(),
        p1 in 0_i64..20_000,
        step in 1_i64..3000,
    ) {
        let p2 = p1 + step;
        let saving = |p: i64| -> Decimal {
            let mut c = case.clone();
            c.scen.method = Method::Fixed(p);
            let run = run_case(&c);
            let all = run.savings.last().unwrap();
            all.years.last().unwrap().saving.value()
        };
        let (s1, s2) = (saving(p1), saving(p2));
        prop_assert!(s1 >= s2, "saving at {} is {} but at {} is {}", pence(p1), s1, pence(p2), s2);
    }
}

// ---------------------------------------------------------------------------
// The binary against the Python oracle.
// ---------------------------------------------------------------------------

/// Cases of the oracle property: 40, or `ORACLE_CASES` for a longer hunt.
fn oracle_cases() -> u32 {
    std::env::var("ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40)
}

proptest! {
    #![proptest_config(config(oracle_cases()))]

    /// `rebase run FILE -s SCEN -f csv` prints byte for byte what the
    /// independent oracle prints; when the binary rejects the data (65), so
    /// does the oracle.
    #[test]
    fn the_binary_agrees_with_the_python_oracle(case in case_with(20)) {
        agrees_with_the_oracle(&case)?;
    }
}

/// `rebase run FILE -s SCEN -f csv` prints byte for byte what the oracle
/// prints (a goal not met exits 1 with the same CSV); when the binary
/// rejects the data (65), so does the oracle.
fn agrees_with_the_oracle(case: &Case) -> Result<(), TestCaseError> {
    if !python3() {
        return Ok(());
    }
    let dir = tempfile::tempdir().unwrap();
    let practices = dir.path().join("practices.csv");
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&practices, case.csv()).unwrap();
    std::fs::write(&scenario, case.toml()).unwrap();
    let (p, s) = (practices.to_str().unwrap(), scenario.to_str().unwrap());
    let ours = Command::new(env!("CARGO_BIN_EXE_rebase"))
        .args(["run", p, "-s", s, "-f", "csv"])
        .output()
        .unwrap();
    let oracle = Command::new("python3")
        .arg(root().join("tools/oracle.py"))
        .args([p, s])
        .output()
        .unwrap();
    let ours_err = String::from_utf8_lossy(&ours.stderr).into_owned();
    let oracle_err = String::from_utf8_lossy(&oracle.stderr).into_owned();
    prop_assert!(!ours_err.contains("panicked"), "{}", ours_err);
    match ours.status.code() {
        Some(0 | 1) => {
            prop_assert_eq!(
                oracle.status.code(),
                Some(0),
                "the oracle failed where rebase did not: {}",
                oracle_err
            );
            prop_assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&oracle.stdout),
                "\n--- practices.csv\n{}\n--- scenario.toml\n{}",
                case.csv(),
                case.toml()
            );
        }
        Some(65) => prop_assert_ne!(
            oracle.status.code(),
            Some(0),
            "rebase rejected data the oracle accepts: {}",
            ours_err
        ),
        other => prop_assert!(
            false,
            "rebase exited {:?}: {}\n{}",
            other,
            ours_err,
            case.toml()
        ),
    }
    Ok(())
}

/// SPEC §4 step 4: `gms-average` is the list-weighted average of the GMS
/// practices in scope. When GMS practices are re-based as well, they are
/// still GMS practices in scope (the oracle averages them).
#[test]
fn gms_average_with_gms_rebased_too() {
    let run = run_text(
        "practice_code,contract,list_exeter,global_sum,pms_baseline\n\
         G1,GMS,1000,80000,0\n\
         G2,GMS,1000,90000,0\n\
         P1,PMS,1000,0,100000\n",
        "contracts = [\"GMS\", \"PMS\"]\n[price]\nmethod = \"gms-average\"\n",
    );
    let target = run.rebasing.targets[0].price.map(|p| p.to_string());
    assert_eq!(target.as_deref(), Some("85.00"));
    let p1 = &run.rows[2];
    assert_eq!(p1[run.col("core_rebased")], "85000.00");
    assert!(
        run.rebasing.warnings.is_empty(),
        "{:?}",
        run.rebasing.warnings
    );
}

// ---------------------------------------------------------------------------
// Second-generation reviews (SPEC §8, §9.2).
// ---------------------------------------------------------------------------

/// SPEC §8's keys over a scenario of sections 3-7, made consistent: a
/// `gms-equivalent` method needs a GMS price; `[years]` replaces `[gms]`.
fn second_generation() -> impl Strategy<Value = Scen> {
    (
        scenario(),
        prop::bool::weighted(0.5),
        prop::option::weighted(0.7, 0_i64..=100),
        (prop::bool::weighted(0.3), prop::bool::weighted(0.3)),
        prop::option::weighted(
            0.5,
            (
                2013_i32..=2020,
                0_i32..=1,
                prop::bool::weighted(0.5),
                prop::collection::vec(0_i64..400, 4),
            ),
        ),
        prop::option::weighted(
            0.5,
            (
                prop_oneof![2 => Just(100_i64), 1 => 0_i64..=100],
                prop::bool::ANY,
                prop::bool::ANY,
                prop_oneof![
                    3 => Just(vec!["GMS", "PMS", "APMS"]),
                    1 => Just(vec!["GMS"]),
                    1 => Just(vec!["PMS", "APMS"]),
                ],
            ),
        ),
    )
        .prop_map(
            |(mut s, gms_equivalent, retain, (per, outliers), years, reinvest)| {
                if gms_equivalent {
                    s.method = Method::GmsEquivalent;
                    s.second.retain = retain;
                }
                s.second.per_weighted = per;
                s.second.outliers_exclude = outliers;
                s.second.years = years.map(|(data, offset, with_uplift, uplift)| {
                    let n = s.taper.len();
                    // The built-in prices start in 2014/15.
                    let offset = offset.max(2014 - data);
                    (
                        data,
                        offset,
                        if with_uplift {
                            uplift[..n].to_vec()
                        } else {
                            Vec::new()
                        },
                    )
                });
                if s.second.years.is_some() {
                    s.gms = None;
                } else if gms_equivalent && s.gms.is_none() {
                    s.gms = Some((GsPrice::Year("2018/19"), None));
                }
                s.second.reinvest = reinvest;
                s
            },
        )
}

fn second_case(max: usize) -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(practice(), 1..max),
        file_opts(),
        second_generation(),
    )
        .prop_map(|(practices, opts, scen)| Case {
            practices,
            opts,
            scen,
        })
}

/// `gms-equivalent` over a plain GMS price, no list change, no floor, no
/// level-up and a one-year taper: what SPEC §8.1 reduces to by hand.
fn plain_gms_equivalent(mut case: Case, retain: i64) -> Case {
    let s = &mut case.scen;
    s.method = Method::GmsEquivalent;
    s.second = Second {
        retain: Some(retain),
        ..Second::default()
    };
    s.change = Some("off");
    s.floor = None;
    s.level_up = false;
    s.taper = vec![100];
    if s.gms.is_none() {
        s.gms = Some((GsPrice::Year("2016/17"), None));
    }
    case
}

/// The total savings of a run (the last scope).
fn total(run: &Run) -> &Savings {
    run.savings.last().unwrap()
}

proptest! {
    #![proptest_config(config(64))]

    /// With nothing kept and a one-year taper, the saving is exactly the
    /// sum of the positive premiums over their GMS equivalents of the
    /// practices re-based.
    #[test]
    fn withdrawing_every_premium_saves_the_sum_of_the_premiums(case in case_with(25)) {
        let run = run_case(&plain_gms_equivalent(case, 0));
        let premiums: Decimal = run
            .rebasing
            .practices
            .iter()
            .filter(|r| r.is_rebased())
            .map(|r| {
                let g = r.gms.as_ref().expect("a re-based practice has a GMS equivalent");
                (r.core_now - g.gms_equivalent).value().max(Decimal::ZERO)
            })
            .sum();
        let saving = total(&run).years[0].saving.value();
        prop_assert_eq!(saving, premiums);
        prop_assert_eq!(total(&run).premium_withdrawn.map(rebase::Money::value), Some(premiums));
    }

    /// Keeping every penny of the premium changes nothing.
    #[test]
    fn keeping_every_premium_changes_nothing(case in case_with(25)) {
        let run = run_case(&plain_gms_equivalent(case, 100));
        for r in &run.rebasing.practices {
            prop_assert_eq!(r.core_rebased, r.core_now);
            prop_assert!(r.years.iter().all(|y| *y == r.core_now));
        }
        prop_assert!(total(&run).years.iter().all(|y| y.saving.is_zero()));
    }

    /// Each practice's year-k core lies between what it would be paid
    /// without the review and that year's re-based core.
    #[test]
    fn each_year_lies_between_now_and_that_years_target(case in second_case(25)) {
        let run = run_case(&case);
        for r in run.rebasing.practices.iter().filter(|r| r.is_rebased()) {
            for (k, year) in r.years.iter().enumerate() {
                let base = r.without_review(k);
                let target = r.gms_years.get(k).map_or(base + r.change, |g| g.rebased);
                prop_assert!(
                    base.min(target) <= *year && *year <= base.max(target),
                    "year {} core {} outside {} .. {}", k + 1, year, base, target
                );
            }
        }
    }

    /// What a scope reinvests differs from its pool by at most half a
    /// penny per recipient (each share is rounded), and nobody outside the
    /// recipients receives anything.
    #[test]
    fn reinvestment_shares_out_each_pool(case in second_case(25)) {
        prop_assume!(case.scen.second.reinvest.is_some());
        let run = run_case(&case);
        let all = case.scen.second.reinvest.as_ref().is_some_and(|r| r.1);
        for pool in &run.rebasing.pools {
            for k in 0..run.years() {
                let paid: Decimal = run
                    .practices
                    .iter()
                    .zip(&run.rebasing.practices)
                    .filter(|(p, _)| all || pool.group.as_deref() == Some(p.group.as_str()))
                    .map(|(_, r)| r.reinvestment[k].value())
                    .sum();
                if pool.list.is_zero() {
                    prop_assert_eq!(paid, Decimal::ZERO);
                    continue;
                }
                let slack = Decimal::new(5, 3) * Decimal::from(pool.recipients);
                prop_assert!(
                    (paid - pool.pool(k).value()).abs() <= slack,
                    "year {}: paid {} of a pool of {} to {} practices", k + 1, paid, pool.pool(k), pool.recipients
                );
            }
        }
        for r in run.rebasing.practices.iter().filter(|r| r.is_excluded()) {
            prop_assert!(r.reinvestment.iter().all(|x| x.is_zero()));
        }
    }

    /// The JSON written a practice at a time is the JSON document built
    /// whole, byte for byte.
    #[test]
    fn streamed_json_is_the_whole_document(case in second_case(20)) {
        let run = run_case(&case);
        let report = practice_rows(&run.practices, &run.rebasing, run.years());
        let mut whole = Vec::new();
        rebase::output::json::write_run(&run.scenario, &report, &run.savings, &run.rebasing.warnings, &mut whole).unwrap();
        let plan = rebase::calc::Plan::new(&run.practices, &run.scenario).unwrap();
        for results in [Results::Held(&run.rebasing), Results::Planned(&plan)] {
            let mut streamed = Vec::new();
            rebase::output::json::write_run_streaming(&run.scenario, &run.practices, results, &run.savings, &run.rebasing.warnings, &mut streamed).unwrap();
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(whole.clone()).unwrap());
        }
    }

    /// A planned run (each practice worked out as it is written, none
    /// held) gives the held run's savings, warnings and CSV, byte for byte.
    #[test]
    fn a_planned_run_is_the_held_run(case in second_case(20)) {
        let run = run_case(&case);
        let plan = rebase::calc::Plan::new(&run.practices, &run.scenario).unwrap();
        for spread in [Spread::Threads, Spread::Calling] {
            let planned = rebase::report::savings::planned_savings(&run.practices, &plan, &run.scenario, spread).unwrap();
            prop_assert_eq!(&planned, &run.savings);
        }
        prop_assert_eq!(plan.warnings(), &run.rebasing.warnings[..]);
        let csv = |results| {
            let mut out = Vec::new();
            rebase::output::csv::write_practice_rows(&run.practices, results, run.years(), &mut out, false).unwrap();
            out
        };
        prop_assert_eq!(csv(Results::Planned(&plan)), csv(Results::Held(&run.rebasing)));
        // batch adds up the savings as it writes the CSV.
        let fold = SavingsFold::new(&plan, &run.scenario);
        let mut out = Vec::new();
        let tally = rebase::output::csv::write_practice_rows_summing(&run.practices, Results::Planned(&plan), run.years(), &mut out, false, &fold).unwrap();
        prop_assert_eq!(fold.finish(tally), run.savings.clone());
        prop_assert_eq!(out, csv(Results::Held(&run.rebasing)));
    }

    /// Writing the new keys at their defaults (`per = "registered"`,
    /// `outliers = "include"`) changes no byte of the output.
    #[test]
    fn the_new_keys_at_their_defaults_change_nothing(case in case_with(20)) {
        let mut explicit = case.clone();
        explicit.scen.second.explicit_defaults = true;
        let (a, b) = (run_case(&case), run_case(&explicit));
        prop_assert_eq!(&a.rows, &b.rows);
        prop_assert_eq!(a.savings_csv(), b.savings_csv());
    }
}

proptest! {
    #![proptest_config(config(oracle_cases()))]

    /// The oracle property again, over scenarios with SPEC §8's keys.
    #[test]
    fn the_binary_agrees_with_the_python_oracle_on_second_generation_reviews(case in second_case(20)) {
        agrees_with_the_oracle(&case)?;
    }
}

// ---------------------------------------------------------------------------
// The integer fast path of the one rounding function.
// ---------------------------------------------------------------------------

/// Any decimal `rust_decimal` can hold: a 96-bit mantissa, either sign,
/// every scale; half the cases sit on a half penny exactly.
fn any_decimal() -> impl Strategy<Value = rust_decimal::Decimal> {
    let max = (1_i128 << 96) - 1;
    (-max..=max, 0_u32..=28, any::<bool>()).prop_map(|(m, scale, half)| {
        let m = if half && scale >= 3 {
            // ...d5 followed by zeros: exactly half a penny.
            let unit = 10_i128.pow(scale - 3);
            (m / (unit * 10)) * (unit * 10) + 5 * unit * m.signum()
        } else {
            m
        };
        rust_decimal::Decimal::from_i128_with_scale(m, scale)
    })
}

proptest! {
    #![proptest_config(config(20_000))]

    /// `round_penny` in whole pennies is `rust_decimal`'s rounding, half
    /// away from zero, to the bit: value, scale and sign (never `-0.00`).
    #[test]
    fn round_penny_in_pennies_is_rust_decimals_rounding(d in any_decimal()) {
        let (fast, reference) = (round_penny(d), rebase::money::round_penny_decimal(d));
        prop_assert_eq!(fast.value().serialize(), reference.value().serialize(), "{}", d);
        prop_assert_eq!(fast.to_string(), reference.to_string());
    }
}
