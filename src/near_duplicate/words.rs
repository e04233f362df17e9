//! The words of a body, each hashed ignoring case: what near-duplicate
//! detection reads of every byte of every body, so it is written for
//! speed, and held by its tests to the plain definition (split on what is
//! not a letter, digit, `_` or `.`; trim the dots; lowercase; hash).

/// Calls `each` with the `word_hash` of every word of `body` with its
/// leading and trailing dots trimmed (words of dots only are skipped): the
/// same as `each_word`, `trim_matches('.')` and `word_hash`, in one pass
/// over the bytes. Detection reads every byte of every body, so this loop
/// is most of its cost: it finds where words start and end eight ASCII
/// bytes at a time, and an ASCII word is hashed eight bytes at a time; a
/// word with non-ASCII letters takes the slow path.
pub(super) fn each_word_hash(body: &str, mut each: impl FnMut(u64)) {
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (start, _) = run_end(body, i, false);
        if start == bytes.len() {
            break;
        }
        let (end, ascii) = run_end(body, start, true);
        if ascii {
            let (from, to) = trim_dots(bytes, start, end);
            let len = to - from;
            match bytes.get(from..from + 8) {
                // A short word read with the bytes after it, masked off:
                // no branch on its length, no copy.
                Some(eight) if len <= 8 && len > 0 => {
                    let v = le64(eight) & (u64::MAX >> (64 - 8 * len));
                    each(hash_short(v, len, ASCII_FOLD));
                }
                _ if len > 0 => each(hash_word(&bytes[from..to], ASCII_FOLD)),
                _ => {}
            }
        } else {
            emit_slow(&body[start..end], &mut each);
        }
        i = end;
    }
}

/// Where the run of word characters (`word`) or of other characters that
/// starts at `i` ends, and whether it is all ASCII. Eight ASCII bytes are
/// classified at once, without a branch per byte: a branch per byte
/// mispredicted at every word's start and end.
#[inline(always)]
fn run_end(body: &str, mut i: usize, word: bool) -> (usize, bool) {
    let bytes = body.as_bytes();
    let mut ascii = true;
    while i < bytes.len() {
        if let Some(eight) = bytes.get(i..i + 8) {
            let x = le64(eight);
            if x & HIGH == 0 {
                let in_word = word_bytes(x);
                let stop = if word { !in_word & HIGH } else { in_word };
                if stop != 0 {
                    return (i + (stop.trailing_zeros() / 8) as usize, ascii);
                }
                i += 8;
                continue;
            }
        }
        // A byte that is not ASCII among the next eight, or fewer left:
        // one character at a time.
        let (in_word, len) = char_at(body, i);
        if in_word != word {
            break;
        }
        ascii &= len == 1;
        i += len;
    }
    (i, ascii)
}

/// Whether the character at `i` is part of a word (a letter or digit, `_`
/// or `.`), and its length in bytes.
fn char_at(body: &str, i: usize) -> (bool, usize) {
    let b = body.as_bytes()[i];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric() || b == b'_' || b == b'.', 1);
    }
    let c = body[i..].chars().next().unwrap_or_default();
    (c.is_alphanumeric(), c.len_utf8().max(1))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each of the eight bytes of `x` (all ASCII) that is a
/// word character: a letter or digit, `_` or `.`.
fn word_bytes(x: u64) -> u64 {
    within(x | (ONES * 0x20), b'a', b'z')
        | within(x, b'0', b'9')
        | within(x, b'_', b'_')
        | within(x, b'.', b'.')
}

/// The high bit of each byte of `x` (all below 0x80) within `lo..=hi`: no
/// sum carries into the next byte.
fn within(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least = x + ONES * u64::from(0x80 - lo);
    let above = x + ONES * u64::from(0x7f - hi);
    at_least & !above & HIGH
}

/// The word `bytes[start..end]` without its leading and trailing dots.
fn trim_dots(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && bytes[start] == b'.' {
        start += 1;
    }
    while end > start && bytes[end - 1] == b'.' {
        end -= 1;
    }
    (start, end)
}

/// A word with non-ASCII letters: split, trimmed and hashed the long way.
fn emit_slow(word: &str, each: &mut impl FnMut(u64)) {
    let word = word.trim_matches('.');
    if !word.is_empty() {
        each(word_hash(word));
    }
}

/// Calls `each` with every run of letters, digits, `_` and `.` in `body`
/// (the definition `each_word_hash` is held to):
/// a byte loop, since ASCII needs no decoding and bodies are mostly ASCII.
#[cfg(test)]
fn each_word<'a>(body: &'a str, mut each: impl FnMut(&'a str)) {
    let bytes = body.as_bytes();
    let (mut i, mut start) = (0, None);
    while i < bytes.len() {
        let b = bytes[i];
        let (in_word, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric() || b == b'_' || b == b'.', 1)
        } else {
            let c = body[i..].chars().next().unwrap_or_default();
            (c.is_alphanumeric(), c.len_utf8())
        };
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                each(&body[s..i]);
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        each(&body[s..]);
    }
}

