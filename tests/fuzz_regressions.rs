//! Every crash the fuzz targets found (FUZZING.md lists them), replayed as a
//! test through exactly the code the target runs: `fuzz/src/paths.rs` is
//! bug is open; once `src/` is fixed the ignore goes and it guards the fix.
//!
//! Each input is the minimised one (`cargo fuzz tmin`), or a hand-made
//! equivalent that is easier to read, checked to fail the same way.

#[path = "../fuzz/src/paths.rs"]
#[allow(dead_code)]
mod paths;

// ---------------------------------------------------------------------------
// Target `practice_file`.
// ---------------------------------------------------------------------------

/// `list_funded` tiny against a large list: `core * list_used / list_funded`
/// overflowed a decimal in step 3 (src/calc/list.rs `corrected_core`), a
/// panic ("Division overflowed") instead of a data error. Both figures are
/// within the reader's bounds (list up to 1e9, 10 decimals; amount up to
/// 1e12). Fixed in 9c5130a: a list change beyond 1,000 times is a data error.
#[test]
fn list_correction_overflow_is_a_data_error_not_a_panic() {
    paths::practice_file(
        b"practice_code,contract,list_exeter,list_funded,pms_baseline\n\
P1,PMS,1000000000,0.0000000001,1000000000000\n",
    );
}

/// A quoted header name holding a line break was echoed raw in a data
/// error's column, so the `error:` sentence spanned two lines. Fixed in
/// 9c5130a (control characters are escaped in every message).
#[test]
fn header_with_a_line_break_gives_a_one_line_error() {
    paths::practice_file(b"practice_code,contract,\"list_\nexeter\"\nP1,PMS,x\n");
}

// ---------------------------------------------------------------------------
// Target `scenario`.
// ---------------------------------------------------------------------------

/// A TOML key or string value holding a line break (written `\n`) was
/// echoed raw in the scenario error, which then spanned two lines. Found by
/// hand while triaging the `money` crash below (same cause); fixed in
/// 9c5130a. The escape seed in `fuzz/seeds/scenario/` leads the fuzzer here.
#[test]
fn scenario_key_with_a_line_break_gives_a_one_line_error() {
    paths::scenario(b"\"a\\nb\" = 1\n");
}

#[test]
fn scenario_value_with_a_line_break_gives_a_one_line_error() {
    paths::scenario(b"[price]\nmethod = \"x\\ny\"\n");
}

// ---------------------------------------------------------------------------
// Target `money` (the flags' parsers).
// ---------------------------------------------------------------------------

/// A flag value holding a line break (`--by $'\n'`, `--premium $'\n1'`)
/// was echoed raw in the error, which then spanned two lines. Fixed in 9c5130a.
#[test]
fn flag_value_with_a_line_break_gives_a_one_line_error() {
    paths::money(b"\n");
}

/// A price or amount of 27 or more digits cannot be held with two decimals
/// (a decimal has 28 significant digits), so `round_penny` silently leaves
/// fewer: `Money::from_str("999999999999999999999999999")` has scale 1 and
/// prints `999999999999999999999999999.0`, breaking "a Money always has two
/// decimals". Reachable from the command line: `rebase solve P --saving
/// 3303333333333523313737886688.9 --json` prints `"required_saving":
/// "3303333333333523313737886688.9"` (the goal's `saving` key is bounded
/// at 1e15; `--saving` is not).
#[test]
fn money_beyond_27_digits_keeps_two_decimals_or_is_refused() {
    paths::money(b"999999999999999999999999999");
}
