//! What a target's `draft` gives the import: a response not yet written,
//! and the helpers that read a product's JSON.

use crate::config::Config;
use crate::export::Target;
use crate::response::Visibility;
use serde_json::Value;

/// A response read from a product, before it becomes a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub title: String,
    pub shortcut: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub owner: Option<String>,
    pub department: Option<String>,
    pub active: bool,
    pub locale: Option<String>,
    pub subject: Option<String>,
    pub description: Option<String>,
    pub body: Body,
    /// Where the file goes and its explicit id, when the source says
    /// (Cannery's own JSON).
    pub path: Option<String>,
    pub id: Option<String>,
}

impl Draft {
    pub fn new(title: impl Into<String>, body: Body) -> Draft {
        Draft {
            title: title.into(),
            shortcut: None,
            category: None,
            tags: Vec::new(),
            visibility: Visibility::Shared,
            owner: None,
            department: None,
            active: true,
            locale: None,
            subject: None,
            description: None,
            body,
            path: None,
            id: None,
        }
    }
}

/// A body as the product holds it, placeholders in its dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Markdown(String),
    Html(String),
    Text(String),
}

/// What a target's `draft` may ask about: the library's config, the owner
/// given on the command line, and where to say what was changed.
pub struct ImportCx<'a> {
    pub config: &'a Config,
    owner: Option<&'a str>,
    target: &'a dyn Target,
    pub warnings: Vec<String>,
}

impl<'a> ImportCx<'a> {
    pub fn new(config: &'a Config, target: &'a dyn Target, owner: Option<&'a str>) -> ImportCx<'a> {
        ImportCx {
            config,
            owner,
            target,
            warnings: Vec::new(),
        }
    }

    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    /// Makes `draft` private to the owner named by `--owner`, since the
    /// product does not say who it belongs to by email.
    pub fn private(&self, draft: &mut Draft) -> Result<(), String> {
        let owner = self.owner.ok_or_else(|| {
            format!(
                "it is private in {}, which does not say whose by email: pass --owner EMAIL",
                self.target.product()
            )
        })?;
        draft.visibility = Visibility::Private;
        draft.owner = Some(owner.to_string());
        Ok(())
    }

    /// The library's name under `targets.<target>.<key>` whose value is
    /// `id`: the department (or owner) an id in the product stands for.
    pub fn named(&self, key: &str, what: &str, id: &Value) -> Result<String, String> {
        let target = self.target.name();
        self.config
            .targets
            .get(target)
            .and_then(|t| t.get(key))
            .and_then(Value::as_object)
            .and_then(|map| map.iter().find(|(_, v)| *v == id))
            .map(|(name, _)| name.clone())
            .ok_or_else(|| {
                format!(
                    "its {} {what} {id} is not in `targets.{target}.{key}` in cannery.yaml: add it there under the library's name for it",
                    self.target.product()
                )
            })
    }

    /// Makes `draft` a department response for the product's `id`.
    pub fn department(&self, draft: &mut Draft, key: &str, id: &Value) -> Result<(), String> {
        draft.department = Some(self.named(key, "department", id)?);
        draft.visibility = Visibility::Department;
        Ok(())
    }
}

/// The first of `keys` that `item` has as a string.
pub fn text(item: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
        .map(String::from)
}

/// Like [`text`], but an error naming the field when there is none.
pub fn required(item: &Value, keys: &[&str]) -> Result<String, String> {
    text(item, keys)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("it has no `{}`", keys[0]))
}

/// The elements of `doc`: the document itself when it is an array, else the
/// array at the first of `paths` it has (`&["data", "cannedReplies"]`).
pub fn list(doc: Value, paths: &[&[&str]], shape: &str) -> Result<Vec<Value>, String> {
    if let Value::Array(items) = doc {
        return Ok(items);
    }
    for path in paths {
        let found = path.iter().try_fold(&doc, |v, key| v.get(*key));
        if let Some(Value::Array(items)) = found {
            return Ok(items.clone());
        }
    }
    Err(format!("expected a JSON array, or {shape}"))
}

/// A shortcut-like key (`business-hours`) as a title: `Business hours`.
pub fn title_from_key(key: &str) -> String {
    let words = key.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
