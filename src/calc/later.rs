//! Steps 5-10 of one practice (SPEC §4, with §8), from its first steps:
//! each step is a function returning its own figures, and [`result`] puts
//! them together into the practice's [`PracticeResult`] once, so no figure
//! is ever a placeholder waiting to be filled in.

use rust_decimal::Decimal;

use crate::calc::reinvest::Sharing;
use crate::calc::{
    CalcError, First, GmsResult, GmsYear, ListSource, PracticeResult, PremiumPayment, PriceAfter,
    Status, YearTerms, gms, premium, rebased, taper,
};
use crate::model::{ContractType, Practice};
use crate::money::{Money, round_penny};
use crate::scenario::{PriceMethod, Scenario};

/// What the later steps of one practice work from: the run's scenario,
/// each year's terms, the practice's target (if any) and, once the pools
/// are known, the reinvestment.
#[derive(Clone, Copy, Debug)]
pub(super) struct Context<'a> {
    pub(super) scenario: &'a Scenario,
    pub(super) terms: &'a YearTerms,
    pub(super) target: Option<Money>,
    pub(super) sharing: Option<&'a Sharing>,
}

/// A practice with its first steps and its uplift: what "without the
/// review" means for it in each year.
#[derive(Clone, Copy, Debug)]
struct Base<'a> {
    p: &'a Practice,
    f: &'a First,
    uplift: &'a [Money],
}

impl Base<'_> {
    fn uplift_in(self, k: usize) -> Money {
        self.uplift.get(k).copied().unwrap_or(Money::ZERO)
    }

    fn uplift_last(self) -> Money {
        self.uplift.last().copied().unwrap_or(Money::ZERO)
    }

    /// Year `k`'s core without the review: core now plus the year's uplift.
    fn without_review(self, k: usize) -> Money {
        self.f.core_now + self.uplift_in(k)
    }

    fn is_rebased(self) -> bool {
        self.f.status == Status::Rebased
    }
}

/// Steps 5 and 6: the re-based core and each year's core paid.
#[derive(Clone, Debug)]
struct Cores {
    price_after: Option<PriceAfter>,
    core_rebased: Money,
    price_effect: Money,
    change: Money,
    years: Vec<Money>,
    gms_years: Vec<GmsYear>,
}

/// Step 7: the premium services paid, their sum, and what every menu
/// service would pay (for `business_case`).
#[derive(Clone, Debug)]
struct Premium {
    payments: Vec<PremiumPayment>,
    total: Money,
    if_all: Money,
}

/// Practice `index`'s whole result.
pub(super) fn result(
    index: usize,
    p: &Practice,
    f: &First,
    c: Context<'_>,
) -> Result<PracticeResult, CalcError> {
    let s = c.scenario;
    let uplift = uplift(p, f, c.terms);
    let base = Base {
        p,
        f,
        uplift: &uplift,
    };
    let cores = cores(base, c)?;
    let premium = premium_services(p, f, s)?;
    let last_year = cores.years.last().copied().unwrap_or(cores.core_rebased);
    let business_case = base.is_rebased()
        && (last_year - base.uplift_last() - f.core_now + premium.if_all).is_negative();
    let (gms, better_under_gms) = gms_comparison(base, cores.core_rebased, c);
    let reinvestment = c
        .sharing
        .map_or_else(Vec::new, |sharing| sharing.share_of(index, s.years()));
    let qof = round_penny(p.qof);
    let enhanced = round_penny(p.des + p.nes + p.les);
    let other = round_penny(p.other);
    // Step 10: kept out of the years and the savings.
    let superannuation = s
        .superannuation_shift()
        .then(|| round_penny(p.superannuation));
    let net_change = net_change(base, &cores.years, premium.total, &reinvestment);
    let income_rebased = last_year
        + premium.total
        + reinvestment.last().copied().unwrap_or(Money::ZERO)
        + superannuation.unwrap_or(Money::ZERO)
        + qof
        + enhanced
        + other;
    Ok(PracticeResult {
        index,
        list: f.list.clone(),
        reconcile: f.list.source == ListSource::Practice,
        price_list: f.price_list,
        outlier: f.outlier,
        uplift,
        gms_years: cores.gms_years,
        reinvestment,
        core_now: f.core_now,
        status: f.status,
        corrected_core: f.corrected_core,
        list_corrected: f.list_corrected,
        list_effect: f.corrected_core - f.core_now,
        target: f.target,
        price_after: cores.price_after,
        core_rebased: cores.core_rebased,
        price_effect: cores.price_effect,
        change: cores.change,
        change_pct: change_pct(f.core_now, cores.change),
        years: cores.years,
        premium: premium.payments,
        premium_total: premium.total,
        net_change,
        business_case,
        premium_if_all: premium.if_all,
        gms,
        better_under_gms,
        superannuation,
        qof,
        enhanced,
        other,
        income_now: f.core_now + qof + enhanced + other,
        income_rebased,
    })
}

