//! One snapshot per diagnostic: each program under tests/diagnostics is
//! named after the id it triggers; purrc must render the diagnostic
//! (file:line:col, the source line underlined, the hint) exactly as its
//! snapshot in tests/diagnostics/snapshots shows, and exit 1 for an error,
//! 0 for a warning (warnings do not stop the build).

mod common;

use common::{parallel, purrc, repo_root, report};
use std::collections::BTreeSet;

/// The programs under tests/diagnostics: single files, and directories of
/// files for errors that involve several (namespaces, `use`).
fn cases(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("tests/diagnostics exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pu") || (p.is_dir() && !p.ends_with("snapshots")))
        .collect();
    cases.sort();
    cases
}

/// Longest description (the case's sources) kept in a snapshot: cases of
/// size limits are long and say nothing more after the start.
const MAX_DESCRIPTION_CHARS: usize = 600;

/// A case's sources, for the snapshot's description.
fn sources_of(case: &std::path::Path) -> String {
    let text = all_sources_of(case);
    match text.char_indices().nth(MAX_DESCRIPTION_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn all_sources_of(case: &std::path::Path) -> String {
    if case.is_file() {
        return std::fs::read_to_string(case).expect("readable source");
    }
    let mut files: Vec<_> = std::fs::read_dir(case).expect("readable").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files
        .iter()
        .map(|f| format!("// {}\n{}", f.file_name().expect("name").to_string_lossy(), std::fs::read_to_string(f).expect("readable")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_diagnostic_matches_its_snapshot() {
    let dir = repo_root().join("tests/diagnostics");
    let cases = cases(&dir);
    assert!(cases.len() >= 40, "expected a program per diagnostic kind");
    for case in cases {
        let name = case.file_stem().expect("name").to_string_lossy().into_owned();
        let id = id_of(&case);
        let id = id.as_str();
        // Errors of the build phase need a build; the others show with `--emit c`.
        let out_dir = tempfile::tempdir().expect("temp dir");
        let mut cmd = purrc();
        cmd.current_dir(&dir).args(["--color", "never"]);
        if purrc::driver::BuildError::IDS.contains(&id) {
            cmd.args(["-O0", "-o"]).arg(out_dir.path().join("out"));
        } else {
            cmd.args(["--emit", "c"]);
        }
        let out = cmd.arg(case.file_name().expect("file name")).output().expect("purrc runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let (severity, status) = if purrc::lint::Warning::IDS.contains(&id) { ("warning", 0) } else { ("error", 1) };
        assert_eq!(out.status.code(), Some(status), "{name}: purrc must exit {status} on a {severity}:\n{stderr}");
        assert!(stderr.contains(&format!("{severity}[{id}]")), "{name}: expected {severity}[{id}], got:\n{stderr}");
        insta::with_settings!({
            snapshot_path => dir.join("snapshots"),
            prepend_module_to_snapshot => false,
            description => sources_of(&case),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, stderr);
        });
    }
}

/// The id a case is named after (`id--variant` names a second case).
fn id_of(case: &std::path::Path) -> String {
    let name = case.file_stem().expect("name").to_string_lossy().into_owned();
    name.split("--").next().expect("an id").to_string()
}

/// The ids purrc can report (collected from the phases' error enums), the
/// ids of the cases here, and the ids `purrc --explain` knows are one set.
#[test]
fn every_id_has_a_snapshot_and_an_explanation() {
    let ids: BTreeSet<String> = purrc::explain::all_ids().into_iter().map(String::from).collect();
    let cases: BTreeSet<String> = cases(&repo_root().join("tests/diagnostics")).iter().map(|c| id_of(c)).collect();
    let explained: BTreeSet<String> = purrc::explain::explained_ids().map(String::from).collect();
    assert_eq!(ids.difference(&cases).collect::<Vec<_>>(), Vec::<&String>::new(), "ids without a case in tests/diagnostics");
    assert_eq!(cases.difference(&ids).collect::<Vec<_>>(), Vec::<&String>::new(), "cases named after no id");
    assert_eq!(ids.difference(&explained).collect::<Vec<_>>(), Vec::<&String>::new(), "ids without docs/diagnostics/ID.md");
    assert_eq!(explained.difference(&ids).collect::<Vec<_>>(), Vec::<&String>::new(), "explanations of no id");
}

/// The `purr` code blocks of an explanation.
fn purr_blocks(text: &str) -> Vec<String> {
    text.split("```purr\n").skip(1).map(|b| b.split("```").next().expect("a closed block").to_string()).collect()
}

/// Each explanation's first example shows its diagnostic, and its last one
/// (the fix) compiles without any.
#[test]
fn explanations_show_their_diagnostic_and_a_fix() {
    let ids = purrc::explain::all_ids();
    let failures = parallel(&ids, |id| {
        let blocks = purr_blocks(purrc::explain::explanation(id).expect("an explanation"));
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let compile = |src: &str| {
            std::fs::write(dir.path().join("example.pu"), src).expect("writable");
            let mut cmd = purrc();
            cmd.current_dir(dir.path()).args(["--color", "never"]);
            if purrc::driver::BuildError::IDS.contains(id) {
                cmd.args(["-O0", "-o", "example"]);
            } else {
                cmd.args(["--emit", "c"]);
            }
            let out = cmd.arg("example.pu").output().expect("purrc runs");
            (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
        };
        if let Some(wrong) = blocks.first().filter(|_| blocks.len() == 2) {
            let (_, stderr) = compile(wrong);
            if !stderr.contains(&format!("[{id}]")) {
                return Err(format!("{id}: the first example does not show it:\n{wrong}\n{stderr}"));
            }
        }
        if let Some(fixed) = blocks.last() {
            let (status, stderr) = compile(fixed);
            if status != Some(0) || !stderr.is_empty() {
                return Err(format!("{id}: the fix does not compile cleanly:\n{fixed}\n{stderr}"));
            }
        }
        Ok(())
    });
    report("explanations", ids.len(), failures);
}
