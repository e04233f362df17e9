//! Reading packed objects for a walk of the history, keeping every object
//! decoded on the way.
//!
//! A pack stores most trees as deltas in chains (up to 50 deep), each
//! version of a folder's tree a delta of another version. gix resolves a
//! chain for the object asked for and keeps only that object: the versions
//! decoded on the way down the chain are inflated again by the next object
//! whose chain passes through them. On the benchmark history that was 3.4
//! inflated deltas for each tree read, and inflating was 38% of the walk's
//! instructions (callgrind). On a pack written by `git fast-import`, where
//! each tree is a delta of the one before it and the newest are at the
//! bottom of 50-deep chains, walking from the newest inflated whole chains
//! for every tree. git keeps every base it decodes
//! (`core.deltaBaseCacheLimit`); so does [`Reader`], so that each object is
//! inflated about once.
//!
//! Objects that are not in a pack of the repository's own object folder
//! (loose objects, alternates) are read through gix.

use super::objects::Recent;
use super::GitError;
use gix::objs::tree::{EntryKind, EntryMode};
use gix::objs::{Data, Find, Kind, TreeRefIter};
use gix::odb::pack::data::entry::Header;
use gix::odb::pack::Bundle;
use gix::ObjectId;
use std::cell::RefCell;

/// The packs of a repository, opened once for a walk and read by all its
/// threads.
pub(crate) struct Packs {
    bundles: Vec<Bundle>,
}

impl Packs {
    /// The packs in the repository's object folder. One that cannot be
    /// opened is left out: its objects are then read through gix, which
    /// reports what is wrong with it.
    pub(crate) fn open(repo: &gix::Repository) -> Packs {
        let folder = repo.objects.store_ref().path().join("pack");
        let mut indices: Vec<_> = std::fs::read_dir(&folder)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
            .collect();
        // The same order on every run, for the same answers.
        indices.sort();
        let bundles = indices
            .into_iter()
            .filter_map(|index| Bundle::at(index, repo.object_hash()).ok())
            .collect();
        Packs { bundles }
    }
}

/// Decoded objects, kept per thread, with that thread's handle on the
/// repository.
pub(crate) struct Reader<'r> {
    repo: gix::Repository,
    packs: &'r Packs,
    state: RefCell<State>,
}

struct State {
    /// Trees by id until their second read. A walk reads each version of a
    /// folder's tree twice (as the new side of the diff of the commit that
    /// made it, and as the old side of the diff of the next commit that
    /// changed the folder) and then never again: the second read takes it
    /// out. It skips the pack index lookup, a binary search that was 9% of
    /// the walk's time for all reads (perf).
    trees: Recent<ObjectId>,
    /// Every object decoded from a pack, by pack and offset: the bases of
    /// later deltas.
    decoded: Recent<(u32, u64)>,
    inflate: gix::zlib::Inflate,
    /// The delta chain being resolved, and buffers for a delta's
    /// instructions and its result.
    chain: Vec<gix::odb::pack::data::Entry>,
    delta: Vec<u8>,
    result: Vec<u8>,
}

/// The decoded objects kept per thread, in each of two generations (git
/// keeps up to 96 MiB in all). Measured on the benchmark history: 4 MiB
/// inflated 278,000 objects and deltas, 8 MiB 195,000, 12 MiB 152,000,
/// 16 MiB 139,000 and 64 MiB 128,000; each 4 MiB more was 10 MB more of
/// peak memory (12 MiB: 150 MB in all).
const DECODED_BYTES: usize = 12 * 1024 * 1024;

/// The decoded trees kept per thread until their second read, in each of
/// two generations. On the benchmark history 1 MiB caught as many second
/// reads as 16 MiB.
const TREE_BYTES: usize = 2 * 1024 * 1024;

/// No object in a pack is larger than this; a header that says otherwise
/// is damaged, and is not trusted with an allocation.
const MAX_OBJECT_BYTES: u64 = 1 << 30;

/// Longer delta chains than this are taken for a loop in a damaged pack
/// (git's own limit on the depth it writes is 4095).
const MAX_CHAIN: usize = 10_000;

