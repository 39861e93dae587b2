//! Flag overrides of a scenario (SPEC §6). Each flag's value is read once,
//! into a typed value, by the parsers below (the command line runs them as
//! it reads its arguments, so a value that cannot be read is a usage error
//! naming the flag); [`Scenario::with`] lays the values over a scenario and
//! validates the result again, naming the flag that broke a rule.

use rust_decimal::Decimal;

use crate::error::ScenarioError;
use crate::model::ContractType;
use crate::money::{Money, parse_amount, parse_percent};
use crate::scenario::gms_prices::{self, YearPrice};
use crate::scenario::{GmsComparison, PremiumService, PriceMethod, Scenario, Scope, price};

/// The flags, each `None` (or `false`) when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScenarioOverrides {
    /// `--target average|mean|median|gms-average|gms-equivalent|<£>`.
    pub target: Option<Target>,
    /// `--floor <£>`.
    pub floor: Option<Money>,
    /// `--level-up`.
    pub level_up: bool,
    /// `--taper 50,100`: the cumulative shares, as fractions.
    pub taper: Option<Vec<Decimal>>,
    /// `--threshold 2%`, a fraction.
    pub threshold: Option<Decimal>,
    /// `--premium name=£,...` (replaces the menu; empty text clears it).
    pub premium: Option<Vec<PremiumService>>,
    /// `--global-sum-price <£|year>`.
    pub global_sum_price: Option<GlobalSumPrice>,
    /// `--ooh <percent>`, a fraction.
    pub ooh: Option<Decimal>,
    /// `--by all|group`.
    pub by: Option<Scope>,
    /// `--contracts PMS,APMS`.
    pub contracts: Option<Vec<ContractType>>,
}

/// `--target`: a method, or a fixed price that replaces the method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A method that finds the target.
    Method(TargetMethod),
    /// A fixed price, rounded to the penny.
    Price(Money),
}

/// The methods `--target` names (banding needs bands, so only the file has it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetMethod {
    /// `average`.
    Average,
    /// `mean`.
    Mean,
    /// `median`.
    Median,
    /// `gms-average`.
    GmsAverage,
    /// `gms-equivalent`.
    GmsEquivalent,
}

impl Target {
    /// The price method this target sets.
    #[must_use]
    pub fn method(self) -> PriceMethod {
        match self {
            Target::Method(TargetMethod::Average) => PriceMethod::Average,
            Target::Method(TargetMethod::Mean) => PriceMethod::Mean,
            Target::Method(TargetMethod::Median) => PriceMethod::Median,
            Target::Method(TargetMethod::GmsAverage) => PriceMethod::GmsAverage,
            Target::Method(TargetMethod::GmsEquivalent) => PriceMethod::GmsEquivalent,
            Target::Price(value) => PriceMethod::Fixed { value },
        }
    }
}

/// `--global-sum-price`: a financial year with a built-in price and OOH
/// deduction, or a price (which keeps the scenario's OOH deduction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalSumPrice {
    /// A financial year such as 2018/19.
    Year(YearPrice),
    /// £ per weighted patient, rounded to the penny.
    Price(Money),
}

// ---------------------------------------------------------------------------
// The parsers: one per flag, each giving the reason in words.
// ---------------------------------------------------------------------------

/// `--target`.
pub fn parse_target(text: &str) -> Result<Target, String> {
    let method = match text.trim() {
        "average" => TargetMethod::Average,
        "mean" => TargetMethod::Mean,
        "median" => TargetMethod::Median,
        "gms-average" => TargetMethod::GmsAverage,
        "gms-equivalent" => TargetMethod::GmsEquivalent,
        other => {
            return parse_amount(other)
                .map(|v| Target::Price(price(v)))
                .map_err(|_| {
                    format!("`{other}` is neither a method (average, mean, median, gms-average, gms-equivalent) nor a price")
                });
        }
    };
    Ok(Target::Method(method))
}

/// A price flag (`--floor`): an amount, rounded to the penny.
pub fn parse_money(text: &str) -> Result<Money, String> {
    parse_amount(text)
        .map(price)
        .map_err(|e| format!("`{text}` {e}"))
}

