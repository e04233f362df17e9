//! Import: a helpdesk's canned responses (its list API's answer, or
//! `cannery export` for it) as library files.
//!
//! [`plan`] decides every file without touching the disk: the target reads
//! its elements into [`Draft`]s, bodies come back to Markdown with Cannery's
//! placeholders, and each file is validated the way `check` will read it.
//! The command then writes the files, never over an existing one.

mod draft;
mod html;
mod markdown;

pub use draft::{list, required, text, title_from_key, Body, Draft, ImportCx};

use crate::export::dialect::Reader;
use crate::export::Target;
use crate::library::Library;
use crate::problem::Severity;
use crate::response::{self, is_shortcut, slug, Visibility};
use std::collections::{BTreeSet, HashMap, HashSet};

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The folder for every file, relative to the library root; otherwise a
    /// folder per category.
    pub into: Option<String>,
    /// The owner of responses the product marks private without an email.
    pub owner: Option<String>,
}

/// What an import will do.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<File>,
    /// Elements that will not be written, and why.
    pub skipped: Vec<Notice>,
    /// What was changed on the way in.
    pub warnings: Vec<Notice>,
}

#[derive(Debug)]
pub struct File {
    /// Relative to the library root, `/`-separated.
    pub path: String,
    pub text: String,
    pub title: String,
}

/// Something said about one element: its title, or its place in the input.
#[derive(Debug, PartialEq, Eq)]
pub struct Notice {
    pub element: String,
    pub message: String,
}

/// Reads `bytes` (an export for `target`, or its list API's answer) and
/// plans one file per element. `Err` when the input is not what `target`
/// writes at all.
pub fn plan(
    library: &Library,
    target: &dyn Target,
    bytes: &[u8],
    options: &Options,
) -> Result<Plan, String> {
    let items = target.read(bytes)?;
    let config = &library.config;
    let reader = target.dialect().map(|d| Reader::new(target, d, config));
    let mut plan = Plan::default();
    let mut titles: HashMap<String, String> = library
        .responses
        .iter()
        .map(|r| (r.title.to_lowercase(), r.path.clone()))
        .collect();
    let mut shortcuts: HashMap<String, String> = library
        .responses
        .iter()
        .filter_map(|r| Some((r.shortcut.clone()?, r.path.clone())))
        .collect();
    let ids: HashMap<&str, &str> = library
        .responses
        .iter()
        .map(|r| (r.id.as_str(), r.path.as_str()))
        .collect();
    let mut paths: HashSet<String> = HashSet::new();
    for (n, item) in items.iter().enumerate() {
        let mut cx = ImportCx::new(config, target, options.owner.as_deref());
        let mut element = draft::text(item, &["title", "name", "Name", "shortcut", "short_code"])
            .or_else(|| draft::text(item.get("macro").unwrap_or(item), &["title"]))
            .map_or_else(
                || format!("element {}", n + 1),
                |name| format!("\"{name}\""),
            );
        let skip = |plan: &mut Plan, element: &str, message: String| {
            plan.skipped.push(Notice {
                element: element.to_string(),
                message,
            })
        };
        let mut draft = match target.draft(item, &mut cx) {
            Ok(d) => d,
            Err(why) => {
                skip(&mut plan, &element, why);
                continue;
            }
        };
        draft.title = draft.title.split_whitespace().collect::<Vec<_>>().join(" ");
        element = format!("\"{}\"", draft.title);
        tidy(&mut draft, &mut cx);
        let body = match (&draft.body, &reader) {
            (Body::Markdown(md), None) => md.trim().to_string(),
            (body, Some(reader)) => markdown_of(body, reader, target, &mut cx),
            (Body::Html(_) | Body::Text(_), None) => String::new(),
        };
        let path = path_for(&draft, options, &mut paths);
        if library.responses.iter().any(|r| r.path == path) {
            skip(&mut plan, &element, format!("{path} already exists"));
            continue;
        }
        // A variant (`hours.pt-BR.md` beside `hours.md`, from Cannery's JSON)
        // has its base's shortcut and is checked as a variant.
        let variant = variant_locale(&path, |base| {
            library.responses.iter().any(|r| r.path == base)
                || plan.files.iter().any(|f| f.path == base)
        });
        if variant.is_none() {
            if let Some(why) = clash(&draft, &titles, &shortcuts) {
                skip(&mut plan, &element, why);
                continue;
            }
        }
        let text = file_text(&draft, &body, &path, &library.config.default_locale);
        let (id, findings) = validate(&text, &path, variant.as_deref(), config);
        if let Some(error) = findings.iter().find(|f| f.severity == Severity::Error) {
            let hint = error.hint.as_ref().map(|h| format!(" ({h})"));
            skip(
                &mut plan,
                &element,
                format!("{}{}", error.message, hint.unwrap_or_default()),
            );
            continue;
        }
        if let Some(other) = id.as_deref().and_then(|id| ids.get(id)) {
            let id = id.unwrap_or_default();
            skip(
                &mut plan,
                &element,
                format!("{other} already has the id `{id}`"),
            );
            continue;
        }
        for w in cx.warnings {
            plan.warnings.push(Notice {
                element: element.clone(),
                message: w,
            });
        }
        if variant.is_none() {
            titles.insert(draft.title.to_lowercase(), path.clone());
            if let Some(s) = &draft.shortcut {
                shortcuts.insert(s.clone(), path.clone());
            }
        }
        plan.files.push(File {
            path,
            text,
            title: draft.title,
        });
    }
    Ok(plan)
}

