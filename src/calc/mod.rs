//! The calculation of SPEC §4, per practice, as a pure function:
//! [`rebase`] borrows the practices and the scenario and returns every
//! intermediate figure ([`PracticeResult`]) so that the CSV, the JSON, the
//! savings table and `explain` all read one trace and never recompute.

pub mod gms;
pub mod list;
pub mod premium;
pub mod rebased;
pub mod solve;
pub mod taper;
pub mod target;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Warning, WarningCode};
use crate::model::{ContractType, Practice};
use crate::money::{Money, round_penny};
use crate::scenario::{PriceMethod, Scenario, Scope};

pub use list::{ListSource, ListUsed};
pub use premium::PremiumPayment;
pub use rebased::{PriceAfter, PriceRule};
pub use target::Target;

/// Whether, and why not, a practice is re-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Re-based.
    Rebased,
    /// Its contract type is not being re-based.
    NotRebased,
    /// Left out of re-basing (flag `excluded`).
    Excluded(Exclusion),
}

/// Why a practice is excluded (SPEC §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The list used is zero.
    ZeroList,
    /// The core value now is zero or less.
    CoreNotPositive,
    /// The practice has a close date.
    Closed,
    /// `gms-average` with no GMS practice in the practice's scope.
    NoGmsPractice,
}

impl Exclusion {
    /// In words, for warnings and `explain`.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Exclusion::ZeroList => "the list used is zero",
            Exclusion::CoreNotPositive => "the core value now is zero or less",
            Exclusion::Closed => "the practice has closed",
            Exclusion::NoGmsPractice => "there is no GMS practice in its scope to average",
        }
    }
}

/// Step 9's figures for one practice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GmsResult {
    /// The GMS equivalent of its weighted list.
    pub gms_equivalent: Money,
    /// Core now less the GMS equivalent (PMS and APMS only).
    pub pms_premium: Option<Money>,
}

/// Every figure of one practice, in SPEC §4's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PracticeResult {
    /// Index of the practice in the input.
    pub index: usize,
    /// Step 1.
    #[serde(skip)]
    pub list: ListUsed,
    /// Flag `reconcile`: the practice's own list was used.
    pub reconcile: bool,
    /// Step 2: `global_sum + mpig + pms_baseline`, rounded.
    pub core_now: Money,
    /// Re-based, not, or excluded.
    pub status: Status,
    /// Step 3: the core corrected to the list used (equals core now without a correction).
    pub corrected_core: Money,
    /// Whether step 3 corrected anything.
    pub list_corrected: bool,
    /// `corrected - core now`.
    pub list_effect: Money,
    /// Which target (index into [`Rebasing::targets`]) applied.
    pub target: Option<usize>,
    /// Step 5: price after and the rule that set it (re-based practices).
    pub price_after: Option<PriceAfter>,
    /// Step 5: the re-based core (core now when not re-based).
    pub core_rebased: Money,
    /// `re-based - corrected`.
    pub price_effect: Money,
    /// `re-based - core now`.
    pub change: Money,
    /// `round(change / core now * 100)`; `None` when core now is zero.
    pub change_pct: Option<Money>,
    /// Step 6: core paid in each year.
    pub years: Vec<Money>,
    /// Step 7: premium services paid.
    pub premium: Vec<PremiumPayment>,
    /// Sum of `premium`.
    pub premium_total: Money,
    /// Step 8: net change in each year.
    pub net_change: Vec<Money>,
    /// Step 8: flag `business_case`.
    pub business_case: bool,
    /// What every menu service would pay it (for `business_case`).
    pub premium_if_all: Money,
    /// Step 9.
    pub gms: Option<GmsResult>,
    /// Flag `better_under_gms`.
    pub better_under_gms: bool,
    /// Step 10: superannuation paid into the contract (shift on only).
    pub superannuation: Option<Money>,
    /// QOF, rounded.
    pub qof: Money,
    /// `round(des + nes + les)`.
    pub enhanced: Money,
    /// Other payments, rounded.
    pub other: Money,
    /// `core now + qof + enhanced + other`.
    pub income_now: Money,
    /// `last year + premium + superannuation + qof + enhanced + other`.
    pub income_rebased: Money,
}

