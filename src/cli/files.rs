//! The file system and standard streams: opening inputs (`-` is standard
//! input) and writing to standard output. Output files are `cli::outputs`.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use crate::error::Error;
use crate::input::bounds::{Bounds, read_bounded, read_sized};
use crate::input::{Input, read_input};
use crate::scenario::Scenario;
use crate::scenario::file::parse_scenario;

/// The name an input goes by in messages: `<stdin>` for `-`.
#[must_use]
pub fn shown_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

/// Reads an input file's bytes within `bounds` (SPEC §9.5); returns them
/// with the name used in messages. A regular file's size is checked before
/// it is read; a stream (standard input, `/dev/zero`) as it is read.
pub fn read_bytes(path: &str, bounds: Bounds) -> Result<(Vec<u8>, String), Error> {
    let source = shown_name(path).to_owned();
    if path == "-" {
        let bytes = read_bounded(io::stdin().lock(), bounds, &source)?;
        return Ok((bytes, source));
    }
    if Path::new(path).is_dir() {
        return Err(Error::Open {
            path: path.into(),
            reason: "it is a directory, not a file".to_owned(),
        });
    }
    let mut file = fs::File::open(path).map_err(|e| Error::open(path, &e))?;
    let size = file
        .metadata()
        .ok()
        .filter(fs::Metadata::is_file)
        .map_or(0, |m| m.len());
    let bytes = read_sized(&mut file, bounds, &source, size)?;
    Ok((bytes, source))
}

/// Reads a practice file or NHS payments file within `bounds`.
pub fn load_input(path: &str, bounds: Bounds) -> Result<Input, Error> {
    let (bytes, source) = read_bytes(path, bounds)?;
    Ok(read_input(&bytes, &source)?)
}

/// Reads a scenario file (or the defaults) and lays the flags over it.
pub fn load_scenario(
    path: Option<&Path>,
    overrides: &crate::scenario::overrides::ScenarioOverrides,
) -> Result<Scenario, Error> {
    let base = match path {
        None => Scenario::default(),
        Some(p) => {
            let shown = p.display().to_string();
            if p.is_dir() {
                return Err(Error::Open {
                    path: p.into(),
                    reason: "it is a directory, not a file".to_owned(),
                });
            }
            let bytes = read_small(p, MAX_SCENARIO, "scenario")?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::Usage(format!("scenario {shown} is not UTF-8 text")))?;
            let stem = p.file_stem().map_or_else(
                || "scenario".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
            parse_scenario(&text, &stem).map_err(|e| e.in_file(&shown))?
        }
    };
    Ok(base.with(overrides)?)
}

/// The largest scenario file read: 64 MiB, thousands of times a menu of
/// a hundred thousand premium services.
const MAX_SCENARIO: u64 = 64 << 20;

/// Reads a small file whole, refusing one over `max` bytes as it is read
/// (so `/dev/zero` or a stray data file costs `max`, not all the memory
/// there is); `what` names it in the message.
pub fn read_small(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, Error> {
    let file = fs::File::open(path).map_err(|e| Error::open(path, &e))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::open(path, &e))?;
    if bytes.len() as u64 > max {
        return Err(Error::Usage(format!(
            "{what} {} is larger than {} MiB, so it is not read",
            path.display(),
            max >> 20
        )));
    }
    Ok(bytes)
}

/// Writes to standard output; a closed pipe (`| head`) is success.
pub fn write_stdout(body: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    match body(&mut w).and_then(|()| w.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::output("<stdout>", &e)),
        _ => Ok(()),
    }
}
