//! Files (SPEC §9.4): an output is never a file the command reads, whatever
//! its spelling; every output of a command is checked before the first byte
//! is written; `--force` replaces a regular file only; `-o -` and
//! `-o /dev/stdout` are standard output; a failure or an interrupt leaves no
//! output and no temporary; new files get the umask and a replaced file
//! keeps its mode.
//!
//! Each case runs the real binary in a fresh folder holding a copy of the
//! Kensington & Chelsea fixture, with the folder as its working directory so
//! that relative spellings (`./out.csv`) mean what they say, and states what
//! must hold and what must be untouched: a snapshot of the folder (names,
//! kinds, bytes, modes) taken before the command is compared after it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{code, fixture};

// ---------------------------------------------------------------------------
// The harness.
// ---------------------------------------------------------------------------

/// A fresh folder with `practices.csv` and `scenario.toml` from the
/// Kensington & Chelsea fixture.
struct Folder {
    dir: tempfile::TempDir,
}

/// What a folder entry is, as far as a test cares.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File { bytes: Vec<u8>, mode: u32 },
    Link(PathBuf),
    Fifo,
    Dir(BTreeMap<String, Entry>),
    Other,
}

impl Folder {
    fn new() -> Folder {
        let folder = Folder {
            dir: tempfile::tempdir().unwrap(),
        };
        let kc = fixture("kensington-chelsea");
        for name in ["practices.csv", "scenario.toml"] {
            std::fs::copy(kc.join(name), folder.path(name)).unwrap();
        }
        folder
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root().join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.path(name), bytes).unwrap();
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    fn mode(&self, name: &str) -> u32 {
        std::fs::metadata(self.path(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    fn chmod(&self, name: &str, mode: u32) {
        std::fs::set_permissions(self.path(name), std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn symlink(&self, target: impl AsRef<Path>, name: &str) {
        std::os::unix::fs::symlink(target, self.path(name)).unwrap();
    }

    fn hard_link(&self, from: &str, name: &str) {
        std::fs::hard_link(self.path(from), self.path(name)).unwrap();
    }

    fn mkfifo(&self, name: &str) {
        let ok = Command::new("mkfifo")
            .arg(self.path(name))
            .status()
            .unwrap()
            .success();
        assert!(ok, "mkfifo {name}");
    }

    /// Every entry of the folder, recursively, without following links.
    fn snapshot(&self) -> BTreeMap<String, Entry> {
        snapshot(self.root())
    }

    /// The names in the folder that look like a temporary.
    fn temporaries(&self) -> Vec<String> {
        names(self.root())
            .into_iter()
            .filter(|n| n.starts_with(".rebase-"))
            .collect()
    }

    /// The binary, run in the folder.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rebase"));
        cmd.args(args).current_dir(self.root()).stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs through `sh -c 'umask U; exec rebase ARGS'`.
    fn run_with_umask(&self, umask: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_rebase"))
            .args(args)
            .current_dir(self.root())
            .stdin(Stdio::null());
        cmd.output().unwrap()
    }

    /// Runs a command that must fail with `exit` and leave the folder as it
    /// was; returns its one error line.
    fn refuses(&self, args: &[&str], exit: i32) -> String {
        let before = self.snapshot();
        let o = self.run(args);
        let line = error_line(&o, exit);
        same(&before, &self.snapshot(), &format!("{args:?}: {line}"));
        line
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    names(dir)
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let kind = meta.file_type();
            let entry = if kind.is_symlink() {
                Entry::Link(std::fs::read_link(&path).unwrap())
            } else if kind.is_fifo() {
                Entry::Fifo
            } else if kind.is_dir() {
                Entry::Dir(snapshot(&path))
            } else if kind.is_file() {
                Entry::File {
                    bytes: std::fs::read(&path).unwrap(),
                    mode: meta.permissions().mode() & 0o777,
                }
            } else {
                Entry::Other
            };
            (name, entry)
        })
        .collect()
}

/// Asserts that two snapshots agree, naming the entries that differ.
fn same(before: &BTreeMap<String, Entry>, after: &BTreeMap<String, Entry>, context: &str) {
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.is_empty(), "changed: {changed:?} ({context})");
}

/// Asserts the exit code and returns standard error's one line (warnings
/// aside), which starts `error: `; never a panic, nothing on standard output.
fn error_line(o: &Output, exit: i32) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !err.contains("panicked"),
        "a panic reached the user:\n{err}"
    );
    assert_eq!(code(o), exit, "exit code; stderr:\n{err}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("warning: "))
        .collect();
    assert_eq!(lines.len(), 1, "exactly one error line:\n{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(o.stdout.is_empty(), "nothing on standard output");
    lines[0].to_owned()
}

fn succeeds(o: &Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(o), 0, "{err}");
    assert!(!err.contains("error:"), "{err}");
}

fn has(line: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(line.contains(w), "`{w}` is not in: {line}");
    }
}

const RUN: [&str; 4] = ["run", "practices.csv", "-s", "scenario.toml"];

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = RUN.to_vec();
    args.extend_from_slice(extra);
    args
}

