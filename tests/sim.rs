//! Simulation under a seed (docs/testing.md, PURR.md §12): seeded schedules
//! for tests, benches and `--scheduler det` programs, `--explore` and its
//! replay command, virtual time that moves with work, and the bad inputs
//! (seeds that do not parse, `--explore 0`, a schedule that never ends, a
//! panic inside a handler). The programs are in tests/sim.

mod common;

use common::{purrc, repo_root};
use std::process::Output;

fn in_sim_dir(args: &[&str]) -> Output {
    purrc().current_dir(repo_root().join("tests/sim")).args(args).output().expect("purrc runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Builds tests/sim/`source` with `options` into a temporary directory
/// (kept alive by the returned guard) and returns the executable.
fn build_in_sim_dir(options: &[&str], source: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = dir.path().join("program");
    let mut args = options.to_vec();
    args.extend([source, "-o", exe.to_str().expect("utf-8")]);
    let out = in_sim_dir(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (dir, exe)
}

const RACE: &str = "a release reports the config it installed";

/// The race of the worked example passes under seed 0 (FIFO), fails under
/// half the seeds, and the failure names its seed and the replay command.
#[test]
fn explore_finds_the_order_dependent_bug_and_names_the_seed() {
    let out = in_sim_dir(&["--test", "deploy_race.pu"]);
    assert_eq!(stdout(&out), format!("test {RACE} ... ok\n1 passed, 0 failed\n"), "{}", stderr(&out));
    let out = in_sim_dir(&["--test", "deploy_race.pu", "--explore", "20"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "test {RACE} ... FAILED (seed 1)\n  \
             at deploy_race.pu:39:5: expected \"v1\" == \"v2\"\n  \
             replay: purrc --test deploy_race.pu --filter '{RACE}' --seed 1\n  \
             failed under 10 of 20 seeds: 1, 2, 4, 6, 8, 11, 14, 16, 17, 20\n\
             0 passed, 1 failed\n"
        )
    );
    // --seed starts the exploration elsewhere.
    let out = in_sim_dir(&["--test", "deploy_race.pu", "--explore", "3", "--seed", "9"]);
    assert!(stdout(&out).contains("FAILED (seed 11)\n"), "{}", stdout(&out));
    assert!(stdout(&out).contains("failed under 1 of 3 seeds: 11\n"), "{}", stdout(&out));
}

/// The printed replay command fails the same way on every run, with the
/// same report as under --explore (less the count of failing seeds).
#[test]
fn the_replay_command_fails_identically_every_time() {
    let explored = stdout(&in_sim_dir(&["--test", "deploy_race.pu", "--explore", "5"]));
    let replay = explored.lines().find_map(|l| l.strip_prefix("  replay: purrc ")).expect("a replay line");
    assert_eq!(replay, format!("--test deploy_race.pu --filter '{RACE}' --seed 1"));
    let args = ["--test", "deploy_race.pu", "--filter", RACE, "--seed", "1"];
    let block: String = explored.lines().take(3).map(|l| format!("{l}\n")).collect();
    for _ in 0..3 {
        let out = in_sim_dir(&args);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stdout(&out), format!("{block}0 passed, 1 failed\n"));
    }
}

/// The fix passes under every seed.
#[test]
fn the_fixed_release_passes_under_every_seed() {
    let out = in_sim_dir(&["--test", "deploy_fixed.pu", "--explore", "200"]);
    assert_eq!(stdout(&out), format!("test {RACE} ... ok\n1 passed, 0 failed\n"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
}

/// A schedule that never ends stops at the step limit and fails naming
/// its seed; a handler's panic is part of the failing seed's report; the
/// other seeds and tests still run.
#[test]
fn never_ending_schedules_and_handler_panics_are_reported_per_seed() {
    let out = in_sim_dir(&["--test", "bad_schedules.pu", "--explore", "8", "--step-limit", "10000"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "test the spinner halts ... FAILED (seed 3)\n  \
         did not finish: still running after 10000 steps under seed 3 (a schedule that never ends? --step-limit N sets the limit)\n  \
         replay: purrc --test bad_schedules.pu --step-limit 10000 --filter 'the spinner halts' --seed 3\n  \
         failed under 5 of 8 seeds: 3, 4, 5, 6, 8\n\
         test the first item is there ... FAILED (seed 1)\n  \
         at bad_schedules.pu:71:5: expected 0 == 1\n  \
         actors that panicked:\n  \
         | panic in actor Store handling First at bad_schedules.pu:49:46: index 0 out of bounds for length 0\n  \
         replay: purrc --test bad_schedules.pu --step-limit 10000 --filter 'the first item is there' --seed 1\n  \
         failed under 4 of 8 seeds: 1, 2, 7, 8\n\
         test a plain test ... ok\n\
         1 passed, 2 failed\n"
    );
    // Seeded runs keep a handler's panic in the report, not on stderr.
    assert_eq!(stderr(&out), "");
    // Under seed 0 all three pass.
    let out = in_sim_dir(&["--test", "bad_schedules.pu"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// Virtual time moves with work: the self-messaging actor gets its timer
/// after 5 ms of 1 µs steps; with a zero step cost (the old idle-only
/// clock) it never does, and the step limit reports it.
#[test]
fn a_busy_actor_gets_its_own_timer() {
    let out = in_sim_dir(&["--test", "busy_timer.pu", "--explore", "3"]);
    assert_eq!(stdout(&out), "test a self-messaging actor gets its own timer ... ok\n1 passed, 0 failed\n");
    let out = in_sim_dir(&["--test", "busy_timer.pu", "--step-cost-us", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("expected output \"stopped at 5 ms after 2500 spins\\n\""), "{}", stdout(&out));
    let out = in_sim_dir(&["--test", "busy_timer.pu", "--step-cost-us", "0", "--step-limit", "100000"]);
    assert_eq!(
        stdout(&out),
        "test a self-messaging actor gets its own timer ... FAILED\n  \
         did not finish: still running after 100000 steps under seed 0 (a schedule that never ends? --step-limit N sets the limit)\n\
         0 passed, 1 failed\n"
    );
}

/// Per sender→receiver FIFO holds under every seed.
#[test]
fn one_senders_messages_keep_their_order_under_every_seed() {
    let out = in_sim_dir(&["--test", "seeded_program.pu", "--explore", "300"]);
    assert_eq!(stdout(&out), "test one sender's messages arrive in order ... ok\n1 passed, 0 failed\n");
}

/// PURR_SEED in a `--scheduler det` program: 0 is FIFO, any seed gives the
/// same output on every run; a bad value is refused.
#[test]
fn purr_seed_orders_a_det_program() {
    let (_dir, exe) = build_in_sim_dir(&["--scheduler", "det"], "seeded_program.pu");
    let run = |seed: Option<&str>| {
        let mut cmd = std::process::Command::new(&exe);
        if let Some(s) = seed {
            cmd.env("PURR_SEED", s);
        }
        cmd.output().expect("runs")
    };
    let fifo = "a: 1\nb: 1\nc: 1\na: 2\nb: 2\nc: 2\n";
    assert_eq!(stdout(&run(None)), fifo);
    assert_eq!(stdout(&run(Some("0"))), fifo);
    assert_eq!(stdout(&run(Some("2"))), "b: 1\nb: 2\na: 1\nc: 1\nc: 2\na: 2\n");
    assert_eq!(stdout(&run(Some("2"))), stdout(&run(Some("2"))));
    let bad = run(Some("x"));
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad), "purr: PURR_SEED=x is not a whole number from 0 to 18446744073709551615\n");
}

/// `--bench --json` counts are a function of the program and the seed.
#[test]
fn bench_counts_are_identical_for_identical_seeds() {
    let counts = |seed: &str| {
        let out = in_sim_dir(&["--bench", "--json", "--seed", seed, "seeded_program.pu"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let keep = |f: &&str| !f.starts_with("\"time_ms\"") && !f.starts_with("\"msgs_per_sec\"");
        text.split(',').filter(keep).collect::<Vec<_>>().join(",")
    };
    let by_seed: Vec<String> = ["0", "1", "2", "3"].iter().map(|s| counts(s)).collect();
    for (i, seed) in ["0", "1", "2", "3"].iter().enumerate() {
        assert_eq!(counts(seed), by_seed[i], "seed {seed}");
    }
    assert!(by_seed[0].contains("\"message_count\":21,"), "{}", by_seed[0]);
    assert!(by_seed.iter().any(|c| c != &by_seed[0]), "seeds change this bench's schedule: {by_seed:?}");
}

/// Bad input on the command line: usage errors (status 2) that say what
/// is expected, before anything is built.
#[test]
fn bad_simulation_options_are_usage_errors() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--test", "busy_timer.pu", "--seed", "abc"],
            "error: invalid value 'abc' for '--seed <N>': a seed is a whole number from 0 to 18446744073709551615, as printed by --explore\n",
        ),
        (
            &["--test", "busy_timer.pu", "--seed", "-3"],
            "error: invalid value '-3' for '--seed <N>': a seed is a whole number from 0 to 18446744073709551615, as printed by --explore\n",
        ),
        (
            &["--test", "busy_timer.pu", "--explore", "0"],
            "error: invalid value '0' for '--explore <N>': --explore runs each test under N seeds; N must be at least 1\n",
        ),
        (
            &["--test", "busy_timer.pu", "--explore", "many"],
            "error: invalid value 'many' for '--explore <N>': expected how many seeds to run, a whole number from 1 to 4294967295\n",
        ),
        (&["--bench", "busy_timer.pu", "--explore", "3"], "purrc: --explore applies to `purrc --test` only\n"),
        (
            &["busy_timer.pu", "--seed", "3"],
            "purrc: --seed applies to `purrc --test` and `--bench`; a program built with --scheduler det reads PURR_SEED from its environment\n",
        ),
    ];
    for (args, want) in cases {
        let out = in_sim_dir(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let text = stderr(&out);
        assert!(text.starts_with(want), "{args:?}:\n{text}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

/// The runner refuses bad settings itself too (a runner built with -o is
/// run without purrc).
#[test]
fn a_runner_refuses_bad_simulation_options() {
    let (_dir, exe) = build_in_sim_dir(&["--test"], "busy_timer.pu");
    for (args, want) in [
        (["--seed", "1x"], "purr: --seed 1x: expected a whole number from 0 to 18446744073709551615\n"),
        (["--explore", "0"], "purr: --explore 0: expected a whole number from 1 to 4294967295\n"),
        (["--step-limit", "0"], "purr: --step-limit 0: expected a whole number from 1 to 9223372036854775807\n"),
    ] {
        let out = std::process::Command::new(&exe).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out), want);
        assert_eq!(stdout(&out), "");
    }
    // Without purrc the replay command names the runner itself.
    let out = std::process::Command::new(&exe).args(["--explore", "2", "--step-cost-us", "0", "--step-limit", "50"]).output().expect("runs");
    let text = stdout(&out);
    assert!(text.contains(&format!("  replay: {} --step-cost-us 0 --step-limit 50 --filter ", exe.display())), "{text}");
}

/// The simulated network: framing code that is right passes under every
/// seed (bytes in seeded pieces after seeded latency), a stalled port
/// holds its bytes until healed, a reset reaches both ends.
#[test]
fn the_simulated_network_passes_correct_framing_under_every_seed() {
    let out = in_sim_dir(&["--test", "net_faults.pu", "--explore", "100"]);
    assert_eq!(
        stdout(&out),
        "test lines come back whole however the stream is split ... ok\n\
         test a stalled port holds the bytes until it is healed ... ok\n\
         test a reset reaches both ends ... ok\n\
         test latency is virtual time ... ok\n\
         test a crashed server is started again on its port ... ok\n\
         5 passed, 0 failed\n",
        "{}",
        stderr(&out)
    );
}

/// Under PURR_SEED the bytes arrive in seeded pieces and the seeded
/// watermarks throttle the writer; seed 0 is today's network.
#[test]
fn seeded_reads_come_in_pieces_and_writers_are_throttled() {
    let (_dir, exe) = build_in_sim_dir(&["--scheduler", "det"], "net_split.pu");
    let run = |seed: &str| stdout(&std::process::Command::new(&exe).env("PURR_SEED", seed).output().expect("runs"));
    assert_eq!(run("0"), "writer throttled 0 times\nreceived 20000 bytes in 1 pieces (peer closed)\n");
    assert_eq!(run("3"), "writer throttled 1 times\nreceived 20000 bytes in 21 pieces (peer closed)\n");
    assert_eq!(run("3"), run("3"));
    let doc = std::fs::read_to_string(repo_root().join("docs/testing.md")).expect("docs/testing.md");
    assert!(doc.contains(&format!("$ PURR_SEED=3 ./split\n{}", run("3"))), "docs/testing.md shows this run");
}

/// docs/testing.md shows the worked example's real output.
#[test]
fn the_worked_example_in_the_docs_is_what_explore_prints() {
    let doc = std::fs::read_to_string(repo_root().join("docs/testing.md")).expect("docs/testing.md");
    let out = in_sim_dir(&["--test", "deploy_race.pu", "--explore", "20"]);
    let shown = format!("$ purrc --test deploy_race.pu --explore 20\n{}```", stdout(&out));
    assert!(doc.contains(&shown), "docs/testing.md should show:\n{shown}");
    let out = in_sim_dir(&["--test", "deploy_fixed.pu", "--explore", "200"]);
    assert!(doc.contains(&format!("$ purrc --test deploy_fixed.pu --explore 200\n{}```", stdout(&out))));
    let sources: Vec<String> = ["deploy_race.pu", "deploy_fixed.pu", "busy_timer.pu", "crash.pu"]
        .iter()
        .map(|f| std::fs::read_to_string(repo_root().join("tests/sim").join(f)).expect("readable"))
        .collect();
    for block in doc.split("```purr\n").skip(1).map(|b| b.split("```").next().unwrap_or("")) {
        assert!(sources.iter().any(|s| s.contains(block)), "docs/testing.md quotes tests/sim inexactly:\n{block}");
    }
}

/// file.Synced after a seeded latency: a writer that does not assume the
/// order of its Synced and its other messages passes under every seed, and
/// a sync still out when a test ends is answered at shutdown (no leak:
/// PURR_CHECK_HEAP is set).
#[test]
fn seeded_syncs_are_answered_late_and_at_shutdown() {
    let out = in_sim_dir(&["--test", "disk_sync.pu", "--explore", "50"]);
    assert_eq!(
        stdout(&out),
        "test every sync is answered, each up to what it covered ... ok\n\
         test a sync still out when the test ends is answered at shutdown ... ok\n\
         2 passed, 0 failed\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// sim.kill ends one actor as a crash: its monitors learn it ("killed"),
/// its queued messages are dropped, later sends too; under every seed.
#[test]
fn a_killed_actor_is_restarted_by_its_supervisor_under_every_seed() {
    let out = in_sim_dir(&["--test", "kill.pu", "--explore", "50"]);
    assert_eq!(
        stdout(&out),
        "test a killed worker is restarted by its supervisor ... ok\n1 passed, 0 failed\n",
        "{}",
        stderr(&out)
    );
}

/// Crashes of the whole program: a process crash keeps every appended
/// byte, a machine crash what was synced plus a seeded torn prefix; the
/// log starts again on what survived (no leak: PURR_CHECK_HEAP is set); an
/// actor spared by sim.spare lives through it with its mail.
#[test]
fn crashes_keep_what_survives_and_the_program_starts_again() {
    let out = in_sim_dir(&["--test", "crash.pu", "--explore", "30"]);
    assert_eq!(
        stdout(&out),
        "test a process crash keeps every appended byte ... ok\n\
         test a machine crash keeps what was synced and a torn prefix of the rest ... ok\n\
         test an actor spared by sim.spare lives through a crash with its mail ... ok\n\
         3 passed, 0 failed\n",
        "{}",
        stderr(&out)
    );
}

/// Runners built with tcc explore and replay the same way (the runtime has
/// no thread-local storage; the seeded streams do not depend on the C
/// compiler of the generated code).
#[test]
fn explore_with_tcc_finds_the_same_seeds() {
    if common::skip_without("tcc") {
        return;
    }
    let out = in_sim_dir(&["--test", "deploy_race.pu", "--explore", "20", "--cc", "tcc"]);
    let gcc = in_sim_dir(&["--test", "deploy_race.pu", "--explore", "20"]);
    assert_eq!(stdout(&out), stdout(&gcc), "{}", stderr(&out));
    let out = in_sim_dir(&["--test", "net_faults.pu", "--explore", "20", "--cc", "tcc"]);
    assert!(stdout(&out).ends_with("5 passed, 0 failed\n"), "{}{}", stdout(&out), stderr(&out));
}

/// sim.seed() in a program: PURR_SEED under --scheduler det, 0 on the event
/// loop.
#[test]
fn sim_seed_reads_the_seed_of_a_det_program() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("seed.pu");
    std::fs::write(&src, "use std.sim\nactor Main {\n    on start() { println(\"seed {sim.seed()}\") }\n}\n").expect("writable");
    let exe = dir.path().join("seed");
    for (sched, want) in [("det", "seed 5\n"), ("epoll", "seed 0\n")] {
        let out = purrc()
            .args(["--scheduler", sched, src.to_str().expect("utf-8"), "-o", exe.to_str().expect("utf-8")])
            .output()
            .expect("purrc runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let run = std::process::Command::new(&exe).env("PURR_SEED", "5").output().expect("runs");
        assert_eq!(stdout(&run), want, "{sched}");
    }
}
