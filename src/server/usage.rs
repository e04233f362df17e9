//! Writing the usage log (`serve --usage-log FILE`): one JSON line per
//! use, appended and written out line by line, kept outside the library.
//! Reading it is [`crate::usage`]'s, shared with `cannery usage`.

use crate::object::Usage;
use crate::usage::{count, read, Use};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;

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
