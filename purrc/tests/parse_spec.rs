//! Every `purr` code block of the language reference (docs/language.md, copied
//! verbatim) must parse; the compact AST of each is pinned by an insta snapshot.

#[path = "parse_support/mod.rs"]
mod support;

use support::spec_examples::*;
use support::{file, parse_ok};

#[test]
fn every_example_parses() {
    for (name, src) in ALL {
        assert!(purrc::parse::parse_file(0, src).is_ok(), "{name} does not parse");
    }
}

#[test]
fn s1_namespace_math() {
    insta::assert_snapshot!(file(&parse_ok(S1_NAMESPACE_MATH)));
}

#[test]
fn s1_imports() {
    insta::assert_snapshot!(file(&parse_ok(S1_IMPORTS)));
}

#[test]
fn s4_declarations() {
    insta::assert_snapshot!(file(&parse_ok(S4_DECLARATIONS)));
}

#[test]
fn s5_statements() {
    insta::assert_snapshot!(file(&parse_ok(S5_STATEMENTS)));
}

#[test]
fn s7_actors() {
    insta::assert_snapshot!(file(&parse_ok(S7_ACTORS)));
}

#[test]
fn s8_tests_benches() {
    insta::assert_snapshot!(file(&parse_ok(S8_TESTS_BENCHES)));
}

#[test]
fn s9_c_interop() {
    insta::assert_snapshot!(file(&parse_ok(S9_C_INTEROP)));
}

#[test]
fn s11_net() {
    insta::assert_snapshot!(file(&parse_ok(S11_NET)));
}

#[test]
fn s11_file() {
    insta::assert_snapshot!(file(&parse_ok(S11_FILE)));
}
