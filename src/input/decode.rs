//! Text decoding (SPEC §2, §9.7): UTF-8 with or without BOM, UTF-16 with a
//! BOM, else Windows-1252. UTF-32, and UTF-16 without a BOM, are refused
//! with a sentence that says so, never read as text full of NULs.
//!
//! Windows-1252 is a superset of ISO-8859-1's printable range, so NHS
//! Digital's ISO-8859-1 files (where `£` is the single byte 0xA3) decode the
//! same way. The whole file is decoded at once: it is within `--max-input`.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::error::DataError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16_LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16_BE_BOM: &[u8] = b"\xFE\xFF";
const UTF32_LE_BOM: &[u8] = b"\xFF\xFE\x00\x00";
const UTF32_BE_BOM: &[u8] = b"\x00\x00\xFE\xFF";
/// Bytes looked at to tell UTF-16 without a BOM.
const SNIFF: usize = 4096;
/// What to do instead, for every encoding refused.
const SAVE_AS: &str = "save it from Excel as \"CSV UTF-8 (comma delimited)\"";

/// Decodes a file's bytes to text; `source` names the file in messages.
pub fn decode<'a>(bytes: &'a [u8], source: &str) -> Result<Cow<'a, str>, DataError> {
    if bytes.starts_with(UTF32_LE_BOM) || bytes.starts_with(UTF32_BE_BOM) {
        return Err(DataError::file(
            source,
            format!("the file is UTF-32 text, which rebase does not read; {SAVE_AS}"),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(UTF16_LE_BOM) {
        return utf16(rest, UTF_16LE, source);
    }
    if let Some(rest) = bytes.strip_prefix(UTF16_BE_BOM) {
        return utf16(rest, UTF_16BE, source);
    }
    if looks_utf16(bytes) {
        return Err(DataError::file(
            source,
            format!(
                "the file looks like UTF-16 text without a byte-order mark (every other byte is NUL), which rebase cannot read safely; {SAVE_AS}"
            ),
        ));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    })
}

/// UTF-16 after its BOM (Excel's "Unicode text" is UTF-16LE).
fn utf16<'a>(
    bytes: &'a [u8],
    encoding: &'static Encoding,
    source: &str,
) -> Result<Cow<'a, str>, DataError> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            DataError::file(
                source,
                format!(
                    "the file starts with a UTF-16 byte-order mark but is not valid UTF-16 text; {SAVE_AS}"
                ),
            )
        })
}

/// Whether the start of a file is UTF-16 without a BOM: in most pairs of
/// bytes one byte, always the same one, is NUL (ASCII text as UTF-16).
/// Windows-1252 and UTF-8 text has no NUL, bar a stray one.
fn looks_utf16(bytes: &[u8]) -> bool {
    let sample = bytes.get(..SNIFF).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    let (mut first, mut second) = (0, 0);
    for pair in sample.chunks_exact(2) {
        match pair {
            [0, b] if *b != 0 => first += 1,
            [a, 0] if *a != 0 => second += 1,
            _ => {}
        }
    }
    pairs >= 2 && 2 * first.max(second) > pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        decode(bytes, "f").unwrap().into_owned()
    }

    fn refusal(bytes: &[u8]) -> String {
        decode(bytes, "f").unwrap_err().to_string()
    }

    #[test]
    fn reads_every_encoding() {
        assert_eq!(text(b"a,\xC2\xA3"), "a,£");
        assert_eq!(text(b"\xEF\xBB\xBFa,\xC2\xA3"), "a,£");
        assert_eq!(text(b"GlobalSum_\xA3"), "GlobalSum_£");
        assert_eq!(text(b"\xFF\xFEa\0,\0\xA3\0"), "a,£");
        assert_eq!(text(b"\xFE\xFF\0a\0,\0\xA3"), "a,£");
        assert_eq!(text(b"a\0b"), "a\0b"); // a stray NUL is the reader's to refuse
        assert_eq!(text(b""), "");
    }

    #[test]
    fn refuses_what_it_cannot_read_saying_why() {
        assert!(refusal(b"\xFF\xFE\0\0a\0\0\0").contains("UTF-32"));
        assert!(refusal(b"\0\0\xFE\xFF\0\0\0a").contains("UTF-32"));
        assert!(refusal(b"a\0,\0b\0\n\0").contains("UTF-16 text without a byte-order mark"));
        assert!(refusal(b"\0a\0,\0b\0\n").contains("UTF-16 text without a byte-order mark"));
        assert!(refusal(b"\xFF\xFEa\0b").contains("not valid UTF-16"));
    }
}
