//! Helpers shared by the integration tests: where things are, how to build
//! and run a Purr program, and a small parallel map over test cases.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Set for every compiled program the tests run: live heap at a program's
/// normal end makes it fail (docs/compiler.md, "Memory checks").
pub const CHECK_HEAP: (&str, &str) = ("PURR_CHECK_HEAP", "1");

/// purrc; the programs it runs (`--run`, `--test`, `--bench`) inherit
/// CHECK_HEAP.
pub fn purrc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_purrc"));
    // Keep the test runs' runtime cache inside the build directory.
    cmd.env("PURR_CACHE_DIR", repo_root().join("target").join("purr-cache"));
    cmd.env(CHECK_HEAP.0, CHECK_HEAP.1);
    cmd
}

/// purrc options that build with tcc instead of the default C compiler.
pub const TCC: &[&str] = &["--cc", "tcc"];

/// Whether a test needing the optional `tool` (valgrind, tcc) must skip:
/// when the tool is not installed it prints `skipped: TOOL not installed`
/// and returns true, so the test returns and passes. Under CI (`CI` set)
/// a missing tool fails the test instead, so CI never skips silently;
/// `.ci/run` installs the tools.
pub fn skip_without(tool: &str) -> bool {
    // Only whether it starts matters: not every tool knows --version.
    if Command::new(tool).arg("--version").output().is_ok() {
        return false;
    }
    assert!(std::env::var_os("CI").is_none(), "{tool} not installed, and CI is set (`.ci/run` installs it)");
    eprintln!("skipped: {tool} not installed");
    true
}

/// The `.pu` files of a directory (relative to the repository), sorted.
pub fn programs_in(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pu"))
        .collect();
    files.sort();
    files
}

/// Builds `source` into `out_dir` at -O0 (fast C compiles) and returns the
/// executable, or the compiler's stderr.
pub fn build(source: &Path, out_dir: &Path, extra: &[&str]) -> Result<PathBuf, String> {
    let exe = out_dir.join(source.file_stem().expect("file name"));
    let out = purrc()
        .arg(source)
        .arg("-O0")
        .arg("-o")
        .arg(&exe)
        .args(extra)
        .output()
        .expect("purrc runs");
    if out.status.success() {
        Ok(exe)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

pub fn run(exe: &Path, cwd: &Path) -> Output {
    Command::new(exe).current_dir(cwd).env(CHECK_HEAP.0, CHECK_HEAP.1).output().expect("program runs")
}

/// Runs `f` over `items` on a few threads; returns the failure messages.
pub fn parallel<T: Sync>(items: &[T], f: impl Fn(&T) -> Result<(), String> + Sync) -> Vec<String> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(vec![]);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                if let Err(e) = f(item) {
                    failures.lock().expect("no poisoned lock").push(e);
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("no poisoned lock");
    failures.sort();
    failures
}

/// Fails the test with every failure listed.
pub fn report(what: &str, total: usize, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} of {total} {what} failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Compiles generated C to an object file as C11 with `-O2 -Wall -Wextra
/// -Werror` (not `-fsyntax-only`: several warnings, such as
/// `-Wmaybe-uninitialized`, come only from the optimiser's passes); the
/// compiler's complaints when it fails.
pub fn compile_warning_free(c_text: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let c = dir.path().join("prog.c");
    std::fs::write(&c, c_text).map_err(|e| e.to_string())?;
    let cc = Command::new("cc")
        .args(["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-c", "-I"])
        .arg(repo_root().join("runtime-c").join("include"))
        .arg(&c)
        .arg("-o")
        .arg(dir.path().join("prog.o"))
        .output()
        .expect("cc runs");
    if cc.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&cc.stderr).into_owned())
    }
}
