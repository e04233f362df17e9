//! A canned response, validated: it cannot hold a value the spec forbids.

use crate::config::Config;
use crate::front_matter::{Document, FrontMatter};
use crate::placeholder::{self, Placeholder};
use crate::problem::Finding;
use crate::render::{self, Rendered};
use crate::suggest;
use crate::yaml::Field;
use serde::Serialize;

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

const MAX_TITLE: usize = 120;
const MAX_SHORTCUT: usize = 64;
const MAX_TAG: usize = 40;
const MAX_DESCRIPTION: usize = 500;
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

#[derive(Clone, Debug, PartialEq)]
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
    /// The body's placeholders, aliases already given their canonical names.
    pub placeholders: Vec<Placeholder>,
    /// The body rendered with its placeholders written as they are.
    pub rendered: Rendered,
}

impl Response {
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
        render::render(&self.body, &self.placeholders, fill)
    }

    /// The body in Markdown with each placeholder written as `fill` says.
    pub fn body_with(&self, fill: impl FnMut(&Placeholder) -> String) -> String {
        placeholder::replace(&self.body, &self.placeholders, fill)
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

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
}

/// Turns a split file into a `Response`, or explains why it cannot be one.
/// Findings are in file offsets; a response comes back only when no
/// finding is an error.
pub fn validate(path: &str, doc: Document, config: &Config) -> (Option<Response>, Vec<Finding>) {
    let mut v = Validator {
        found: Vec::new(),
        at: doc.opening.clone(),
    };
    if !doc.complete {
        let (body, body_offset) = trim_body(doc.body, doc.body_offset);
        v.body(body, body_offset, config);
        return (None, v.found);
    }
    let front = doc.front;
    let id = v.id(path, front.id.as_ref());
    let title = v.title(front.title.as_ref());
    let shortcut = front.shortcut.as_ref().and_then(|s| v.shortcut(s));
    let category = v.category(front.category.as_ref(), config);
    let tags = v.tags(front.tags.as_ref());
    let (visibility, owner, department) = v.visibility(&front, config);
    let locale = match &front.locale {
        Some(locale) if is_locale(&locale.value) => locale.value.clone(),
        Some(locale) => {
            v.error(
                "invalid-locale",
                format!("`{}` is not a language tag", locale.value),
                locale,
                "write a BCP 47 tag such as `en`, `de` or `pt-BR`",
            );
            String::new()
        }
        None => config.default_locale.clone(),
    };
    let subject = front.subject.as_ref().map(|s| s.value.trim().to_string());
    if let Some(s) = &front.subject {
        if s.value.contains('\n') {
            v.error(
                "invalid-subject",
                "`subject` must be one line",
                s,
                "join the lines into one",
            );
        }
    }
    let description = front
        .description
        .as_ref()
        .map(|d| d.value.trim().to_string());
    if let Some(d) = &front.description {
        let n = d.value.trim().chars().count();
        if n > MAX_DESCRIPTION {
            v.error(
                "description-too-long",
                format!("`description` has {n} characters; the most is {MAX_DESCRIPTION}"),
                d,
                "shorten the note; the reply itself belongs in the body",
            );
        }
    }
    let (body, body_offset) = trim_body(doc.body, doc.body_offset);
    let placeholders = v.body(body, body_offset, config);

    if v.found
        .iter()
        .any(|f| f.severity == crate::problem::Severity::Error)
    {
        return (None, v.found);
    }
    let rendered = render::render(body, &placeholders, &|p| {
        placeholder::spell(&p.name, p.default.as_deref())
    });
    let response = Response {
        id,
        path: path.to_string(),
        title: title.unwrap_or_default(),
        shortcut,
        category,
        tags,
        visibility,
        owner,
        department,
        active: front.active.is_none_or(|a| a.value),
        locale,
        subject,
        description,
        body: body.to_string(),
        placeholders,
        rendered,
    };
    (Some(response), v.found)
}

/// The body without its surrounding blank lines, and where it starts.
fn trim_body(body: &str, offset: usize) -> (&str, usize) {
    let start = body.len() - body.trim_start_matches(['\n', '\r']).len();
    (body[start..].trim_end(), offset + start)
}

