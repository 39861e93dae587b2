//! The scenario TOML file (SPEC §3), read with serde: one raw struct per
//! table, each refusing unknown keys (`deny_unknown_fields`); amounts and
//! percentages through deserialisers that refuse a TOML float, which cannot
//! hold money exactly; closed choices as enums. `RawScenario::scenario`
//! then turns the raw file into a [`Scenario`], whose `validate` holds the
//! rules that span keys. Every message names the dotted key
//! (`taper.schedule`) and, where the toml crate knows it, the line and
//! column.

use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::error::ScenarioError;
use crate::model::ContractType;
use crate::money::{Money, parse_amount, parse_percent};
use crate::scenario::gms_prices::{self, YearPrice};
use crate::scenario::{
    Band, Basis, FinancialYear, Gains, GmsComparison, Goal, ListChange, ListPolicy, Outliers, Per,
    PremiumService, PriceMethod, PricePolicy, Reinvest, ReinvestBasis, Scenario, Scope, Taper,
    Years, price,
};

/// Parses a scenario document. `name` is the default name (the file's stem).
pub fn parse_scenario(text: &str, name: &str) -> Result<Scenario, ScenarioError> {
    let raw: RawScenario = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
    let scenario = raw.scenario(name)?;
    scenario.validate()?;
    Ok(scenario)
}

// ---------------------------------------------------------------------------
// The file as written: one struct per table.
// ---------------------------------------------------------------------------

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    contracts: Option<Vec<Contract>>,
    by: Option<Scope>,
    list: Option<RawList>,
    price: Option<RawPrice>,
    taper: Option<RawTaper>,
    premium: Option<Vec<RawPremium>>,
    gms: Option<RawGms>,
    goal: Option<RawGoal>,
    superannuation: Option<RawSuperannuation>,
    years: Option<RawYears>,
    reinvest: Option<RawReinvest>,
}

/// `[list]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([list])")]
struct RawList {
    threshold: Option<Percent>,
    change: Option<ListChange>,
}

/// `[price]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([price])")]
struct RawPrice {
    method: Option<Method>,
    value: Option<Amount>,
    floor: Option<Amount>,
    level_up: Option<bool>,
    bands: Option<Vec<RawBand>>,
    retain: Option<Percent>,
    per: Option<Per>,
    outliers: Option<Outliers>,
}

/// `[price] method`: the names of [`PriceMethod`].
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Method {
    Average,
    Mean,
    Median,
    GmsAverage,
    GmsEquivalent,
    Fixed,
    Banding,
}

/// One of `[price] bands`.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table like { from = \"0\", to = \"80\", price = \"78.00\" }"
)]
struct RawBand {
    from: Option<Amount>,
    to: Option<Amount>,
    price: Amount,
}

/// `[taper]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([taper])")]
struct RawTaper {
    schedule: Option<Vec<Percent>>,
    gains: Option<Gains>,
}

/// One `[[premium]]`.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "[[premium]] tables with name and price"
)]
struct RawPremium {
    name: String,
    price: Amount,
}

/// `[gms]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([gms])")]
struct RawGms {
    global_sum_price: Option<GlobalSum>,
    ooh_deduction: Option<Percent>,
}

/// `[goal]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([goal])")]
struct RawGoal {
    saving: Option<Amount>,
    year: Option<YearCount>,
    basis: Option<Basis>,
}

/// `[superannuation]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([superannuation])")]
struct RawSuperannuation {
    shift: Option<bool>,
}

/// `[years]` (SPEC §8.2).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([years])")]
struct RawYears {
    data: Option<Year>,
    first: Option<Year>,
    uplift: Option<Vec<Amount>>,
}

/// `[reinvest]` (SPEC §8.3).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([reinvest])")]
struct RawReinvest {
    share: Option<Percent>,
    scope: Option<Scope>,
    basis: Option<ReinvestBasis>,
    contracts: Option<Vec<Contract>>,
}

