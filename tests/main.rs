//! The one integration-test binary (ripgrep, just): one module per concern.

// Tests may panic: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cli;
mod common;
mod files_trust;
mod fixtures;
mod fuzz_regressions;
mod input_trust;
mod malformed;
mod national;
mod nhs_payments;
mod properties;
mod second_generation;
mod seeds;
mod sweep;
mod terminal;
mod trust;
mod variation;
mod workbook;
mod workflow;
mod xlsx_chart;
