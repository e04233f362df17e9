//! Which route a request is for: its path and method, nothing else.

use super::envelope::{Answer, READ_ONLY};
use super::params::decode_path;

pub const API: &str = "/api/v1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Page,
    OpenApi,
    List,
    /// One response; the id may hold `/`.
    Response(String),
    /// `POST …/{id}/use`: count one use.
    Use(String),
    Render(String),
    /// The commits that touched one response.
    History(String),
    /// What changed since a revision.
    Changes,
    /// The library exported for one helpdesk.
    Export(String),
    Categories,
    Tags,
    Placeholders,
    Snippets,
    Problems,
    Health,
    Events,
}

/// The methods a request may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Options,
    /// PUT, PATCH, DELETE and anything else.
    Other,
}

impl Method {
    pub fn from_name(name: &str) -> Method {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "OPTIONS" => Method::Options,
            _ => Method::Other,
        }
    }
}

/// The route of `path` for `method`, or the answer that refuses it: 404
/// for an unknown path, 405 for a write, 400 for a path that does not decode.
/// `counting` says whether uses are counted (`--usage-log`).
pub fn route(method: Method, path: &str, counting: bool) -> Result<Route, Answer> {
    // `…/{id}/use` is a route of its own only for POST: for GET it is the
    // response whose id ends in `/use`.
    let used = path
        .strip_prefix(API)
        .and_then(|p| p.strip_prefix("/canned-responses/"))
        .and_then(|p| p.strip_suffix("/use"))
        .filter(|id| !id.is_empty());
    match (used, method) {
        (Some(id), Method::Post) => return Ok(Route::Use(decode_id(id)?)),
        // Counting uses, `…/use` is for POST alone; a response whose id
        // ends in `/use` is still read as `…%2Fuse`.
        (Some(_), Method::Options) if counting => {
            return Err(Answer::empty(204).with_header("allow", "POST"))
        }
        (Some(_), _) if counting => {
            return Err(Answer::error(
                405,
                "POST here counts one use of the response; to read a response whose id ends in `/use`, write its last `/` as `%2F`",
            )
            .with_header("allow", "POST"))
        }
        _ => {}
    }
    let route = read_route(path)?.ok_or_else(|| {
        Answer::not_found(format!(
            "there is nothing at `{path}`: the API is under `{API}/`, described at `/openapi.json`"
        ))
    })?;
    match method {
        Method::Get | Method::Head => Ok(route),
        Method::Options => Err(Answer::empty(204).with_header("allow", "GET, HEAD")),
        _ => Err(Answer::read_only(READ_ONLY)),
    }
}

fn read_route(path: &str) -> Result<Option<Route>, Answer> {
    Ok(Some(match path {
        page if super::page::serves(page) => Route::Page,
        "/openapi.json" => Route::OpenApi,
        _ => {
            let Some(rest) = path.strip_prefix(API) else {
                return Ok(None);
            };
            match rest {
                "/canned-responses" => Route::List,
                "/categories" => Route::Categories,
                "/tags" => Route::Tags,
                "/placeholders" => Route::Placeholders,
                "/snippets" => Route::Snippets,
                "/problems" => Route::Problems,
                "/health" => Route::Health,
                "/events" => Route::Events,
                "/changes" => Route::Changes,
                _ => {
                    if let Some(id) = rest.strip_prefix("/canned-responses/") {
                        Route::Response(decode_id(id)?)
                    } else if let Some(id) = rest.strip_prefix("/render/") {
                        Route::Render(decode_id(id)?)
                    } else if let Some(id) = rest.strip_prefix("/history/") {
                        Route::History(decode_id(id)?)
                    } else if let Some(target) = rest.strip_prefix("/export/") {
                        Route::Export(decode_id(target)?)
                    } else {
                        return Ok(None);
                    }
                }
            }
        }
    }))
}

fn decode_id(raw: &str) -> Result<String, Answer> {
    decode_path(raw).map_err(|why| Answer::bad_parameter("id", format!("the id in the path {why}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(path: &str) -> Result<Route, u16> {
        route(Method::Get, path, false).map_err(|a| a.status)
    }

    #[test]
    fn ids_may_hold_slashes_and_be_percent_encoded() {
        assert_eq!(
            get("/api/v1/canned-responses/support/hours"),
            Ok(Route::Response("support/hours".into()))
        );
        assert_eq!(
            get("/api/v1/canned-responses/support%2Fhours"),
            Ok(Route::Response("support/hours".into()))
        );
        assert_eq!(
            get("/api/v1/canned-responses/support/use"),
            Ok(Route::Response("support/use".into()))
        );
        assert_eq!(get("/api/v1/render/a/b"), Ok(Route::Render("a/b".into())));
        assert_eq!(get("/api/v1/render/%FF"), Err(400));
        assert_eq!(get("/api/v1/nothing"), Err(404));
        assert_eq!(
            get("/api/v1/canned-responses/"),
            Ok(Route::Response("".into()))
        );
    }

    #[test]
    fn writes_are_refused_except_counting_a_use() {
        let post = |p: &str| route(Method::Post, p, false).map_err(|a| a.status);
        assert_eq!(
            post("/api/v1/canned-responses/support/hours/use"),
            Ok(Route::Use("support/hours".into()))
        );
        assert_eq!(post("/api/v1/canned-responses/support/hours"), Err(405));
        // Counting uses, the `…/use` URL is for POST alone.
        let put = route(Method::Other, "/api/v1/canned-responses/a/use", true).unwrap_err();
        assert_eq!((put.status, put.header("allow")), (405, Some("POST")));
        let options = route(Method::Options, "/api/v1/canned-responses/a/use", true).unwrap_err();
        assert_eq!(
            (options.status, options.header("allow")),
            (204, Some("POST"))
        );
        let refused = route(Method::Other, "/api/v1/canned-responses", false).unwrap_err();
        assert_eq!(refused.status, 405);
        assert_eq!(refused.header("allow"), Some("GET, HEAD"));
        assert!(String::from_utf8(refused.body.to_vec())
            .unwrap()
            .contains("committing"));
        assert_eq!(
            route(Method::Other, "/nope", false).unwrap_err().status,
            404
        );
        assert_eq!(
            route(Method::Options, "/api/v1/tags", false)
                .unwrap_err()
                .status,
            204
        );
    }
}