impl PracticeResult {
    /// The last year's core (the re-based core).
    #[must_use]
    pub fn last_year(&self) -> Money {
        self.years.last().copied().unwrap_or(self.core_rebased)
    }

    /// Whether it was re-based.
    #[must_use]
    pub fn is_rebased(&self) -> bool {
        self.status == Status::Rebased
    }

    /// Whether it is excluded.
    #[must_use]
    pub fn is_excluded(&self) -> bool {
        matches!(self.status, Status::Excluded(_))
    }

    /// The flags in SPEC §7's order.
    #[must_use]
    pub fn flags(&self) -> Vec<&'static str> {
        let mut flags = Vec::new();
        if self.reconcile {
            flags.push("reconcile");
        }
        if self.business_case {
            flags.push("business_case");
        }
        if self.better_under_gms {
            flags.push("better_under_gms");
        }
        if self.is_excluded() {
            flags.push("excluded");
        }
        flags
    }
}

/// A problem in the data that only the scenario reveals.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// Banding: a practice's price falls in no band.
    #[error("price per patient {price} falls in no band of the scenario")]
    NoBand {
        /// The practice's input line.
        line: u64,
        /// The practice code.
        practice_code: String,
        /// Its corrected price, rounded.
        price: Money,
    },
    /// `list_funded` is more than a thousand times smaller than the list used.
    #[error(
        "is more than a thousand times smaller than the list used, so it cannot be the list the contract was priced on"
    )]
    ImplausibleListChange {
        /// The practice's input line.
        line: u64,
        /// The practice code.
        practice_code: String,
        /// The funded list as given.
        list_funded: Decimal,
    },
    /// A figure the calculation derives overflows exact arithmetic.
    #[error("figures too large to add up exactly ({what})")]
    Overflow {
        /// What was being added up.
        what: &'static str,
    },
    /// A `premium` cell names a service the scenario's menu lacks.
    #[error("is not a premium service of the scenario (its menu: {menu})")]
    UnknownService {
        /// The practice's input line.
        line: u64,
        /// The practice code.
        practice_code: String,
        /// The name as written.
        name: String,
        /// The menu's names.
        menu: String,
    },
}

/// The whole re-basing: one result per practice, in input order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rebasing {
    /// One target per scope (one, or one per group in code order).
    pub targets: Vec<Target>,
    /// One result per input practice, in input order.
    pub practices: Vec<PracticeResult>,
    /// Excluded and reconciled practices, counted and named.
    pub warnings: Vec<Warning>,
}

/// Runs SPEC §4 over every practice.
pub fn rebase(practices: &[Practice], scenario: &Scenario) -> Result<Rebasing, CalcError> {
    // Steps 1-3 for every practice.
    let mut results: Vec<PracticeResult> = practices
        .iter()
        .enumerate()
        .map(|(index, p)| first_steps(index, p, scenario))
        .collect::<Result<_, _>>()?;

    // Step 4: scopes and their targets.
    let scope_of = |p: &Practice| match scenario.by {
        Scope::All => None,
        Scope::Group => Some(p.group.clone()),
    };
    let mut scopes: BTreeMap<Option<String>, (Vec<usize>, Vec<target::Priced>)> = BTreeMap::new();
    for (p, r) in practices.iter().zip(&results) {
        let entry = scopes.entry(scope_of(p)).or_default();
        if r.is_rebased() {
            entry.0.push(r.index);
        }
        // GMS practices count in a gms-average whether or not GMS is itself
        // being re-based; their core now (no list correction) is used.
        if p.contract == ContractType::Gms && !r.is_excluded() {
            entry.1.push(target::Priced {
                core: r.core_now,
                list: r.list.list_used,
            });
        }
    }
    let mut targets = Vec::with_capacity(scopes.len());
    for (group, (members, gms)) in scopes {
        let priced: Vec<target::Priced> = members
            .iter()
            .filter_map(|&i| results.get(i))
            .map(|r| target::Priced {
                core: r.corrected_core,
                list: r.list.list_used,
            })
            .collect();
        let no_gms = matches!(scenario.price.method, PriceMethod::GmsAverage) && gms.is_empty();
        let t = target::target(&scenario.price.method, group, &priced, &gms).ok_or(
            CalcError::Overflow {
                what: "the practices' prices for the target",
            },
        )?;
        let t_index = targets.len();
        for &i in &members {
            if let Some(r) = results.get_mut(i) {
                if no_gms {
                    exclude(r, Exclusion::NoGmsPractice);
                } else {
                    r.target = Some(t_index);
                }
            }
        }
        targets.push(t);
    }

    // Steps 5-10.
    for (p, r) in practices.iter().zip(results.iter_mut()) {
        let t = r.target.and_then(|i| targets.get(i)).and_then(|t| t.price);
        later_steps(p, r, t, scenario)?;
    }
    let warnings = warnings(practices, &results);
    Ok(Rebasing {
        targets,
        practices: results,
        warnings,
    })
}

