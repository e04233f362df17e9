//! The routes about responses: the list, one response, its rendering, and
//! counting a use. Each takes the index it was given and nothing else, so
//! one answer never mixes two versions of the library.

use super::envelope::Answer;
use super::index::{Filter, Index, Sort};
use super::paging;
use super::params::Params;
use super::usage::UsageLog;
use super::Request;
use crate::object::{ResponseObject, Usage};
use crate::placeholder::{spell, Placeholder};
use crate::response::{id_from_path, Response, Visibility};
use crate::search::Query;
use crate::suggest;
use serde::Serialize;
use std::collections::HashMap;

/// `GET /api/v1/canned-responses`.
pub fn list(index: &Index, usage: Option<&UsageLog>, req: &Request) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let filter = Filter {
        query: params.one("q")?.map(Query::new),
        category: params.one("category")?.map(str::to_string),
        tags: params.all("tag").into_iter().map(str::to_string).collect(),
        visibility: params
            .choice("visibility", &["shared", "private", "department"])?
            .map(|v| match v {
                "private" => Visibility::Private,
                "department" => Visibility::Department,
                _ => Visibility::Shared,
            }),
        owner: params.one("owner")?.map(str::to_string),
        department: params.one("department")?.map(str::to_string),
        locale: params.one("locale")?.map(str::to_string),
        active: match params.choice("active", &["true", "false", "any"])? {
            None | Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        },
        sort: params
            .choice("sort", Sort::NAMES)?
            .and_then(Sort::from_name),
    };
    let paging = params.paging()?;
    params.finish()?;
    let found = index.list(&filter);
    let objects: Vec<ResponseObject> = found[paging.range(found.len())]
        .iter()
        .map(|&i| object(index, usage, i))
        .collect();
    Ok(paging::page(
        objects,
        found.len(),
        paging,
        index.revision.clone(),
        req.path,
        req.query,
    ))
}

/// `GET /api/v1/canned-responses/{id}?locale=pt-BR`: one response, or its
/// variant in that language (`pt-BR` falls back to `pt`, then to the
/// response itself); `locale` and `Content-Language` say which it is.
pub fn one(
    index: &Index,
    usage: Option<&UsageLog>,
    id: &str,
    req: &Request,
) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let locale = params.one("locale")?.map(str::to_string);
    params.finish()?;
    let i = find(index, id)?;
    let base = object(index, usage, i);
    let answered = variant(&index.responses()[i], locale.as_deref());
    let language = answered.locale.clone();
    let object = if std::ptr::eq(answered, &index.responses()[i]) {
        base
    } else {
        ResponseObject {
            variants: base.variants,
            ..ResponseObject::new(answered, index.provenance_of(&answered.path), base.usage)
        }
    };
    Ok(Answer::data(&object).with_header("content-language", language))
}

/// The text to answer for `locale`: a variant, or the response itself.
fn variant<'a>(r: &'a Response, locale: Option<&str>) -> &'a Response {
    locale.and_then(|l| r.variant(l)).unwrap_or(r)
}

fn object<'a>(index: &'a Index, usage: Option<&UsageLog>, i: usize) -> ResponseObject<'a> {
    let r = &index.responses()[i];
    ResponseObject::new(
        r,
        index.provenance(i).clone(),
        usage.map(|u| u.get(&r.id).unwrap_or_else(Usage::default)),
    )
}

/// The response with this id, or a 404 that says why there is none.
fn find(index: &Index, id: &str) -> Result<usize, Answer> {
    index.find(id).ok_or_else(|| {
        let mut message = format!("no response has the id `{id}`");
        if index
            .library
            .problems
            .iter()
            .any(|p| p.is_error() && id_from_path(&p.file) == id)
        {
            message.push_str(": its file has errors, listed at /api/v1/problems");
        } else if let Some(near) =
            suggest::did_you_mean(id, index.responses().iter().map(|r| r.id.as_str()))
        {
            message.push_str(&format!(": did you mean `{near}`?"));
        }
        Answer::not_found(message)
    })
}

