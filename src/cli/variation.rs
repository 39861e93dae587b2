//! `rebase variation INPUT [--by group]`: price per patient by contract
//! type (and group), the spread a PMS review starts from.

use std::io::Write;

use crate::calc::rebase;
use crate::cli::args::VariationArgs;
use crate::cli::files::{load_input, write_stdout};
use crate::cli::outputs::{Plan, file_output};
use crate::cli::run::choose_format;
use crate::cli::terminal::fit_width;
use crate::cli::{Outcome, calc_error, print_warnings};
use crate::error::Error;
use crate::output::{self, Format};
use crate::report::variation::{outliers, variation, variation_report};
use crate::scenario::overrides::ScenarioOverrides;
use crate::scenario::{Per, Scenario, Scope};

/// Runs `rebase variation`.
pub fn run(args: &VariationArgs) -> Result<Outcome, Error> {
    let out_path = file_output(args.output.output.as_deref());
    let format = choose_format(args.output.format, out_path)?;
    let by_group = args.by.map(Scope::from) == Some(Scope::Group);
    let mut plan = Plan::new(&[&args.input], args.output.force);
    let dest = out_path.map(|p| plan.output("-o", p)).transpose()?;
    let input = load_input(&args.input, args.limits.bounds())?;
    let per = args.per.map_or(Per::Registered, Per::from);
    // Lists and exclusions follow the default rules (Exeter, 2% threshold);
    // outliers are judged within the scope shown (SPEC §9.2).
    let scope = ScenarioOverrides {
        by: by_group.then_some(crate::scenario::Scope::Group),
        ..ScenarioOverrides::default()
    };
    let scenario = Scenario::default().with_per(per)?.with(&scope)?;
    let rebasing = rebase(&input.practices, &scenario).map_err(|e| calc_error(&e, &args.input))?;
    let rows = variation(&input.practices, &rebasing, by_group);
    let report = variation_report(&rows, per);
    let outliers = outliers(&input.practices, &rebasing);
    let mut warnings = input.warnings.clone();
    warnings.extend(
        rebasing
            .warnings
            .iter()
            .filter(|w| {
                matches!(
                    w.code,
                    crate::error::WarningCode::Excluded | crate::error::WarningCode::Outlier
                )
            })
            .map(|w| {
                let mut w = w.clone();
                w.message = w
                    .message
                    .replace("not re-based", "left out of the price statistics");
                w
            }),
    );
    print_warnings(&warnings, args.verbose);
    let bom = args.output.bom;
    let width = fit_width(args.fit, dest.is_none());
    let body = |w: &mut dyn Write| match format {
        Format::Table => output::table::write_variation(&rows, &outliers, per, width, w),
        Format::Csv => output::csv::write_report(&report, w, bom),
        Format::Json => {
            let doc = serde_json::json!({ "variation": output::json::rows(&report), "outliers": outliers, "warnings": warnings });
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)
        }
        Format::Xlsx => output::xlsx::write_workbook(
            &[output::xlsx::Sheet {
                name: "Variation",
                report: &report,
            }],
            w,
        ),
    };
    if format == Format::Xlsx && dest.is_none() {
        return Err(Error::Usage("-f xlsx needs -o FILE.xlsx".to_owned()));
    }
    match dest {
        Some(d) => d.write(body)?,
        None => write_stdout(body)?,
    }
    Ok(Outcome::Done)
}
