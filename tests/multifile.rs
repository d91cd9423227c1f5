//! Programs of many files (docs/language.md §1), C interop (§9) and the command
//! line's handling of bad input (§10).

mod common;

use common::{parallel, purrc, repo_root, report, run};
use std::path::{Path, PathBuf};

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/multifile"))
        .expect("tests/multifile exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn build_and_compare(name: &str, inputs: &[PathBuf], expected: &Path, extra: &[&str]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = dir.path().join("prog");
    let out = purrc().args(inputs).args(["-O0", "-o"]).arg(&exe).args(extra).output().expect("purrc runs");
    if !out.status.success() {
        return Err(format!("{name}: build failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    let ran = run(&exe, dir.path());
    let expected = std::fs::read_to_string(expected).map_err(|e| format!("{name}: {e}"))?;
    let stdout = String::from_utf8_lossy(&ran.stdout);
    if ran.status.success() && stdout == expected {
        Ok(())
    } else {
        Err(format!("{name}: exit {:?}\n--- expected\n{expected}--- actual\n{stdout}", ran.status.code()))
    }
}

/// Each case builds both as a directory (`purrc dir/`) and as a list of files.
#[test]
fn multi_file_programs() {
    let dirs = case_dirs();
    assert!(dirs.len() >= 3);
    let failures = parallel(&dirs, |dir| {
        let name = dir.file_name().expect("name").to_string_lossy().into_owned();
        let expected = dir.join("expected.out");
        build_and_compare(&format!("{name} (directory)"), &[dir.clone()], &expected, &[])?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "pu"))
            .collect();
        files.sort();
        files.reverse(); // file order does not matter
        build_and_compare(&format!("{name} (files)"), &files, &expected, &[])
    });
    report("multi-file programs", dirs.len(), failures);
}

#[test]
fn c_interop_with_libc_and_own_c_file() {
    let ffi = repo_root().join("tests/ffi");
    let helper = ffi.join("helper.c");
    build_and_compare(
        "ffi",
        &[ffi.join("ffi.pu")],
        &ffi.join("ffi.out"),
        &["--c-source", helper.to_str().expect("UTF-8 path"), "-l", "m"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn standard_library_programs() {
    let files = common::programs_in("tests/stdlib");
    assert!(!files.is_empty(), "no stdlib tests");
    let failures = parallel(&files, |f| {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        build_and_compare(&name, &[f.clone()], &f.with_extension("out"), &[])
    });
    report("stdlib programs", files.len(), failures);
}

/// purrc's own status and message for inputs it cannot use.
fn purrc_fails(args: &[&str], status: i32, message: &str) {
    let out = purrc().args(args).output().expect("purrc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(status), "purrc {args:?}: {stderr}");
    assert!(stderr.contains(message), "purrc {args:?}: expected {message:?} in:\n{stderr}");
    assert!(!stderr.contains("panicked"), "purrc {args:?} panicked:\n{stderr}");
}

#[test]
fn bad_inputs_are_reported_with_their_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.pu");
    purrc_fails(&[missing.to_str().unwrap()], 2, "missing.pu");
    let empty = dir.path().join("empty_dir");
    std::fs::create_dir(&empty).unwrap();
    purrc_fails(&[empty.to_str().unwrap()], 2, "contains no .pu files");
    let binary = dir.path().join("latin1.pu");
    std::fs::write(&binary, b"fn main() { println(\"caf\xe9\") }\n").unwrap();
    purrc_fails(&[binary.to_str().unwrap()], 2, "latin1.pu is not valid UTF-8");
    purrc_fails(&["--emit", "nonsense", binary.to_str().unwrap()], 2, "invalid value");
}

/// `-I DIR` (docs/language.md §1): the namespaces a program uses and does
/// not declare come from the library directory's files that declare them,
/// transitively, and from no other file of it: not its tests, not its own
/// `main`, not a broken file of a namespace nobody uses. The first
/// directory that declares a namespace supplies it.
#[test]
fn library_directories_supply_the_namespaces_a_program_uses() {
    let libdirs = repo_root().join("tests/libdirs");
    let app = libdirs.join("app");
    let (geo, other) = (libdirs.join("geo"), libdirs.join("other"));
    let outs = tempfile::tempdir().expect("temp dir");
    let expected = |name: &str, text: &str| -> PathBuf {
        let path = outs.path().join(format!("{name}.out"));
        std::fs::write(&path, text).expect("temp file");
        path
    };
    let geo_flag = ["-I", geo.to_str().expect("UTF-8 path")];
    build_and_compare("libdirs", std::slice::from_ref(&app), &expected("geo", "area! 9\nshapes from geo, two files\n"), &geo_flag)
        .unwrap_or_else(|e| panic!("{e}"));
    build_and_compare(
        "libdirs (other first)",
        std::slice::from_ref(&app),
        &expected("other", "area! 90\nshapes from other, with units\n"),
        &["-I", other.to_str().expect("UTF-8 path"), "-I", geo.to_str().expect("UTF-8 path")],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let tests = purrc().arg("--test").arg("-O0").arg(&app).args(geo_flag).output().expect("purrc runs");
    assert_eq!(
        String::from_utf8_lossy(&tests.stdout),
        "test the application's own test ... ok\n1 passed, 0 failed\n",
        "{}",
        String::from_utf8_lossy(&tests.stderr)
    );
    purrc_fails(&[app.to_str().unwrap()], 1, "no file declares namespace `geo.shapes`");
    purrc_fails(&[app.to_str().unwrap(), "-I", "no/such/dir"], 2, "cannot read library directory no/such/dir");
}
