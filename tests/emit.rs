//! Snapshots of the intermediate forms (`--emit ir` and `--emit c`) for a
//! few representative programs, so that changes to lowering and code
//! generation show up as reviewable diffs.

mod common;

use common::{purrc, repo_root};

fn emit(form: &str, dir: &str, file: &str) -> String {
    let out = purrc()
        .current_dir(repo_root().join(dir))
        .args(["--emit", form, file])
        .output()
        .expect("purrc runs");
    assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn intermediate_forms_match_snapshots() {
    let cases = [("tests/programs", "spec_declarations.pu"), ("examples", "hello.pu"), ("tests/programs", "value_semantics.pu")];
    for (dir, file) in cases {
        let stem = file.trim_end_matches(".pu");
        insta::with_settings!({
            snapshot_path => repo_root().join("tests/emit_snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{stem}.ir"), emit("ir", dir, file));
            insta::assert_snapshot!(format!("{stem}.c"), emit("c", dir, file));
        });
    }
}
