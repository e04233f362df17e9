//! The near-duplicate warning: bodies so alike that one response may be a
//! copy of another.

use crate::near_duplicate::Sketch;
use crate::problem::Problem;
use crate::response::Response;
use crate::source::CONFIG_FILE;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

/// A warning for each response whose body is nearly another's. Each body's
/// sketch is taken from (or made into) its place in `kept`, when it has one.
pub(super) fn near_duplicates(
    responses: &[Arc<Response>],
    threshold: f64,
    kept: &[Option<&OnceLock<Sketch>>],
) -> Vec<Problem> {
    if threshold <= 0.0 {
        return Vec::new();
    }
    let bodies: Vec<&str> = responses.iter().map(|r| r.body.as_str()).collect();
    let sketches: Vec<Result<&Sketch, Box<Sketch>>> = responses
        .par_iter()
        .zip(kept)
        .map(|(r, kept)| match kept {
            Some(kept) => Ok(kept.get_or_init(|| Sketch::new(&r.body, threshold))),
            None => Err(Box::new(Sketch::new(&r.body, threshold))),
        })
        .collect();
    let sketches: Vec<&Sketch> = sketches
        .iter()
        .map(|s| match s {
            Ok(s) => *s,
            Err(s) => s,
        })
        .collect();
    crate::near_duplicate::find_sketched(&bodies, &sketches, threshold)
        .into_iter()
        .map(|pair| {
            let (first, second) = (&responses[pair.first], &responses[pair.second]);
            let percent = (pair.similarity * 100.0).floor();
            Problem::warning(
                "near-duplicate",
                &second.path,
                format!("this body is {percent}% alike the body of {}", first.path),
            )
            .with_hint(format!(
                "merge the two responses, or make them differ; `duplicates: {{threshold: 0}}` in {CONFIG_FILE} turns this warning off"
            ))
        })
        .collect()
}