/// Why a draft cannot join the library: a title or shortcut it already has.
fn clash(
    d: &Draft,
    titles: &HashMap<String, String>,
    shortcuts: &HashMap<String, String>,
) -> Option<String> {
    if let Some(first) = titles.get(&d.title.to_lowercase()) {
        return Some(format!("{first} already has this title"));
    }
    let shortcut = d.shortcut.as_ref()?;
    let first = shortcuts.get(shortcut)?;
    Some(format!("{first} already has the shortcut `{shortcut}`"))
}

/// The locale of `path` when it names a variant of a file `exists` knows.
fn variant_locale(path: &str, exists: impl Fn(&str) -> bool) -> Option<String> {
    let stem = path.strip_suffix(".md")?;
    let (base, tag) = stem.rsplit_once('.')?;
    (!base.ends_with('/') && response::is_locale(tag) && exists(&format!("{base}.md")))
        .then(|| tag.to_string())
}

/// Checks a planned file as `check` will: its findings, and its id when it
/// is a response of its own.
fn validate(
    text: &str,
    path: &str,
    variant: Option<&str>,
    config: &crate::config::Config,
) -> (Option<String>, Vec<crate::problem::Finding>) {
    let (doc, mut findings) = crate::front_matter::parse(text);
    let snippets = crate::snippet::Snippets::default();
    let ctx = crate::validate::Context {
        config,
        snippets: &snippets,
    };
    let Some(doc) = doc else {
        return (None, findings);
    };
    let (response, found) = match variant {
        Some(locale) => crate::variant::validate(path, doc, None, locale, &ctx),
        None => crate::validate::validate(path, doc, &ctx),
    };
    findings.extend(found);
    if variant.is_none()
        && response.is_none()
        && !findings.iter().any(|f| f.severity == Severity::Error)
    {
        findings.push(crate::problem::Finding::error(
            "invalid-file",
            "the file it would make is not valid",
            0..0,
        ));
    }
    (response.map(|r| r.id), findings)
}