struct Validator {
    found: Vec<Finding>,
    /// Where problems about a missing field point: the opening `---`.
    at: std::ops::Range<usize>,
}

impl Validator {
    fn error<T>(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        field: &Field<T>,
        hint: impl Into<String>,
    ) {
        self.found
            .push(Finding::error(code, message, field.span.clone()).with_hint(hint));
    }

    fn warning<T>(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        field: &Field<T>,
        hint: impl Into<String>,
    ) {
        self.found
            .push(Finding::warning(code, message, field.span.clone()).with_hint(hint));
    }

    fn id(&mut self, path: &str, explicit: Option<&Field<String>>) -> String {
        if let Some(id) = explicit {
            if !is_id(&id.value) {
                self.error(
                    "invalid-id",
                    format!("`{}` is not a valid id", id.value),
                    id,
                    format!(
                        "use lowercase letters, digits, `.`, `_`, `-` and `/`, like `{}`",
                        slug_path(&id.value)
                    ),
                );
            }
            return id.value.clone();
        }
        let id = id_from_path(path);
        if !is_id(id) {
            self.found.push(
                Finding::error("invalid-id", format!("the file name `{path}` does not give a valid id"), self.at.clone())
                    .with_hint(format!(
                        "rename the file to `{}.md` (lowercase letters, digits, `.`, `_`, `-`), or set `id:` in the front matter",
                        slug_path(id)
                    )),
            );
        }
        id.to_string()
    }

    fn title(&mut self, title: Option<&Field<String>>) -> Option<String> {
        let Some(title) = title else {
            self.found.push(
                Finding::error(
                    "missing-title",
                    "this response has no `title`",
                    self.at.clone(),
                )
                .with_hint("add a line `title: …` to the front matter"),
            );
            return None;
        };
        let text = title.value.trim();
        let n = text.chars().count();
        if n == 0 {
            self.error(
                "invalid-title",
                "`title` is empty",
                title,
                "write a short title agents will recognise",
            );
        } else if n > MAX_TITLE {
            self.error(
                "invalid-title",
                format!("`title` has {n} characters; the most is {MAX_TITLE}"),
                title,
                "shorten the title",
            );
        } else if text.contains('\n') {
            self.error(
                "invalid-title",
                "`title` must be one line",
                title,
                "join the lines into one",
            );
        }
        Some(text.to_string())
    }

    fn shortcut(&mut self, shortcut: &Field<String>) -> Option<String> {
        if is_shortcut(&shortcut.value) {
            return Some(shortcut.value.clone());
        }
        let suggestion = slug(&shortcut.value)
            .chars()
            .take(MAX_SHORTCUT)
            .collect::<String>();
        self.error(
            "invalid-shortcut",
            format!("`{}` is not a valid shortcut", shortcut.value),
            shortcut,
            format!("use up to {MAX_SHORTCUT} lowercase letters, digits, `-` and `_`, like `{suggestion}`"),
        );
        None
    }

    fn category(&mut self, category: Option<&Field<String>>, config: &Config) -> String {
        match category {
            Some(c) if config.is_category(&c.value) => c.value.clone(),
            Some(c) => {
                let ids = config.categories.iter().map(|(id, _)| id.as_str());
                let hint = suggest::hint(&c.value, ids.clone()).unwrap_or_else(|| {
                    format!("the categories are: {}", ids.collect::<Vec<_>>().join(", "))
                });
                self.error(
                    "unknown-category",
                    format!("`{}` is not one of the library's categories", c.value),
                    c,
                    hint,
                );
                c.value.clone()
            }
            None if config.is_category("general") => "general".into(),
            None => {
                let ids: Vec<_> = config
                    .categories
                    .iter()
                    .map(|(id, _)| id.as_str())
                    .collect();
                self.found.push(
                    Finding::error(
                        "missing-category",
                        "this library has no `general` category, so `category` is required",
                        self.at.clone(),
                    )
                    .with_hint(format!("add `category:` with one of: {}", ids.join(", "))),
                );
                String::new()
            }
        }
    }

