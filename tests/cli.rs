//! The command line around the diagnostics (docs/compiler.md): how much a
//! run prints for hopeless input.

mod common;

use common::purrc;
use std::path::Path;

/// purrc's exit status and stderr for `args`.
fn purrc_stderr(args: &[&str], cwd: &Path) -> (Option<i32>, String) {
    let out = purrc().current_dir(cwd).args(args).output().expect("purrc runs");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// 15 KB of non-ASCII text, one error per character: the report stays
/// small because errors are capped and each quoted line is cut.
#[test]
fn garbage_input_prints_a_bounded_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let alphabet: Vec<char> = "éàü漢字🐱ßøπ".chars().collect();
    let one_line: String = (0..5000).map(|i| alphabet[i * 7 % alphabet.len()]).collect();
    let many_lines: String = (0..150).map(|l| format!("{}\n", one_line.chars().skip(l).take(40).collect::<String>())).collect();
    for (name, text) in [("one_line.pu", &one_line), ("many_lines.pu", &many_lines)] {
        assert!(text.len() >= 5000, "{name} is {} bytes", text.len());
        std::fs::write(dir.path().join(name), text).expect("writable");
        let (status, stderr) = purrc_stderr(&["--color", "never", "--emit", "c", name], dir.path());
        assert_eq!(status, Some(1), "{name}:\n{stderr}");
        assert!(stderr.len() < 40_000, "{name}: {} bytes of diagnostics", stderr.len());
        assert_eq!(stderr.matches("error[").count(), 50, "{name}: at most 50 errors are shown");
        assert!(stderr.contains(" more errors\n"), "{name}:\n{stderr}");
        assert!(stderr.lines().all(|l| l.chars().count() < 300), "{name}: a line is too long:\n{stderr}");
    }
}

/// An error in the middle of a very long line quotes a window around it,
/// with the true column and the underline under the right text.
#[test]
fn a_long_line_is_cut_around_the_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let terms = vec!["1"; 400].join(" + ");
    std::fs::write(dir.path().join("long.pu"), format!("fn main() {{\n    let x: i64 = {terms} + missing + {terms}\n}}\n"))
        .expect("writable");
    let (status, stderr) = purrc_stderr(&["--color", "never", "--emit", "c", "long.pu"], dir.path());
    assert_eq!(status, Some(1), "{stderr}");
    let col = 4 + "let x: i64 = ".len() + terms.len() + " + ".len() + 1;
    assert!(stderr.contains(&format!("long.pu:2:{col}")), "{stderr}");
    assert!(stderr.lines().all(|l| l.chars().count() < 300), "a line is too long:\n{stderr}");
    let quoted = stderr.lines().find(|l| l.contains("+ missing +")).expect("the line is quoted");
    let underline = stderr.lines().skip_while(|l| !l.contains("+ missing +")).nth(1).expect("an underline");
    let at = |l: &str, pat: &str| l.find(pat).map(|b| l[..b].chars().count());
    assert_eq!(at(quoted, "missing"), at(underline, "^"), "{stderr}");
}

/// A program whose `main` prints a sum of `terms` ones in one statement.
fn sum_program(terms: usize) -> String {
    format!("fn main() {{\n    let x: i64 = {}\n    println(str(x))\n}}\n", vec!["1"; terms].join(" + "))
}

/// Long flat expressions are not "nested": the whole pipeline, C compiler
/// included, takes a statement up to the operator limit (docs/language.md §12).
#[test]
fn long_sums_compile_up_to_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    // `main(` counts as one operator of every statement in its body.
    let longest = purrc::lexer::MAX_EXPR_OPERATORS as usize;
    for terms in [1_100, longest] {
        std::fs::write(dir.path().join("sum.pu"), sum_program(terms)).expect("writable");
        let out = purrc().current_dir(dir.path()).args(["-O0", "sum.pu", "-o", "sum"]).output().expect("purrc runs");
        assert!(out.status.success(), "{terms} terms:\n{}", String::from_utf8_lossy(&out.stderr));
        let ran = std::process::Command::new(dir.path().join("sum")).output().expect("the program runs");
        assert_eq!(String::from_utf8_lossy(&ran.stdout), format!("{terms}\n"));
    }
    std::fs::write(dir.path().join("sum.pu"), sum_program(longest + 1)).expect("writable");
    let (status, stderr) = purrc_stderr(&["--color", "never", "--emit", "c", "sum.pu"], dir.path());
    assert_eq!(status, Some(1), "{stderr}");
    assert!(stderr.contains("error[expression-too-long]"), "{stderr}");
}

/// Output paths that cannot be written are usage errors naming the path,
/// found before the C compiler would fail on them.
#[test]
fn unwritable_output_paths_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("prog")).expect("creatable");
    std::fs::write(dir.path().join("prog/main.pu"), "fn main() {}\n").expect("writable");
    // `purrc prog/` names the executable `prog`: the input directory itself.
    let (status, stderr) = purrc_stderr(&["prog/"], dir.path());
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("cannot write the executable to prog: it is a directory"), "{stderr}");
    assert!(stderr.contains("-o NAME"), "{stderr}");
    let (status, stderr) = purrc_stderr(&["prog/", "-o", "missing/dir/prog"], dir.path());
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("directory missing/dir does not exist"), "{stderr}");
    assert!(!stderr.contains("purrc bug"), "{stderr}");
}

/// Warnings are printed and the build still succeeds.
#[test]
fn warnings_do_not_stop_the_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = "fn down(n: i64) i64 {\n    return down(n + 1)\n}\n\nfn main() {\n    println(\"built\")\n}\n";
    std::fs::write(dir.path().join("warn.pu"), src).expect("writable");
    let (status, stderr) = purrc_stderr(&["--color", "never", "-O0", "warn.pu", "-o", "warn"], dir.path());
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("warning[unconditional-recursion]"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    let ran = std::process::Command::new(dir.path().join("warn")).output().expect("the program runs");
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "built\n");
}

/// `purrc --explain ID` prints the long form of a diagnostic; an unknown id
/// is a usage error.
#[test]
fn explain_prints_the_long_form_of_an_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = purrc().args(["--explain", "type-mismatch"]).output().expect("purrc runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# type-mismatch: "), "{text}");
    assert!(text.contains("```purr"), "{text}");
    let (status, stderr) = purrc_stderr(&["--explain", "no-such-id"], dir.path());
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("no diagnostic has the id `no-such-id`"), "{stderr}");
}
