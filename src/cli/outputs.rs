//! Output files (SPEC §5, §9.4). A command first builds a [`Plan`] of every
//! file it will write, checked before the first byte is written: an output
//! is never a file the command reads, nor another of its outputs, whatever
//! the spelling (files are compared by device and inode, a name not yet
//! taken by its folder's device and inode and the name); `--force` replaces
//! a regular file only, never a symbolic link, a device, a pipe or a folder.
//!
//! Each output is then written to a temporary file beside it (`stage`) and
//! renamed into place when the command has written them all (`commit`), so
//! a failure or an interrupt leaves no output and no temporary
//! (`cli::cleanup`). A new file gets the process's umask; a replaced file
//! keeps its mode.

use std::ffi::OsString;
use std::fs::{self, File, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::cli::cleanup::{self, Registry};
use crate::error::Error;

/// Whether `-o PATH` means standard output: `-`, `/dev/stdout` or
/// `/dev/fd/1` (its other spelling), which is written to, never replaced.
pub fn is_stdout(path: &Path) -> bool {
    ["-", "/dev/stdout", "/dev/fd/1"]
        .iter()
        .any(|name| path == Path::new(name))
}

/// The file an `-o` names, or `None` for standard output.
pub fn file_output(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| !is_stdout(p))
}

/// Which file a path names, whatever its spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file: its device and inode.
    File(u64, u64),
    /// A name not yet taken: its folder's device and inode, and the name.
    New(u64, u64, OsString),
}

impl Identity {
    fn of(meta: &fs::Metadata) -> Identity {
        Identity::File(meta.dev(), meta.ino())
    }
}

/// Every output of one command, checked against its inputs and each other.
#[derive(Debug)]
pub struct Plan {
    force: bool,
    inputs: Vec<Identity>,
    outputs: Vec<(String, Identity)>,
}

impl Plan {
    /// A plan for a command that reads `inputs` (`-` is standard input; a
    /// file that cannot be found is left to the reading to report).
    pub fn new<P: AsRef<Path>>(inputs: &[P], force: bool) -> Plan {
        let inputs = inputs
            .iter()
            .filter_map(|p| {
                let p = p.as_ref();
                let p = if p == Path::new("-") {
                    Path::new("/dev/stdin")
                } else {
                    p
                };
                fs::metadata(p).ok().map(|m| Identity::of(&m))
            })
            .collect();
        Plan {
            force,
            inputs,
            outputs: Vec::new(),
        }
    }

    /// Adds one output, named `what` in messages (`-o`, `--savings`), and
    /// checks it: an input is never replaced (exit 73), two outputs never
    /// name one file (usage, exit 2), only a regular file is replaced and
    /// only with `--force` (exit 73).
    pub fn output(&mut self, what: &str, path: &Path) -> Result<Destination, Error> {
        let refuse = |reason: &str| Error::Output {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let found = Found::at(path)?;
        if let Some(id) = &found.identity {
            if self.inputs.contains(id) {
                return Err(refuse(
                    "it is one of the inputs, and an input is never overwritten",
                ));
            }
            if let Some((first, _)) = self.outputs.iter().find(|(_, o)| o == id) {
                return Err(Error::Usage(format!(
                    "{first} and {what} name the same file {}; give them different files",
                    path.display()
                )));
            }
        }
        found.kind.replaceable(self.force).map_err(refuse)?;
        if let Some(id) = found.identity {
            self.outputs.push((what.to_owned(), id));
        }
        Ok(Destination {
            path: path.to_owned(),
            force: self.force,
        })
    }
}

/// What is at an output's path now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Missing,
    Regular,
    Symlink,
    Folder,
    Other,
}

impl Kind {
    /// Looks without following a symbolic link.
    fn at(path: &Path) -> io::Result<(Kind, Option<fs::Metadata>)> {
        let meta = match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Kind::Missing, None)),
            other => other?,
        };
        let t = meta.file_type();
        let kind = if t.is_symlink() {
            Kind::Symlink
        } else if t.is_dir() {
            Kind::Folder
        } else if t.is_file() {
            Kind::Regular
        } else {
            Kind::Other
        };
        Ok((kind, Some(meta)))
    }

    /// Whether an output may be put here; if not, why.
    fn replaceable(self, force: bool) -> Result<(), &'static str> {
        match self {
            Kind::Missing => Ok(()),
            Kind::Regular if force => Ok(()),
            Kind::Regular => Err("it already exists (use --force to replace it)"),
            Kind::Folder => Err("it is a directory"),
            Kind::Symlink => {
                Err("it is a symbolic link, and an output never replaces or writes through one")
            }
            Kind::Other => Err(
                "it is not a regular file (a device, pipe or socket), and an output only ever replaces a regular file",
            ),
        }
    }
}

/// An output's path as found when the plan is made.
struct Found {
    kind: Kind,
    /// `None` for a symbolic link that leads nowhere.
    identity: Option<Identity>,
}

