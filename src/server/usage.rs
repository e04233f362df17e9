//! The usage log (`serve --usage-log FILE`): one JSON line per use,
//! `{"id", "at", "agent"?}`, appended and written out line by line, kept
//! outside the library. `cannery usage` reads the same file with [`read`].

use crate::object::Usage;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;

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
pub fn count(uses: &[Use]) -> HashMap<String, Usage> {
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

/// The open log, with the counts read from it at start and kept since.
pub struct UsageLog {
    file: Mutex<File>,
    counts: Mutex<HashMap<String, Usage>>,
}

impl UsageLog {
    /// Opens (or creates) the log and counts what it holds. Returns the
    /// warnings about lines that were skipped.
    pub fn open(path: &Path) -> std::io::Result<(UsageLog, Vec<String>)> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let (uses, warnings) = read(&text);
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            // End the torn line, or the next use would be glued to it.
            file.write_all(b"\n")?;
        }
        Ok((
            UsageLog {
                file: Mutex::new(file),
                counts: Mutex::new(count(&uses)),
            },
            warnings,
        ))
    }

    /// Appends one use and counts it. The line goes to the file in one
    /// write, with no buffer in between, so a crash loses at most the line
    /// being written (and the next start skips what is left of it).
    pub fn record(&self, id: &str, agent: Option<&str>) -> std::io::Result<()> {
        let at = super::index::now();
        let line = serde_json::to_string(&Use {
            id: id.to_string(),
            at: at.clone(),
            agent: agent.map(str::to_string),
        })
        .map_err(std::io::Error::other)?
            + "\n";
        {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            file.write_all(line.as_bytes())?;
            file.flush()?;
        }
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let usage = counts.entry(id.to_string()).or_default();
        usage.usage_count += 1;
        usage.last_used_at = Some(at);
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<Usage> {
        self.counts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_is_skipped_with_a_warning() {
        let text = "{\"id\":\"a\",\"at\":\"2025-01-01T00:00:00Z\"}\n{\"id\":\"a\",\"at\":\"2025-01-02T00:00:00Z\",\"agent\":\"x\"}\n{\"id\":\"b\",\"at";
        let (uses, warnings) = read(text);
        assert_eq!(uses.len(), 2);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("line 3") && warnings[0].contains("cut short"));
        let counts = count(&uses);
        assert_eq!(counts["a"].usage_count, 2);
        assert_eq!(
            counts["a"].last_used_at.as_deref(),
            Some("2025-01-02T00:00:00Z")
        );
    }

    #[test]
    fn appending_after_a_torn_line_starts_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("usage.jsonl");
        std::fs::write(
            &path,
            "{\"id\":\"a\",\"at\":\"2025-01-01T00:00:00Z\"}\n{\"id\":",
        )
        .unwrap();
        let (log, warnings) = UsageLog::open(&path).unwrap();
        assert_eq!(warnings.len(), 1);
        log.record("b", Some("ana")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let (uses, warnings) = read(&text);
        assert_eq!(uses.len(), 2, "{text}");
        assert_eq!(warnings.len(), 1, "{text}");
        assert_eq!(uses[1].agent.as_deref(), Some("ana"));
        assert_eq!(log.get("b").unwrap().usage_count, 1);
        assert_eq!(log.get("a").unwrap().usage_count, 1);
    }
}
