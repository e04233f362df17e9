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

    pub fn words(&self) -> &[String] {
        &self.words
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

/// Where a token occurs in one response.
const TITLE: u8 = 1;
const SHORTCUT: u8 = 2;
const TAG: u8 = 4;
const BODY: u8 = 8;

/// Every response's searchable text cut into its distinct
/// whitespace-separated tokens, each with the responses it occurs in: a
/// search reads the tokens (a few hundred kilobytes) instead of every body
/// (megabytes), and gives what [`Query::score_text`] gives on each response.
///
/// It can, because a query word holds no whitespace: a text contains the
/// word exactly when one of its whitespace-separated tokens does. So the
/// responses whose body contains `refund` are those listed under the
/// tokens `refund`, `refunds,`, `(refund)`… and those are found by one
/// substring search over all the distinct tokens laid end to end.
#[derive(Debug, Default)]
pub struct WordIndex {
    /// The distinct tokens, each followed by `\n` (never inside a token).
    tokens: String,
    /// Where each token starts in `tokens`, in order.
    starts: Vec<u32>,
    /// Each token's postings: `response << 4 | fields`, by response.
    postings: Vec<u32>,
    /// Where each token's postings start; one more entry than tokens.
    posting_starts: Vec<u32>,
    /// Lowercase titles and shortcuts as written, for the exact-word rank.
    titles: Vec<String>,
    shortcuts: Vec<String>,
    len: usize,
}

impl WordIndex {
    pub fn new(texts: &[SearchText]) -> WordIndex {
        use std::collections::HashMap;
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut lists: Vec<Vec<u32>> = Vec::new();
        let mut tokens = String::new();
        let mut starts = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let fields = [
                (t.title.as_str(), TITLE),
                (t.shortcut.as_str(), SHORTCUT),
                (t.body.as_str(), BODY),
            ];
            let tags = t.tags.iter().map(|tag| (tag.as_str(), TAG));
            for (text, field) in fields.into_iter().chain(tags) {
                for token in text.split_whitespace() {
                    let id = *ids.entry(token).or_insert_with(|| {
                        starts.push(tokens.len() as u32);
                        tokens.push_str(token);
                        tokens.push('\n');
                        lists.push(Vec::new());
                        (lists.len() - 1) as u32
                    });
                    let list = &mut lists[id as usize];
                    let posting = (i as u32) << 4;
                    match list.last_mut() {
                        Some(last) if *last >> 4 == i as u32 => *last |= field as u32,
                        _ => list.push(posting | field as u32),
                    }
                }
            }
        }
        let mut postings = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        let mut posting_starts = Vec::with_capacity(lists.len() + 1);
        for list in lists {
            posting_starts.push(postings.len() as u32);
            postings.extend(list);
        }
        posting_starts.push(postings.len() as u32);
        WordIndex {
            tokens,
            starts,
            postings,
            posting_starts,
            titles: texts.iter().map(|t| t.title.clone()).collect(),
            shortcuts: texts.iter().map(|t| t.shortcut.clone()).collect(),
            len: texts.len(),
        }
    }

    /// The responses that contain every word of `query`, by position,
    /// each with its score: what [`Query::score_text`] gives on each
    /// response's text where it is not `None`.
    pub fn hits(&self, query: &Query) -> Vec<(usize, u32)> {
        let mut hits: Vec<(usize, u32)> = (0..self.len).map(|i| (i, 0)).collect();
        let mut fields = vec![0u8; self.len];
        for (n, word) in query.words.iter().enumerate() {
            let touched = self.fields_of(word, &mut fields);
            if n == 0 {
                // Every hit contains the first word: start from those.
                hits = touched.iter().map(|&i| (i, 0)).collect();
                hits.sort_unstable();
            }
            hits.retain_mut(|(i, score)| {
                let f = fields[*i];
                *score += if f & (TITLE | SHORTCUT) != 0 {
                    let exact = self.titles[*i]
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == word)
                        || self.shortcuts[*i] == *word;
                    if exact {
                        4
                    } else {
                        3
                    }
                } else if f & TAG != 0 {
                    2
                } else if f & BODY != 0 {
                    1
                } else {
                    return false;
                };
                true
            });
            for i in touched {
                fields[i] = 0;
            }
        }
        hits
    }

    /// Marks in `fields` (all zero) where each response contains `word`;
    /// returns the responses marked.
    fn fields_of(&self, word: &str, fields: &mut [u8]) -> Vec<usize> {
        let mut touched = Vec::new();
        if word.is_empty() {
            return touched;
        }
        let finder = memchr::memmem::Finder::new(word.as_bytes());
        let text = self.tokens.as_bytes();
        let mut at = 0;
        while let Some(found) = finder.find(&text[at..]) {
            let token = self.starts.partition_point(|&s| s as usize <= at + found) - 1;
            let (from, to) = (
                self.posting_starts[token] as usize,
                self.posting_starts[token + 1] as usize,
            );
            for posting in &self.postings[from..to] {
                let i = (posting >> 4) as usize;
                if fields[i] == 0 {
                    touched.push(i);
                }
                fields[i] |= (posting & 0xF) as u8;
            }
            // On to the next token: one hit per token is enough.
            match self.starts.get(token + 1) {
                Some(&next) => at = next as usize,
                None => break,
            }
        }
        touched
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(title: &str, shortcut: &str, tags: &[&str], body: &str) -> SearchText {
        SearchText {
            title: title.to_lowercase(),
            shortcut: shortcut.to_string(),
            tags: tags.iter().map(|t| t.to_lowercase()).collect(),
            body: body.to_lowercase(),
        }
    }

    fn agree(texts: &[SearchText], query: &str) {
        let query = Query::new(query);
        let indexed = WordIndex::new(texts).hits(&query);
        let scanned: Vec<(usize, u32)> = texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, query.score_text(t)?)))
            .collect();
        assert_eq!(indexed, scanned, "{query:?}");
    }

    #[test]
    fn the_index_ranks_as_the_scan_does() {
        let texts = [
            text(
                "Refund policy",
                "refund",
                &["Billing"],
                "Refunds take five days.",
            ),
            text(
                "Business hours",
                "Hours",
                &["hours", "big schedule"],
                "We refund (refund) nothing.",
            ),
            text("", "", &[], ""),
            text("Straße", "x", &["e schedule"], "İstanbul"),
        ];
        for q in [
            "refund",
            "refunds",
            "REFUND days",
            "hours",
            "e s",
            "schedule",
            "big",
            "fund",
            "(refund)",
            "straße",
            "i̇stanbul",
            "nothing.",
            "x",
            "nope",
            "",
            "days refund",
        ] {
            agree(&texts, q);
        }
    }

    proptest! {
        #[test]
        fn the_index_agrees_with_the_scan_on_any_text(
            docs in proptest::collection::vec(
                ("[aAbß .İ\\n-]{0,12}", "[abB-]{0,4}", proptest::collection::vec("[ab İ]{0,5}", 0..3), "[aAbcß .,İ\\n\\t-]{0,40}"),
                0..8,
            ),
            query in "[aAbcß .İ-]{0,8}",
        ) {
            let texts: Vec<SearchText> = docs
                .iter()
                .map(|(t, s, tags, b)| {
                    let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                    text(t, s, &tags, b)
                })
                .collect();
            agree(&texts, &query);
        }
    }
}
