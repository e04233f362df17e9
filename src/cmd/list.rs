//! `cannery list`: a table of responses.

use super::{print, Global, Result};
use cannery::object::{Provenance, ResponseObject};
use cannery::response::Response;
use cannery::search::{search, Query};
use clap::Args as ClapArgs;
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Only responses matching every word (title, shortcut, tags, body).
    #[arg(short, long, value_name = "TEXT")]
    q: Option<String>,
    /// Only this category.
    #[arg(long, value_name = "C")]
    category: Option<String>,
    /// Only responses with this tag (repeat for several; all must match).
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    /// Include inactive responses.
    #[arg(long)]
    all: bool,
    /// Print the response objects as a JSON array.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let (root, library) = global.load()?;
    let filtered = library.responses.iter().map(|r| r.as_ref()).filter(|r| {
        (args.all || r.active)
            && args.category.as_ref().is_none_or(|c| &r.category == c)
            && args
                .tags
                .iter()
                .all(|t| r.tags.iter().any(|rt| rt.eq_ignore_ascii_case(t)))
    });
    let query = Query::new(args.q.as_deref().unwrap_or_default());
    let shown: Vec<&Response> = if query.is_empty() {
        filtered.collect()
    } else {
        search(filtered, &query)
    };
    if args.json {
        let history = global.history(&root);
        let provenance = |path: &str| {
            history
                .as_ref()
                .map_or_else(Provenance::default, |h| h.provenance(path))
        };
        let objects: Vec<ResponseObject> = shown
            .iter()
            .map(|r| ResponseObject::new(r, provenance(&r.path), None))
            .collect();
        print(&(serde_json::to_string_pretty(&objects).unwrap_or_default() + "\n"));
    } else {
        print(&table(&shown));
    }
    if !library.problems.iter().all(|p| !p.is_error()) {
        super::eprint_warning("some files have errors and are not listed: run `cannery check`");
    }
    Ok(ExitCode::SUCCESS)
}

fn table(responses: &[&Response]) -> String {
    let rows: Vec<[String; 5]> = responses
        .iter()
        .map(|r| {
            let mut title = r.title.clone();
            if !r.active {
                title.push_str(" (inactive)");
            }
            [
                r.id.clone(),
                title,
                r.shortcut.clone().unwrap_or_default(),
                r.category.clone(),
                r.tags.join(", "),
            ]
        })
        .collect();
    let header = ["ID", "TITLE", "SHORTCUT", "CATEGORY", "TAGS"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "{} response{}\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out
}
