//! The calculation of SPEC §4 (with §8 and §9.2), as pure functions, in two
//! stages where SPEC's steps divide:
//!
//! 1. a [`Plan`]: steps 1-3 of every practice (a small [`First`] each), the
//!    outlier test, step 4's targets and, with `[reinvest]`, the pools;
//! 2. any one practice's whole trace from the plan alone
//!    ([`Plan::result`]: steps 5-10 in `later`, each a function returning
//!    its own figures).
//!
//! [`rebase`] holds every practice's [`PracticeResult`], for the table,
//! the workbook, `explain` and the savings; a writer that goes through the
//! practices in order asks the plan for each as it writes ([`Results`]),
//! so a run of a million practices never holds their results. Either way
//! each figure is computed in one place and never recomputed differently.

pub mod gms;
mod later;
pub mod list;
pub mod outlier;
pub mod premium;
pub mod rebased;
pub mod reinvest;
pub mod solve;
pub mod taper;
pub mod target;

use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Warning, WarningCode};
use crate::model::{ContractType, Practice};
use crate::money::{Money, round_penny};
use crate::scenario::{GmsComparison, Outliers, Per, PriceMethod, Reinvest, Scenario, Scope};

pub use gms::GmsYear;
pub use list::{ListSource, ListUsed};
pub use premium::PremiumPayment;
pub use rebased::{PriceAfter, PriceRule};
pub use reinvest::Pool;
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
    /// Prices per weighted patient, and no weighted list or Exeter list (SPEC §8.4).
    NoWeightedList,
    /// `gms-equivalent`, and no weighted list to work a GMS equivalent from (SPEC §8.1).
    NoGmsEquivalent,
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
            Exclusion::NoWeightedList => {
                "prices are per weighted patient and it has no weighted list (or no Exeter list to scale it by)"
            }
            Exclusion::NoGmsEquivalent => "it has no weighted list to work its GMS equivalent from",
        }
    }

    /// Whether the practice still counts in the outlier test (SPEC §9.2:
    /// only SPEC §7's own rules and §8.4 take a practice out of it).
    #[must_use]
    pub fn leaves_outlier_test(self) -> bool {
        !matches!(self, Exclusion::NoGmsPractice | Exclusion::NoGmsEquivalent)
    }
}

/// Step 9's figures for one practice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GmsResult {
    /// The GMS equivalent of its weighted list (the last taper year's with `[years]`).
    pub gms_equivalent: Money,
    /// Core now less the GMS equivalent (PMS and APMS only).
    pub pms_premium: Option<Money>,
    /// The MPIG equivalent it would get on returning to GMS (eroded with `[years]`).
    pub mpig_equivalent: Money,
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
    /// The list prices are per: the list used, or with `per = "weighted"`
    /// the weighted list scaled like it; `None` when there is none.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub price_list: Option<Decimal>,
    /// Flag `outlier` (SPEC §9.2).
    pub outlier: bool,
    /// `[years]` uplift: `u_k` for each taper year (empty without one).
    pub uplift: Vec<Money>,
    /// `gms-equivalent`: each taper year's working (SPEC §8.1).
    pub gms_years: Vec<GmsYear>,
    /// `[reinvest]`: what it receives in each taper year (empty without).
    pub reinvestment: Vec<Money>,
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

    /// Its uplift in year `k` (0-based).
    #[must_use]
    pub fn uplift_in(&self, k: usize) -> Money {
        self.uplift.get(k).copied().unwrap_or(Money::ZERO)
    }

    /// Its uplift in the last year.
    #[must_use]
    pub fn uplift_last(&self) -> Money {
        self.uplift.last().copied().unwrap_or(Money::ZERO)
    }

    /// What it would be paid in year `k` (0-based) without the review.
    #[must_use]
    pub fn without_review(&self, k: usize) -> Money {
        self.core_now + self.uplift_in(k)
    }

    /// The commissioner's saving on it in year `k` (0-based).
    #[must_use]
    pub fn saving_in(&self, k: usize) -> Money {
        self.without_review(k) - self.years.get(k).copied().unwrap_or(self.core_rebased)
    }

    /// Reinvestment received in the last year.
    #[must_use]
    pub fn reinvestment_last(&self) -> Money {
        self.reinvestment.last().copied().unwrap_or(Money::ZERO)
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
        self.flag_words().collect()
    }

    /// The flags in SPEC §7's order, one at a time (nothing allocated: the
    /// per-practice CSV writes them so).
    pub fn flag_words(&self) -> impl Iterator<Item = &'static str> + use<> {
        [
            (self.reconcile, "reconcile"),
            (self.outlier, "outlier"),
            (self.business_case, "business_case"),
            (self.better_under_gms, "better_under_gms"),
            (self.is_excluded(), "excluded"),
        ]
        .into_iter()
        .filter_map(|(on, word)| on.then_some(word))
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
    /// Whether the scenario reinvests (the `reinvestment` column is shown).
    pub reinvest: bool,
    /// `[reinvest]`: each scope's pools.
    pub pools: Vec<Pool>,
    /// Excluded and reconciled practices, counted and named.
    pub warnings: Vec<Warning>,
}

