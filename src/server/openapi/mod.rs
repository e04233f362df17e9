//! `GET /openapi.json`: the API described in OpenAPI 3.0, written by hand
//! beside the routes it describes. A test checks that every route is in it.

use super::envelope::Answer;
use super::events::MAX_STREAMS;
use super::paging::MAX_PER_PAGE;
use super::params::MAX_PAGE;
use serde_json::{json, Value};
use std::sync::OnceLock;

mod schemas;

/// The document of this server: `POST …/{id}/use` is in it only when
/// uses are counted (`--usage-log`). Without it that route is a 405 like
/// every write, and a client (schemathesis, for one) that reads the
/// document must not be told it may count uses.
pub fn answer(counting: bool) -> Answer {
    static COUNTING: OnceLock<Value> = OnceLock::new();
    static READ_ONLY: OnceLock<Value> = OnceLock::new();
    if counting {
        Answer::json(200, COUNTING.get_or_init(document))
    } else {
        Answer::json(
            200,
            READ_ONLY.get_or_init(|| {
                let mut document = document();
                if let Some(paths) = document["paths"].as_object_mut() {
                    paths.remove(USE);
                }
                document
            }),
        )
    }
}

const USE: &str = "/api/v1/canned-responses/{id}/use";

pub fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn content(name: &str) -> Value {
    json!({ "application/json": { "schema": schema(name) } })
}

fn ok(description: &str, name: &str) -> Value {
    json!({ "description": description, "content": content(name) })
}

fn error(description: &str) -> Value {
    ok(description, "Error")
}

/// Answers every read route may give besides its own 200.
fn read_answers(found: Value, not_found: bool) -> Value {
    let mut answers = json!({
        "200": found,
        "304": { "description": "Not modified: the `If-None-Match` tag is current" },
        "400": error("A parameter is wrong; the message and `parameter` name it"),
        "401": error("A token is required and the request did not carry it"),
    });
    if not_found {
        answers["404"] = error("No response has this id");
    }
    answers
}

fn get(summary: &str, parameters: Value, answers: Value) -> Value {
    json!({ "get": {
        "summary": summary,
        "parameters": parameters,
        "responses": answers,
    }})
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

fn locale() -> Value {
    query(
        "locale",
        "Answer the variant in this language (BCP 47): `pt-BR` falls back to `pt`, then to the response itself. `locale` in the answer and `Content-Language` say which was answered.",
        json!({"type": "string"}),
    )
}

fn paging() -> Vec<Value> {
    vec![
        query(
            "page",
            "The page, from 1",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
        ),
        query(
            "per_page",
            "Items per page",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50}),
        ),
    ]
}

fn id() -> Value {
    json!({
        "name": "id", "in": "path", "required": true,
        "description": "The response's id: its path in the library without `.md`. It may hold `/`, written as is or as `%2F` (write it as `%2F` before a final `use`, which would otherwise count a use).",
        "schema": { "type": "string", "minLength": 1 },
    })
}

