//! The reload memo: what one load keeps so that the next load of the same
//! library reads and parses only the files that changed.

use super::unique::unique_keys_equal;
use crate::near_duplicate::Sketch;
use crate::problem::Problem;
use crate::response::Response;
use crate::source::{Listing, Stamp, CONFIG_FILE};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// What one load learned that the next load of the same library may reuse:
/// each response and variant file's parse, with the [`Stamp`] the file had
/// when it was read, and each body's near-duplicate signature. A file whose
/// stamp has not changed is not read again; a change to the configuration
/// or to a snippet (every parse depends on them) forgets every parse.
pub struct Memo {
    /// See [`Stamp::is_racy`].
    pub(super) time_step: Duration,
    /// The bytes of the configuration and of each snippet the kept parses
    /// were made with.
    pub(super) basis: Vec<(String, Option<Vec<u8>>)>,
    /// The response files the last load listed, in its order, and each
    /// one's parse: a load that lists the same files finds each by its
    /// place, not by hashing 10,000 paths.
    pub(super) paths: Vec<String>,
    pub(super) responses: Vec<Kept>,
    /// The places of the valid responses in id order, when the last load
    /// found no two with the same id, title or shortcut.
    pub(super) unique: Option<Vec<usize>>,
    pub(super) variants: HashMap<String, KeptVariant>,
    /// Each base response with its variants, as the last load put them
    /// together, with the parts it was made of.
    pub(super) assembled: HashMap<String, Assembled>,
    /// The files the last load read; `None` before the first.
    pub(super) read: Option<Vec<String>>,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo::with_time_step(crate::source::TIME_STEP)
    }
}

impl Memo {
    /// A memo that trusts a file's stamp once the file is older than
    /// `time_step` (tests shorten it).
    pub fn with_time_step(time_step: Duration) -> Memo {
        Memo {
            time_step,
            basis: Vec::new(),
            paths: Vec::new(),
            responses: Vec::new(),
            unique: None,
            variants: HashMap::new(),
            assembled: HashMap::new(),
            read: None,
        }
    }

    /// Notes which files this load read: the configuration and the
    /// snippets (each load reads them), and the response files whose parse
    /// was not taken from the memo as it was. Attaching the variants adds
    /// those it read.
    pub(super) fn note_read(&mut self, listing: &Listing, bases: &[String], loaded: &[Parse]) {
        let responses = bases
            .iter()
            .zip(loaded)
            .filter(|(_, parse)| !matches!(parse, Parse::Known(_)))
            .map(|(path, _)| path.clone());
        let config = listing.has_config.then(|| CONFIG_FILE.to_string());
        self.read = Some(
            config
                .into_iter()
                .chain(listing.snippets.iter().cloned())
                .chain(responses)
                .collect(),
        );
    }

    /// Keeps this load's parses of the response files `paths` (`loaded`,
    /// in the same order): the memo's own, taken from their old places,
    /// and the ones made now. Adds each one's problems to `problems`, and
    /// each valid response with its place to `responses`. Whether every
    /// parse made now has the same id, title and shortcut as the one that
    /// was at its place: with the same files listed, the last uniqueness
    /// check then holds.
    pub(super) fn keep(
        &mut self,
        loaded: Vec<Parse>,
        paths: Vec<String>,
        problems: &mut Vec<Problem>,
        responses: &mut Vec<(Arc<Response>, Option<usize>)>,
    ) -> bool {
        let mut same_keys = true;
        let mut old: Vec<Option<Kept>> = std::mem::take(&mut self.responses)
            .into_iter()
            .map(Some)
            .collect();
        let mut kept = Vec::with_capacity(paths.len());
        for parse in loaded {
            let entry = match parse {
                Parse::Known(j) => old[j].take().expect("each parse is taken once"),
                Parse::Same(j, stamp) => Kept {
                    stamp,
                    ..old[j].take().expect("each parse is taken once")
                },
                Parse::Made(made) => {
                    same_keys = same_keys
                        && old
                            .get(kept.len())
                            .and_then(Option::as_ref)
                            .is_some_and(|old| {
                                unique_keys_equal(old.response.as_deref(), made.response.as_deref())
                            });
                    *made
                }
            };
            problems.extend(entry.problems.iter().cloned());
            if let Some(response) = &entry.response {
                responses.push((response.clone(), Some(kept.len())));
            }
            kept.push(entry);
        }
        // What is left in `old` was not listed this time: gone.
        self.responses = kept;
        self.paths = paths;
        same_keys
    }

