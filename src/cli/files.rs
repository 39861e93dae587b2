//! The file system and standard streams: opening inputs (`-` is standard
//! input) and writing to standard output. Output files are `cli::outputs`.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use crate::error::Error;
use crate::input::{Input, read_input};
use crate::scenario::Scenario;
use crate::scenario::file::parse_scenario;

/// Reads an input file's bytes; returns them with the name used in messages.
pub fn read_bytes(path: &str) -> Result<(Vec<u8>, String), Error> {
    if path == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::open("<stdin>", &e))?;
        return Ok((bytes, "<stdin>".to_owned()));
    }
    if Path::new(path).is_dir() {
        return Err(Error::Open {
            path: path.into(),
            reason: "it is a directory, not a file".to_owned(),
        });
    }
    let bytes = fs::read(path).map_err(|e| Error::open(path, &e))?;
    Ok((bytes, path.to_owned()))
}

/// Reads a practice file or NHS payments file.
pub fn load_input(path: &str) -> Result<Input, Error> {
    let (bytes, source) = read_bytes(path)?;
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
            let bytes = fs::read(p).map_err(|e| Error::open(p, &e))?;
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

/// Writes to standard output; a closed pipe (`| head`) is success.
pub fn write_stdout(body: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    match body(&mut w).and_then(|()| w.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::output("<stdout>", &e)),
        _ => Ok(()),
    }
}
