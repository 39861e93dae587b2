//! SPEC §8.3: reinvestment. For each taper year and scope (a group, or
//! everyone), the money recycled there, less the premium services paid
//! there, times the share, is paid back to the scope's practices of the
//! chosen contract types in proportion to their weighted or registered list.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::PracticeResult;
use crate::model::Practice;
use crate::money::{Money, round_penny};
use crate::scenario::{Reinvest, ReinvestBasis, Scope};

/// One scope's reinvestment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pool {
    /// The group, or `None` for everyone.
    pub group: Option<String>,
    /// Each year's pool, `round(max(0, saving - premium) * share)`.
    pub pools: Vec<Money>,
    /// The recipients' total list it is shared by.
    #[serde(with = "rust_decimal::serde::str")]
    pub list: Decimal,
    /// How many practices receive it.
    pub recipients: usize,
}

impl Pool {
    /// Year `k`'s pool (0-based), zero beyond the taper.
    #[must_use]
    pub fn pool(&self, k: usize) -> Money {
        self.pools.get(k).copied().unwrap_or(Money::ZERO)
    }
}

/// Who shares which pool, worked out before any pool is known: each
/// practice's scope and the list its share is reckoned on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sharing {
    /// Each practice's scope (index into `pools`).
    scope_of: Vec<usize>,
    /// Each practice's own list for its share; `None` when it receives nothing.
    own: Vec<Option<Decimal>>,
    /// One pool per scope, in scope order (pools empty until [`Sharing::fill`]).
    pub pools: Vec<Pool>,
    /// Would-be recipients without a weighted list (basis `weighted`).
    pub no_weighted_list: Vec<usize>,
}

/// A practice as the sharing sees it: its contract, group, weighted list,
/// list used and whether it is excluded.
#[derive(Clone, Copy, Debug)]
pub struct Sharer<'a> {
    /// The practice.
    pub practice: &'a Practice,
    /// Its list used (step 1).
    pub list_used: Decimal,
    /// Whether it is excluded.
    pub excluded: bool,
}

impl Sharing {
    /// The scopes (a group, or everyone) and each recipient's list.
    #[must_use]
    pub fn new<'a>(practices: impl Iterator<Item = Sharer<'a>>, policy: &Reinvest) -> Sharing {
        let mut keys: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
        let mut out = Sharing::default();
        for (i, s) in practices.enumerate() {
            let key = (policy.scope == Scope::Group).then_some(s.practice.group.as_str());
            keys.entry(key).or_default().push(i);
            let receives = !s.excluded && policy.contracts.contains(&s.practice.contract);
            let own = receives.then(|| share_list(s, policy.basis)).flatten();
            if receives && own.is_none() {
                out.no_weighted_list.push(i);
            }
            out.own.push(own);
        }
        out.scope_of = vec![0; out.own.len()];
        for (scope, (group, members)) in keys.into_iter().enumerate() {
            let own = members
                .iter()
                .filter_map(|&i| out.own.get(i).copied().flatten());
            out.pools.push(Pool {
                group: group.map(str::to_owned),
                pools: Vec::new(),
                list: own.clone().sum(),
                recipients: own.count(),
            });
            for &i in &members {
                if let Some(s) = out.scope_of.get_mut(i) {
                    *s = scope;
                }
            }
        }
        out
    }

    /// The pool sums to add practice `i`'s figures to (one per scope).
    #[must_use]
    pub fn empty_sums(&self, years: usize) -> Vec<PoolSum> {
        vec![PoolSum::new(years); self.pools.len()]
    }

    /// Adds practice `i`'s saving in each year and premium to its scope's sums.
    pub fn add(&self, sums: &mut [PoolSum], i: usize, r: &PracticeResult) {
        let scope = self.scope_of.get(i).copied().unwrap_or_default();
        if let Some(sum) = sums.get_mut(scope) {
            for (k, saving) in sum.savings.iter_mut().enumerate() {
                *saving += r.saving_in(k);
            }
            sum.premium += r.premium_total;
        }
    }

    /// Sets every scope's pools from its sums: `round(max(0, saving -
    /// premium) * share)` for each year.
    pub fn fill(&mut self, sums: &[PoolSum], share: Decimal) {
        for (pool, sum) in self.pools.iter_mut().zip(sums) {
            pool.pools = sum
                .savings
                .iter()
                .map(|&saving| {
                    let recycled = (saving - sum.premium).value().max(Decimal::ZERO);
                    // Rounding point: a money figure of the scope.
                    round_penny(recycled * share)
                })
                .collect();
        }
    }

    /// What practice `i` receives in each of `years` years.
    #[must_use]
    pub fn share_of(&self, i: usize, years: usize) -> Vec<Money> {
        let pool = self.scope_of.get(i).and_then(|&s| self.pools.get(s));
        match (self.own.get(i).copied().flatten(), pool) {
            (Some(own), Some(pool)) if !pool.list.is_zero() => pool
                .pools
                .iter()
                .map(|p| round_penny(p.value() * own / pool.list))
                .collect(),
            _ => vec![Money::ZERO; years],
        }
    }
}

/// One scope's running sums: its practices' saving in each year and their premium.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolSum {
    savings: Vec<Money>,
    premium: Money,
}

impl PoolSum {
    fn new(years: usize) -> PoolSum {
        PoolSum {
            savings: vec![Money::ZERO; years],
            premium: Money::ZERO,
        }
    }

    /// Adds another part's sums to these (sums from threads joined).
    pub fn merge(&mut self, other: &PoolSum) {
        for (a, b) in self.savings.iter_mut().zip(&other.savings) {
            *a += *b;
        }
        self.premium += other.premium;
    }
}

/// The list a practice's share is reckoned on: its weighted list as given,
/// or its list used; `None` without a weighted list (basis `weighted`).
fn share_list(s: Sharer<'_>, basis: ReinvestBasis) -> Option<Decimal> {
    match basis {
        ReinvestBasis::Weighted => s.practice.weighted_list.filter(|w| !w.is_zero()),
        ReinvestBasis::Registered => Some(s.list_used),
    }
}
