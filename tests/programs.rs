//! Compile-and-run tests: every program under tests/programs and gates/
//! must build, exit 0 and print exactly its `.out` file; every program under
//! tests/faults must exit 101 with exactly its `.stderr` (and `.out`).

mod common;

use common::{build, parallel, programs_in, report, run, TCC};
use std::path::{Path, PathBuf};

fn expect_output(source: &Path, extra: &[&str]) -> Result<(), String> {
    let name = source.display();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = build(source, dir.path(), extra).map_err(|e| format!("{name}: build failed:\n{e}"))?;
    let out = run(&exe, dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = std::fs::read_to_string(source.with_extension("out"))
        .map_err(|e| format!("{name}: missing .out file: {e}"))?;
    if !out.status.success() {
        return Err(format!("{name}: exit {:?}, stderr:\n{}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
    }
    if stdout != expected {
        return Err(format!("{name}: stdout differs\n--- expected\n{expected}--- actual\n{stdout}"));
    }
    Ok(())
}

fn check_all(dirs: &[&str], extra: &[&str]) {
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| programs_in(d)).collect();
    assert!(!files.is_empty(), "no programs found in {dirs:?}");
    report("programs", files.len(), parallel(&files, |f| expect_output(f, extra)));
}

#[test]
fn language_programs() {
    check_all(&["tests/programs"], &[]);
}

#[test]
fn gate1a_scalar_programs() {
    check_all(&["gates/gate1a"], &[]);
}

#[test]
fn gate1b_adt_programs() {
    check_all(&["gates/gate1b"], &[]);
}

/// A runtime fault exits 101 and prints `panic at FILE:LINE:COL: MESSAGE`
/// after flushing what the program printed before.
fn expect_fault(source: &Path) -> Result<(), String> {
    let name = source.display();
    let dir = source.parent().expect("fault programs live in a directory");
    let out_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // Build with the bare file name so the message names it as the user wrote it.
    let exe = out_dir.path().join("prog");
    let built = common::purrc()
        .current_dir(dir)
        .arg(source.file_name().expect("file name"))
        .args(["-O0", "-o"])
        .arg(&exe)
        .output()
        .expect("purrc runs");
    if !built.status.success() {
        return Err(format!("{name}: build failed:\n{}", String::from_utf8_lossy(&built.stderr)));
    }
    let out = run(&exe, dir);
    let expected_err = std::fs::read_to_string(source.with_extension("stderr")).map_err(|e| format!("{name}: {e}"))?;
    let expected_out = std::fs::read_to_string(source.with_extension("out")).unwrap_or_default();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if out.status.code() != Some(101) || stderr != expected_err || stdout != expected_out {
        return Err(format!(
            "{name}: exit {:?}\n--- expected stderr\n{expected_err}--- actual stderr\n{stderr}--- expected stdout\n{expected_out}--- actual stdout\n{stdout}",
            out.status.code()
        ));
    }
    Ok(())
}

#[test]
fn runtime_faults() {
    let files = programs_in("tests/faults");
    assert!(!files.is_empty(), "no fault programs");
    report("fault programs", files.len(), parallel(&files, |f| expect_fault(f)));
}

/// Standard input is read as the file `/dev/stdin` (docs/stdlib.md,
/// std.fs): each program under tests/stdin gets its `.in` file on stdin.
#[test]
fn programs_reading_stdin() {
    let files = programs_in("tests/stdin");
    report("stdin programs", files.len(), parallel(&files, |f| {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let exe = build(f, dir.path(), &[])?;
        let input = std::fs::File::open(f.with_extension("in")).map_err(|e| e.to_string())?;
        let out = std::process::Command::new(&exe).stdin(input).output().map_err(|e| e.to_string())?;
        let expected = std::fs::read_to_string(f.with_extension("out")).map_err(|e| e.to_string())?;
        if out.status.success() && String::from_utf8_lossy(&out.stdout) == expected {
            Ok(())
        } else {
            Err(format!("{}: exit {:?}, stdout {:?}", f.display(), out.status.code(), String::from_utf8_lossy(&out.stdout)))
        }
    }));
}

/// `--cc tcc` (the fast edit–test C compiler) builds programs that behave
/// the same as with gcc: the scalar and ADT gates and the standard library
/// programs (the actor programs below and in actors.rs).
#[test]
fn gates_and_stdlib_build_and_run_with_tcc() {
    if common::skip_without("tcc") {
        return;
    }
    check_all(&["gates/gate1a", "gates/gate1b", "tests/stdlib"], TCC);
}

/// A program with more functions than one piece of parallel code generation
/// holds: types, literals, fault locations and sort adapters used in several
/// pieces must be declared once and work everywhere. Built with tcc, which
/// compiles its 5000 functions in a fraction of gcc's time.
#[test]
fn large_program_generated_in_pieces() {
    if common::skip_without("tcc") {
        return;
    }
    let mut src = String::from("struct Rec { name: string, n: i64 }\n");
    let count = 5000;
    for i in 0..count {
        src.push_str(&format!(
            "fn f{i}(x: i64) option<string> {{\n    var xs = [Rec {{ name: \"r{i}\", n: x }}, Rec {{ name: \"s{i}\", n: x - 1 }}]\n    list_sort_by(xs, (a: Rec, b: Rec): bool => a.n < b.n)\n    if x < 0 {{ return none }}\n    return some(xs[0].name + \"/\" + str(100 / (x + 1)))\n}}\n"
        ));
    }
    src.push_str("fn main() {\n");
    for i in [0, 2047, 2048, 4095, 4999] {
        src.push_str(&format!("    match f{i}({i}) {{\n        some(s) => println(s),\n        none => println(\"none\"),\n    }}\n"));
    }
    src.push_str("    match f7(-1) {\n        some(s) => println(s),\n        none => println(\"none\"),\n    }\n}\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("large.pu");
    std::fs::write(&path, src).expect("write program");
    let exe = build(&path, dir.path(), TCC).expect("builds");
    let out = run(&exe, dir.path());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "s0/100\ns2047/0\ns2048/0\ns4095/0\ns4999/0\nnone\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The actor gate: each program runs (stdout = `.out`, stderr = `.err` if
/// present, from inside its directory so file names read as written), and
/// `purrc --test` on it prints exactly `.test.out`.
fn check_gate2(extra: &[&str]) {
    let files = programs_in("gates/gate2");
    assert!(files.len() >= 5, "gate2 has five programs");
    let failures = parallel(&files, |f| {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let dir = f.parent().expect("in a directory");
        let out = common::purrc().current_dir(dir).args(["--run", "-O0", &name]).args(extra).output().expect("purrc runs");
        let expected = std::fs::read_to_string(f.with_extension("out")).map_err(|e| format!("{name}: {e}"))?;
        let expected_err = std::fs::read_to_string(f.with_extension("err")).unwrap_or_default();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        if !out.status.success() || stdout != expected || stderr != expected_err {
            return Err(format!("{name}: exit {:?}\n--- stdout\n{stdout}--- expected\n{expected}--- stderr\n{stderr}--- expected\n{expected_err}", out.status.code()));
        }
        let tests = common::purrc().current_dir(dir).args(["--test", "-O0", &name]).args(extra).output().expect("purrc runs");
        let expected = std::fs::read_to_string(dir.join(format!("{}.test.out", f.file_stem().unwrap().to_string_lossy())))
            .map_err(|e| format!("{name}: {e}"))?;
        let stdout = String::from_utf8_lossy(&tests.stdout);
        if !tests.status.success() || stdout != expected {
            return Err(format!("{name} --test: exit {:?}\n--- stdout\n{stdout}--- expected\n{expected}--- stderr\n{}", tests.status.code(), String::from_utf8_lossy(&tests.stderr)));
        }
        Ok(())
    });
    report("gate2 programs", files.len(), failures);
}

#[test]
fn gate2_actor_programs_and_their_tests() {
    check_gate2(&[]);
}

#[test]
fn gate2_actor_programs_and_their_tests_with_tcc() {
    if common::skip_without("tcc") {
        return;
    }
    check_gate2(TCC);
}
