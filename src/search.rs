//! Finding responses by words: every word must match the title, shortcut,
//! tags or body; title and shortcut hits rank first.

use crate::response::Response;
use std::sync::Arc;

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
    /// Each field's text with its mark for the [`WordIndex`].
    fn fields(&self) -> impl Iterator<Item = (&str, u8)> {
        let fields = [
            (self.title.as_str(), TITLE),
            (self.shortcut.as_str(), SHORTCUT),
            (self.body.as_str(), BODY),
        ];
        let tags = self.tags.iter().map(|tag| (tag.as_str(), TAG));
        fields.into_iter().chain(tags)
    }

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
    /// Lowercase titles and shortcuts as written, for the exact-word rank
    /// (shared with the index this one was patched from).
    titles: Vec<Arc<str>>,
    shortcuts: Vec<Arc<str>>,
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
            for (text, field) in t.fields() {
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
            titles: texts.iter().map(|t| Arc::from(t.title.as_str())).collect(),
            shortcuts: texts
                .iter()
                .map(|t| Arc::from(t.shortcut.as_str()))
                .collect(),
            len: texts.len(),
        }
    }

    /// The index of a new list of responses, made from this one: `same`
    /// gives for each new response the position in this index of the same
    /// response (unchanged), or `None`, and `text` the searchable text of
    /// those that are not the same. What it finds is what
    /// [`WordIndex::new`] on all the new texts finds; it costs a pass over
    /// this index and the tokens of the new texts, not a pass over every
    /// body, so a reload after one saved file stays cheap.
    pub fn patched(
        &self,
        same: &[Option<usize>],
        text: &(dyn Fn(usize) -> SearchText + Sync),
    ) -> WordIndex {
        use rayon::prelude::*;
        use std::collections::HashMap;
        const GONE: u32 = u32::MAX;
        let mut moved = vec![GONE; self.len];
        for (i, j) in same.iter().enumerate() {
            if let Some(j) = j {
                moved[*j] = i as u32;
            }
        }
        let fresh: Vec<usize> = (0..same.len()).filter(|&i| same[i].is_none()).collect();
        // A few on this thread: a reload lists the folder on the pool's
        // threads meanwhile, and would make this wait for them.
        let texts: Vec<SearchText> = if fresh.len() <= 64 {
            fresh.iter().map(|&i| text(i)).collect()
        } else {
            fresh.par_iter().map(|&i| text(i)).collect()
        };
        // The new texts' postings, by token: this index's token id, or a
        // new one past them.
        let mut ids: HashMap<&str, u32> = HashMap::new();
        if !fresh.is_empty() {
            ids.reserve(self.starts.len());
            for t in 0..self.starts.len() {
                ids.insert(self.token(t), t as u32);
            }
        }
        let mut new_tokens: Vec<&str> = Vec::new();
        let mut added: Vec<(u32, u32)> = Vec::new();
        for (&i, t) in fresh.iter().zip(&texts) {
            let first = added.len();
            for (text, field) in t.fields() {
                for token in text.split_whitespace() {
                    let id = *ids.entry(token).or_insert_with(|| {
                        new_tokens.push(token);
                        (self.starts.len() + new_tokens.len() - 1) as u32
                    });
                    added.push((id, (i as u32) << 4 | field as u32));
                }
            }
            // One posting per token and response, its fields together.
            added[first..].sort_unstable();
            let mut merged = first;
            for k in first..added.len() {
                if merged > first && added[merged - 1].0 == added[k].0 {
                    added[merged - 1].1 |= added[k].1;
                } else {
                    added[merged] = added[k];
                    merged += 1;
                }
            }
            added.truncate(merged);
        }
        added.sort_unstable();
        let mut out = WordIndex {
            tokens: String::with_capacity(self.tokens.len()),
            starts: Vec::with_capacity(self.starts.len()),
            postings: Vec::with_capacity(self.postings.len()),
            posting_starts: Vec::with_capacity(self.posting_starts.len()),
            titles: Vec::with_capacity(same.len()),
            shortcuts: Vec::with_capacity(same.len()),
            len: same.len(),
        };
        let mut added = added.as_slice();
        let all = self.starts.len() + new_tokens.len();
        for t in 0..all {
            // Straight into the new postings: the kept ones stay in order
            // (positions move, but not past each other), and only a token
            // that the new texts hold needs its list sorted.
            let at = out.postings.len();
            if t < self.starts.len() {
                let (from, to) = (
                    self.posting_starts[t] as usize,
                    self.posting_starts[t + 1] as usize,
                );
                out.postings
                    .extend(self.postings[from..to].iter().filter_map(|&p| {
                        let i = moved[(p >> 4) as usize];
                        (i != GONE).then_some(i << 4 | (p & 0xF))
                    }));
            }
            let n = added.iter().take_while(|a| a.0 == t as u32).count();
            if n > 0 {
                out.postings.extend(added[..n].iter().map(|a| a.1));
                out.postings[at..].sort_unstable();
                added = &added[n..];
            }
            // A token no response holds any more is left out.
            if out.postings.len() == at {
                continue;
            }
            out.posting_starts.push(at as u32);
            out.starts.push(out.tokens.len() as u32);
            let token = if t < self.starts.len() {
                self.token(t)
            } else {
                new_tokens[t - self.starts.len()]
            };
            out.tokens.push_str(token);
            out.tokens.push('\n');
        }
        out.posting_starts.push(out.postings.len() as u32);
        let mut texts = texts.into_iter();
        for j in same {
            match j {
                Some(j) => {
                    out.titles.push(self.titles[*j].clone());
                    out.shortcuts.push(self.shortcuts[*j].clone());
                }
                None => {
                    let t = texts.next().unwrap_or_default();
                    out.titles.push(Arc::from(t.title));
                    out.shortcuts.push(Arc::from(t.shortcut));
                }
            }
        }
        out
    }

    /// The token with id `t`, without its `\n`.
    fn token(&self, t: usize) -> &str {
        let end = self
            .starts
            .get(t + 1)
            .map_or(self.tokens.len(), |&s| s as usize);
        &self.tokens[self.starts[t] as usize..end - 1]
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
                        || *self.shortcuts[*i] == **word;
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
        /// A patched index finds what an index made afresh finds: the
        /// responses kept move (some go, new ones come between them).
        #[test]
        fn a_patched_index_finds_what_a_new_one_finds(
            before in proptest::collection::vec(("[aAbß .İ-]{0,8}", "[ab]{0,3}", "[aAbcß .,İ\\n-]{0,30}"), 0..8),
            kept in proptest::collection::vec(any::<bool>(), 8),
            after in proptest::collection::vec(("[aAbß .İ-]{0,8}", "[ab]{0,3}", "[aAbcß .,İ\\n-]{0,30}"), 0..8),
            queries in proptest::collection::vec("[aAbcß .İ-]{0,6}", 1..6),
        ) {
            let make = |(t, s, b): &(String, String, String)| text(t, s, &[s.as_str()], b);
            let old: Vec<SearchText> = before.iter().map(make).collect();
            // The kept old texts in their order, each new one after the
            // kept one of its number.
            let mut new: Vec<(Option<usize>, SearchText)> = Vec::new();
            for (j, t) in old.iter().enumerate() {
                if kept[j] {
                    new.push((Some(j), t.clone()));
                }
                if let Some(fresh) = after.get(j) {
                    new.push((None, make(fresh)));
                }
            }
            let same: Vec<Option<usize>> = new.iter().map(|(j, _)| *j).collect();
            let texts: Vec<SearchText> = new.into_iter().map(|(_, t)| t).collect();
            let patched = WordIndex::new(&old).patched(&same, &|i| texts[i].clone());
            let fresh = WordIndex::new(&texts);
            for q in &queries {
                let q = Query::new(q);
                prop_assert_eq!(patched.hits(&q), fresh.hits(&q), "{:?}", q);
            }
        }

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
