//! The practice as read from a practice file (SPEC §2), before any scenario.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

/// The contract a practice holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ContractType {
    /// General Medical Services: the national formula.
    #[serde(rename = "GMS")]
    Gms,
    /// Personal Medical Services: a locally agreed fixed value.
    #[serde(rename = "PMS")]
    Pms,
    /// Alternative Provider Medical Services.
    #[serde(rename = "APMS")]
    Apms,
}

impl ContractType {
    /// The name as written in files: `GMS`, `PMS`, `APMS`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ContractType::Gms => "GMS",
            ContractType::Pms => "PMS",
            ContractType::Apms => "APMS",
        }
    }
}

impl fmt::Display for ContractType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ContractType {
    type Err = ();
    /// Case-insensitive, surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "GMS" => Ok(ContractType::Gms),
            "PMS" => Ok(ContractType::Pms),
            "APMS" => Ok(ContractType::Apms),
            _ => Err(()),
        }
    }
}

/// Which premium services a practice takes up (SPEC §4 step 7, §7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PremiumTakeUp {
    /// The file has no `premium` column: re-based practices take every service.
    NoColumn,
    /// `all`: every service on the scenario's menu.
    All,
    /// The services named (possibly none), as written.
    Named(Vec<String>),
}

/// One practice's row of the practice file. Money and lists are exact
/// decimals as given; blank money is zero, blank optional lists are `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Practice {
    /// The line of the file the row starts on (for messages).
    pub line: u64,
    /// Unique practice code, e.g. `E85001`.
    pub practice_code: String,
    /// Name (may be empty).
    pub practice_name: String,
    /// Contract type.
    pub contract: ContractType,
    /// Commissioner grouping (PCT, CCG, ICB, locality); empty when not given.
    pub group: String,
    /// Registered list per the national registration system (Exeter).
    pub list_exeter: Decimal,
    /// The practice's own list count.
    pub list_practice: Option<Decimal>,
    /// Registrations removed by list cleansing.
    pub ghosts: Option<Decimal>,
    /// The list the current contract value was priced on (`None` for blank or 0).
    pub list_funded: Option<Decimal>,
    /// Needs-weighted (Carr-Hill) list.
    pub weighted_list: Option<Decimal>,
    /// GMS global sum paid (£/year).
    pub global_sum: Decimal,
    /// MPIG correction factor paid (£/year).
    pub mpig: Decimal,
    /// PMS fixed annual contract value (£/year).
    pub pms_baseline: Decimal,
    /// QOF payments (£/year).
    pub qof: Decimal,
    /// Directed enhanced services (£/year).
    pub des: Decimal,
    /// National enhanced services (£/year).
    pub nes: Decimal,
    /// Local enhanced services (£/year).
    pub les: Decimal,
    /// All other payments (£/year).
    pub other: Decimal,
    /// MPIG-equivalent payment promised on a return to GMS (£/year).
    pub mpig_equivalent: Decimal,
    /// Employer superannuation the commissioner pays today (£/year).
    pub superannuation: Decimal,
    /// Premium services taken up.
    pub premium: PremiumTakeUp,
    /// The close date as written, when the practice has closed.
    pub close_date: Option<String>,
}