/// Runs SPEC §4 (and §8, §9.2) over every practice: the [`Plan`], then
/// every practice's result, held together.
pub fn rebase(practices: &[Practice], scenario: &Scenario) -> Result<Rebasing, CalcError> {
    Plan::new(practices, scenario)?.rebasing(practices)
}

/// Steps 1-4 of one practice: what its target, the outlier test and the
/// later steps start from. Small, so a plan of a million practices is too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct First {
    /// Step 1.
    pub list: ListUsed,
    /// The list prices are per (SPEC §8.4).
    pub price_list: Option<Decimal>,
    /// Step 2.
    pub core_now: Money,
    /// Re-based, not, or excluded.
    pub status: Status,
    /// Step 3.
    pub corrected_core: Money,
    /// Whether step 3 corrected anything.
    pub list_corrected: bool,
    /// Flag `outlier` (SPEC §9.2).
    pub outlier: bool,
    /// The unrounded price now the outlier test took, so step 5 need not divide again.
    pub price_now: Option<Decimal>,
    /// Step 4: which target applied.
    pub target: Option<usize>,
}

impl First {
    fn is_rebased(&self) -> bool {
        self.status == Status::Rebased
    }

    fn is_excluded(&self) -> bool {
        matches!(self.status, Status::Excluded(_))
    }
}

/// Everything about a run that does not depend on one practice's later
/// steps: each practice's first steps, the targets, each year's terms, the
/// reinvestment pools and the warnings. With it, any practice's whole
/// result can be worked out on its own ([`Plan::result`]), so a run can
/// write each practice as it is computed and hold none of them.
#[derive(Clone, Debug)]
pub struct Plan<'s> {
    scenario: &'s Scenario,
    firsts: Vec<First>,
    targets: Vec<Target>,
    terms: YearTerms,
    sharing: Option<reinvest::Sharing>,
    warnings: Vec<Warning>,
}

