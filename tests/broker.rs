//! The message broker's pure core (examples/broker: RESP, glob patterns,
//! streams, consumer groups and the stream owner) passes its own tests:
//! `purrc --test examples/broker` runs every test of every file there, and
//! all of them must pass, with no heap left live at the end.

mod common;

use common::{programs_in, purrc, repo_root};

/// The number of `test "..."` blocks declared in examples/broker.
fn declared_tests() -> usize {
    programs_in("examples/broker")
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable").lines().filter(|l| l.starts_with("test \"")).count())
        .sum()
}

#[test]
fn broker_tests_pass() {
    let out = purrc().current_dir(repo_root()).args(["--test", "-O0", "examples/broker"]).output().expect("purrc runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("{} passed, 0 failed", declared_tests());
    assert!(
        out.status.success() && stdout.lines().last() == Some(expected.as_str()),
        "expected `{expected}` and success, got {}:\n{stdout}{stderr}",
        out.status
    );
}
