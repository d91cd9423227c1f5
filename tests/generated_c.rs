//! The generated C is clean: the C of every program the repository ships
//! (tests, gates, stdlib tests, multi-file and FFI programs, examples —
//! the directory ones with their tests too — and benchmarks), in every mode it is built in (program, `--test`, `--bench`),
//! compiles as C11 with `-O2 -Wall -Wextra -Werror`, and it keeps source
//! names and `#line`.

mod common;

use common::{compile_warning_free, parallel, programs_in, purrc, repo_root, report};
use std::path::PathBuf;

/// One `purrc --emit c` invocation: its inputs and the mode flag, if any.
struct Case {
    inputs: Vec<PathBuf>,
    mode: Option<&'static str>,
}

impl Case {
    fn label(&self) -> String {
        let names: Vec<String> = self.inputs.iter().map(|p| p.strip_prefix(repo_root()).unwrap_or(p).display().to_string()).collect();
        format!("{}{}", names.join(" "), self.mode.map_or(String::new(), |m| format!(" ({m})")))
    }
}

/// The modes a single-file program is built in: as a program when it has an
/// entry point, and with `--test` / `--bench` when it declares tests or
/// benches (those modes emit a different `main` and the bodies of the
/// tests or benches, so each needs its own check).
fn modes_of(text: &str) -> Vec<Option<&'static str>> {
    let has_item = |keyword: &str| text.lines().any(|l| l.starts_with(&format!("{keyword} \"")));
    let has_entry = text.lines().any(|l| l.starts_with("fn main(") || l.starts_with("actor Main "));
    [(has_entry, None), (has_item("test"), Some("--test")), (has_item("bench"), Some("--bench"))]
        .into_iter()
        .filter_map(|(wanted, mode)| wanted.then_some(mode))
        .collect()
}

fn cases() -> Vec<Case> {
    let dirs = [
        "tests/programs",
        "gates/gate1a",
        "gates/gate1b",
        "gates/gate2",
        "tests/stdlib",
        "tests/actors",
        "tests/sim",
        "tests/valgrind",
        // Only the generated C is compiled here, so ffi.pu's helper.c is not needed.
        "tests/ffi",
        "tools/bench",
        "tools/bench/io",
        "examples",
    ];
    let mut cases = vec![];
    for file in dirs.iter().flat_map(|d| programs_in(d)) {
        let text = std::fs::read_to_string(&file).expect("readable");
        let modes = modes_of(&text);
        assert!(!modes.is_empty(), "{}: no entry point, tests or benches to build", file.display());
        cases.extend(modes.into_iter().map(|mode| Case { inputs: vec![file.clone()], mode }));
    }
    let mut multifile: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/multifile"))
        .expect("tests/multifile exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    multifile.sort();
    cases.extend(multifile.into_iter().map(|dir| Case { inputs: vec![dir], mode: None }));
    // The examples that are directories of files: as a program and with
    // their tests.
    for dir in ["examples/echo", "examples/chat", "examples/broker"] {
        for mode in [None, Some("--test")] {
            cases.push(Case { inputs: vec![repo_root().join(dir)], mode });
        }
    }
    // The log's benchmark driver, built with the broker's files it uses
    // (tools/bench_log.py).
    let broker = repo_root().join("examples/broker");
    let mut driver = vec![repo_root().join("tools/bench/log_replay/main.pu")];
    driver.extend(["resp.pu", "stream.pu", "stream_nodes.pu", "record.pu", "log.pu"].map(|f| broker.join(f)));
    cases.push(Case { inputs: driver, mode: None });
    cases
}

#[test]
fn generated_c_is_warning_free() {
    let cases = cases();
    let failures = parallel(&cases, |case| {
        let out = purrc().arg("--emit").arg("c").args(case.mode).args(&case.inputs).output().expect("purrc runs");
        if !out.status.success() {
            return Err(format!("{}: {}", case.label(), String::from_utf8_lossy(&out.stderr)));
        }
        compile_warning_free(&out.stdout).map_err(|e| format!("{}:\n{e}", case.label()))
    });
    report("programs", cases.len(), failures);
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
