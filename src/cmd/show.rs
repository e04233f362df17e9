//! `cannery show`: one response, rendered, placeholders filled.

use super::{print, Global, Result};
use cannery::placeholder::spell;
use cannery::suggest;
use clap::{Args as ClapArgs, ValueEnum};
use std::collections::HashMap;
use std::process::ExitCode;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The response's id, e.g. support/business-hours.
    id: String,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// The language to show, when the response has variants (pt-BR falls
    /// back to pt, then to the response itself).
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
    /// A placeholder's value, e.g. --set contact.first_name=Ana (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    values: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Markdown,
    Html,
    Text,
}

fn parse_set(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if cannery::placeholder::is_name(name.trim()) => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!(
            "`{s}` is not NAME=VALUE, like contact.first_name=Ana"
        )),
    }
}

pub fn run(args: Args, global: &Global) -> Result<ExitCode> {
    let (_, library) = global.load()?;
    let Some(response) = library.get(&args.id) else {
        let mut message = format!("no response has the id `{}`", args.id);
        if library
            .problems
            .iter()
            .any(|p| p.is_error() && cannery::response::id_from_path(&p.file) == args.id)
        {
            message.push_str(": its file has errors; run `cannery check`");
        } else if let Some(id) =
            suggest::did_you_mean(&args.id, library.responses.iter().map(|r| r.id.as_str()))
        {
            message.push_str(&format!(": did you mean `{id}`?"));
        }
        super::eprint_error(&message);
        return Ok(ExitCode::from(1));
    };
    let response = args
        .locale
        .as_deref()
        .and_then(|l| response.variant(l))
        .unwrap_or(response);
    let values: HashMap<&str, &str> = args
        .values
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    for name in values.keys() {
        if !response.placeholders.iter().any(|p| p.name == *name) {
            super::eprint_warning(&format!("`{}` has no placeholder `{name}`", response.id));
        }
    }
    let mut missing: Vec<&str> = Vec::new();
    for p in &response.placeholders {
        if p.default.is_none()
            && !values.contains_key(p.name.as_str())
            && !missing.contains(&p.name.as_str())
        {
            missing.push(&p.name);
        }
    }
    let fill = |p: &cannery::placeholder::Placeholder| match values.get(p.name.as_str()) {
        Some(v) => v.to_string(),
        None => p.default.clone().unwrap_or_else(|| spell(&p.name, None)),
    };
    let out = match args.format {
        Format::Markdown => response.body_with(fill),
        Format::Html => response.render_with(&fill).html,
        Format::Text => response.render_with(&fill).text,
    };
    print(&format!("{}\n", out.trim_end()));
    if !missing.is_empty() {
        let sets: Vec<String> = missing.iter().map(|n| format!("--set {n}=…")).collect();
        super::eprint_warning(&format!(
            "no value for {}: pass {}",
            missing.join(", "),
            sets.join(" ")
        ));
    }
    Ok(ExitCode::SUCCESS)
}