impl Found {
    fn at(path: &Path) -> Result<Found, Error> {
        let (kind, meta) = Kind::at(path).map_err(|e| Error::output(path, &e))?;
        let identity = match (kind, meta) {
            (Kind::Missing, _) => Some(new_identity(path)?),
            // A link is compared by what it leads to.
            (Kind::Symlink, _) => fs::metadata(path).ok().map(|m| Identity::of(&m)),
            (_, Some(m)) => Some(Identity::of(&m)),
            (_, None) => None,
        };
        Ok(Found { kind, identity })
    }
}

/// The folder a new output goes into (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A name not yet taken: its folder, which must exist, and the name.
fn new_identity(path: &Path) -> Result<Identity, Error> {
    let folder = folder_of(path);
    let refuse = |reason: String| Error::Output {
        path: path.to_owned(),
        reason,
    };
    let meta = match fs::metadata(folder) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(refuse(format!(
                "the folder {} does not exist",
                folder.display()
            )));
        }
        Err(e) => return Err(Error::output(path, &e)),
    };
    if !meta.is_dir() {
        return Err(refuse(format!("{} is not a folder", folder.display())));
    }
    let name = path
        .file_name()
        .ok_or_else(|| refuse("it names no file".to_owned()))?;
    Ok(Identity::New(meta.dev(), meta.ino(), name.to_owned()))
}

/// One checked output of a [`Plan`].
#[derive(Debug)]
pub struct Destination {
    path: PathBuf,
    force: bool,
}

impl Destination {
    /// The path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the output to a temporary file beside it; nothing is in place
    /// until [`commit`]. A replaced file's mode is the temporary's from the
    /// start, so a private file is never readable by others, even briefly.
    pub fn stage(
        &self,
        body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Staged, Error> {
        let fail = |e: &io::Error| Error::output(&self.path, e);
        let (kind, meta) = Kind::at(&self.path).map_err(|e| fail(&e))?;
        let kept = match (kind, meta) {
            (Kind::Regular, Some(m)) => Some(m.permissions().mode() & 0o777),
            _ => None,
        };
        let (temp, file) = Temporary::create(folder_of(&self.path), kept).map_err(|e| fail(&e))?;
        let mut w = BufWriter::new(file);
        body(&mut w).map_err(|e| fail(&e))?;
        w.flush().map_err(|e| fail(&e))?;
        // Closed here: a batch may hold thousands staged at once. It is made
        // durable before it is renamed into place ([`commit`], [`sync_together`]).
        Ok(Staged {
            temp,
            path: self.path.clone(),
            force: self.force,
            synced: false,
        })
    }

    /// Stages and commits this output alone.
    pub fn write(&self, body: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
        commit(vec![self.stage(body)?])
    }
}

/// A temporary file known to the cleanup registry while it exists.
struct Temporary {
    path: Option<TempPath>,
}

impl Temporary {
    /// `.rebase-XXXXXX.tmp` in `folder`: mode 0666 less the umask for a new
    /// output, or exactly the mode of the file it will replace. Returns the
    /// file open for writing.
    fn create(folder: &Path, kept: Option<u32>) -> io::Result<(Temporary, File)> {
        let mut registry = cleanup::lock();
        let file = tempfile::Builder::new()
            .prefix(".rebase-")
            .suffix(".tmp")
            .permissions(Permissions::from_mode(kept.unwrap_or(0o666)))
            .tempfile_in(folder)?;
        registry.add_temporary(file.path());
        let (file, path) = file.into_parts();
        let temp = Temporary { path: Some(path) };
        drop(registry);
        if let Some(mode) = kept {
            // The umask may have narrowed the mode at creation: set it whole.
            file.set_permissions(Permissions::from_mode(mode))?;
        }
        Ok((temp, file))
    }

    /// Takes the path out, so dropping this no longer touches the registry.
    fn take(mut self) -> Option<TempPath> {
        self.path.take()
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let mut registry = cleanup::lock();
            registry.forget_temporary(&path);
            // Dropping the path deletes the file.
            drop(path);
        }
    }
}

/// An output written in full to its temporary file, not yet in place.
pub struct Staged {
    temp: Temporary,
    path: PathBuf,
    force: bool,
    /// Already durable ([`sync_together`]).
    synced: bool,
}

/// Makes many staged outputs durable at once, before they are committed:
/// one `syncfs` of each folder's filesystem instead of an `fsync` per file
/// (a batch's thousand files: one flush, not a thousand journal commits).
pub fn sync_together(staged: &mut [Staged]) -> Result<(), Error> {
    let mut done: Vec<u64> = Vec::new();
    for s in staged.iter_mut() {
        let folder = folder_of(&s.path);
        let fail = |e: &io::Error| Error::output(&s.path, e);
        let dir = File::open(folder).map_err(|e| fail(&e))?;
        let dev = dir.metadata().map_err(|e| fail(&e))?.dev();
        if !done.contains(&dev) {
            rustix::fs::syncfs(&dir).map_err(|e| fail(&e.into()))?;
            done.push(dev);
        }
        s.synced = true;
    }
    Ok(())
}

