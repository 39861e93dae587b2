//! Reading a CSV file's rows on every core. The body (everything after the
//! header) is cut into pieces of about `PIECE` bytes at line breaks
//! outside quoted fields, which are record boundaries, so each piece can be
//! read by a reader of its own; the rows are handed back in file order, and
//! a piece's first error after the rows before it, so what a caller sees is
//! what one reader going through the file would have shown it.

use rayon::prelude::*;

use crate::error::DataError;
use crate::input::practices::csv_error_at;

/// Bytes in a piece, about: enough that starting a reader costs nothing.
const PIECE: usize = 1 << 18;

/// Pieces read at once: memory follows these, not the file.
const WINDOW: usize = 16;

/// One piece of a CSV body: its text and the file's line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// Whole records, each ending in a line break (but perhaps the last).
    pub text: &'a str,
    /// The line of the file its text starts on (1-based).
    pub line: u64,
}

/// The quoted fields of CSV text, in order, as the CSV rules find them: a
/// quote opens a quoted field only at the start of a field (`Dr O"Brien`
/// is text), and a doubled quote inside one is a literal quote. Each is
/// `(opening quote, closing quote)`, the closing one `None` when the text
/// ends first.
pub fn quoted_fields(bytes: &[u8]) -> impl Iterator<Item = (usize, Option<usize>)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let quote = at + memchr::memchr(b'"', bytes.get(at..)?)?;
            at = quote + 1;
            let field_start =
                quote == 0 || matches!(bytes.get(quote - 1), Some(b',' | b'\n' | b'\r'));
            if field_start {
                let close = closing_quote(bytes, at);
                at = close.map_or(bytes.len(), |c| c + 1);
                return Some((quote, close));
            }
        }
    })
}

/// The quote closing a quoted field whose text starts at `at`.
fn closing_quote(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let close = at + memchr::memchr(b'"', bytes.get(at..)?)?;
        if bytes.get(close + 1) == Some(&b'"') {
            at = close + 2; // a doubled quote: a literal one
        } else {
            return Some(close);
        }
    }
}

/// The text after the header `reader` has read from `text`, and its pieces.
pub fn body<'a>(
    reader: &csv::Reader<&[u8]>,
    text: &'a str,
    source: &str,
) -> Result<(&'a str, Vec<Piece<'a>>), DataError> {
    let start = usize::try_from(reader.position().byte()).ok();
    let (Some(at), Some(body)) = (start, start.and_then(|at| text.get(at..))) else {
        return Err(DataError::file(
            source,
            "the header ends inside a character",
        ));
    };
    // Counted in the whole text: the header may end on the `\r` of a `\r\n`.
    Ok((body, pieces(body, 1 + line_breaks(text.as_bytes(), 0, at))))
}

/// Line breaks in `text`.
fn newlines(text: &str) -> u64 {
    line_breaks(text.as_bytes(), 0, text.len())
}

/// The line breaks in `text[from..to]`, as an editor counts them: `\n`,
/// `\r\n` and a lone `\r` (the old Macintosh CSV) each end a line. A `\r`
/// at `to` - 1 followed by `\n` in `text` is half of one break, counted
/// with its `\n`.
#[must_use]
pub fn line_breaks(text: &[u8], from: usize, to: usize) -> u64 {
    let part = text.get(from..to).unwrap_or_default();
    let feeds = memchr::memchr_iter(b'\n', part).count();
    let lone_returns = memchr::memchr_iter(b'\r', part)
        .filter(|&i| text.get(from + i + 1) != Some(&b'\n'))
        .count();
    (feeds + lone_returns) as u64
}

/// Cuts `body`, which starts on line `line`, into pieces.
#[must_use]
pub fn pieces(body: &str, line: u64) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let (mut start, mut line) = (0, line);
    for cut in cuts(body.as_bytes()).into_iter().chain([body.len()]) {
        let Some(text) = body.get(start..cut).filter(|t| !t.is_empty()) else {
            continue;
        };
        out.push(Piece { text, line });
        line += newlines(text);
        start = cut;
    }
    out
}

/// Where pieces start: just after a line break that is outside every
/// quoted field, about every [`PIECE`] bytes.
fn cuts(bytes: &[u8]) -> Vec<usize> {
    let mut quoted = quoted_fields(bytes);
    let mut field = quoted.next();
    let mut cuts = Vec::new();
    let mut target = PIECE;
    while let Some(found) = bytes.get(target..).and_then(|b| memchr::memchr(b'\n', b)) {
        let line_break = target + found;
        // Quoted fields closed before the line break cannot hold it.
        while let Some((_, Some(close))) = field
            && close < line_break
        {
            field = quoted.next();
        }
        match field {
            Some((open, close)) if open < line_break => match close {
                Some(close) => target = close + 1, // inside a quoted field: look after it
                None => break,                     // a quote never closed holds the rest
            },
            _ => {
                cuts.push(line_break + 1);
                target = line_break + 1 + PIECE;
            }
        }
    }
    cuts
}

