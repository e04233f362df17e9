//! Near-duplicate bodies (SPEC §7.3), found in near-linear time.
//!
//! Each body becomes a set of word 2-shingles (pairs of adjacent words); a
//! one-permutation MinHash signature of 64 values sketches the set, and
//! locality-sensitive hashing over bands of the signature proposes
//! candidate pairs. Only candidates are compared
//! exactly (Jaccard similarity of the shingle sets), so the cost grows with
//! the library, not with the number of pairs.

use rayon::prelude::*;
use std::sync::OnceLock;
use words::each_word_hash;

mod words;

const SIGNATURE: usize = 64;
/// Above this many bodies in one bucket, only neighbours are compared.
const CROWDED: usize = 32;

/// Two bodies at least as alike as the threshold: indexes into the input,
/// the first lower, and their similarity in 0..=1.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub first: usize,
    pub second: usize,
    pub similarity: f64,
}

/// What [`find`] needs of one body, for one threshold: the keys of its
/// signature's bands (`None` when it has no words), and its exact set of
/// shingles, made only if the body is a candidate. Made once, it can be
/// kept while the body does not change. The bands' keys, not the whole
/// signature, are kept: a ninth of the memory.
#[derive(Debug)]
pub struct Sketch {
    rows: usize,
    keys: Option<Box<[u64]>>,
    set: OnceLock<Vec<u64>>,
}

impl Sketch {
    pub fn new(body: &str, threshold: f64) -> Sketch {
        let rows = rows_for(threshold);
        Sketch {
            rows,
            keys: sign(body).map(|sig| band_keys(&sig, rows)),
            set: OnceLock::new(),
        }
    }

    /// The exact set of `body`, the body this was made from.
    fn set(&self, body: &str) -> &[u64] {
        self.set.get_or_init(|| shingles(body))
    }
}

/// Every pair of `bodies` whose similarity is at least `threshold`
/// (0 < threshold ≤ 1), in input order.
pub fn find(bodies: &[&str], threshold: f64) -> Vec<Pair> {
    if threshold <= 0.0 || bodies.len() < 2 {
        return Vec::new();
    }
    let sketches: Vec<Sketch> = bodies
        .par_iter()
        .map(|b| Sketch::new(b, threshold))
        .collect();
    let sketches: Vec<&Sketch> = sketches.iter().collect();
    find_sketched(bodies, &sketches, threshold)
}

/// [`find`], with each body's [`Sketch`] (made from that body, for this
/// threshold) at hand.
pub fn find_sketched(bodies: &[&str], sketches: &[&Sketch], threshold: f64) -> Vec<Pair> {
    if threshold <= 0.0 || bodies.len() < 2 {
        return Vec::new();
    }
    let rows = rows_for(threshold);
    let keys: Vec<Option<&[u64]>> = sketches
        .iter()
        .map(|s| {
            debug_assert_eq!(s.rows, rows, "a sketch made for another threshold");
            s.keys.as_deref()
        })
        .collect();
    let candidates = candidates(&keys, SIGNATURE / rows);
    let mut pairs: Vec<Pair> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            // The exact sets (sorted, an allocation each) only for the few
            // bodies that are candidates.
            let (set_a, set_b) = (sketches[a].set(bodies[a]), sketches[b].set(bodies[b]));
            let similarity = jaccard(set_a, set_b);
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

/// The keys of a signature's bands of `rows` rows.
fn band_keys(signature: &[u64; SIGNATURE], rows: usize) -> Box<[u64]> {
    signature
        .chunks_exact(rows)
        .take(SIGNATURE / rows)
        .map(fold)
        .collect()
}

/// The pairs whose signatures agree on every row of at least one band
/// (whose band keys are equal), sorted and distinct: the only pairs
/// compared exactly.
fn candidates(keys: &[Option<&[u64]>], bands: usize) -> Vec<(usize, usize)> {
    // Every band's key of every body in one flat vector, in one pass: the
    // sketches lie wherever they were made, and reading each once rather
    // than once per band is most of this function's time.
    let signed: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    let mut flat = Vec::with_capacity(signed.len() * bands);
    for &i in &signed {
        flat.extend_from_slice(keys[i].unwrap_or_default());
    }
    let keys = flat;
    // Each band groups bodies whose rows of the signature are equal: a sort
    // of (key, body) per band, bands in parallel, no map of small vectors.
    let mut candidates: Vec<(usize, usize)> = (0..bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keys: Vec<(u64, usize)> = keys
                .chunks_exact(bands)
                .zip(&signed)
                .map(|(k, &i)| (k[band], i))
                .collect();
            keys.sort_unstable();
            let mut found = Vec::new();
            for bucket in keys.chunk_by(|a, b| a.0 == b.0).filter(|b| b.len() > 1) {
                if bucket.len() > CROWDED {
                    // Many short bodies sharing one phrase land together;
                    // every pair would be quadratic. Neighbours in the
                    // bucket still catch a run of true duplicates, one
                    // after the other.
                    found.extend(bucket.windows(2).map(|w| (w[0].1, w[1].1)));
                    continue;
                }
                for (n, &(_, a)) in bucket.iter().enumerate() {
                    found.extend(bucket[n + 1..].iter().map(|&(_, b)| (a, b)));
                }
            }
            found
        })
        .collect();
    candidates.par_sort_unstable();
    candidates.dedup();
    candidates
}

