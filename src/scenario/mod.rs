//! The scenario (SPEC §3): a validated, immutable policy the calculation
//! borrows. Built from a TOML file ([`file`](mod@file)) and flag overrides
//! ([`overrides`]); each step validates, so the calculation never sees an
//! invalid scenario.

pub mod file;
pub mod gms_prices;
pub mod overrides;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::model::ContractType;
use crate::money::{Money, round_penny};

/// The whole policy of one re-basing run. Its fields are read through
/// accessors and it is made only by [`file::parse_scenario`], [`Default`]
/// and the validated changes ([`Scenario::with`], [`Scenario::with_fixed_price`],
/// [`Scenario::with_per`]), so every scenario the calculation sees is valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scenario {
    /// Name shown in outputs; defaults to the scenario file's stem.
    name: String,
    /// Contract types that are re-based.
    contracts: Vec<ContractType>,
    /// One target for everyone, or one per group.
    by: Scope,
    /// List rules (steps 1 and 3).
    list: ListPolicy,
    /// Target price rules (steps 4 and 5).
    price: PricePolicy,
    /// The taper (step 6).
    taper: Taper,
    /// Premium services menu (step 7).
    premium: Vec<PremiumService>,
    /// GMS comparison (step 9), when a global sum price is known.
    gms: Option<GmsComparison>,
    /// Required saving, when set.
    goal: Option<Goal>,
    /// Superannuation shift (step 10).
    superannuation_shift: bool,
    /// Taper years as financial years (SPEC §8.2), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    years: Option<Years>,
    /// Reinvestment of what is recycled (SPEC §8.3), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    reinvest: Option<Reinvest>,
}

/// SPEC §8.2: the financial years of the data and of each taper year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Years {
    /// The financial year the practice file describes.
    pub data: FinancialYear,
    /// The financial year of taper year 1.
    pub first: FinancialYear,
    /// The national uplift passed on, £ per weighted patient, one per taper year.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uplift: Vec<Money>,
}

impl Years {
    /// The financial year of taper year `k` (1-based).
    #[must_use]
    pub fn year_of(&self, k: usize) -> FinancialYear {
        self.first.plus(k.saturating_sub(1))
    }

    /// Taper year `k`'s built-in global sum price and OOH deduction.
    #[must_use]
    pub fn price_of(&self, k: usize) -> Option<GmsComparison> {
        let year = gms_prices::lookup(&self.year_of(k).to_string())?;
        Some(GmsComparison {
            global_sum_price: price(year.price()),
            ooh_deduction: year.ooh(),
            year: Some(year.year.to_owned()),
        })
    }

    /// The cumulative uplift per weighted patient in taper year `k`
    /// (`U_1 + ... + U_k`; zero without an uplift).
    #[must_use]
    pub fn uplift_to(&self, k: usize) -> Money {
        self.uplift.iter().take(k).copied().sum()
    }
}

/// A financial year, April to March, named by its first calendar year
/// (`2015` is 2015/16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// Reads `2015/16`, `2015-16` or `2015/2016`.
    #[must_use]
    pub fn parse(text: &str) -> Option<FinancialYear> {
        let (first, second) = text.trim().split_once(['/', '-'])?;
        if first.len() != 4 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let start: i32 = first.parse().ok()?;
        let end: i32 = match second.len() {
            2 => second.parse::<i32>().ok()? + start / 100 * 100,
            4 => second.parse().ok()?,
            _ => return None,
        };
        (end == start + 1 || (end % 100 == 0 && start % 100 == 99)).then_some(FinancialYear(start))
    }

    /// The year `n` years later.
    #[must_use]
    pub fn plus(self, n: usize) -> FinancialYear {
        FinancialYear(self.0.saturating_add(i32::try_from(n).unwrap_or(i32::MAX)))
    }

    /// SPEC §8.2: seven times the share of MPIG left in this year,
    /// `7 m(Y)`: 7 up to 2013/14, `2020 - Y` from 2014/15 to 2019/20, 0 after.
    #[must_use]
    pub fn mpig_sevenths(self) -> i32 {
        (2020 - self.0).clamp(0, 7)
    }
}

impl std::fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// SPEC §8.3: the recycled money paid back to practices in the same area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reinvest {
    /// Share of the recycled money reinvested, a fraction.
    #[serde(with = "rust_decimal::serde::str")]
    pub share: Decimal,
    /// Reinvested within each group, or across everyone.
    pub scope: Scope,
    /// Shared per weighted or per registered patient.
    pub basis: ReinvestBasis,
    /// Contract types that receive it.
    pub contracts: Vec<ContractType>,
}

