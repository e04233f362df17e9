//! `cannery diff BASE [HEAD]`: what a pull request changes in the library,
//! written for the reviewer (Markdown, a PR comment) or a program (JSON).

use super::{print, repository, Global, Result};
use cannery::history::{
    compare, Brief, Changed, Comparison, FieldChange, GitError, Repository, SnippetBrief,
    SnippetChange,
};
use cannery::library::Library;
use clap::{Args as ClapArgs, ValueEnum};
use serde_json::Value;
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The revision to compare from, e.g. main or origin/main.
    base: String,
    /// The revision to compare to. Default: the library as it is on disk,
    /// uncommitted edits included, as `git diff BASE` does.
    head: Option<String>,
    /// How to write the summary.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// A pull-request comment.
    Markdown,
    /// One JSON document: {"base", "head", "added", "changed", "renamed", "removed", "snippets", "snippets_added", "snippets_removed", …}.
    Json,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let root = global.root()?;
    let repo = repository(&root)?;
    let base = load_at(&repo, &args.base)?;
    let head = match &args.head {
        Some(rev) => load_at(&repo, rev)?,
        None => global.load()?.1,
    };
    let comparison = compare(&base, &head);
    let base_label = label(&args.base, base.revision.as_deref());
    let head_label = match &args.head {
        Some(rev) => label(rev, head.revision.as_deref()),
        None => "the working tree".to_string(),
    };
    print(&match args.format {
        Format::Markdown => markdown(&comparison, &base_label, &head_label),
        Format::Json => {
            let mut doc = serde_json::to_value(&comparison).unwrap_or_default();
            if let Value::Object(map) = &mut doc {
                let mut out = serde_json::Map::new();
                out.insert("base".into(), revision_json(&args.base, &base));
                out.insert(
                    "head".into(),
                    match &args.head {
                        Some(rev) => revision_json(rev, &head),
                        None => Value::Null,
                    },
                );
                out.append(map);
                *map = out;
            }
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
    });
    Ok(ExitCode::SUCCESS)
}

/// The library at `rev`; empty where the library folder did not exist yet,
/// so that everything in it shows as added.
fn load_at(repo: &Repository, rev: &str) -> Result<Library> {
    match repo.source_at(rev) {
        Ok(source) => Ok(Library::load(&source)),
        Err(GitError::NoLibrary { .. }) => Ok(Library {
            revision: Some(repo.resolve(rev)?),
            ..Library::default()
        }),
        Err(e) => Err(e.into()),
    }
}

fn label(rev: &str, commit: Option<&str>) -> String {
    let short = commit.map(|c| &c[..c.len().min(7)]).unwrap_or_default();
    if short.is_empty() || rev.starts_with(short) {
        format!("`{rev}`")
    } else {
        format!("`{rev}` (`{short}`)")
    }
}

fn revision_json(rev: &str, library: &Library) -> Value {
    serde_json::json!({"rev": rev, "commit": library.revision})
}

