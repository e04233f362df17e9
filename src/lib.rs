//! Cannery: a support team's canned responses, kept as Markdown files in git.

pub mod history;
pub mod problem;
pub mod source;
