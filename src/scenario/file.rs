//! The scenario TOML file (SPEC §3). The document is walked key by key so
//! that every message names the exact key (`taper.schedule`), unknown keys
//! are refused, and a TOML float, which cannot hold money exactly, is
//! refused with the fix.

use rust_decimal::Decimal;
use toml::{Table, Value};

use crate::error::ScenarioError;
use crate::model::ContractType;
use crate::money::{Money, parse_amount, parse_percent};
use crate::scenario::{
    Band, Basis, FinancialYear, Gains, GmsComparison, Goal, ListChange, Outliers, Per,
    PremiumService, PriceMethod, Reinvest, ReinvestBasis, Scenario, Scope, Years, gms_prices,
    price,
};

/// Parses a scenario document. `name` is the default name (the file's stem).
pub fn parse_scenario(text: &str, name: &str) -> Result<Scenario, ScenarioError> {
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| syntax_error(text, &e))?;
    let mut scenario = Scenario {
        name: name.to_owned(),
        ..Scenario::default()
    };
    let top = Keys::new(&table, "");
    top.only(&[
        "name",
        "contracts",
        "by",
        "list",
        "price",
        "taper",
        "premium",
        "gms",
        "goal",
        "superannuation",
        "years",
        "reinvest",
    ])?;
    if let Some(v) = top.string("name")? {
        v.clone_into(&mut scenario.name);
    }
    if let Some(items) = top.array("contracts")? {
        scenario.contracts = contract_list(items, &top, "contracts")?;
    }
    if let Some(v) = top.string("by")? {
        scenario.by = parse_scope(v)
            .ok_or_else(|| top.err("by", format!("is `{v}`; write \"all\" or \"group\"")))?;
    }
    if let Some(list) = top.table("list")? {
        list.only(&["threshold", "change"])?;
        if let Some(t) = list.percent("threshold")? {
            scenario.list.threshold = t;
        }
        if let Some(v) = list.string("change")? {
            scenario.list.change = parse_list_change(v).ok_or_else(|| {
                list.err(
                    "change",
                    format!("is `{v}`; write \"both\", \"down\" or \"off\""),
                )
            })?;
        }
    }
    if let Some(p) = top.table("price")? {
        read_price(&p, &mut scenario)?;
    }
    if let Some(taper) = top.table("taper")? {
        taper.only(&["schedule", "gains"])?;
        if let Some(items) = taper.array("schedule")? {
            scenario.taper.schedule = items
                .iter()
                .map(|v| percent_value(v).map_err(|reason| taper.err("schedule", reason)))
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = taper.string("gains")? {
            scenario.taper.gains = parse_gains(v).ok_or_else(|| {
                taper.err(
                    "gains",
                    format!("is `{v}`; write \"immediate\" or \"tapered\""),
                )
            })?;
        }
    }
    if let Some(items) = top.array("premium")? {
        scenario.premium = items
            .iter()
            .map(|v| {
                let t = v.as_table().ok_or_else(|| {
                    top.err("premium", "must be [[premium]] tables with name and price")
                })?;
                let service = Keys::new(t, "premium");
                service.only(&["name", "price"])?;
                let name = service
                    .string("name")?
                    .ok_or_else(|| service.err("name", "is missing"))?;
                let price = service
                    .money("price")?
                    .ok_or_else(|| service.err("price", "is missing"))?;
                Ok(PremiumService {
                    name: name.trim().to_owned(),
                    price,
                })
            })
            .collect::<Result<_, ScenarioError>>()?;
    }
    if let Some(gms) = top.table("gms")? {
        gms.only(&["global_sum_price", "ooh_deduction"])?;
        let ooh = gms.percent("ooh_deduction")?;
        if let Some(v) = gms.get("global_sum_price") {
            let comparison =
                global_sum_price(v, ooh).map_err(|reason| gms.err("global_sum_price", reason))?;
            scenario.gms = Some(comparison);
        } else if ooh.is_some() {
            return Err(gms.err("ooh_deduction", "needs a global_sum_price to deduct from"));
        }
    }
    if let Some(goal) = top.table("goal")? {
        goal.only(&["saving", "year", "basis"])?;
        let saving = goal
            .money("saving")?
            .ok_or_else(|| goal.err("saving", "is missing (the required saving in £)"))?;
        let year = match goal.get("year") {
            None => None,
            Some(Value::Integer(n)) if *n >= 1 => usize::try_from(*n).ok(),
            Some(_) => return Err(goal.err("year", "must be a whole number of years, 1 or more")),
        };
        let basis = match goal.string("basis")? {
            None => Basis::Gross,
            Some(v) => parse_basis(v).ok_or_else(|| {
                goal.err("basis", format!("is `{v}`; write \"gross\" or \"net\""))
            })?,
        };
        scenario.goal = Some(Goal {
            saving,
            year,
            basis,
        });
    }
    if let Some(sup) = top.table("superannuation")? {
        sup.only(&["shift"])?;
        if let Some(v) = sup.get("shift") {
            scenario.superannuation_shift = v
                .as_bool()
                .ok_or_else(|| sup.err("shift", "must be true or false"))?;
        }
    }
    if let Some(years) = top.table("years")? {
        scenario.years = Some(read_years(&years)?);
    }
    if let Some(reinvest) = top.table("reinvest")? {
        scenario.reinvest = Some(read_reinvest(&reinvest)?);
    }
    scenario.validate()?;
    Ok(scenario)
}