/// A percentage flag (`--threshold`, `--ooh`): `2%` or `0.02`.
pub fn parse_share(text: &str) -> Result<Decimal, String> {
    parse_percent(text).map_err(|e| format!("`{text}` {e}"))
}

/// `--taper 50,100`: `50` and `50%` both mean 50%.
pub fn parse_taper(text: &str) -> Result<Vec<Decimal>, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let number = part.strip_suffix('%').unwrap_or(part);
            parse_amount(number)
                .map(|v| v / Decimal::ONE_HUNDRED)
                .map_err(|e| format!("`{part}` {e}"))
        })
        .collect()
}

/// `--premium name=£,...`; empty text is an empty menu.
pub fn parse_premium(text: &str) -> Result<Vec<PremiumService>, String> {
    text.split(',')
        .filter(|item| !item.trim().is_empty())
        .map(|item| {
            let (name, amount) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` should be name=price, e.g. data-reviews=2.00"))?;
            Ok(PremiumService {
                name: name.trim().to_owned(),
                price: parse_money(amount)?,
            })
        })
        .collect()
}

/// `--global-sum-price`: a financial year, or a price.
pub fn parse_global_sum_price(text: &str) -> Result<GlobalSumPrice, String> {
    if let Some(year) = gms_prices::lookup(text) {
        return Ok(GlobalSumPrice::Year(year));
    }
    parse_amount(text)
        .map(|v| GlobalSumPrice::Price(price(v)))
        .map_err(|_| {
            format!(
                "`{text}` is neither a price nor a financial year from {}",
                gms_prices::known_range()
            )
        })
}

/// `--contracts PMS,APMS`.
pub fn parse_contracts(text: &str) -> Result<Vec<ContractType>, String> {
    let mut contracts = text
        .split(',')
        .map(|t| {
            t.parse()
                .map_err(|()| format!("`{}` is not a contract type (GMS, PMS or APMS)", t.trim()))
        })
        .collect::<Result<Vec<ContractType>, _>>()?;
    contracts.dedup();
    Ok(contracts)
}

// ---------------------------------------------------------------------------
// The overrides laid over a scenario.
// ---------------------------------------------------------------------------

impl Scenario {
    /// This scenario with the overrides laid over it, validated again.
    pub fn with(&self, o: &ScenarioOverrides) -> Result<Scenario, ScenarioError> {
        let mut s = self.clone();
        if let Some(target) = o.target {
            s.price.method = target.method();
            // The share of a premium kept belongs to gms-equivalent alone.
            if s.price.method != PriceMethod::GmsEquivalent {
                s.price.retain = None;
            }
        }
        if let Some(floor) = o.floor {
            s.price.floor = Some(floor);
        }
        if o.level_up {
            s.price.level_up = true;
        }
        if let Some(schedule) = &o.taper {
            s.taper.schedule.clone_from(schedule);
        }
        if let Some(threshold) = o.threshold {
            s.list.threshold = threshold;
        }
        if let Some(menu) = &o.premium {
            s.premium.clone_from(menu);
        }
        if let Some(g) = o.global_sum_price {
            s.gms = Some(match g {
                GlobalSumPrice::Year(year) => GmsComparison {
                    global_sum_price: price(year.price()),
                    ooh_deduction: year.ooh(),
                    year: Some(year.year.to_owned()),
                },
                GlobalSumPrice::Price(global_sum_price) => GmsComparison {
                    global_sum_price,
                    ooh_deduction: s
                        .gms
                        .as_ref()
                        .map_or(Decimal::ZERO, |gms| gms.ooh_deduction),
                    year: None,
                },
            });
        }
        if let Some(ooh) = o.ooh {
            let Some(gms) = s.gms.as_mut() else {
                return Err(ScenarioError::new(
                    "--ooh",
                    "needs a global sum price (--global-sum-price or [gms] in the scenario)",
                ));
            };
            gms.ooh_deduction = ooh;
        }
        if let Some(by) = o.by {
            s.by = by;
        }
        if let Some(contracts) = &o.contracts {
            s.contracts.clone_from(contracts);
        }
        s.validate().map_err(|e| match flag_for_key(&e.key) {
            Some(f) if touched(o, f) => ScenarioError::new(f, e.reason),
            _ => e,
        })?;
        Ok(s)
    }
}

/// The flag that sets a scenario key, for messages.
fn flag_for_key(key: &str) -> Option<&'static str> {
    match key {
        "taper.schedule" => Some("--taper"),
        "price.floor" => Some("--floor"),
        "price.value" => Some("--target"),
        "price.level_up" => Some("--level-up"),
        "list.threshold" => Some("--threshold"),
        "premium.name" | "premium.price" => Some("--premium"),
        "gms.ooh_deduction" => Some("--ooh"),
        "contracts" => Some("--contracts"),
        _ => None,
    }
}

/// Whether the flag was given.
fn touched(o: &ScenarioOverrides, f: &str) -> bool {
    match f {
        "--taper" => o.taper.is_some(),
        "--floor" => o.floor.is_some(),
        "--target" => o.target.is_some(),
        "--level-up" => o.level_up,
        "--threshold" => o.threshold.is_some(),
        "--premium" => o.premium.is_some(),
        "--ooh" => o.ooh.is_some(),
        "--contracts" => o.contracts.is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn overrides_replace_scenario_values() {
        let o = ScenarioOverrides {
            target: Some(parse_target("85.53").unwrap()),
            taper: Some(parse_taper("25,50%,100").unwrap()),
            premium: Some(parse_premium("data-reviews=2,patient-facing=£4.00").unwrap()),
            global_sum_price: Some(parse_global_sum_price("2018/19").unwrap()),
            ooh: Some(parse_share("5%").unwrap()),
            contracts: Some(parse_contracts("PMS,apms").unwrap()),
            ..ScenarioOverrides::default()
        };
        let s = Scenario::default().with(&o).unwrap();
        assert_eq!(
            s.price.method,
            PriceMethod::Fixed {
                value: price(dec!(85.53))
            }
        );
        assert_eq!(s.taper.schedule, vec![dec!(0.25), dec!(0.5), dec!(1)]);
        assert_eq!(s.premium[1].price.to_string(), "4.00");
        assert_eq!(s.gms.unwrap().ooh_deduction, dec!(0.05));
        assert_eq!(s.contracts, vec![ContractType::Pms, ContractType::Apms]);
    }

    #[test]
    fn values_that_cannot_be_read_say_why() {
        assert!(
            parse_target("cheap")
                .unwrap_err()
                .contains("neither a method")
        );
        assert!(parse_money("£x").unwrap_err().contains("`£x`"));
        assert!(parse_share("2").unwrap_err().contains("ambiguous"));
        assert!(parse_premium("access").unwrap_err().contains("name=price"));
        assert!(parse_contracts("PMS,XMS").unwrap_err().contains("`XMS`"));
        assert!(
            parse_global_sum_price("2010/11")
                .unwrap_err()
                .contains("financial year")
        );
        assert_eq!(
            parse_target(" mean ").unwrap(),
            Target::Method(TargetMethod::Mean)
        );
    }

    #[test]
    fn rule_errors_name_the_flag() {
        let o = ScenarioOverrides {
            taper: Some(parse_taper("50,90").unwrap()),
            ..ScenarioOverrides::default()
        };
        assert_eq!(Scenario::default().with(&o).unwrap_err().key, "--taper");
        let o = ScenarioOverrides {
            floor: Some(parse_money("-1").unwrap()),
            ..ScenarioOverrides::default()
        };
        assert_eq!(Scenario::default().with(&o).unwrap_err().key, "--floor");
        let o = ScenarioOverrides {
            ooh: Some(parse_share("5%").unwrap()),
            ..ScenarioOverrides::default()
        };
        assert_eq!(Scenario::default().with(&o).unwrap_err().key, "--ooh");
    }
}
