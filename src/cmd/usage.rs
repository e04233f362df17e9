//! `cannery usage`: how often each response was used, from the log that
//! `serve --usage-log` keeps (SPEC §5.3), and which ones nobody uses.

use super::{print, Failure, Global, Result};
use cannery::object::Usage;
use cannery::usage;
use clap::Args as ClapArgs;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The log `cannery serve --usage-log FILE` writes.
    #[arg(long, value_name = "FILE")]
    usage_log: PathBuf,
    /// Count only uses from this day (YYYY-MM-DD, UTC) or instant
    /// (RFC 3339) on.
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<jiff::Timestamp>,
    /// Only the active responses nobody used (in the period): candidates
    /// to retire.
    #[arg(long)]
    unused: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    usage_count: u64,
    last_used_at: Option<&'a str>,
}

#[derive(Serialize)]
struct Report<'a> {
    since: Option<String>,
    responses: Vec<Row<'a>>,
    /// Ids in the log that the library no longer has (renamed or deleted).
    not_in_library: Vec<Row<'a>>,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let (_, library) = global.load()?;
    let bytes = std::fs::read(&args.usage_log).map_err(|e| {
        Failure(format!(
            "cannot read the usage log {}: {e}",
            super::display_path(&args.usage_log)
        ))
    })?;
    let (uses, warnings) = usage::read(&String::from_utf8_lossy(&bytes));
    let mut stderr = anstream::stderr();
    for w in &warnings {
        let _ = writeln!(stderr, "warning: {w}");
    }
    let counts = match &args.since {
        Some(since) => usage::count(usage::since(&uses, since)),
        None => usage::count(&uses),
    };
    let none = Usage::default();
    let mut responses: Vec<Row> = library
        .responses
        .iter()
        .filter(|r| !args.unused || r.active)
        .map(|r| {
            let usage = counts.get(&r.id).unwrap_or(&none);
            Row {
                id: &r.id,
                title: &r.title,
                usage_count: usage.usage_count,
                last_used_at: usage.last_used_at.as_deref(),
            }
        })
        .filter(|row| !args.unused || row.usage_count == 0)
        .collect();
    // Most used first; ties (and the unused) by id.
    responses.sort_by(|a, b| b.usage_count.cmp(&a.usage_count).then(a.id.cmp(b.id)));
    let mut not_in_library: Vec<Row> = counts
        .iter()
        .filter(|(id, _)| library.get(id).is_none())
        .map(|(id, usage)| Row {
            id,
            title: "",
            usage_count: usage.usage_count,
            last_used_at: usage.last_used_at.as_deref(),
        })
        .collect();
    not_in_library.sort_by(|a, b| a.id.cmp(b.id));
    if args.unused {
        not_in_library.clear();
    }
    let report = Report {
        since: args.since.map(|s| s.to_string()),
        responses,
        not_in_library,
    };
    if args.json {
        print(&(serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"));
    } else {
        print(&table(&report, args.unused));
    }
    Ok(ExitCode::SUCCESS)
}

fn table(report: &Report, unused: bool) -> String {
    let mut out = String::new();
    let period = report
        .since
        .as_ref()
        .map_or(String::new(), |s| format!(" since {s}"));
    if unused {
        if report.responses.is_empty() {
            out.push_str(&format!("Every active response was used{period}.\n"));
            return out;
        }
        out.push_str(&format!(
            "{} active responses nobody used{period}:\n",
            report.responses.len()
        ));
        let width = id_width(report);
        for row in &report.responses {
            out.push_str(&format!("  {:<width$}  {}\n", row.id, row.title));
        }
        return out;
    }
    let width = id_width(report);
    out.push_str(&format!(
        "{:>5}  {:<20}  {:<width$}  TITLE\n",
        "USES", "LAST USED", "ID"
    ));
    for row in report.responses.iter().chain(&report.not_in_library) {
        let title = if row.title.is_empty() {
            "(not in the library)"
        } else {
            row.title
        };
        out.push_str(&format!(
            "{:>5}  {:<20}  {:<width$}  {title}\n",
            row.usage_count,
            row.last_used_at.unwrap_or("-"),
            row.id,
        ));
    }
    out
}

fn id_width(report: &Report) -> usize {
    report
        .responses
        .iter()
        .chain(&report.not_in_library)
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2)
}

/// `2026-11-01` (midnight UTC) or an RFC 3339 instant.
fn parse_since(text: &str) -> std::result::Result<jiff::Timestamp, String> {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    text.parse::<jiff::Timestamp>().map_err(|_| {
        format!("`{text}` is not a date: write it as 2026-11-01, or 2026-11-01T09:00:00Z")
    })
}
