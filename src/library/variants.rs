//! Variants: each translated file checked against its base response, then
//! attached to it.

use super::memo::{Assembled, KeptVariant, Memo};
use super::read::load_file;
use crate::problem::Problem;
use crate::progress::Progress;
use crate::response::Response;
use crate::source::{Source, Stamp};
use crate::validate::Context;
use crate::variant::VariantFile;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Loads each variant and gives it to its base, sorted by locale. A variant
/// whose base has errors is still checked, but not served. With a `memo`, a
/// variant file whose stamp and base did not change is not read again, and
/// a response whose base and variants did not change stays the same `Arc`.
#[allow(clippy::too_many_arguments)]
pub(super) fn attach_variants(
    source: &dyn Source,
    files: &[VariantFile],
    stamps: &[Option<Stamp>],
    responses: &mut [Arc<Response>],
    ctx: &Context,
    problems: &mut Vec<Problem>,
    progress: &Progress,
    mut memo: Option<&mut Memo>,
    trusted: &(dyn Fn(Stamp) -> Option<Stamp> + Sync),
) {
    if files.is_empty() {
        if let Some(memo) = memo {
            memo.variants.clear();
            memo.assembled.clear();
        }
        return;
    }
    let by_path: HashMap<&str, usize> = responses
        .iter()
        .enumerate()
        .map(|(i, r)| (r.path.as_str(), i))
        .collect();
    let remember = memo.is_some();
    let known = memo.as_deref().map(|m| &m.variants);
    let loaded: Vec<(Option<usize>, Option<KeptVariant>)> = files
        .par_iter()
        .zip(stamps)
        .map(|(file, &now)| {
            progress.inc();
            let base = by_path.get(file.base.as_str()).copied();
            let base_now = base.map(|i| &responses[i]);
            let kept = known.and_then(|k| k.get(file.path.as_str()));
            let same_base = |k: &KeptVariant| match (&k.base, base_now) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            if now.is_some() && kept.is_some_and(|k| k.stamp == now && same_base(k)) {
                return (base, None);
            }
            let (variant, found) = load_file(source, &file.path, |doc| {
                crate::variant::validate(
                    &file.path,
                    doc,
                    base_now.map(|b| b.as_ref()),
                    &file.locale,
                    ctx,
                )
            });
            let kept = KeptVariant {
                stamp: now.and_then(trusted),
                base: base_now.cloned(),
                variant: variant.map(Arc::new),
                problems: found,
            };
            (base, Some(kept))
        })
        .collect();
    let mut old = match memo.as_deref_mut() {
        Some(memo) => {
            let read = files
                .iter()
                .zip(&loaded)
                .filter(|(_, (_, kept))| kept.is_some())
                .map(|(file, _)| file.path.clone());
            memo.read.get_or_insert_with(Vec::new).extend(read);
            std::mem::take(&mut memo.variants)
        }
        None => HashMap::new(),
    };
    let mut kept = HashMap::with_capacity(if remember { files.len() } else { 0 });
    let mut attached: Vec<Vec<Arc<Response>>> = vec![Vec::new(); responses.len()];
    for (file, (base, loaded)) in files.iter().zip(loaded) {
        let Some(entry) = loaded.or_else(|| old.remove(file.path.as_str())) else {
            continue;
        };
        problems.extend(entry.problems.iter().cloned());
        if let (Some(i), Some(variant)) = (base, &entry.variant) {
            let siblings = &mut attached[i];
            if let Some(other) = siblings
                .iter()
                .find(|v| v.locale.eq_ignore_ascii_case(&variant.locale))
            {
                problems.push(
                    Problem::error(
                        "duplicate-variant",
                        &variant.path,
                        format!("{} is already the `{}` variant", other.path, other.locale),
                    )
                    .with_hint("keep one file per language"),
                );
            } else {
                siblings.push(variant.clone());
            }
        }
        if remember {
            kept.insert(file.path.clone(), entry);
        }
    }
    let mut assembled = match memo.as_deref_mut() {
        Some(memo) => std::mem::take(&mut memo.assembled),
        None => HashMap::new(),
    };
    let mut now_assembled = HashMap::new();
    for (r, mut variants) in responses.iter_mut().zip(attached) {
        if variants.is_empty() {
            continue;
        }
        variants.sort_by(|a, b| a.locale.cmp(&b.locale));
        if !remember {
            // Shared with nothing: no copies.
            Arc::make_mut(r).variants = variants.into_iter().map(Arc::unwrap_or_clone).collect();
            continue;
        }
        let same = assembled.remove(r.path.as_str()).filter(|a| {
            Arc::ptr_eq(&a.base, r)
                && a.variants.len() == variants.len()
                && a.variants
                    .iter()
                    .zip(&variants)
                    .all(|(a, b)| Arc::ptr_eq(a, b))
        });
        let whole = match same {
            Some(a) => a.whole,
            None => {
                let mut whole = Response::clone(r);
                whole.variants = variants.iter().map(|v| Response::clone(v)).collect();
                Arc::new(whole)
            }
        };
        let base = std::mem::replace(r, whole.clone());
        now_assembled.insert(
            r.path.clone(),
            Assembled {
                base,
                variants,
                whole,
            },
        );
    }
    if let Some(memo) = memo {
        memo.variants = kept;
        memo.assembled = now_assembled;
    }
}
