//! The programs shipped beside the compiler keep working: every example
//! prints exactly what it should, and every benchmark in tools/bench builds
//! and does its work correctly, so a broken benchmark shows up here rather
//! than when someone sits down to measure.

mod common;

use common::{build, parallel, programs_in, purrc, report};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn name_of(path: &Path) -> String {
    path.file_name().expect("file name").to_string_lossy().into_owned()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Fails unless `out` is a successful run that printed exactly `expected`.
fn expect_stdout(what: &str, out: &Output, expected: &str) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && stdout == expected {
        Ok(())
    } else {
        Err(format!(
            "{what}: {}\n--- expected\n{expected}--- actual\n{stdout}--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// examples/NAME.pu, given the words of examples/NAME.args (if there is
/// one) as arguments, prints exactly examples/NAME.out.
#[test]
fn examples_print_their_expected_output() {
    let files = programs_in("examples");
    let failures = parallel(&files, |source| {
        let name = name_of(source);
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let exe = build(source, dir.path(), &[]).map_err(|e| format!("{name}: build failed:\n{e}"))?;
        let args_file = source.with_extension("args");
        let args = if args_file.exists() { read(&args_file)? } else { String::new() };
        let out = Command::new(&exe).args(args.split_whitespace()).current_dir(dir.path()).output().expect("example runs");
        expect_stdout(&name, &out, &read(&source.with_extension("out"))?)
    });
    report("examples", files.len(), failures);
}

/// The names of the benches a source declares, in order.
fn bench_names(text: &str) -> Vec<&str> {
    text.lines().filter_map(|l| l.strip_prefix("bench \"")?.split('"').next()).collect()
}

/// Programs (tools/bench/NAME.pu without benches) and their hand-written C
/// twins (NAME.c) print the same, as tools/bench_codegen.py requires before
/// it times them. Both are built at -O2 like the script builds them and run
/// at full size: each runs in under a second.
#[test]
fn bench_programs_print_what_their_c_twins_print() {
    let programs: Vec<PathBuf> =
        programs_in("tools/bench").into_iter().filter(|p| bench_names(&read(p).expect("readable")).is_empty()).collect();
    assert!(!programs.is_empty(), "no benchmark programs in tools/bench");
    let failures = parallel(&programs, |source| {
        let name = name_of(source);
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let (purr_exe, c_exe) = (dir.path().join("purr"), dir.path().join("c"));
        let built = purrc().arg("-O2").arg(source).arg("-o").arg(&purr_exe).output().expect("purrc runs");
        if !built.status.success() {
            return Err(format!("{name}: build failed:\n{}", String::from_utf8_lossy(&built.stderr)));
        }
        let twin = source.with_extension("c");
        let built = Command::new("cc").arg("-O2").arg(&twin).arg("-o").arg(&c_exe).output().expect("cc runs");
        if !built.status.success() {
            return Err(format!("{}: cc failed:\n{}", twin.display(), String::from_utf8_lossy(&built.stderr)));
        }
        let c_out = Command::new(&c_exe).output().expect("the C twin runs");
        if !c_out.status.success() {
            return Err(format!("{}: exited with {}", twin.display(), c_out.status));
        }
        let purr_out = Command::new(&purr_exe).output().expect("the program runs");
        expect_stdout(&format!("{name} against {}", name_of(&twin)), &purr_out, &String::from_utf8_lossy(&c_out.stdout))
    });
    report("benchmark programs", programs.len(), failures);
}

/// The bench with smaller sizes: each `const NAME: i64 = V` with V above
/// 10,000 becomes V / 1,000, so 50M round trips become 50k, while shapes
/// such as 60 workers or a ring of 503 actors stay as they are.
fn with_small_sizes(text: &str) -> String {
    text.lines()
        .map(|line| {
            let size = line
                .strip_prefix("const ")
                .and_then(|rest| rest.split_once(": i64 = "))
                .and_then(|(name, value)| Some((name, value.replace('_', "").parse::<i64>().ok()?)));
            match size {
                Some((name, v)) if v > 10_000 => format!("const {name}: i64 = {}\n", v / 1_000),
                _ => format!("{line}\n"),
            }
        })
        .collect()
}

/// Every bench of tools/bench runs under `purrc --bench` and passes its own
/// checks (each ends by asserting what its actors computed). At full size
/// they take seconds each and the counting bench queues 10M messages
/// (300 MB), so they run with their sizes cut (`with_small_sizes`) at -O0:
/// the same code, a thousandth of the messages. bench_actors.py runs them
/// at full size.
#[test]
fn benches_run_and_pass_their_checks() {
    let benches: Vec<(PathBuf, String)> = programs_in("tools/bench")
        .into_iter()
        .map(|p| {
            let text = read(&p).expect("readable");
            (p, text)
        })
        .filter(|(_, text)| !bench_names(text).is_empty())
        .collect();
    assert!(!benches.is_empty(), "no benches in tools/bench");
    let failures = parallel(&benches, |(source, text)| {
        let name = name_of(source);
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let small = dir.path().join(&name);
        std::fs::write(&small, with_small_sizes(text)).map_err(|e| e.to_string())?;
        let out = purrc().args(["--bench", "--json", "-O0"]).arg(&small).output().expect("purrc runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let reported: Vec<&str> =
            stdout.lines().filter_map(|l| l.strip_prefix("{\"name\":\"")?.split('"').next()).collect();
        if out.status.success() && reported == bench_names(text) {
            Ok(())
        } else {
            Err(format!(
                "{name} (sizes cut): {}, benches reported {reported:?}, declared {:?}\n{stdout}{}",
                out.status,
                bench_names(text),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    report("bench files", benches.len(), failures);
}

/// tools/bench/io/file_sync.pu, the Purr variant of tools/bench_file.py,
/// does what the script counts on: given 0 seconds, each of its 50 writers
/// makes one record durable, so the file holds exactly the 50 records it
/// reports, in at most 50 fdatasyncs.
#[test]
fn durable_append_bench_counts_what_it_wrote() {
    let source = common::repo_root().join("tools/bench/io/file_sync.pu");
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = build(&source, dir.path(), &[]).unwrap_or_else(|e| panic!("file_sync.pu: build failed:\n{e}"));
    let log = dir.path().join("records.log");
    let out = Command::new(&exe).arg(&log).arg("0").output().expect("file_sync runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "file_sync: {}\n{stdout}{}", out.status, String::from_utf8_lossy(&out.stderr));
    let field = |key: &str| -> i64 {
        let value = stdout.split_whitespace().find_map(|w| w.strip_prefix(key)?.strip_prefix('='));
        value.and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {key}= in {stdout:?}"))
    };
    assert!(stdout.starts_with("purr records_per_sec="), "{stdout:?}");
    assert_eq!(field("records"), 50, "{stdout:?}");
    assert!((1..=50).contains(&field("fdatasyncs")), "{stdout:?}");
    assert_eq!(std::fs::metadata(&log).expect("the log exists").len(), 50 * 64);
}
