//! The message broker's pure core (examples/broker: RESP, glob patterns,
//! streams, consumer groups and the stream owner) passes its own tests:
//! `purrc --test examples/broker` runs every test of every file there, and
//! all of them must pass, with no heap left live at the end.

mod common;

use common::{programs_in, purrc, repo_root};

/// The number of `test "NAME..."` blocks declared in examples/broker
/// whose NAME starts with `prefix` ("" for all of them).
fn declared_tests(prefix: &str) -> usize {
    let start = format!("test \"{prefix}");
    programs_in("examples/broker")
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable").lines().filter(|l| l.starts_with(&start)).count())
        .sum()
}

/// Runs `purrc --test -O0 examples/broker` with `extra` arguments and
/// checks that every test declared with a name starting with `prefix`
/// passed and nothing failed; returns the seconds it took.
fn suite_passes(extra: &[&str], prefix: &str) -> f64 {
    let start = std::time::Instant::now();
    let out = purrc()
        .current_dir(repo_root())
        .args(["--test", "-O0", "examples/broker"])
        .args(extra)
        .output()
        .expect("purrc runs");
    let secs = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("{} passed, 0 failed", declared_tests(prefix));
    assert!(
        out.status.success() && stdout.lines().last() == Some(expected.as_str()),
        "expected `{expected}` and success, got {}:\n{stdout}{stderr}",
        out.status
    );
    secs
}

#[test]
fn broker_tests_pass() {
    suite_passes(&[], "");
}

/// Every test of the suite holds under seeded schedules and network, not
/// only under seed 0's FIFO order (the client and server tests check each
/// connection's transcript, and accept exactly the outcomes a schedule may
/// choose between).
#[test]
fn broker_tests_hold_under_10_seeds() {
    let secs = suite_passes(&["--explore", "10"], "");
    eprintln!("--explore 10 over the broker's suite: {secs:.1} s");
}

/// The broker under simulation (examples/broker/sim_test.pu): real clients
/// over the simulated network, seeded kills and stalls. Every one of them
/// must hold under 100 seeds; tools/explore_broker.sh runs 1,000 and
/// reports the time (about 5 s at -O0 on 2 cores for these 100: printed
/// here, not asserted, as speed is the benchmarks' to judge).
#[test]
fn broker_simulated_tests_hold_under_100_seeds() {
    assert!(declared_tests("sim: ") >= 4, "examples/broker/sim_test.pu lost its tests");
    let secs = suite_passes(&["--filter", "sim:", "--explore", "100"], "sim: ");
    eprintln!("--explore 100 over the broker's simulated tests: {secs:.1} s");
}