    /// The files the last load read from its source (every other file it
    /// took from the loads before), its configuration, snippets and
    /// variants included; `None` before the first load. Whoever checks
    /// that no file changed while the load read it need look only at
    /// these.
    pub fn read(&self) -> Option<&[String]> {
        self.read.as_deref()
    }
}

/// One response file as a load read it.
pub(super) struct Kept {
    /// `None` when the file must be read again next time: its source
    /// cannot stamp it, or it was written too close to its read.
    pub(super) stamp: Option<Stamp>,
    /// A digest of the file's bytes, `None` when it could not be read: a
    /// file read again with the same bytes is the same parse.
    pub(super) digest: Option<u64>,
    pub(super) response: Option<Arc<Response>>,
    pub(super) problems: Vec<Problem>,
    /// The body's near-duplicate sketch, made when first needed.
    pub(super) sketch: OnceLock<Sketch>,
}

/// A response file's parse in a load: the memo's at this place (with its
/// stamp, or read again and found the same, with a new one), or made now.
pub(super) enum Parse {
    Known(usize),
    Same(usize, Option<Stamp>),
    Made(Box<Kept>),
}

/// A digest of a file's bytes, to tell whether a file read again changed.
/// A file is read again when its stamp moved or could not be trusted: a
/// checkout or a build tool rewrites files as they were, and a library
/// written just before the server started has every stamp too fresh to
/// trust. Reusing their parses keeps a reload from making every answer
/// and search entry again (a second and 65 MB on 10,000 responses).
pub(super) fn digest(bytes: &[u8]) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(bytes)
}

/// One variant file as a load read it, and the base it was checked with.
pub(super) struct KeptVariant {
    pub(super) stamp: Option<Stamp>,
    pub(super) base: Option<Arc<Response>>,
    pub(super) variant: Option<Arc<Response>>,
    pub(super) problems: Vec<Problem>,
}

/// A base response with its variants attached.
pub(super) struct Assembled {
    pub(super) base: Arc<Response>,
    pub(super) variants: Vec<Arc<Response>>,
    pub(super) whole: Arc<Response>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disk::DiskSource;
    use crate::library::Library;
    use crate::source::{ReadError, Source};
    use std::sync::Mutex;

    fn write(root: &std::path::Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    fn response(title: &str, shortcut: &str, body: &str) -> String {
        format!("---\ntitle: {title}\nshortcut: {shortcut}\ncategory: support\n---\n{body}\n")
    }

    /// What a user can see of a library: its responses and its problems.
    fn seen(library: &Library) -> String {
        let responses: Vec<_> = library
            .responses
            .iter()
            .map(|r| {
                // A variant has its base's fields: shortcut, tags, category.
                let variants: Vec<_> = r
                    .variants
                    .iter()
                    .map(|v| (&v.title, &v.body, &v.shortcut))
                    .collect();
                (&r.id, &r.title, &r.body, &r.expanded, variants)
            })
            .collect();
        format!("{responses:?}\n{:?}", library.problems)
    }

    /// A folder that says which files were read.
    struct Counting {
        disk: DiskSource,
        read: Mutex<Vec<String>>,
    }

    impl Source for Counting {
        fn list(&self) -> crate::source::Listing {
            self.disk.list()
        }
        fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
            self.read.lock().unwrap().push(path.to_string());
            self.disk.read(path)
        }
    }

