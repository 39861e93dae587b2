//! The one integration-test binary (ripgrep, just): one module per concern.

// Tests may panic: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod fixtures;
mod seeds;
mod variation;
mod workflow;