/// Steps 1-3 and the exclusions known before any target.
fn first_steps(index: usize, p: &Practice, s: &Scenario) -> Result<PracticeResult, CalcError> {
    let list = list::list_used(p, s.list.threshold);
    // Rounding point: a per-practice money figure (SPEC §1 point 2); the
    // rounded core now is used from here on.
    let core_now = round_penny(p.global_sum + p.mpig + p.pms_baseline);
    let status = if list.list_used.is_zero() {
        Status::Excluded(Exclusion::ZeroList)
    } else if !core_now.is_positive() {
        Status::Excluded(Exclusion::CoreNotPositive)
    } else if p.close_date.is_some() {
        Status::Excluded(Exclusion::Closed)
    } else if s.contracts.contains(&p.contract) {
        Status::Rebased
    } else {
        Status::NotRebased
    };
    let corrected = if status == Status::Rebased {
        list::corrected_core(core_now, list.list_used, p.list_funded, s.list.change).map_err(
            |_| CalcError::ImplausibleListChange {
                line: p.line,
                practice_code: p.practice_code.clone(),
                list_funded: p.list_funded.unwrap_or_default(),
            },
        )?
    } else {
        None
    };
    let corrected_core = corrected.unwrap_or(core_now);
    Ok(PracticeResult {
        index,
        reconcile: list.source == ListSource::Practice,
        list,
        core_now,
        status,
        corrected_core,
        list_corrected: corrected.is_some(),
        list_effect: corrected_core - core_now,
        target: None,
        price_after: None,
        core_rebased: core_now,
        price_effect: Money::ZERO,
        change: Money::ZERO,
        change_pct: None,
        years: Vec::new(),
        premium: Vec::new(),
        premium_total: Money::ZERO,
        net_change: Vec::new(),
        business_case: false,
        premium_if_all: Money::ZERO,
        gms: None,
        better_under_gms: false,
        superannuation: None,
        qof: round_penny(p.qof),
        enhanced: round_penny(p.des + p.nes + p.les),
        other: round_penny(p.other),
        income_now: Money::ZERO,
        income_rebased: Money::ZERO,
    })
}

/// A practice that turned out not to be re-based after all.
fn exclude(r: &mut PracticeResult, why: Exclusion) {
    r.status = Status::Excluded(why);
    r.corrected_core = r.core_now;
    r.list_corrected = false;
    r.list_effect = Money::ZERO;
}

