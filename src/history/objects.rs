//! What a repository handle keeps of the objects it has read.
//!
//! gix's own caches (`MemoryCappedHashmap`) keep an LRU list and allocate a
//! buffer per entry; on the benchmark history that bookkeeping was 14% of
//! the walk's CPU time (perf). [`Recent`] keeps two generations instead:
//! entries go into the current one until it is full, then it becomes the
//! previous one and the older one is dropped, its buffers kept for reuse.
//! Nothing is freed or allocated once the buffers are warm.

use gix::objs::Kind;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Decoded delta results by their place in a pack, the bases of the next
/// deltas (the role of git's `core.deltaBaseCacheLimit`). A hit in the
/// previous generation moves the entry to the current one, so what the
/// last few diffs used stays.
pub(crate) struct DeltaBases {
    recent: Recent<(u32, u64)>,
}

impl DeltaBases {
    pub(crate) fn new(bytes: usize) -> DeltaBases {
        DeltaBases {
            recent: Recent::new(bytes),
        }
    }
}

impl gix::odb::pack::cache::DecodeEntry for DeltaBases {
    fn put(&mut self, pack_id: u32, offset: u64, data: &[u8], kind: Kind, compressed_size: usize) {
        self.recent
            .put((pack_id, offset), kind, compressed_size, data);
    }

    fn get(&mut self, pack_id: u32, offset: u64, out: &mut Vec<u8>) -> Option<(Kind, usize)> {
        self.recent.get(&(pack_id, offset), out)
    }
}

struct Entry {
    kind: Kind,
    /// What the pack cache must hand back besides the data.
    size: usize,
    data: Vec<u8>,
}

type Map<K> = HashMap<K, Entry, BuildHasherDefault<Fx>>;

/// Two generations of entries, each holding up to `limit` bytes of data.
pub(crate) struct Recent<K> {
    current: Map<K>,
    previous: Map<K>,
    current_bytes: usize,
    limit: usize,
    spare: Vec<Vec<u8>>,
}

/// Objects larger than this are not kept: one would push out hundreds of
/// trees, and the walk never reads one twice in a row.
const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// Buffers grown beyond this are freed rather than kept for reuse.
const MAX_SPARE_BYTES: usize = 64 * 1024;

/// Below this, any spare buffer will do for an entry.
const MIN_BUFFER_BYTES: usize = 4096;

impl<K: Hash + Eq + Copy> Recent<K> {
    pub(crate) fn new(limit: usize) -> Recent<K> {
        Recent {
            current: Map::default(),
            previous: Map::default(),
            current_bytes: 0,
            limit,
            spare: Vec::new(),
        }
    }

    /// The entry `key` into `out`, with its kind and size; a hit in the
    /// previous generation moves the entry to the current one.
    pub(crate) fn get(&mut self, key: &K, out: &mut Vec<u8>) -> Option<(Kind, usize)> {
        if let Some(entry) = self.current.get(key) {
            out.clear();
            out.extend_from_slice(&entry.data);
            return Some((entry.kind, entry.size));
        }
        let entry = self.previous.remove(key)?;
        out.clear();
        out.extend_from_slice(&entry.data);
        let found = (entry.kind, entry.size);
        self.insert(*key, entry);
        Some(found)
    }

    /// Like [`Recent::get`], and the entry is gone, its room free: for what
    /// is read twice, the second time last.
    pub(crate) fn take(&mut self, key: &K, out: &mut Vec<u8>) -> Option<(Kind, usize)> {
        let entry = match self.current.remove(key) {
            Some(entry) => {
                self.current_bytes -= entry.data.capacity();
                entry
            }
            None => self.previous.remove(key)?,
        };
        out.clear();
        out.extend_from_slice(&entry.data);
        if entry.data.capacity() <= MAX_SPARE_BYTES {
            self.spare.push(entry.data);
        }
        Some((entry.kind, entry.size))
    }

