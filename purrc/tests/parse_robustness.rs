//! The parser must never panic or overflow the stack: every prefix of the
//! test programs, thousands of random mutations of them, and pathological
//! nesting all end in `Ok` or `Err`.

#[path = "parse_support/mod.rs"]
mod support;

#[path = "../../tests/common/rng.rs"]
mod rng;
use rng::Rng;

use purrc::parse::parse_file;
use std::panic::{catch_unwind, AssertUnwindSafe};
use support::programs::KITCHEN_SINK;
use support::spec_examples::ALL;

fn corpus() -> Vec<(&'static str, &'static str)> {
    let mut c = ALL.to_vec();
    c.push(("kitchen_sink", KITCHEN_SINK));
    c
}

/// Parses each input; returns the ones that panicked.
fn panicking<'a>(inputs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let bad = inputs
        .into_iter()
        .filter(|src| catch_unwind(AssertUnwindSafe(|| drop(parse_file(0, src)))).is_err())
        .map(str::to_string)
        .collect();
    std::panic::set_hook(hook);
    bad
}

#[test]
fn kitchen_sink_parses() {
    support::parse_ok(KITCHEN_SINK);
}

#[test]
fn every_prefix() {
    for (name, src) in corpus() {
        let prefixes: Vec<&str> = (0..=src.len()).filter(|&i| src.is_char_boundary(i)).map(|i| &src[..i]).collect();
        let bad = panicking(prefixes);
        assert!(bad.is_empty(), "{name}: {} prefixes panic, e.g. {:?}", bad.len(), bad[0]);
    }
}


/// Bytes that tend to matter to a lexer or parser.
const INTERESTING: &[u8] = b"{}()[]\"'\\/*\n;:,.<>=!-+&|^~%_0aZ9x{}";

fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut b = src.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1).min(b.len());
        match rng.below(6) {
            0 if at < b.len() => b[at] = INTERESTING[rng.below(INTERESTING.len())],
            1 => b.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < b.len() => {
                let end = (at + 1 + rng.below(16)).min(b.len());
                b.drain(at..end);
            }
            3 => {
                let from = rng.below(b.len());
                let end = (from + 1 + rng.below(32)).min(b.len());
                let chunk = b[from..end].to_vec();
                b.splice(at..at, chunk);
            }
            4 if at < b.len() => b[at] = (rng.next() & 0xff) as u8,
            _ => b.insert(at, b"\xc3\xa9"[rng.below(2)]),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn random_mutations() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, src) in corpus() {
        let inputs: Vec<String> = (0..3000).map(|_| mutate(src, &mut rng)).collect();
        let bad = panicking(inputs.iter().map(String::as_str));
        assert!(bad.is_empty(), "{name}: {} mutations panic, e.g. {:?}", bad.len(), bad[0]);
    }
}

fn assert_rejected_without_crash(src: &str) {
    match parse_file(0, src) {
        Ok(_) => panic!("accepted pathological input of {} bytes", src.len()),
        Err(d) => assert!(
            d.iter().any(|d| d.id == "nesting-too-deep" || d.id == "expression-too-long"),
            "{:?}",
            d.iter().map(|d| d.id).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 2 * purrc::lexer::MAX_EXPR_OPERATORS as usize;
    assert_rejected_without_crash(&format!("const X = {}1{}", "(".repeat(n), ")".repeat(n)));
    assert_rejected_without_crash(&"(".repeat(n));
    assert_rejected_without_crash(&format!("const X = {}", "[".repeat(n)));
    assert_rejected_without_crash(&format!("fn f() {}", "{".repeat(n)));
    assert_rejected_without_crash(&format!("fn f() {{ {} }}", "if x {".repeat(n)));
    assert_rejected_without_crash(&format!("const X = {}1", "-".repeat(n)));
    assert_rejected_without_crash(&format!("const X = {}1", "!".repeat(n)));
    assert_rejected_without_crash(&format!("const X = 1{}", " + 1".repeat(n)));
    assert_rejected_without_crash(&format!("const X = f{}", "()".repeat(n)));
    assert_rejected_without_crash(&format!("const X = a{}", ".b".repeat(n)));
    assert_rejected_without_crash(&format!("fn f() {{ if a {{ }} {} }}", "else if a { } ".repeat(n)));
    let mut s = String::from("x");
    for _ in 0..50 {
        s = format!("\"{{{s}}}\"");
    }
    assert_rejected_without_crash(&format!("const X = {s}"));
}

#[test]
fn moderate_nesting_is_fine() {
    let n = 200;
    support::parse_ok(&format!("const X = {}1{}", "(".repeat(n), ")".repeat(n)));
    support::parse_ok(&format!("const X = 1{}", " + 1".repeat(500)));
    support::parse_ok(&format!("const X = [{}]", "-1, ".repeat(20_000)));
    support::parse_ok(&format!("fn f() {{\n{}}}", "    x = x + 1 - 2 * 3\n".repeat(5_000)));
}