    fn tags(&mut self, tags: Option<&Field<Vec<Field<String>>>>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for tag in tags.map(|t| t.value.as_slice()).unwrap_or_default() {
            let text = tag.value.trim();
            let n = text.chars().count();
            if n == 0 || n > MAX_TAG {
                self.error(
                    "invalid-tag",
                    format!("a tag must have 1 to {MAX_TAG} characters; `{text}` has {n}"),
                    tag,
                    "shorten or remove the tag",
                );
            } else if out
                .iter()
                .any(|t| t.eq_ignore_ascii_case(text) || t.to_lowercase() == text.to_lowercase())
            {
                self.error(
                    "duplicate-tag",
                    format!("the tag `{text}` is listed twice"),
                    tag,
                    "remove one of them",
                );
            } else {
                out.push(text.to_string());
            }
        }
        out
    }

    fn visibility(
        &mut self,
        front: &FrontMatter,
        config: &Config,
    ) -> (Visibility, Option<String>, Option<String>) {
        let visibility = match &front.visibility {
            None => Visibility::Shared,
            Some(v) => match v.value.as_str() {
                "shared" => Visibility::Shared,
                "private" => Visibility::Private,
                "department" => Visibility::Department,
                other => {
                    let choices = ["shared", "private", "department"];
                    let hint = suggest::hint(other, choices)
                        .unwrap_or_else(|| "use `shared`, `private` or `department`".into());
                    self.error(
                        "invalid-visibility",
                        format!("`{other}` is not a visibility"),
                        v,
                        hint,
                    );
                    Visibility::Shared
                }
            },
        };
        let owner = match (&front.owner, visibility) {
            (Some(o), _) if !is_email(o.value.trim()) => {
                self.error(
                    "invalid-owner",
                    format!("`{}` is not an email address", o.value),
                    o,
                    "write the agent's email, like `ana@example.com`",
                );
                None
            }
            (Some(o), Visibility::Private) => Some(o.value.trim().to_string()),
            (Some(o), _) => {
                self.warning(
                    "unused-field",
                    "`owner` only counts for private responses",
                    o,
                    "remove it, or set `visibility: private`",
                );
                None
            }
            (None, Visibility::Private) => {
                let at = front
                    .visibility
                    .as_ref()
                    .map_or(self.at.clone(), |v| v.span.clone());
                self.found.push(
                    Finding::error("missing-owner", "a private response needs an `owner`", at)
                        .with_hint("add `owner:` with the email of the agent it belongs to"),
                );
                None
            }
            (None, _) => None,
        };
        let department = match (&front.department, visibility) {
            (Some(d), Visibility::Department) => {
                if !config.departments.is_empty() && !config.departments.contains(&d.value) {
                    let names = config.departments.iter().map(String::as_str);
                    let hint = suggest::hint(&d.value, names.clone()).unwrap_or_else(|| {
                        format!(
                            "the departments are: {}",
                            names.collect::<Vec<_>>().join(", ")
                        )
                    });
                    self.error(
                        "unknown-department",
                        format!("`{}` is not one of the library's departments", d.value),
                        d,
                        hint,
                    );
                }
                Some(d.value.clone())
            }
            (Some(d), _) => {
                self.warning(
                    "unused-field",
                    "`department` only counts when `visibility: department`",
                    d,
                    "remove it, or set `visibility: department`",
                );
                None
            }
            (None, Visibility::Department) => {
                let at = front
                    .visibility
                    .as_ref()
                    .map_or(self.at.clone(), |v| v.span.clone());
                self.found.push(
                    Finding::error(
                        "missing-department",
                        "a department response needs a `department`",
                        at,
                    )
                    .with_hint("add `department:` with the department it belongs to"),
                );
                None
            }
            (None, _) => None,
        };
        (visibility, owner, department)
    }

