//! `cannery import`: a helpdesk's canned responses as library files,
//! never over an existing file.

use super::{display_path, print, Failure, Global, Result};
use cannery::config::TARGETS;
use cannery::export;
use cannery::import::{self, Options};
use clap::builder::PossibleValuesParser;
use clap::Args as ClapArgs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The helpdesk the file comes from.
    #[arg(long = "from", value_name = "SOURCE", value_parser = PossibleValuesParser::new(TARGETS))]
    from: String,
    /// Its list API's answer, or `cannery export --to SOURCE` output; `-`
    /// reads standard input.
    file: PathBuf,
    /// The folder for the new files, relative to the library root.
    /// Default: a folder per category.
    #[arg(long, value_name = "DIR")]
    into: Option<String>,
    /// Who private responses belong to, when the helpdesk does not give an
    /// email (the `owner:` of the files).
    #[arg(long, value_name = "EMAIL")]
    owner: Option<String>,
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let (root, library) = global.load()?;
    let target = export::target(&args.from)
        .ok_or_else(|| Failure(format!("importing from `{}` is not built yet", args.from)))?;
    if let Some(dir) = &args.into {
        let inside = Path::new(dir)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !inside || !cannery::source::is_walked_dir(dir.trim_matches('/')) {
            return Err(Failure(format!(
                "`{dir}` is not a folder inside the library (no `..`, no leading `.` or `_`)"
            )));
        }
    }
    let bytes = read_input(&args.file)?;
    let options = Options {
        into: args.into,
        owner: args.owner,
    };
    let plan = import::plan(&library, target, &bytes, &options).map_err(|why| {
        Failure(format!(
            "{} is not {}'s export or list answer: {why}",
            args.file.display(),
            target.product()
        ))
    })?;
    let mut written = 0;
    let mut skipped = plan.skipped.len();
    for file in &plan.files {
        let path = root.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure(format!("cannot create {}: {e}", dir.display())))?;
        }
        // create_new: never overwrite, even a file that appears meanwhile.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(file.text.as_bytes())
                    .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
                print(&format!("{}\n", display_path(&path)));
                written += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                super::eprint_warning(&format!(
                    "skipped \"{}\": {} already exists",
                    file.title,
                    display_path(&path)
                ));
                skipped += 1;
            }
            Err(e) => return Err(Failure(format!("cannot create {}: {e}", path.display()))),
        }
    }
    for s in &plan.skipped {
        super::eprint_warning(&format!("skipped {}: {}", s.element, s.message));
    }
    for w in &plan.warnings {
        super::eprint_warning(&format!("{}: {}", w.element, w.message));
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let _ = writeln!(
        anstream::stderr(),
        "Imported {written} response{} from {}; skipped {skipped}.",
        plural(written),
        target.product()
    );
    Ok(if skipped > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_input(file: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|e| Failure(format!("cannot read {}: {e}", file.display())))?;
    Ok(bytes)
}
