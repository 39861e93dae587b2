//! SPEC §4 steps 1 and 3: the list used, and the list change against the
//! list the contract was priced on.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::Practice;
use crate::money::{Money, round_penny};
use crate::scenario::ListChange;

/// Which list count was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListSource {
    /// The national registration system's count.
    Exeter,
    /// The practice's own count (pending reconciliation).
    Practice,
}

impl ListSource {
    /// As written in the CSV: `exeter` or `practice`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ListSource::Exeter => "exeter",
            ListSource::Practice => "practice",
        }
    }
}

/// Step 1's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListUsed {
    /// The list after ghosts are removed.
    pub list_used: Decimal,
    /// Which count it started from.
    pub source: ListSource,
    /// `|practice - exeter| / exeter`, when a practice list is given
    /// (`None` also when Exeter is zero).
    pub discrepancy: Option<Decimal>,
    /// Ghosts removed.
    pub ghosts: Decimal,
}

/// Step 1: Exeter, unless the practice list differs by more than the
/// threshold; then ghosts are removed. Exactly at the threshold, Exeter.
#[must_use]
pub fn list_used(p: &Practice, threshold: Decimal) -> ListUsed {
    let ghosts = p.ghosts.unwrap_or(Decimal::ZERO);
    let (chosen, source, discrepancy) = match p.list_practice {
        None => (p.list_exeter, ListSource::Exeter, None),
        Some(practice) => {
            let gap = (practice - p.list_exeter).abs();
            if p.list_exeter.is_zero() {
                // Any practice count against a zero Exeter list is beyond any threshold.
                if gap.is_zero() {
                    (p.list_exeter, ListSource::Exeter, None)
                } else {
                    (practice, ListSource::Practice, None)
                }
            } else {
                let d = gap / p.list_exeter;
                if d > threshold {
                    (practice, ListSource::Practice, Some(d))
                } else {
                    (p.list_exeter, ListSource::Exeter, Some(d))
                }
            }
        }
    };
    ListUsed {
        list_used: chosen - ghosts,
        source,
        discrepancy,
        ghosts,
    }
}

/// The most a list change may multiply a core value by: a contract priced on
/// a list a thousand times smaller than the list used is a data error, not
/// a correction (and beyond it exact arithmetic could overflow).
pub const MAX_LIST_RATIO: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

/// `list_funded` is implausibly small against the list used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImplausibleListChange;

/// Step 3: the core value corrected to the list used, when the policy and
/// `list_funded` call for it; `Ok(None)` when no correction applies.
pub fn corrected_core(
    core_now: Money,
    list_used: Decimal,
    list_funded: Option<Decimal>,
    policy: ListChange,
) -> Result<Option<Money>, ImplausibleListChange> {
    let Some(funded) = list_funded else {
        return Ok(None);
    };
    let applies = match policy {
        ListChange::Off => false,
        ListChange::Both => funded != list_used,
        ListChange::Down => funded > list_used,
    };
    if !applies {
        return Ok(None);
    }
    let ratio = list_used.checked_div(funded).ok_or(ImplausibleListChange)?;
    if ratio > MAX_LIST_RATIO {
        return Err(ImplausibleListChange);
    }
    // Rounding point: a per-practice money figure (SPEC §1 point 2).
    // core * list_used / list_funded, in that order (as the SPEC writes it).
    let product = core_now
        .value()
        .checked_mul(list_used)
        .ok_or(ImplausibleListChange)?;
    let corrected = product.checked_div(funded).ok_or(ImplausibleListChange)?;
    Ok(Some(round_penny(corrected)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::practices::read_practices;
    use rust_decimal_macros::dec;

    fn practice(exeter: &str, practice: &str, ghosts: &str) -> Practice {
        let text = format!(
            "practice_code,contract,list_exeter,list_practice,ghosts\nE1,PMS,{exeter},{practice},{ghosts}\n"
        );
        read_practices(&text, "t").unwrap().practices.remove(0)
    }

    #[test]
    fn two_percent_rule() {
        let exactly = list_used(&practice("1000", "1020", ""), dec!(0.02));
        assert_eq!(
            (exactly.list_used, exactly.source),
            (dec!(1000), ListSource::Exeter)
        );
        let beyond = list_used(&practice("1000", "1021", "10"), dec!(0.02));
        assert_eq!(
            (beyond.list_used, beyond.source),
            (dec!(1011), ListSource::Practice)
        );
        let below = list_used(&practice("1000", "979", ""), dec!(0.02));
        assert_eq!(below.source, ListSource::Practice);
        let zero = list_used(&practice("0", "5", ""), dec!(0.02));
        assert_eq!(zero.source, ListSource::Practice);
    }

    #[test]
    fn list_change_policies() {
        let core = round_penny(dec!(100000));
        let c = |used, funded, policy| corrected_core(core, used, funded, policy).unwrap();
        assert_eq!(
            c(dec!(950), Some(dec!(1000)), ListChange::Both),
            Some(round_penny(dec!(95000)))
        );
        assert_eq!(c(dec!(1050), Some(dec!(1000)), ListChange::Down), None);
        assert_eq!(
            c(dec!(1050), Some(dec!(1000)), ListChange::Both),
            Some(round_penny(dec!(105000)))
        );
        assert_eq!(c(dec!(950), Some(dec!(1000)), ListChange::Off), None);
        assert_eq!(c(dec!(950), None, ListChange::Both), None);
        // 100000 * 333 / 1000.5 = 33283.358320839... -> 33283.36
        assert_eq!(
            c(dec!(333), Some(dec!(1000.5)), ListChange::Both)
                .unwrap()
                .to_string(),
            "33283.36"
        );
        // A contract priced on a list a thousand times too small is not a correction.
        let huge = corrected_core(
            core,
            dec!(1000000000),
            Some(dec!(0.0000000001)),
            ListChange::Both,
        );
        assert_eq!(huge, Err(ImplausibleListChange));
    }
}