    #[test]
    fn a_load_again_sees_what_a_full_load_sees() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "support/a.md",
            &response(
                "Alpha",
                "a",
                "The quick brown fox jumps over the lazy dog near the river bank today.",
            ),
        );
        write(
            root,
            "support/b.md",
            &response(
                "Beta",
                "b",
                "Something else entirely, about refunds and invoices and taxes.",
            ),
        );
        write(
            root,
            "support/c.md",
            &response(
                "Gamma",
                "c",
                "A third body about shipping delays and parcels.",
            ),
        );
        write(root, "support/c.pt.md", "---\ntitle: Gama\n---\nOlá.\n");
        write(
            root,
            "support/e.md",
            &response("Epsilon", "e", "Signed.\n\n{{> sign }}"),
        );
        write(root, "_snippets/sign.md", "Best regards\n");
        let source = Counting {
            disk: DiskSource::new(root).unwrap(),
            read: Mutex::new(Vec::new()),
        };
        // Files older than this are trusted not to change without their
        // stamp changing; the ones edited below are younger.
        let step = Duration::from_millis(100);
        std::thread::sleep(step * 2);
        let mut memo = Memo::with_time_step(step);
        Library::load_again(&source, &source.list(), &mut memo);
        let near = "The quick brown fox jumps over the lazy dog near the river bank today!";
        let alpha = "The quick brown fox jumps over the lazy dog near the river bank today.";
        let edits: [(&str, Option<String>); 12] = [
            // Only a body: the last uniqueness check holds.
            (
                "support/b.md",
                Some(response(
                    "Beta",
                    "b",
                    "Something else again, about refunds and invoices.",
                )),
            ),
            // The same title as b.md but for case: now it does not.
            ("support/a.md", Some(response("BETA", "a", alpha))),
            ("support/a.md", Some(response("Alpha", "a", alpha))),
            // Now a near-duplicate of a.md; its variant, not saved, takes
            // its new shortcut.
            ("support/c.md", Some(response("Gamma", "cc", near))),
            // The same title as b.md.
            ("support/c.md", Some(response("Beta", "cc", near))),
            // Broken front matter.
            ("support/b.md", Some("---\ntitle: [\n---\nx\n".into())),
            // A new file that takes a's shortcut.
            ("support/d.md", Some(response("Delta", "a", "Fresh."))),
            // Gone.
            ("support/a.md", None),
            // The same size as before: only its times tell.
            (
                "support/c.pt.md",
                Some("---\ntitle: Gama 2\n---\nOi.\n".into()),
            ),
            // A snippet every user of which must be read again.
            ("_snippets/sign.md", Some("Kind regards\n".into())),
            // The configuration: every file must be read again.
            (
                "cannery.yaml",
                Some("categories:\n  billing: Billing\n".into()),
            ),
            ("cannery.yaml", None),
        ];
        let mut codes = std::collections::BTreeSet::<&str>::new();
        let mut edited: Vec<&str> = Vec::new();
        for (path, text) in edits {
            match &text {
                Some(text) => write(root, path, text),
                None => std::fs::remove_file(root.join(path)).unwrap(),
            }
            source.read.lock().unwrap().clear();
            let again = Library::load_again(&source, &source.list(), &mut memo);
            let read = std::mem::take(&mut *source.read.lock().unwrap());
            let full = Library::load(&source);
            assert_eq!(seen(&again), seen(&full), "after {path}");
            codes.extend(full.problems.iter().map(|p| p.code));
            // Only what changed is read again: the file saved now and those
            // saved just before (too young to trust), the variants of
            // those, the snippets, and after a change to the configuration
            // or a snippet, everything.
            let everything = path.starts_with("_snippets/")
                || path == "cannery.yaml"
                || edited
                    .last()
                    .is_some_and(|p| p.starts_with("_snippets/") || *p == "cannery.yaml");
            if !everything {
                let saved = |file: &str| {
                    edited
                        .iter()
                        .chain([&path])
                        .any(|e| file.starts_with(e.trim_end_matches("md")))
                };
                for file in &read {
                    assert!(
                        saved(file) || file.starts_with("_snippets/"),
                        "after {path}, {file} was read again: {read:?}"
                    );
                }
            } else if path == "cannery.yaml" {
                assert!(read.iter().any(|f| f == "support/e.md"), "{read:?}");
            }
            edited.push(path);
        }
        // The checks across files ran on the files that were not re-read.
        for code in [
            "near-duplicate",
            "duplicate-title",
            "duplicate-shortcut",
            "unknown-category",
        ] {
            assert!(codes.contains(code), "{code}: {codes:?}");
        }
    }

    /// A file written again as it was (a checkout, a formatter, a server
    /// started right after the files were made) keeps its parse: the same
    /// `Arc`, so the server keeps its answer. One written with new bytes
    /// of the same size does not.
    #[test]
    fn a_file_written_again_unchanged_keeps_its_parse() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let a = response("Alpha", "a", "Hello there.");
        let b = response("Beta", "b", "Goodbye now.");
        write(root, "support/a.md", &a);
        write(root, "support/b.md", &b);
        let source = DiskSource::new(root).unwrap();
        // Every stamp is too young to trust at this first load.
        let mut memo = Memo::with_time_step(Duration::from_secs(60));
        let first = Library::load_again(&source, &source.list(), &mut memo);
        write(root, "support/a.md", &a);
        write(root, "support/b.md", &b.replace("Goodbye", "Farewel"));
        let again = Library::load_again(&source, &source.list(), &mut memo);
        assert!(Arc::ptr_eq(&first.responses[0], &again.responses[0]));
        assert!(!Arc::ptr_eq(&first.responses[1], &again.responses[1]));
        assert!(again.responses[1].body.starts_with("Farewel now."));
        assert_eq!(seen(&again), seen(&Library::load(&source)));
        // Both were read again (their stamps were too young): the server
        // checks both after this load.
        assert_eq!(memo.read().unwrap(), ["support/a.md", "support/b.md"]);
    }

    /// What a load says it read is what it read: the server stamps only
    /// those files again after a reload.
    #[test]
    fn a_load_again_names_the_files_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "support/a.md", &response("Alpha", "a", "Hello."));
        write(root, "support/b.md", &response("Beta", "b", "Bye."));
        write(
            root,
            "support/b.pt.md",
            "---\ntitle: Beta pt\n---\nTchau.\n",
        );
        write(root, "_snippets/sign.md", "Regards\n");
        let source = Counting {
            disk: DiskSource::new(root).unwrap(),
            read: Mutex::new(Vec::new()),
        };
        let step = Duration::from_millis(100);
        let mut memo = Memo::with_time_step(step);
        assert_eq!(memo.read(), None);
        std::thread::sleep(step * 2);
        Library::load_again(&source, &source.list(), &mut memo);
        write(
            root,
            "support/a.md",
            &response("Alpha", "a", "Hello again."),
        );
        source.read.lock().unwrap().clear();
        Library::load_again(&source, &source.list(), &mut memo);
        let mut read = std::mem::take(&mut *source.read.lock().unwrap());
        read.sort();
        let mut said = memo.read().unwrap().to_vec();
        said.sort();
        assert_eq!(said, read);
        assert_eq!(said, ["_snippets/sign.md", "support/a.md"]);
        // A saved base has its variant checked again: read, and named.
        write(root, "support/b.md", &response("Beta", "b", "Bye now."));
        source.read.lock().unwrap().clear();
        Library::load_again(&source, &source.list(), &mut memo);
        let mut read = std::mem::take(&mut *source.read.lock().unwrap());
        read.sort();
        let mut said = memo.read().unwrap().to_vec();
        said.sort();
        assert_eq!(said, read);
        // (a.md too: it was saved too close to its last read to trust.)
        assert!(said.ends_with(&["support/b.md".into(), "support/b.pt.md".into()]));
    }
}