#[derive(Serialize)]
struct Rendered<'a> {
    id: &'a str,
    format: &'a str,
    locale: &'a str,
    content: String,
    /// Placeholders that got no value and have no default: they are left
    /// in the content as written.
    missing: Vec<&'a str>,
}

/// `GET /api/v1/render/{id}?format=…&contact.first_name=Ana`: the body with
/// its placeholders filled, as `cannery show` fills them. An empty value
/// counts as no value, so an empty form field falls back to the default.
pub fn render(index: &Index, id: &str, req: &Request) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let format = params
        .choice("format", &["markdown", "html", "text"])?
        .unwrap_or("markdown");
    let locale = params.one("locale")?.map(str::to_string);
    let i = find(index, id)?;
    let response = variant(&index.responses()[i], locale.as_deref());
    let values: HashMap<&str, &str> = params.rest().filter(|(_, v)| !v.is_empty()).collect();
    let mut missing: Vec<&str> = Vec::new();
    for p in &response.placeholders {
        if p.default.is_none()
            && !values.contains_key(p.name.as_str())
            && !missing.contains(&p.name.as_str())
        {
            missing.push(&p.name);
        }
    }
    let fill = |p: &Placeholder| match values.get(p.name.as_str()) {
        Some(v) => v.to_string(),
        None => p.default.clone().unwrap_or_else(|| spell(&p.name, None)),
    };
    let content = match format {
        "html" => response.render_with(&fill).html,
        "text" => response.render_with(&fill).text,
        _ => response.body_with(fill),
    };
    Ok(Answer::data(&Rendered {
        id: &response.id,
        format,
        locale: &response.locale,
        content,
        missing,
    })
    .with_header("content-language", response.locale.clone()))
}

/// Bodies larger than this are refused before they are read in full.
pub const MAX_USE_BODY: usize = 16 * 1024;
const MAX_AGENT: usize = 200;

/// `POST /api/v1/canned-responses/{id}/use`: appends one line to the usage
/// log. An unknown id writes nothing.
pub fn count_use(
    index: &Index,
    usage: Option<&UsageLog>,
    id: &str,
    req: &Request,
) -> Result<Answer, Answer> {
    let Some(usage) = usage else {
        return Err(Answer::read_only(
            "counting uses is off: start `cannery serve --usage-log FILE` to turn it on (the library itself is changed by editing its files and committing them)",
        ));
    };
    let mut params = Params::parse(req.query)?;
    let query_agent = params.one("agent")?.map(str::to_string);
    params.finish()?;
    let query_agent = agent_named(query_agent, "agent")?;
    let body = std::str::from_utf8(req.body)
        .map_err(|_| Answer::bad_parameter("body", "the body is not UTF-8 text"))?;
    let mut body_agent = None;
    if !body.trim().is_empty() {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct UseBody {
            agent: Option<String>,
        }
        let parsed: UseBody = serde_json::from_str(body).map_err(|e| {
            Answer::bad_parameter("body", format!("the body must be a JSON object such as {{\"agent\": \"ana@example.com\"}}: {e}"))
        })?;
        body_agent = agent_named(parsed.agent, "body")?;
    }
    let agent = body_agent.or(query_agent);
    let i = find(index, id)?;
    usage
        .record(&index.responses()[i].id, agent.as_deref())
        .map_err(|e| Answer::error(500, format!("the usage log cannot be written: {e}")))?;
    Ok(Answer::empty(204))
}

/// An agent's name as given, 1 to [`MAX_AGENT`] characters.
fn agent_named(agent: Option<String>, parameter: &str) -> Result<Option<String>, Answer> {
    match agent {
        Some(a) if a.is_empty() || a.chars().count() > MAX_AGENT => Err(Answer::bad_parameter(
            parameter,
            format!("`agent` must be 1 to {MAX_AGENT} characters"),
        )),
        agent => Ok(agent),
    }
}