/// The hash of a word ignoring case.
fn word_hash(word: &str) -> u64 {
    if word.is_ascii() {
        return hash_word(word.as_bytes(), ASCII_FOLD);
    }
    let lower = word.to_lowercase();
    // A word can lowercase to ASCII (the Kelvin sign's `k`): hashed as
    // the same word typed in ASCII is.
    let fold = if lower.is_ascii() { ASCII_FOLD } else { 0 };
    hash_word(lower.as_bytes(), fold)
}

/// Or-ed into every byte of an ASCII word: `A`–`Z` become `a`–`z`, and no
/// two other bytes a word holds (letters, digits, `_`, `.`) become equal.
const ASCII_FOLD: u64 = 0x2020_2020_2020_2020;

/// A hash of `bytes` with `fold` or-ed into each eight of them: one
/// multiply per eight bytes, where a byte-at-a-time hash (FNV) took one
/// per byte and was most of detection's time. Each step is a bijection of
/// the eight bytes read, and the length is the seed, so the overlapping
/// read of a long word's end still tells every word of one length apart.
fn hash_word(bytes: &[u8], fold: u64) -> u64 {
    let len = bytes.len();
    if len <= 8 {
        return hash_short(short(bytes), len, fold);
    }
    let mut h = seed(len);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = step(h, le64(chunk), fold);
    }
    if !chunks.remainder().is_empty() {
        h = step(h, le64(&bytes[len - 8..]), fold);
    }
    h
}

/// [`hash_word`] of a word of `len` bytes, at most eight, read as `v`.
fn hash_short(v: u64, len: usize, fold: u64) -> u64 {
    step(seed(len), v, fold)
}

const K: u64 = 0x9e37_79b9_7f4a_7c15;

fn seed(len: usize) -> u64 {
    (len as u64).wrapping_mul(K)
}

fn step(h: u64, v: u64, fold: u64) -> u64 {
    (h ^ (v | fold)).wrapping_mul(K).rotate_left(29)
}

/// Up to eight bytes as one little-endian number, the rest zero.
fn short(b: &[u8]) -> u64 {
    b.iter()
        .enumerate()
        .fold(0, |v, (k, &x)| v | u64::from(x) << (8 * k))
}

fn le64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::near_duplicate::mix;

    #[test]
    fn words_split_like_the_unicode_definition() {
        let body = "Olá, mundo! e.g. café_au-lait 3.5 日本語 x\u{200b}y ÄÖ.Ü ...\n- **[link](https://a.b/c)**";
        let mut fast = Vec::new();
        each_word(body, |w| fast.push(w));
        let slow: Vec<&str> = body
            .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '.')
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(fast, slow);
    }

    /// The one-pass hasher against the plain definition: split, trim the
    /// dots, hash.
    #[test]
    fn words_hash_in_one_pass_as_split_then_hashed() {
        let pieces = [
            "a", "B", "z9", "_", ".", "..", " ", "\n", ",", "-", "é", "É", "日", "ß", "İ",
            "\u{200b}", "!", "e.g.", "3.5", "...x", "ÄÖ.Ü", "**", "](",
        ];
        let mut bodies = vec![
            String::new(),
            "Thanks for reaching out about your refund. We have processed it today.".to_string(),
        ];
        let mut state = 7u64;
        for _ in 0..2000 {
            let mut body = String::new();
            for _ in 0..(state % 12) {
                state = mix(state);
                body.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            state = mix(state);
            bodies.push(body);
        }
        for body in &bodies {
            let mut slow = Vec::new();
            each_word(body, |w| {
                let w = w.trim_matches('.');
                if !w.is_empty() {
                    slow.push(word_hash(w));
                }
            });
            let mut fast = Vec::new();
            each_word_hash(body, |h| fast.push(h));
            assert_eq!(fast, slow, "{body:?}");
        }
    }

    /// Every word of up to seven bytes from a few letters, and longer ones
    /// that differ in one byte only: no two share a hash, and a word hashes
    /// as itself in capitals.
    #[test]
    fn distinct_words_hash_apart() {
        let letters = b"ab9_.";
        let mut words: Vec<Vec<u8>> = vec![Vec::new()];
        let mut all = Vec::new();
        for _ in 0..7 {
            words = words
                .iter()
                .flat_map(|w| letters.iter().map(move |&l| [w.as_slice(), &[l]].concat()))
                .collect();
            all.extend(words.iter().cloned());
        }
        for len in 9..40 {
            for at in 0..len {
                let mut w = vec![b'x'; len];
                w[at] = b'y';
                all.push(w);
            }
        }
        let mut hashes: Vec<u64> = all.iter().map(|w| hash_word(w, ASCII_FOLD)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), all.len());
        assert_eq!(word_hash("Refund_Policy.2"), word_hash("refund_policy.2"));
    }
}
