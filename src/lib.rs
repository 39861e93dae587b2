//! `rebase` re-bases GP practice contracts in the English NHS (PMS reviews),
//! exactly to the penny.
//!
//! The pipeline, edge to edge:
//!
//! ```text
//! input (bytes -> Practice)  scenario (TOML + flags -> Scenario)
//!                 \            /
//!              calc::rebase (pure; every intermediate figure)
//!                       |
//!      report (rows = CSV columns, savings = sums of rounded rows)
//!                       |
//!      output (table / CSV / JSON writers over any `io::Write`)
//! ```
//!
//! Only [`cli`] touches files, standard streams and exit codes. Money is
//! [`rust_decimal::Decimal`] throughout and is rounded only by
//! [`money::round_penny`], at the points SPEC §1 lists.

pub mod calc;
pub mod cli;
pub mod error;
pub mod input;
pub mod model;
pub mod money;
pub mod output;
pub mod report;
pub mod scenario;
pub mod text;

pub use calc::{Rebasing, rebase};
pub use error::{DataError, Error, ScenarioError, Warning};
pub use model::{ContractType, Practice};
pub use money::{Money, round_penny};
pub use scenario::Scenario;
