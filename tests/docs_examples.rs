//! The complete programs in docs/io.md build: every ```purr block with an
//! entry point (`actor Main` or `fn main`) is compiled and linked.

mod common;

use common::{build, parallel, repo_root, report};

/// The ```purr blocks of a markdown file.
fn purr_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = vec![];
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```purr") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn io_doc_programs_build() {
    let text = std::fs::read_to_string(repo_root().join("docs/io.md")).expect("docs/io.md");
    let programs: Vec<String> =
        purr_blocks(&text).into_iter().filter(|b| b.contains("actor Main") || b.contains("fn main")).collect();
    assert!(programs.len() >= 3, "docs/io.md shows complete programs");
    let failures = parallel(&programs, |source| {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("example.pu");
        std::fs::write(&path, source).map_err(|e| e.to_string())?;
        build(&path, dir.path(), &[]).map(|_| ()).map_err(|e| format!("{source}\n{e}"))
    });
    report("docs/io.md programs", programs.len(), failures);
}
