//! Near-duplicate bodies (SPEC §7.3), found in near-linear time.
//!
//! Each body becomes a set of word 3-shingles; a MinHash signature of 64
//! values sketches the set, and locality-sensitive hashing over bands of
//! the signature proposes candidate pairs. Only candidates are compared
//! exactly (Jaccard similarity of the shingle sets), so the cost grows with
//! the library, not with the number of pairs.

use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

const SIGNATURE: usize = 64;
const SHINGLE: usize = 3;

/// Two bodies at least as alike as the threshold: indexes into the input,
/// the first lower, and their similarity in 0..=1.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub first: usize,
    pub second: usize,
    pub similarity: f64,
}

/// Every pair of `bodies` whose similarity is at least `threshold`
/// (0 < threshold ≤ 1), in input order.
pub fn find(bodies: &[&str], threshold: f64) -> Vec<Pair> {
    if threshold <= 0.0 || bodies.len() < 2 {
        return Vec::new();
    }
    let sets: Vec<Vec<u64>> = bodies.par_iter().map(|b| shingles(b)).collect();
    let signatures: Vec<[u64; SIGNATURE]> = sets.par_iter().map(|s| signature(s)).collect();
    let rows = rows_for(threshold);
    let bands = SIGNATURE / rows;
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for band in 0..bands {
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::with_capacity(bodies.len());
        for (i, sig) in signatures.iter().enumerate() {
            if sets[i].is_empty() {
                continue;
            }
            let key = fold(&sig[band * rows..(band + 1) * rows]);
            buckets.entry(key).or_default().push(i);
        }
        for members in buckets.values().filter(|m| m.len() > 1) {
            for (n, &a) in members.iter().enumerate() {
                for &b in &members[n + 1..] {
                    candidates.push((a, b));
                }
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut pairs: Vec<Pair> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let similarity = jaccard(&sets[a], &sets[b]);
            (similarity >= threshold).then_some(Pair {
                first: a,
                second: b,
                similarity,
            })
        })
        .collect();
    pairs.sort_by_key(|p| (p.second, p.first));
    pairs
}

/// Rows per band: as many as keep the chance of missing a pair at the
/// threshold under 0.5%, so fewer unlike pairs become candidates.
fn rows_for(threshold: f64) -> usize {
    (1..=16)
        .rev()
        .find(|&r| (1.0 - threshold.powi(r as i32)).powi((SIGNATURE / r) as i32) <= 0.005)
        .unwrap_or(1)
}

/// The sorted, distinct hashes of a body's word 3-shingles (of its words,
/// when it has fewer than three).
fn shingles(body: &str) -> Vec<u64> {
    let words: Vec<String> = body
        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '.')
        .map(|w| w.trim_matches('.').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let width = SHINGLE.min(words.len().max(1));
    let mut set: Vec<u64> = words
        .windows(width)
        .map(|window| {
            let mut h = hasher();
            for w in window {
                h.write(w.as_bytes());
                h.write_u8(0xff);
            }
            h.finish()
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn hasher() -> impl Hasher {
    // Fixed keys: the same library always gives the same warnings.
    std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
        .build_hasher()
}

/// The MinHash signature: for each of 64 cheap hash functions (the shingle
/// hash mixed with a constant), the minimum over the set.
fn signature(set: &[u64]) -> [u64; SIGNATURE] {
    let mut sig = [u64::MAX; SIGNATURE];
    for &h in set {
        for (i, slot) in sig.iter_mut().enumerate() {
            let v = mix(h ^ SEEDS[i]);
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

fn fold(values: &[u64]) -> u64 {
    values
        .iter()
        .fold(0x9e37_79b9_7f4a_7c15, |acc, v| mix(acc ^ v))
}

/// splitmix64's finalizer: a fast, well-spread 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const SEEDS: [u64; SIGNATURE] = {
    let mut seeds = [0u64; SIGNATURE];
    let mut state: u64 = 0x243f_6a88_85a3_08d3;
    let mut i = 0;
    while i < SIGNATURE {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        seeds[i] = z ^ (z >> 31);
        i += 1;
    }
    seeds
};

/// |A ∩ B| / |A ∪ B| of two sorted, distinct lists.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "Thanks for reaching out about your refund. We have processed it today and \
        the money should be back on your card within five to seven business days, depending on \
        your bank. If it has not arrived by then, reply to this message with your order number \
        and we will look into it right away. Have a great day!";

    #[test]
    fn a_planted_pair_is_found_among_many() {
        let mut bodies: Vec<String> = (0..2000)
            .map(|i| {
                format!(
                    "Reply number {i} talks about topic {} with words {} {} {}",
                    i * 7,
                    i % 13,
                    i % 17,
                    i * 31
                )
            })
            .collect();
        bodies[123] = BASE.to_string();
        bodies[1500] = BASE.replace("Have a great day!", "Have a lovely day!");
        let refs: Vec<&str> = bodies.iter().map(String::as_str).collect();
        let pairs = find(&refs, 0.8);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].first, pairs[0].second), (123, 1500));
        assert!(pairs[0].similarity > 0.8 && pairs[0].similarity < 1.0);
    }

    #[test]
    fn unlike_bodies_and_a_zero_threshold_give_nothing() {
        let bodies = [
            "Hello there, how can we help?",
            "Your parcel left our warehouse today.",
        ];
        assert!(find(&bodies, 0.9).is_empty());
        assert!(find(&[BASE, BASE], 0.0).is_empty());
        assert_eq!(find(&[BASE, BASE], 0.9)[0].similarity, 1.0);
    }

    #[test]
    fn rows_keep_recall_high() {
        for t in [0.5, 0.8, 0.9, 0.95, 1.0] {
            let r = rows_for(t);
            let miss = (1.0 - t.powi(r as i32)).powi((SIGNATURE / r) as i32);
            assert!(miss <= 0.005, "{t}: {r} rows miss {miss}");
        }
    }
}