// ---------------------------------------------------------------------------
// The raw file into a scenario.
// ---------------------------------------------------------------------------

impl RawScenario {
    /// The scenario the file describes (SPEC §3's defaults for what it
    /// leaves out), before the rules that span keys are checked.
    fn scenario(self, default_name: &str) -> Result<Scenario, ScenarioError> {
        let d = Scenario::default();
        Ok(Scenario {
            name: self.name.unwrap_or_else(|| default_name.to_owned()),
            contracts: self.contracts.map_or(d.contracts, contract_list),
            by: self.by.unwrap_or(d.by),
            list: self.list.map_or(d.list.clone(), |l| ListPolicy {
                threshold: l.threshold.map_or(d.list.threshold, |p| p.0),
                change: l.change.unwrap_or(d.list.change),
            }),
            price: self.price.map_or(Ok(d.price), RawPrice::policy)?,
            taper: self.taper.map_or(d.taper.clone(), |t| Taper {
                schedule: t
                    .schedule
                    .map_or(d.taper.schedule, |s| s.into_iter().map(|p| p.0).collect()),
                gains: t.gains.unwrap_or(d.taper.gains),
            }),
            premium: self.premium.map_or(d.premium, |items| {
                items
                    .into_iter()
                    .map(|p| PremiumService {
                        name: p.name.trim().to_owned(),
                        price: price(p.price.0),
                    })
                    .collect()
            }),
            gms: self.gms.map(RawGms::comparison).transpose()?.flatten(),
            goal: self.goal.map(RawGoal::goal).transpose()?,
            superannuation_shift: self
                .superannuation
                .and_then(|s| s.shift)
                .unwrap_or(d.superannuation_shift),
            years: self.years.map(RawYears::years).transpose()?,
            reinvest: self.reinvest.map(RawReinvest::reinvest),
        })
    }
}

impl RawPrice {
    fn policy(self) -> Result<PricePolicy, ScenarioError> {
        let method = match self.method.unwrap_or(Method::Average) {
            Method::Average => PriceMethod::Average,
            Method::Mean => PriceMethod::Mean,
            Method::Median => PriceMethod::Median,
            Method::GmsAverage => PriceMethod::GmsAverage,
            Method::GmsEquivalent => PriceMethod::GmsEquivalent,
            Method::Fixed => PriceMethod::Fixed {
                value: self.value.as_ref().map(|v| price(v.0)).ok_or_else(|| {
                    ScenarioError::new("price.value", "is missing; method \"fixed\" needs a price")
                })?,
            },
            Method::Banding => PriceMethod::Banding {
                bands: self
                    .bands
                    .as_deref()
                    .ok_or_else(|| {
                        ScenarioError::new(
                            "price.bands",
                            "is missing; method \"banding\" needs bands",
                        )
                    })?
                    .iter()
                    .map(RawBand::band)
                    .collect(),
            },
        };
        if self.value.is_some() && !matches!(method, PriceMethod::Fixed { .. }) {
            return Err(ScenarioError::new(
                "price.value",
                "is only used with method = \"fixed\"",
            ));
        }
        if self.bands.is_some_and(|b| !b.is_empty())
            && !matches!(method, PriceMethod::Banding { .. })
        {
            return Err(ScenarioError::new(
                "price.bands",
                "are only used with method = \"banding\"",
            ));
        }
        Ok(PricePolicy {
            method,
            floor: self.floor.map(|f| price(f.0)),
            level_up: self.level_up.unwrap_or(false),
            retain: self.retain.map(|r| r.0),
            per: self.per.unwrap_or_default(),
            outliers: self.outliers.unwrap_or_default(),
        })
    }
}

impl RawBand {
    fn band(&self) -> Band {
        Band {
            from: self.from.as_ref().map_or(Money::ZERO, |f| price(f.0)),
            to: self.to.as_ref().map(|t| price(t.0)),
            price: price(self.price.0),
        }
    }
}

