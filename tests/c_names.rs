//! C names are injective and never reserved (purrc/src/codegen_c/names.rs,
//! docs/compiler.md): programs made of names that collide under a naive
//! mangling — for every kind of name: locals, parameters, fields, state
//! fields, variants, functions, types, messages, handlers, actor functions,
//! namespaces, externs, lambdas — compile without a warning (as C11 and as
//! GNU C, `-Wall -Wextra -Werror`) and print what they should.

mod common;

use common::{parallel, purrc, repo_root, report, run};
use std::fmt::Write;
use std::process::Command;

/// Names that C, the headers, purr.h or purrc's own names could clash with,
/// and pairs that differ only in where their underscores are.
const TRICKY: &[&str] = &[
    "int", "double", "default", "static", "char", "auto", "register", "signed", "typeof", "asm", "inline",
    "restrict", "alignas", "nullptr", "tmp__1", "tmp__2", "tmp", "purr_x", "purr_str", "purrc_lit_0",
    "purrc_opt_i64", "PURR_H", "main__f", "errno", "stdin", "stdout", "int8_t", "int64_t", "size_t", "uint8_t",
    "_Bool", "__x", "_x", "x_", "x__", "x", "x_1", "x_01", "x_2", "x__2", "a_b", "a__b", "_a_b", "ab", "NULL",
    "EOF", "INT64_C", "INT64_MIN", "N", "linux", "unix", "bool", "strlen", "string", "memcpy", "offsetof", "fmod",
    "retain", "release", "free", "type", "node", "KIND", "drop_node", "dispatch", "drop_state", "dup_any",
    "drop_any", "start", "exited", "on_Add", "on_start", "lambda__1", "Color__Red", "v", "p", "f0", "rc", "tag",
    "as", "u", "value", "is_ok", "hdr", "payload", "unused_", "before", "ctx", "dst", "src", "m", "ns_2purr",
];

/// Names usable as a struct or enum type (not a scalar type's name).
fn type_names() -> impl Iterator<Item = &'static str> {
    TRICKY.iter().copied().filter(|n| !["bool", "string"].contains(n))
}

struct Case {
    name: String,
    files: Vec<(String, String)>,
    expected: String,
}

impl Case {
    fn single(name: &str, source: String, expected: String) -> Case {
        Case { name: name.into(), files: vec![("main.pu".into(), source)], expected }
    }
}

/// Locals and parameters of every name, each also shadowed.
fn locals() -> Case {
    let (mut src, mut out) = (String::new(), String::new());
    for (i, n) in TRICKY.iter().enumerate() {
        writeln!(src, "fn param{i}({n}: i64, other: i64) i64 {{\n    let {n} = {n} + other\n    return {n}\n}}").unwrap();
    }
    src.push_str("fn main() {\n    let _ = 0\n    let _ = 1\n");
    for (i, n) in TRICKY.iter().enumerate() {
        writeln!(src, "    var {n} = {i}\n    {n} += 1\n    let {n} = {n} * 10\n    println(\"{n} {{{n}}} {{param{i}({n}, 1)}}\")").unwrap();
        writeln!(out, "{n} {} {}", (i + 1) * 10, (i + 1) * 10 + 1).unwrap();
    }
    src.push_str("}\n");
    Case::single("locals", src, out)
}