impl Staged {
    /// Makes this output's content durable on its own (`fsync`).
    fn sync(&self) -> Result<(), Error> {
        let fail = |e: &io::Error| Error::output(&self.path, e);
        let path = self.temp.path.as_deref().ok_or_else(|| Error::Output {
            path: self.path.clone(),
            reason: "the temporary file is gone".to_owned(),
        })?;
        File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| fail(&e))
    }
}

/// What becomes of a committed output if the command then fails or is
/// interrupted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Afterwards {
    /// It is removed: the command leaves all its outputs or none.
    Removed,
    /// It stays (`batch` keeps the scenarios that succeeded).
    Kept,
}

/// Renames every staged output into place, the command's last step. If one
/// cannot be, those already in place are removed again; an interrupt before
/// the command returns removes them too.
pub fn commit(staged: Vec<Staged>) -> Result<(), Error> {
    commit_then(staged, Afterwards::Removed)
}

/// [`commit`], choosing what a later failure or interrupt does.
pub fn commit_then(staged: Vec<Staged>, afterwards: Afterwards) -> Result<(), Error> {
    // Out of their wrappers first: nothing below may lock the registry twice.
    for s in staged.iter().filter(|s| !s.synced) {
        s.sync()?;
    }
    let ready: Vec<(Option<TempPath>, PathBuf, bool)> = staged
        .into_iter()
        .map(|s| (s.temp.take(), s.path, s.force))
        .collect();
    let mut registry = cleanup::lock();
    let mut placed: Vec<PathBuf> = Vec::new();
    let mut result = Ok(());
    for (file, path, force) in ready {
        let Some(file) = file else { continue };
        registry.forget_temporary(&file);
        if result.is_ok() {
            result = place(file, &path, force, &mut registry, afterwards);
            if result.is_ok() {
                placed.push(path);
            }
        }
    }
    if result.is_err() {
        for path in placed {
            let _ = fs::remove_file(&path);
            registry.forget_output(&path);
        }
    }
    result
}

/// Renames one temporary into place, refusing once more anything but a
/// regular file (it may have changed since the plan was made).
fn place(
    file: TempPath,
    path: &Path,
    force: bool,
    registry: &mut Registry,
    afterwards: Afterwards,
) -> Result<(), Error> {
    let (kind, _) = Kind::at(path).map_err(|e| Error::output(path, &e))?;
    kind.replaceable(force).map_err(|reason| Error::Output {
        path: path.to_owned(),
        reason: reason.to_owned(),
    })?;
    let persisted = if force {
        file.persist(path)
    } else {
        file.persist_noclobber(path)
    };
    persisted.map_err(|e| Error::output(path, &e.error))?;
    if afterwards == Afterwards::Removed {
        registry.add_output(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn plan(force: bool) -> Plan {
        Plan::new::<&str>(&[], force)
    }

    #[test]
    fn a_failure_part_way_leaves_no_file_and_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out.csv");
        let dest = plan(false).output("-o", &path).unwrap();
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
            plan(false).output("-o", &path),
            Err(Error::Output { .. })
        ));
        plan(true)
            .output("-o", &path)
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
        assert!(matches!(
            Plan::new(&[&path], true).output("-o", &path),
            Err(Error::Output { .. })
        ));
    }

    #[test]
    fn a_rename_that_fails_takes_back_the_outputs_already_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a.csv"), tmp.path().join("b.csv"));
        let mut plan = plan(true);
        let staged = vec![
            plan.output("-o", &a)
                .unwrap()
                .stage(|w| w.write_all(b"a"))
                .unwrap(),
            plan.output("--savings", &b)
                .unwrap()
                .stage(|w| w.write_all(b"b"))
                .unwrap(),
        ];
        // Something takes b's place between the plan and the rename.
        fs::create_dir(&b).unwrap();
        let err = commit(staged).unwrap_err();
        assert!(err.to_string().contains("directory"), "{err}");
        assert_eq!(leftovers(tmp.path()), ["b.csv"], "a.csv is taken back");
    }

    #[test]
    fn outputs_synced_together_are_committed_whole_and_dropped_ones_leave_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let mut plan = plan(false);
        let mut staged: Vec<Staged> = ["a.csv", "b.csv", "c.csv"]
            .iter()
            .map(|name| {
                let dest = plan.output("-o", &tmp.path().join(name)).unwrap();
                dest.stage(|w| w.write_all(name.as_bytes())).unwrap()
            })
            .collect();
        sync_together(&mut staged).unwrap();
        assert!(staged.iter().all(|s| s.synced));
        let dropped = staged.pop();
        drop(dropped);
        commit_then(staged, Afterwards::Kept).unwrap();
        assert_eq!(leftovers(tmp.path()), ["a.csv", "b.csv"]);
        assert_eq!(
            fs::read_to_string(tmp.path().join("b.csv")).unwrap(),
            "b.csv"
        );
    }

    #[test]
    fn two_spellings_of_a_new_name_are_one_file() {
        let tmp = tempfile::tempdir().unwrap();
        let mut plan = plan(false);
        plan.output("-o", &tmp.path().join("out.csv")).unwrap();
        let again = tmp.path().join(".").join("out.csv");
        assert!(matches!(
            plan.output("--savings", &again),
            Err(Error::Usage(_))
        ));
    }
}
