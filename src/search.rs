//! Finding responses by words: every word must match the title, shortcut,
//! tags or body; title and shortcut hits rank first.

use crate::response::Response;

/// A search query, split into lowercase words.
#[derive(Clone, Debug, Default)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    pub fn new(text: &str) -> Query {
        Query {
            words: text.split_whitespace().map(str::to_lowercase).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The response's score, or `None` when some word is missing.
    pub fn score(&self, r: &Response) -> Option<u32> {
        self.score_text(&SearchText::new(r))
    }

    /// Like [`Query::score`], on text lowercased ahead of time.
    pub fn score_text(&self, t: &SearchText) -> Option<u32> {
        let mut score = 0;
        for word in &self.words {
            score += if t.title.contains(word.as_str()) || t.shortcut.contains(word.as_str()) {
                if t.title
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == word)
                    || t.shortcut == *word
                {
                    4
                } else {
                    3
                }
            } else if t.tags.iter().any(|tag| tag.contains(word.as_str())) {
                2
            } else if t.body.contains(word.as_str()) {
                1
            } else {
                return None;
            };
        }
        Some(score)
    }
}

/// A response's searchable text, lowercased once.
#[derive(Clone, Debug, Default)]
pub struct SearchText {
    title: String,
    shortcut: String,
    tags: Vec<String>,
    body: String,
}

impl SearchText {
    pub fn new(r: &Response) -> SearchText {
        SearchText {
            title: r.title.to_lowercase(),
            shortcut: r.shortcut.clone().unwrap_or_default(),
            tags: r.tags.iter().map(|t| t.to_lowercase()).collect(),
            body: r.body.to_lowercase(),
        }
    }
}

/// Responses matching `query`, best first (ties by title).
pub fn search<'a>(
    responses: impl IntoIterator<Item = &'a Response>,
    query: &Query,
) -> Vec<&'a Response> {
    let mut hits: Vec<(u32, &Response)> = responses
        .into_iter()
        .filter_map(|r| Some((query.score(r)?, r)))
        .collect();
    hits.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| a.1.title.to_lowercase().cmp(&b.1.title.to_lowercase()))
    });
    hits.into_iter().map(|(_, r)| r).collect()
}
