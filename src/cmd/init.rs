//! `cannery init`: start a library, with the checks that keep it valid.
//!
//! Every file it writes is a real file in `templates/init/` (the workflow
//! is `docs/github-actions.yml`, so the documented one and the written one
//! cannot drift apart), compiled in. Nothing is ever overwritten: all the
//! paths are looked at first, and one clash means nothing is written.
//!
//! The pre-commit configuration and the GitHub workflow only work at the
//! root of a git repository, while the library may be a folder inside one.
//! They are written into the library folder all the same, already naming
//! that folder relative to the repository's root, and the message says to
//! move them there: `init` never writes outside the folder it was given.

use super::{display_path, print, Failure, Global, Result};
use clap::Args as ClapArgs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The folder for the new library, made if missing. Default: --library,
    /// else the current folder.
    dir: Option<PathBuf>,
}

/// The library's own files.
const LIBRARY_FILES: &[(&str, &str)] = &[
    (
        "cannery.yaml",
        include_str!("../../templates/init/cannery.yaml"),
    ),
    (
        "greeting/welcome.md",
        include_str!("../../templates/init/greeting/welcome.md"),
    ),
    ("README.md", include_str!("../../templates/init/README.md")),
];

/// Files that belong at the root of the git repository.
const REPOSITORY_FILES: &[(&str, &str)] = &[
    (
        ".pre-commit-config.yaml",
        include_str!("../../templates/init/.pre-commit-config.yaml"),
    ),
    (
        ".github/workflows/cannery.yml",
        include_str!("../../docs/github-actions.yml"),
    ),
];

/// What the templates say where the address of Cannery's repository goes.
const REPOSITORY_PLACEHOLDER: &str = "https://github.com/YOUR-ORG/cannery";

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure(format!("cannot read the current folder: {e}")))?;
    let dir = cwd.join(
        args.dir
            .or_else(|| global.library.clone())
            .unwrap_or_else(|| PathBuf::from(".")),
    );
    if dir.exists() && !dir.is_dir() {
        super::eprint_error(&format!(
            "{} is a file, not a folder: give init a folder for the library",
            display_path(&dir)
        ));
        return Ok(ExitCode::from(1));
    }
    let top = repository_top(&dir);
    let from_top = top
        .as_deref()
        .and_then(|top| relative_to(&dir, top))
        .unwrap_or_else(|| ".".into());
    let files: Vec<(&str, String)> = LIBRARY_FILES
        .iter()
        .chain(REPOSITORY_FILES)
        .map(|(path, text)| (*path, fill(text, &from_top)))
        .collect();

    // Look at every path before writing any.
    let clashes: Vec<String> = files
        .iter()
        .filter_map(|(path, _)| clash(&dir, path))
        .collect();
    if !clashes.is_empty() {
        super::eprint_error(&format!(
            "{} already has {}; nothing was written",
            display_path(&dir),
            clashes.join(", ")
        ));
        return Ok(ExitCode::from(1));
    }
    for (path, text) in &files {
        write_new(&dir.join(path), text)?;
    }

    let shown = display_path(&dir);
    let shown = if shown.is_empty() { ".".into() } else { shown };
    let mut out = format!("Created a library in {shown}:\n");
    for (path, _) in &files {
        out.push_str(&format!("  {path}\n"));
    }
    out.push_str(&format!(
        "\nNext: edit greeting/welcome.md or add responses with `cannery new`, \
         run `cannery check`, and commit. README.md in {shown} tells authors how.\n"
    ));
    if from_top != "." {
        let top = top.map(|t| display_path(&t)).unwrap_or_default();
        let top = if top.is_empty() { ".".into() } else { top };
        out.push_str(&format!(
            "\n{shown} is a folder of the git repository at {top}, and pre-commit and GitHub read \
             their files only at a repository's root: move .pre-commit-config.yaml and \
             .github/ from {shown} to {top} (they already point at the library, `{from_top}`).\n"
        ));
    } else if top.is_none() {
        out.push_str(&format!(
            "\n{shown} is not in a git repository yet: `git init` it, so that history, \
             pre-commit and the workflow in .github/ work.\n"
        ));
    }
    if files
        .iter()
        .any(|(_, t)| t.contains(REPOSITORY_PLACEHOLDER))
    {
        out.push_str(&format!(
            "\n.pre-commit-config.yaml and .github/workflows/cannery.yml install Cannery from \
             {REPOSITORY_PLACEHOLDER}: put where your team gets it instead.\n"
        ));
    }
    print(&out);
    Ok(ExitCode::SUCCESS)
}

