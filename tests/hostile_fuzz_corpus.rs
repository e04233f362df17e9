//! The fuzz targets' properties under plain `cargo test`: every seed of
//! `fuzz/seeds/<target>/`, every input a fuzzer found worth keeping under
//! `fuzz/regressions/<target>/`, then a few thousand mutations of the seeds
//! per target (byte flips, inserts, deletes, splices and Markdown/YAML
//! tokens), from a fixed seed so a failure repeats. This is the CI smoke
//! of the fuzz targets; the long runs are `fuzz/run` (see RELIABILITY.md).

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;

use std::path::Path;
use std::time::{Duration, Instant};

const MUTATIONS: usize = 3_000;

/// Inputs slower than this are failures, as in the fuzz runs (a debug
/// build, so ten times the fuzzers' 100 ms).
const SLOW: Duration = Duration::from_secs(1);

const TOKENS: &[&[u8]] = &[
    b"{{",
    b"}}",
    b"\\{{",
    b" | default: \"",
    b"\"",
    b"---\n",
    b"\r\n",
    b"\n",
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b": ",
    b"- ",
    b"<script>",
    b"<img src=x onerror=alert(1)>",
    b"[x](javascript:alert(1))",
    b"](",
    b"|",
    b"\xEF\xBB\xBF",
    b"\xC3",
    b"\xE2\x82\xAC",
    b"\x00",
    b"\xEE\x80\x80",
    b"\xEE\x80\x81",
    b"0",
    b"`",
    b"\"title\":",
    b"\"body\":",
    b"null",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => data.insert(at, rng.next() as u8),
            2 if at < data.len() => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(64)).min(other.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                for _ in 0..1 + rng.below(3) {
                    data.splice(at..at, token.iter().copied());
                }
            }
        }
    }
    data
}

fn files_in(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn smoke(target: &str, check: fn(&[u8])) {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let seeds = files_in(&fuzz.join("seeds").join(target));
    assert!(!seeds.is_empty(), "no seeds for {target}");
    let found = files_in(&fuzz.join("regressions").join(target));
    let mut rng = Rng(0x5EED_CA22_E2E2_0001 ^ target.len() as u64);
    let mutations = (0..MUTATIONS).map(|_| mutate(&mut rng, &seeds));
    let mut slowest = Duration::ZERO;
    for input in seeds.iter().cloned().chain(found).chain(mutations) {
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(|| check(&input));
        let took = started.elapsed();
        if outcome.is_err() {
            panic!("{target} fails on {:?}", String::from_utf8_lossy(&input));
        }
        assert!(
            took < SLOW,
            "{target} took {took:?} on {:?}",
            String::from_utf8_lossy(&input)
        );
        slowest = slowest.max(took);
    }
    eprintln!("{target}: slowest input {slowest:?}");
}

#[test]
fn front_matter_parse_and_validate_hold_on_seeds_and_mutations() {
    smoke("front_matter", checks::front_matter);
}

#[test]
fn placeholder_round_trip_holds_on_seeds_and_mutations() {
    smoke("placeholder", checks::placeholder);
}

#[test]
fn rendered_html_stays_safe_on_seeds_and_mutations() {
    smoke("render", checks::render);
}

#[test]
fn config_parse_holds_on_seeds_and_mutations() {
    smoke("config", checks::config);
}

#[test]
fn importers_hold_on_seeds_and_mutations() {
    smoke("import", checks::import);
}