/// SPEC §8.2: `u_k = round(weighted_list * (U_1 + ... + U_k))`, nothing
/// for an excluded practice or one without a weighted list.
fn uplift(p: &Practice, f: &First, terms: &YearTerms) -> Vec<Money> {
    let weighted = p.weighted_list.filter(|_| !f.is_excluded());
    terms
        .uplift
        .iter()
        .map(|u| {
            weighted.map_or(Money::ZERO, |w| {
                // Rounding point: a per-practice money figure (SPEC §1 point 2).
                round_penny(w * u.value())
            })
        })
        .collect()
}

/// Steps 5 and 6 by the practice's case: re-based to its GMS equivalent,
/// re-based to a price per patient, or not re-based (paid as now, with
/// the uplift).
fn cores(base: Base<'_>, c: Context<'_>) -> Result<Cores, CalcError> {
    let s = c.scenario;
    if base.is_rebased() && s.price().method == PriceMethod::GmsEquivalent {
        return Ok(gms_equivalent_years(base, c));
    }
    if base.is_rebased() {
        return step_5(base, c);
    }
    Ok(Cores {
        price_after: None,
        core_rebased: base.f.core_now + base.uplift_last(),
        price_effect: Money::ZERO,
        change: Money::ZERO,
        years: (0..s.years()).map(|k| base.without_review(k)).collect(),
        gms_years: Vec::new(),
    })
}

/// Steps 5 and 6 for one price per patient (every method but
/// `gms-equivalent`); the uplift is added to every year and to the re-based core.
fn step_5(base: Base<'_>, c: Context<'_>) -> Result<Cores, CalcError> {
    let (p, f, s) = (base.p, base.f, c.scenario);
    let list = f.price_list.unwrap_or(f.list.list_used);
    // Without a list correction the core and list are the outlier test's,
    // and so is their quotient.
    let price = match f.price_now {
        Some(now) if !f.list_corrected && f.price_list.is_some() => now,
        _ => f.corrected_core.value() / list,
    };
    let after =
        rebased::price_after(price, c.target, s.price()).map_err(|e| CalcError::NoBand {
            line: p.line,
            practice_code: p.practice_code.clone(),
            price: e.price,
        })?;
    let review = rebased::core_rebased(after, f.corrected_core, list);
    let change = review - f.core_now;
    let years = (0..s.years())
        .map(|k| {
            let share = s.taper().schedule.get(k).copied().unwrap_or(Decimal::ONE);
            taper::year_core(base.without_review(k), change, share, s.taper().gains)
        })
        .collect();
    Ok(Cores {
        price_after: Some(after),
        core_rebased: review + base.uplift_last(),
        price_effect: review - f.corrected_core,
        change,
        years,
        gms_years: Vec::new(),
    })
}

