//! The two faces of the binary, the command line and the screens, never import each other.

/// `src/cli` and `src/tui` never import each other: only main.rs knows both.
#[test]
fn the_two_faces_never_import_each_other() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (face, other) in [("cli", "tui"), ("tui", "cli")] {
        let mut stack = vec![root.join(face)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source");
                    for needle in [format!("crate::{other}"), format!("rmdesk::{other}")] {
                        assert!(!text.contains(&needle), "{} names {needle}", path.display());
                    }
                }
            }
        }
    }
}
