//! What changed between two loads of a library: the summary a reviewer
//! reads on a pull request. Both sides come from the same `Library::load`
//! (a `GitSource` for a revision, the folder for the working tree), so a
//! response compares field by field, as validated.

use crate::library::Library;
use crate::response::{id_from_path, Response};
use crate::source::is_response_path;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// At most this many lines of a body diff are shown; the rest are counted.
const MAX_DIFF_LINES: usize = 12;

#[derive(Debug, Default, Serialize)]
pub struct Comparison {
    pub added: Vec<Brief>,
    pub changed: Vec<Changed>,
    pub renamed: Vec<Changed>,
    pub removed: Vec<Brief>,
    /// Response files that have errors now, so that they cannot be compared:
    /// responses of the base (neither changed nor removed, but broken), and
    /// new files (their title is empty: it could not be read).
    pub broken: Vec<Brief>,
    /// Snippets whose body changed, each with every response whose
    /// rendering it changes, directly or through other snippets.
    pub snippets: Vec<SnippetChange>,
    /// Snippets that are new: their file is not on the base side at all.
    pub snippets_added: Vec<SnippetBrief>,
    /// Snippets whose file is gone from the head side.
    pub snippets_removed: Vec<SnippetBrief>,
    /// How many errors the head side has in all (`cannery check` lists them).
    pub head_errors: usize,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.renamed.is_empty()
            && self.removed.is_empty()
            && self.broken.is_empty()
            && self.snippets.is_empty()
            && self.snippets_added.is_empty()
            && self.snippets_removed.is_empty()
    }

    /// The responses whose rendering changed only through snippets: their
    /// own files are the same on both sides.
    pub fn only_through_snippets(&self) -> Vec<&str> {
        let own: HashSet<&str> = self
            .changed
            .iter()
            .chain(&self.renamed)
            .map(|r| r.id.as_str())
            .collect();
        let mut ids: Vec<&str> = self
            .snippets
            .iter()
            .flat_map(|s| &s.responses)
            .map(|r| r.id.as_str())
            .filter(|id| !own.contains(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// A snippet whose body differs between the two sides (both valid).
#[derive(Debug, PartialEq, Serialize)]
pub struct SnippetChange {
    /// `signature`, `legal/gdpr`.
    pub name: String,
    pub path: String,
    /// A short line diff of the snippet's body, as for a response.
    pub body_diff: Vec<String>,
    /// The responses on both sides whose rendering (body with snippets
    /// expanded, variants included) differs and that include this snippet
    /// on either side, directly or through other snippets; by id. Those
    /// whose own file changed too are also in `changed` or `renamed`.
    pub responses: Vec<Brief>,
}

/// A snippet that exists on one side only.
#[derive(Debug, PartialEq, Serialize)]
pub struct SnippetBrief {
    /// `signature`, `legal/gdpr`.
    pub name: String,
    pub path: String,
    /// The responses that include it on the side where it exists, directly
    /// or through other snippets; by id. For a removed snippet these are
    /// the base's: what it used to reach.
    pub responses: Vec<Brief>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Brief {
    pub id: String,
    pub title: String,
    pub path: String,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Changed {
    pub id: String,
    pub title: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Every field that changed; `body` has its diff in `body_diff`.
    pub fields: Vec<FieldChange>,
    /// A short line diff of the body: lines starting with ` `, `-`, `+`,
    /// and `…` where lines are left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub body_diff: Vec<String>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    /// The values before and after (left out for `body`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// Compares the library at `base` with the library at `head`.
pub fn compare(base: &Library, head: &Library) -> Comparison {
    let head_ids: HashMap<&str, &Response> = head
        .responses
        .iter()
        .map(|r| (r.id.as_str(), r.as_ref()))
        .collect();
    let base_ids: HashMap<&str, &Response> = base
        .responses
        .iter()
        .map(|r| (r.id.as_str(), r.as_ref()))
        .collect();
    let broken_files: HashSet<&str> = head
        .problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.file.as_str())
        .collect();

    let mut out = Comparison {
        head_errors: head.problems.iter().filter(|p| p.is_error()).count(),
        ..Comparison::default()
    };
    let mut gone = Vec::new();
    // Each response of the base with what it is at the head.
    let mut pairs: Vec<(&Response, &Response)> = Vec::new();
    for old in &base.responses {
        match head_ids.get(old.id.as_str()) {
            Some(new) => {
                pairs.push((old, new));
                let fields = field_changes(old, new);
                if !fields.is_empty() || old.path != new.path {
                    out.changed.push(changed(old, new, fields));
                }
            }
            None if broken_files.contains(old.path.as_str()) => out.broken.push(brief(old)),
            None => gone.push(old),
        }
    }
    let mut new_ones: Vec<&Response> = head
        .responses
        .iter()
        .filter(|r| !base_ids.contains_key(r.id.as_str()))
        .map(|r| r.as_ref())
        .collect();
    for old in gone {
        match take_match(old, &mut new_ones) {
            Some(new) => {
                pairs.push((old, new));
                let fields = field_changes(old, new);
                let mut entry = changed(old, new, fields);
                entry.old_id = Some(old.id.clone());
                out.renamed.push(entry);
            }
            None => out.removed.push(brief(old)),
        }
    }
    out.added = new_ones.into_iter().map(brief).collect();
    // New files that do not load are news too: a reviewer must see them.
    let base_files: HashSet<&str> = base
        .responses
        .iter()
        .map(|r| r.path.as_str())
        .chain(base.problems.iter().map(|p| p.file.as_str()))
        .collect();
    let mut new_broken: Vec<&str> = broken_files
        .iter()
        .copied()
        .filter(|file| is_response_path(file) && !base_files.contains(file))
        .collect();
    new_broken.sort_unstable();
    out.broken.extend(new_broken.into_iter().map(|path| Brief {
        id: id_from_path(path).to_string(),
        title: String::new(),
        path: path.to_string(),
    }));
    out.snippets = snippet_changes(base, head, &pairs);
    out.snippets_added = snippets_only_in(head, base);
    out.snippets_removed = snippets_only_in(base, head);
    out
}

/// The snippets of `side` whose file `other` does not have at all (not
/// even with errors, which would make it a broken snippet, not a new or a
/// removed one), each with the responses of `side` that include it.
fn snippets_only_in(side: &Library, other: &Library) -> Vec<SnippetBrief> {
    let there: HashSet<&str> = other
        .snippets
        .iter()
        .map(|s| s.path.as_str())
        .chain(other.problems.iter().map(|p| p.file.as_str()))
        .collect();
    let responses: HashMap<&str, &Response> = side
        .responses
        .iter()
        .map(|r| (r.id.as_str(), &**r))
        .collect();
    side.snippets
        .iter()
        .filter(|s| !there.contains(s.path.as_str()))
        .map(|s| SnippetBrief {
            name: s.name.clone(),
            path: s.path.clone(),
            responses: s
                .used_by
                .iter()
                .filter_map(|id| responses.get(id.as_str()).map(|r| brief(r)))
                .collect(),
        })
        .collect()
}

/// The snippets whose body changed, with the responses whose rendering
/// changed and that include them. A snippet is named only where its own
/// body changed: a response that includes `signature`, which includes
/// `legal/footer`, is listed under `legal/footer` when only the footer
/// changed.
fn snippet_changes(
    base: &Library,
    head: &Library,
    pairs: &[(&Response, &Response)],
) -> Vec<SnippetChange> {
    let before: HashMap<&str, &str> = base
        .snippets
        .iter()
        .map(|s| (s.name.as_str(), s.body.as_str()))
        .collect();
    let mut changes: Vec<SnippetChange> = head
        .snippets
        .iter()
        .filter_map(|s| {
            let old = before.get(s.name.as_str())?;
            (*old != s.body).then(|| SnippetChange {
                name: s.name.clone(),
                path: s.path.clone(),
                body_diff: line_diff(old, &s.body),
                responses: Vec::new(),
            })
        })
        .collect();
    if changes.is_empty() {
        return changes;
    }
    let index: HashMap<String, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    for (old, new) in pairs {
        let mut through = HashSet::new();
        for (old, new) in renderings(old, new) {
            if old.expanded_body() == new.expanded_body() {
                continue;
            }
            for name in old.includes.iter().chain(&new.includes) {
                through.extend(index.get(name).copied());
            }
        }
        for i in through {
            changes[i].responses.push(brief(new));
        }
    }
    for change in &mut changes {
        change.responses.sort_by(|a, b| a.id.cmp(&b.id));
    }
    changes
}

/// A response and each of its language variants that exists on both
/// sides, as (before, after).
fn renderings<'a>(old: &'a Response, new: &'a Response) -> Vec<(&'a Response, &'a Response)> {
    let mut out = vec![(old, new)];
    for variant in &new.variants {
        if let Some(before) = old
            .variants
            .iter()
            .find(|v| v.locale.eq_ignore_ascii_case(&variant.locale))
        {
            out.push((before, variant));
        }
    }
    out
}

/// The added response that is `old` under a new id: the same file (its
/// `id:` changed), else the same body, else the same title, else the same
/// shortcut. Titles and shortcuts are unique in a library, so a match on
/// either is the same response.
fn take_match<'a>(old: &Response, candidates: &mut Vec<&'a Response>) -> Option<&'a Response> {
    let tests: [&dyn Fn(&Response) -> bool; 4] = [
        &|r| r.path == old.path,
        &|r| r.body == old.body,
        &|r| r.title.to_lowercase() == old.title.to_lowercase(),
        &|r| r.shortcut.is_some() && r.shortcut == old.shortcut,
    ];
    for test in tests {
        if let Some(i) = candidates.iter().position(|r| test(r)) {
            return Some(candidates.remove(i));
        }
    }
    None
}

fn brief(r: &Response) -> Brief {
    Brief {
        id: r.id.clone(),
        title: r.title.clone(),
        path: r.path.clone(),
    }
}

fn changed(old: &Response, new: &Response, fields: Vec<FieldChange>) -> Changed {
    let body_diff = if old.body == new.body {
        Vec::new()
    } else {
        line_diff(&old.body, &new.body)
    };
    Changed {
        id: new.id.clone(),
        title: new.title.clone(),
        path: new.path.clone(),
        old_id: None,
        old_path: (old.path != new.path).then(|| old.path.clone()),
        fields,
        body_diff,
    }
}

/// How to read one field of a response, as JSON.
type FieldValue = fn(&Response) -> Value;

fn field_changes(old: &Response, new: &Response) -> Vec<FieldChange> {
    let fields: [(&'static str, FieldValue); 11] = [
        ("title", |r| json!(r.title)),
        ("shortcut", |r| json!(r.shortcut)),
        ("category", |r| json!(r.category)),
        ("tags", |r| json!(r.tags)),
        ("visibility", |r| json!(r.visibility)),
        ("owner", |r| json!(r.owner)),
        ("department", |r| json!(r.department)),
        ("active", |r| json!(r.active)),
        ("locale", |r| json!(r.locale)),
        ("subject", |r| json!(r.subject)),
        ("description", |r| json!(r.description)),
    ];
    let mut out = Vec::new();
    for (field, value) in fields {
        let (before, after) = (value(old), value(new));
        if before != after {
            out.push(FieldChange {
                field,
                old: Some(before),
                new: Some(after),
            });
        }
    }
    if old.body != new.body {
        out.push(FieldChange {
            field: "body",
            old: None,
            new: None,
        });
    }
    out
}

/// A line diff of two bodies with one line of context around each change,
/// cut after [`MAX_DIFF_LINES`] lines.
pub fn line_diff(before: &str, after: &str) -> Vec<String> {
    use gix::diff::blob::{diff_with_slider_heuristics, Algorithm, InternedInput};
    let (before, after) = (format!("{before}\n"), format!("{after}\n"));
    let input = InternedInput::new(before.as_str(), after.as_str());
    let diff = diff_with_slider_heuristics(Algorithm::Histogram, &input);
    let line = |prefix: char, token| {
        let text: &str = input.interner[token];
        format!("{prefix}{}", text.trim_end_matches(['\n', '\r']))
    };
    let mut out = Vec::new();
    let mut shown_until = 0u32;
    for hunk in diff.hunks() {
        let context_start = hunk.before.start.saturating_sub(1).max(shown_until);
        if context_start > shown_until {
            out.push("…".to_string());
        }
        for i in context_start..hunk.before.start {
            out.push(line(' ', input.before[i as usize]));
        }
        for i in hunk.before.clone() {
            out.push(line('-', input.before[i as usize]));
        }
        for i in hunk.after.clone() {
            out.push(line('+', input.after[i as usize]));
        }
        shown_until = hunk.before.end;
        if (hunk.before.end as usize) < input.before.len() {
            out.push(line(' ', input.before[hunk.before.end as usize]));
            shown_until += 1;
        }
    }
    if (shown_until as usize) < input.before.len() && !out.is_empty() {
        out.push("…".to_string());
    }
    if out.len() > MAX_DIFF_LINES {
        let changed = out[MAX_DIFF_LINES..]
            .iter()
            .filter(|l| l.starts_with(['-', '+']))
            .count();
        out.truncate(MAX_DIFF_LINES);
        out.push(format!("… and {changed} more changed lines"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_diff_shows_one_line_of_context() {
        let before = "one\ntwo\nthree\nfour\nfive";
        let after = "one\ntwo\n3\nfour\nfive";
        assert_eq!(
            line_diff(before, after),
            ["…", " two", "-three", "+3", " four", "…"]
        );
    }

    #[test]
    fn a_body_diff_is_cut_short() {
        let before: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let after: String = (0..40).map(|i| format!("LINE {i}\n")).collect();
        let diff = line_diff(&before, &after);
        assert_eq!(diff.len(), MAX_DIFF_LINES + 1);
        assert_eq!(diff.last().unwrap(), "… and 68 more changed lines");
    }
}
