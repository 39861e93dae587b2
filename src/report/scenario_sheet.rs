//! The scenario as `key, value` rows (the xlsx Scenario sheet), flattened
//! from its serialized form so that every key the run used appears.

use serde_json::Value;

use crate::report::{Cell, Column, Kind, Report};
use crate::scenario::Scenario;

/// The scenario as a two-column report.
#[must_use]
pub fn scenario_report(scenario: &Scenario) -> Report {
    let mut rows = Vec::new();
    if let Ok(value) = serde_json::to_value(scenario) {
        flatten("", &value, &mut rows);
    }
    Report {
        columns: vec![
            Column::new("key", Kind::Text),
            Column::new("value", Kind::Text),
        ],
        rows,
    }
}

fn flatten(prefix: &str, value: &Value, rows: &mut Vec<Vec<Cell<'static>>>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&key(k), v, rows);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{}]", i + 1), v, rows);
            }
        }
        Value::Array(items) => {
            let joined = items.iter().map(text).collect::<Vec<_>>().join(", ");
            rows.push(vec![Cell::from(prefix.to_owned()), Cell::from(joined)]);
        }
        other => rows.push(vec![Cell::from(prefix.to_owned()), Cell::from(text(other))]),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