/// A struct whose fields have every name, a message too, and a struct of
/// each name; the C types of their options and results are made as well.
fn fields_and_types() -> Case {
    let (mut src, mut out) = (String::new(), String::new());
    let fields: Vec<String> = TRICKY.iter().map(|n| format!("{n}: i64")).collect();
    writeln!(src, "struct All {{ {} }}", fields.join(", ")).unwrap();
    for n in type_names() {
        writeln!(src, "struct {n} {{ {n}: string }}").unwrap();
    }
    // `option<P>` and `result<P, option<i64>>` against a type named `P_opt`.
    src.push_str("struct P { v: i64 }\nstruct P_opt { v: i64 }\nstruct P_opt_i64 { v: i64 }\n");
    src.push_str("fn main() {\n");
    let inits: Vec<String> = TRICKY.iter().enumerate().map(|(i, n)| format!("{n}: {i}")).collect();
    writeln!(src, "    var all = All {{ {} }}", inits.join(", ")).unwrap();
    for (i, n) in TRICKY.iter().enumerate() {
        writeln!(src, "    all.{n} += 100\n    println(\"field {n} {{all.{n}}}\")").unwrap();
        writeln!(out, "field {n} {}", i + 100).unwrap();
    }
    for n in type_names() {
        writeln!(src, "    let v_{n}: option<{n}> = some({n} {{ {n}: \"{n}\" }})").unwrap();
        writeln!(src, "    match v_{n} {{\n        some(t) => println(\"type \" + t.{n}),\n        none => println(\"none\"),\n    }}").unwrap();
        writeln!(out, "type {n}").unwrap();
    }
    src.push_str(
        "    let a: result<P, option<i64>> = ok(P { v: 1 })\n    let b: result<P_opt, i64> = ok(P_opt { v: 2 })\n    \
         let c: result<P_opt_i64, option<P>> = err(some(P { v: 3 }))\n    let d: option<P_opt_i64> = some(P_opt_i64 { v: 4 })\n    \
         match a {\n        ok(p) => println(\"a {p.v}\"),\n        err(_) => println(\"a err\"),\n    }\n    \
         match b {\n        ok(p) => println(\"b {p.v}\"),\n        err(_) => println(\"b err\"),\n    }\n    \
         match c {\n        ok(p) => println(\"c {p.v}\"),\n        err(e) => match e {\n            some(p) => println(\"c err {p.v}\"),\n            none => println(\"c none\"),\n        },\n    }\n    \
         match d {\n        some(p) => println(\"d {p.v}\"),\n        none => println(\"d none\"),\n    }\n}\n",
    );
    out.push_str("a 1\nb 2\nc err 3\nd 4\n");
    Case::single("fields_and_types", src, out)
}

/// Enums whose variants have every name: without payloads (C tags), with
/// payloads (C constructors, nodes and a union), and an enum and a function
/// that mangle alike (`Color.Red`, `Color__Red`).
fn variants() -> Case {
    let (mut src, mut out) = (String::new(), String::new());
    let names = TRICKY;
    writeln!(src, "enum Tags {{ {} }}", names.join(", ")).unwrap();
    let boxed: Vec<String> = names.iter().enumerate().map(|(i, n)| if i % 2 == 0 { format!("{n}(i64)") } else { n.to_string() }).collect();
    writeln!(src, "enum Boxed {{ {} }}", boxed.join(", ")).unwrap();
    src.push_str("enum Color { Red, Green }\nfn Color__Red() i64 { return 7 }\nfn main__Color__Red() i64 { return 8 }\n");
    src.push_str("fn tag_of(t: Tags) i64 {\n    return match t {\n");
    for (i, n) in names.iter().enumerate() {
        writeln!(src, "        Tags.{n} => {i},").unwrap();
    }
    src.push_str("    }\n}\nfn boxed_of(b: Boxed) i64 {\n    return match b {\n");
    for (i, n) in names.iter().enumerate() {
        if i % 2 == 0 {
            writeln!(src, "        Boxed.{n}(x) => x + {i},").unwrap();
        } else {
            writeln!(src, "        Boxed.{n} => {i},").unwrap();
        }
    }
    src.push_str("    }\n}\nfn main() {\n");
    for (i, n) in names.iter().enumerate() {
        let value = if i % 2 == 0 { format!("Boxed.{n}(1000)") } else { format!("Boxed.{n}") };
        writeln!(src, "    println(\"{n} {{tag_of(Tags.{n})}} {{boxed_of({value})}}\")").unwrap();
        writeln!(out, "{n} {i} {}", if i % 2 == 0 { 1000 + i } else { i }).unwrap();
    }
    src.push_str("    let c = Color.Red\n    match c {\n        Color.Red => println(\"red\"),\n        Color.Green => println(\"green\"),\n    }\n");
    src.push_str("    println(\"{Color__Red()} {main__Color__Red()}\")\n}\n");
    out.push_str("red\n7 8\n");
    Case::single("variants", src, out)
}

