//! The file system and standard streams: opening inputs (`-` is standard
//! input) and writing outputs atomically (temporary file in the same
//! folder, then rename; an existing file is kept unless `--force`).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

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

/// A destination checked before any work is written: refuses an existing
/// file without `--force` and refuses to write over an input.
#[derive(Debug)]
pub struct Destination {
    path: PathBuf,
    force: bool,
}

impl Destination {
    /// Checks a destination up front, so a refusal comes before any output.
    pub fn check(path: &Path, force: bool, inputs: &[&str]) -> Result<Destination, Error> {
        if path.is_dir() {
            return Err(Error::Output {
                path: path.into(),
                reason: "it is a directory".to_owned(),
            });
        }
        if path.exists() {
            let target = fs::canonicalize(path).ok();
            let clobbers_input = inputs
                .iter()
                .filter(|i| **i != "-")
                .any(|i| fs::canonicalize(i).ok().is_some_and(|c| Some(c) == target));
            if clobbers_input {
                return Err(Error::Output {
                    path: path.into(),
                    reason: "it is one of the inputs, and an input is never overwritten".to_owned(),
                });
            }
            if !force {
                return Err(Error::Output {
                    path: path.into(),
                    reason: "it already exists (use --force to replace it)".to_owned(),
                });
            }
        }
        Ok(Destination {
            path: path.to_owned(),
            force,
        })
    }

    /// The path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes through a temporary file in the same folder and renames it into
    /// place; any failure leaves neither the file nor the temporary behind.
    pub fn write(&self, body: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let fail = |e: &io::Error| Error::output(&self.path, e);
        let temp = tempfile::Builder::new()
            .prefix(".rebase-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| fail(&e))?;
        {
            let mut w = BufWriter::new(temp.as_file());
            body(&mut w).map_err(|e| fail(&e))?;
            w.flush().map_err(|e| fail(&e))?;
        }
        temp.as_file().sync_all().map_err(|e| fail(&e))?;
        set_readable(temp.path()).map_err(|e| fail(&e))?;
        let persisted = if self.force {
            temp.persist(&self.path)
        } else {
            temp.persist_noclobber(&self.path)
        };
        persisted.map_err(|e| fail(&e.error))?;
        Ok(())
    }
}

/// A temporary file is private (0600); the finished output is an ordinary
/// file, readable by others like any file a spreadsheet or editor writes.
#[cfg(unix)]
fn set_readable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_path: &Path) -> io::Result<()> {
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_failure_part_way_leaves_no_file_and_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out.csv");
        let dest = Destination::check(&path, false, &[]).unwrap();
        let err = dest
            .write(|w| {
                w.write_all(b"practice_code,core_now\nE1,1.00\n")?;
                Err(io::Error::other("disk full"))
            })
            .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }

    #[test]
    fn an_existing_file_is_kept_without_force_and_replaced_with_it() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out.csv");
        fs::write(&path, "old").unwrap();
        assert!(matches!(
            Destination::check(&path, false, &[]),
            Err(Error::Output { .. })
        ));
        Destination::check(&path, true, &[])
            .unwrap()
            .write(|w| w.write_all(b"new"))
            .unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(leftovers(tmp.path()), ["out.csv"]);
    }

    #[test]
    fn an_input_is_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("in.csv");
        fs::write(&path, "data").unwrap();
        let shown = path.to_str().unwrap();
        assert!(matches!(
            Destination::check(&path, true, &[shown]),
            Err(Error::Output { .. })
        ));
    }
}
