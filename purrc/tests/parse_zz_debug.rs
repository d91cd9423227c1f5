#[path = "parse_support/mod.rs"]
mod support;
use std::time::Instant;
#[test]
fn bench_parts() {
    let body: String = support::programs::KITCHEN_SINK.lines().filter(|l| !l.starts_with("namespace") && !l.starts_with("use")).map(|l| format!("{l}\n")).collect();
    let src = body.repeat(700);
    let lines = src.lines().count();
    for _ in 0..2 {
        let t = Instant::now();
        let n = purrc::lexer::Lexer::new(0, &src).count();
        println!("lex only: {:.0} lines/s ({n} tokens)", lines as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let f = purrc::parse::parse_file(0, &src).unwrap();
        let e = t.elapsed().as_secs_f64();
        println!("parse keep: {:.0} lines/s", lines as f64 / e);
        let t = Instant::now();
        drop(f);
        println!("drop: {:.3}s vs parse {:.3}s", t.elapsed().as_secs_f64(), e);
        // many small files
        let t = Instant::now();
        let mut keep = Vec::new();
        for _ in 0..700 { keep.push(purrc::parse::parse_file(0, &body).unwrap()); }
        println!("700 small files keep: {:.0} lines/s", lines as f64 / t.elapsed().as_secs_f64());
    }
}
