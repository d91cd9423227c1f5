//! Memory: programs run under valgrind's memcheck with no invalid reads or
//! writes and, where the process ends normally, zero bytes definitely or
//! indirectly lost — every gate, language, standard library and
//! container-heavy program, the `purrc --test` runners of the actor
//! programs, the fault programs, the multi-file and C interop programs.
//! Message nodes come from the runtime's slabs and free lists, which it
//! describes to memcheck (docs/compiler.md, "Memory checks"); a probe checks
//! that memcheck does see them.

mod common;

use common::{build, parallel, programs_in, repo_root, report, skip_without, CHECK_HEAP};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether memcheck's leak check counts as errors.
#[derive(Clone, Copy, PartialEq)]
enum Leaks {
    Checked,
    Ignored,
}

/// Runs `exe ARGS` in `cwd` under memcheck, with PURR_CHECK_HEAP set as for
/// every test program. Any error memcheck reports makes the status 99.
fn memcheck(exe: &Path, args: &[&str], cwd: &Path, leaks: Leaks) -> Output {
    let mut cmd = Command::new("valgrind");
    cmd.args(["-q", "--error-exitcode=99"]);
    match leaks {
        Leaks::Checked => cmd.args(["--leak-check=full", "--errors-for-leak-kinds=definite,indirect"]),
        Leaks::Ignored => cmd.arg("--leak-check=no"),
    };
    cmd.arg(exe).args(args).current_dir(cwd).env(CHECK_HEAP.0, CHECK_HEAP.1).output().expect("valgrind runs")
}

/// A program to build and run under memcheck.
struct Case {
    /// A `.pu` file or a directory of them.
    source: PathBuf,
    /// purrc options besides `-O0 -o OUT`.
    options: Vec<String>,
    /// The program's arguments.
    args: Vec<&'static str>,
    leaks: Leaks,
    status: i32,
    /// The file that stdout must match, when there is one.
    expected: Option<PathBuf>,
}

impl Case {
    /// A program that ends normally (status 0, leaks checked).
    fn new(source: PathBuf, expected: Option<PathBuf>) -> Case {
        Case { source, options: vec![], args: vec![], leaks: Leaks::Checked, status: 0, expected }
    }

    /// The program's `purrc --test` runner.
    fn test_runner(source: PathBuf, expected: Option<PathBuf>) -> Case {
        Case { options: vec!["--test".into()], ..Case::new(source, expected) }
    }
}

fn check(case: &Case) -> Result<(), String> {
    let options: Vec<&str> = case.options.iter().map(String::as_str).collect();
    let name = format!("{} {}", case.source.display(), options.join(" "));
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = build(&case.source, dir.path(), &options).map_err(|e| format!("{name}: build failed:\n{e}"))?;
    let out = memcheck(&exe, &case.args, dir.path(), case.leaks);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = match &case.expected {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| format!("{name}: {}: {e}", path.display()))?),
        None => None,
    };
    if out.status.code() == Some(case.status) && expected.as_ref().is_none_or(|e| *e == stdout) {
        return Ok(());
    }
    Err(format!(
        "{name} {:?}: exit {:?} (expected {})\n--- stdout\n{stdout}--- expected\n{}\n--- stderr\n{}",
        case.args,
        out.status.code(),
        case.status,
        expected.unwrap_or_default(),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn check_all(what: &str, cases: &[Case]) {
    assert!(!cases.is_empty(), "no {what}");
    report(what, cases.len(), parallel(cases, check));
}

#[test]
fn programs_are_leak_free_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    let cases: Vec<Case> = ["gates/gate1a", "gates/gate1b", "gates/gate2", "tests/valgrind", "tests/programs", "tests/stdlib"]
        .iter()
        .flat_map(|d| programs_in(d))
        .map(|f| {
            let expected = f.with_extension("out");
            Case::new(f, Some(expected))
        })
        .collect();
    check_all("programs", &cases);
}

/// The `purrc --test` runners of the actor programs, failing and panicking
/// tests included: a test that fails releases what its frames owned.
#[test]
fn test_runners_are_leak_free_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    let mut cases: Vec<Case> = programs_in("gates/gate2")
        .into_iter()
        .map(|f| {
            let expected = f.with_extension("test.out");
            Case::test_runner(f, Some(expected))
        })
        .collect();
    // Their output is checked by actors.rs.
    let actors = repo_root().join("tests/actors");
    cases.push(Case::test_runner(actors.join("scheduler_order.pu"), None));
    cases.push(Case { args: vec!["--filter", "adds"], ..Case::test_runner(actors.join("mixed_results.pu"), None) });
    cases.push(Case { status: 1, ..Case::test_runner(actors.join("mixed_results.pu"), None) });
    cases.push(Case { status: 1, ..Case::test_runner(actors.join("panicking_tests.pu"), None) });
    cases.push(Case::test_runner(actors.join("net_mem.pu"), None));
    check_all("test runners", &cases);
}