/// Steps 5-10 for one practice.
fn later_steps(
    p: &Practice,
    r: &mut PracticeResult,
    target: Option<Money>,
    s: &Scenario,
) -> Result<(), CalcError> {
    let list_used = r.list.list_used;
    if r.is_rebased() {
        let price = r.corrected_core.value() / list_used;
        let after =
            rebased::price_after(price, target, &s.price).map_err(|e| CalcError::NoBand {
                line: p.line,
                practice_code: p.practice_code.clone(),
                price: e.price,
            })?;
        r.core_rebased = rebased::core_rebased(after, r.corrected_core, list_used);
        r.price_after = Some(after);
    }
    r.price_effect = r.core_rebased - r.corrected_core;
    r.change = r.core_rebased - r.core_now;
    r.change_pct = (!r.core_now.is_zero())
        // Rounding point: a per-practice figure written out (SPEC §7: two decimals).
        .then(|| round_penny(r.change.value() / r.core_now.value() * Decimal::ONE_HUNDRED));
    r.years = if r.is_rebased() {
        taper::years(r.core_now, r.change, &s.taper)
    } else {
        vec![r.core_now; s.years()]
    };

    // Step 7: excluded practices take no service, but their names are still
    // checked against the menu (an unknown name is a data error, SPEC §7).
    {
        let payments = premium::payments(&p.premium, r.is_rebased(), &s.premium, list_used)
            .map_err(|e| CalcError::UnknownService {
                line: p.line,
                practice_code: p.practice_code.clone(),
                name: e.name,
                menu: if s.premium.is_empty() {
                    "empty".to_owned()
                } else {
                    s.premium
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })?;
        if !r.is_excluded() {
            r.premium = payments;
        }
    }
    r.premium_total = r.premium.iter().map(|x| x.amount).sum();

    // Step 8.
    r.net_change = r
        .years
        .iter()
        .map(|&y| y + r.premium_total - r.core_now)
        .collect();
    r.premium_if_all = s
        .premium
        .iter()
        .map(|svc| premium::amount(svc, list_used))
        .sum();
    r.business_case =
        r.is_rebased() && (r.last_year() - r.core_now + r.premium_if_all).is_negative();

    // Step 9.
    if let (Some(gms), Some(weighted)) = (&s.gms, p.weighted_list) {
        let gms_equivalent = gms::gms_equivalent(weighted, gms);
        let pms_premium = matches!(p.contract, ContractType::Pms | ContractType::Apms)
            .then(|| r.core_now - gms_equivalent);
        r.better_under_gms =
            r.is_rebased() && gms_equivalent + round_penny(p.mpig_equivalent) > r.core_rebased;
        r.gms = Some(GmsResult {
            gms_equivalent,
            pms_premium,
        });
    }

    // Step 10: kept out of the years and the savings.
    if s.superannuation_shift {
        r.superannuation = Some(round_penny(p.superannuation));
    }
    r.income_now = r.core_now + r.qof + r.enhanced + r.other;
    r.income_rebased = r.last_year()
        + r.premium_total
        + r.superannuation.unwrap_or(Money::ZERO)
        + r.qof
        + r.enhanced
        + r.other;
    Ok(())
}

/// One warning per kind of exclusion, and one for reconciled lists.
fn warnings(practices: &[Practice], results: &[PracticeResult]) -> Vec<Warning> {
    let codes = |keep: &dyn Fn(&PracticeResult) -> bool| -> Vec<String> {
        practices
            .iter()
            .zip(results)
            .filter(|(_, r)| keep(r))
            .map(|(p, _)| p.practice_code.clone())
            .collect()
    };
    let mut warnings = Vec::new();
    for why in [
        Exclusion::ZeroList,
        Exclusion::CoreNotPositive,
        Exclusion::Closed,
        Exclusion::NoGmsPractice,
    ] {
        let named = codes(&|r| r.status == Status::Excluded(why));
        if !named.is_empty() {
            warnings.push(Warning {
                code: WarningCode::Excluded,
                message: format!(
                    "{} not re-based because {}: {}",
                    count(named.len()),
                    why.describe(),
                    shorten(&named)
                ),
                practices: named,
            });
        }
    }
    let reconciled = codes(&|r| r.reconcile);
    if !reconciled.is_empty() {
        warnings.push(Warning {
            code: WarningCode::Reconcile,
            message: format!(
                "{} {} the practice's own list pending full reconciliation (it differs from Exeter by more than the threshold): {}",
                count(reconciled.len()),
                if reconciled.len() == 1 { "uses" } else { "use" },
                shorten(&reconciled)
            ),
            practices: reconciled,
        });
    }
    warnings
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 practice".to_owned()
    } else {
        format!("{n} practices")
    }
}

/// Names up to ten codes, then counts the rest.
#[must_use]
pub fn shorten(codes: &[String]) -> String {
    const SHOWN: usize = 10;
    let head: Vec<&str> = codes.iter().take(SHOWN).map(String::as_str).collect();
    if codes.len() > SHOWN {
        format!("{} and {} more", head.join(", "), codes.len() - SHOWN)
    } else {
        head.join(", ")
    }
}
