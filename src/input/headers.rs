//! Header matching: case-insensitive, ignoring spaces, underscores,
//! punctuation and `£` (SPEC §2).

/// The comparable form of a header: lowercase ASCII letters and digits only.
#[must_use]
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn ignores_case_spaces_and_punctuation() {
        assert_eq!(normalize("List Exeter"), "listexeter");
        assert_eq!(normalize("list_exeter"), "listexeter");
        assert_eq!(normalize("GlobalSum_£"), "globalsum");
        assert_eq!(normalize("Appraisal Costs "), "appraisalcosts");
        assert_eq!(normalize("PRACTICE-CODE"), "practicecode");
    }
}
