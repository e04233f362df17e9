//! The usage log's lines (SPEC §5.3): `{"id", "at", "agent"?}`, one per
//! use. `serve --usage-log` writes them (see `server::usage`); the server
//! and `cannery usage` read them here.

use crate::object::Usage;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Use {
    pub id: String,
    /// RFC 3339 UTC, to the second.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

/// Reads a log's text. A line that is not a use is skipped with a warning;
/// a last line without its newline is a write cut short by a crash.
pub fn read(text: &str) -> (Vec<Use>, Vec<String>) {
    let mut uses = Vec::new();
    let mut warnings = Vec::new();
    let torn = !text.is_empty() && !text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Use>(line) {
            Ok(u) => uses.push(u),
            Err(_) if torn && n + 1 == lines.len() => warnings.push(format!(
                "line {} of the usage log was cut short (the server stopped while writing it); it is skipped",
                n + 1
            )),
            Err(e) => warnings.push(format!(
                "line {} of the usage log is not a use ({e}); it is skipped",
                n + 1
            )),
        }
    }
    (uses, warnings)
}

/// Use counts per response id.
pub fn count<'a>(uses: impl IntoIterator<Item = &'a Use>) -> HashMap<String, Usage> {
    let mut counts: HashMap<String, Usage> = HashMap::new();
    for u in uses {
        let usage = counts.entry(u.id.clone()).or_default();
        usage.usage_count += 1;
        if usage.last_used_at.as_ref().is_none_or(|last| *last < u.at) {
            usage.last_used_at = Some(u.at.clone());
        }
    }
    counts
}

/// The uses at or after `since` (RFC 3339 UTC, as the log writes it). A
/// use whose time cannot be read is kept: dropping it would hide a use.
pub fn since<'a>(uses: &'a [Use], since: &jiff::Timestamp) -> Vec<&'a Use> {
    uses.iter()
        .filter(|u| {
            u.at.parse::<jiff::Timestamp>()
                .map_or(true, |at| at >= *since)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_keeps_later_and_unreadable_uses() {
        let (uses, _) = read(concat!(
            "{\"id\":\"a\",\"at\":\"2026-01-01T00:00:00Z\"}\n",
            "{\"id\":\"b\",\"at\":\"2026-03-01T00:00:00Z\"}\n",
            "{\"id\":\"c\",\"at\":\"sometime\"}\n",
        ));
        let from: jiff::Timestamp = "2026-02-01T00:00:00Z".parse().unwrap();
        let ids: Vec<&str> = since(&uses, &from).iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
    }
}
