//! The routes that read git history: one response's commits, and what
//! changed since a revision (what a sync job needs, deletions included).

use super::envelope::Answer;
use super::index::Index;
use super::origin::Origin;
use super::params::Params;
use super::{paging, Request};
use crate::history::{Event, History};
use crate::suggest;

fn history(index: &Index) -> Result<&History, Answer> {
    index.history.as_deref().ok_or_else(|| {
        Answer::not_found("the library is not in a git repository, so it has no history")
    })
}

/// `GET /api/v1/history/{id}`: the commits that created, changed, renamed
/// or deleted this response, newest first. A deleted response still has
/// its history.
pub fn of(index: &Index, id: &str, req: &Request) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let paging = params.paging()?;
    params.finish()?;
    let history = history(index)?;
    let events = history.for_id(id);
    if events.is_empty() && index.find(id).is_none() {
        let mut message = format!("no response has, or had, the id `{id}`");
        let ids = index.responses().iter().map(|r| r.id.as_str());
        if let Some(near) = suggest::did_you_mean(id, ids) {
            message.push_str(&format!(": did you mean `{near}`?"));
        }
        return Err(Answer::not_found(message));
    }
    Ok(page(index, events, paging, req))
}

/// `GET /api/v1/changes?since=REV`: every response created, changed,
/// renamed or deleted in the commits after REV, newest first.
pub fn since(index: &Index, origin: &Origin, req: &Request) -> Result<Answer, Answer> {
    let mut params = Params::parse(req.query)?;
    let since = params.one("since")?.map(str::to_string);
    let paging = params.paging()?;
    params.finish()?;
    let Some(since) = since.filter(|s| !s.trim().is_empty()) else {
        return Err(Answer::bad_parameter(
            "since",
            "`since` is required: the commit the caller last saw, such as the `meta.revision` of its last answer",
        ));
    };
    let history = history(index)?;
    let events = history
        .since(&since)
        .or_else(|| history.since(&origin.resolve(&since)?))
        .ok_or_else(|| {
            Answer::not_found(format!(
                "`{since}` names no commit of this library's history: pass one the caller saw, such as the `meta.revision` of an earlier answer"
            ))
        })?;
    Ok(page(index, events, paging, req))
}

fn page(index: &Index, events: Vec<&Event>, paging: paging::Paging, req: &Request) -> Answer {
    let total = events.len();
    let shown: Vec<&Event> = events[paging.range(total)].to_vec();
    paging::page(
        shown,
        total,
        paging,
        index.revision.clone(),
        req.path,
        req.query,
    )
}
