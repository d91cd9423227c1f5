//! Newline rules (docs/language.md §2): where a newline ends a statement and where it
//! does not.

#[path = "parse_support/mod.rs"]
mod support;

use support::{error_ids, file, parse_err, parse_ok, stmts_str};

#[test]
fn newline_and_semicolon_separate_statements() {
    assert_eq!(stmts_str("a()\nb()"), "(call a)\n(call b)");
    assert_eq!(stmts_str("a(); b()"), "(call a)\n(call b)");
    assert_eq!(stmts_str("a();\n\n;; b();"), "(call a)\n(call b)");
    assert_eq!(stmts_str("; a()"), "(call a)");
}

#[test]
fn line_ending_in_an_operator_continues() {
    for op in ["+", "-", "*", "/", "%", "<<", "&", "^", "|", "==", "!=", "<", "<=", ">=", "&&", "||", "and", "or"] {
        let body = format!("let x = a {op}\n    b");
        let got = stmts_str(&body);
        assert!(got.starts_with("(let x = (") && !got.contains('\n'), "{op}: {got}");
    }
    assert_eq!(stmts_str("x +=\n  1"), "(+= x 1)");
    assert_eq!(stmts_str("let x =\n  1"), "(let x = 1)");
    assert_eq!(stmts_str("f(a,\n  b)"), "(call f a b)");
    assert_eq!(stmts_str("let y = a.\n  b"), "(let y = (. a b))");
    assert_eq!(stmts_str("let f = (x: i32): i32 =>\n  x"), "(let f = (lambda (x: i32) i32 x))");
    assert_eq!(stmts_str("for i in 0..\n  10 { }"), "(for i in 0..10 {})");
    assert_eq!(stmts_str("let x = a + // comment\n  b"), "(let x = (+ a b))");
}

#[test]
fn newline_before_an_operator_ends_the_statement() {
    // `+ b` on its own line is a separate statement (here: a syntax error for
    // `+`, fine for `-`, which is also unary).
    assert_eq!(stmts_str("let x = a\n-b"), "(let x = a)\n(- b)");
    assert_eq!(error_ids("fn f() {\n let x = a\n + b\n}"), ["syntax-error"]);
}

#[test]
fn comments_between_operator_and_operand() {
    assert_eq!(stmts_str("let x = a + // why\n  /* block */ b"), "(let x = (+ a b))");
}

#[test]
fn newlines_inside_parens_and_brackets_are_ignored() {
    assert_eq!(stmts_str("f(\n  a\n  ,\n  b\n)"), "(call f a b)");
    assert_eq!(stmts_str("let xs = [\n  1\n  ,2\n]"), "(let xs = [1 2])");
    assert_eq!(stmts_str("let x = (a\n + b)"), "(let x = (+ a b))");
    assert_eq!(stmts_str("let x = xs[\n i\n]"), "(let x = ([] xs i))");
}

#[test]
fn brace_inside_parens_makes_newlines_significant_again() {
    assert_eq!(
        stmts_str("list_each(xs, (x: i32): void => {\n  a(x)\n  b(x)\n})\nc()"),
        "(call list_each xs (lambda (x: i32) void {(call a x); (call b x)}))\n(call c)"
    );
}

#[test]
fn braces_open_and_close_cleanly() {
    assert_eq!(stmts_str("\n\n  a()\n\n"), "(call a)");
    assert_eq!(stmts_str("if c {\n  a()\n\n}\nb()"), "(if c {(call a)})\n(call b)");
    assert_eq!(stmts_str("if c {\n  a()\n} else {\n  b()\n}"), "(if c {(call a)} else {(call b)})");
    assert_eq!(stmts_str("if c { a() } else\n{ b() }"), "(if c {(call a)} else {(call b)})");
}

#[test]
fn else_on_a_new_line_is_an_error_with_a_hint() {
    let out = parse_err("fn f() {\n    if c {\n        a()\n    }\n    else {\n        b()\n    }\n}\n");
    assert!(out.contains("error[syntax-error]"), "{out}");
    assert!(out.contains("`else` must be on the same line"), "{out}");
}

#[test]
fn leading_dot_continues_a_method_chain() {
    assert_eq!(stmts_str("let n = xs\n    .len()"), "(let n = (call (. xs len)))");
}

#[test]
fn multi_line_literals_with_newline_separators() {
    let src = "fn f() {\n    let p = Point {\n        x: 1\n        y: 2\n    }\n    let q = Point {\n        x: 1,\n        y: 2,\n    }\n    let a = spawn A {\n        n: 1\n    }\n}";
    assert_eq!(
        file(&parse_ok(src)),
        "(fn f() {(let p = (lit Point x: 1 y: 2)); (let q = (lit Point x: 1 y: 2)); (let a = (spawn A n: 1))})"
    );
}

#[test]
fn generic_type_at_end_of_line_ends_the_statement() {
    assert_eq!(stmts_str("var xs: list<i32>\nxs = [1]"), "(var xs: list<i32>)\n(= xs [1])");
    assert_eq!(
        stmts_str("var m: map<string, list<i32>>\nm = n"),
        "(var m: map<string, list<i32>>)\n(= m n)"
    );
}

#[test]
fn items_are_separated_by_newlines_or_semicolons() {
    assert_eq!(file(&parse_ok("const A = 1; const B = 2")), "(const A 1)\n(const B 2)");
    assert_eq!(file(&parse_ok("\n\n// c\nconst A = 1\n\n\n")), "(const A 1)");
    assert_eq!(file(&parse_ok("")), "");
    assert_eq!(file(&parse_ok("// only a comment")), "");
    assert_eq!(error_ids("const A = 1 const B = 2"), ["syntax-error"]);
}

#[test]
fn semicolon_after_an_operator_is_an_error() {
    assert_eq!(error_ids("fn f() { let x = ; }"), ["syntax-error"]);
    assert_eq!(error_ids("fn f() { f(a; b) }"), ["syntax-error"]);
}

#[test]
fn byte_order_mark_is_skipped() {
    assert_eq!(file(&parse_ok("\u{feff}const A = 1")), "(const A 1)");
}

#[test]
fn token_dump() {
    let src = "fn f(x: list<list<i32>>) {\n    let p = probe<T>() // c\n\n    x >>= 1; y = a >> 2 and not b\n}\n";
    insta::assert_snapshot!(purrc::lexer::dump_tokens(0, src));
}