impl<'s> Plan<'s> {
    /// Steps 1-4 for every practice, the outlier test and the targets; with
    /// `[reinvest]`, a pass over every practice's later steps for the pools.
    pub fn new(practices: &[Practice], scenario: &'s Scenario) -> Result<Plan<'s>, CalcError> {
        let mut firsts = all_first_steps(practices, scenario)?;
        flag_outliers(practices, &mut firsts, scenario.by());
        let targets = targets(practices, &mut firsts, scenario)?;
        let mut plan = Plan {
            scenario,
            firsts,
            targets,
            terms: YearTerms::of(scenario),
            sharing: None,
            warnings: Vec::new(),
        };
        if let Some(policy) = scenario.reinvest() {
            plan.sharing = Some(plan.share_out(practices, policy)?);
        }
        plan.warnings = plan.warnings_of(practices);
        Ok(plan)
    }

    /// The warnings: exclusions, reconciled lists, outliers, a floor above
    /// a target and reinvestment nobody could be paid.
    #[must_use]
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The scenario it was made for.
    #[must_use]
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// The targets, one per scope.
    #[must_use]
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// Each practice's first steps, in input order.
    #[must_use]
    pub fn firsts(&self) -> &[First] {
        &self.firsts
    }

    /// Each reinvestment scope's pools (empty without `[reinvest]`).
    #[must_use]
    pub fn pools(&self) -> &[Pool] {
        self.sharing.as_ref().map_or(&[], |s| s.pools.as_slice())
    }

    /// Whether the scenario reinvests (the `reinvestment` column is shown).
    #[must_use]
    pub fn reinvests(&self) -> bool {
        self.sharing.is_some()
    }

    /// Practice `index`'s whole result (steps 5-10, reinvestment, incomes);
    /// `p` is practice `index` of the practices the plan was made from.
    pub fn result(&self, index: usize, p: &Practice) -> Result<PracticeResult, CalcError> {
        let first = self.firsts.get(index).ok_or(CalcError::Overflow {
            what: "a practice the plan does not know",
        })?;
        later::result(index, p, first, self.context(first, self.sharing.as_ref()))
    }

    /// Every practice's result, worked out in parallel and held in input
    /// order. The error, if any, is the first in the file, whatever the threads.
    pub fn all_results(&self, practices: &[Practice]) -> Result<Vec<PracticeResult>, CalcError> {
        self.results_from(0, practices)
    }

    /// The results of `practices`, the first of which is practice `first`,
    /// as [`Plan::all_results`] works them out.
    fn results_from(
        &self,
        first: usize,
        practices: &[Practice],
    ) -> Result<Vec<PracticeResult>, CalcError> {
        let parallel: Result<Vec<PracticeResult>, CalcError> = practices
            .par_iter()
            .with_min_len(CHUNK)
            .enumerate()
            .map(|(i, p)| self.result(first + i, p))
            .collect();
        parallel.or_else(|_| {
            let in_order = practices.iter().enumerate();
            in_order.map(|(i, p)| self.result(first + i, p)).collect()
        })
    }

    /// The held re-basing: every practice's result ([`Plan::all_results`])
    /// with the plan's targets, pools and warnings.
    pub fn rebasing(&self, practices: &[Practice]) -> Result<Rebasing, CalcError> {
        Ok(Rebasing {
            practices: self.all_results(practices)?,
            targets: self.targets.clone(),
            pools: self.pools().to_vec(),
            reinvest: self.reinvests(),
            warnings: self.warnings.clone(),
        })
    }

    /// What a practice's later steps work from: its target and, once
    /// known, the reinvestment.
    fn context<'a>(
        &'a self,
        first: &First,
        sharing: Option<&'a reinvest::Sharing>,
    ) -> later::Context<'a> {
        let target = first.target.and_then(|i| self.targets.get(i));
        later::Context {
            scenario: self.scenario,
            terms: &self.terms,
            target: target.and_then(|t| t.price),
            sharing,
        }
    }

    /// SPEC §8.3: every practice's later steps once, in parallel, for each
    /// scope's pools. The error, if any, is the first in the file.
    fn share_out(
        &self,
        practices: &[Practice],
        policy: &Reinvest,
    ) -> Result<reinvest::Sharing, CalcError> {
        let sharers = practices
            .iter()
            .zip(&self.firsts)
            .map(|(p, f)| reinvest::Sharer {
                practice: p,
                list_used: f.list.list_used,
                excluded: f.is_excluded(),
            });
        let mut sharing = reinvest::Sharing::new(sharers, policy);
        let years = self.scenario.years();
        let add = |mut sums: Vec<reinvest::PoolSum>, (i, p): (usize, &Practice)| {
            let first = self
                .firsts
                .get(i)
                .ok_or(CalcError::Overflow { what: "a practice" })?;
            sharing.add(
                &mut sums,
                i,
                &later::result(i, p, first, self.context(first, None))?,
            );
            Ok::<_, CalcError>(sums)
        };
        let parallel = practices
            .par_iter()
            .with_min_len(CHUNK)
            .enumerate()
            .try_fold(|| sharing.empty_sums(years), add)
            .try_reduce(|| sharing.empty_sums(years), |a, b| Ok(merged(a, &b)));
        let sums = match parallel {
            Ok(sums) => sums,
            Err(_) => practices
                .iter()
                .enumerate()
                .try_fold(sharing.empty_sums(years), add)?,
        };
        sharing.fill(&sums, policy.share);
        Ok(sharing)
    }

    fn warnings_of(&self, practices: &[Practice]) -> Vec<Warning> {
        let mut warnings = warnings(practices, &self.firsts);
        warnings.extend(floor_warning(&self.targets));
        let missing = self
            .sharing
            .as_ref()
            .map_or(&[][..], |s| &s.no_weighted_list);
        warnings.extend(reinvest_warning(practices, missing));
        warnings
    }
}

