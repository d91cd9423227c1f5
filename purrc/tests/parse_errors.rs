//! One snapshot per kind of lexical and syntax error: the source and the
//! diagnostics exactly as a user sees them.

#[path = "parse_support/mod.rs"]
mod support;

use support::{error_ids, parse_err};

/// The source followed by its rendered diagnostics.
fn case(src: &str) -> String {
    format!("{src}\n----- diagnostics -----\n{}", parse_err(src))
}

macro_rules! snapshot_error {
    ($name:ident, $src:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(case($src));
        }
    };
}

// ---- lexical errors

snapshot_error!(unterminated_string, "fn main() {\n    println(\"hello)\n}\n");
snapshot_error!(invalid_escape_unknown, "const S = \"a\\qb\"\n");
snapshot_error!(invalid_escape_hex_above_7f, "const S = \"\\x80\"\n");
snapshot_error!(invalid_escape_hex_digits, "const S = \"\\xZ1\"\n");
snapshot_error!(invalid_escape_unicode_range, "const S = \"\\u{110000}\"\n");
snapshot_error!(invalid_escape_unicode_unclosed, "const S = \"\\u{41\"\n");
snapshot_error!(unexpected_character, "fn main() {\n    let x = 5 @ 3\n}\n");
snapshot_error!(unexpected_question_mark, "fn main() {\n    let x = f()?\n}\n");
snapshot_error!(unexpected_non_ascii, "fn main() {\n    let café = 1\n}\n");
snapshot_error!(unterminated_comment, "/* outer /* inner */\nfn main() {}\n");
snapshot_error!(int_too_large, "const BIG = 340282366920938463463374607431768211456\n");
snapshot_error!(invalid_number_suffix, "const N = 12ab\n");
snapshot_error!(invalid_number_hex_prefix, "const N = 0x\n");
snapshot_error!(invalid_number_binary_digit, "const N = 0b102\n");
snapshot_error!(unterminated_char, "const C = 'a\n");
snapshot_error!(invalid_char_two_bytes, "const C = 'ab'\n");
snapshot_error!(invalid_char_empty, "const C = ''\n");
snapshot_error!(invalid_char_non_ascii, "const C = 'é'\n");
snapshot_error!(empty_interpolation, "const S = \"a {} b\"\n");
snapshot_error!(unmatched_brace_in_string, "const S = \"a } b\"\n");
snapshot_error!(unterminated_interpolation, "const S = \"a {b\"\n");
snapshot_error!(lex_error_inside_interpolation, "const S = \"a {b @ c} d\"\n");
snapshot_error!(syntax_error_inside_interpolation, "const S = \"a {b +} d\"\n");

#[test]
fn nesting_too_deep() {
    let src = format!("const X = {}1{}\n", "(".repeat(300), ")".repeat(300));
    let out = parse_err(&src);
    assert_eq!(error_ids(&src), ["nesting-too-deep"]);
    assert!(out.contains("nesting deeper than 256 levels"), "{out}");
}

#[test]
fn string_nesting_too_deep() {
    let mut s = String::from("x");
    for _ in 0..12 {
        s = format!("\"{{{s}}}\"");
    }
    assert_eq!(error_ids(&format!("const X = {s}\n")), ["nesting-too-deep"]);
}

// ---- syntax errors

snapshot_error!(
    else_on_new_line,
    "fn f(x: i32) {\n    if x > 0 {\n        println(\"pos\")\n    }\n    else {\n        println(\"neg\")\n    }\n}\n"
);
snapshot_error!(missing_closing_brace_before_fn, "fn f() {\n    let x = 1\n\nfn g() {}\n");
snapshot_error!(unexpected_eof_unclosed_brace, "fn f() {\n    if x {\n        g()\n    }\n");
snapshot_error!(unexpected_eof_unclosed_paren, "fn f() {\n    g(1, 2\n");
snapshot_error!(assignment_in_condition, "fn f() {\n    if x = 3 { }\n}\n");
snapshot_error!(arrow_return_type, "fn f() -> i32 {\n    return 1\n}\n");
snapshot_error!(chained_comparison, "fn f() {\n    let b = 1 < x < 3\n}\n");
snapshot_error!(struct_literal_in_if_head, "fn f() {\n    if p == Point { x: 1, y: 2 } {\n    }\n}\n");
snapshot_error!(struct_literal_after_call, "fn f() {\n    let p = make() { x: 1 }\n}\n");
snapshot_error!(interpolated_test_name, "test \"case {n}\" {\n}\n");
snapshot_error!(interpolated_pattern, "fn f() {\n    match s {\n        \"{a}\" => 1,\n        _ => 2,\n    }\n}\n");
snapshot_error!(missing_comma_in_call, "fn f() {\n    g(a b)\n}\n");
snapshot_error!(statement_at_top_level, "let x = 1\n");
snapshot_error!(missing_type, "fn f(x: ) {}\n");
snapshot_error!(missing_expression, "fn f() {\n    let x =\n}\n");
snapshot_error!(two_items_on_one_line, "const A = 1 const B = 2\n");
snapshot_error!(bad_actor_member, "actor A {\n    let x = 1\n    on start() { }\n}\n");
snapshot_error!(
    independent_errors_in_two_functions,
    "fn a() {\n    let x = (1 +)\n    ok()\n}\n\nfn b() {\n    let = 2\n}\n\nfn c() {\n    fine()\n}\n"
);
snapshot_error!(
    lexical_and_syntax_errors_together,
    "fn a() {\n    let s = \"unterminated\n}\n\nfn b() {\n    g(1,, 2)\n}\n"
);
snapshot_error!(mismatched_brackets, "fn f() {\n    g(1]\n}\n");

// ---- recovery: each independent error once, no cascades

snapshot_error!(unclosed_paren_in_let, "fn f() {\n    let x = (1 + 2\n");
snapshot_error!(
    two_bad_statements_in_one_function,
    "fn f() {\n    let = 1\n    ok()\n    g(1 2)\n    fine()\n}\n"
);
snapshot_error!(
    bad_statements_in_nested_blocks,
    "fn f(x: i32) {\n    if x > 0 {\n        let y = (1 +)\n        for i in 0..3 {\n            g(i i)\n        }\n    }\n    let = 2\n}\n"
);
snapshot_error!(
    struct_literal_in_if_head_with_a_body,
    "fn f() {\n    if p == Point { x: 1, y: 2 } {\n        g(1)\n        h(2)\n    }\n    k(3 3)\n}\n"
);
snapshot_error!(bad_match_arm, "fn f(x: i32) i32 {\n    return match x {\n        1 => 1 +,\n        2 => 2\n        _ => )\n    }\n}\n");
snapshot_error!(bad_field_and_bad_statement, "struct P {\n    x: i32\n    y i32\n}\n\nfn f() {\n    let p = P { x: 1 y: 2 }\n}\n");

#[test]
fn an_error_in_every_line_is_reported_once_each() {
    let body: String = (0..30).map(|i| format!("    let x{i} = ({i} +)\n")).collect();
    let ids = error_ids(&format!("fn f() {{\n{body}}}\n"));
    assert_eq!(ids, vec!["syntax-error"; 30]);
}
