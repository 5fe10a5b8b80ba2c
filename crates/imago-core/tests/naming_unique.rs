//! Unique names within a run: numbering, case folding, the 255-byte limit, reserved
//! paths, and files against folders.

use std::collections::HashSet;

use imago_core::naming::{safe_relative_path, RelPath, UniqueNames};

fn path(s: &str) -> RelPath {
    RelPath {
        components: s.split('/').map(str::to_string).collect(),
    }
}

fn claim(names: &mut UniqueNames, s: &str) -> String {
    names.claim(path(s)).to_string()
}

#[test]
fn repeated_names_are_numbered_before_the_extension() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "a.jpg"), "a.jpg");
    assert_eq!(claim(&mut names, "a.jpg"), "a-2.jpg");
    assert_eq!(claim(&mut names, "a.jpg"), "a-3.jpg");
    assert_eq!(claim(&mut names, "b"), "b");
    assert_eq!(claim(&mut names, "b"), "b-2");
    assert_eq!(claim(&mut names, "x.tar.gz"), "x.tar.gz");
    assert_eq!(claim(&mut names, "x.tar.gz"), "x.tar-2.gz");
}

#[test]
fn names_equal_after_case_folding_collide() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "Photo.jpg"), "Photo.jpg");
    assert_eq!(claim(&mut names, "photo.JPG"), "photo-2.JPG");
    assert_eq!(claim(&mut names, "PHOTO.jpg"), "PHOTO-3.jpg");
    assert_eq!(claim(&mut names, "ÉTÉ.png"), "ÉTÉ.png");
    assert_eq!(claim(&mut names, "été.png"), "été-2.png");
}

#[test]
fn same_name_in_different_folders_is_fine() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "x/a.jpg"), "x/a.jpg");
    assert_eq!(claim(&mut names, "y/a.jpg"), "y/a.jpg");
    assert_eq!(claim(&mut names, "a.jpg"), "a.jpg");
    assert_eq!(claim(&mut names, "x/a.jpg"), "x/a-2.jpg");
}

#[test]
fn folders_differing_in_case_are_one_folder_spelled_the_first_way() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "Photos/a.jpg"), "Photos/a.jpg");
    assert_eq!(claim(&mut names, "photos/a.jpg"), "Photos/a-2.jpg");
    assert_eq!(claim(&mut names, "PHOTOS/b.jpg"), "Photos/b.jpg");
}

#[test]
fn a_number_never_pushes_a_name_past_255_bytes() {
    let mut names = UniqueNames::new();
    let long = format!("{}.jpg", "a".repeat(251));
    assert_eq!(claim(&mut names, &long), long);
    let second = claim(&mut names, &long);
    assert_eq!(second, format!("{}-2.jpg", "a".repeat(249)));
    assert_eq!(second.len(), 255);
}

#[test]
fn a_number_cuts_multibyte_stems_on_a_char_boundary() {
    // 125 x 2 bytes + ".jpg" = 254 bytes; "-2" leaves 249 bytes for the stem: 124 chars.
    let mut names = UniqueNames::new();
    let long = format!("{}.jpg", "é".repeat(125));
    assert_eq!(claim(&mut names, &long), long);
    assert_eq!(
        claim(&mut names, &long),
        format!("{}-2.jpg", "é".repeat(124))
    );
}

#[test]
fn a_name_taken_on_purpose_is_skipped() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "a-2.jpg"), "a-2.jpg");
    assert_eq!(claim(&mut names, "a.jpg"), "a.jpg");
    assert_eq!(claim(&mut names, "a.jpg"), "a-3.jpg");
    assert_eq!(claim(&mut names, "a-2.jpg"), "a-2-2.jpg");
}

#[test]
fn reserved_paths_are_avoided_case_insensitively() {
    let mut names = UniqueNames::new();
    names.reserve(&path("site/A.jpg"));
    assert!(names.is_taken(&path("SITE/a.JPG")));
    assert!(!names.is_taken(&path("site/b.jpg")));
    assert_eq!(claim(&mut names, "site/a.jpg"), "site/a-2.jpg");
    // The reserved folder cannot be taken by a file.
    assert_eq!(claim(&mut names, "Site"), "Site-2");
    names.reserve(&RelPath { components: vec![] });
}

#[test]
fn a_file_never_takes_a_folder_name() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "a/b.jpg"), "a/b.jpg");
    assert_eq!(claim(&mut names, "A"), "A-2");
}

#[test]
fn a_folder_taken_by_a_file_is_numbered_the_same_way_each_time() {
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "x"), "x");
    assert_eq!(claim(&mut names, "x/y.jpg"), "x-2/y.jpg");
    assert_eq!(claim(&mut names, "x/z.jpg"), "x-2/z.jpg");
    assert_eq!(claim(&mut names, "X/y.jpg"), "x-2/y-2.jpg");
    // A folder name with a dot is numbered at its end, not before a fake extension.
    assert_eq!(claim(&mut names, "v1.2"), "v1.2");
    assert_eq!(claim(&mut names, "v1.2/a.jpg"), "v1.2-2/a.jpg");
}

#[test]
fn a_thousand_equal_names_are_all_different_and_short_enough() {
    let mut names = UniqueNames::new();
    let mut seen = HashSet::new();
    for _ in 0..1000 {
        let p = names.claim(safe_relative_path("page", "image.png"));
        assert!(p.file_name().len() <= 255);
        assert!(seen.insert(p.to_string().to_lowercase()), "{p} twice");
    }
    assert!(seen.contains("page/image-1000.png"));
}

#[test]
fn hostile_names_end_unique_and_safe() {
    let mut names = UniqueNames::new();
    let a = names.claim(safe_relative_path("../site", "CON.jpg"));
    let b = names.claim(safe_relative_path("site/.", "con.JPG"));
    assert_eq!(a.to_string(), "site/_CON.jpg");
    assert_eq!(b.to_string(), "site/_con-2.JPG");
}

#[test]
fn an_empty_path_still_gets_a_file_name() {
    let mut names = UniqueNames::new();
    assert_eq!(names.claim(RelPath { components: vec![] }).to_string(), "_");
    assert_eq!(
        names.claim(RelPath { components: vec![] }).to_string(),
        "_-2"
    );
}

#[test]
fn names_equal_after_normalization_collide() {
    // macOS takes the decomposed and the composed "été" as one name.
    let mut names = UniqueNames::new();
    assert_eq!(claim(&mut names, "\u{e9}t\u{e9}.jpg"), "\u{e9}t\u{e9}.jpg");
    assert_eq!(
        claim(&mut names, "e\u{301}te\u{301}.jpg"),
        "e\u{301}te\u{301}-2.jpg"
    );
}

#[test]
fn a_reserved_folder_takes_files_inside_but_no_file_of_its_name() {
    // A folder found on disk: new files go inside it as they are, and a file that would
    // take its name (in any case) gets a number instead.
    let mut names = UniqueNames::new();
    names.reserve_folder(&path("Shop"));
    assert_eq!(claim(&mut names, "shop/a.jpg"), "shop/a.jpg");
    assert_eq!(claim(&mut names, "shop"), "shop-2");
    assert!(!names.is_taken(&path("Shop")));
}