// ---------------------------------------------------------------------------
// An output is never a file the command reads, nor another of its outputs.
// ---------------------------------------------------------------------------

#[test]
fn savings_naming_the_output_in_any_spelling_is_a_usage_error() {
    // The case: out.csv does not exist yet, so no resolved path
    // could be compared; the folder and the name can.
    let f = Folder::new();
    let line = f.refuses(
        &run_args(&["-o", "out.csv", "--savings", "./out.csv", "--force"]),
        2,
    );
    has(&line, &["-o", "--savings", "out.csv"]);
    for spelling in ["sub/../out.csv", "link.csv", "hard.csv", "./out.csv"] {
        let f = Folder::new();
        f.write("out.csv", b"kept\n");
        std::fs::create_dir(f.path("sub")).unwrap();
        f.symlink("out.csv", "link.csv");
        f.hard_link("out.csv", "hard.csv");
        let line = f.refuses(
            &run_args(&["-o", "out.csv", "--savings", spelling, "--force"]),
            2,
        );
        has(&line, &["-o", "--savings"]);
    }
}

#[test]
fn an_output_is_never_an_input_whatever_its_spelling() {
    for (target, exit) in [
        ("./practices.csv", 73),
        ("hard-practices.csv", 73),
        ("link-practices.csv", 73),
        ("hard-scenario.csv", 73),
    ] {
        let f = Folder::new();
        f.hard_link("practices.csv", "hard-practices.csv");
        f.symlink("practices.csv", "link-practices.csv");
        f.hard_link("scenario.toml", "hard-scenario.csv");
        let line = f.refuses(&run_args(&["-o", target, "--force"]), exit);
        has(&line, &[target]);
        let line = f.refuses(
            &run_args(&["-f", "csv", "--savings", target, "--force"]),
            exit,
        );
        has(&line, &[target]);
    }
}

#[test]
fn batch_never_overwrites_a_scenario_it_reads() {
    // The case: a scenario whose output name is the scenario itself.
    let f = Folder::new();
    std::fs::create_dir(f.path("dir")).unwrap();
    std::fs::copy(f.path("scenario.toml"), f.path("dir/s.csv")).unwrap();
    let line = f.refuses(
        &[
            "batch",
            "practices.csv",
            "dir/s.csv",
            "--out",
            "dir",
            "--force",
        ],
        73,
    );
    has(&line, &["s.csv"]);
    // Another scenario's output, by a hard link.
    let f = Folder::new();
    std::fs::create_dir(f.path("dir")).unwrap();
    std::fs::copy(f.path("scenario.toml"), f.path("a.toml")).unwrap();
    std::fs::copy(f.path("scenario.toml"), f.path("b.toml")).unwrap();
    f.hard_link("b.toml", "dir/a.csv");
    let line = f.refuses(
        &[
            "batch",
            "practices.csv",
            "a.toml",
            "b.toml",
            "--out",
            "dir",
            "--force",
        ],
        73,
    );
    has(&line, &["a.csv"]);
    // comparison.csv, by a hard link to a scenario or as the practice file.
    let f = Folder::new();
    std::fs::create_dir(f.path("dir")).unwrap();
    f.hard_link("scenario.toml", "dir/comparison.csv");
    let line = f.refuses(
        &[
            "batch",
            "practices.csv",
            "scenario.toml",
            "--out",
            "dir",
            "--force",
        ],
        73,
    );
    has(&line, &["comparison.csv"]);
    std::fs::remove_file(f.path("dir/comparison.csv")).unwrap();
    f.hard_link("practices.csv", "dir/comparison.csv");
    f.refuses(
        &[
            "batch",
            "dir/comparison.csv",
            "scenario.toml",
            "--out",
            "dir",
            "--force",
        ],
        73,
    );
}

