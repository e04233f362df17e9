//! The response object of the JSON API, `list --json` and `export --to
//! json`: one shape, built in one place.

use crate::render::Rendered;
use crate::response::{Response, Visibility};
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// The response in other languages, by locale.
    pub variants: BTreeMap<&'a str, VariantObject<'a>>,
    #[serde(flatten)]
    pub provenance: Provenance,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// What a variant has of its own.
#[derive(Clone, Debug, Serialize)]
pub struct VariantObject<'a> {
    pub title: &'a str,
    pub subject: Option<&'a str>,
    pub description: Option<&'a str>,
    pub body: &'a str,
    pub html: &'a str,
    pub text: &'a str,
    pub placeholders: Vec<&'a str>,
    pub path: &'a str,
}

impl<'a> VariantObject<'a> {
    pub fn new(v: &'a Response) -> VariantObject<'a> {
        VariantObject::rendered_as(v, v.rendered())
    }

    /// The object of `v`, rendered as `rendered`.
    pub fn rendered_as(v: &'a Response, rendered: &'a Rendered) -> VariantObject<'a> {
        VariantObject {
            title: &v.title,
            subject: v.subject.as_deref(),
            description: v.description.as_deref(),
            body: &v.body,
            html: &rendered.html,
            text: &rendered.text,
            placeholders: v.placeholder_names(),
            path: &v.path,
        }
    }
}

impl<'a> ResponseObject<'a> {
    pub fn new(
        r: &'a Response,
        provenance: Provenance,
        usage: Option<Usage>,
    ) -> ResponseObject<'a> {
        let variants = r
            .variants
            .iter()
            .map(|v| (v.locale.as_str(), VariantObject::new(v)))
            .collect();
        ResponseObject::rendered_as(r, r.rendered(), variants, provenance, usage)
    }

    /// The object of `r`, rendered as `rendered`, with these variants.
    pub fn rendered_as(
        r: &'a Response,
        rendered: &'a Rendered,
        variants: BTreeMap<&'a str, VariantObject<'a>>,
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
            html: &rendered.html,
            text: &rendered.text,
            placeholders: r.placeholder_names(),
            path: &r.path,
            variants,
            provenance,
            usage,
        }
    }
}