/// The list reinvestment is shared by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReinvestBasis {
    /// The weighted list as given.
    Weighted,
    /// The list used.
    Registered,
}

/// The list prices are per (SPEC §8.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// Per registered patient (the list used).
    #[default]
    Registered,
    /// Per weighted patient, the weighted list scaled like the list.
    Weighted,
}

/// Whether outliers count in the target statistics (SPEC §9.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outliers {
    /// They count.
    #[default]
    Include,
    /// They are left out of average, mean, median and gms-average.
    Exclude,
}

/// Scope of the target price (read from text in [`file`](mod@file)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Scope {
    /// One target for every practice.
    All,
    /// A target per group.
    Group,
}

/// Steps 1 and 3.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListPolicy {
    /// Exeter vs practice discrepancy (a fraction) beyond which the practice list is used.
    #[serde(with = "rust_decimal::serde::str")]
    pub threshold: Decimal,
    /// List-change policy against `list_funded`.
    pub change: ListChange,
}

/// List-change policy (step 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListChange {
    /// Correct both up and down.
    Both,
    /// Correct only when the contract was priced on a larger list.
    Down,
    /// No list change.
    Off,
}

/// How the target price is found (step 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "method")]
pub enum PriceMethod {
    /// List-weighted average of the re-based practices.
    Average,
    /// Mean of their prices.
    Mean,
    /// Median of their prices.
    Median,
    /// List-weighted average of the GMS practices in scope.
    GmsAverage,
    /// Each practice's own GMS equivalent plus the premium it keeps (SPEC §8.1).
    GmsEquivalent,
    /// A fixed price.
    Fixed {
        /// The price, rounded to the penny.
        value: Money,
    },
    /// A price per band of current price.
    Banding {
        /// Contiguous bands, lowest first.
        bands: Vec<Band>,
    },
}

impl PriceMethod {
    /// The method's name as written in scenarios.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            PriceMethod::Average => "average",
            PriceMethod::Mean => "mean",
            PriceMethod::Median => "median",
            PriceMethod::GmsAverage => "gms-average",
            PriceMethod::GmsEquivalent => "gms-equivalent",
            PriceMethod::Fixed { .. } => "fixed",
            PriceMethod::Banding { .. } => "banding",
        }
    }
}

/// One band: practices priced `from <= p < to` are paid `price`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Band {
    /// Lower bound (inclusive).
    pub from: Money,
    /// Upper bound (exclusive); `None` for an open last band.
    pub to: Option<Money>,
    /// Price paid.
    pub price: Money,
}

/// Steps 4 and 5.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PricePolicy {
    /// How the target is found.
    #[serde(flatten)]
    pub method: PriceMethod,
    /// No re-based practice is paid less per patient.
    pub floor: Option<Money>,
    /// Raise practices below the target up to it.
    pub level_up: bool,
    /// `gms-equivalent`: the share of the premium kept, a fraction.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub retain: Option<Decimal>,
    /// The list prices are per.
    #[serde(skip_serializing_if = "is_default")]
    pub per: Per,
    /// Whether outliers count in the target statistics.
    #[serde(skip_serializing_if = "is_default")]
    pub outliers: Outliers,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Step 6.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Taper {
    /// Cumulative share of a change applied in year 1, 2, ...; ends at 1.
    #[serde(serialize_with = "serialize_shares")]
    pub schedule: Vec<Decimal>,
    /// Whether gains are tapered like losses.
    pub gains: Gains,
}

fn serialize_shares<S: serde::Serializer>(shares: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(shares.iter().map(|d| crate::money::format_percent(*d)))
}

/// Whether gains are tapered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gains {
    /// Gains paid in full from year 1.
    Immediate,
    /// Gains phased in on the same schedule as losses.
    Tapered,
}

/// A premium service on the menu (step 7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PremiumService {
    /// Its name, as practices' `premium` cells refer to it.
    pub name: String,
    /// £ per registered patient, rounded to the penny.
    pub price: Money,
}

/// Step 9.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GmsComparison {
    /// £ per weighted patient, rounded to the penny.
    pub global_sum_price: Money,
    /// Out-of-hours opt-out deduction, a fraction.
    #[serde(with = "rust_decimal::serde::str")]
    pub ooh_deduction: Decimal,
    /// The financial year the price came from, when given as one.
    pub year: Option<String>,
}

/// A required saving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Goal {
    /// The saving required.
    pub saving: Money,
    /// Which year's saving (1-based); `None` is the last.
    pub year: Option<usize>,
    /// Before or after premium services.
    pub basis: Basis,
}

