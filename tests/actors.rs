//! The test and bench runners of docs/language.md §8: reports, exit status,
//! `--filter`, the deterministic scheduler's order, and benches whose counts
//! are identical from run to run.

mod common;

use common::{purrc, repo_root};
use std::process::Output;

/// purrc with `args` and then `cc` (C compiler options: none for the
/// default, or `--cc tcc`), inside tests/actors.
fn run_in_actors_dir(args: &[&str], cc: &[&str]) -> Output {
    purrc().current_dir(repo_root().join("tests/actors")).args(args).args(cc).output().expect("purrc runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failing_test_is_reported(cc: &[&str]) {
    let out = run_in_actors_dir(&["--test", "-O0", "mixed_results.pu"], cc);
    let text = stdout(&out);
    assert_ne!(out.status.code(), Some(0), "a failed test makes the run fail:\n{text}");
    assert!(text.contains("test adds up ... ok\n"), "{text}");
    assert!(text.contains("test wrong total ... FAILED\n"), "{text}");
    assert!(text.contains("mixed_results.pu:28:"), "the failure names file:line:\n{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed"), "{text}");
}

/// A panic in a test body fails that test with the panic's message and
/// location; the other tests still run and the summary follows.
fn panicking_test_fails(cc: &[&str]) {
    let out = run_in_actors_dir(&["--test", "-O0", "panicking_tests.pu"], cc);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout(&out),
        "test before the panic ... ok\n\
         test index out of bounds ... FAILED\n  \
         panicked at panicking_tests.pu:6:22: index 99 out of bounds for length 6\n  \
         captured output:\n  \
         | held by the test body 42\n\
         test explicit panic ... FAILED\n  \
         panicked at panicking_tests.pu:20:5: gave up\n\
         test after the panics ... ok\n\
         2 passed, 2 failed\n"
    );
}

fn filter_selects_tests(cc: &[&str]) {
    let out = run_in_actors_dir(&["--test", "-O0", "mixed_results.pu", "--filter", "adds"], cc);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text, "test adds up ... ok\n1 passed, 0 failed\n");
}

fn scheduler_order(cc: &[&str]) {
    let out = run_in_actors_dir(&["--test", "-O0", "scheduler_order.pu"], cc);
    assert_eq!(
        stdout(&out),
        "test one message per step, round robin ... ok\ntest timers advance virtual time ... ok\n2 passed, 0 failed\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_failing_test_is_reported_and_fails_the_run() {
    failing_test_is_reported(&[]);
}

#[test]
fn a_panicking_test_fails_and_the_run_goes_on() {
    panicking_test_fails(&[]);
}

#[test]
fn filter_runs_only_matching_tests() {
    filter_selects_tests(&[]);
}

/// std.net on the deterministic scheduler's in-memory network.
#[test]
fn network_tests_run_on_the_in_memory_network() {
    let out = run_in_actors_dir(&["--test", "-O0", "net_mem.pu"], &[]);
    assert_eq!(
        stdout(&out),
        "test lines go and come back over the in-memory network ... ok\n\
         test connecting to a port nobody listens on ... ok\n\
         2 passed, 0 failed\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn deterministic_scheduler_order_and_virtual_time() {
    scheduler_order(&[]);
}

/// The same test runs, built with `--cc tcc`.
#[test]
fn test_runners_built_with_tcc() {
    if common::skip_without("tcc") {
        return;
    }
    failing_test_is_reported(common::TCC);
    panicking_test_fails(common::TCC);
    filter_selects_tests(common::TCC);
    scheduler_order(common::TCC);
}

/// The counts of a bench (not its times) are the same on every run.
#[test]
fn bench_counts_are_identical_run_to_run() {
    let counts = || {
        let out = run_in_actors_dir(&["--bench", "--json", "-O0", "scheduler_order.pu"], &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = stdout(&out);
        let line = text.lines().find(|l| l.contains("speaker chatter")).unwrap_or_else(|| panic!("no bench line in {text}")).to_string();
        for key in ["message_count", "scheduler_steps", "max_mailbox_depth", "actors_spawned", "dropped_messages", "peak_heap_bytes"] {
            assert!(line.contains(&format!("\"{key}\"")), "{key} missing from {line}");
        }
        // Keep the counters only: drop the keys that measure time.
        line.split(',').filter(|f| !f.contains("time") && !f.contains("per_sec")).collect::<Vec<_>>().join(",")
    };
    let first = counts();
    assert!(first.contains("\"message_count\":1000"), "1000 messages delivered: {first}");
    assert_eq!(first, counts());
}

/// `--bench --scheduler epoll` runs the benches on the event loop: the same
/// messages; an actor alone in the run queue handles up to 1024 in one step.
#[test]
fn bench_runs_on_the_event_loop_when_asked() {
    let out = run_in_actors_dir(&["--bench", "--scheduler", "epoll", "-O0", "scheduler_order.pu"], &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(" message_count=1000 scheduler_steps=1 "), "{text}");
}
