//! The routes about responses: the list, one response, its rendering, and
//! counting a use. Each takes the index it was given and nothing else, so
//! one answer never mixes two versions of the library.

use super::envelope::{Answer, JSON};
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
use hyper::body::Bytes;
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
    let found = index.list(&filter, paging.range(usize::MAX).end);
    let objects: Vec<Bytes> = found[paging.range(found.len())]
        .iter()
        .map(|&i| {
            let json = index.object_json(i);
            match usage {
                None => json,
                Some(usage) => with_usage(&json, &usage_of(usage, &index.responses()[i])).into(),
            }
        })
        .collect();
    Ok(paging::page_of_json(
        &objects,
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
    let r = &index.responses()[i];
    let answered = variant(r, locale.as_deref());
    let language = answered.locale.clone();
    if !std::ptr::eq(answered, r.as_ref()) {
        let base = object(index, usage, i);
        let object = ResponseObject {
            variants: base.variants,
            ..ResponseObject::new(answered, index.provenance_of(&answered.path), base.usage)
        };
        return Ok(Answer::data(&object).with_header("content-language", language));
    }
    let made = index.object(i);
    let answer = match usage {
        None => Answer::tagged(200, JSON, made.body.clone(), made.etag.clone()),
        Some(usage) => {
            let object = &made.body[DATA.len()..made.body.len() - 1];
            let mut body = DATA.as_bytes().to_vec();
            body.extend(with_usage(object, &usage_of(usage, r)));
            body.push(b'}');
            Answer::bytes(200, JSON, body.into())
        }
    };
    Ok(answer.with_header("content-language", language))
}

const DATA: &str = "{\"data\":";

fn usage_of(usage: &UsageLog, r: &Response) -> Usage {
    usage.get(&r.id).unwrap_or_default()
}

/// A response object serialized with no usage (`{…}`), with its usage:
/// the bytes serde writes for [`ResponseObject`], whose flattened usage
/// fields come last.
fn with_usage(object: &[u8], usage: &Usage) -> Vec<u8> {
    let fields = serde_json::to_vec(usage).unwrap_or_else(|_| b"{}".to_vec());
    let mut out = Vec::with_capacity(object.len() + fields.len());
    out.extend_from_slice(&object[..object.len() - 1]);
    if fields.len() > 2 {
        out.push(b',');
        out.extend_from_slice(&fields[1..]);
    } else {
        out.push(b'}');
    }
    out
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
        usage.map(|u| usage_of(u, r)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_spliced_in_is_usage_serialized() {
        #[derive(Serialize)]
        struct Object<'a> {
            id: &'a str,
            #[serde(flatten)]
            usage: Option<Usage>,
        }
        let bare = serde_json::to_vec(&Object {
            id: "a",
            usage: None,
        })
        .unwrap();
        for usage in [
            Usage::default(),
            Usage {
                usage_count: 3,
                last_used_at: Some("2025-01-01T00:00:00Z".into()),
            },
        ] {
            let whole = serde_json::to_vec(&Object {
                id: "a",
                usage: Some(usage.clone()),
            })
            .unwrap();
            assert_eq!(with_usage(&bare, &usage), whole);
        }
    }
}
