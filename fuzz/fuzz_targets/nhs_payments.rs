//! Fuzz target `nhs_payments`: see `rebase_fuzz::nhs_payments` and FUZZING.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rebase_fuzz::nhs_payments(data);
});