/// `[years]` (SPEC §8.2).
fn read_years(y: &Keys<'_>) -> Result<Years, ScenarioError> {
    y.only(&["data", "first", "uplift"])?;
    let year = |name: &str| -> Result<Option<FinancialYear>, ScenarioError> {
        y.string(name)?
            .map(|text| {
                FinancialYear::parse(text).ok_or_else(|| {
                    y.err(
                        name,
                        format!("is `{text}`; write a financial year such as \"2015/16\""),
                    )
                })
            })
            .transpose()
    };
    let data = year("data")?.ok_or_else(|| {
        y.err(
            "data",
            "is missing; say which financial year the practice file describes (\"2015/16\")",
        )
    })?;
    let first = year("first")?.unwrap_or(data.plus(1));
    let uplift = match y.array("uplift")? {
        None => Vec::new(),
        Some(items) => items
            .iter()
            .map(|v| amount_value(v).map(price).map_err(|r| y.err("uplift", r)))
            .collect::<Result<_, _>>()?,
    };
    Ok(Years {
        data,
        first,
        uplift,
    })
}

/// `[reinvest]` (SPEC §8.3).
fn read_reinvest(r: &Keys<'_>) -> Result<Reinvest, ScenarioError> {
    r.only(&["share", "scope", "basis", "contracts"])?;
    let scope = match r.string("scope")? {
        None => Scope::Group,
        Some(v) => parse_scope(v)
            .ok_or_else(|| r.err("scope", format!("is `{v}`; write \"group\" or \"all\"")))?,
    };
    let basis = match r.string("basis")? {
        None | Some("weighted") => ReinvestBasis::Weighted,
        Some("registered") => ReinvestBasis::Registered,
        Some(v) => {
            return Err(r.err(
                "basis",
                format!("is `{v}`; write \"weighted\" or \"registered\""),
            ));
        }
    };
    let contracts = match r.array("contracts")? {
        None => vec![ContractType::Gms, ContractType::Pms, ContractType::Apms],
        Some(items) => contract_list(items, r, "contracts")?,
    };
    Ok(Reinvest {
        share: r.percent("share")?.unwrap_or(Decimal::ONE),
        scope,
        basis,
        contracts,
    })
}