impl RawGms {
    /// The comparison, or `None` for an empty `[gms]`.
    fn comparison(self) -> Result<Option<GmsComparison>, ScenarioError> {
        let ooh = self.ooh_deduction.map(|p| p.0);
        Ok(match self.global_sum_price {
            Some(GlobalSum::Year(year)) => Some(GmsComparison {
                global_sum_price: price(year.price()),
                ooh_deduction: ooh.unwrap_or(year.ooh()),
                year: Some(year.year.to_owned()),
            }),
            Some(GlobalSum::Amount(amount)) => Some(GmsComparison {
                global_sum_price: price(amount),
                ooh_deduction: ooh.unwrap_or(Decimal::ZERO),
                year: None,
            }),
            None if ooh.is_some() => {
                return Err(ScenarioError::new(
                    "gms.ooh_deduction",
                    "needs a global_sum_price to deduct from",
                ));
            }
            None => None,
        })
    }
}

impl RawGoal {
    fn goal(self) -> Result<Goal, ScenarioError> {
        let saving = self.saving.ok_or_else(|| {
            ScenarioError::new("goal.saving", "is missing (the required saving in £)")
        })?;
        Ok(Goal {
            saving: price(saving.0),
            year: self.year.map(|y| y.0),
            basis: self.basis.unwrap_or(Basis::Gross),
        })
    }
}

impl RawYears {
    fn years(self) -> Result<Years, ScenarioError> {
        let data = self.data.ok_or_else(|| {
            ScenarioError::new(
                "years.data",
                "is missing; say which financial year the practice file describes (\"2015/16\")",
            )
        })?;
        Ok(Years {
            data: data.0,
            first: self.first.map_or(data.0.plus(1), |f| f.0),
            uplift: self
                .uplift
                .map_or_else(Vec::new, |u| u.into_iter().map(|a| price(a.0)).collect()),
        })
    }
}

impl RawReinvest {
    fn reinvest(self) -> Reinvest {
        Reinvest {
            share: self.share.map_or(Decimal::ONE, |p| p.0),
            scope: self.scope.unwrap_or(Scope::Group),
            basis: self.basis.unwrap_or(ReinvestBasis::Weighted),
            contracts: self.contracts.map_or_else(
                || vec![ContractType::Gms, ContractType::Pms, ContractType::Apms],
                contract_list,
            ),
        }
    }
}

/// The contract types listed, without repeats, in the order first given.
fn contract_list(items: Vec<Contract>) -> Vec<ContractType> {
    let mut out: Vec<ContractType> = Vec::new();
    for Contract(c) in items {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Values: amounts, percentages, years and names, each read once.
// ---------------------------------------------------------------------------

/// A value as written: text, a whole number or a TOML float (which the
/// amounts and percentages refuse, because it cannot hold money exactly).
enum Scalar {
    Text(String),
    Whole(i64),
    Float(f64),
}

/// Reads a [`Scalar`] and converts it while the toml crate still knows
/// where it is, so that an error in a list names the item's column.
fn scalar<'de, D: Deserializer<'de>, T>(
    d: D,
    convert: fn(Scalar) -> Result<T, String>,
) -> Result<T, D::Error> {
    d.deserialize_any(ScalarVisitor(convert))
}

struct ScalarVisitor<T>(fn(Scalar) -> Result<T, String>);

impl<T> Visitor<'_> for ScalarVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value written as a string (\"85.53\", \"2%\" or \"PMS\")")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
        (self.0)(Scalar::Text(s.to_owned())).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<T, E> {
        (self.0)(Scalar::Whole(n)).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<T, E> {
        (self.0)(Scalar::Float(f)).map_err(E::custom)
    }
}

/// Deserialises each type through its `TryFrom<Scalar>`.
macro_rules! from_scalar {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                scalar(d, <$t>::try_from)
            }
        }
    )*};
}

