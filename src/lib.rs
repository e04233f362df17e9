//! Cannery: a support team's canned responses, kept as Markdown files in git.

pub mod config;
pub mod disk;
pub mod export;
pub mod front_matter;
pub mod history;
pub mod import;
pub mod library;
pub mod near_duplicate;
pub mod object;
pub mod placeholder;
pub mod problem;
pub mod progress;
pub mod render;
mod render_text;
pub mod report;
pub mod response;
pub mod search;
pub mod server;
pub mod snippet;
pub mod source;
pub mod suggest;
pub mod usage;
pub mod validate;
pub mod variant;
pub mod yaml;
