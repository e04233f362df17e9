//! A canned response, validated: it cannot hold a value the spec forbids.

use crate::placeholder::{self, Placeholder};
use crate::problem::Problem;
use crate::render::{self, Rendered};
use serde::Serialize;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

pub const BUILT_IN_PLACEHOLDERS: &[&str] = &[
    "contact.name",
    "contact.first_name",
    "contact.last_name",
    "contact.email",
    "contact.phone",
    "agent.name",
    "agent.first_name",
    "agent.email",
    "ticket.id",
    "ticket.subject",
    "company.name",
];

/// Spellings used by existing helpdesks, and Cannery's name for each.
pub const PLACEHOLDER_ALIASES: &[(&str, &str)] = &[
    ("contact_name", "contact.name"),
    ("phone_number", "contact.phone"),
];

pub const MAX_TITLE: usize = 120;
pub const MAX_SHORTCUT: usize = 64;
pub const MAX_TAG: usize = 40;
pub const MAX_DESCRIPTION: usize = 500;
pub const MAX_BODY: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Shared,
    Private,
    Department,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Shared => "shared",
            Visibility::Private => "private",
            Visibility::Department => "department",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Response {
    pub id: String,
    /// The file, relative to the library root.
    pub path: String,
    pub title: String,
    pub shortcut: Option<String>,
    pub category: String,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub owner: Option<String>,
    pub department: Option<String>,
    pub active: bool,
    pub locale: String,
    pub subject: Option<String>,
    pub description: Option<String>,
    /// The Markdown body as written, surrounding blank lines removed.
    pub body: String,
    /// Where `body` starts in the file, for problems found in it later.
    pub body_start: BodyStart,
    /// The body with its snippets included, when it includes any: what
    /// renders and exports.
    pub(crate) expanded: Option<String>,
    /// The snippets the body includes, directly or not, sorted.
    pub includes: Vec<String>,
    /// The placeholders of what renders (the expanded body), aliases already
    /// given their canonical names.
    pub placeholders: Vec<Placeholder>,
    /// The body rendered with its placeholders written as they are; made
    /// on first use, since `check` never needs it.
    pub(crate) rendered: OnceLock<Rendered>,
    /// The response in other languages, sorted by locale: each a whole
    /// response with the base's fields and its own text.
    pub variants: Vec<Response>,
}

/// Where a response's body starts in its file: at the start of a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BodyStart {
    /// The byte offset.
    pub offset: usize,
    /// The line, counted from 1.
    pub line: usize,
}

impl Response {
    /// `problem` pointed at `span` of what renders (the expanded body), in
    /// the file. A span in text a snippet brought in is not in the file:
    /// the problem then stays on the file as a whole.
    pub fn locate(&self, problem: Problem, span: Range<usize>) -> Problem {
        if self.expanded.is_some() || self.body_start.line == 0 {
            return problem;
        }
        let found = problem.at(&self.body, span);
        let shift = self.body_start.line - 1;
        let offset = self.body_start.offset;
        Problem {
            line: found.line + shift,
            end_line: found.end_line + shift,
            span: found.span.start + offset..found.span.end + offset,
            ..found
        }
    }

    /// The variant to answer for `locale`, falling back `pt-BR` → `pt`;
    /// `None` means the base itself. Tags compare ignoring case.
    pub fn variant(&self, locale: &str) -> Option<&Response> {
        let find = |tag: &str| {
            self.variants
                .iter()
                .find(|v| v.locale.eq_ignore_ascii_case(tag))
        };
        if locale.eq_ignore_ascii_case(&self.locale) {
            return None;
        }
        find(locale).or_else(|| {
            let language = locale.split('-').next()?;
            if language.eq_ignore_ascii_case(&self.locale) {
                return None;
            }
            find(language)
        })
    }

    /// The body as HTML and as text, placeholders written as they are.
    pub fn rendered(&self) -> &Rendered {
        self.rendered.get_or_init(|| self.render_plain())
    }

    fn render_plain(&self) -> Rendered {
        self.render_with(&|p| placeholder::spell(&p.name, p.default.as_deref()))
    }

    /// The rendering `rendered` gives, without keeping it when it was not
    /// made before: an export reads each response's once, and the server
    /// keeps each answer's bytes; keeping the rendering too held a second
    /// copy of the library in memory.
    pub fn rendered_once(&self) -> Cow<'_, Rendered> {
        match self.rendered.get() {
            Some(rendered) => Cow::Borrowed(rendered),
            None => Cow::Owned(self.render_plain()),
        }
    }

    /// The distinct placeholder names, in order of first use.
    pub fn placeholder_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.placeholders {
            if !names.contains(&p.name.as_str()) {
                names.push(&p.name);
            }
        }
        names
    }

    /// Renders the body with each placeholder written as `fill` says.
    pub fn render_with(&self, fill: &dyn Fn(&Placeholder) -> String) -> Rendered {
        render::render(self.expanded_body(), &self.placeholders, fill)
    }

    /// The body with snippets included: what renders and exports.
    pub fn expanded_body(&self) -> &str {
        self.expanded.as_deref().unwrap_or(&self.body)
    }

    /// The body in Markdown with each placeholder written as `fill` says.
    pub fn body_with(&self, fill: impl FnMut(&Placeholder) -> String) -> String {
        placeholder::replace(self.expanded_body(), &self.placeholders, fill)
    }
}

/// The id a path gives: the path without `.md`.
pub fn id_from_path(path: &str) -> &str {
    path.strip_suffix(".md").unwrap_or(path)
}

/// Whether `id` is a valid id: `[a-z0-9][a-z0-9._/-]*`, with no empty,
/// `.` or `..` parts.
pub fn is_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '/' | '-')
        })
        && id
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// A valid id made from any text: lowercase, words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if let Some(plain) = fold_accent(c) {
            out.push(plain);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "response".into()
    } else {
        out
    }
}

fn fold_accent(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ß' => 's',
        _ => return None,
    })
}

/// Whether `tag` is a well-formed BCP 47 language tag (`en`, `pt-BR`,
/// `zh-Hant-TW`, `es-419`).
pub fn is_locale(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(language) = parts.next() else {
        return false;
    };
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Whether `shortcut` is valid: 1–64 of `[a-z0-9_-]`, starting with a
/// letter or digit.
pub fn is_shortcut(shortcut: &str) -> bool {
    (1..=MAX_SHORTCUT).contains(&shortcut.len())
        && shortcut.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && shortcut
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_id("support/business-hours") && is_id("a.b_c/1"));
        assert!(
            !is_id("Support/x")
                && !is_id("-a")
                && !is_id("a//b")
                && !is_id("a/../b")
                && !is_id("a b")
        );
        assert_eq!(
            slug("Business Hours: Café & More!"),
            "business-hours-cafe-more"
        );
    }

    #[test]
    fn locales() {
        for ok in ["en", "pt-BR", "zh-Hant-TW", "es-419"] {
            assert!(is_locale(ok), "{ok}");
        }
        for bad in ["", "e", "english", "pt_BR", "en-"] {
            assert!(!is_locale(bad), "{bad}");
        }
    }

    #[test]
    fn shortcuts() {
        assert!(is_shortcut("hours") && is_shortcut("1st-reply_x"));
        assert!(
            !is_shortcut("-x")
                && !is_shortcut("Hours")
                && !is_shortcut("")
                && !is_shortcut(&"a".repeat(65))
        );
    }
}