/// Where each practice's result comes from, for a writer that goes
/// through the practices in order: held by [`rebase`], or worked out from
/// a [`Plan`] a few thousand at a time as they are written, so that memory
/// follows those few thousand and not the whole file.
#[derive(Clone, Copy, Debug)]
pub enum Results<'a> {
    /// Every result, held.
    Held(&'a Rebasing),
    /// Worked out as needed.
    Planned(&'a Plan<'a>),
}

impl Results<'_> {
    /// Whether the scenario reinvests (the `reinvestment` column is shown).
    #[must_use]
    pub fn reinvests(self) -> bool {
        match self {
            Results::Held(r) => r.reinvest,
            Results::Planned(plan) => plan.reinvests(),
        }
    }

    /// Renders the practices a thousand or so at a time with their
    /// results (`render`, in parallel: worked out there when planned) and
    /// hands each part to `sink` in input order. Parts are made a window
    /// at a time, so memory follows the window, not the file.
    pub fn render<T: Send, E: From<CalcError> + Send>(
        self,
        practices: &[Practice],
        render: impl Fn(&[Practice], &[PracticeResult]) -> Result<T, E> + Sync,
        mut sink: impl FnMut(T) -> Result<(), E>,
    ) -> Result<(), E> {
        const WINDOW: usize = CHUNK * 32;
        for (w, window) in practices.chunks(WINDOW).enumerate() {
            let parts: Vec<Result<T, E>> = window
                .par_chunks(CHUNK)
                .enumerate()
                .map(|(c, chunk)| self.render_part(w * WINDOW + c * CHUNK, chunk, &render))
                .collect();
            for part in parts {
                sink(part?)?;
            }
        }
        Ok(())
    }

    /// One part of [`Results::render`]: `chunk` starts at practice `first`.
    fn render_part<T, E: From<CalcError>>(
        self,
        first: usize,
        chunk: &[Practice],
        render: &impl Fn(&[Practice], &[PracticeResult]) -> Result<T, E>,
    ) -> Result<T, E> {
        match self {
            Results::Held(r) => render(chunk, r.practices.get(first..).unwrap_or_default()),
            Results::Planned(plan) => {
                let in_order = chunk.iter().enumerate();
                let results: Vec<PracticeResult> = in_order
                    .map(|(i, p)| plan.result(first + i, p))
                    .collect::<Result<_, _>>()?;
                render(chunk, &results)
            }
        }
    }
}