from_scalar!(Amount, Percent, GlobalSum, Contract);

/// An amount written as a string (`"85.53"`, `"£1,234.50"`) or an integer.
struct Amount(Decimal);

impl TryFrom<Scalar> for Amount {
    type Error = String;

    fn try_from(v: Scalar) -> Result<Amount, String> {
        match v {
            Scalar::Text(s) => parse_amount(&s)
                .map(Amount)
                .map_err(|e| format!("`{s}` {e}")),
            Scalar::Whole(n) => Ok(Amount(Decimal::from(n))),
            Scalar::Float(f) => Err(format!(
                "is the TOML float {f}, which cannot hold money exactly; write it as a string (\"{f}\")"
            )),
        }
    }
}

/// A percentage written as a string (`"2%"`, `"0.02"`) or the integer 0 or 1.
struct Percent(Decimal);

impl TryFrom<Scalar> for Percent {
    type Error = String;

    fn try_from(v: Scalar) -> Result<Percent, String> {
        match v {
            Scalar::Text(s) => parse_percent(&s)
                .map(Percent)
                .map_err(|e| format!("`{s}` {e}")),
            Scalar::Whole(n) if (0..=1).contains(&n) => Ok(Percent(Decimal::from(n))),
            Scalar::Whole(n) => Err(format!(
                "is {n}, which is ambiguous as a percentage (write \"{n}%\")"
            )),
            Scalar::Float(f) => Err(format!(
                "is the TOML float {f}; write it as a string (\"{f}\" or a percentage)"
            )),
        }
    }
}

/// `[gms] global_sum_price`: a financial year with a built-in price, or an
/// amount.
enum GlobalSum {
    Year(YearPrice),
    Amount(Decimal),
}

impl TryFrom<Scalar> for GlobalSum {
    type Error = String;

    fn try_from(v: Scalar) -> Result<GlobalSum, String> {
        if let Scalar::Text(s) = &v
            && let Some(year) = gms_prices::lookup(s)
        {
            return Ok(GlobalSum::Year(year));
        }
        Amount::try_from(v)
            .map(|a| GlobalSum::Amount(a.0))
            .map_err(|reason| {
                format!(
                    "{reason}, or a financial year from {} such as \"2018/19\"",
                    gms_prices::known_range()
                )
            })
    }
}

/// A financial year written `"2015/16"`.
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Year(FinancialYear);

impl TryFrom<String> for Year {
    type Error = String;

    fn try_from(text: String) -> Result<Year, String> {
        FinancialYear::parse(&text)
            .map(Year)
            .ok_or_else(|| format!("is `{text}`; write a financial year such as \"2015/16\""))
    }
}

/// `[goal] year`: a whole number of years, 1 or more.
#[derive(Deserialize)]
#[serde(try_from = "i64")]
struct YearCount(usize);

impl TryFrom<i64> for YearCount {
    type Error = &'static str;

    fn try_from(n: i64) -> Result<YearCount, &'static str> {
        usize::try_from(n)
            .ok()
            .filter(|n| *n >= 1)
            .map(YearCount)
            .ok_or("must be a whole number of years, 1 or more")
    }
}

/// A contract type such as `"PMS"` (any case).
struct Contract(ContractType);

impl TryFrom<Scalar> for Contract {
    type Error = String;

    fn try_from(v: Scalar) -> Result<Contract, String> {
        let Scalar::Text(text) = v else {
            return Err("must list strings such as \"PMS\"".to_owned());
        };
        text.parse()
            .map(Contract)
            .map_err(|()| format!("`{text}` is not a contract type (GMS, PMS or APMS)"))
    }
}

/// `by` and `[reinvest] scope`: `all` or `group`, any case.
impl TryFrom<String> for Scope {
    type Error = String;

