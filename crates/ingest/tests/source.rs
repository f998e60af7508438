//! Listing the inputs under a directory: order, hidden entries, symbolic
//! links, and directories that link back to themselves.

use rasd_ingest::source::list;
use std::fs;
use std::path::{Path, PathBuf};

fn names(root: &Path, paths: &[String]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            Path::new(p)
                .strip_prefix(root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect()
}

#[test]
fn directory_tree_in_name_order_without_hidden_entries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("b/inner")).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::write(root.join("c.txt"), "خبر").unwrap();
    fs::write(root.join("a.txt"), "خبر").unwrap();
    fs::write(root.join("b/inner/z.txt"), "خبر").unwrap();
    fs::write(root.join("b/y.txt"), "خبر").unwrap();
    fs::write(root.join(".hidden.txt"), "خبر").unwrap();
    fs::write(root.join(".git/config"), "x").unwrap();
    let (leaves, errors) = list(&[root.to_path_buf()], 1 << 20);
    assert!(errors.is_empty(), "{errors:?}");
    let paths: Vec<String> = leaves.iter().map(|l| l.path.clone()).collect();
    assert_eq!(
        names(root, &paths),
        ["a.txt", "b/inner/z.txt", "b/y.txt", "c.txt"]
    );
}

#[cfg(unix)]
#[test]
fn links_back_to_a_directory_above_are_reported_not_walked_forever() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("news")).unwrap();
    fs::write(root.join("news/1.txt"), "خبر أول").unwrap();
    // Two links to the directory itself (the case that walked forever),
    // and one to a file, which is followed.
    symlink(".", root.join("news/a")).unwrap();
    symlink(".", root.join("news/b")).unwrap();
    fs::write(root.join("other.txt"), "خبر ثان").unwrap();
    symlink(root.join("other.txt"), root.join("news/2.txt")).unwrap();
    let start: PathBuf = root.join("news");
    let (leaves, errors) = list(&[start.clone()], 1 << 20);
    let paths: Vec<String> = leaves.iter().map(|l| l.path.clone()).collect();
    assert_eq!(names(&start, &paths), ["1.txt", "2.txt"]);
    let errs: Vec<String> = errors.iter().map(|e| e.error.to_string()).collect();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs.iter().all(|e| e.contains("symbolic link back")),
        "{errs:?}"
    );
    for name in ["news/a", "news/b"] {
        assert!(
            errors.iter().any(|e| e.path.ends_with(name)),
            "{name} not reported: {errors:?}"
        );
    }
}
