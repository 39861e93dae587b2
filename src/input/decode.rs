//! Text decoding: UTF-8 with or without BOM, else Windows-1252 (SPEC §2).
//!
//! Windows-1252 is a superset of ISO-8859-1's printable range, so NHS
//! Digital's ISO-8859-1 files (where `£` is the single byte 0xA3) decode the
//! same way. The whole file is decoded at once: files are a few megabytes.

use std::borrow::Cow;

use encoding_rs::WINDOWS_1252;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a file's bytes to text.
#[must_use]
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_encoding() {
        assert_eq!(decode(b"a,\xC2\xA3"), "a,£");
        assert_eq!(decode(b"\xEF\xBB\xBFa,\xC2\xA3"), "a,£");
        assert_eq!(decode(b"GlobalSum_\xA3"), "GlobalSum_£");
    }
}
