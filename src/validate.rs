//! Validation: a split file becomes a `Response`, or the reasons it
//! cannot be one. Every rule of SPEC §1.1 lives here.

use crate::config::Config;
use crate::front_matter::{Document, FrontMatter};
use crate::placeholder::{self, Placeholder};
use crate::problem::Finding;
use crate::render;
use crate::response::*;
use crate::snippet::{Expanded, Snippet, Snippets};
use crate::suggest;
use crate::yaml::Field;
use std::sync::OnceLock;

/// Turns a split file into a `Response`, or explains why it cannot be one.
/// Findings are in file offsets; a response comes back only when no
/// finding is an error.
pub fn validate(path: &str, doc: Document, ctx: &Context) -> (Option<Response>, Vec<Finding>) {
    let config = ctx.config;
    let mut v = Validator {
        found: Vec::new(),
        at: doc.opening.clone(),
    };
    if !doc.complete {
        let (body, body_offset) = trim_body(doc.body, doc.body_offset);
        v.body(body, body_offset, ctx);
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
    let subject = v.subject(front.subject.as_ref());
    let description = v.description(front.description.as_ref());
    let (body, body_offset) = trim_body(doc.body, doc.body_offset);
    let (expanded, placeholders) = v.body(body, body_offset, ctx);

    if v.found
        .iter()
        .any(|f| f.severity == crate::problem::Severity::Error)
    {
        return (None, v.found);
    }
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
        body_start: body_start(doc.body, doc.body_offset, doc.body_line, body_offset),
        includes: expanded
            .as_ref()
            .map(|e| e.used.clone())
            .unwrap_or_default(),
        expanded: expanded.map(|e| e.text),
        placeholders,
        rendered: OnceLock::new(),
        variants: Vec::new(),
    };
    (Some(response), v.found)
}

/// The body without its surrounding blank lines, and where it starts.
pub(crate) fn trim_body(body: &str, offset: usize) -> (&str, usize) {
    let start = body.len() - body.trim_start_matches(['\n', '\r']).len();
    (body[start..].trim_end(), offset + start)
}

/// Where the trimmed body starts in the file: its byte and its line.
pub(crate) fn body_start(
    body: &str,
    body_offset: usize,
    body_line: usize,
    offset: usize,
) -> BodyStart {
    let skipped = &body[..offset - body_offset];
    BodyStart {
        offset,
        line: body_line + skipped.matches('\n').count(),
    }
}

pub(crate) struct Validator {
    pub(crate) found: Vec<Finding>,
    /// Where problems about a missing field point: the opening `---`.
    at: std::ops::Range<usize>,
}

impl Validator {
    pub(crate) fn new(at: std::ops::Range<usize>) -> Validator {
        Validator {
            found: Vec::new(),
            at,
        }
    }

    pub(crate) fn subject(&mut self, subject: Option<&Field<String>>) -> Option<String> {
        let s = subject?;
        if s.value.contains('\n') {
            self.error(
                "invalid-subject",
                "`subject` must be one line",
                s,
                "join the lines into one",
            );
        }
        Some(s.value.trim().to_string())
    }

    pub(crate) fn description(&mut self, description: Option<&Field<String>>) -> Option<String> {
        let d = description?;
        let n = d.value.trim().chars().count();
        if n > MAX_DESCRIPTION {
            self.error(
                "description-too-long",
                format!("`description` has {n} characters; the most is {MAX_DESCRIPTION}"),
                d,
                "shorten the note; the reply itself belongs in the body",
            );
        }
        Some(d.value.trim().to_string())
    }

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

    pub(crate) fn title(&mut self, title: Option<&Field<String>>) -> Option<String> {
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

    /// Checks the body, expands its snippets, and returns what renders: the
    /// expanded text (when it includes snippets) and its placeholders.
    pub(crate) fn body(
        &mut self,
        body: &str,
        offset: usize,
        ctx: &Context,
    ) -> (Option<Expanded>, Vec<Placeholder>) {
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
            return (None, Vec::new());
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
            return (None, Vec::new());
        }
        let (placeholders, found) = check_text(body, ctx.config);
        self.found.extend(found.into_iter().map(shift));
        match ctx.snippets.expand(body) {
            Ok(expanded) if expanded.used.is_empty() => (None, placeholders),
            // Placeholders inside snippets were checked in the snippets' own
            // files; here they only count as the response's.
            Ok(expanded) => {
                let (placeholders, _) = check_text(&expanded.text, ctx.config);
                (Some(expanded), placeholders)
            }
            Err(errors) => {
                self.found.extend(errors.into_iter().map(shift));
                (None, placeholders)
            }
        }
    }
}