fn document() -> Value {
    let mut list_parameters = vec![
        query("q", "Words to search for in the title, shortcut, tags and body; every word must match, title and shortcut hits rank first", json!({"type": "string"})),
        query("category", "Only this category", json!({"type": "string"})),
        json!({ "name": "tag", "in": "query", "required": false, "description": "Only responses with this tag; repeat it for several, all must match",
                "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true }),
        query("visibility", "Only this visibility", json!({"type": "string", "enum": ["shared", "private", "department"]})),
        query("owner", "Only private responses of this agent (email)", json!({"type": "string"})),
        query("department", "Only this department", json!({"type": "string"})),
        query("locale", "Only this locale (BCP 47)", json!({"type": "string"})),
        query("active", "Active responses (`true`, the default), inactive ones, or `any`", json!({"type": "string", "enum": ["true", "false", "any"], "default": "true"})),
        query("sort", "The order; by relevance when `q` is given and `sort` is not, else by title. Responses without the key (no shortcut, no git dates) come last.",
              json!({"type": "string", "enum": ["title", "-title", "created", "-created", "updated", "-updated", "shortcut"]})),
    ];
    list_parameters.extend(paging());

    let mut paths = serde_json::Map::new();
    paths.insert(
        "/api/v1/canned-responses".into(),
        get(
            "The responses, filtered, sorted and paged",
            json!(list_parameters),
            read_answers(ok("A page of responses", "ResponseList"), false),
        ),
    );
    paths.insert(
        "/api/v1/canned-responses/{id}".into(),
        get(
            "One response, or its variant in another language",
            json!([id(), locale()]),
            read_answers(ok("The response", "ResponseOne"), true),
        ),
    );
    paths.insert(USE.into(), json!({ "post": {
        "summary": "Count one use of a response (only with `serve --usage-log`)",
        "description": "Appends one line to the usage log; an unknown id writes nothing.",
        "parameters": [id(), query("agent", "Who used it (or `agent` in the body)", json!({"type": "string", "minLength": 1, "maxLength": 200}))],
        "requestBody": { "required": false, "content": { "application/json": { "schema": {
            "type": "object", "additionalProperties": false,
            "properties": { "agent": {"type": "string", "minLength": 1, "maxLength": 200} } } } } },
        "responses": {
            "204": { "description": "Counted" },
            "400": error("The body or a parameter is wrong"),
            "401": error("A token is required and the request did not carry it"),
            "404": error("No response has this id; nothing was written"),
            "405": error("Counting uses is off (the server runs without `--usage-log`)"),
            "413": error("The body is too large"),
        },
    }}));
    paths.insert("/api/v1/render/{id}".into(), get(
        "A response's body with its placeholders filled from the query (`?contact.first_name=Ana`); an empty value counts as none",
        json!([id(), locale(), query("format", "What to render", json!({"type": "string", "enum": ["markdown", "html", "text"], "default": "markdown"}))]),
        read_answers(ok("The rendered body, and the placeholders that got no value and have no default", "RenderedOne"), true),
    ));
    paths.insert(
        "/api/v1/categories".into(),
        get(
            "The library's categories, with counts",
            json!(paging()),
            read_answers(ok("The categories", "CategoryList"), false),
        ),
    );
    paths.insert(
        "/api/v1/tags".into(),
        get(
            "Every tag in use, with counts",
            json!(paging()),
            read_answers(ok("The tags", "TagList"), false),
        ),
    );
    paths.insert(
        "/api/v1/placeholders".into(),
        get(
            "The placeholders a response may use, with counts",
            json!(paging()),
            read_answers(ok("The placeholders", "PlaceholderList"), false),
        ),
    );
    let mut history_parameters = vec![id()];
    history_parameters.extend(paging());
    paths.insert(
        "/api/v1/history/{id}".into(),
        get(
            "The commits that created, changed, renamed or deleted a response, newest first (404 outside git)",
            json!(history_parameters),
            read_answers(ok("The history events", "EventList"), true),
        ),
    );
    let mut since_parameters = vec![json!({
        "name": "since", "in": "query", "required": true,
        "description": "The commit the caller saw last (a commit id, a unique prefix of one, or a branch or tag name), such as the `meta.revision` of its last answer",
        "schema": {"type": "string", "minLength": 1},
    })];
    since_parameters.extend(paging());
    paths.insert(
        "/api/v1/changes".into(),
        get(
            "Every response created, changed, renamed or deleted after a revision, newest first: what a sync job applies (404 outside git, or when `since` names no commit of the history)",
            json!(since_parameters),
            read_answers(ok("The history events", "EventList"), true),
        ),
    );
    paths.insert(
        "/api/v1/snippets".into(),
        get(
            "The snippets responses include with `{{> name }}`, and where each is used",
            json!(paging()),
            read_answers(ok("The snippets", "SnippetList"), false),
        ),
    );
    paths.insert("/api/v1/export/{target}".into(), json!({ "get": {
        "summary": "The library as `cannery export --to {target}` writes it: the same bytes",
        "parameters": [
            { "name": "target", "in": "path", "required": true, "schema": { "type": "string", "enum": crate::config::TARGETS } },
            { "name": "locale", "in": "query", "required": false, "schema": { "type": "string" }, "description": "Only this language (a BCP 47 tag), falling back pt-BR → pt → the response" },
        ],
        "responses": {
            "200": { "description": "The export: a JSON array of create-request bodies (CSV for zammad-csv)", "content": {
                "application/json": { "schema": { "type": "array", "items": { "type": "object" } } },
                "text/csv": { "schema": { "type": "string" } },
            } },
            "304": {"description": "Not modified"},
            "400": error("A parameter is not understood"),
            "401": error("A token is required and the request did not carry it"),
            "404": error("There is no such export target"),
            "409": error("The library breaks the target's limits, or has errors: nothing is exported"),
        },
    }}));
    paths.insert(
        "/api/v1/problems".into(),
        get(
            "The library's problems, as `cannery check --format json`",
            json!([]),
            read_answers(ok("The problems", "ProblemsOne"), false),
        ),
    );
    paths.insert("/api/v1/health".into(), json!({ "get": {
        "summary": "Whether the server is up, and what it serves; needs no token",
        "security": [],
        "responses": { "200": ok("Up", "HealthOne"), "304": {"description": "Not modified"}, "400": error("This route takes no parameters") },
    }}));
    paths.insert("/api/v1/events".into(), json!({ "get": {
        "summary": "Server-Sent Events: a `reload` event now, and one each time a new index is served",
        "description": format!("The data of each `reload` event is `{{\"generation\", \"revision\", \"loaded_at\"}}`; a page compares it with what it shows. A heartbeat comment comes every 15 s, and the stream ends after 5 minutes (`EventSource` reconnects). At most {MAX_STREAMS} streams at once."),
        "responses": {
            "200": { "description": "The event stream", "content": { "text/event-stream": { "schema": { "type": "string" } } } },
            "401": error("A token is required and the request did not carry it"),
            "503": error("Too many event streams are open; try again after `Retry-After` seconds"),
        },
    }}));
    paths.insert("/".into(), json!({ "get": {
        "summary": "The preview page",
        "description": "With a token, a browser opens `/?token=TOKEN` once: the right token is answered with a 303 to `/` and a `cannery_token` cookie (HttpOnly, SameSite=Strict) that every route then takes like the bearer token.",
        "parameters": [{
            "name": "token", "in": "query", "required": false,
            "description": "The server's token, to get the cookie; only when the server has a token",
            "schema": { "type": "string" },
        }],
        "responses": {
            "200": { "description": "HTML", "content": { "text/html": { "schema": { "type": "string" } } } },
            "303": {
                "description": "The token was right: a cookie that lets this browser in, and `/` to go to",
                "headers": {
                    "Set-Cookie": { "schema": { "type": "string" } },
                    "Location": { "schema": { "type": "string" } },
                },
            },
            "401": error("A token is required and the request did not carry it, or `token` is wrong"),
        },
    }}));
    paths.insert("/openapi.json".into(), json!({ "get": {
        "summary": "This document",
        "responses": {
            "200": { "description": "OpenAPI 3.0", "content": { "application/json": { "schema": { "type": "object" } } } },
            "401": error("A token is required and the request did not carry it"),
        },
    }}));

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Cannery",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A support team's canned responses, read-only. The library is changed by editing its files and committing them: `POST`, `PUT`, `PATCH` and `DELETE` get 405. Every JSON answer carries an `ETag`; `If-None-Match` gets 304. `HEAD` works wherever `GET` does.",
        },
        "security": [{}, {"bearer": []}, {"cookie": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "Needed when the server runs with a token (`--token-file` or `$CANNERY_TOKEN`)" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": "cannery_token", "description": "What a browser gets from `/?token=TOKEN`: the token in hex, taken like the bearer token" },
            },
            "schemas": schemas::all(),
        },
    })
}

