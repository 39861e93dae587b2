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

/// What reinvestment paid, and to whom it could not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reinvested {
    /// One pool per scope, in scope order.
    pub pools: Vec<Pool>,
    /// Would-be recipients without a weighted list (basis `weighted`).
    pub no_weighted_list: Vec<usize>,
}

/// Shares each scope's pools out; sets every practice's `reinvestment`.
pub fn reinvest(
    practices: &[Practice],
    results: &mut [PracticeResult],
    policy: &Reinvest,
    years: usize,
) -> Reinvested {
    let mut scopes: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, p) in practices.iter().enumerate() {
        let key = match policy.scope {
            Scope::All => None,
            Scope::Group => Some(p.group.as_str()),
        };
        scopes.entry(key).or_default().push(i);
    }
    for r in results.iter_mut() {
        r.reinvestment = vec![Money::ZERO; years];
    }
    let mut out = Reinvested::default();
    for (group, members) in scopes {
        let pools: Vec<Money> = (0..years)
            .map(|k| pool(results, &members, k, policy.share))
            .collect();
        let mut recipients: Vec<(usize, Decimal)> = Vec::new();
        for &i in &members {
            let (Some(p), Some(r)) = (practices.get(i), results.get(i)) else {
                continue;
            };
            if r.is_excluded() || !policy.contracts.contains(&p.contract) {
                continue;
            }
            match share_list(p, r, policy.basis) {
                Some(list) => recipients.push((i, list)),
                None => out.no_weighted_list.push(i),
            }
        }
        let list: Decimal = recipients.iter().map(|(_, l)| *l).sum();
        if !list.is_zero() {
            for &(i, own) in &recipients {
                if let Some(r) = results.get_mut(i) {
                    // Rounding point: a per-practice money figure; multiply first, divide last.
                    r.reinvestment = pools
                        .iter()
                        .map(|pool| round_penny(pool.value() * own / list))
                        .collect();
                }
            }
        }
        out.pools.push(Pool {
            group: group.map(str::to_owned),
            pools,
            list,
            recipients: recipients.len(),
        });
    }
    out
}

/// Year `k`'s pool of one scope, from the rounded per-practice figures.
fn pool(results: &[PracticeResult], members: &[usize], k: usize, share: Decimal) -> Money {
    let (saving, premium) = members
        .iter()
        .filter_map(|&i| results.get(i))
        .fold((Money::ZERO, Money::ZERO), |(s, pr), r| {
            (s + r.saving_in(k), pr + r.premium_total)
        });
    let recycled = (saving - premium).value().max(Decimal::ZERO);
    // Rounding point: a money figure of the scope.
    round_penny(recycled * share)
}

/// The list a practice's share is reckoned on: its weighted list as given,
/// or its list used; `None` without a weighted list (basis `weighted`).
fn share_list(p: &Practice, r: &PracticeResult, basis: ReinvestBasis) -> Option<Decimal> {
    match basis {
        ReinvestBasis::Weighted => p.weighted_list.filter(|w| !w.is_zero()),
        ReinvestBasis::Registered => Some(r.list.list_used),
    }
}
