//! The routes about the library as a whole: categories, tags,
//! placeholders, problems and health.

use super::envelope::Answer;
use super::index::{Count, Index};
use super::paging;
use super::params::Params;
use super::Request;
use crate::problem::Summary;
use crate::report::ProblemsDocument;
use crate::response::BUILT_IN_PLACEHOLDERS;
use serde::Serialize;

#[derive(Serialize)]
struct Category<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(flatten)]
    count: Count,
}

#[derive(Serialize)]
struct Tag {
    name: String,
    #[serde(flatten)]
    count: Count,
}

#[derive(Serialize)]
struct PlaceholderInfo<'a> {
    name: &'a str,
    built_in: bool,
    description: Option<&'a str>,
    example: Option<&'a str>,
    #[serde(flatten)]
    count: Count,
}

/// `GET /api/v1/categories`: the configuration's categories, in its order.
pub fn categories(index: &Index, req: &Request) -> Result<Answer, Answer> {
    let items = index
        .categories()
        .into_iter()
        .map(|(id, label, count)| Category { id, label, count })
        .collect();
    paged(index, req, items)
}

/// `GET /api/v1/tags`: every tag in use, lowercase, by name.
pub fn tags(index: &Index, req: &Request) -> Result<Answer, Answer> {
    let items = index
        .tags()
        .into_iter()
        .map(|(name, count)| Tag { name, count })
        .collect();
    paged(index, req, items)
}

/// `GET /api/v1/placeholders`: the built-in placeholders, the library's
/// own, and any other in use, by name.
pub fn placeholders(index: &Index, req: &Request) -> Result<Answer, Answer> {
    let counts = index.placeholder_counts();
    let config = &index.library.config;
    let mut names: Vec<&str> = BUILT_IN_PLACEHOLDERS.to_vec();
    names.extend(config.placeholders.iter().map(|p| p.name.as_str()));
    names.extend(counts.keys().copied());
    names.sort_unstable();
    names.dedup();
    let items = names
        .into_iter()
        .map(|name| {
            let own = config.placeholder(name);
            PlaceholderInfo {
                name,
                built_in: BUILT_IN_PLACEHOLDERS.contains(&name),
                description: own.and_then(|p| p.description.as_deref()),
                example: own.and_then(|p| p.example.as_deref()),
                count: counts.get(name).copied().unwrap_or_default(),
            }
        })
        .collect();
    paged(index, req, items)
}

#[derive(Serialize)]
struct SnippetInfo<'a> {
    name: &'a str,
    path: &'a str,
    description: Option<&'a str>,
    body: &'a str,
    /// Ids of the responses that include it, directly or not.
    used_by: &'a [String],
}

/// `GET /api/v1/snippets`: the pieces responses include, with where each
/// is used, by name.
pub fn snippets(index: &Index, req: &Request) -> Result<Answer, Answer> {
    let mut all: Vec<_> = index.library.snippets.iter().collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let items = all
        .into_iter()
        .map(|s| SnippetInfo {
            name: &s.name,
            path: &s.path,
            description: s.description.as_deref(),
            body: &s.body,
            used_by: &s.used_by,
        })
        .collect();
    paged(index, req, items)
}

fn paged<T: Serialize>(index: &Index, req: &Request, items: Vec<T>) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let paging = params.paging()?;
    params.finish()?;
    let total = items.len();
    let shown = items
        .into_iter()
        .skip(paging.range(total).start)
        .take(paging.range(total).len())
        .collect();
    Ok(paging::page(
        shown,
        total,
        paging,
        index.revision.clone(),
        req.path,
        req.query,
    ))
}

/// `GET /api/v1/problems`: the document of `check --format json`.
pub fn problems(index: &Index, req: &Request) -> Result<Answer, Answer> {
    Params::parse(req.query)?.finish()?;
    let (errors, warnings) = crate::export::counts(&index.problems);
    Ok(Answer::data(&ProblemsDocument {
        problems: &index.problems,
        summary: Summary {
            errors,
            warnings,
            ..index.library.summary()
        },
    }))
}

#[derive(Serialize)]
struct Health<'a> {
    status: &'static str,
    revision: Option<&'a str>,
    responses: usize,
    problems: usize,
    loaded_at: &'a str,
    generation: u64,
}

/// `GET /api/v1/health`: open even when a token is required.
pub fn health(index: &Index, req: &Request) -> Result<Answer, Answer> {
    Params::parse(req.query)?.finish()?;
    Ok(Answer::data(&Health {
        status: "ok",
        revision: index.revision.as_deref(),
        responses: index.responses().len(),
        problems: index.problems.len(),
        loaded_at: &index.loaded_at,
        generation: index.generation,
    }))
}
