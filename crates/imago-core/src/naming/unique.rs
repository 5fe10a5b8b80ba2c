//! Names unique within a run, compared the way the strictest file system compares them.
//!
//! macOS and Windows ignore case by default (and macOS Unicode normalization), so
//! `Photo.jpg` and `photo.JPG` are one file there: two images with those names get `Photo.jpg` and `photo-2.JPG`. A number
//! goes before the extension (`a.jpg`, `a-2.jpg`, `a-3.jpg`) and the stem is shortened
//! when needed so the name stays within 255 bytes.
//!
//! Folders take part too: a file never takes the name of a folder already used, and a
//! folder whose name an earlier file took gets a number, the same one for every image
//! that goes there.
//!
//! The set keeps a 64-bit hash of each folded path, not the path: a run of 200,000 images
//! holds 200,000 names, and 8 bytes each keeps that small (a grab's memory must not grow
//! with the count). Two different names with the same hash (odds about 1 in 10^9 for
//! 200,000 names) would only cost the second one a needless `-2`; whether a name is free
//! on disk is decided by the file system (the caller's no-clobber move), not by this set.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use super::sanitize::{cut_to, fit_file_name, nfc, MAX_COMPONENT_BYTES};
use super::RelPath;

/// Hands out unique paths within one run.
#[derive(Debug, Clone, Default)]
pub struct UniqueNames {
    /// Folded paths of files handed out or reserved (hashed, see the module doc).
    files: HashSet<u64>,
    /// Folded paths of every folder in use.
    folders: HashSet<u64>,
    /// Folded path a template asked for -> the folder component chosen for it.
    folder_choice: HashMap<u64, String>,
    /// Folded file path -> the next number to try, so many equal names cost O(1) each.
    next_number: HashMap<u64, u32>,
}

/// What the sets hold for a folded path. `DefaultHasher::new` has fixed keys, so equal
/// paths always give equal values within a build.
fn key_hash(folded: &str) -> u64 {
    let mut h = DefaultHasher::new();
    folded.hash(&mut h);
    h.finish()
}

/// The key two names share when a case- and normalization-insensitive file system
/// (macOS, Windows) takes them as one.
fn fold(s: &str) -> String {
    nfc(s).to_lowercase()
}

fn join_key(prefix: &str, component: &str) -> String {
    if prefix.is_empty() {
        fold(component)
    } else {
        format!("{prefix}/{}", fold(component))
    }
}

impl UniqueNames {
    /// An empty set: nothing taken yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns `p`, or `p` with a number before the extension of the file name (and of
    /// a folder that collides with a file) when the name is taken; marks the result taken.
    pub fn claim(&mut self, p: RelPath) -> RelPath {
        let mut components = p.components;
        let file = components.pop().unwrap_or_else(|| "_".to_string());

        let mut asked_key = String::new();
        let mut actual_key = String::new();
        let mut actual = Vec::with_capacity(components.len() + 1);
        for folder in components {
            asked_key = join_key(&asked_key, &folder);
            let chosen = match self.folder_choice.get(&key_hash(&asked_key)) {
                Some(chosen) => chosen.clone(),
                None => {
                    let chosen = self.free_name(&actual_key, &folder, false, |s, key| {
                        !s.files.contains(&key_hash(key))
                    });
                    self.folder_choice
                        .insert(key_hash(&asked_key), chosen.clone());
                    chosen
                }
            };
            actual_key = join_key(&actual_key, &chosen);
            self.folders.insert(key_hash(&actual_key));
            actual.push(chosen);
        }

        let name = self.free_name(&actual_key, &file, true, |s, key| {
            let key = key_hash(key);
            !s.files.contains(&key) && !s.folders.contains(&key)
        });
        self.files.insert(key_hash(&join_key(&actual_key, &name)));
        actual.push(name);
        RelPath { components: actual }
    }

    /// Marks `p` taken without changing it: a file already on disk, or one a previous
    /// run saved.
    pub fn reserve(&mut self, p: &RelPath) {
        let Some((file, folders)) = p.components.split_last() else {
            return;
        };
        let mut key = String::new();
        for folder in folders {
            key = join_key(&key, folder);
            self.folders.insert(key_hash(&key));
        }
        self.files.insert(key_hash(&join_key(&key, file)));
    }

    /// Marks the folder `p` in use without changing it: a folder already on disk. A file
    /// then never takes its name, and files may still go inside it.
    pub fn reserve_folder(&mut self, p: &RelPath) {
        let mut key = String::new();
        for folder in &p.components {
            key = join_key(&key, folder);
            self.folders.insert(key_hash(&key));
        }
    }

    /// Whether `p` is taken (as a file).
    pub fn is_taken(&self, p: &RelPath) -> bool {
        let key = p
            .components
            .iter()
            .fold(String::new(), |key, c| join_key(&key, c));
        self.files.contains(&key_hash(&key))
    }

    /// `name` or the first `name-N` (N from 2, before the extension of a file) inside the folder `prefix` that `free`
    /// accepts.
    fn free_name(
        &mut self,
        prefix: &str,
        name: &str,
        is_file: bool,
        free: impl Fn(&Self, &str) -> bool,
    ) -> String {
        let key = join_key(prefix, name);
        if free(self, &key) {
            return name.to_string();
        }
        let key = key_hash(&key);
        let mut n = self.next_number.get(&key).copied().unwrap_or(2);
        loop {
            let suffix = format!("-{n}");
            let candidate = if is_file {
                fit_file_name(name, &suffix, MAX_COMPONENT_BYTES)
            } else {
                let stem = cut_to(name, MAX_COMPONENT_BYTES - suffix.len());
                format!("{}{suffix}", stem.trim_end_matches(['.', ' ']))
            };
            n = n.saturating_add(1);
            if free(self, &join_key(prefix, &candidate)) {
                self.next_number.insert(key, n);
                return candidate;
            }
            if n == u32::MAX {
                // Four billion equal names in one run: give up on counting and let the
                // last one through rather than loop forever.
                return candidate;
            }
        }
    }
}