/// The summary a reviewer reads in ten seconds: one headline with the
/// counts, one table row per response, and the body diffs folded away.
fn markdown(c: &Comparison, base: &str, head: &str) -> String {
    let mut counts = Vec::new();
    for (n, what) in [
        (c.added.len(), "added"),
        (c.changed.len(), "changed"),
        (c.renamed.len(), "renamed"),
        (c.removed.len(), "removed"),
        (c.broken.len(), "with errors"),
        (c.only_through_snippets().len(), "changed through snippets"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    if counts.is_empty() {
        // Only snippets changed: say so, rather than "no changes".
        for (n, what) in [
            (c.snippets.len(), "changed"),
            (c.snippets_added.len(), "added"),
            (c.snippets_removed.len(), "removed"),
        ] {
            if n > 0 {
                counts.push(format!(
                    "{n} snippet{} {what}",
                    if n == 1 { "" } else { "s" }
                ));
            }
        }
    }
    let mut out = String::new();
    if c.is_empty() {
        out.push_str("### Canned responses: no changes\n\n");
        out.push_str(&format!("No response differs between {base} and {head}.\n"));
    } else {
        out.push_str(&format!("### Canned responses: {}\n\n", counts.join(", ")));
        out.push_str(&format!("Between {base} and {head}.\n"));
        let rows = [
            c.added.len(),
            c.changed.len(),
            c.renamed.len(),
            c.removed.len(),
        ];
        if rows.iter().sum::<usize>() + c.broken.len() > 0 {
            out.push_str("\n| | Response | What changed |\n|---|---|---|\n");
        }
        for r in &c.added {
            row(&mut out, "added", &id_and_title(&r.id, &r.title), "new");
        }
        for r in &c.changed {
            row(
                &mut out,
                "changed",
                &id_and_title(&r.id, &r.title),
                &what(r),
            );
        }
        for r in &c.renamed {
            let old = r.old_id.as_deref().unwrap_or_default();
            let response = format!("`{old}` → {}", id_and_title(&r.id, &r.title));
            let what = what(r);
            row(
                &mut out,
                "renamed",
                &response,
                if what.is_empty() {
                    "renamed only"
                } else {
                    &what
                },
            );
        }
        for r in &c.removed {
            row(
                &mut out,
                "removed",
                &id_and_title(&r.id, &r.title),
                "deleted",
            );
        }
        for r in &c.broken {
            let response = id_and_title(&r.id, &r.title);
            row(&mut out, "**has errors**", &response, "run `cannery check`");
        }
        if !c.snippets.is_empty() || !c.snippets_added.is_empty() || !c.snippets_removed.is_empty()
        {
            out.push('\n');
        }
        for s in &c.snippets {
            out.push_str(&through_snippet(s));
        }
        for s in &c.snippets_added {
            out.push_str(&snippet_added(s));
        }
        for s in &c.snippets_removed {
            out.push_str(&snippet_removed(s));
        }
        let diffs: Vec<(&str, &[String])> = c
            .changed
            .iter()
            .chain(&c.renamed)
            .map(|r| (r.id.as_str(), r.body_diff.as_slice()))
            .chain(
                c.snippets
                    .iter()
                    .map(|s| (s.path.as_str(), s.body_diff.as_slice())),
            )
            .filter(|(_, diff)| !diff.is_empty())
            .collect();
        if !diffs.is_empty() {
            out.push_str("\n<details><summary>Body changes</summary>\n\n");
            for (what, diff) in diffs {
                out.push_str(&format!("`{what}`\n\n```diff\n"));
                for line in diff {
                    out.push_str(&line.replace("```", "`\u{200b}``"));
                    out.push('\n');
                }
                out.push_str("```\n\n");
            }
            out.push_str("</details>\n");
        }
    }
    if c.head_errors > 0 {
        out.push_str(&format!(
            "\n**{} error{}** in the library at {head}: run `cannery check`.\n",
            c.head_errors,
            if c.head_errors == 1 { "" } else { "s" }
        ));
    }
    out
}

/// At most this many responses are named on a snippet's line; the rest
/// are counted (the JSON form lists them all).
const MAX_NAMED: usize = 10;

/// One line for a changed snippet: the responses whose rendering it changes.
fn through_snippet(s: &SnippetChange) -> String {
    if s.responses.is_empty() {
        return format!(
            "- Snippet `{}` changed; no response renders differently.\n",
            s.name
        );
    }
    format!(
        "- Changed through snippet `{}`: {}\n",
        s.name,
        named(&s.responses)
    )
}

/// One line for a new snippet, with the responses that include it.
fn snippet_added(s: &SnippetBrief) -> String {
    if s.responses.is_empty() {
        return format!(
            "- Snippet `{}` added; no response includes it yet.\n",
            s.name
        );
    }
    format!(
        "- Snippet `{}` added, included by {}\n",
        s.name,
        named(&s.responses)
    )
}

/// One line for a removed snippet, with the responses that included it
/// on the base side: a reviewer checks that none still does.
fn snippet_removed(s: &SnippetBrief) -> String {
    if s.responses.is_empty() {
        return format!("- Snippet `{}` removed; no response included it.\n", s.name);
    }
    format!(
        "- Snippet `{}` removed; it was included by {}\n",
        s.name,
        named(&s.responses)
    )
}

/// The first [`MAX_NAMED`] responses' ids, and how many more there are.
fn named(responses: &[Brief]) -> String {
    let mut names: Vec<String> = responses
        .iter()
        .take(MAX_NAMED)
        .map(|r| format!("`{}`", r.id))
        .collect();
    if responses.len() > MAX_NAMED {
        names.push(format!("and {} more", responses.len() - MAX_NAMED));
    }
    names.join(", ")
}

fn row(out: &mut String, kind: &str, response: &str, what: &str) {
    out.push_str(&format!("| {kind} | {response} | {what} |\n"));
}

fn id_and_title(id: &str, title: &str) -> String {
    format!("`{id}` {}", cell(title)).trim_end().to_string()
}

/// What changed in one response: `title`: "Old" → "New", `body`, …
fn what(r: &Changed) -> String {
    let parts: Vec<String> = r
        .fields
        .iter()
        .map(|f: &FieldChange| match (&f.old, &f.new) {
            (Some(old), Some(new)) => {
                format!("`{}`: {} → {}", f.field, value(old), value(new))
            }
            _ => format!("`{}`", f.field),
        })
        .collect();
    parts.join(", ")
}

/// A field's value, short, safe inside a table cell.
fn value(v: &Value) -> String {
    let text = match v {
        Value::Null => return "none".into(),
        Value::Array(items) if items.is_empty() => return "none".into(),
        Value::String(s) => format!("\"{s}\""),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let short: String = text.chars().take(40).collect();
    let short = if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    };
    cell(&short)
}

/// Text made safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}
