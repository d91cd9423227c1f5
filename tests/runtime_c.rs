//! The C runtime's own unit tests (runtime-c/tests, built with ASan and
//! UBSan) run as part of the one test command.

mod common;

use std::process::Command;

#[test]
fn runtime_c_unit_tests() {
    let script = common::repo_root().join("runtime-c/tests/run.sh");
    let out = Command::new("bash").arg(&script).output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "runtime C tests failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "unexpected summary:\n{stdout}");
}