/// Reads every record of `pieces`, a window of pieces at a time in
/// parallel: `row` turns a record (with its line) into a row, or `None` to
/// skip it, and `sink` takes the rows in file order. A record without
/// `width` fields is an error, as is the first `row` or `sink` refuses.
pub fn read_rows<T: Send>(
    pieces: &[Piece<'_>],
    (width, source): (usize, &str),
    row: impl Fn(&csv::StringRecord, u64) -> Result<Option<T>, DataError> + Sync,
    mut sink: impl FnMut(T) -> Result<(), DataError>,
) -> Result<(), DataError> {
    for window in pieces.chunks(WINDOW) {
        let read: Vec<(Vec<T>, Option<DataError>)> = window
            .par_iter()
            .map(|piece| read_piece(*piece, (width, source), &row))
            .collect();
        for (rows, failure) in read {
            rows.into_iter().try_for_each(&mut sink)?;
            if let Some(e) = failure {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// One piece's rows, up to its first error.
fn read_piece<T>(
    piece: Piece<'_>,
    (width, source): (usize, &str),
    row: &impl Fn(&csv::StringRecord, u64) -> Result<Option<T>, DataError>,
) -> (Vec<T>, Option<DataError>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(piece.text.as_bytes());
    let mut lines = Lines::of(piece);
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return (rows, None),
            Err(e) => return (rows, Some(csv_error_at(&e, source, piece.line - 1))),
        }
        let line = lines.of_record(record.position().map_or(0, csv::Position::byte));
        if record.len() != width {
            let reason = format!(
                "the row has {} fields but the header has {width}",
                record.len()
            );
            return (rows, Some(DataError::file(source, reason).at_line(line)));
        }
        match row(&record, line) {
            Ok(Some(r)) => rows.push(r),
            Ok(None) => {}
            Err(e) => return (rows, Some(e)),
        }
    }
}

/// Counts the lines of a piece as its records are read. Each record's
/// line is that of its first character, counted here rather than taken
/// from the reader, whose line lags one behind after a CRLF (`\r\n`, how
/// Windows and the NHS publication end lines).
struct Lines<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl Lines<'_> {
    fn of(piece: Piece<'_>) -> Lines<'_> {
        Lines {
            text: piece.text.as_bytes(),
            counted_to: 0,
            line: piece.line,
        }
    }

    /// The line of the record the reader says starts at byte `at` (perhaps
    /// on the line break before it).
    fn of_record(&mut self, at: u64) -> u64 {
        let mut at = usize::try_from(at)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        if at > self.counted_to {
            self.line += line_breaks(self.text, self.counted_to, at);
            self.counted_to = at;
        }
        self.line
    }
}

/// Where the record a csv reader says starts at byte `at` of `text`
/// really starts: past the line break it may be left on.
fn first_character(text: &[u8], at: u64) -> usize {
    let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(text.len());
    while matches!(text.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    at
}

/// The line (1-based) of the record a csv reader over all of `text` read
/// at `position`, counted from the text as the readers count it.
#[must_use]
pub fn line_of(text: &[u8], position: Option<&csv::Position>) -> u64 {
    let at = first_character(text, position.map_or(0, csv::Position::byte));
    1 + line_breaks(text, 0, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<(&str, u64)> {
        pieces(body, 2)
            .into_iter()
            .map(|p| (p.text, p.line))
            .collect()
    }

    #[test]
    fn finds_quoted_fields_as_the_csv_rules_do() {
        let text = br#"a,"b,""c""",Dr O"Brien,"d
e""#;
        let fields: Vec<_> = quoted_fields(text).collect();
        assert_eq!(fields, vec![(2, Some(10)), (23, Some(27))]);
        assert_eq!(
            quoted_fields(b"x,\"open").collect::<Vec<_>>(),
            vec![(2, None)]
        );
    }

    #[test]
    fn cuts_only_at_line_breaks_outside_quotes() {
        // Rows of 100 bytes, then a quoted field holding the first line
        // break after PIECE bytes.
        let row = format!("{},1\n", "x".repeat(97));
        let mut body = row.repeat(PIECE / 100);
        let quoted = format!("\"{}\nfield\",2\n", "q".repeat(60));
        assert!(body.len() < PIECE && body.len() + 61 > PIECE);
        body.push_str(&quoted);
        body.push_str(&row.repeat(10));
        let got = texts(&body);
        assert_eq!(got.len(), 2);
        let (first, second) = (got[0], got[1]);
        assert_eq!(first.0.len() + second.0.len(), body.len());
        assert!(first.0.ends_with(&quoted));
        // The second piece starts on the line after the quoted field's two lines.
        assert_eq!(second.1, 2 + PIECE as u64 / 100 + 2);
    }

    #[test]
    fn an_unclosed_quote_keeps_the_rest_in_one_piece() {
        let row = format!("{},1\n", "x".repeat(97));
        let body = format!(
            "{}\"open,{}",
            row.repeat(PIECE / 100 - 1),
            row.repeat(PIECE / 50)
        );
        assert_eq!(texts(&body).len(), 1);
    }

    #[test]
    fn counts_line_breaks_as_an_editor_does() {
        let text = b"a\nb\r\nc\rd\r";
        assert_eq!(line_breaks(text, 0, text.len()), 4);
        // A part ending between the two bytes of a CRLF counts it once, with its LF.
        assert_eq!(line_breaks(text, 0, 3), 1);
        assert_eq!(
            line_breaks(text, 0, 4) + line_breaks(text, 4, text.len()),
            4
        );
    }

    #[test]
    fn small_and_empty_bodies() {
        assert_eq!(texts("a,1\nb,2\n"), vec![("a,1\nb,2\n", 2)]);
        assert!(texts("").is_empty());
    }
}
