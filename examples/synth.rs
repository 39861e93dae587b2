//! Synthetic canonical practice files (SPEC §2) of any size, for benchmarks.
//!
//! ```text
//! cargo run --release --example synth -- N SEED > practices.csv
//! ```
//!
//! The same `N` and `SEED` always give the same bytes (a hand-rolled
//! splitmix64 generator, no dependency). The distributions follow NHS
//! Digital's 2018/19 payments file (`../shared/data/nhs-payments/`):
//!
//! - contracts about 60% GMS, 35% PMS, 5% APMS;
//! - lognormal lists (median about 6,900, as the national `exp(8.84)`,
//!   log-sd 0.67), a fifth of them quarterly averages such as `4095.25`;
//! - core price per patient lognormal around the national medians (GMS
//!   £87.50, PMS £88.70, APMS £104 with a long tail), GMS core split into
//!   global sum and MPIG for half of them, PMS mostly `pms_baseline`;
//! - the practice's own list given for 90%, beyond the 2% threshold for
//!   about 4% of those; ghosts for 3%; `list_funded` for 30% of PMS/APMS;
//! - weighted lists, QOF, enhanced services and other payments per patient
//!   around the national medians; superannuation and MPIG equivalents;
//! - groups of 25 to 55 practices (about 40), a few zero lists and
//!   closed practices, and names that need CSV quoting.

// A data generator draws floats and turns them into whole pence and
// patients; the casts are the point, and every value is far inside range.
#![allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// splitmix64 (Steele, Lea, Flood 2014): small, fast, and good enough for
/// test data; Box-Muller turns its uniforms into normals.
pub struct Rng {
    state: u64,
    spare: Option<f64>,
}

impl Rng {
    /// A generator from a seed.
    #[must_use]
    pub fn new(seed: u64) -> Rng {
        Rng {
            state: seed,
            spare: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1_u64 << 53) as f64)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// A whole number in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// Standard normal (Box-Muller, keeping the second value).
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let u1 = 1.0 - self.uniform(); // (0, 1]: ln is finite
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }

    /// Lognormal with the given median and log standard deviation.
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }
}

/// A value in hundredths, written `1234.56` (`-0.50` for negatives).
struct Hundredths(i64);

impl std::fmt::Display for Hundredths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Pounds to whole pence (the generator's only float-to-money step: the
/// file holds exact decimals from here on).
fn pence(pounds: f64) -> i64 {
    (pounds * 100.0).round() as i64
}

/// A list in quarters of a patient, written `4095`, `4095.25`, `4095.5`.
struct Quarters(u64);

impl std::fmt::Display for Quarters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.0 / 4;
        match self.0 % 4 {
            1 => write!(f, "{whole}.25"),
            2 => write!(f, "{whole}.5"),
            3 => write!(f, "{whole}.75"),
            _ => write!(f, "{whole}"),
        }
    }
}

/// An amount, or a blank cell when it is zero (blank money is zero, SPEC §1).
fn money(out: &mut impl Write, pence: i64) -> io::Result<()> {
    if pence == 0 {
        Ok(())
    } else {
        write!(out, "{}", Hundredths(pence))
    }
}

const HEADER: &str = "practice_code,practice_name,contract,group,list_exeter,list_practice,ghosts,list_funded,weighted_list,global_sum,mpig,pms_baseline,qof,des,nes,les,other,mpig_equivalent,superannuation,close_date";

const NAME_FIRST: [&str; 12] = [
    "THE",
    "PARK",
    "HIGH STREET",
    "RIVERSIDE",
    "ABBEY",
    "STATION ROAD",
    "CHURCH VIEW",
    "MILL",
    "VICTORIA",
    "KINGS",
    "ORCHARD",
    "GREEN LANE",
];
const NAME_LAST: [&str; 6] = [
    "SURGERY",
    "MEDICAL CENTRE",
    "HEALTH CENTRE",
    "PRACTICE",
    "GROUP PRACTICE",
    "FAMILY PRACTICE",
];

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    let i = usize::try_from(rng.next_u64() % from.len() as u64).unwrap_or(0);
    from.get(i).copied().unwrap_or("")
}

/// A practice code unique to `index`: a letter prefix and five digits,
/// like the national `A81001`.
fn practice_code(index: u64) -> String {
    let mut prefix = Vec::new();
    let mut block = index / 100_000;
    loop {
        prefix.push(b'A' + u8::try_from(block % 26).unwrap_or(0));
        block /= 26;
        if block == 0 {
            break;
        }
    }
    prefix.reverse();
    format!("{}{:05}", String::from_utf8_lossy(&prefix), index % 100_000)
}

/// Writes `n` practices from `seed` as a canonical practice file.
pub fn write_practices(n: u64, seed: u64, out: impl Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let mut rng = Rng::new(seed);
    writeln!(out, "{HEADER}")?;
    let mut group = 0_u64;
    let mut left_in_group = 0_u64;
    for index in 0..n {
        if left_in_group == 0 {
            group += 1;
            left_in_group = rng.between(25, 55);
        }
        left_in_group -= 1;
        write_practice(&mut out, &mut rng, index, group)?;
    }
    out.flush()
}

