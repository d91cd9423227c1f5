//! Large files are parsed in pieces on several threads; the result must be
//! exactly the AST (spans included) that the one-piece parse produces, and a
//! file with an error must still report it exactly.

#[path = "parse_support/mod.rs"]
mod support;

use purrc::parse::{parse_file, parse_file_errors};

/// The kitchen-sink program repeated to well over the parallel threshold.
fn big_program() -> String {
    let body: String = support::programs::KITCHEN_SINK
        .lines()
        .filter(|l| !l.starts_with("namespace") && !l.starts_with("use"))
        .map(|l| format!("{l}\n"))
        .collect();
    body.repeat(1 + (1 << 20) / body.len())
}

#[test]
fn pieces_parse_to_the_same_tree() {
    let src = big_program();
    assert!(src.len() > 1 << 20);
    let parallel = parse_file(0, &src).expect("the program parses");
    let sequential = parse_file_errors(0, &src).expect("the program parses");
    assert_eq!(parallel, sequential);
}

#[test]
fn an_error_in_one_piece_is_reported_as_in_one_piece() {
    let mut src = big_program();
    let middle = src.len() / 2;
    let at = middle + src[middle..].find("\nfn ").expect("a function") + 1;
    src.insert_str(at, "fn broken( {\n}\n");
    let parallel = parse_file(0, &src).expect_err("the program is broken");
    let sequential: Vec<_> =
        parse_file_errors(0, &src).expect_err("the program is broken").iter().map(purrc::parse::diagnostic).collect();
    assert_eq!(parallel, sequential);
}