/// Where this build of Cannery comes from (`repository` in Cargo.toml), if
/// it says.
fn cannery_repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
}

/// A template with the library folder and Cannery's address filled in.
fn fill(template: &str, from_top: &str) -> String {
    let mut text = template.to_string();
    if !cannery_repository().is_empty() {
        text = text.replace(REPOSITORY_PLACEHOLDER, cannery_repository());
    }
    if from_top != "." {
        // JSON strings are YAML double-quoted strings: any folder name is safe.
        let quoted = serde_json::to_string(from_top).unwrap_or_default();
        text = text
            .replace(
                "  CANNERY_LIBRARY: .\n",
                &format!("  CANNERY_LIBRARY: {quoted}\n"),
            )
            .replace(
                "args: [--library, .]",
                &format!("args: [--library, {quoted}]"),
            );
    }
    text
}

/// Why `path` (relative to `dir`) cannot be written: it exists, or one of
/// its folders is a file.
fn clash(dir: &Path, path: &str) -> Option<String> {
    let full = dir.join(path);
    if full.symlink_metadata().is_ok() {
        return Some(path.to_string());
    }
    let mut folder = dir.to_path_buf();
    for part in Path::new(path).parent()?.components() {
        folder.push(part);
        if folder.symlink_metadata().is_ok() && !folder.is_dir() {
            return Some(format!(
                "{} (a file where a folder must go)",
                display(dir, &folder)
            ));
        }
    }
    None
}

fn display(dir: &Path, path: &Path) -> String {
    relative_to(path, dir).unwrap_or_else(|| path.display().to_string())
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let failed = |e: std::io::Error| Failure(format!("cannot write {}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    // create_new: a file that appeared since the check is still not
    // overwritten.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)
}

/// The top of the git repository `dir` is in (or will be in, when it does
/// not exist yet), if any.
fn repository_top(dir: &Path) -> Option<PathBuf> {
    let existing = dir.ancestors().find(|d| d.exists())?;
    let existing = std::fs::canonicalize(existing).ok()?;
    existing
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `path` relative to `base`, `/`-separated; "." when they are the same.
/// Both are compared with links resolved as far as they exist.
fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let resolve = |p: &Path| -> PathBuf {
        // The longest existing prefix, resolved, then the rest as given.
        let mut rest = Vec::new();
        let mut cur = p;
        loop {
            if let Ok(c) = std::fs::canonicalize(cur) {
                let mut out = c;
                out.extend(rest.iter().rev());
                return out;
            }
            match (cur.parent(), cur.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    cur = parent;
                }
                _ => return p.to_path_buf(),
            }
        }
    };
    let rel = resolve(path)
        .strip_prefix(resolve(base))
        .ok()?
        .to_path_buf();
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_name_this_version_of_cannery() {
        let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
        for (path, text) in REPOSITORY_FILES {
            assert!(
                text.contains(&tag),
                "{path} should install {tag}: update it with the version"
            );
        }
    }

    #[test]
    fn the_library_folder_is_filled_in_below_a_repository_root() {
        for (_, text) in REPOSITORY_FILES {
            assert_eq!(&fill(text, "."), text);
            let filled = fill(text, "support replies");
            assert_ne!(&filled, text);
            assert!(filled.contains("\"support replies\""), "{filled}");
        }
    }
}