/// A fault outside an actor ends the process from inside the frames that
/// own values (exit(101) in the middle of the program), so what is still
/// allocated then is not a leak of the program's: only invalid reads and
/// writes are errors here.
#[test]
fn fault_programs_have_no_invalid_accesses_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    let cases: Vec<Case> = programs_in("tests/faults")
        .into_iter()
        .map(|f| {
            let expected = f.with_extension("out");
            Case { leaks: Leaks::Ignored, status: 101, ..Case::new(f, Some(expected)) }
        })
        .collect();
    check_all("fault programs", &cases);
}

#[test]
fn multi_file_and_c_interop_programs_are_leak_free_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    let mut cases: Vec<Case> = std::fs::read_dir(repo_root().join("tests/multifile"))
        .expect("tests/multifile exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|dir| {
            let expected = dir.join("expected.out");
            Case::new(dir, Some(expected))
        })
        .collect();
    let ffi = repo_root().join("tests/ffi");
    let helper = ffi.join("helper.c").to_string_lossy().into_owned();
    cases.push(Case {
        options: vec!["--c-source".into(), helper, "-l".into(), "m".into()],
        ..Case::new(ffi.join("ffi.pu"), Some(ffi.join("ffi.out")))
    });
    check_all("multi-file and C interop programs", &cases);
}

/// tests/valgrind/message_node: a C helper takes a message node from the
/// runtime's pool and frees it, frees it and then reads it, or loses it;
/// or it loses a block of the small-block pool (rc.c).
/// Memcheck must report the read and the loss (and PURR_CHECK_HEAP the lost
/// bytes), which it could not while nodes were hidden in slabs. This needs
/// a runtime built with <valgrind/memcheck.h>, which the valgrind package
/// installs along with valgrind.
#[test]
fn valgrind_sees_message_nodes() {
    if skip_without("valgrind") {
        return;
    }
    let probe = repo_root().join("tests/valgrind/message_node");
    let dir = tempfile::tempdir().expect("temp dir");
    let helper = probe.join("probe.c");
    let exe = build(&probe.join("probe.pu"), dir.path(), &["--c-source", helper.to_str().expect("UTF-8 path")]).expect("probe builds");
    let run = |what: &str| {
        let out = memcheck(&exe, &[what], dir.path(), Leaks::Checked);
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (status, stderr) = run("released");
    assert_eq!(status, Some(0), "a released node is no error:\n{stderr}");
    let (status, stderr) = run("read_after_free");
    assert_eq!(status, Some(99), "{stderr}");
    assert!(stderr.contains("Invalid read of size 4") && stderr.contains("probe.c:"), "reading a freed node is an invalid read:\n{stderr}");
    let (status, stderr) = run("lost");
    assert_eq!(status, Some(99), "{stderr}");
    assert!(stderr.contains("purr: 32 bytes of heap still live at exit"), "PURR_CHECK_HEAP counts the node:\n{stderr}");
    assert!(stderr.contains("32 bytes in 1 blocks are definitely lost"), "a lost node is definitely lost:\n{stderr}");
    // The small-block pool steps aside under valgrind: a lost block is seen.
    let (status, stderr) = run("small_lost");
    assert_eq!(status, Some(99), "{stderr}");
    assert!(stderr.contains("40 bytes in 1 blocks are definitely lost"), "a lost small block is definitely lost:\n{stderr}");
}
