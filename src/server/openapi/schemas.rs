//! The schemas of `/openapi.json`: the shapes the API answers with.

use super::schema;
use serde_json::{json, Value};

pub fn all() -> Value {
    let author = json!({ "type": "object", "nullable": true, "required": ["name", "email"],
                         "properties": { "name": {"type": "string"}, "email": {"type": "string"} } });
    json!({
        "Response": object(
            &["id", "title", "shortcut", "category", "tags", "visibility", "owner", "department", "active", "locale", "subject", "description", "body", "html", "text", "placeholders", "path", "variants", "created_at", "created_by", "updated_at", "updated_by", "revision"],
            json!({
                "id": {"type": "string"}, "title": {"type": "string"}, "shortcut": nullable("string"),
                "category": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": {"type": "string", "enum": ["shared", "private", "department"]},
                "owner": nullable("string"), "department": nullable("string"), "active": {"type": "boolean"},
                "locale": {"type": "string"}, "subject": nullable("string"), "description": nullable("string"),
                "body": {"type": "string", "description": "Markdown, placeholders as written"},
                "html": {"type": "string"}, "text": {"type": "string"},
                "placeholders": {"type": "array", "items": {"type": "string"}},
                "path": {"type": "string"},
                "variants": {"type": "object", "description": "The response in other languages, by locale", "additionalProperties": schema("Variant")},
                "created_at": nullable("string"), "created_by": author, "updated_at": nullable("string"), "updated_by": author,
                "revision": {"type": "string", "nullable": true, "description": "The last commit that touched the file"},
                "usage_count": {"type": "integer", "description": "Only with `serve --usage-log`"},
                "last_used_at": {"type": "string", "nullable": true, "description": "Only with `serve --usage-log`"},
            }),
        ),
        "Meta": object(&["total", "page", "per_page", "revision"], json!({
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "revision": {"type": "string", "nullable": true, "description": "The commit the library was read at"},
        })),
        "Links": object(&["self", "first", "prev", "next", "last"], json!({
            "self": {"type": "string"}, "first": {"type": "string"}, "prev": nullable("string"),
            "next": nullable("string"), "last": {"type": "string"},
        })),
        "Error": object(&["error"], json!({ "error": object(&["status", "code", "message"], json!({
            "status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"},
            "parameter": {"type": "string", "description": "The parameter a 400 is about"},
        }))})),
        "Rendered": object(&["id", "format", "locale", "content", "missing"], json!({
            "id": {"type": "string"}, "format": {"type": "string", "enum": ["markdown", "html", "text"]},
            "locale": {"type": "string"}, "content": {"type": "string"},
            "missing": {"type": "array", "items": {"type": "string"}},
        })),
        "Category": counted(json!({ "id": {"type": "string"}, "label": {"type": "string"} })),
        "Tag": counted(json!({ "name": {"type": "string"} })),
        "Placeholder": counted(json!({
            "name": {"type": "string"}, "built_in": {"type": "boolean"},
            "description": nullable("string"), "example": nullable("string"),
        })),
        "Problem": object(&["severity", "code", "file", "line", "column", "end_line", "end_column", "message"], json!({
            "severity": {"type": "string", "enum": ["error", "warning"]}, "code": {"type": "string"},
            "file": {"type": "string"}, "line": {"type": "integer"}, "column": {"type": "integer"},
            "end_line": {"type": "integer"}, "end_column": {"type": "integer"},
            "message": {"type": "string"}, "hint": {"type": "string"},
        })),
        "Problems": object(&["problems", "summary"], json!({
            "problems": {"type": "array", "items": schema("Problem")},
            "summary": object(&["errors", "warnings", "files", "responses"], json!({
                "errors": {"type": "integer"}, "warnings": {"type": "integer"},
                "files": {"type": "integer"}, "responses": {"type": "integer"},
            })),
        })),
        "Health": object(&["status", "revision", "responses", "problems", "loaded_at", "generation"], json!({
            "status": {"type": "string", "enum": ["ok"]}, "revision": nullable("string"),
            "responses": {"type": "integer"}, "problems": {"type": "integer"},
            "loaded_at": {"type": "string"}, "generation": {"type": "integer"},
        })),
        "ResponseList": list_of("Response"),
        "ResponseOne": one_of("Response"),
        "RenderedOne": one_of("Rendered"),
        "CategoryList": list_of("Category"),
        "TagList": list_of("Tag"),
        "PlaceholderList": list_of("Placeholder"),
        "Variant": object(&["title", "subject", "description", "body", "html", "text", "placeholders", "path"], json!({
            "title": {"type": "string"}, "subject": nullable("string"), "description": nullable("string"),
            "body": {"type": "string"}, "html": {"type": "string"}, "text": {"type": "string"},
            "placeholders": {"type": "array", "items": {"type": "string"}}, "path": {"type": "string"},
        })),
        "Snippet": object(&["name", "path", "description", "body", "used_by"], json!({
            "name": {"type": "string"}, "path": {"type": "string"}, "description": nullable("string"),
            "body": {"type": "string"},
            "used_by": {"type": "array", "items": {"type": "string"}, "description": "Ids of the responses that include it, directly or not"},
        })),
        "SnippetList": list_of("Snippet"),
        "Event": object(&["kind", "id", "old_id", "commit", "author", "date", "subject", "path", "old_path"], json!({
            "kind": {"type": "string", "enum": ["created", "changed", "renamed", "deleted"]},
            "id": {"type": "string"}, "old_id": nullable("string"), "commit": {"type": "string"},
            "author": object(&["name", "email"], json!({"name": {"type": "string"}, "email": {"type": "string"}})),
            "date": {"type": "string", "description": "The author date, RFC 3339 UTC"},
            "subject": {"type": "string", "description": "The first line of the commit message"},
            "path": {"type": "string"}, "old_path": nullable("string"),
        })),
        "EventList": list_of("Event"),
        "ProblemsOne": one_of("Problems"),
        "HealthOne": one_of("Health"),
    })
}

pub fn list_of(item: &str) -> Value {
    json!({
        "type": "object",
        "required": ["data", "meta", "links"],
        "properties": {
            "data": { "type": "array", "items": schema(item) },
            "meta": schema("Meta"),
            "links": schema("Links"),
        },
    })
}

pub fn one_of(item: &str) -> Value {
    json!({ "type": "object", "required": ["data"], "properties": { "data": schema(item) } })
}

fn nullable(kind: &str) -> Value {
    json!({ "type": kind, "nullable": true })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

fn counted(mut properties: Value) -> Value {
    properties["count"] = json!({"type": "integer", "description": "Active responses"});
    properties["inactive"] = json!({"type": "integer", "description": "Inactive responses"});
    let required: Vec<String> = properties
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    json!({ "type": "object", "required": required, "properties": properties })
}