/// The paths the document describes, for the test that every route is in it.
#[cfg(test)]
pub fn paths() -> Vec<String> {
    document()["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::router::{route, Method, Route};
    use super::*;

    #[test]
    fn counting_uses_is_described_only_when_it_is_on() {
        let paths_of = |counting| -> serde_json::Value {
            serde_json::from_slice(&answer(counting).body).unwrap()
        };
        assert!(paths_of(true)["paths"][USE]["post"].is_object());
        assert!(paths_of(false)["paths"].get(USE).is_none());
        assert!(paths_of(false)["paths"]["/api/v1/canned-responses/{id}"].is_object());
    }

    #[test]
    fn every_route_is_described() {
        let documented = paths();
        for path in &documented {
            let concrete = path.replace("{id}", "support/hours");
            let method = if path.ends_with("/use") {
                Method::Post
            } else {
                Method::Get
            };
            assert!(
                route(method, &concrete, true).is_ok(),
                "{path} is described but is no route"
            );
        }
        // Every route the router knows, by an example path of each.
        let examples = [
            (Route::Page, "/"),
            (Route::OpenApi, "/openapi.json"),
            (Route::List, "/api/v1/canned-responses"),
            (
                Route::Response(String::new()),
                "/api/v1/canned-responses/{id}",
            ),
            (
                Route::Use(String::new()),
                "/api/v1/canned-responses/{id}/use",
            ),
            (Route::Render(String::new()), "/api/v1/render/{id}"),
            (Route::History(String::new()), "/api/v1/history/{id}"),
            (Route::Changes, "/api/v1/changes"),
            (Route::Export(String::new()), "/api/v1/export/{target}"),
            (Route::Categories, "/api/v1/categories"),
            (Route::Tags, "/api/v1/tags"),
            (Route::Placeholders, "/api/v1/placeholders"),
            (Route::Snippets, "/api/v1/snippets"),
            (Route::Problems, "/api/v1/problems"),
            (Route::Health, "/api/v1/health"),
            (Route::Events, "/api/v1/events"),
        ];
        for (route, path) in examples {
            // A new route must be added here and to the document.
            match route {
                Route::Page
                | Route::OpenApi
                | Route::List
                | Route::Response(_)
                | Route::Use(_)
                | Route::Render(_)
                | Route::History(_)
                | Route::Changes
                | Route::Export(_)
                | Route::Categories
                | Route::Tags
                | Route::Placeholders
                | Route::Snippets
                | Route::Problems
                | Route::Health
                | Route::Events => {}
            }
            assert!(
                documented.iter().any(|d| d == path),
                "{path} is missing from /openapi.json"
            );
        }
    }
}