/// Makes the draft's fields fit Cannery's rules, saying what changed.
fn tidy(d: &mut Draft, cx: &mut ImportCx) {
    if d.title.chars().count() > 120 {
        d.title = d
            .title
            .chars()
            .take(120)
            .collect::<String>()
            .trim_end()
            .to_string();
        cx.warn("the title was cut to 120 characters");
    }
    if let Some(s) = d.shortcut.take() {
        let fixed: String = slug(&s).chars().take(64).collect();
        if is_shortcut(&s) {
            d.shortcut = Some(s);
        } else if is_shortcut(&fixed) {
            cx.warn(format!(
                "the shortcut `{s}` became `{fixed}` (lowercase letters, digits, `-` and `_`)"
            ));
            d.shortcut = Some(fixed);
        } else {
            cx.warn(format!(
                "the shortcut `{s}` was left out: it has no letter or digit"
            ));
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in std::mem::take(&mut d.tags) {
        let tag = tag.trim().to_string();
        if tag.is_empty() || tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            continue;
        }
        if tag.chars().count() > 40 {
            cx.warn(format!(
                "the tag `{tag}` was left out: tags have at most 40 characters"
            ));
            continue;
        }
        tags.push(tag);
    }
    d.tags = tags;
    let config = cx.config;
    if let Some(c) = d.category.take() {
        if config.is_category(&c) {
            d.category = Some(c);
        } else {
            cx.warn(format!(
                "the category `{c}` is not one of the library's: add it under `categories:` in cannery.yaml and import again to keep it"
            ));
        }
    }
    if d.category.is_none() && !config.is_category("general") {
        if let Some((first, _)) = config.categories.first() {
            cx.warn(format!(
                "it went into the category `{first}`: the library has no `general`"
            ));
            d.category = Some(first.clone());
        }
    }
    if let Some(s) = &d.subject {
        d.subject =
            Some(s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty());
    }
    d.description = d
        .description
        .take()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
}

/// The body as Markdown with Cannery's placeholders.
fn markdown_of(body: &Body, reader: &Reader, target: &dyn Target, cx: &mut ImportCx) -> String {
    let mut unknown = Vec::new();
    let mut dropped = BTreeSet::new();
    let markdown = match body {
        Body::Markdown(md) => markdown::from_markdown(md, reader, &mut unknown),
        Body::Text(text) => markdown::from_text(text, reader, &mut unknown),
        Body::Html(html) => html::to_markdown(html, reader, &mut unknown, &mut dropped),
    };
    unknown.sort();
    unknown.dedup();
    for spelling in unknown {
        cx.warn(format!(
            "`{spelling}` is not a placeholder Cannery knows for {}: it was kept as text (to make it one, add it under `placeholders:` with its spelling in `targets.{}`)",
            target.product(),
            target.name()
        ));
    }
    if !dropped.is_empty() {
        let tags: Vec<String> = dropped.iter().map(|t| format!("<{t}>")).collect();
        cx.warn(format!(
            "formatting Markdown cannot hold was removed, keeping its text: {}",
            tags.join(", ")
        ));
    }
    markdown
}

/// Where the file goes: the path Cannery's JSON names, else the title's
/// slug in `--into` or the category's folder; a name taken by an earlier
/// element gets `-2`, `-3`….
fn path_for(d: &Draft, options: &Options, taken: &mut HashSet<String>) -> String {
    let into = options
        .into
        .as_deref()
        .map(|s| s.trim_matches('/'))
        .filter(|s| !s.is_empty());
    let join = |dir: Option<&str>, name: &str| match dir {
        Some(dir) => format!("{dir}/{name}"),
        None => name.to_string(),
    };
    if let Some(path) = d
        .path
        .as_deref()
        .filter(|p| crate::source::is_response_path(p) && !p.split('/').any(|s| s == ".."))
    {
        let path = join(into, path);
        taken.insert(path.clone());
        return path;
    }
    let dir = into
        .map(String::from)
        .unwrap_or_else(|| d.category.clone().unwrap_or_else(|| "general".into()));
    let base = slug(&d.title);
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{base}.md")
        } else {
            format!("{base}-{n}.md")
        };
        let path = join(Some(&dir), &name);
        if taken.insert(path.clone()) {
            return path;
        }
        n += 1;
    }
}

