//! The compiler never panics and its C always compiles: every test, gate
//! and example program, cut short at many points and mutated at random
//! bytes, goes through the whole front end (with the standard library, as a
//! build loads it) and C generation in-process, and must come out as a
//! program or as diagnostics — never as a panic. A sample of the mutants
//! that come out as a program is then given to the C compiler, which must
//! accept their C.

mod common;
#[path = "common/rng.rs"]
mod rng;

use purrc::source::SourceMap;
use rng::Rng;
use std::panic;
use std::path::PathBuf;
use std::process::Command;

/// One accepted mutant in this many has its C compiled: compiling all of
/// them (some 1,500) takes about 40 s on two cores, a tenth about 5 s.
const COMPILE_C_EVERY: usize = 10;

/// Runs every phase that needs no C compiler; the C, if the input is a
/// program.
fn compile(text: &str) -> Option<String> {
    let mut sources = SourceMap::default();
    sources.add("fuzz.pu".into(), text.to_string());
    let files = purrc::driver::parse_program(&mut sources).ok()?;
    let mut program = purrc::sema::check(files, true).ok()?;
    let mut c = Vec::new();
    purrc::codegen_c::generate(&mut program, &sources, purrc::codegen_c::Mode::Program, purrc::codegen_c::Scheduler::Det, &mut c).expect("writing to memory");
    Some(String::from_utf8(c).expect("C is UTF-8"))
}

/// Compiles the C of `mutant` (warnings allowed: only errors are bugs here).
fn c_compiles(origin: &str, mutant: &str, c: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let c_path = dir.path().join("fuzz.c");
    std::fs::write(&c_path, c).map_err(|e| e.to_string())?;
    let cc = Command::new("cc")
        .args(["-std=c11", "-O0", "-w", "-c", "-I"])
        .arg(common::repo_root().join("runtime-c").join("include"))
        .arg(&c_path)
        .arg("-o")
        .arg(dir.path().join("fuzz.o"))
        .output()
        .expect("cc runs");
    if cc.status.success() {
        Ok(())
    } else {
        Err(format!("--- mutant of {origin}:\n{mutant}\n--- cc:\n{}", String::from_utf8_lossy(&cc.stderr)))
    }
}

fn corpus() -> Vec<(PathBuf, String)> {
    ["tests/programs", "gates/gate1a", "gates/gate1b", "gates/gate2", "tests/diagnostics", "examples", "tests/valgrind", "tests/stdlib", "stdlib/std", "tests/actors"]
        .iter()
        .flat_map(|d| common::programs_in(d))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            (p, text)
        })
        .collect()
}

/// Snippets that, spliced in, make a program wrong in interesting ways.
const SPLICES: &[&str] = &[
    "{", "}", "(", ")", "[", "]", "\"", "'", "\n", ";", ",", "=>", "..", "match x {", "fn", "let", "var", "=",
    "+=", "none", "some(", "ok(", "err(", "Shape.", ".", "0x", "1e", "\"{", "}\"", "/*", "*/", "-", "!", "<",
    ">", "list<", "map<i64,", "return", "break", "for", "in", "if", "else", "_", "i8", "u64", "struct S {}",
    "enum E { A(E) }", "(x: i64): i64 => x", "str(", "len(", "list_push(", "9999999999999999999999",
];

#[test]
fn compiler_never_panics_on_mangled_programs() {
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut failures = vec![];
    let mut accepted = 0;
    // (origin, mutant, its C) for the C compiler.
    let mut to_compile: Vec<(String, String, String)> = vec![];
    for (path, text) in corpus() {
        let bytes = text.as_bytes();
        let mut inputs: Vec<String> = vec![];
        // Truncations at ~40 points (char boundaries).
        let step = (bytes.len() / 40).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            if text.is_char_boundary(cut) {
                inputs.push(text[..cut].to_string());
            }
        }
        // Random splices, deletions and byte flips.
        for _ in 0..150 {
            let mut t = text.clone();
            for _ in 0..(1 + rng.next() % 3) {
                let at = (rng.next() as usize) % (t.len() + 1);
                let at = (0..=at).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
                match rng.next() % 3 {
                    0 => t.insert_str(at, SPLICES[(rng.next() as usize) % SPLICES.len()]),
                    1 => {
                        let end = (at + 1 + (rng.next() as usize) % 8).min(t.len());
                        let end = (end..=t.len()).find(|&i| t.is_char_boundary(i)).unwrap_or(t.len());
                        t.replace_range(at..end, "");
                    }
                    _ => {
                        let c = (b' ' + (rng.next() % 95) as u8) as char;
                        t.insert(at, c);
                    }
                }
            }
            inputs.push(t);
        }
        for input in inputs {
            match panic::catch_unwind(|| compile(&input)) {
                Err(_) => {
                    failures.push(format!("--- from {}:\n{input}", path.display()));
                    break;
                }
                Ok(Some(c)) => {
                    if accepted % COMPILE_C_EVERY == 0 {
                        to_compile.push((path.display().to_string(), input, c));
                    }
                    accepted += 1;
                }
                Ok(None) => {}
            }
        }
    }
    let _ = panic::take_hook();
    assert!(failures.is_empty(), "the compiler panicked on {} inputs:\n{}", failures.len(), failures.join("\n"));
    let c_failures = common::parallel(&to_compile, |(origin, mutant, c)| c_compiles(origin, mutant, c));
    eprintln!("{accepted} mutants accepted; the C of {} compiled", to_compile.len());
    common::report("generated C files of accepted mutants", to_compile.len(), c_failures);
}
