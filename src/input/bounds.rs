//! Reading an input with bounds (SPEC §9.5): a file larger than
//! `--max-input`, or with a line longer than 1 MiB, is refused as it is
//! read, before it is held whole. So `/dev/zero`, or gigabytes without a
//! line break, cost a megabyte and a moment, not all the memory there is.

use std::io::{self, Read};

use crate::error::{DataError, Error};

/// The largest input read unless `--max-input` says otherwise: 2 GiB.
pub const DEFAULT_MAX_INPUT: u64 = 2 << 30;
/// The longest line of an input: 1 MiB, far beyond any practice's row.
pub const MAX_LINE: u64 = 1 << 20;
/// Bytes read at a time.
const CHUNK: usize = 64 << 10;

/// The limits an input is read within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Most bytes in the whole input (`--max-input`).
    pub max_input: u64,
    /// Most bytes in one line, its line break not counted.
    pub max_line: u64,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds {
            max_input: DEFAULT_MAX_INPUT,
            max_line: MAX_LINE,
        }
    }
}

impl Bounds {
    /// Refuses an input whose size is over `max_input`; a file's size is
    /// checked before any of it is read.
    pub fn check_size(&self, size: u64, source: &str) -> Result<(), DataError> {
        if size <= self.max_input {
            return Ok(());
        }
        Err(DataError::file(
            source,
            format!(
                "the file is larger than --max-input ({}), so it is not read (give a larger --max-input if it really is a practice file)",
                show_size(self.max_input)
            ),
        ))
    }
}

/// Reads all of `reader` within `bounds`, a chunk at a time. `size` is the
/// file's size when known (0 for a stream), checked first and used to
/// allocate once. An I/O failure is an `Open` error naming `source`.
pub fn read_bounded(mut reader: impl Read, bounds: Bounds, source: &str) -> Result<Vec<u8>, Error> {
    read_sized(&mut reader, bounds, source, 0)
}

/// [`read_bounded`] for a file whose size is known before it is read.
pub fn read_sized(
    reader: &mut impl Read,
    bounds: Bounds,
    source: &str,
    size: u64,
) -> Result<Vec<u8>, Error> {
    bounds.check_size(size, source)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut chunk = vec![0; CHUNK];
    let mut lines = LineScan::default();
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::open(source, &e)),
        };
        let got = chunk.get(..n).unwrap_or_default();
        bounds.check_size((bytes.len() + n) as u64, source)?;
        lines.feed(got, bounds.max_line, source)?;
        bytes.extend_from_slice(got);
    }
    Ok(bytes)
}

/// Where reading has got to: lines ended so far and the current line's length.
#[derive(Default)]
struct LineScan {
    ended: u64,
    current: u64,
}

impl LineScan {
    /// Follows a chunk through its line breaks; a line over `max_line` is
    /// refused, naming it.
    fn feed(&mut self, chunk: &[u8], max_line: u64, source: &str) -> Result<(), DataError> {
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', chunk) {
            self.current += (end - start) as u64;
            self.check(max_line, source)?;
            self.ended += 1;
            self.current = 0;
            start = end + 1;
        }
        self.current += chunk.len().saturating_sub(start) as u64;
        self.check(max_line, source)
    }

    /// Refuses the current line when it is over `max_line`.
    fn check(&self, max_line: u64, source: &str) -> Result<(), DataError> {
        if self.current <= max_line {
            return Ok(());
        }
        Err(DataError::file(
            source,
            format!(
                "the line is longer than {}, so this is not a practice file (is it binary, or text without line breaks?)",
                show_size(max_line)
            ),
        )
        .at_line(self.ended + 1))
    }
}

/// A size in words: `2 GiB`, `100 KiB`, `64 bytes`.
#[must_use]
pub fn show_size(bytes: u64) -> String {
    for (unit, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] {
        let one = 1_u64 << shift;
        if bytes >= one && bytes % one == 0 {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    if bytes == 1 {
        "1 byte".to_owned()
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a size as `--max-input` takes it: bytes, or a whole number with
/// `K`, `M` or `G` (binary: `KiB`, `KB` and `K` all mean 1,024 bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => {
            return Err(format!(
                "`{text}` is not a size (write bytes, or e.g. 500M or 2GiB)"
            ));
        }
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (write bytes, or e.g. 500M or 2GiB)"))?;
    match n.checked_mul(1 << shift) {
        Some(0) => Err("the size must be at least 1 byte".to_owned()),
        Some(size) => Ok(size),
        None => Err(format!("`{text}` is too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(max_input: u64, max_line: u64) -> Bounds {
        Bounds {
            max_input,
            max_line,
        }
    }

    #[test]
    fn reads_what_is_within_bounds() {
        let text = b"a,b\n1,2\n".repeat(10_000);
        let read = read_bounded(&text[..], Bounds::default(), "p.csv").unwrap();
        assert_eq!(read, text);
        let exact = read_bounded(&b"abc\nde"[..], bounds(6, 3), "p.csv").unwrap();
        assert_eq!(exact, b"abc\nde");
    }

    #[test]
    fn refuses_a_long_line_naming_it() {
        let err = read_bounded(&b"ab\nabc\nabcd\n"[..], bounds(100, 3), "p.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.csv, line 3: the line is longer than 3 bytes, so this is not a practice file (is it binary, or text without line breaks?)"
        );
        // A line that runs across chunks.
        let long = vec![b'x'; CHUNK * 3];
        let err = read_bounded(&long[..], bounds(u64::MAX, CHUNK as u64), "-").unwrap_err();
        assert!(err.to_string().starts_with("-, line 1: "), "{err}");
    }

    #[test]
    fn refuses_a_large_input_before_holding_it() {
        let err = read_bounded(io::repeat(b'\n'), bounds(1 << 20, 10), "z").unwrap_err();
        assert!(
            err.to_string().contains("larger than --max-input (1 MiB)"),
            "{err}"
        );
        let err = read_sized(&mut &b""[..], bounds(10, 10), "big.csv", 11).unwrap_err();
        assert!(err.to_string().contains("(10 bytes)"), "{err}");
    }

    #[test]
    fn reads_and_shows_sizes() {
        for (text, size) in [
            ("64", 64),
            ("100K", 100 << 10),
            ("2GiB", 2 << 30),
            ("2 gb", 2 << 30),
            ("500M", 500 << 20),
        ] {
            assert_eq!(parse_size(text), Ok(size), "{text}");
        }
        for bad in [
            "",
            "0",
            "lots",
            "2TB",
            "-1",
            "1.5G",
            "99999999999999999999G",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(show_size(2 << 30), "2 GiB");
        assert_eq!(show_size(100 << 10), "100 KiB");
        assert_eq!(show_size(1500), "1500 bytes");
        assert_eq!(show_size(1), "1 byte");
    }
}
