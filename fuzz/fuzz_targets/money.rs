//! Fuzz target `money`: see `rebase_fuzz::money` and FUZZING.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rebase_fuzz::money(data);
});
