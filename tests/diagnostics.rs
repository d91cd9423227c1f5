//! One snapshot per diagnostic: each program under tests/diagnostics is
//! named after the error id it triggers; purrc must exit 1 and render the
//! error (file:line:col, the source line underlined, the hint) exactly as
//! its snapshot in tests/diagnostics/snapshots shows.

mod common;

use common::{programs_in, purrc, repo_root};

#[test]
fn every_diagnostic_matches_its_snapshot() {
    let dir = repo_root().join("tests/diagnostics");
    let files = programs_in("tests/diagnostics");
    assert!(files.len() >= 30, "expected a program per diagnostic kind");
    for file in files {
        let name = file.file_stem().expect("file name").to_string_lossy().into_owned();
        let out = purrc()
            .current_dir(&dir)
            .args(["--color", "never", "--emit", "c"])
            .arg(file.file_name().expect("file name"))
            .output()
            .expect("purrc runs");
        assert_eq!(out.status.code(), Some(1), "{name}: purrc must exit 1 on a compile error");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if name != "several-errors" {
            assert!(stderr.contains(&format!("error[{name}]")), "{name}: expected an error with id `{name}`, got:\n{stderr}");
        }
        let source = std::fs::read_to_string(&file).expect("readable source");
        insta::with_settings!({
            snapshot_path => dir.join("snapshots"),
            prepend_module_to_snapshot => false,
            description => source,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, stderr);
        });
    }
}
