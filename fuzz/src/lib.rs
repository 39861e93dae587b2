//! The paths the fuzz targets drive, shared with the regression tests
//! (`tests/fuzz_regressions.rs` includes `paths.rs` itself), so a crash
//! input replays through exactly the code that found it.

#[allow(clippy::missing_panics_doc)]
mod paths;

pub use paths::*;