/// Functions of every name, called directly and as values, and lambdas.
fn functions() -> Case {
    let (mut src, mut out) = (String::new(), String::new());
    let names = TRICKY;
    for (i, n) in names.iter().enumerate() {
        writeln!(src, "fn {n}() i64 {{ return {i} }}").unwrap();
    }
    src.push_str("fn apply(f: fn() i64) i64 { return f() }\nfn main() {\n");
    for (i, n) in names.iter().enumerate() {
        writeln!(src, "    println(\"{n} {{{n}()}} {{apply({n})}}\")").unwrap();
        writeln!(out, "{n} {i} {i}").unwrap();
    }
    src.push_str("    let twice = (x: i64): i64 => x * 2\n    let lambda__1 = (x: i64): i64 => x + 1\n");
    src.push_str("    println(\"lambdas {twice(4)} {lambda__1(4)}\")\n}\n");
    out.push_str("lambdas 8 5\n");
    Case::single("functions", src, out)
}

/// Namespaces whose C heads would collide naively (`a.b` and `a_b`), or be
/// reserved (`_a`, `purr`), each with a function `c`, a type `T` and an
/// extern of one C symbol.
fn namespaces() -> Case {
    let spaces = ["a.b", "a_b", "a._b", "a__b", "a.b_c", "a_b.c", "_a", "purr", "purrc", "PURR", "ns_2purr", "ab"];
    let mut files = vec![];
    let mut main = String::from("namespace main\n");
    let mut body = String::new();
    let mut out = String::new();
    for (i, ns) in spaces.iter().enumerate() {
        let alias = format!("n{i}");
        let src = format!(
            "namespace {ns}\n\nextern fn abs(x: i32) i32\nstruct T {{ v: i64 }}\nenum E {{ K(i64), L }}\n\
             fn c() i64 {{ return {i} + i64(abs(-1000)) }}\nfn t() T {{ return T {{ v: {i} }} }}\nfn e() E {{ return E.K({i}) }}\n"
        );
        files.push((format!("ns{i:02}.pu"), src));
        writeln!(main, "use {alias} = {ns}").unwrap();
        writeln!(
            body,
            "    let e{i} = match {alias}.e() {{\n        {alias}.E.K(x) => x,\n        {alias}.E.L => -1,\n    }}\n    \
             println(\"{ns} {{{alias}.c()}} {{{alias}.t().v}} {{e{i}}}\")"
        )
        .unwrap();
        writeln!(out, "{ns} {} {i} {i}", i + 1000).unwrap();
    }
    main.push_str("\nfn abs(x: i64) i64 { return x }\nfn main() {\n");
    main.push_str(&body);
    main.push_str("    println(\"main {abs(-3)}\")\n}\n");
    out.push_str("main -3\n");
    files.push(("zmain.pu".into(), main));
    Case { name: "namespaces".into(), files, expected: out }
}