/// Checks a text's placeholders (known names, aliases resolved, mistakes
/// located) and what rendering would change in it (raw HTML, unsafe links).
pub(crate) fn check_text(text: &str, config: &Config) -> (Vec<Placeholder>, Vec<Finding>) {
    let scan = placeholder::scan(text);
    let mut found = scan.mistakes;
    let mut placeholders = scan.placeholders;
    for p in &mut placeholders {
        if BUILT_IN_PLACEHOLDERS.contains(&p.name.as_str()) || config.placeholder(&p.name).is_some()
        {
            continue;
        }
        if let Some((_, canonical)) = PLACEHOLDER_ALIASES
            .iter()
            .find(|(alias, _)| *alias == p.name)
        {
            found.push(
                Finding::warning(
                    "placeholder-alias",
                    format!("`{}` is another helpdesk's name for `{canonical}`", p.name),
                    p.span.clone(),
                )
                .with_hint(format!(
                    "write `{}`",
                    placeholder::spell(canonical, p.default.as_deref())
                )),
            );
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
        found.push(
            Finding::error(
                "unknown-placeholder",
                format!("`{}` is not a placeholder this library knows", p.name),
                p.span.clone(),
            )
            .with_hint(hint),
        );
    }
    found.extend(render::findings(text));
    (placeholders, found)
}

/// Reads a snippet file: optional front matter with only `description`,
/// then a body whose placeholders are checked like a response's.
pub fn validate_snippet(
    path: &str,
    name: &str,
    text: &str,
    config: &Config,
) -> (Option<Snippet>, Vec<Finding>) {
    let mut found = Vec::new();
    let (description, body, offset) = if text.trim_start_matches('\u{FEFF}').starts_with("---") {
        let (doc, findings) = crate::front_matter::parse(text);
        for mut f in findings {
            if f.code == "unknown-field" {
                f.hint = Some("a snippet's front matter may only set `description`".into());
            }
            found.push(f);
        }
        let Some(doc) = doc else { return (None, found) };
        let front = doc.front;
        let others = [
            &front.title,
            &front.shortcut,
            &front.category,
            &front.visibility,
            &front.owner,
            &front.department,
            &front.locale,
            &front.subject,
            &front.id,
        ];
        for field in others.into_iter().flatten() {
            found.push(
                Finding::error("snippet-field", "a snippet's front matter may only set `description`", field.span.clone())
                    .with_hint("remove this line: a snippet takes its title, category and the rest from the responses that include it"),
            );
        }
        if let Some(tags) = &front.tags {
            found.push(Finding::error(
                "snippet-field",
                "a snippet's front matter may only set `description`",
                tags.span.clone(),
            ));
        }
        (
            front.description.map(|d| d.value.trim().to_string()),
            doc.body,
            doc.body_offset,
        )
    } else {
        (None, text, 0)
    };
    let (body, offset) = trim_body(body, offset);
    if body.is_empty() {
        found.push(
            Finding::error("empty-body", "the snippet is empty", 0..0)
                .with_hint("write the text responses should include"),
        );
    }
    let (_, checks) = check_text(body, config);
    found.extend(checks.into_iter().map(|mut f| {
        f.span = f.span.start + offset..f.span.end + offset;
        f
    }));
    if found
        .iter()
        .any(|f| f.severity == crate::problem::Severity::Error)
    {
        return (None, found);
    }
    let snippet = Snippet {
        name: name.to_string(),
        path: path.to_string(),
        description,
        body: body.to_string(),
        used_by: Vec::new(),
    };
    (Some(snippet), found)
}

/// What validation needs to know of the library besides the file itself.
pub struct Context<'a> {
    pub config: &'a Config,
    pub snippets: &'a Snippets,
}

/// A valid id path made from any path: each part slugged.
fn slug_path(path: &str) -> String {
    path.split('/').map(slug).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> (Option<Response>, Vec<Finding>) {
        let (doc, mut found) = crate::front_matter::parse(text);
        let ctx = Context {
            config: &Config::default(),
            snippets: &Snippets::default(),
        };
        let (r, more) = validate("support/hours.md", doc.unwrap(), &ctx);
        found.extend(more);
        (r, found)
    }

    #[test]
    fn paths_are_slugged_part_by_part() {
        assert_eq!(
            slug_path("Support/Business Hours"),
            "support/business-hours"
        );
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