    fn try_from(text: String) -> Result<Scope, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(Scope::All),
            "group" => Ok(Scope::Group),
            _ => Err(format!("is `{text}`; write \"all\" or \"group\"")),
        }
    }
}

// ---------------------------------------------------------------------------
// The toml crate's errors, in the tool's words.
// ---------------------------------------------------------------------------

/// One line naming the key and, when known, the line and column: a syntax
/// error, an unknown or missing key, or a value that cannot be read.
fn toml_error(text: &str, e: &toml::de::Error) -> ScenarioError {
    let message = e.message().trim().trim_end_matches('.');
    let mut keys = error_keys(e, message);
    let reason = if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.rsplit_once("`, expected ").unwrap_or((rest, ""));
        keys.push(field.trim_end_matches('`').to_owned());
        format!(
            "is not a scenario key (expected one of: {})",
            words(expected).replace('"', "").replace(" or ", ", ")
        )
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        keys.push(field.to_owned());
        "is missing".to_owned()
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.rsplit_once("`, expected ").unwrap_or((rest, ""));
        format!("is `{value}`; write {}", words(expected))
    } else if message.starts_with("invalid type: integer") && message.contains("i128") {
        // The toml crate's words for a whole number beyond 64 bits.
        "a whole number too large to read; write amounts as strings (\"85.53\")".to_owned()
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .rsplit_once(", expected ")
            .unwrap_or((rest, "another type"));
        let found = match found {
            "map" => "a table",
            "sequence" => "a list",
            other => other,
        };
        format!("must be {}, not {found}", words(expected))
    } else {
        message.to_owned()
    };
    let place = e.span().map_or(String::new(), |span| {
        let before = text.get(..span.start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("line {line}, column {column}: ")
    });
    ScenarioError::new(keys.join("."), format!("{place}{reason}"))
}

/// The dotted path of the table the error is in. The toml crate keeps it
/// private but writes it after the message when it has no input to quote.
fn error_keys(e: &toml::de::Error, message: &str) -> Vec<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    shown
        .get(e.message().len()..)
        .filter(|_| shown.starts_with(e.message()))
        .and_then(|rest| rest.trim_end().strip_prefix("\nin `"))
        .and_then(|rest| rest.strip_suffix('`'))
        .filter(|path| !path.is_empty() && !message.is_empty())
        .map_or_else(Vec::new, |path| {
            path.split('.').map(str::to_owned).collect()
        })
}

