//! The response object of the JSON API, `list --json` and `export --to
//! json`: one shape, built in one place.

use crate::response::{Response, Visibility};
use serde::Serialize;

/// A person as git records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Author {
    pub name: String,
    pub email: String,
}

/// Where a response's file came from in git; all `None` outside git.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub created_at: Option<String>,
    pub created_by: Option<Author>,
    pub updated_at: Option<String>,
    pub updated_by: Option<Author>,
    /// The last commit that touched the file.
    pub revision: Option<String>,
}

/// How often a response was used, from the usage log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub usage_count: u64,
    pub last_used_at: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResponseObject<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub shortcut: Option<&'a str>,
    pub category: &'a str,
    pub tags: &'a [String],
    pub visibility: Visibility,
    pub owner: Option<&'a str>,
    pub department: Option<&'a str>,
    pub active: bool,
    pub locale: &'a str,
    pub subject: Option<&'a str>,
    pub description: Option<&'a str>,
    pub body: &'a str,
    pub html: &'a str,
    pub text: &'a str,
    pub placeholders: Vec<&'a str>,
    pub path: &'a str,
    #[serde(flatten)]
    pub provenance: Provenance,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl<'a> ResponseObject<'a> {
    pub fn new(
        r: &'a Response,
        provenance: Provenance,
        usage: Option<Usage>,
    ) -> ResponseObject<'a> {
        ResponseObject {
            id: &r.id,
            title: &r.title,
            shortcut: r.shortcut.as_deref(),
            category: &r.category,
            tags: &r.tags,
            visibility: r.visibility,
            owner: r.owner.as_deref(),
            department: r.department.as_deref(),
            active: r.active,
            locale: &r.locale,
            subject: r.subject.as_deref(),
            description: r.description.as_deref(),
            body: &r.body,
            html: &r.rendered().html,
            text: &r.rendered().text,
            placeholders: r.placeholder_names(),
            path: &r.path,
            provenance,
            usage,
        }
    }
}