    pub(crate) fn put(&mut self, key: K, kind: Kind, size: usize, data: &[u8]) {
        if data.len() > MAX_ENTRY_BYTES || self.current.contains_key(&key) {
            return;
        }
        // A spare buffer much larger than the data would hold memory that
        // the limit does not see as used: it is freed instead.
        let mut buffer = match self.spare.pop() {
            Some(spare) if spare.capacity() <= (2 * data.len()).max(MIN_BUFFER_BYTES) => spare,
            _ => Vec::with_capacity(data.len().max(MIN_BUFFER_BYTES / 4)),
        };
        buffer.clear();
        buffer.extend_from_slice(data);
        self.insert(
            key,
            Entry {
                kind,
                size,
                data: buffer,
            },
        );
    }

    /// Entries are weighed by the memory their buffers hold, not their
    /// length, so that the limit bounds what they take.
    fn insert(&mut self, key: K, entry: Entry) {
        if self.current_bytes + entry.data.capacity() > self.limit {
            let older = std::mem::replace(&mut self.previous, std::mem::take(&mut self.current));
            // Keep as many buffers as a generation holds, and none grown
            // for a large object; let the rest go.
            let keep = older.len().saturating_sub(self.spare.len());
            self.spare.extend(
                older
                    .into_values()
                    .map(|e| e.data)
                    .filter(|data| data.capacity() <= MAX_SPARE_BYTES)
                    .take(keep),
            );
            self.current_bytes = 0;
        }
        self.current_bytes += entry.data.capacity();
        self.current.insert(key, entry);
    }
}

/// The hash of rustc's own hash maps (FxHash): keys here are object ids,
/// already uniformly distributed, and pack offsets, so a few multiplications
/// do; SipHash showed up in the profile.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_older_generation_is_dropped_and_a_hit_in_it_is_kept() {
        // Room for two entries: each small one takes a buffer of 1 KiB.
        let mut recent: Recent<u64> = Recent::new(2 * 1024 + 512);
        let mut out = Vec::new();
        recent.put(1, Kind::Tree, 0, b"aaaa");
        recent.put(2, Kind::Tree, 0, b"bbbb");
        // Full: 1 and 2 become the previous generation.
        recent.put(3, Kind::Tree, 0, b"cccc");
        assert_eq!(recent.get(&1, &mut out), Some((Kind::Tree, 0)));
        assert_eq!(out, b"aaaa");
        // 1 moved up beside 3; the next rotation drops 2, not 1.
        recent.put(4, Kind::Blob, 7, b"dddd");
        assert!(recent.get(&2, &mut out).is_none());
        assert_eq!(recent.get(&1, &mut out), Some((Kind::Tree, 0)));
        assert_eq!(recent.get(&4, &mut out), Some((Kind::Blob, 7)));
        assert_eq!(out, b"dddd");
    }

    #[test]
    fn a_taken_entry_is_gone_and_its_room_free() {
        let mut recent: Recent<u64> = Recent::new(2 * 1024);
        let mut out = Vec::new();
        recent.put(1, Kind::Tree, 0, b"aaaa");
        recent.put(2, Kind::Tree, 0, b"bbbb");
        assert_eq!(recent.take(&1, &mut out), Some((Kind::Tree, 0)));
        assert_eq!(out, b"aaaa");
        assert!(recent.take(&1, &mut out).is_none());
        // 1's room is free: 3 fits beside 2 without a rotation.
        recent.put(3, Kind::Tree, 0, b"cccc");
        assert_eq!(recent.previous.len(), 0);
        assert_eq!(recent.take(&2, &mut out), Some((Kind::Tree, 0)));
    }

    #[test]
    fn a_large_spare_buffer_is_not_reused_for_a_small_entry() {
        let mut out = Vec::new();
        // Room for one entry: each pushes the one before into the previous
        // generation, and the one before that out, its buffer kept.
        let mut recent: Recent<u64> = Recent::new(60_000);
        recent.put(1, Kind::Blob, 0, &[7; 50_000]);
        recent.put(2, Kind::Blob, 0, &[8; 50_000]);
        recent.put(3, Kind::Blob, 0, &[9; 50_000]);
        assert!(recent.get(&1, &mut out).is_none());
        recent.put(4, Kind::Tree, 0, b"small");
        let small = &recent.current[&4].data;
        assert!(small.capacity() < 10_000, "{}", small.capacity());
    }
}