/// Whether the goal counts premium services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Before premium services are paid.
    Gross,
    /// After them.
    Net,
}

impl Default for Scenario {
    /// SPEC §3's defaults.
    fn default() -> Scenario {
        Scenario {
            name: "default".to_owned(),
            contracts: vec![ContractType::Pms],
            by: Scope::All,
            list: ListPolicy {
                threshold: Decimal::new(2, 2),
                change: ListChange::Both,
            },
            price: PricePolicy {
                method: PriceMethod::Average,
                floor: None,
                level_up: false,
                retain: None,
                per: Per::Registered,
                outliers: Outliers::Include,
            },
            taper: Taper {
                schedule: vec![Decimal::new(5, 1), Decimal::ONE],
                gains: Gains::Immediate,
            },
            premium: Vec::new(),
            gms: None,
            goal: None,
            superannuation_shift: false,
            years: None,
            reinvest: None,
        }
    }
}

impl Scenario {
    /// Name shown in outputs; defaults to the scenario file's stem.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Contract types that are re-based.
    #[must_use]
    pub fn contracts(&self) -> &[ContractType] {
        &self.contracts
    }

    /// One target for everyone, or one per group.
    #[must_use]
    pub fn by(&self) -> Scope {
        self.by
    }

    /// List rules (steps 1 and 3).
    #[must_use]
    pub fn list(&self) -> &ListPolicy {
        &self.list
    }

    /// Target price rules (steps 4 and 5).
    #[must_use]
    pub fn price(&self) -> &PricePolicy {
        &self.price
    }

    /// The taper (step 6).
    #[must_use]
    pub fn taper(&self) -> &Taper {
        &self.taper
    }

    /// Premium services menu (step 7).
    #[must_use]
    pub fn premium(&self) -> &[PremiumService] {
        &self.premium
    }

    /// GMS comparison (step 9), when a global sum price is known.
    #[must_use]
    pub fn gms(&self) -> Option<&GmsComparison> {
        self.gms.as_ref()
    }

    /// Required saving, when set.
    #[must_use]
    pub fn goal(&self) -> Option<&Goal> {
        self.goal.as_ref()
    }

    /// Superannuation shift (step 10).
    #[must_use]
    pub fn superannuation_shift(&self) -> bool {
        self.superannuation_shift
    }

    /// Taper years as financial years (SPEC §8.2), when given.
    #[must_use]
    pub fn financial_years(&self) -> Option<&Years> {
        self.years.as_ref()
    }

    /// Reinvestment of what is recycled (SPEC §8.3), when given.
    #[must_use]
    pub fn reinvest(&self) -> Option<&Reinvest> {
        self.reinvest.as_ref()
    }

    /// This scenario with its target replaced by a fixed price (`solve`
    /// and `sweep` try prices so); the share of a premium kept belongs to
    /// `gms-equivalent` alone and goes. Nothing else depends on the
    /// method, so the scenario stays valid.
    #[must_use]
    pub fn with_fixed_price(&self, price: Money) -> Scenario {
        let mut s = self.clone();
        s.price.method = PriceMethod::Fixed { value: price };
        s.price.retain = None;
        s
    }

    /// This scenario with prices per `per` patient (SPEC §8.4), validated again.
    pub fn with_per(&self, per: Per) -> Result<Scenario, ScenarioError> {
        let mut s = self.clone();
        s.price.per = per;
        s.validate()?;
        Ok(s)
    }

    /// Number of taper years.
    #[must_use]
    pub fn years(&self) -> usize {
        self.taper.schedule.len()
    }

    /// The goal's year, 1-based (the last year by default).
    #[must_use]
    pub fn goal_year(&self) -> Option<usize> {
        self.goal.as_ref().map(|g| g.year.unwrap_or(self.years()))
    }

