//! The generated C is clean: every test and gate program's C compiles with
//! `-Wall -Wextra -Werror` (as C11), and it keeps source names and `#line`.

mod common;

use common::{parallel, programs_in, purrc, repo_root, report};
use std::path::PathBuf;
use std::process::Command;

#[test]
fn generated_c_is_warning_free() {
    let files: Vec<PathBuf> =
        ["tests/programs", "gates/gate1a", "gates/gate1b", "gates/gate2", "tests/stdlib"].iter().flat_map(|d| programs_in(d)).collect();
    let include = repo_root().join("runtime-c").join("include");
    let failures = parallel(&files, |f| {
        let out = purrc().arg("--emit").arg("c").arg(f).output().expect("purrc runs");
        if !out.status.success() {
            return Err(format!("{}: {}", f.display(), String::from_utf8_lossy(&out.stderr)));
        }
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let c = dir.path().join("prog.c");
        std::fs::write(&c, &out.stdout).map_err(|e| e.to_string())?;
        let cc = Command::new("cc")
            .args(["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I"])
            .arg(&include)
            .arg(&c)
            .output()
            .expect("cc runs");
        if cc.status.success() {
            Ok(())
        } else {
            Err(format!("{}:\n{}", f.display(), String::from_utf8_lossy(&cc.stderr)))
        }
    });
    report("programs", files.len(), failures);
}

#[test]
fn generated_c_keeps_names_and_lines() {
    let src = repo_root().join("tests/programs/spec_declarations.pu");
    let out = purrc().arg("--emit").arg("c").arg(&src).output().expect("purrc runs");
    let c = String::from_utf8_lossy(&out.stdout);
    assert!(c.contains("main__area("), "function names survive:\n{c}");
    assert!(c.contains("main__Shape"), "type names survive");
    assert!(c.contains("#line "), "#line directives point at the .pu file");
    assert!(c.contains("spec_declarations.pu\""), "#line names the source file");
}