/// serde's words for what it expected, as the scenario is written: a list
/// of choices (`` `a`, `b` or `c` ``, "one of ...") becomes `"a", "b" or
/// "c"`; "a sequence" becomes "a list".
fn words(expected: &str) -> String {
    let quoted = expected.replace('`', "\"");
    let Some(choices) = quoted.strip_prefix("one of ") else {
        return match quoted.as_str() {
            "a sequence" => "a list".to_owned(),
            "a boolean" => "true or false".to_owned(),
            _ => quoted,
        };
    };
    match choices.rsplit_once(", ") {
        Some((head, last)) => format!("{head} or {last}"),
        None => choices.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const KC: &str = r#"
name = "PMS re-basing 2009"
contracts = ["PMS"]
by = "all"
[list]
threshold = "2%"
change = "both"
[price]
method = "fixed"
value = "85.53"
floor = 70
[taper]
schedule = ["50%", "100%"]
gains = "immediate"
[[premium]]
name = "data-reviews"
price = "2.00"
[[premium]]
name = "patient-facing"
price = "4.00"
[gms]
global_sum_price = "2018/19"
[goal]
saving = "500000"
year = 2
[superannuation]
shift = false
"#;

    #[test]
    fn reads_every_key() {
        let s = parse_scenario(KC, "kc").unwrap();
        assert_eq!(s.name, "PMS re-basing 2009");
        assert_eq!(
            s.price.method,
            PriceMethod::Fixed {
                value: price(dec!(85.53))
            }
        );
        assert_eq!(s.price.floor, Some(price(dec!(70))));
        assert_eq!(s.premium.len(), 2);
        let gms = s.gms.unwrap();
        assert_eq!(
            (gms.global_sum_price.to_string(), gms.ooh_deduction),
            ("88.96".to_owned(), dec!(0.0487))
        );
        assert_eq!(s.goal.unwrap().year, Some(2));
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        let s = parse_scenario("", "plain").unwrap();
        assert_eq!(
            s,
            Scenario {
                name: "plain".into(),
                ..Scenario::default()
            }
        );
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            (
                "[price]\nmethod = \"fixed\"\nvalue = 85.53\n",
                "price.value",
                "float",
            ),
            (
                "[taper]\nschedule = [\"60%\", \"50%\", \"100%\"]\n",
                "taper.schedule",
                "decreases",
            ),
            (
                "[taper]\nschedule = [\"50%\", \"90%\"]\n",
                "taper.schedule",
                "not 100%",
            ),
            (
                "[list]\nthreshhold = \"2%\"\n",
                "list.threshhold",
                "not a scenario key",
            ),
            ("[price]\nfloor = \"-1\"\n", "price.floor", "negative"),
            ("[list]\nthreshold = \"2\"\n", "list.threshold", "ambiguous"),
            ("by = \"ccg\"\n", "by", "group"),
            (
                "[[premium]]\nname = \"a\"\nprice = \"-2\"\n",
                "premium.price",
                "negative",
            ),
        ];
        for (text, key, reason) in cases {
            let err = parse_scenario(text, "s").unwrap_err();
            assert_eq!(err.key, key, "{text}");
            assert!(err.reason.contains(reason), "{text}: {err}");
        }
        let err = parse_scenario("name = \n", "s").unwrap_err();
        assert!(
            err.to_string().starts_with("scenario line 1, column"),
            "{err}"
        );
    }

    #[test]
    fn value_errors_give_the_line_and_column() {
        let cases = [
            (
                "[price]\nmethod = \"cheapest\"\n",
                "price.method",
                "line 2, column 10: is `cheapest`; write \"average\", \"mean\", \"median\", \"gms-average\", \"gms-equivalent\", \"fixed\" or \"banding\"",
            ),
            (
                "[taper]\nschedule = [\"50%\", 0.9]\n",
                "taper.schedule",
                "line 2, column 20: is the TOML float 0.9",
            ),
            (
                "[price]\nmethod = \"banding\"\nbands = [{ from = \"0\" }]\n",
                "price.bands.price",
                "is missing",
            ),
            (
                "[price]\nlevel_up = \"yes\"\n",
                "price.level_up",
                "true or false",
            ),
            ("premium = 5\n", "premium", "must be a list"),
            (
                "[premium]\nname = \"a\"\n",
                "premium",
                "must be a list, not a table",
            ),
            (
                "contracts = [\"XMS\"]\n",
                "contracts",
                "`XMS` is not a contract type",
            ),
            (
                "[goal]\nsaving = \"1\"\nyear = 0\n",
                "goal.year",
                "1 or more",
            ),
        ];
        for (text, key, reason) in cases {
            let err = parse_scenario(text, "s").unwrap_err();
            assert_eq!(err.key, key, "{text}");
            assert!(err.reason.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn spellings_are_kept() {
        let s = parse_scenario(
            "by = \" Group \"\ncontracts = [\"pms\", \"APMS\", \"PMS\"]\n[reinvest]\nscope = \"ALL\"\n[gms]\nglobal_sum_price = 89\nooh_deduction = 0\n",
            "s",
        )
        .unwrap();
        assert_eq!(s.by, Scope::Group);
        assert_eq!(s.contracts, vec![ContractType::Pms, ContractType::Apms]);
        assert_eq!(s.reinvest.unwrap().scope, Scope::All);
        assert_eq!(s.gms.unwrap().global_sum_price.to_string(), "89.00");
    }
}