impl<'r> Reader<'r> {
    pub(crate) fn new(repo: gix::Repository, packs: &'r Packs) -> Reader<'r> {
        Reader {
            repo,
            packs,
            state: RefCell::new(State {
                trees: Recent::new(TREE_BYTES),
                decoded: Recent::new(DECODED_BYTES),
                inflate: Default::default(),
                chain: Vec::new(),
                delta: Vec::new(),
                result: Vec::new(),
            }),
        }
    }

    /// The object `id` into `out`, or `None` when the repository does not
    /// have it.
    pub(crate) fn read(&self, id: &gix::oid, out: &mut Vec<u8>) -> Result<Option<Kind>, GitError> {
        let mut state = self.state.borrow_mut();
        let id = id.to_owned();
        if let Some((kind, _)) = state.trees.take(&id, out) {
            return Ok(Some(kind));
        }
        for (pack, bundle) in self.packs.bundles.iter().enumerate() {
            if let Some(entry) = bundle.index.lookup(id) {
                let offset = bundle.index.pack_offset_at_index(entry);
                let kind = self
                    .decode(&mut state, pack as u32, offset, out)
                    .map_err(|e| GitError::read(format!("object {id}"), e))?;
                if kind == Kind::Tree {
                    state.trees.put(id, kind, 0, out);
                }
                return Ok(Some(kind));
            }
        }
        drop(state);
        match self.repo.objects.try_find(&id, out) {
            Ok(Some(data)) => Ok(Some(data.kind)),
            Ok(None) => Ok(None),
            Err(e) => Err(GitError::read(format!("object {id}"), e)),
        }
    }

    pub(crate) fn object_hash(&self) -> gix::hash::Kind {
        self.repo.object_hash()
    }

    pub(crate) fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    /// The tree `id` into `out`; its absence is an error.
    pub(crate) fn tree(&self, id: ObjectId, out: &mut Vec<u8>) -> Result<(), GitError> {
        match self.read(&id, out)? {
            Some(Kind::Tree) => Ok(()),
            Some(kind) => Err(GitError::read(
                format!("tree {id}"),
                format!("it is a {kind}, not a tree"),
            )),
            None => Err(GitError::read(format!("tree {id}"), "it is not there")),
        }
    }

    /// The id and mode of the entry at `path` (`/`-separated) below the
    /// tree `tree`, if there is one.
    pub(crate) fn entry_at(
        &self,
        tree: ObjectId,
        path: &str,
    ) -> Result<Option<(ObjectId, EntryMode)>, GitError> {
        let mut here = (tree, EntryMode::from(EntryKind::Tree));
        let mut data = Vec::new();
        for name in path.split('/') {
            if !here.1.is_tree() {
                return Ok(None);
            }
            self.tree(here.0, &mut data)?;
            let mut found = None;
            for entry in TreeRefIter::from_bytes(&data, self.object_hash()) {
                let entry = entry.map_err(|e| GitError::read(format!("tree {}", here.0), e))?;
                if entry.filename == name.as_bytes() {
                    found = Some((entry.oid.to_owned(), entry.mode));
                    break;
                }
            }
            match found {
                Some(next) => here = next,
                None => return Ok(None),
            }
        }
        Ok(Some(here))
    }

    /// Decodes the object at `offset` of pack `pack` into `out`, keeping it
    /// and every base decoded on the way.
    fn decode(
        &self,
        state: &mut State,
        pack: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Result<Kind, String> {
        let bundle = &self.packs.bundles[pack as usize];
        let file = &bundle.pack;
        let State {
            decoded,
            inflate,
            chain,
            delta,
            result,
            ..
        } = state;
        chain.clear();
        let mut at = offset;
        // Down the chain to an object kept or whole.
        let kind = loop {
            if let Some((kind, _)) = decoded.get(&(pack, at), out) {
                break kind;
            }
            if chain.len() > MAX_CHAIN {
                return Err("a chain of deltas does not end".into());
            }
            let entry = file.entry(at).map_err(|e| e.to_string())?;
            match entry.header {
                Header::OfsDelta { base_distance } => {
                    at = entry
                        .checked_base_pack_offset(base_distance)
                        .ok_or("a delta's base lies outside the pack")?;
                    chain.push(entry);
                }
                Header::RefDelta { base_id } => {
                    chain.push(entry);
                    match bundle.index.lookup(base_id) {
                        Some(index) => at = bundle.index.pack_offset_at_index(index),
                        // In another pack or loose: read the way gix does.
                        None => match self.repo.objects.try_find(&base_id, out) {
                            Ok(Some(Data { kind, .. })) => break kind,
                            Ok(None) => return Err(format!("the base {base_id} is missing")),
                            Err(e) => return Err(e.to_string()),
                        },
                    }
                }
                _ => {
                    let kind = entry.header.as_kind().ok_or("an unknown kind of entry")?;
                    inflate_entry(file, &entry, inflate, out)?;
                    decoded.put((pack, at), kind, 0, out);
                    break kind;
                }
            }
        };
        // Up the chain, applying each delta to the object below it.
        while let Some(entry) = chain.pop() {
            inflate_entry(file, &entry, inflate, delta)?;
            apply_delta(out, delta, result)?;
            std::mem::swap(out, result);
            decoded.put((pack, entry.pack_offset()), kind, 0, out);
        }
        Ok(kind)
    }
}

/// Inflates the data of `entry` (an object, or a delta's instructions)
/// into `out`.
fn inflate_entry(
    file: &gix::odb::pack::data::File,
    entry: &gix::odb::pack::data::Entry,
    inflate: &mut gix::zlib::Inflate,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    if entry.decompressed_size > MAX_OBJECT_BYTES {
        return Err(format!("an entry claims {} bytes", entry.decompressed_size));
    }
    out.clear();
    out.resize(entry.decompressed_size as usize, 0);
    file.decompress_entry(entry, inflate, out)
        .map_err(|e| e.to_string())?;
    Ok(())
}

impl gix::objs::Find for Reader<'_> {
    fn try_find<'a>(
        &self,
        id: &gix::oid,
        buffer: &'a mut Vec<u8>,
    ) -> gix::Result<Option<Data<'a>>> {
        match self.read(id, buffer) {
            Ok(Some(kind)) => Ok(Some(Data::new(buffer, kind, self.repo.object_hash()))),
            Ok(None) => Ok(None),
            Err(e) => Err(gix::Error::from_error(e)),
        }
    }
}