/// SPEC §8.1 with §8.2: each taper year re-based against that year's GMS
/// equivalent `G_k`, and tapered on that year's change.
fn gms_equivalent_years(base: Base<'_>, c: Context<'_>) -> Cores {
    let (f, s) = (base.f, c.scenario);
    let weighted = base.p.weighted_list.unwrap_or_default();
    let rule = gms::GmsRule {
        retain: s.price().retain.unwrap_or(Decimal::ZERO),
        level_up: s.price().level_up,
        floor: s.price().floor.map(|floor| {
            // Rounding point: a per-practice money figure (SPEC §1 point 2).
            round_penny(floor.value() * f.price_list.unwrap_or(f.list.list_used))
        }),
    };
    let mut years = Vec::with_capacity(s.years());
    let mut working = Vec::with_capacity(s.years());
    let mut change = Money::ZERO;
    for (k, price) in c.terms.prices.iter().enumerate() {
        let g = gms::gms_equivalent(weighted, price);
        let without = base.without_review(k);
        let year = gms::rebase_to_gms(f.corrected_core + base.uplift_in(k), g, rule, price);
        change = year.rebased - without;
        let share = s.taper().schedule.get(k).copied().unwrap_or(Decimal::ONE);
        years.push(taper::year_core(without, change, share, s.taper().gains));
        working.push(year);
    }
    let core_rebased = working.last().map_or(f.corrected_core, |y| y.rebased);
    Cores {
        price_after: None,
        core_rebased,
        price_effect: core_rebased - base.uplift_last() - f.corrected_core,
        change,
        years,
        gms_years: working,
    }
}

/// `round(change / core now * 100)`; `None` when core now is zero.
fn change_pct(core_now: Money, change: Money) -> Option<Money> {
    (!core_now.is_zero())
        // Rounding point: a per-practice figure written out (SPEC §7: two decimals).
        .then(|| round_penny(change.value() / core_now.value() * Decimal::ONE_HUNDRED))
}

/// Step 7: excluded practices take no service, but their names are still
/// checked against the menu (an unknown name is a data error, SPEC §7).
fn premium_services(p: &Practice, f: &First, s: &Scenario) -> Result<Premium, CalcError> {
    let list_used = f.list.list_used;
    let payments =
        premium::payments(&p.premium, f.is_rebased(), s.premium(), list_used).map_err(|e| {
            CalcError::UnknownService {
                line: p.line,
                practice_code: p.practice_code.clone(),
                name: e.name,
                menu: menu(s),
            }
        })?;
    let payments = if f.is_excluded() {
        Vec::new()
    } else {
        payments
    };
    Ok(Premium {
        total: payments.iter().map(|x| x.amount).sum(),
        payments,
        if_all: s
            .premium()
            .iter()
            .map(|svc| premium::amount(svc, list_used))
            .sum(),
    })
}

/// The menu's names, for a message.
fn menu(s: &Scenario) -> String {
    if s.premium().is_empty() {
        return "empty".to_owned();
    }
    let names: Vec<&str> = s.premium().iter().map(|svc| svc.name.as_str()).collect();
    names.join(", ")
}

/// Step 9, with the last taper year's price under `[years]` (SPEC §8.2),
/// and flag `better_under_gms`.
fn gms_comparison(
    base: Base<'_>,
    core_rebased: Money,
    c: Context<'_>,
) -> (Option<GmsResult>, bool) {
    let (p, s) = (base.p, c.scenario);
    let (Some(price), Some(weighted)) = (c.terms.prices.last(), p.weighted_list) else {
        return (None, false);
    };
    let gms_equivalent = gms::gms_equivalent(weighted, price);
    let pms_premium = matches!(p.contract, ContractType::Pms | ContractType::Apms)
        .then(|| base.f.core_now - gms_equivalent);
    let mpig_equivalent =
        gms::mpig_equivalent_left(p.mpig_equivalent, s.financial_years(), s.years());
    let better = base.is_rebased() && gms_equivalent + mpig_equivalent > core_rebased;
    let result = GmsResult {
        gms_equivalent,
        pms_premium,
        mpig_equivalent,
    };
    (Some(result), better)
}

/// Step 8: the net change in each year, `year k core - uplift + premium +
/// reinvestment - core now`: the premium and reinvestment less the saving.
fn net_change(
    base: Base<'_>,
    years: &[Money],
    premium: Money,
    reinvestment: &[Money],
) -> Vec<Money> {
    (0..years.len())
        .map(|k| {
            let core = years.get(k).copied().unwrap_or(Money::ZERO);
            let saving = base.without_review(k) - core;
            let reinvested = reinvestment.get(k).copied().unwrap_or(Money::ZERO);
            -saving + premium + reinvested
        })
        .collect()
}
