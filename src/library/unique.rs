//! The check across files: no two responses may share an id, a title
//! (ignoring case) or a shortcut.

use crate::problem::Problem;
use crate::response::Response;
use crate::source::Source;
use std::collections::HashMap;
use std::sync::Arc;

/// Keeps the first response of each id, title and shortcut (in path order)
/// and reports every later one, naming both files. Each response comes
/// with something of its own that stays with it.
pub(super) fn check_unique<T>(
    source: &dyn Source,
    responses: Vec<(Arc<Response>, T)>,
    problems: &mut Vec<Problem>,
) -> Vec<(Arc<Response>, T)> {
    let mut keep = vec![true; responses.len()];
    let mut ids: HashMap<&str, &str> = HashMap::with_capacity(responses.len());
    let mut titles: HashMap<String, &str> = HashMap::with_capacity(responses.len());
    let mut shortcuts: HashMap<&str, &str> = HashMap::with_capacity(responses.len());
    for ((r, _), keep) in responses.iter().zip(&mut keep) {
        let title = r.title.to_lowercase();
        let clash = if let Some(first) = ids.get(r.id.as_str()) {
            Some((
                Problem::error(
                    "duplicate-id",
                    &r.path,
                    format!("the id `{}` is also the id of {first}", r.id),
                )
                .with_hint("rename one of the files, or give one of them another `id:`"),
                "id",
            ))
        } else if let Some(first) = titles.get(&title) {
            Some((
                Problem::error(
                    "duplicate-title",
                    &r.path,
                    format!("the title \"{}\" is also the title of {first}", r.title),
                )
                .with_hint("titles must be unique (ignoring case): make this one more specific"),
                "title",
            ))
        } else if let Some((shortcut, first)) = r
            .shortcut
            .as_deref()
            .and_then(|s| Some((s, shortcuts.get(s)?)))
        {
            Some((
                Problem::error(
                    "duplicate-shortcut",
                    &r.path,
                    format!("the shortcut `{shortcut}` is also the shortcut of {first}"),
                )
                .with_hint("shortcuts must be unique: choose another one"),
                "shortcut",
            ))
        } else {
            None
        };
        if let Some((problem, field)) = clash {
            problems.push(locate_field(source, problem, field));
            *keep = false;
            continue;
        }
        ids.insert(&r.id, &r.path);
        titles.insert(title, &r.path);
        if let Some(s) = &r.shortcut {
            shortcuts.insert(s, &r.path);
        }
    }
    drop((ids, titles, shortcuts));
    let mut kept: Vec<(Arc<Response>, T)> = responses
        .into_iter()
        .zip(keep)
        .filter_map(|(r, keep)| keep.then_some(r))
        .collect();
    // Ids are unique by now.
    kept.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
    kept
}

/// Whether two parses of one file have the same id, title (ignoring case)
/// and shortcut, or are both invalid: what [`check_unique`] looks at.
pub(super) fn unique_keys_equal(a: Option<&Response>, b: Option<&Response>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            a.id == b.id
                && a.shortcut == b.shortcut
                && (a.title == b.title || a.title.to_lowercase() == b.title.to_lowercase())
        }
        (None, None) => true,
        _ => false,
    }
}

/// Points a problem found across files at its field's line. Clashes are
/// rare, so the file is read again rather than kept in memory for all.
fn locate_field(source: &dyn Source, problem: Problem, field: &str) -> Problem {
    let Ok(bytes) = source.read(&problem.file) else {
        return problem;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return problem;
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(field) {
            if rest.trim_start().starts_with(':') {
                let value = line[field.len()..]
                    .trim_start_matches([':', ' ', '\t'])
                    .trim_end();
                let start = offset + line.len()
                    - line[field.len()..]
                        .trim_start_matches([':', ' ', '\t'])
                        .len();
                return problem.at(text, start..start + value.len());
            }
        }
        offset += line.len();
    }
    problem
}
