//! Fuzz target `practice_file`: see `rebase_fuzz::practice_file` and FUZZING.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rebase_fuzz::practice_file(data);
});