/// Steps 1-3 for every practice, in parallel. The error, if any, is the
/// first in the file: after a failure the steps are run again in order.
fn all_first_steps(practices: &[Practice], s: &Scenario) -> Result<Vec<First>, CalcError> {
    let mut firsts = Vec::with_capacity(practices.len());
    practices
        .par_iter()
        .with_min_len(CHUNK)
        .map(|p| first_steps(p, s).ok())
        .collect_into_vec(&mut firsts);
    if firsts.iter().all(Option::is_some) {
        return Ok(firsts.into_iter().flatten().collect());
    }
    practices.iter().map(|p| first_steps(p, s)).collect()
}

/// Pool sums from two parts of the file, added up.
fn merged(mut a: Vec<reinvest::PoolSum>, b: &[reinvest::PoolSum]) -> Vec<reinvest::PoolSum> {
    for (x, y) in a.iter_mut().zip(b) {
        x.merge(y);
    }
    a
}

/// Practices worked on by one thread at a time: enough that handing work
/// between threads costs nothing next to it.
pub const CHUNK: usize = 1024;

/// SPEC §9.2: flags practices priced far from their peers and keeps each
/// practice's unrounded price now (core now over the list prices are per)
/// where the test took one, so that step 5 need not divide again.
fn flag_outliers(practices: &[Practice], firsts: &mut [First], by: Scope) {
    // The division is the costly part: done on every core.
    let prices: Vec<outlier::PriceNow<'_>> = practices
        .par_iter()
        .with_min_len(CHUNK)
        .zip(firsts.par_iter())
        .map(|(p, r)| outlier::PriceNow {
            scope: (by == Scope::Group).then_some(p.group.as_str()),
            contract: p.contract,
            price: match r.status {
                Status::Excluded(why) if why.leaves_outlier_test() => None,
                _ => r.price_list.map(|l| r.core_now.value() / l),
            },
        })
        .collect();
    for ((f, flag), p) in firsts
        .iter_mut()
        .zip(outlier::outliers(&prices))
        .zip(prices)
    {
        f.outlier = flag;
        f.price_now = p.price;
    }
}

/// Practices a target statistic may be taken over, each with its `outlier` flag.
type Set = Vec<(target::Priced, bool)>;

/// Step 4: scopes and their targets; sets each re-based practice's target.
fn targets(
    practices: &[Practice],
    firsts: &mut [First],
    scenario: &Scenario,
) -> Result<Vec<Target>, CalcError> {
    let scope_of = |p: &Practice| match scenario.by() {
        Scope::All => None,
        Scope::Group => Some(p.group.clone()),
    };
    let priced = |r: &First, core: Money| {
        r.price_list
            .map(|list| (target::Priced { core, list }, r.outlier))
    };
    let mut scopes: BTreeMap<Option<String>, (Vec<usize>, Set)> = BTreeMap::new();
    for (i, (p, r)) in practices.iter().zip(firsts.iter()).enumerate() {
        let entry = scopes.entry(scope_of(p)).or_default();
        if r.is_rebased() {
            entry.0.push(i);
        }
        // GMS practices count in a gms-average whether or not GMS is itself
        // being re-based; their core now (no list correction) is used.
        if p.contract == ContractType::Gms && !r.is_excluded() {
            entry.1.extend(priced(r, r.core_now));
        }
    }
    let exclude_outliers = scenario.price().outliers == Outliers::Exclude;
    let mut targets = Vec::with_capacity(scopes.len());
    for (group, (members, gms)) in scopes {
        let rebased: Set = members
            .iter()
            .filter_map(|&i| firsts.get(i))
            .filter_map(|r| priced(r, r.corrected_core))
            .collect();
        let no_gms = matches!(scenario.price().method, PriceMethod::GmsAverage) && gms.is_empty();
        let t = target::target(
            &scenario.price().method,
            group,
            &statistic_set(rebased, exclude_outliers),
            &statistic_set(gms, exclude_outliers),
        )
        .ok_or(CalcError::Overflow {
            what: "the practices' prices for the target",
        })?;
        let mut t = t;
        // SPEC §9.3: a floor above the target is what capped practices are paid.
        t.paid = scenario
            .price()
            .floor
            .filter(|f| t.price.is_some_and(|p| f > &p));
        let t_index = targets.len();
        for &i in &members {
            if let Some(r) = firsts.get_mut(i) {
                if no_gms {
                    exclude(r, Exclusion::NoGmsPractice);
                } else {
                    r.target = Some(t_index);
                }
            }
        }
        targets.push(t);
    }
    Ok(targets)
}

