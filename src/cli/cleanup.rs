//! What a command must not leave behind (SPEC §9.4): its temporary files,
//! always, and the outputs it has put in place, when it fails or is
//! interrupted before it returns.
//!
//! One registry holds those paths. A thread waits for SIGINT and SIGTERM;
//! on either it deletes every path the registry holds and exits 130 or 143
//! (128 + the signal, as a shell reports it). A temporary is created and
//! registered, and an output renamed into place and registered, while the
//! registry is locked, so a signal is handled before such a step or after
//! it, never half-way through.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The paths to delete if the command fails or is interrupted.
#[derive(Debug)]
pub struct Registry {
    temporaries: Vec<PathBuf>,
    outputs: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    temporaries: Vec::new(),
    outputs: Vec::new(),
    folders: Vec::new(),
});

/// The registry, locked. A panic elsewhere never makes it unusable: the
/// paths it holds are still the ones to delete.
pub fn lock() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Registry {
    /// A temporary file now exists.
    pub fn add_temporary(&mut self, path: &Path) {
        self.temporaries.push(path.to_owned());
    }

    /// A temporary file is gone (renamed into place, or deleted).
    pub fn forget_temporary(&mut self, path: &Path) {
        self.temporaries.retain(|p| p != path);
    }

    /// An output is in place, and goes again if the command does not finish.
    pub fn add_output(&mut self, path: &Path) {
        self.outputs.push(path.to_owned());
    }

    /// An output was removed again.
    pub fn forget_output(&mut self, path: &Path) {
        self.outputs.retain(|p| p != path);
    }

    /// A folder the command created; it is removed with the rest if empty.
    pub fn add_folder(&mut self, path: &Path) {
        self.folders.push(path.to_owned());
    }

    /// The command failed or was interrupted: deletes every temporary and
    /// every output it put in place, then the folders it created if empty.
    pub fn delete_all(&mut self) {
        for path in self.temporaries.drain(..).chain(self.outputs.drain(..)) {
            let _ = std::fs::remove_file(path);
        }
        for folder in self.folders.drain(..).rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }

    /// The command finished: everything it wrote stays.
    pub fn keep_all(&mut self) {
        self.outputs.clear();
        self.folders.clear();
    }
}

/// Starts the thread that turns SIGINT and SIGTERM into a clean exit. If
/// the handlers cannot be installed, the signals keep their default action.
pub fn watch_signals() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // The lock is held until the process ends: no other thread can
            // put a file in place after the deletion.
            let mut registry = lock();
            registry.delete_all();
            std::process::exit(128 + signal);
        }
    });
}
