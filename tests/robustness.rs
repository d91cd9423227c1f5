//! The compiler never panics: every test, gate and example program, cut
//! short at many points and mutated at random bytes, goes through the whole
//! front end and C generation in-process, and must come out as a program or
//! as diagnostics — never as a panic.

mod common;
#[path = "common/rng.rs"]
mod rng;

use purrc::source::SourceMap;
use std::panic;
use rng::Rng;
use std::path::PathBuf;


/// Runs every phase that needs no C compiler.
fn compile(text: &str) {
    let mut sources = SourceMap::default();
    sources.add("fuzz.pu".into(), text.to_string());
    let Ok(file) = purrc::parse::parse_file(0, text) else { return };
    if let Ok(program) = purrc::sema::check(&[file], true) {
        purrc::codegen_c::generate(&program, &sources, purrc::codegen_c::Mode::Program, false);
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
            if panic::catch_unwind(|| compile(&input)).is_err() {
                failures.push(format!("--- from {}:\n{input}", path.display()));
                break;
            }
        }
    }
    let _ = panic::take_hook();
    assert!(failures.is_empty(), "the compiler panicked on {} inputs:\n{}", failures.len(), failures.join("\n"));
}
