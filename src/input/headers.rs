//! Header matching: case-insensitive, ignoring spaces, underscores,
//! punctuation and `£` (SPEC §2), and telling a misspelt column from an
//! unknown one (SPEC §9.1).

/// The comparable form of a header: lowercase ASCII letters and digits only.
#[must_use]
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Shortest known name (normalised) that two edits may still be a typo of:
/// `notes` is two edits from `nes`, and is not a misspelling of it.
const TWO_EDITS_FROM: usize = 8;

/// Whether a normalised header is a likely typo of a normalised known name
/// (SPEC §9.1): one edit away (a letter added, dropped or changed, or two
/// adjacent letters swapped), or two edits away from a name of eight
/// letters or more. An exact match is not a typo.
#[must_use]
pub fn likely_typo(header: &str, known: &str) -> bool {
    match edit_distance(header, known) {
        1 => true,
        2 => known.chars().count() >= TWO_EDITS_FROM,
        _ => false,
    }
}

/// The optimal string alignment (restricted Damerau-Levenshtein) distance:
/// insertions, deletions, substitutions and swaps of adjacent letters each
/// count one. Rows are kept three at a time; headers are short.
#[must_use]
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new(); // row i - 1
    let mut above: Vec<usize> = (0..=b.len()).collect(); // row i
    for (i, &x) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, &y) in b.iter().enumerate() {
            let at = |r: &[usize], k: usize| r.get(k).copied().unwrap_or(usize::MAX - 1);
            let mut best = (at(&row, j) + 1)
                .min(at(&above, j + 1) + 1)
                .min(at(&above, j) + usize::from(x != y));
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&y) && b.get(j - 1) == Some(&x);
            if swapped {
                best = best.min(at(&before, j - 1) + 1);
            }
            row.push(best);
        }
        before = std::mem::replace(&mut above, row);
    }
    above.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_case_spaces_and_punctuation() {
        assert_eq!(normalize("List Exeter"), "listexeter");
        assert_eq!(normalize("list_exeter"), "listexeter");
        assert_eq!(normalize("GlobalSum_£"), "globalsum");
        assert_eq!(normalize("Appraisal Costs "), "appraisalcosts");
        assert_eq!(normalize("PRACTICE-CODE"), "practicecode");
    }

    #[test]
    fn counts_each_edit_once() {
        let cases = [
            ("", "", 0),
            ("", "nes", 3),
            ("nes", "nes", 0),
            ("pmsbasline", "pmsbaseline", 1),   // dropped
            ("pmsbaseeline", "pmsbaseline", 1), // added
            ("pmsbaselina", "pmsbaseline", 1),  // changed
            ("pmsbaesline", "pmsbaseline", 1),  // swapped
            ("qfo", "qof", 1),
            ("notes", "nes", 2),
            ("weigtedlst", "weightedlist", 2),
            ("ca", "abc", 3), // OSA: no edit of a swapped pair
        ];
        for (a, b, d) in cases {
            assert_eq!(edit_distance(a, b), d, "{a} -> {b}");
            assert_eq!(edit_distance(b, a), d, "{b} -> {a}");
        }
    }

    #[test]
    fn two_edits_count_only_for_long_names() {
        assert!(likely_typo("pmsbasline", "pmsbaseline"));
        assert!(likely_typo("weigtedlst", "weightedlist"));
        assert!(likely_typo("des2", "des"));
        assert!(!likely_typo("notes", "nes"));
        assert!(!likely_typo("nes", "nes"));
        assert!(!likely_typo("ccgname", "practicename"));
    }
}