    /// Checks the body and returns its placeholders, aliases resolved.
    fn body(&mut self, body: &str, offset: usize, config: &Config) -> Vec<Placeholder> {
        let shift = |mut f: Finding| {
            f.span = f.span.start + offset..f.span.end + offset;
            f
        };
        let n = body.chars().count();
        if n == 0 {
            self.found.push(
                Finding::error("empty-body", "the body is empty", self.at.clone())
                    .with_hint("write the reply below the closing `---` line"),
            );
            return Vec::new();
        }
        if n > MAX_BODY {
            self.found.push(shift(
                Finding::error(
                    "body-too-long",
                    format!("the body has {n} characters; the most is {MAX_BODY}"),
                    0..0,
                )
                .with_hint("split it into shorter responses"),
            ));
            return Vec::new();
        }
        let scan = placeholder::scan(body);
        self.found.extend(scan.mistakes.into_iter().map(shift));
        let mut placeholders = scan.placeholders;
        for p in &mut placeholders {
            if BUILT_IN_PLACEHOLDERS.contains(&p.name.as_str())
                || config.placeholder(&p.name).is_some()
            {
                continue;
            }
            if let Some((_, canonical)) = PLACEHOLDER_ALIASES
                .iter()
                .find(|(alias, _)| *alias == p.name)
            {
                self.found.push(shift(
                    Finding::warning(
                        "placeholder-alias",
                        format!("`{}` is another helpdesk's name for `{canonical}`", p.name),
                        p.span.clone(),
                    )
                    .with_hint(format!(
                        "write `{}`",
                        placeholder::spell(canonical, p.default.as_deref())
                    )),
                ));
                p.name = canonical.to_string();
                continue;
            }
            let known = BUILT_IN_PLACEHOLDERS
                .iter()
                .copied()
                .chain(config.placeholders.iter().map(|p| p.name.as_str()));
            let hint = match suggest::did_you_mean(&p.name, known) {
                Some(name) => format!("did you mean `{name}`? A library's own placeholders are listed under `placeholders:` in cannery.yaml"),
                None => "use a built-in placeholder such as `contact.first_name`, or add it under `placeholders:` in cannery.yaml".into(),
            };
            self.found.push(shift(
                Finding::error(
                    "unknown-placeholder",
                    format!("`{}` is not a placeholder this library knows", p.name),
                    p.span.clone(),
                )
                .with_hint(hint),
            ));
        }
        self.found
            .extend(render::findings(body).into_iter().map(shift));
        placeholders
    }
}

/// A valid id path made from any path: each part slugged.
fn slug_path(path: &str) -> String {
    path.split('/').map(slug).collect::<Vec<_>>().join("/")
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
        assert_eq!(
            slug_path("Support/Business Hours"),
            "support/business-hours"
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

    fn check(text: &str) -> (Option<Response>, Vec<Finding>) {
        let (doc, mut found) = crate::front_matter::parse(text);
        let (r, more) = validate("support/hours.md", doc.unwrap(), &Config::default());
        found.extend(more);
        (r, found)
    }

    #[test]
    fn a_good_response_validates() {
        let (r, found) = check(
            "---\ntitle: Hours\nshortcut: hours\ntags: [a, b]\n---\n\nHi {{ contact_name }}!\n\n",
        );
        let r = r.unwrap();
        assert_eq!(
            (r.id.as_str(), r.category.as_str(), r.locale.as_str()),
            ("support/hours", "general", "en")
        );
        assert_eq!(r.body, "Hi {{ contact_name }}!");
        assert_eq!(r.placeholder_names(), ["contact.name"]);
        assert_eq!(
            found.iter().map(|f| f.code).collect::<Vec<_>>(),
            ["placeholder-alias"]
        );
    }

    #[test]
    fn each_rule_has_its_code() {
        let cases = [
            ("title: \"\"", "invalid-title"),
            ("shortcut: Hours!", "invalid-shortcut"),
            ("title: a\ncategory: suport", "unknown-category"),
            ("title: a\ntags: [a, A]", "duplicate-tag"),
            ("title: a\nvisibility: privat", "invalid-visibility"),
            ("title: a\nvisibility: private", "missing-owner"),
            (
                "title: a\nvisibility: private\nowner: nobody",
                "invalid-owner",
            ),
            ("title: a\nvisibility: department", "missing-department"),
            ("title: a\nlocale: english", "invalid-locale"),
            ("title: a\nid: Bad Id", "invalid-id"),
        ];
        for (front, code) in cases {
            let (r, found) = check(&format!("---\n{front}\n---\nbody"));
            assert!(r.is_none(), "{front}");
            assert!(found.iter().any(|f| f.code == code), "{front}: {found:?}");
        }
    }
}
