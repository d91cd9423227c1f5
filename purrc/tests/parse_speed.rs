//! Throughput of lexing + parsing. The whole front end must reach 500,000
//! lines/s, so the parser alone must be well above that. Only checked in
//! release builds (`cargo test --release`); debug builds just print.

#[path = "parse_support/mod.rs"]
mod support;

use purrc::parse::parse_file;
use std::time::Instant;

/// The kitchen-sink program repeated (namespace/use lines dropped so
/// repetition stays valid) to about 100,000 lines.
fn big_program() -> String {
    let body: String = support::programs::KITCHEN_SINK
        .lines()
        .filter(|l| !l.starts_with("namespace") && !l.starts_with("use"))
        .map(|l| format!("{l}\n"))
        .collect();
    let copies = 100_000 / body.lines().count() + 1;
    body.repeat(copies)
}

#[test]
fn lines_per_second() {
    let src = big_program();
    let lines = src.lines().count();
    let start = Instant::now();
    let mut runs = 0;
    while runs < 3 || start.elapsed().as_secs_f64() < 0.5 {
        let file = parse_file(0, &src).expect("parses");
        assert!(!file.items.is_empty());
        runs += 1;
    }
    let rate = (lines * runs) as f64 / start.elapsed().as_secs_f64();
    println!("parsed {lines} lines x {runs}: {rate:.0} lines/s");
    if !cfg!(debug_assertions) {
        assert!(rate > 1_500_000.0, "parser too slow: {rate:.0} lines/s");
    }
}
