//! Flag overrides of a scenario (SPEC §6): every field is optional and
//! holds the text the user typed; [`Scenario::with`] parses it, lays it over
//! the scenario and validates the result again. Messages name the flag.

use rust_decimal::Decimal;

use crate::error::ScenarioError;
use crate::model::ContractType;
use crate::money::{parse_amount, parse_percent};
use crate::scenario::file::parse_scope;
use crate::scenario::{GmsComparison, PremiumService, PriceMethod, Scenario, gms_prices, price};

/// What the user typed on the command line, flag by flag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScenarioOverrides {
    /// `--target average|mean|median|gms-average|<£>`.
    pub target: Option<String>,
    /// `--floor <£>`.
    pub floor: Option<String>,
    /// `--level-up`.
    pub level_up: bool,
    /// `--taper 50,100` (percentages, `%` optional).
    pub taper: Option<String>,
    /// `--threshold 2%`.
    pub threshold: Option<String>,
    /// `--premium name=£,...` (replaces the menu; empty text clears it).
    pub premium: Option<String>,
    /// `--global-sum-price <£|year>`.
    pub global_sum_price: Option<String>,
    /// `--ooh <percent>`.
    pub ooh: Option<String>,
    /// `--by all|group`.
    pub by: Option<String>,
    /// `--contracts PMS,APMS`.
    pub contracts: Option<String>,
}

impl Scenario {
    /// This scenario with the overrides laid over it, validated again.
    pub fn with(&self, o: &ScenarioOverrides) -> Result<Scenario, ScenarioError> {
        let mut s = self.clone();
        if let Some(t) = &o.target {
            s.price.method = match t.trim() {
                "average" => PriceMethod::Average,
                "mean" => PriceMethod::Mean,
                "median" => PriceMethod::Median,
                "gms-average" => PriceMethod::GmsAverage,
                "gms-equivalent" => PriceMethod::GmsEquivalent,
                other => PriceMethod::Fixed {
                    value: price(parse_amount(other).map_err(|_| {
                        flag("--target", format!("`{other}` is neither a method (average, mean, median, gms-average, gms-equivalent) nor a price"))
                    })?),
                },
            };
            // The share of a premium kept belongs to gms-equivalent alone.
            if s.price.method != PriceMethod::GmsEquivalent {
                s.price.retain = None;
            }
        }
        if let Some(f) = &o.floor {
            s.price.floor = Some(price(
                parse_amount(f).map_err(|e| flag("--floor", format!("`{f}` {e}")))?,
            ));
        }
        if o.level_up {
            s.price.level_up = true;
        }
        if let Some(t) = &o.taper {
            s.taper.schedule = t
                .split(',')
                .map(|part| taper_share(part).map_err(|reason| flag("--taper", reason)))
                .collect::<Result<_, _>>()?;
        }
        if let Some(t) = &o.threshold {
            s.list.threshold =
                parse_percent(t).map_err(|e| flag("--threshold", format!("`{t}` {e}")))?;
        }
        if let Some(p) = &o.premium {
            s.premium = p
                .split(',')
                .filter(|item| !item.trim().is_empty())
                .map(|item| {
                    let (name, amount) = item.split_once('=').ok_or_else(|| {
                        flag(
                            "--premium",
                            format!("`{item}` should be name=price, e.g. data-reviews=2.00"),
                        )
                    })?;
                    let amount = parse_amount(amount)
                        .map_err(|e| flag("--premium", format!("`{amount}` {e}")))?;
                    Ok(PremiumService {
                        name: name.trim().to_owned(),
                        price: price(amount),
                    })
                })
                .collect::<Result<_, ScenarioError>>()?;
        }
        if let Some(g) = &o.global_sum_price {
            s.gms = Some(match gms_prices::lookup(g) {
                Some(year) => GmsComparison {
                    global_sum_price: price(year.price()),
                    ooh_deduction: year.ooh(),
                    year: Some(year.year.to_owned()),
                },
                None => GmsComparison {
                    global_sum_price: price(parse_amount(g).map_err(|_| {
                        flag(
                            "--global-sum-price",
                            format!(
                                "`{g}` is neither a price nor a financial year from {}",
                                gms_prices::known_range()
                            ),
                        )
                    })?),
                    ooh_deduction: s
                        .gms
                        .as_ref()
                        .map_or(Decimal::ZERO, |gms| gms.ooh_deduction),
                    year: None,
                },
            });
        }
        if let Some(ooh) = &o.ooh {
            let value = parse_percent(ooh).map_err(|e| flag("--ooh", format!("`{ooh}` {e}")))?;
            match s.gms.as_mut() {
                Some(gms) => gms.ooh_deduction = value,
                None => {
                    return Err(flag(
                        "--ooh",
                        "needs a global sum price (--global-sum-price or [gms] in the scenario)",
                    ));
                }
            }
        }
        if let Some(b) = &o.by {
            s.by = parse_scope(b)
                .ok_or_else(|| flag("--by", format!("is `{b}`; write all or group")))?;
        }
        if let Some(c) = &o.contracts {
            let mut contracts: Vec<ContractType> = c
                .split(',')
                .map(|t| {
                    t.parse().map_err(|()| {
                        flag(
                            "--contracts",
                            format!("`{}` is not a contract type (GMS, PMS or APMS)", t.trim()),
                        )
                    })
                })
                .collect::<Result<_, _>>()?;
            contracts.dedup();
            s.contracts = contracts;
        }
        s.validate().map_err(|e| match flag_for_key(&e.key) {
            Some(f) if touched(o, f) => flag(f, e.reason),
            _ => e,
        })?;
        Ok(s)
    }
}

/// A taper share on the command line: `50` and `50%` both mean 50%.
fn taper_share(part: &str) -> Result<Decimal, String> {
    let text = part.trim();
    let number = text.strip_suffix('%').unwrap_or(text);
    parse_amount(number)
        .map(|v| v / Decimal::ONE_HUNDRED)
        .map_err(|e| format!("`{text}` {e}"))
}

fn flag(name: &str, reason: impl Into<String>) -> ScenarioError {
    ScenarioError::new(name, reason)
}

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
            target: Some("85.53".into()),
            taper: Some("25,50,100".into()),
            premium: Some("data-reviews=2,patient-facing=£4.00".into()),
            global_sum_price: Some("2018/19".into()),
            ooh: Some("5%".into()),
            contracts: Some("PMS,apms".into()),
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
    fn errors_name_the_flag() {
        let o = ScenarioOverrides {
            taper: Some("50,90".into()),
            ..ScenarioOverrides::default()
        };
        assert_eq!(Scenario::default().with(&o).unwrap_err().key, "--taper");
        let o = ScenarioOverrides {
            target: Some("cheap".into()),
            ..ScenarioOverrides::default()
        };
        assert_eq!(Scenario::default().with(&o).unwrap_err().key, "--target");
        let o = ScenarioOverrides {
            ooh: Some("5%".into()),
            ..ScenarioOverrides::default()
        };
        assert_eq!(Scenario::default().with(&o).unwrap_err().key, "--ooh");
    }
}
