//! `cannery new`: write a new, valid response file and print its path.

use super::{display_path, print, Failure, Global, Result};
use cannery::response::{is_shortcut, slug};
use cannery::{source, suggest};
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::{Component, Path};
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The title agents will see.
    title: String,
    /// What agents type after `/` to insert it.
    #[arg(long, value_name = "S")]
    shortcut: Option<String>,
    /// One of the library's categories.
    #[arg(long, value_name = "C")]
    category: Option<String>,
    /// A tag (repeatable).
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    /// The folder for the file, relative to the library root.
    #[arg(long, value_name = "DIR")]
    dir: Option<String>,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let (root, library) = global.load()?;
    let title = args.title.trim();
    let refuse = |message: String| {
        super::eprint_error(&message);
        Ok(ExitCode::from(1))
    };
    if title.is_empty() || title.chars().count() > 120 || title.contains('\n') {
        return refuse("the title must be one line of 1 to 120 characters".into());
    }
    if let Some(other) = library
        .responses
        .iter()
        .find(|r| r.title.to_lowercase() == title.to_lowercase())
    {
        return refuse(format!(
            "{} already has the title \"{}\"",
            other.path, other.title
        ));
    }
    if let Some(s) = &args.shortcut {
        if !is_shortcut(s) {
            return refuse(format!("`{s}` is not a valid shortcut: use up to 64 lowercase letters, digits, `-` and `_`"));
        }
        if let Some(other) = library
            .responses
            .iter()
            .find(|r| r.shortcut.as_deref() == Some(s))
        {
            return refuse(format!("{} already has the shortcut `{s}`", other.path));
        }
    }
    if let Some(c) = &args.category {
        if !library.config.is_category(c) {
            let ids = library.config.categories.iter().map(|(id, _)| id.as_str());
            let hint = suggest::hint(c, ids.clone()).unwrap_or_else(|| {
                format!("the categories are: {}", ids.collect::<Vec<_>>().join(", "))
            });
            return refuse(format!(
                "`{c}` is not one of the library's categories: {hint}"
            ));
        }
    } else if !library.config.is_category("general") {
        return refuse("this library has no `general` category: pass --category".into());
    }
    let dir = args.dir.as_deref().unwrap_or("").trim_matches('/');
    if Path::new(dir)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
        || !source::is_walked_dir(dir)
    {
        return refuse(format!(
            "`{dir}` is not a folder inside the library (no `..`, no leading `.` or `_`)"
        ));
    }
    let text = file_text(title, &args);
    // The file goes through the same validation `check` uses.
    let (doc, mut findings) = cannery::front_matter::parse(&text);
    if let Some(doc) = doc {
        let snippets = cannery::snippet::Snippets::default();
        let ctx = cannery::validate::Context {
            config: &library.config,
            snippets: &snippets,
        };
        findings.extend(cannery::validate::validate("new.md", doc, &ctx).1);
    }
    if let Some(error) = findings
        .iter()
        .find(|f| f.severity == cannery::problem::Severity::Error)
    {
        return refuse(format!(
            "{}{}",
            error.message,
            error
                .hint
                .as_ref()
                .map(|h| format!(": {h}"))
                .unwrap_or_default()
        ));
    }
    let folder = root.join(dir);
    std::fs::create_dir_all(&folder)
        .map_err(|e| Failure(format!("cannot create {}: {e}", folder.display())))?;
    let base = slug(title);
    for n in 1.. {
        let name = if n == 1 {
            format!("{base}.md")
        } else {
            format!("{base}-{n}.md")
        };
        let path = folder.join(&name);
        // create_new: never overwrite, even if a file appears meanwhile.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(text.as_bytes())
                    .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
                print(&format!("{}\n", display_path(&path)));
                return Ok(ExitCode::SUCCESS);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Failure(format!("cannot create {}: {e}", path.display()))),
        }
    }
    unreachable!("the loop only ends by returning")
}

fn file_text(title: &str, args: &Args) -> String {
    // JSON strings are valid YAML double-quoted strings.
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut front = format!("title: {}\n", quote(title));
    if let Some(s) = &args.shortcut {
        front.push_str(&format!("shortcut: {s}\n"));
    }
    if let Some(c) = &args.category {
        front.push_str(&format!("category: {c}\n"));
    }
    if !args.tags.is_empty() {
        let tags: Vec<String> = args.tags.iter().map(|t| quote(t.trim())).collect();
        front.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    }
    format!(
        "---\n{front}---\nHi {{{{ contact.first_name | default: \"there\" }}}},\n\nWrite the reply here.\n\nBest,\n{{{{ agent.first_name }}}}\n"
    )
}