/// Actors whose handlers, functions and state fields are named like each
/// other's C names and like the generated helpers, and top-level functions
/// named like an actor's members mangled; two namespaces each have an actor
/// `Counter` handling its own message `Add`.
fn actors() -> Case {
    let other = "namespace other\n\nmessage Add { n: i64 }\n\nactor Counter {\n    \
                 on Add(m) { println(\"other.Add {m.n}\") }\n}\n"
        .to_string();
    let mut src = String::from("use other\n\nmessage Add { n: i64 }\nmessage KIND { n: i64 }\nmessage node { n: i64 }\n");
    src.push_str("message drop_node { n: i64 }\nmessage retain { n: i64 }\nmessage Done {}\n\nactor Counter {\n");
    for (i, n) in TRICKY.iter().enumerate() {
        writeln!(src, "    state {n}: i64 = {i}").unwrap();
    }
    src.push_str(
        "    state peer: mailbox<other.Counter>\n    on start() { println(\"start {self.start} {on_start()}\") }\n    \
         on Add(m) {\n        self.x += m.n\n        println(\"Add {self.x} {on_Add()} {start()} {dispatch()}\")\n    }\n    \
         on KIND(m) { println(\"KIND {m.n} {type()}\") }\n    \
         on node(m) { println(\"node {m.n} {exited()}\") }\n    \
         on drop_node(m) { println(\"drop_node {m.n} {drop_state()}\") }\n    \
         on retain(m) { println(\"retain {m.n} {self.retain}\") }\n    \
         on Done() {\n",
    );
    for n in TRICKY {
        writeln!(src, "        println(\"{n} {{self.{n}}}\")").unwrap();
    }
    src.push_str(
        "        send self.peer other.Add { n: 20 }\n        stop()\n    }\n    fn on_Add() i64 { return 1 }\n    fn on_start() i64 { return 2 }\n    fn start() i64 { return 3 }\n    \
         fn dispatch() i64 { return 4 }\n    fn type() i64 { return 5 }\n    fn exited() i64 { return 6 }\n    \
         fn drop_state() i64 { return 7 }\n}\n\n\
         fn Counter__on_Add() i64 { return 11 }\nfn Counter__start() i64 { return 12 }\nfn Counter__state() i64 { return 13 }\n\
         fn Counter__dispatch() i64 { return 14 }\nfn Add__KIND() i64 { return 15 }\n\n\
         fn main() {\n    println(\"{Counter__on_Add()} {Counter__start()} {Counter__state()} {Counter__dispatch()} {Add__KIND()}\")\n    let o = spawn other.Counter {}\n    let c = spawn Counter { peer: o }\n    \
         send c Add { n: 10 }\n    send c KIND { n: 30 }\n    send c node { n: 40 }\n    \
         send c drop_node { n: 50 }\n    send c retain { n: 60 }\n    send c Done {}\n}\n",
    );
    let index = |name: &str| TRICKY.iter().position(|n| *n == name).expect("a tricky name");
    let (start, retain, x) = (index("start"), index("retain"), index("x"));
    let mut out = format!("11 12 13 14 15\nstart {start} 2\nAdd {} 1 3 4\nKIND 30 5\nnode 40 6\ndrop_node 50 7\nretain 60 {retain}\n", x + 10);
    for (i, n) in TRICKY.iter().enumerate() {
        writeln!(out, "{n} {}", if i == x { x + 10 } else { i }).unwrap();
    }
    out.push_str("other.Add 20\n");
    Case { name: "actors".into(), files: vec![("main.pu".into(), src), ("other.pu".into(), other)], expected: out }
}

fn cases() -> Vec<Case> {
    vec![locals(), fields_and_types(), variants(), functions(), namespaces(), actors()]
}

/// `--emit c` compiles warning-free as C11 and as GNU C (where `linux` and
/// `unix` are macros).
fn check_c(dir: &std::path::Path, name: &str) -> Result<(), String> {
    let out = purrc().arg("--emit").arg("c").arg(dir).output().expect("purrc runs");
    if !out.status.success() {
        return Err(format!("{name}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let c = dir.join("prog.c");
    std::fs::write(&c, &out.stdout).map_err(|e| e.to_string())?;
    let include = repo_root().join("runtime-c").join("include");
    for std in ["-std=c11", "-std=gnu11"] {
        let cc = Command::new("cc")
            .args([std, "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I"])
            .arg(&include)
            .arg(&c)
            .output()
            .expect("cc runs");
        if !cc.status.success() {
            return Err(format!("{name} ({std}):\n{}", String::from_utf8_lossy(&cc.stderr)));
        }
    }
    Ok(())
}

#[test]
fn colliding_names_compile_and_run() {
    let cases = cases();
    let failures = parallel(&cases, |case| {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let src = dir.path().join("src");
        std::fs::create_dir(&src).map_err(|e| e.to_string())?;
        for (file, text) in &case.files {
            std::fs::write(src.join(file), text).map_err(|e| e.to_string())?;
        }
        check_c(&src, &case.name)?;
        let exe = dir.path().join("prog");
        let built = purrc().arg(&src).args(["-O0", "-o"]).arg(&exe).output().expect("purrc runs");
        if !built.status.success() {
            return Err(format!("{}: build failed:\n{}", case.name, String::from_utf8_lossy(&built.stderr)));
        }
        let ran = run(&exe, dir.path());
        let stdout = String::from_utf8_lossy(&ran.stdout);
        if ran.status.success() && stdout == case.expected {
            Ok(())
        } else {
            Err(format!("{}: exit {:?}\n--- expected\n{}--- actual\n{stdout}", case.name, ran.status.code(), case.expected))
        }
    });
    report("name-collision programs", cases.len(), failures);
}
