//! A library's snippets: read and checked before any response (every
//! response may include them), then listed with the responses that do.

use super::read::read_text;
use crate::config::Config;
use crate::problem::Problem;
use crate::response::Response;
use crate::snippet::{Snippet, Snippets};
use crate::source::Source;
use std::collections::HashMap;
use std::sync::Arc;

/// Reads every snippet, then checks their includes of each other (cycles,
/// unknown names), reporting each problem in the snippet's own file.
/// Each file's bytes (`None` when unreadable) go to `basis`.
pub(super) fn load_snippets(
    source: &dyn Source,
    paths: &[String],
    config: &Config,
    problems: &mut Vec<Problem>,
    basis: &mut Vec<(String, Option<Vec<u8>>)>,
) -> Snippets {
    let mut snippets = Snippets::default();
    let mut texts = HashMap::new();
    for path in paths {
        let Some(name) = crate::snippet::name_from_path(path) else {
            continue;
        };
        let read = read_text(source, path);
        basis.push((path.clone(), read.as_ref().ok().cloned()));
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(problem) => {
                problems.push(*problem);
                snippets.broken.insert(name.to_string(), path.clone());
                continue;
            }
        };
        let text = String::from_utf8(bytes).unwrap_or_default();
        let (snippet, found) = crate::validate::validate_snippet(path, name, &text, config);
        problems.extend(found.into_iter().map(|f| f.in_file(path, &text, 0)));
        match snippet {
            Some(snippet) => {
                snippets.by_name.insert(name.to_string(), snippet);
                texts.insert(name.to_string(), text);
            }
            None => {
                snippets.broken.insert(name.to_string(), path.clone());
            }
        }
    }
    let mut broken = Vec::new();
    for (name, snippet) in &snippets.by_name {
        if let Err(errors) = snippets.expand(&snippet.body) {
            let text = &texts[name];
            let offset = text.find(snippet.body.as_str()).unwrap_or(0);
            problems.extend(
                errors
                    .into_iter()
                    .map(|f| f.in_file(&snippet.path, text, offset)),
            );
            broken.push(name.clone());
        }
    }
    for name in broken {
        if let Some(snippet) = snippets.by_name.remove(&name) {
            snippets.broken.insert(name, snippet.path);
        }
    }
    snippets
}

/// Each snippet with the responses that include it, sorted by name.
pub(super) fn used_by(snippets: Snippets, responses: &[Arc<Response>]) -> Vec<Snippet> {
    let mut list: Vec<Snippet> = snippets.by_name.into_values().collect();
    for snippet in &mut list {
        snippet.used_by = responses
            .iter()
            .filter(|r| r.includes.contains(&snippet.name))
            .map(|r| r.id.clone())
            .collect();
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}