#[test]
fn every_output_is_checked_before_the_first_byte_is_written() {
    let f = Folder::new();
    let line = f.refuses(
        &run_args(&["-o", "out.csv", "--savings", "missing/s.csv"]),
        73,
    );
    has(&line, &["missing"]);
    // Replacing: the first output is not replaced either.
    f.write("out.csv", b"kept\n");
    f.refuses(
        &run_args(&["-o", "out.csv", "--savings", "missing/s.csv", "--force"]),
        73,
    );
    f.refuses(
        &[
            "sweep",
            "practices.csv",
            "--target",
            "80:90:1",
            "-o",
            "out.csv",
            "--chart",
            "missing/c.svg",
            "--force",
        ],
        73,
    );
    // A batch whose folder cannot hold one output writes none.
    std::fs::create_dir(f.path("dir")).unwrap();
    std::fs::create_dir(f.path("dir/comparison.csv")).unwrap();
    f.refuses(
        &["batch", "practices.csv", "scenario.toml", "--out", "dir"],
        73,
    );
}

// ---------------------------------------------------------------------------
// --force replaces a regular file only; standard output by name.
// ---------------------------------------------------------------------------

#[test]
fn force_never_replaces_a_symlink_or_a_device() {
    let f = Folder::new();
    f.write("target.csv", b"kept\n");
    f.symlink("target.csv", "link.csv");
    f.symlink("nowhere.csv", "dangling.csv");
    f.symlink("/dev/null", "null.csv");
    f.mkfifo("fifo.csv");
    for name in ["link.csv", "dangling.csv", "null.csv", "fifo.csv"] {
        for force in [true, false] {
            let mut args = run_args(&["-f", "csv", "-o", name]);
            if force {
                args.push("--force");
            }
            let line = f.refuses(&args, 73);
            has(&line, &[name]);
            let line = f.refuses(&run_args(&["-f", "csv", "--savings", name, "--force"]), 73);
            has(&line, &[name]);
        }
    }
    let line = f.refuses(&run_args(&["-o", "link.csv", "--force"]), 73);
    has(&line, &["symbolic link"]);
    let line = f.refuses(&run_args(&["-f", "csv", "-o", "fifo.csv", "--force"]), 73);
    has(&line, &["not a regular file"]);
}

#[test]
fn dash_and_dev_stdout_write_to_standard_output() {
    let expected = std::fs::read(fixture("kensington-chelsea").join("expected.csv")).unwrap();
    // The real /dev/stdout is only ever asked for without --force, so a
    // regression cannot replace it (this runs as root).
    for out in ["-", "/dev/stdout", "/dev/fd/1"] {
        let f = Folder::new();
        let before = f.snapshot();
        let o = f.run(&run_args(&["-f", "csv", "-o", out]));
        succeeds(&o);
        assert_eq!(o.stdout, expected, "-o {out} is standard output");
        same(&before, &f.snapshot(), &format!("-o {out} creates no file"));
    }
    // With no -f, `-o -` is the table, as without -o.
    let f = Folder::new();
    let o = f.run(&run_args(&["-o", "-"]));
    succeeds(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("E87002"));
    assert_eq!(names(f.root()), ["practices.csv", "scenario.toml"]);
}

// ---------------------------------------------------------------------------
// Modes: the umask for a new file, the old mode for a replaced one.
// ---------------------------------------------------------------------------

#[test]
fn new_files_get_the_umask_and_a_replaced_file_keeps_its_mode() {
    for (umask, mode) in [("077", 0o600), ("027", 0o640), ("022", 0o644)] {
        let f = Folder::new();
        succeeds(&f.run_with_umask(umask, &run_args(&["-o", "out.csv", "--savings", "s.json"])));
        assert_eq!(f.mode("out.csv"), mode, "umask {umask}");
        assert_eq!(f.mode("s.json"), mode, "umask {umask}");
        succeeds(&f.run_with_umask(
            umask,
            &["batch", "practices.csv", "scenario.toml", "--out", "dir"],
        ));
        assert_eq!(f.mode("dir/scenario.csv"), mode, "umask {umask}");
        assert_eq!(f.mode("dir/comparison.csv"), mode, "umask {umask}");
    }
    for kept in [0o600, 0o640, 0o664] {
        let f = Folder::new();
        f.write("out.csv", b"old\n");
        f.chmod("out.csv", kept);
        succeeds(&f.run_with_umask("022", &run_args(&["-o", "out.csv", "--force"])));
        assert_eq!(f.mode("out.csv"), kept, "a {kept:o} file keeps its mode");
        assert_ne!(f.read("out.csv"), b"old\n");
    }
}

// ---------------------------------------------------------------------------
// Interrupts: a real process, a real signal.
// ---------------------------------------------------------------------------