/// The practices a target statistic is taken over: with `outliers =
/// "exclude"`, those not flagged, unless every one of them is (SPEC §9.2).
fn statistic_set(set: Set, exclude_outliers: bool) -> Vec<target::Priced> {
    let keep_all = !exclude_outliers || set.iter().all(|(_, outlier)| *outlier);
    set.into_iter()
        .filter(|(_, outlier)| keep_all || !outlier)
        .map(|(p, _)| p)
        .collect()
}

/// Steps 1-3 and the exclusions known before any target.
fn first_steps(p: &Practice, s: &Scenario) -> Result<First, CalcError> {
    let list = list::list_used(p, s.list().threshold);
    // Rounding point: a per-practice money figure (SPEC §1 point 2); the
    // rounded core now is used from here on.
    let core_now = round_penny(p.global_sum + p.mpig + p.pms_baseline);
    let price_list = price_list(p, &list, s.price().per);
    let has_weighted = p.weighted_list.is_some_and(|w| !w.is_zero());
    let status = if list.list_used.is_zero() {
        Status::Excluded(Exclusion::ZeroList)
    } else if !core_now.is_positive() {
        Status::Excluded(Exclusion::CoreNotPositive)
    } else if p.close_date.is_some() {
        Status::Excluded(Exclusion::Closed)
    } else if price_list.is_none() {
        Status::Excluded(Exclusion::NoWeightedList)
    } else if !s.contracts().contains(&p.contract) {
        Status::NotRebased
    } else if s.price().method == PriceMethod::GmsEquivalent && !has_weighted {
        Status::Excluded(Exclusion::NoGmsEquivalent)
    } else {
        Status::Rebased
    };
    let corrected = if status == Status::Rebased {
        list::corrected_core(core_now, list.list_used, p.list_funded, s.list().change).map_err(
            |_| CalcError::ImplausibleListChange {
                line: p.line,
                practice_code: p.practice_code.clone(),
                list_funded: p.list_funded.unwrap_or_default(),
            },
        )?
    } else {
        None
    };
    Ok(First {
        list,
        price_list,
        core_now,
        status,
        corrected_core: corrected.unwrap_or(core_now),
        list_corrected: corrected.is_some(),
        outlier: false,
        price_now: None,
        target: None,
    })
}

/// The list prices are per (SPEC §8.4): the list used, or the weighted
/// list scaled like it, `weighted_list * list_used / list_exeter`; `None`
/// when that list is zero or missing.
fn price_list(p: &Practice, list: &ListUsed, per: Per) -> Option<Decimal> {
    let l = match per {
        Per::Registered => list.list_used,
        Per::Weighted => {
            let w = p.weighted_list?;
            if p.list_exeter.is_zero() {
                return None;
            }
            w * list.list_used / p.list_exeter
        }
    };
    (!l.is_zero()).then_some(l)
}

/// A practice that turned out not to be re-based after all.
fn exclude(r: &mut First, why: Exclusion) {
    r.status = Status::Excluded(why);
    r.corrected_core = r.core_now;
    r.list_corrected = false;
}

/// What each taper year brings, worked out once per run rather than per
/// practice (SPEC §8.2): its GMS price (`[years]`' own financial year's,
/// else `[gms]`'s; none without either) and the cumulative uplift per
/// weighted patient (empty without one).
#[derive(Clone, Debug)]
struct YearTerms {
    prices: Vec<GmsComparison>,
    uplift: Vec<Money>,
}