/// The file: front matter with what the draft says, then the body.
fn file_text(d: &Draft, body: &str, path: &str, default_locale: &str) -> String {
    // JSON strings are valid YAML double-quoted strings.
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut front = format!("title: {}\n", quote(&d.title));
    if let Some(id) =
        d.id.as_deref()
            .filter(|id| *id != response::id_from_path(path))
    {
        front.push_str(&format!("id: {}\n", quote(id)));
    }
    if let Some(s) = &d.shortcut {
        front.push_str(&format!("shortcut: {s}\n"));
    }
    if let Some(c) = &d.category {
        front.push_str(&format!("category: {}\n", quote(c)));
    }
    if !d.tags.is_empty() {
        let tags: Vec<String> = d.tags.iter().map(|t| quote(t)).collect();
        front.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    }
    if d.visibility != Visibility::Shared {
        front.push_str(&format!("visibility: {}\n", d.visibility.as_str()));
    }
    if let Some(o) = d
        .owner
        .as_ref()
        .filter(|_| d.visibility == Visibility::Private)
    {
        front.push_str(&format!("owner: {}\n", quote(o)));
    }
    if let Some(dep) = d
        .department
        .as_ref()
        .filter(|_| d.visibility == Visibility::Department)
    {
        front.push_str(&format!("department: {}\n", quote(dep)));
    }
    if !d.active {
        front.push_str("active: false\n");
    }
    if let Some(l) = d.locale.as_ref().filter(|l| *l != default_locale) {
        front.push_str(&format!("locale: {}\n", quote(l)));
    }
    if let Some(s) = &d.subject {
        front.push_str(&format!("subject: {}\n", quote(s)));
    }
    if let Some(s) = &d.description {
        front.push_str(&format!("description: {}\n", quote(s)));
    }
    format!("---\n{front}---\n{body}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::placeholder::scan;
    use crate::render::{render, Rendered};

    /// Bodies that exercise every construct an export's HTML or text holds.
    const BODIES: &[&str] = &[
        "Hi **bold**, *em*, ***both***, ~~gone~~ and `code`.",
        "1. one\n2. two\n\n- a\n- b",
        "- a\n- b\n\n* c\n* d",
        "- loose\n\n- list\n\n  with a second paragraph",
        "Nested:\n\n1. a\n   - b\n   - c\n2. d\n\n3) other",
        "> quoted\n>\n> - in a list",
        "```rust\nlet x = `a`;\n\n  indented\n```",
        "Use ``code with ` tick`` and ` `` `.",
        "Line one\\\nline two\nsoft",
        "# Heading\n\nSetext\n---\n\n***\n\nafter the rule",
        "Text with <angle> & ampersand &amp; entity, Q&A, 5 < 6 > 4.",
        "| a | b |\n|:--|--:|\n| 1 \\| x | **2** |",
        "[link](https://a.example/x_(y)?a=1&b=2 \"T \\\"q\\\"\") and ![img](https://i.example/a.png \"i\") and [mail](mailto:a@b.example)",
        "snake_case and _em_ and 2*3*4 and __strong__",
        "Price: $5 \\* 3 and 10 # 3 and \\{{ literal }} and {{ ticket.id }}",
        "1986\\. A great year.\n\n\\- not a list\n\n\\+ nor this\n\n\\# nor a heading",
        "<b>raw html</b> stays text",
        "Ends with a backslash \\\\",
        "Über — “quotes” · 👋 and a\ttab",
    ];

    fn rendered(body: &str) -> Rendered {
        render(body, &scan(body).placeholders, &|p| {
            format!("{{{{{}}}}}", p.name)
        })
    }

    fn reader() -> Reader {
        let target = crate::export::target("supporthub").unwrap();
        Reader::new(target, target.dialect().unwrap(), &Config::default())
    }

    #[test]
    fn html_comes_back_as_markdown_that_renders_the_same() {
        for body in BODIES {
            let html = rendered(body).html;
            let markdown =
                html::to_markdown(&html, &reader(), &mut Vec::new(), &mut BTreeSet::new());
            assert_eq!(
                rendered(&markdown).html,
                html,
                "{body:?} became {markdown:?}"
            );
        }
    }

    #[test]
    fn text_comes_back_as_markdown_that_renders_the_same() {
        // Two shapes cannot come back from text: an item's second paragraph
        // has lost its indent ("- list\nwith a second paragraph"), and a code
        // block's indented lines would need a code block, which helpdesks'
        // own indented text is not.
        let lossy = |b: &&&str| b.contains("second paragraph") || b.contains("```");
        for body in BODIES.iter().filter(|b| !lossy(b)) {
            let text = rendered(body).text;
            let markdown = markdown::from_text(&text, &reader(), &mut Vec::new());
            assert_eq!(
                rendered(&markdown).text,
                text,
                "{body:?} became {markdown:?} from {text:?}"
            );
        }
    }

    #[test]
    fn file_text_quotes_what_yaml_would_misread() {
        let mut d = Draft::new("Yes: \"no\"", Body::Markdown(String::new()));
        d.tags = vec!["a, b".into()];
        d.active = false;
        d.id = Some("x/y".into());
        let text = file_text(&d, "Hi", "general/yes-no.md", "en");
        assert_eq!(
            text,
            "---\ntitle: \"Yes: \\\"no\\\"\"\nid: \"x/y\"\ntags: [\"a, b\"]\nactive: false\n---\nHi\n"
        );
        let (doc, found) = crate::front_matter::parse(&text);
        assert!(found.is_empty(), "{found:?}");
        let ctx = crate::validate::Context {
            config: &Config::default(),
            snippets: &Default::default(),
        };
        let (r, found) = crate::validate::validate("general/yes-no.md", doc.unwrap(), &ctx);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(r.unwrap().title, "Yes: \"no\"");
    }
}