/// Rows per band: as many as keep the chance of missing a pair at the
/// threshold under 0.5%, so fewer unlike pairs become candidates.
fn rows_for(threshold: f64) -> usize {
    (1..=16)
        .rev()
        .find(|&r| (1.0 - threshold.powi(r as i32)).powi((SIGNATURE / r) as i32) <= 0.005)
        .unwrap_or(1)
}

/// The sorted, distinct hashes of a body's word 2-shingles (of its words,
/// when it has fewer than two). Words are compared ignoring case.
fn shingles(body: &str) -> Vec<u64> {
    let mut set = Vec::with_capacity(body.len() / 5);
    each_shingle(body, |h| set.push(h));
    set.sort_unstable();
    set.dedup();
    set
}

/// Calls `each` with the hash of every word 2-shingle of `body`, in order
/// and repeats included (or of its one word). Words are compared ignoring
/// case.
fn each_shingle(body: &str, mut each: impl FnMut(u64)) {
    let (mut previous, mut words) = (0u64, 0usize);
    each_word_hash(body, |h| {
        if words > 0 {
            each(pair_hash(previous, h));
        }
        previous = h;
        words += 1;
    });
    if words == 1 {
        each(mix(previous));
    }
}

/// The hash of two words in a row. Word hashes are well spread already:
/// one multiply (to the high bits, which pick the bin) and a shift (back
/// to the low ones) are enough, where a full mix took two multiplies for
/// every word of every body.
fn pair_hash(first: u64, second: u64) -> u64 {
    let x = (first.rotate_left(17) ^ second).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 29)
}

/// The signature of `body`'s shingles, straight from its stream of
/// shingles with no set built; `None` when it has no words. Equal to
/// `signature(&shingles(body))`: a bin's minimum does not care about order
/// or repeats.
fn sign(body: &str) -> Option<[u64; SIGNATURE]> {
    let mut bins = [u64::MAX; SIGNATURE];
    let mut any = false;
    each_shingle(body, |h| {
        any = true;
        add(&mut bins, h);
    });
    any.then(|| fill(bins))
}

const BITS: u32 = SIGNATURE.trailing_zeros();

fn add(bins: &mut [u64; SIGNATURE], h: u64) {
    let bin = (h >> (64 - BITS)) as usize;
    let value = h & (u64::MAX >> BITS);
    bins[bin] = bins[bin].min(value);
}

/// A one-permutation MinHash signature: each shingle falls in one of 64
/// bins by its hash and each bin keeps its minimum, one operation per
/// shingle instead of 64. Empty bins (short bodies) borrow from the next
/// filled bin, so two equal sets still get equal signatures.
#[cfg(test)]
fn signature(set: &[u64]) -> [u64; SIGNATURE] {
    let mut bins = [u64::MAX; SIGNATURE];
    for &h in set {
        add(&mut bins, h);
    }
    if set.is_empty() {
        return bins;
    }
    fill(bins)
}

/// Empty bins borrow from the next filled one (there is one).
fn fill(bins: [u64; SIGNATURE]) -> [u64; SIGNATURE] {
    let mut sig = bins;
    for (i, slot) in sig.iter_mut().enumerate() {
        if bins[i] != u64::MAX {
            continue;
        }
        let (mut j, mut distance) = ((i + 1) % SIGNATURE, 1);
        while bins[j] == u64::MAX {
            j = (j + 1) % SIGNATURE;
            distance += 1;
        }
        *slot = mix(bins[j] ^ SEEDS[distance]);
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

    /// Regression: 12,000 short bodies sharing one phrase fell into one
    /// bucket of every band, and every pair of them was compared: 72
    /// million comparisons. Neighbours in a crowded bucket are enough.
    #[test]
    fn a_crowded_bucket_stays_linear() {
        let bodies: Vec<String> = (0..12_000)
            .map(|n| format!("Thanks for your message, we will reply within one day. Ticket {n}."))
            .collect();
        let rows = rows_for(0.8);
        let keys: Vec<_> = bodies
            .iter()
            .map(|b| sign(b).map(|s| band_keys(&s, rows)))
            .collect();
        let keys: Vec<_> = keys.iter().map(Option::as_deref).collect();
        let found = candidates(&keys, SIGNATURE / rows);
        assert!(
            found.len() >= bodies.len() - 1,
            "neighbours are still compared"
        );
        assert!(
            found.len() <= bodies.len() * (SIGNATURE / rows),
            "{} candidate pairs: quadratic",
            found.len()
        );
    }

    #[test]
    fn a_sketch_is_the_signature_of_the_set() {
        for body in [
            BASE,
            "one",
            "One one ONE",
            "a b a b a b",
            "Olá mundo, olá!",
            "",
        ] {
            let set = shingles(body);
            let expected = (!set.is_empty()).then(|| signature(&set));
            assert_eq!(sign(body), expected, "{body:?}");
        }
    }

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
