//! `GET /api/v1/export/{target}`: the same bytes as `cannery export --to
//! {target}`, from the same function.

use super::envelope::Answer;
use super::index::Index;
use super::params::Params;
use super::Request;
use crate::export::{self, Options};

pub fn export(index: &Index, target: &str, req: &Request) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let locale = params.one("locale")?.map(str::to_string);
    params.finish()?;
    let Some(found) = export::target(target) else {
        return Err(Answer::not_found(format!(
            "`{target}` is not an export target; the targets are: {}",
            crate::config::TARGETS.join(", ")
        )));
    };
    let options = Options {
        locale,
        history: index.history.as_deref(),
    };
    match export::render(&index.library, found.name(), &options) {
        Ok(body) => Ok(Answer::bytes(
            200,
            if found.name() == "zammad-csv" {
                "text/csv; charset=utf-8"
            } else {
                "application/json"
            },
            body.into(),
        )),
        Err(problems) => {
            let first = problems
                .first()
                .map(|p| format!(": {} ({})", p.message, p.file))
                .unwrap_or_default();
            Err(Answer::error(
                409,
                format!(
                    "the export to {} is refused by {} problem(s){first}; `cannery check --target {}` lists them all",
                    found.product(),
                    problems.len(),
                    found.name()
                ),
            ))
        }
    }
}
