//! Progress bars for long work, drawn only for a person watching a terminal.
//!
//! The one module that knows `indicatif`. A bar goes to standard error and
//! only when that is a terminal, `NO_COLOR` and `CI` are unset and `TERM`
//! is not `dumb`; commands that print machine-readable output (`--format
//! json`, `github`) ask for [`Progress::hidden`] instead. Anything else gets
//! a no-op, so callers never need to check.
//!
//! A bar also stays hidden until the work has run for [`DELAY`]: a check
//! that takes a tenth of a second should not flash a bar on the screen.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long work runs before its bar appears.
pub const DELAY: Duration = Duration::from_millis(300);

/// A progress bar, or nothing. Cheap to create; share it by reference
/// between threads (`inc` takes `&self`).
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    /// Whether the bar may be drawn at all.
    enabled: bool,
    /// Whether it has been shown (after [`DELAY`]).
    shown: AtomicBool,
    started: Instant,
}

impl Progress {
    /// A bar of `len` steps saying `message`, drawn when a person watches
    /// standard error (see the module comment). `len` may be 0 and set
    /// later with [`Progress::set_length`] when it is not yet known.
    pub fn new(len: u64, message: &'static str) -> Progress {
        Progress::build(len, message, may_draw())
    }

    /// A progress that never draws: for JSON and other output for machines.
    pub fn hidden() -> Progress {
        Progress::build(0, "", false)
    }

    fn build(len: u64, message: &'static str, enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        if enabled {
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_message(message);
        }
        Progress {
            bar,
            enabled,
            shown: AtomicBool::new(false),
            started: Instant::now(),
        }
    }

    /// Whether this progress can ever draw.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    pub fn set_length(&self, len: u64) {
        self.bar.set_length(len);
    }

    /// One step done.
    pub fn inc(&self) {
        self.inc_by(1);
    }

    pub fn inc_by(&self, steps: u64) {
        if !self.enabled {
            return;
        }
        self.bar.inc(steps);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= delay()
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// The work is done: the bar disappears, leaving the screen to the
    /// command's own output.
    pub fn finish(&self) {
        if self.enabled {
            self.bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A command that returns early (an error) must not leave a bar
        // half drawn above its message.
        self.finish();
    }
}

/// Whether bars may be drawn in this process.
/// [`DELAY`], or `$CANNERY_PROGRESS_DELAY_MS`: tests set 0, since a fast
/// machine checks their libraries before any delay worth having.
fn delay() -> Duration {
    std::env::var("CANNERY_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DELAY, Duration::from_millis)
}

fn may_draw() -> bool {
    std::io::stderr().is_terminal() && allowed_by(|name| std::env::var_os(name))
}

/// The environment's say: `NO_COLOR` (any non-empty value, as
/// no-color.org defines it) and `CI` (set by every CI service; their logs
/// are not terminals even when they pretend to be) turn bars off, and so
/// does a `dumb` terminal.
fn allowed_by(var: impl Fn(&str) -> Option<OsString>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    !set("NO_COLOR") && !set("CI") && var("TERM").is_none_or(|t| t != "dumb")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn bars_are_off_in_ci_without_colour_and_on_dumb_terminals() {
        assert!(allowed_by(env(&[("TERM", "xterm-256color")])));
        assert!(allowed_by(env(&[])));
        assert!(!allowed_by(env(&[("CI", "true")])));
        assert!(!allowed_by(env(&[("CI", "1"), ("TERM", "xterm")])));
        assert!(!allowed_by(env(&[("NO_COLOR", "1")])));
        assert!(!allowed_by(env(&[("TERM", "dumb")])));
        // no-color.org: an empty NO_COLOR does not count.
        assert!(allowed_by(env(&[("NO_COLOR", "")])));
    }

    #[test]
    fn a_hidden_progress_counts_nothing_and_never_draws() {
        let p = Progress::hidden();
        assert!(!p.is_enabled());
        p.set_length(3);
        p.inc();
        p.inc_by(2);
        assert_eq!(p.bar.position(), 0);
        p.finish();
    }

    #[test]
    fn an_enabled_progress_counts_but_stays_hidden_for_quick_work() {
        let p = Progress::build(10, "Reading responses", true);
        p.inc();
        p.inc_by(2);
        assert_eq!(p.bar.position(), 3);
        assert!(!p.shown.load(Ordering::Relaxed), "shown before {DELAY:?}");
        p.finish();
    }
}
