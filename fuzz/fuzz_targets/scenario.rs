//! Fuzz target `scenario`: see `rebase_fuzz::scenario` and FUZZING.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rebase_fuzz::scenario(data);
});
