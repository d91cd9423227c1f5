//! Operator precedence (docs/language.md §5) and the shapes of expressions, statements,
//! types and patterns, compared as compact S-expressions.

#[path = "parse_support/mod.rs"]
mod support;

use support::{expr_str, file, parse_ok, stmts_str};

fn check(cases: &[(&str, &str)]) {
    for (src, want) in cases {
        assert_eq!(expr_str(src), *want, "parsing {src:?}");
    }
}

#[test]
fn precedence_levels_high_to_low() {
    check(&[
        ("-a * b", "(* (- a) b)"),
        ("!a && b", "(&& (! a) b)"),
        ("~a & b", "(& (~ a) b)"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a + b * c", "(+ a (* b c))"),
        ("a / b % c", "(% (/ a b) c)"),
        ("a + b << c", "(<< (+ a b) c)"),
        ("a << b + c", "(<< a (+ b c))"),
        ("a >> b - c", "(>> a (- b c))"),
        ("a << b & c", "(& (<< a b) c)"),
        ("a & b ^ c", "(^ (& a b) c)"),
        ("a ^ b & c", "(^ a (& b c))"),
        ("a ^ b | c", "(| (^ a b) c)"),
        ("a | b ^ c", "(| a (^ b c))"),
        ("a | b == c", "(== (| a b) c)"),
        ("a == b | c", "(== a (| b c))"),
        ("a < b && c", "(&& (< a b) c)"),
        ("a && b == c", "(&& a (== b c))"),
        ("a && b || c", "(|| (&& a b) c)"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a || b || c", "(|| (|| a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a >> b >> c", "(>> (>> a b) c)"),
        ("- - a", "(- (- a))"),
        ("-a.b", "(- (. a b))"),
        ("!f(x)[0]", "(! ([] (call f x) 0))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a + b * c << d & e ^ f | g >= h && i || j",
         "(|| (&& (>= (| (^ (& (<< (+ a (* b c)) d) e) f) g) h) i) j)"),
    ]);
}

#[test]
fn word_operators_are_synonyms() {
    check(&[
        ("a and b or not c", "(|| (&& a b) (! c))"),
        ("not a == b", "(== (! a) b)"),
    ]);
}

#[test]
fn comparisons_each_operator() {
    check(&[
        ("a == b", "(== a b)"),
        ("a != b", "(!= a b)"),
        ("a < b", "(< a b)"),
        ("a <= b", "(<= a b)"),
        ("a > b", "(> a b)"),
        ("a >= b", "(>= a b)"),
    ]);
}

#[test]
fn literals() {
    check(&[
        ("42", "42"),
        ("1_000_000", "1000000"),
        ("0xff", "255"),
        ("0xFF_FF", "65535"),
        ("0b1010", "10"),
        ("18446744073709551615", "18446744073709551615"),
        ("1.5", "1.5"),
        ("2e9", "2000000000.0"),
        ("1.0e-3", "0.001"),
        ("1_000.5", "1000.5"),
        ("'a'", "'a'"),
        ("'\\n'", "'\\n'"),
        ("'\\x41'", "'A'"),
        ("'\\''", "'\\''"),
        ("true", "true"),
        ("false", "false"),
        ("nil", "nil"),
        ("self", "self"),
        ("none", "none"),
    ]);
}

#[test]
fn postfix_forms() {
    check(&[
        ("f(a, b)", "(call f a b)"),
        ("f()", "(call f)"),
        ("f(a, b,)", "(call f a b)"),
        ("a.b.c", "(. (. a b) c)"),
        ("names.len()", "(call (. names len))"),
        ("ages.get(\"bob\")", "(call (. ages get) \"bob\")"),
        ("xs[i][j]", "([] ([] xs i) j)"),
        ("f(x)(y)", "(call (call f x) y)"),
        ("probe<Total>()", "(call probe<Total>)"),
        ("probe<list<Total>>()", "(call probe<list<Total>>)"),
        ("probe<Total>().x", "(. (call probe<Total>) x)"),
        ("probe < t", "(< probe t)"),
    ]);
}

#[test]
fn struct_list_and_spawn_literals() {
    check(&[
        ("Point { x: 1, y: 2 }", "(lit Point x: 1 y: 2)"),
        ("Point { x: 1, y: 2, }", "(lit Point x: 1 y: 2)"),
        ("geo.Point { x: 1 }", "(lit geo.Point x: 1)"),
        ("Empty {}", "(lit Empty)"),
        ("Line { a: Point { x: 1 }, b: p }", "(lit Line a: (lit Point x: 1) b: p)"),
        ("[1, 2, 3]", "[1 2 3]"),
        ("[]", "[]"),
        ("[[1], [2,],]", "[[1] [2]]"),
        ("spawn Counter { name: \"c1\" }", "(spawn Counter name: \"c1\")"),
        ("spawn_test Looper {}", "(spawn_test Looper)"),
        ("spawn geo.Worker { id: 1 }", "(spawn geo.Worker id: 1)"),
    ]);
}

#[test]
fn if_match_block_lambda() {
    check(&[
        ("if a { 1 } else { 2 }", "(if a {1} else {2})"),
        ("if a { 1 } else if b { 2 } else { 3 }", "(if a {1} else (if b {2} else {3}))"),
        ("if a == b { c }", "(if (== a b) {c})"),
        ("if x == (Point { x: 1 }) { c }", "(if (== x (lit Point x: 1)) {c})"),
        ("match x { 1 => a, _ => b }", "(match x [1 => a] [_ => b])"),
        ("match p { q => 1 }", "(match p [$q => 1])"),
        ("{ a }", "{a}"),
        ("(x: i32): i32 => x * 2", "(lambda (x: i32) i32 (* x 2))"),
        ("(x: i32, y: i32,): i32 => x", "(lambda (x: i32, y: i32) i32 x)"),
        ("(): void => { f() }", "(lambda () void {(call f)})"),
        ("(x: i32): void => { println(str(x)) }", "(lambda (x: i32) void {(call println (call str x))})"),
        ("list_map(xs, (x: i64): i64 => x + 1)", "(call list_map xs (lambda (x: i64) i64 (+ x 1)))"),
        ("(f: fn(i32) i32): fn(i32) => f", "(lambda (f: fn(i32) i32) fn(i32) f)"),
    ]);
}

#[test]
fn patterns() {
    let src = r#"fn f() {
    match v {
        _ => 0,
        x => 1,
        42 => 2,
        -7 => 3,
        'a' => 4,
        "str" => 5,
        true => 6,
        false => 7,
        none => 8,
        some(p) => 9,
        ok(_) => 10,
        err(e) => 11,
        Shape.Circle(r) => 12,
        Shape.Empty => 13,
        geo.Shape.Rect(w, _) => 14,
        some(Shape.Circle(r)) => 15,
    }
}"#;
    assert_eq!(
        file(&parse_ok(src)),
        "(fn f() {(match v [_ => 0] [$x => 1] [42 => 2] [-7 => 3] ['a' => 4] [\"str\" => 5] [true => 6] \
         [false => 7] [none => 8] [some($p) => 9] [ok(_) => 10] [err($e) => 11] [Shape.Circle($r) => 12] \
         [Shape.Empty => 13] [geo.Shape.Rect($w, _) => 14] [some(Shape.Circle($r)) => 15])})"
    );
}

#[test]
fn match_arm_separators() {
    let src = "fn f() {\n    match x {\n        1 => { a() }\n        2 => b, 3 => c\n        _ => {\n            d()\n        },\n    }\n}";
    assert_eq!(
        file(&parse_ok(src)),
        "(fn f() {(match x [1 => {(call a)}] [2 => b] [3 => c] [_ => {(call d)}])})"
    );
}

#[test]
fn statements() {
    assert_eq!(
        stmts_str(
            "
            let a = 1
            let b: i64 = 2
            var c: list<i32>
            var d
            c = 3
            p.x += 1
            xs[i] -= 2
            a *= 3; a /= 4; a %= 5
            a &= 1; a |= 2; a ^= 3; a <<= 4; a >>= 5
            return
            return a + 1
            break
            continue
            for { break }
            for n < 3 { n += 1 }
            for i in 0..10 { }
            for i in a + 1..b * 2 { }
            for x in xs { }
            for k, v in m { }
            send c Add { n: 5 }
            send m.reply Total { n: self.total }
            send c msg
            send workers[i] make_msg(1)
            send_test c Get { reply: p }
            f()
        "
        ),
        "(let a = 1)
(let b: i64 = 2)
(var c: list<i32>)
(var d)
(= c 3)
(+= (. p x) 1)
(-= ([] xs i) 2)
(*= a 3)
(/= a 4)
(%= a 5)
(&= a 1)
(|= a 2)
(^= a 3)
(<<= a 4)
(>>= a 5)
(return)
(return (+ a 1))
break
continue
(loop {break})
(while (< n 3) {(+= n 1)})
(for i in 0..10 {})
(for i in (+ a 1)..(* b 2) {})
(for x in xs {})
(for k, v in m {})
(send c (lit Add n: 5))
(send (. m reply) (lit Total n: (. self total)))
(send c msg)
(send ([] workers i) (call make_msg 1))
(send_test c (lit Get reply: p))
(call f)"
    );
}

#[test]
fn heads_do_not_take_struct_literals() {
    assert_eq!(
        stmts_str("if x == p { a }\nfor x in xs { b }\nfor ok { c }\nmatch p { _ => 1 }"),
        "(if (== x p) {a})\n(for x in xs {b})\n(while ok {c})\n(match p [_ => 1])"
    );
}

#[test]
fn types() {
    let src = "fn f(a: i32, b: geo.Point, c: list<T>, d: map<string, list<i32>>, e: option<result<i32, string>>, \
               g: fn(i32, string) bool, h: fn(), i: mailbox<Counter>, j: reply<Total>, k: probe<Total>) fn(i32) i32 { }";
    assert_eq!(
        file(&parse_ok(src)),
        "(fn f(a: i32, b: geo.Point, c: list<T>, d: map<string, list<i32>>, e: option<result<i32, string>>, \
         g: fn(i32, string) bool, h: fn(), i: mailbox<Counter>, j: reply<Total>, k: probe<Total>) fn(i32) i32 {})"
    );
    assert_eq!(
        stmts_str("var m: map<string, map<string, list<i32>>> = map_new()\nvar x: list<i32>\nx = y"),
        "(var m: map<string, map<string, list<i32>>> = (call map_new))\n(var x: list<i32>)\n(= x y)"
    );
}

#[test]
fn items() {
    let src = "
namespace a.b
use c.d
use e = f.g
const N = 1
const M: i64 = -1
struct P { x: i32, y: i32 }
struct Q {
    x: i32
    y: list<i32>
}
struct E {}
message M { n: i64 }
enum S { A, B(i32), C(i32, f64), }
enum T {
    A
    B(i32)
}
fn f() { }
fn g(x: i32) i32 { return x }
extern fn h(p: ptr) i32
extern fn k()
actor A {
    state n: i64 = 0
    state s: string
    on start() { }
    on M(m) { }
    on Ping() { }
    fn helper() { }
}
actor Empty {}
test \"t\" { }
bench \"b\" { }
";
    assert_eq!(
        file(&parse_ok(src)),
        "(namespace a.b)
(use c.d)
(use e = f.g)
(const N 1)
(const M: i64 (- 1))
(struct P [x: i32, y: i32])
(struct Q [x: i32, y: list<i32>])
(struct E [])
(message M [n: i64])
(enum S A B(i32) C(i32, f64))
(enum T A B(i32))
(fn f() {})
(fn g(x: i32) i32 {(return x)})
(extern fn h(p: ptr) i32)
(extern fn k())
(actor A (state n: i64 = 0) (state s: string) (on start() {}) (on M(m) {}) (on Ping() {}) (fn helper() {}))
(actor Empty )
(test \"t\" {})
(bench \"b\" {})"
    );
}

#[test]
fn spans_cover_their_nodes() {
    let src = "fn f() { let x = a.b(c) + 1 }";
    let f = parse_ok(src);
    let purrc::ast::Item::Fn(fd) = &f.items[0] else { panic!() };
    assert_eq!(&src[fd.span.start as usize..fd.span.end as usize], src);
    let stmt = &fd.body.stmts[0];
    assert_eq!(&src[stmt.span.start as usize..stmt.span.end as usize], "let x = a.b(c) + 1");
    let purrc::ast::StmtKind::Let { value: Some(v), .. } = &stmt.kind else { panic!() };
    assert_eq!(&src[v.span.start as usize..v.span.end as usize], "a.b(c) + 1");
}
