//! The command line (clap derive). Nothing past `cli` sees these types:
//! scenario flags become a [`ScenarioOverrides`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::input::bounds::{Bounds, parse_size};
use rust_decimal::Decimal;

use crate::model::ContractType;
use crate::money::Money;
use crate::scenario::overrides::{self, GlobalSumPrice, ScenarioOverrides, Target};
use crate::scenario::{Per, PremiumService, Scope};

/// Re-base GP practice contracts (PMS reviews) exactly to the penny.
#[derive(Debug, Parser)]
#[command(name = "rebase", version, about, max_term_width = 100)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Re-base the contracts and print each practice's income and the savings.
    Run(RunArgs),
    /// Find the highest target price whose saving meets a required saving.
    Solve(SolveArgs),
    /// Show one practice's derivation, step by step.
    Explain(ExplainArgs),
    /// Run many scenarios over one input, in parallel.
    Batch(BatchArgs),
    /// Price per patient by contract type (and group): the spread a PMS review starts from.
    Variation(VariationArgs),
    /// Turn an NHS Digital payments file into a canonical practice file.
    Import(ImportArgs),
    /// Re-run fixture directories and report every cell that differs (for CI).
    Check(CheckArgs),
    /// Draw price per patient now and after re-basing as an SVG chart.
    Chart(ChartArgs),
    /// Run once per target price over a range: savings, losers and goal at each price.
    Sweep(SweepArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// `rebase solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Practice file or NHS Digital payments file (`-` for standard input).
    pub input: String,
    /// The saving required, in £.
    #[arg(long, value_name = "£")]
    pub saving: String,
    /// Which year's saving (default: the scenario goal's year, else the last).
    #[arg(long, value_name = "N")]
    pub year: Option<usize>,
    /// Count the saving after premium services are paid (net), not before.
    #[arg(long)]
    pub net: bool,
    /// With `--by group`: find the price for this group's saving alone.
    #[arg(long, value_name = "CODE")]
    pub group: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Scenario and overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Practice file or NHS Digital payments file (`-` for standard input).
    pub input: String,
    /// The practice to explain.
    pub practice_code: String,
    /// Scenario and overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// How wide the lines are (`--wide`: never wrapped).
    #[command(flatten)]
    pub fit: FitArgs,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Practice file or NHS Digital payments file (read once).
    pub input: String,
    /// Scenario files; each writes DIR/<stem>.csv.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Output format per scenario: csv (default) or xlsx.
    #[arg(short = 'f', long, value_enum)]
    pub format: Option<FormatArg>,
    /// Replace existing files in DIR.
    #[arg(long)]
    pub force: bool,
    /// Write only DIR/comparison.csv, no file per scenario.
    #[arg(long)]
    pub comparison_only: bool,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase variation`.
#[derive(Debug, Args)]
pub struct VariationArgs {
    /// Practice file or NHS Digital payments file (`-` for standard input).
    pub input: String,
    /// `group` for one block per group as well.
    #[arg(long, value_enum, ignore_case = true, value_name = "all|group")]
    pub by: Option<ByArg>,
    /// `weighted` for prices per weighted patient (the weighted list scaled like the list).
    #[arg(long, value_enum, value_name = "registered|weighted")]
    pub per: Option<PerArg>,
    /// Where and how to write.
    #[command(flatten)]
    pub output: OutputArgs,
    /// How wide the tables are.
    #[command(flatten)]
    pub fit: FitArgs,
    /// Name every practice in warnings.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// How wide a command's tables and lines are (SPEC §9.8): `run`,
/// `variation`, `sweep` and `explain`.
#[derive(Debug, Args, Clone, Copy)]
pub struct FitArgs {
    /// Show every column and wrap no line (it may not fit the terminal).
    #[arg(long)]
    pub wide: bool,
    /// Fit the tables and lines to N columns (at least 80), as on a terminal
    /// that wide; on a terminal its own width is used unless this is given.
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,
}

/// `rebase import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// An NHS Digital "NHS Payments to General Practice" CSV.
    pub input: String,
    /// Write the practice file here instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Name every practice in warnings.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Practice file or NHS Digital payments file (`-` for standard input).
    pub input: String,
    /// Scenario and overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The SVG file to write.
    #[arg(short = 'o', long, value_name = "FILE.svg")]
    pub output: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase sweep`. Its `--target` is the range of prices; the other
/// scenario flags are the usual ones.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Practice file or NHS Digital payments file (`-` for standard input).
    pub input: String,
    /// Scenario, overrides and the range of target prices.
    #[command(flatten)]
    pub scenario: SweepScenarioArgs,
    /// Output format (default: from the -o extension, else table).
    #[arg(short = 'f', long, value_enum)]
    pub format: Option<SweepFormatArg>,
    /// Write the table, CSV or workbook (.xlsx) to this file (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Draw the saving against the target price as an SVG chart; alone, nothing goes to standard output.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
    /// Start CSV with a byte-order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Name every practice in warnings, not just the first ten.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// How wide the table is.
    #[command(flatten)]
    pub fit: FitArgs,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `rebase check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Fixture directories, each with practices.csv, scenario.toml and expected.csv.
    #[arg(required = true, value_name = "FIXTURE_DIR")]
    pub fixtures: Vec<PathBuf>,
    /// Rewrite each expected.csv from the current results.
    #[arg(long)]
    pub bless: bool,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `rebase run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Practice file or NHS Digital payments file (`-` for standard input).
    pub input: String,
    /// Scenario and overrides.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Where and how to write.
    #[command(flatten)]
    pub output: OutputArgs,
    /// How wide the tables are.
    #[command(flatten)]
    pub fit: FitArgs,
    /// Also write the savings table to this file (`.csv` or `.json`).
    #[arg(long, value_name = "FILE")]
    pub savings: Option<PathBuf>,
    /// Name every practice in warnings, not just the first ten.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Bounds on reading the input.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The scenario file and the flags that override it (SPEC §6).
#[derive(Debug, Args, Default)]
pub struct ScenarioArgs {
    /// Scenario file (TOML); without it the defaults of SPEC §3 apply.
    #[arg(short = 's', long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Target: average, mean, median, gms-average, gms-equivalent or a price such as 85.53.
    #[arg(long, value_name = "METHOD|£", value_parser = overrides::parse_target)]
    pub target: Option<Target>,
    /// The other overrides.
    #[command(flatten)]
    pub flags: OverrideArgs,
}

/// `rebase sweep`'s scenario: its `--target` is the range of prices, and
/// the other overrides are the usual ones.
#[derive(Debug, Args)]
pub struct SweepScenarioArgs {
    /// Scenario file (TOML); without it the defaults of SPEC §3 apply.
    #[arg(short = 's', long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Target prices from FROM to TO (included when a step lands on it), STEP apart, e.g. 80:100:0.50; at most 10,000
    #[arg(long, value_name = "FROM:TO:STEP")]
    pub target: String,
    /// The other overrides.
    #[command(flatten)]
    pub flags: OverrideArgs,
}

/// The overrides but `--target`, each value read once into its type.
#[derive(Debug, Args, Default)]
pub struct OverrideArgs {
    /// Floor price per patient.
    #[arg(long, value_name = "£", value_parser = overrides::parse_money)]
    pub floor: Option<Money>,
    /// Raise practices below the target up to it.
    #[arg(long)]
    pub level_up: bool,
    /// Taper: cumulative percentages per year, e.g. 50,100.
    #[arg(long, value_name = "PCT,...", value_parser = overrides::parse_taper)]
    pub taper: Option<::std::vec::Vec<Decimal>>,
    /// Exeter vs practice list discrepancy threshold, e.g. 2%.
    #[arg(long, value_name = "PCT", value_parser = overrides::parse_share)]
    pub threshold: Option<Decimal>,
    /// Premium services menu, e.g. data-reviews=2.00,patient-facing=4.00.
    #[arg(long, value_name = "NAME=£,...", value_parser = overrides::parse_premium)]
    pub premium: Option<::std::vec::Vec<PremiumService>>,
    /// Global sum price per weighted patient, or a financial year (2018/19).
    #[arg(long, value_name = "£|YEAR", value_parser = overrides::parse_global_sum_price)]
    pub global_sum_price: Option<GlobalSumPrice>,
    /// Out-of-hours deduction, e.g. 4.87%.
    #[arg(long, value_name = "PCT", value_parser = overrides::parse_share)]
    pub ooh: Option<Decimal>,
    /// One target for all, or one per group.
    #[arg(long, value_enum, ignore_case = true, value_name = "all|group")]
    pub by: Option<ByArg>,
    /// Contract types to re-base, e.g. PMS,APMS.
    #[arg(long, value_name = "TYPES", value_parser = overrides::parse_contracts)]
    pub contracts: Option<::std::vec::Vec<ContractType>>,
}

impl ScenarioArgs {
    /// The scenario file as given, or `-` without one (for the check that
    /// an output never overwrites an input).
    #[must_use]
    pub fn file(&self) -> &str {
        self.scenario
            .as_deref()
            .and_then(std::path::Path::to_str)
            .unwrap_or("-")
    }

    /// The overrides the flags ask for.
    #[must_use]
    pub fn overrides(&self) -> ScenarioOverrides {
        ScenarioOverrides {
            target: self.target,
            ..self.flags.overrides()
        }
    }
}

impl OverrideArgs {
    /// The overrides the flags ask for (no target).
    #[must_use]
    pub fn overrides(&self) -> ScenarioOverrides {
        ScenarioOverrides {
            target: None,
            floor: self.floor,
            level_up: self.level_up,
            taper: self.taper.clone(),
            threshold: self.threshold,
            premium: self.premium.clone(),
            global_sum_price: self.global_sum_price,
            ooh: self.ooh,
            by: self.by.map(Scope::from),
            contracts: self.contracts.clone(),
        }
    }
}

/// `--by`: one target (or table) for all, or one per group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// Everyone together.
    All,
    /// Each group on its own.
    Group,
}

impl From<ByArg> for Scope {
    fn from(b: ByArg) -> Scope {
        match b {
            ByArg::All => Scope::All,
            ByArg::Group => Scope::Group,
        }
    }
}

/// `variation --per`: the list prices are per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PerArg {
    /// Per registered patient.
    Registered,
    /// Per weighted patient (the weighted list scaled like the list).
    Weighted,
}

impl From<PerArg> for Per {
    fn from(p: PerArg) -> Per {
        match p {
            PerArg::Registered => Per::Registered,
            PerArg::Weighted => Per::Weighted,
        }
    }
}

/// Bounds on reading a practice file (SPEC §9.5), on every command that reads one.
#[derive(Clone, Copy, Debug, Args)]
pub struct LimitArgs {
    /// Refuse an input larger than this: bytes, or e.g. 500M or 2GiB.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub max_input: u64,
}

impl LimitArgs {
    /// The bounds to read within: `--max-input`, and the longest line.
    #[must_use]
    pub fn bounds(self) -> Bounds {
        Bounds {
            max_input: self.max_input,
            ..Bounds::default()
        }
    }
}

/// Output format flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human tables.
    Table,
    /// CSV (the per-practice rows).
    Csv,
    /// One JSON document.
    Json,
    /// An Excel workbook (needs -o FILE.xlsx).
    Xlsx,
}

/// `rebase sweep`'s formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SweepFormatArg {
    /// A human table.
    Table,
    /// CSV, one row per target price.
    Csv,
    /// An Excel workbook with a chart (needs -o FILE.xlsx).
    Xlsx,
}

impl From<SweepFormatArg> for FormatArg {
    fn from(f: SweepFormatArg) -> FormatArg {
        match f {
            SweepFormatArg::Table => FormatArg::Table,
            SweepFormatArg::Csv => FormatArg::Csv,
            SweepFormatArg::Xlsx => FormatArg::Xlsx,
        }
    }
}

/// Where and how to write.
#[derive(Debug, Args, Default)]
pub struct OutputArgs {
    /// Output format (default: from the -o extension, else table).
    #[arg(short = 'f', long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Start CSV with a byte-order mark (for Excel).
    #[arg(long)]
    pub bom: bool,
}