    /// Checks the rules that span keys; run after every change.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.contracts.is_empty() {
            return Err(ScenarioError::new(
                "contracts",
                "names no contract type to re-base",
            ));
        }
        validate_schedule(&self.taper.schedule)?;
        if let PriceMethod::Banding { bands } = &self.price.method {
            validate_bands(bands)?;
            if self.price.level_up {
                return Err(ScenarioError::new(
                    "price.level_up",
                    "does not apply to banding (each band has its own price)",
                ));
            }
        }
        if let PriceMethod::Fixed { value } = &self.price.method {
            non_negative("price.value", *value)?;
        }
        if let Some(floor) = self.price.floor {
            non_negative("price.floor", floor)?;
        }
        if self.list.threshold.is_sign_negative() {
            return Err(ScenarioError::new("list.threshold", "is negative"));
        }
        // A set, not a list: a menu of 100,000 services is checked in one pass.
        let mut names: std::collections::HashSet<String> =
            std::collections::HashSet::with_capacity(self.premium.len());
        for service in &self.premium {
            non_negative("premium.price", service.price)?;
            let key = service.name.to_lowercase();
            if service.name.trim().is_empty() || key == "all" {
                return Err(ScenarioError::new(
                    "premium.name",
                    format!("`{}` cannot name a service", service.name),
                ));
            }
            if !names.insert(key) {
                return Err(ScenarioError::new(
                    "premium.name",
                    format!("`{}` appears twice", service.name),
                ));
            }
        }
        if let Some(gms) = &self.gms {
            non_negative("gms.global_sum_price", gms.global_sum_price)?;
            if gms.ooh_deduction.is_sign_negative() || gms.ooh_deduction >= Decimal::ONE {
                return Err(ScenarioError::new(
                    "gms.ooh_deduction",
                    "must be at least 0% and below 100%",
                ));
            }
        }
        self.validate_second_generation()?;
        if let Some(goal) = &self.goal {
            if goal.saving.value().abs() > Decimal::from(1_000_000_000_000_000_i64) {
                return Err(ScenarioError::new("goal.saving", "is beyond any budget"));
            }
            if let Some(year) = goal.year
                && (year == 0 || year > self.years())
            {
                return Err(ScenarioError::new(
                    "goal.year",
                    format!(
                        "is {year}, but the taper has {}",
                        plural_years(self.years())
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Scenario {
    /// SPEC §8's rules: what `gms-equivalent`, `[years]` and `[reinvest]` need.
    fn validate_second_generation(&self) -> Result<(), ScenarioError> {
        let gms_equivalent = self.price.method == PriceMethod::GmsEquivalent;
        if let Some(retain) = self.price.retain {
            if !gms_equivalent {
                return Err(ScenarioError::new(
                    "price.retain",
                    "is only used with method = \"gms-equivalent\"",
                ));
            }
            share_between("price.retain", retain)?;
        }
        if gms_equivalent && self.gms.is_none() && self.years.is_none() {
            return Err(ScenarioError::new(
                "price.method",
                "is \"gms-equivalent\", which needs a GMS price: [gms] global_sum_price or [years] data",
            ));
        }
        if let Some(years) = &self.years {
            self.validate_years(years)?;
        }
        if let Some(reinvest) = &self.reinvest {
            share_between("reinvest.share", reinvest.share)?;
            if reinvest.contracts.is_empty() {
                return Err(ScenarioError::new(
                    "reinvest.contracts",
                    "names no contract type to reinvest in",
                ));
            }
        }
        Ok(())
    }

    fn validate_years(&self, years: &Years) -> Result<(), ScenarioError> {
        if self.gms.is_some() {
            return Err(ScenarioError::new(
                "gms",
                "cannot be given with [years]: each taper year uses its own financial year's built-in price and OOH deduction",
            ));
        }
        if years.first < years.data {
            return Err(ScenarioError::new(
                "years.first",
                format!("is {}, before the data's year {}", years.first, years.data),
            ));
        }
        for k in 1..=self.years() {
            if years.price_of(k).is_none() {
                return Err(ScenarioError::new(
                    "years.first",
                    format!(
                        "makes taper year {k} the financial year {}, which has no built-in global sum price (known: {})",
                        years.year_of(k),
                        gms_prices::known_range()
                    ),
                ));
            }
        }
        if !years.uplift.is_empty() && years.uplift.len() != self.years() {
            return Err(ScenarioError::new(
                "years.uplift",
                format!(
                    "gives {} amounts, but the taper has {}; give one per taper year",
                    years.uplift.len(),
                    plural_years(self.years())
                ),
            ));
        }
        for u in &years.uplift {
            non_negative("years.uplift", *u)?;
        }
        Ok(())
    }
}

/// `1 year`, `4 years`.
#[must_use]
pub fn plural_years(n: usize) -> String {
    if n == 1 {
        "1 year".to_owned()
    } else {
        format!("{n} years")
    }
}

fn share_between(key: &str, share: Decimal) -> Result<(), ScenarioError> {
    if share.is_sign_negative() && !share.is_zero() || share > Decimal::ONE {
        return Err(ScenarioError::new(
            key,
            format!(
                "is {}; it must be from 0% to 100%",
                crate::money::format_percent(share)
            ),
        ));
    }
    Ok(())
}

/// The dearest price per patient a scenario may name (£1,000,000), far
/// beyond any contract, so that price x list can never overflow.
const MAX_PRICE: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

fn non_negative(key: &str, value: Money) -> Result<(), ScenarioError> {
    if value.is_negative() {
        return Err(ScenarioError::new(
            key,
            format!("is {value}, and a price cannot be negative"),
        ));
    }
    if value.value() > MAX_PRICE {
        return Err(ScenarioError::new(
            key,
            format!("is {value}, more than £1,000,000 a patient"),
        ));
    }
    Ok(())
}

fn validate_schedule(schedule: &[Decimal]) -> Result<(), ScenarioError> {
    let key = "taper.schedule";
    let Some(last) = schedule.last() else {
        return Err(ScenarioError::new(
            key,
            "is empty; it needs at least one year ending at 100%",
        ));
    };
    let mut previous = Decimal::ZERO;
    for share in schedule {
        if share.is_sign_negative() && !share.is_zero() {
            return Err(ScenarioError::new(key, "has a negative share"));
        }
        if *share < previous {
            return Err(ScenarioError::new(
                key,
                "decreases; shares are cumulative and must not fall",
            ));
        }
        if *share > Decimal::ONE {
            return Err(ScenarioError::new(key, "goes above 100%"));
        }
        previous = *share;
    }
    if *last != Decimal::ONE {
        return Err(ScenarioError::new(
            key,
            format!("ends at {}, not 100%", crate::money::format_percent(*last)),
        ));
    }
    Ok(())
}

fn validate_bands(bands: &[Band]) -> Result<(), ScenarioError> {
    let key = "price.bands";
    if bands.is_empty() {
        return Err(ScenarioError::new(
            key,
            "is empty, and banding needs at least one band",
        ));
    }
    for (i, band) in bands.iter().enumerate() {
        non_negative("price.bands.price", band.price)?;
        let n = i + 1;
        match band.to {
            Some(to) if to <= band.from => {
                return Err(ScenarioError::new(
                    key,
                    format!("band {n} ends ({to}) where it starts ({})", band.from),
                ));
            }
            None if n != bands.len() => {
                return Err(ScenarioError::new(
                    key,
                    format!("band {n} has no `to`, but only the last band may leave it out"),
                ));
            }
            _ => {}
        }
        if let Some(next) = bands.get(i + 1)
            && let Some(to) = band.to
        {
            if next.from < to {
                return Err(ScenarioError::new(
                    key,
                    format!("bands {n} and {} overlap ({to} > {})", n + 1, next.from),
                ));
            }
            if next.from > to {
                return Err(ScenarioError::new(
                    key,
                    format!(
                        "bands {n} and {} leave a gap from {to} to {}",
                        n + 1,
                        next.from
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Rounds a price to the penny before use (SPEC §7).
#[must_use]
pub fn price(value: Decimal) -> Money {
    round_penny(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn defaults_are_valid() {
        Scenario::default().validate().unwrap();
    }

    #[test]
    fn rejects_bad_tapers() {
        for schedule in [
            vec![],
            vec![dec!(0.6), dec!(0.5), dec!(1)],
            vec![dec!(0.5)],
            vec![dec!(0.5), dec!(1.2)],
        ] {
            let err = validate_schedule(&schedule).unwrap_err();
            assert_eq!(err.key, "taper.schedule");
        }
        validate_schedule(&[dec!(0.34), dec!(0.67), dec!(1)]).unwrap();
    }

    #[test]
    fn rejects_overlapping_and_gapped_bands() {
        let band = |from: Decimal, to: Option<Decimal>, p: Decimal| Band {
            from: round_penny(from),
            to: to.map(round_penny),
            price: round_penny(p),
        };
        let overlap = [
            band(dec!(0), Some(dec!(80)), dec!(78)),
            band(dec!(79), None, dec!(85)),
        ];
        assert!(
            validate_bands(&overlap)
                .unwrap_err()
                .reason
                .contains("overlap")
        );
        let gap = [
            band(dec!(0), Some(dec!(80)), dec!(78)),
            band(dec!(81), None, dec!(85)),
        ];
        assert!(validate_bands(&gap).unwrap_err().reason.contains("gap"));
        let open_middle = [
            band(dec!(0), None, dec!(78)),
            band(dec!(80), None, dec!(85)),
        ];
        assert!(validate_bands(&open_middle).is_err());
        let good = [
            band(dec!(0), Some(dec!(80)), dec!(78)),
            band(dec!(80), None, dec!(85)),
        ];
        validate_bands(&good).unwrap();
    }
}
