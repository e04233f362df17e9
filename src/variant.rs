//! Language variants (SPEC §7.1): `support/hours.pt-BR.md` beside
//! `support/hours.md` is that response in another language. A variant sets
//! only its title, subject and description; everything else is the base's.
//!
//! A variant is kept as a whole `Response` (the base's fields, its own
//! text), so everything that serves or exports a response serves or
//! exports a variant the same way.

use crate::front_matter::Document;
use crate::problem::{Finding, Problem};
use crate::response::{is_locale, Response};
use crate::validate::{trim_body, Context, Validator};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A file named as a variant of an existing response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariantFile {
    pub path: String,
    pub base: String,
    pub locale: String,
}

/// Sorts response files into bases and variants. A `name.TAG.md` file is a
/// variant when `name.md` exists beside it; when it does not and TAG is a
/// language tag, it is a variant without a base (an error).
pub fn classify(files: &[String]) -> (Vec<String>, Vec<VariantFile>, Vec<Problem>) {
    // Only a name with a dot before `.md` can be a variant: most libraries
    // have few or none, and this runs on every reload of the server.
    let all: HashSet<&str> = if files.iter().any(|f| split(f).is_some()) {
        files.iter().map(String::as_str).collect()
    } else {
        HashSet::new()
    };
    let (mut bases, mut variants, mut problems) =
        (Vec::with_capacity(files.len()), Vec::new(), Vec::new());
    for path in files {
        let Some((base, tag)) = split(path) else {
            bases.push(path.clone());
            continue;
        };
        if all.contains(base.as_str()) {
            if is_locale(tag) {
                variants.push(VariantFile {
                    path: path.clone(),
                    base,
                    locale: tag.to_string(),
                });
            } else {
                problems.push(
                    Problem::error("invalid-locale", path, format!("`{tag}` in this file name is not a language tag, so this is not a variant of {base}"))
                        .with_hint(format!("name a variant like `{}`", base.replace(".md", ".pt-BR.md"))),
                );
            }
        } else if is_locale(tag) {
            problems.push(
                Problem::error("variant-without-base", path, format!("this is the `{tag}` variant of {base}, which does not exist"))
                    .with_hint(format!("add {base}, or rename this file if it is not a translation (a `-` instead of the last `.`)")),
            );
        } else {
            bases.push(path.clone());
        }
    }
    (bases, variants, problems)
}

/// `dir/hours.pt-BR.md` → (`dir/hours.md`, `pt-BR`).
fn split(path: &str) -> Option<(String, &str)> {
    let stem = path.strip_suffix(".md")?;
    let (dir, name) = stem.rsplit_once('/').map_or(("", stem), |(d, n)| (d, n));
    let (base, tag) = name.rsplit_once('.')?;
    if base.is_empty() {
        return None;
    }
    let base = if dir.is_empty() {
        format!("{base}.md")
    } else {
        format!("{dir}/{base}.md")
    };
    Some((base, tag))
}

/// Checks a variant file and, when its base is valid, makes the variant.
pub fn validate(
    path: &str,
    doc: Document,
    base: Option<&Response>,
    locale: &str,
    ctx: &Context,
) -> (Option<Response>, Vec<Finding>) {
    let mut v = Validator::new(doc.opening.clone());
    if !doc.complete {
        let (body, offset) = trim_body(doc.body, doc.body_offset);
        v.body(body, offset, ctx);
        return (None, v.found);
    }
    let front = doc.front;
    let inherited = [
        ("shortcut", &front.shortcut),
        ("category", &front.category),
        ("visibility", &front.visibility),
        ("owner", &front.owner),
        ("department", &front.department),
        ("locale", &front.locale),
        ("id", &front.id),
    ];
    for (name, field) in inherited {
        if let Some(field) = field {
            v.found.push(variant_field(name, field.span.clone()));
        }
    }
    if let Some(tags) = &front.tags {
        v.found.push(variant_field("tags", tags.span.clone()));
    }
    if let Some(active) = &front.active {
        v.found.push(variant_field("active", active.span.clone()));
    }
    let title = front.title.as_ref().and_then(|t| v.title(Some(t)));
    let subject = v.subject(front.subject.as_ref());
    let description = v.description(front.description.as_ref());
    let (body, offset) = trim_body(doc.body, doc.body_offset);
    let (expanded, placeholders) = v.body(body, offset, ctx);
    let Some(base) = base else {
        return (None, v.found);
    };
    let mine: HashSet<&str> = placeholders.iter().map(|p| p.name.as_str()).collect();
    let theirs: HashSet<&str> = base.placeholder_names().into_iter().collect();
    if mine != theirs {
        let mut extra: Vec<&str> = mine.difference(&theirs).copied().collect();
        let mut missing: Vec<&str> = theirs.difference(&mine).copied().collect();
        extra.sort_unstable();
        missing.sort_unstable();
        let mut parts = Vec::new();
        if !extra.is_empty() {
            parts.push(format!(
                "uses {} that {} does not",
                extra.join(", "),
                base.path
            ));
        }
        if !missing.is_empty() {
            parts.push(format!(
                "leaves out {} that {} uses",
                missing.join(", "),
                base.path
            ));
        }
        v.found.push(
            Finding::warning(
                "variant-placeholders",
                format!("this variant {}", parts.join(", and ")),
                doc.opening.clone(),
            )
            .with_hint("translations usually fill the same placeholders as the original"),
        );
    }
    if v.found
        .iter()
        .any(|f| f.severity == crate::problem::Severity::Error)
    {
        return (None, v.found);
    }
    let variant = Response {
        path: path.to_string(),
        title: title.unwrap_or_else(|| base.title.clone()),
        locale: locale.to_string(),
        subject: subject.or_else(|| base.subject.clone()),
        description: description.or_else(|| base.description.clone()),
        body: body.to_string(),
        body_start: crate::validate::body_start(doc.body, doc.body_offset, doc.body_line, offset),
        includes: expanded
            .as_ref()
            .map(|e| e.used.clone())
            .unwrap_or_default(),
        expanded: expanded.map(|e| e.text),
        placeholders,
        rendered: OnceLock::new(),
        variants: Vec::new(),
        ..base.clone()
    };
    (Some(variant), v.found)
}

fn variant_field(name: &str, span: std::ops::Range<usize>) -> Finding {
    Finding::error("variant-field", format!("a variant cannot set `{name}`: it comes from the base response"), span)
        .with_hint("a variant may set only `title`, `subject` and `description`; change the rest in the base file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_sort_into_bases_and_variants() {
        let files: Vec<String> = [
            "a/hours.md",
            "a/hours.pt-BR.md",
            "a/hours.de.md",
            "a/hours.pt_BR.md",
            "b/faq.fr.md",
            "c/v1.2.md",
            "c/notes.old.md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (bases, variants, problems) = classify(&files);
        assert_eq!(bases, ["a/hours.md", "c/v1.2.md"]);
        let v: Vec<_> = variants
            .iter()
            .map(|v| (v.path.as_str(), v.base.as_str(), v.locale.as_str()))
            .collect();
        assert_eq!(
            v,
            [
                ("a/hours.pt-BR.md", "a/hours.md", "pt-BR"),
                ("a/hours.de.md", "a/hours.md", "de")
            ]
        );
        let p: Vec<_> = problems.iter().map(|p| (p.file.as_str(), p.code)).collect();
        assert_eq!(
            p,
            [
                ("a/hours.pt_BR.md", "invalid-locale"),
                ("b/faq.fr.md", "variant-without-base"),
                ("c/notes.old.md", "variant-without-base")
            ]
        );
    }
}