/// One practice's row. The random draws are made in a fixed order, so a
/// seed always gives the same file.
fn write_practice(out: &mut impl Write, rng: &mut Rng, index: u64, group: u64) -> io::Result<()> {
    let roll = rng.uniform();
    let contract = if roll < 0.60 {
        "GMS"
    } else if roll < 0.95 {
        "PMS"
    } else {
        "APMS"
    };
    // Lists in quarters of a patient.
    let zero_list = rng.chance(0.003);
    let list = rng.lognormal(6_900.0, 0.67).clamp(300.0, 80_000.0);
    let quarters = if zero_list {
        0
    } else if rng.chance(0.2) {
        (list * 4.0).round() as u64
    } else {
        (list.round() as u64) * 4
    };
    let exeter = quarters as f64 / 4.0;

    write!(out, "{},", practice_code(index))?;
    write_name(out, rng, index)?;
    write!(out, "{contract},C{group:04},{},", Quarters(quarters))?;
    write_other_lists(out, rng, contract, zero_list, exeter)?;
    write_money(out, rng, contract, zero_list, exeter)?;
    if rng.chance(0.02) {
        write!(out, "2019-03-{:02}", rng.between(1, 31))?;
    }
    out.write_all(b"\n")
}

/// The practice name: a few carry a comma or quotes, which the CSV must quote.
fn write_name(out: &mut impl Write, rng: &mut Rng, index: u64) -> io::Result<()> {
    match rng.between(0, 49) {
        0 => write!(
            out,
            "\"{} {}, {}\",",
            pick(rng, &NAME_FIRST),
            pick(rng, &NAME_LAST),
            index % 997
        ),
        1 => write!(out, "\"DR \"\"{}\"\" & PARTNERS\",", pick(rng, &NAME_FIRST)),
        _ => write!(out, "{} {},", pick(rng, &NAME_FIRST), pick(rng, &NAME_LAST)),
    }
}

/// The practice's own list, ghosts, the funded list and the weighted list.
fn write_other_lists(
    out: &mut impl Write,
    rng: &mut Rng,
    contract: &str,
    zero_list: bool,
    exeter: f64,
) -> io::Result<()> {
    // The practice's own list: usually close to Exeter, sometimes not.
    let own = if zero_list || !rng.chance(0.9) {
        None
    } else if rng.chance(0.04) {
        let gap = 0.02 + 0.08 * rng.uniform();
        let sign = if rng.chance(0.5) { 1.0 } else { -1.0 };
        Some((exeter * (1.0 + sign * gap)).round())
    } else {
        Some((exeter * (1.0 + 0.01 * rng.normal().clamp(-1.5, 1.5))).round())
    };
    if let Some(p) = own {
        write!(out, "{p}")?;
    }
    out.write_all(b",")?;
    // Ghosts: never more than either list.
    if !zero_list && rng.chance(0.03) {
        let smallest = own.map_or(exeter, |p| p.min(exeter));
        write!(out, "{}", (smallest * 0.03 * rng.uniform()).floor())?;
    }
    out.write_all(b",")?;
    if contract != "GMS" && !zero_list && rng.chance(0.3) {
        write!(out, "{}", (exeter * (1.03 + 0.04 * rng.normal())).round())?;
    }
    out.write_all(b",")?;
    // Weighted lists to one decimal, like the national `4728.6`.
    let tenths = (exeter * rng.lognormal(1.0, 0.11) * 10.0).round() as u64;
    write!(out, "{}.{},", tenths / 10, tenths % 10)
}

/// The money columns: the core value now (global sum, MPIG, PMS baseline),
/// the other income and the premium and superannuation columns.
fn write_money(
    out: &mut impl Write,
    rng: &mut Rng,
    contract: &str,
    zero_list: bool,
    exeter: f64,
) -> io::Result<()> {
    // Core value now: global sum, MPIG, PMS baseline.
    let per_patient = match contract {
        "GMS" => rng.lognormal(87.5, 0.09),
        "PMS" => rng.lognormal(88.7, 0.13),
        _ => rng.lognormal(104.0, 0.35),
    };
    let basis = if zero_list {
        rng.lognormal(6_900.0, 0.67)
    } else {
        exeter
    };
    let core = pence(per_patient * basis);
    let (global_sum, mpig, pms) = match contract {
        "GMS" if rng.chance(0.5) => {
            let mpig = pence(core as f64 / 100.0 * 0.2 * rng.uniform());
            (core - mpig, mpig, 0)
        }
        "GMS" => (core, 0, 0),
        "PMS" if rng.chance(0.07) => {
            let gs = pence(core as f64 / 100.0 * 0.7);
            (gs, 0, core - gs)
        }
        "PMS" => (0, 0, core),
        _ if rng.chance(0.25) => {
            let gs = pence(core as f64 / 100.0 * 0.8);
            (gs, 0, core - gs)
        }
        _ => (core, 0, 0),
    };
    for amount in [global_sum, mpig, pms] {
        money(out, amount)?;
        out.write_all(b",")?;
    }
    // QOF, DES, NES, LES, other: per patient around the national medians.
    for (median, sigma) in [(12.0, 0.3), (5.0, 0.5), (1.5, 0.8), (6.0, 0.8), (40.0, 0.6)] {
        money(out, pence(basis * rng.lognormal(median, sigma)))?;
        out.write_all(b",")?;
    }
    if contract == "PMS" && rng.chance(0.2) {
        money(out, pence(core as f64 / 100.0 * 0.1 * rng.uniform()))?;
    }
    out.write_all(b",")?;
    money(
        out,
        pence(core as f64 / 100.0 * (0.03 + 0.05 * rng.uniform())),
    )?;
    out.write_all(b",")?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [n, seed] => n.parse::<u64>().ok().zip(seed.parse::<u64>().ok()),
        [n] => n.parse::<u64>().ok().map(|n| (n, 1)),
        _ => None,
    };
    let Some((n, seed)) = parsed else {
        eprintln!("usage: cargo run --release --example synth -- N [SEED] > practices.csv");
        return ExitCode::from(2);
    };
    match write_practices(n, seed, io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(74)
        }
    }
}
