#[path = "parse_support/mod.rs"]
mod support;
#[test]
fn dbg() {
    let src = std::fs::read_to_string("/tmp/scratch.pu").unwrap();
    println!("{}", support::parse_err(&src));
}
