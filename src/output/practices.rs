//! The canonical practice file (SPEC §2) as `import` writes it.

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::model::{Practice, PremiumTakeUp};
use crate::output::csv::neutralise;

/// Columns written, in SPEC §2's order (those an import can fill).
pub const COLUMNS: [&str; 21] = [
    "practice_code",
    "practice_name",
    "contract",
    "group",
    "list_exeter",
    "list_practice",
    "ghosts",
    "list_funded",
    "weighted_list",
    "global_sum",
    "mpig",
    "pms_baseline",
    "qof",
    "des",
    "nes",
    "les",
    "other",
    "mpig_equivalent",
    "superannuation",
    "premium",
    "close_date",
];

fn opt(d: Option<Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes practices as a canonical practice file: figures exactly as held
/// (no rounding), text neutralised against formulas. The `premium` column is
/// written only when the practices had one: its mere presence changes who
/// takes premium services (SPEC §7), so a file without it must stay without.
pub fn write_practices<W: Write>(practices: &[Practice], out: W) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let to_io = |e: csv::Error| io::Error::other(e.to_string());
    let with_premium = practices
        .iter()
        .any(|p| p.premium != PremiumTakeUp::NoColumn);
    let keep = |name: &str| with_premium || name != "premium";
    w.write_record(COLUMNS.iter().filter(|n| keep(n)))
        .map_err(to_io)?;
    for p in practices {
        let premium = match &p.premium {
            PremiumTakeUp::NoColumn => String::new(),
            PremiumTakeUp::All => "all".to_owned(),
            PremiumTakeUp::Named(names) => names.join(";"),
        };
        let record = [
            neutralise(&p.practice_code).into_owned(),
            neutralise(&p.practice_name).into_owned(),
            p.contract.to_string(),
            neutralise(&p.group).into_owned(),
            p.list_exeter.to_string(),
            opt(p.list_practice),
            opt(p.ghosts),
            opt(p.list_funded),
            opt(p.weighted_list),
            p.global_sum.to_string(),
            p.mpig.to_string(),
            p.pms_baseline.to_string(),
            p.qof.to_string(),
            p.des.to_string(),
            p.nes.to_string(),
            p.les.to_string(),
            p.other.to_string(),
            p.mpig_equivalent.to_string(),
            p.superannuation.to_string(),
            neutralise(&premium).into_owned(),
            neutralise(p.close_date.as_deref().unwrap_or("")).into_owned(),
        ];
        let record = record
            .iter()
            .zip(COLUMNS)
            .filter(|(_, name)| keep(name))
            .map(|(v, _)| v);
        w.write_record(record).map_err(to_io)?;
    }
    w.flush()
}
