//! "Did you mean …?" for misspelt names.

/// The candidate closest to `input`, if any is close enough. Uses clap's
/// rule (Jaro similarity above 0.7, best wins), which does not mistake a
/// long shared prefix for a match.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro(&input, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A hint sentence: "did you mean `x`?", or `None`.
pub fn hint<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(input, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested() {
        let fields = ["title", "shortcut", "tags", "category"];
        assert_eq!(did_you_mean("tittle", fields), Some("title"));
        assert_eq!(did_you_mean("Catgory", fields), Some("category"));
        assert_eq!(did_you_mean("zzz", fields), None);
    }
}