impl YearTerms {
    fn of(s: &Scenario) -> YearTerms {
        let n = s.years();
        let prices = match (s.financial_years(), s.gms()) {
            // Validation found a built-in price for every taper year.
            (Some(years), _) => (1..=n).filter_map(|k| years.price_of(k)).collect(),
            (None, Some(gms)) => vec![gms.clone(); n],
            (None, None) => Vec::new(),
        };
        let uplift = s
            .financial_years()
            .filter(|y| !y.uplift.is_empty())
            .map_or_else(Vec::new, |y| (1..=n).map(|k| y.uplift_to(k)).collect());
        YearTerms { prices, uplift }
    }
}

/// One warning per kind of exclusion, and one for reconciled lists.
fn warnings(practices: &[Practice], results: &[First]) -> Vec<Warning> {
    const KINDS: [Exclusion; 6] = [
        Exclusion::ZeroList,
        Exclusion::CoreNotPositive,
        Exclusion::Closed,
        Exclusion::NoWeightedList,
        Exclusion::NoGmsPractice,
        Exclusion::NoGmsEquivalent,
    ];
    // Every practice looked at once, its code copied only where named.
    let mut excluded: [Vec<String>; KINDS.len()] = Default::default();
    let (mut reconciled, mut outliers) = (Vec::new(), Vec::new());
    for (p, r) in practices.iter().zip(results) {
        let kind = KINDS
            .iter()
            .position(|&why| r.status == Status::Excluded(why));
        if let Some(named) = kind.and_then(|k| excluded.get_mut(k)) {
            named.push(p.practice_code.clone());
        }
        if r.list.source == ListSource::Practice {
            reconciled.push(p.practice_code.clone());
        }
        if r.outlier {
            outliers.push(p.practice_code.clone());
        }
    }
    let mut warnings = Vec::new();
    for (why, named) in KINDS.into_iter().zip(excluded) {
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
    if !outliers.is_empty() {
        warnings.push(Warning {
            code: WarningCode::Outlier,
            message: format!(
                "{} {} priced below a quarter or above four times the median price now of {} contract type in {} scope (part-year or data error?): {}",
                count(outliers.len()),
                if outliers.len() == 1 { "is" } else { "are" },
                if outliers.len() == 1 { "its" } else { "their" },
                if outliers.len() == 1 { "its" } else { "their" },
                shorten(&outliers)
            ),
            practices: outliers,
        });
    }
    warnings
}

/// SPEC §9.3: one warning naming every scope whose target is below the floor.
fn floor_warning(targets: &[Target]) -> Option<Warning> {
    let below: Vec<String> = targets
        .iter()
        .filter_map(|t| {
            let (price, paid) = (t.price?, t.paid?);
            Some(match &t.group {
                Some(g) => format!("group {g}: target £{price}, floor £{paid}"),
                None => format!("target £{price}, floor £{paid}"),
            })
        })
        .collect();
    if below.is_empty() {
        return None;
    }
    Some(Warning {
        code: WarningCode::FloorAboveTarget,
        message: format!(
            "the floor is above the target, so practices above the target are paid the floor, not the target ({})",
            below.join("; ")
        ),
        practices: Vec::new(),
    })
}

/// Practices that would have received reinvestment per weighted patient
/// but have no weighted list.
fn reinvest_warning(practices: &[Practice], missing: &[usize]) -> Option<Warning> {
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing
        .iter()
        .filter_map(|&i| practices.get(i))
        .map(|p| p.practice_code.clone())
        .collect();
    Some(Warning {
        code: WarningCode::Reinvest,
        message: format!(
            "{} {} no reinvestment because {} no weighted list to share it by: {}",
            count(named.len()),
            if named.len() == 1 {
                "receives"
            } else {
                "receive"
            },
            if named.len() == 1 {
                "it has"
            } else {
                "they have"
            },
            shorten(&named)
        ),
        practices: named,
    })
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