impl gix::objs::FindHeader for Reader<'_> {
    fn try_header(&self, id: &gix::oid) -> gix::Result<Option<gix::objs::Header>> {
        self.repo.objects.try_header(id)
    }
}

/// Applies a delta as git stores them in packs (`delta`: the sizes of the
/// base and of the result, then instructions to copy a range of the base
/// or to insert bytes) to `base`, into `out`.
fn apply_delta(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let damaged = |what: &str| format!("a damaged delta: {what}");
    let (base_size, rest) = delta_size(delta).ok_or_else(|| damaged("no base size"))?;
    let (result_size, mut ops) = delta_size(rest).ok_or_else(|| damaged("no result size"))?;
    if base_size != base.len() as u64 {
        return Err(damaged("its base has another size"));
    }
    if result_size > MAX_OBJECT_BYTES {
        return Err(damaged("too large a result"));
    }
    out.clear();
    out.reserve(result_size as usize);
    while let Some((&op, rest)) = ops.split_first() {
        ops = rest;
        if op & 0x80 != 0 {
            // Copy: which bytes of the offset and size follow is in the op.
            let mut field = |bits: [(u8, u32); 4]| -> Option<usize> {
                let mut value = 0usize;
                for (bit, shift) in bits {
                    if op & bit != 0 {
                        let (&byte, rest) = ops.split_first()?;
                        ops = rest;
                        value |= usize::from(byte) << shift;
                    }
                }
                Some(value)
            };
            let offset = field([(0x01, 0), (0x02, 8), (0x04, 16), (0x08, 24)])
                .ok_or_else(|| damaged("a copy is cut short"))?;
            let size = field([(0x10, 0), (0x20, 8), (0x40, 16), (0, 0)])
                .ok_or_else(|| damaged("a copy is cut short"))?;
            let size = if size == 0 { 0x10000 } else { size };
            let range = base
                .get(offset..offset.saturating_add(size))
                .ok_or_else(|| damaged("a copy reaches past its base"))?;
            out.extend_from_slice(range);
        } else if op != 0 {
            let (bytes, rest) = ops
                .split_at_checked(usize::from(op))
                .ok_or_else(|| damaged("an insertion is cut short"))?;
            out.extend_from_slice(bytes);
            ops = rest;
        } else {
            return Err(damaged("an instruction 0"));
        }
    }
    if out.len() as u64 != result_size {
        return Err(damaged("its result has another size"));
    }
    Ok(())
}

/// A size at the start of a delta: 7 bits a byte, least significant first,
/// the high bit set on every byte but the last.
fn delta_size(data: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &data[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delta_copies_from_its_base_and_inserts_bytes() {
        let base = b"Hello, world! Kind regards.";
        // Base 27 bytes, result 24: copy "Hello, " (offset 0, size 7),
        // insert "there", copy "! Kind regards." (offset 12, size 15)
        // minus the last 3 bytes: size 12.
        let delta = [
            27,
            24,
            0x80 | 0x10,
            7,
            5,
            b't',
            b'h',
            b'e',
            b'r',
            b'e',
            0x80 | 0x01 | 0x10,
            12,
            12,
        ];
        let mut out = Vec::new();
        apply_delta(base, &delta, &mut out).unwrap();
        assert_eq!(out, b"Hello, there! Kind regar");
    }

    #[test]
    fn a_damaged_delta_is_an_error_not_a_panic() {
        let base = b"abc";
        let mut out = Vec::new();
        // A copy past the end of the base.
        assert!(apply_delta(base, &[3, 5, 0x80 | 0x01 | 0x10, 2, 5], &mut out).is_err());
        // The wrong base size.
        assert!(apply_delta(base, &[4, 1, 1, b'x'], &mut out).is_err());
        // An insertion longer than what follows.
        assert!(apply_delta(base, &[3, 4, 4, b'x'], &mut out).is_err());
        // Instruction 0.
        assert!(apply_delta(base, &[3, 0, 0], &mut out).is_err());
        // A result of another size than announced.
        assert!(apply_delta(base, &[3, 2, 1, b'x'], &mut out).is_err());
    }
}