/// A list of contract types such as `["PMS", "APMS"]`, without repeats.
fn contract_list(
    items: &[Value],
    keys: &Keys<'_>,
    name: &str,
) -> Result<Vec<ContractType>, ScenarioError> {
    let mut out: Vec<ContractType> = Vec::new();
    for v in items {
        let s = v
            .as_str()
            .ok_or_else(|| keys.err(name, "must list strings such as \"PMS\""))?;
        let c = s.parse::<ContractType>().map_err(|()| {
            keys.err(
                name,
                format!("`{s}` is not a contract type (GMS, PMS or APMS)"),
            )
        })?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

fn read_price(p: &Keys<'_>, scenario: &mut Scenario) -> Result<(), ScenarioError> {
    p.only(&[
        "method", "value", "floor", "level_up", "bands", "retain", "per", "outliers",
    ])?;
    let method = p.string("method")?;
    let value = p.money("value")?;
    let bands = p.array("bands")?;
    scenario.price.method = match method {
        None | Some("average") => PriceMethod::Average,
        Some("mean") => PriceMethod::Mean,
        Some("median") => PriceMethod::Median,
        Some("gms-average") => PriceMethod::GmsAverage,
        Some("gms-equivalent") => PriceMethod::GmsEquivalent,
        Some("fixed") => PriceMethod::Fixed {
            value: value
                .ok_or_else(|| p.err("value", "is missing; method \"fixed\" needs a price"))?,
        },
        Some("banding") => {
            let items = bands
                .ok_or_else(|| p.err("bands", "is missing; method \"banding\" needs bands"))?;
            PriceMethod::Banding {
                bands: items
                    .iter()
                    .map(|v| read_band(v, p))
                    .collect::<Result<_, _>>()?,
            }
        }
        Some(other) => {
            return Err(p.err(
                "method",
                format!("is `{other}`; write average, mean, median, gms-average, gms-equivalent, fixed or banding"),
            ));
        }
    };
    if value.is_some() && !matches!(scenario.price.method, PriceMethod::Fixed { .. }) {
        return Err(p.err("value", "is only used with method = \"fixed\""));
    }
    if bands.is_some_and(|b| !b.is_empty())
        && !matches!(scenario.price.method, PriceMethod::Banding { .. })
    {
        return Err(p.err("bands", "are only used with method = \"banding\""));
    }
    scenario.price.floor = p.money("floor")?;
    if let Some(v) = p.get("level_up") {
        scenario.price.level_up = v
            .as_bool()
            .ok_or_else(|| p.err("level_up", "must be true or false"))?;
    }
    scenario.price.retain = p.percent("retain")?;
    scenario.price.per = match p.string("per")? {
        None | Some("registered") => Per::Registered,
        Some("weighted") => Per::Weighted,
        Some(v) => {
            return Err(p.err(
                "per",
                format!("is `{v}`; write \"registered\" or \"weighted\""),
            ));
        }
    };
    scenario.price.outliers = match p.string("outliers")? {
        None | Some("include") => Outliers::Include,
        Some("exclude") => Outliers::Exclude,
        Some(v) => {
            return Err(p.err(
                "outliers",
                format!("is `{v}`; write \"include\" or \"exclude\""),
            ));
        }
    };
    Ok(())
}

fn read_band(v: &Value, p: &Keys<'_>) -> Result<Band, ScenarioError> {
    let t = v.as_table().ok_or_else(|| {
        p.err(
            "bands",
            "must be tables like { from = \"0\", to = \"80\", price = \"78.00\" }",
        )
    })?;
    let band = Keys::new(t, "price.bands");
    band.only(&["from", "to", "price"])?;
    Ok(Band {
        from: band.money("from")?.unwrap_or(Money::ZERO),
        to: band.money("to")?,
        price: band
            .money("price")?
            .ok_or_else(|| band.err("price", "is missing"))?,
    })
}

fn global_sum_price(v: &Value, ooh: Option<Decimal>) -> Result<GmsComparison, String> {
    if let Some(text) = v.as_str()
        && let Some(year) = gms_prices::lookup(text)
    {
        return Ok(GmsComparison {
            global_sum_price: price(year.price()),
            ooh_deduction: ooh.unwrap_or(year.ooh()),
            year: Some(year.year.to_owned()),
        });
    }
    let amount = amount_value(v).map_err(|reason| {
        format!(
            "{reason}, or a financial year from {} such as \"2018/19\"",
            gms_prices::known_range()
        )
    })?;
    Ok(GmsComparison {
        global_sum_price: price(amount),
        ooh_deduction: ooh.unwrap_or(Decimal::ZERO),
        year: None,
    })
}

/// Parsers shared with the flag overrides.
pub(crate) fn parse_scope(v: &str) -> Option<Scope> {
    match v.trim().to_ascii_lowercase().as_str() {
        "all" => Some(Scope::All),
        "group" => Some(Scope::Group),
        _ => None,
    }
}

fn parse_list_change(v: &str) -> Option<ListChange> {
    match v {
        "both" => Some(ListChange::Both),
        "down" => Some(ListChange::Down),
        "off" => Some(ListChange::Off),
        _ => None,
    }
}

fn parse_gains(v: &str) -> Option<Gains> {
    match v {
        "immediate" => Some(Gains::Immediate),
        "tapered" => Some(Gains::Tapered),
        _ => None,
    }
}

fn parse_basis(v: &str) -> Option<Basis> {
    match v {
        "gross" => Some(Basis::Gross),
        "net" => Some(Basis::Net),
        _ => None,
    }
}

/// An amount written as a string or an integer; a float is refused.
fn amount_value(v: &Value) -> Result<Decimal, String> {
    match v {
        Value::String(s) => parse_amount(s).map_err(|e| format!("`{s}` {e}")),
        Value::Integer(n) => Ok(Decimal::from(*n)),
        Value::Float(f) => Err(format!(
            "is the TOML float {f}, which cannot hold money exactly; write it as a string (\"{f}\")"
        )),
        _ => Err("must be an amount written as a string (\"85.53\")".to_owned()),
    }
}

/// A percentage written as a string (`"2%"`, `"0.02"`) or an integer (0 or 1).
fn percent_value(v: &Value) -> Result<Decimal, String> {
    match v {
        Value::String(s) => parse_percent(s).map_err(|e| format!("`{s}` {e}")),
        Value::Integer(n) if (0..=1).contains(n) => Ok(Decimal::from(*n)),
        Value::Integer(n) => Err(format!(
            "is {n}, which is ambiguous as a percentage (write \"{n}%\")"
        )),
        Value::Float(f) => Err(format!(
            "is the TOML float {f}; write it as a string (\"{f}\" or a percentage)"
        )),
        _ => Err("must be a percentage written as a string (\"2%\")".to_owned()),
    }
}

/// Turns a TOML syntax error into one line naming the line and column.
fn syntax_error(text: &str, e: &toml::de::Error) -> ScenarioError {
    let message = e.message().trim().trim_end_matches('.').to_owned();
    // The toml crate's words for a whole number beyond 128 bits.
    let message = if message.starts_with("invalid type: integer") && message.contains("i128") {
        "a whole number too large to read; write amounts as strings (\"85.53\")".to_owned()
    } else {
        message
    };
    let place = e.span().map_or(String::new(), |span| {
        let before = text.get(..span.start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("line {line}, column {column}: ")
    });
    ScenarioError::new("", format!("{place}{message}"))
}

/// One TOML table being read, with its dotted path for messages.
struct Keys<'a> {
    table: &'a Table,
    path: &'a str,
}

impl<'a> Keys<'a> {
    fn new(table: &'a Table, path: &'a str) -> Keys<'a> {
        Keys { table, path }
    }

    fn key(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn err(&self, name: &str, reason: impl Into<String>) -> ScenarioError {
        ScenarioError::new(self.key(name), reason)
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.table.get(name)
    }

    fn only(&self, allowed: &[&str]) -> Result<(), ScenarioError> {
        match self.table.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(unknown) => Err(ScenarioError::new(
                self.key(unknown),
                format!(
                    "is not a scenario key (expected one of: {})",
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    fn string(&self, name: &str) -> Result<Option<&'a str>, ScenarioError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(self.err(name, "must be a string")),
        }
    }

    fn array(&self, name: &str) -> Result<Option<&'a Vec<Value>>, ScenarioError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(self.err(name, "must be a list")),
        }
    }

    fn table(&self, name: &'a str) -> Result<Option<Keys<'a>>, ScenarioError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(Keys::new(t, name))),
            Some(_) => Err(self.err(name, "must be a table ([section])")),
        }
    }

    fn money(&self, name: &str) -> Result<Option<Money>, ScenarioError> {
        self.get(name)
            .map(|v| {
                amount_value(v)
                    .map(price)
                    .map_err(|reason| self.err(name, reason))
            })
            .transpose()
    }

    fn percent(&self, name: &str) -> Result<Option<Decimal>, ScenarioError> {
        self.get(name)
            .map(|v| percent_value(v).map_err(|reason| self.err(name, reason)))
            .transpose()
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
}