/// A practice file of `n` practices: the fixture's rows, renumbered.
fn big_practice_file(path: &Path, n: usize) {
    let text =
        std::fs::read_to_string(fixture("kensington-chelsea").join("practices.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut out = String::with_capacity(n * 150);
    out.push_str(header);
    out.push('\n');
    for i in 0..n {
        let row = rows[i % rows.len()];
        let rest = &row[row.find(',').unwrap()..];
        writeln!(out, "P{i:07}{rest}").unwrap();
    }
    std::fs::write(path, out).unwrap();
}

/// Starts `rebase run big.csv -o out.csv --savings s.csv`, waits until its
/// temporary file appears (the output is being written), then sends
/// `signal`. Returns the exit code (-1 for death by the signal), or `None`
/// when the run finished first (the caller retries with a bigger file).
fn interrupt_while_writing(f: &Folder, signal: &str) -> Option<i32> {
    let mut child = f
        .command(&[
            "run",
            "big.csv",
            "-s",
            "scenario.toml",
            "-o",
            "out.csv",
            "--savings",
            "s.csv",
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let seen = loop {
        if !f.temporaries().is_empty() {
            break true;
        }
        if child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(120) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    if !seen {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    }
    let sent = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{signal}");
    let status = child.wait().unwrap();
    eprintln!(
        "SIG{signal} sent {:?} after the start, exit {:?}",
        start.elapsed(),
        status.code()
    );
    // Exit 0: the run finished between the look and the signal.
    status.code().map_or(Some(-1), |c| (c != 0).then_some(c))
}

#[test]
fn an_interrupt_leaves_no_output_and_no_temporary() {
    for (signal, exit) in [("INT", 130), ("TERM", 143)] {
        let f = Folder::new();
        let mut practices = 100_000;
        let got = loop {
            big_practice_file(&f.path("big.csv"), practices);
            if let Some(got) = interrupt_while_writing(&f, signal) {
                break got;
            }
            // The run outran the test: start again on a bigger file.
            for name in ["out.csv", "s.csv"] {
                let _ = std::fs::remove_file(f.path(name));
            }
            assert!(practices < 1_600_000, "never caught the run writing");
            practices *= 2;
        };
        assert_eq!(got, exit, "SIG{signal}");
        assert_eq!(
            names(f.root()),
            ["big.csv", "practices.csv", "scenario.toml"],
            "SIG{signal}: no output and no temporary remain"
        );
    }
}

#[test]
fn an_interrupted_batch_leaves_no_scenario_file_and_no_temporary() {
    // A batch's files are made durable together and put in place when every
    // scenario has run (docs/decisions.md, "Batch (issue 11)"): SIGINT
    // while scenarios are staged leaves neither them nor the folder it made.
    let f = Folder::new();
    big_practice_file(&f.path("big.csv"), 20_000);
    let mut args = vec!["batch".to_owned(), "big.csv".to_owned()];
    for i in 0..20 {
        let name = format!("s{i:02}.toml");
        std::fs::copy(f.path("scenario.toml"), f.path(&name)).unwrap();
        args.push(name);
    }
    args.extend(["--out", "out", "--threads", "1"].map(str::to_owned));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = f.command(&args).stderr(Stdio::null()).spawn().unwrap();
    let start = Instant::now();
    let out = f.path("out");
    let staged = |p: &Path| p.is_dir() && names(p).iter().any(|n| n.starts_with(".rebase-"));
    while !staged(&out) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before a scenario was seen staged"
        );
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no scenario was staged"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        names(&out).iter().all(|n| n.starts_with(".rebase-")),
        "{:?}",
        names(&out)
    );
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert!(!out.exists(), "{:?}", names(&out));
}

#[test]
fn bless_rewrites_every_expected_file_or_none() {
    let f = Folder::new();
    for dir in ["a", "b"] {
        std::fs::create_dir(f.path(dir)).unwrap();
        for name in ["practices.csv", "scenario.toml"] {
            std::fs::copy(f.path(name), f.path(&format!("{dir}/{name}"))).unwrap();
        }
        f.write(&format!("{dir}/expected.csv"), b"stale\n");
    }
    // b's scenario is broken: a's expected file is not rewritten either.
    f.write(
        "b/scenario.toml",
        b"[taper]\nschedule = [\"50%\", \"90%\"]\n",
    );
    let line = f.refuses(&["check", "--bless", "a", "b"], 2);
    has(&line, &["taper.schedule"]);
    f.write("b/scenario.toml", &f.read("scenario.toml"));
    succeeds(&f.run(&["check", "--bless", "a", "b"]));
    let expected = std::fs::read(fixture("kensington-chelsea").join("expected.csv")).unwrap();
    assert_eq!(f.read("a/expected.csv"), expected);
    assert_eq!(f.read("b/expected.csv"), expected);
}
