//! String literals: escapes, `{{`/`}}`, interpolation (including strings and
//! braces nested inside interpolated expressions) and the spans of
//! interpolated expressions.

#[path = "parse_support/mod.rs"]
mod support;

use purrc::ast::{ExprKind, StrPart};
use purrc::parse::parse_expr;
use support::{error_ids, expr_str};

#[test]
fn escapes() {
    assert_eq!(expr_str(r#""a\nb\tc\rd\0e\\f\"g\'h""#), r#""a\nb\tc\rd\0e\\f\"g\'h""#);
    assert_eq!(expr_str(r#""\x41\x7f""#), r#""A\u{7f}""#);
    assert_eq!(expr_str(r#""\u{e9}\u{1F600}""#), "\"é😀\"");
    assert_eq!(expr_str("\"héllo wörld\""), "\"héllo wörld\"");
    assert_eq!(expr_str(r#""""#), r#""""#);
}

#[test]
fn literal_braces() {
    assert_eq!(expr_str(r#""{{x}}""#), r#""{x}""#);
    assert_eq!(expr_str(r#""{{{x}}}""#), r#""{{x}}""#);
    assert_eq!(expr_str(r#""}}{{""#), r#""}{""#);
}

#[test]
fn interpolation() {
    assert_eq!(expr_str(r#""n = {n}""#), r#""n = {n}""#);
    assert_eq!(expr_str(r#""{a}{b}""#), r#""{a}{b}""#);
    assert_eq!(expr_str(r#""n = {n}, x = {p.x + 1}""#), r#""n = {n}, x = {(+ (. p x) 1)}""#);
    assert_eq!(expr_str(r#""{ f(a, b) }!""#), r#""{(call f a b)}!""#);
    assert_eq!(expr_str(r#""{self.name}={self.total}""#), r#""{(. self name)}={(. self total)}""#);
}

#[test]
fn interpolation_with_nested_strings_and_braces() {
    assert_eq!(expr_str(r#""a {f("}}")} b""#), r#""a {(call f "}")} b""#);
    assert_eq!(expr_str(r#""a {f("{x}")} b""#), r#""a {(call f "{x}")} b""#);
    assert_eq!(expr_str(r#""{join(xs, ", ")}""#), r#""{(call join xs ", ")}""#);
    assert_eq!(expr_str(r#""{Point { x: 1 }.x}""#), r#""{(. (lit Point x: 1) x)}""#);
    assert_eq!(expr_str(r#""{if c { "y" } else { "n" }}""#), r#""{(if c {"y"} else {"n"})}""#);
    assert_eq!(expr_str(r#""{'}'}""#), r#""{'}'}""#);
    assert_eq!(expr_str(r#""{"{"{"deep"}"}"}""#), r#""{"{"{"deep"}"}"}""#);
}

#[test]
fn interpolated_expression_spans_point_into_the_file() {
    let src = r#""x = {p.x + 1}, s = {f("q")}""#;
    let e = parse_expr(7, src).unwrap();
    let ExprKind::Str(parts) = &e.kind else { panic!("not a string") };
    let exprs: Vec<_> = parts
        .iter()
        .filter_map(|p| match p {
            StrPart::Expr(e) => Some(e),
            StrPart::Lit(_) => None,
        })
        .collect();
    assert_eq!(exprs.len(), 2);
    for (e, want) in exprs.iter().zip(["p.x + 1", r#"f("q")"#]) {
        assert_eq!(e.span.file, 7);
        assert_eq!(&src[e.span.start as usize..e.span.end as usize], want);
    }
    let ExprKind::Call { args, .. } = &exprs[1].kind else { panic!("not a call") };
    assert_eq!(&src[args[0].span.start as usize..args[0].span.end as usize], r#""q""#);
}

#[test]
fn errors_inside_interpolations_point_into_the_file() {
    assert_eq!(error_ids("const S = \"{a +}\""), ["syntax-error"]);
    assert_eq!(error_ids("const S = \"{a @ b}\""), ["unexpected-character"]);
    assert_eq!(error_ids("const S = \"{f(\"\\q\")}\""), ["invalid-escape"]);
    assert_eq!(error_ids("const S = \"{}\""), ["empty-interpolation"]);
}

#[test]
fn char_literals() {
    assert_eq!(expr_str(r"'\0'"), r"'\0'");
    assert_eq!(expr_str(r"'\\'"), r"'\\'");
    assert_eq!(expr_str(r#"'"'"#), r#"'"'"#);
    assert_eq!(expr_str(r"'\u{41}'"), "'A'");
    assert_eq!(expr_str(r"'\xff'"), "'ÿ'");
    assert_eq!(error_ids("const C = '\\u{e9}'"), ["invalid-char-literal"]);
}
