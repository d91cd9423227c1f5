//! The `purr` code blocks of the language reference (docs/language.md), copied verbatim.

pub const S1_NAMESPACE_MATH: &str = r#"namespace example.math          // optional; must be the first declaration

fn add(x: i32, y: i32) i32 { return x + y }
"#;
pub const S1_IMPORTS: &str = r#"namespace example.app
use example.math                // binds the last segment: math
use m2 = example.math           // explicit alias

fn main() {
    println(str(math.add(1, 2)))     // qualified access: ok
    println(str(m2.add(3, 4)))
}
"#;
pub const S4_DECLARATIONS: &str = r#"const PORT: i32 = 7000

struct Point { x: i32, y: i32 }

enum Shape {
    Circle(f64),
    Rect(f64, f64),
    Empty,
}

fn area(s: Shape) f64 {
    return match s {
        Shape.Circle(r) => 3.14159 * r * r,
        Shape.Rect(w, h) => w * h,
        Shape.Empty => 0.0,
    }
}

extern fn abs(x: i32) i32                 // a C function, see §9
"#;
pub const S5_STATEMENTS: &str = r#"fn demo() {
    let fixed = 10               // immutable binding
    var total: i64 = 0           // mutable binding, type optional
    for i in 0..fixed { total += i64(i) }          // half-open range
    var names: list<string> = ["ada", "bob"]
    list_push(names, "cy")       // mutates `names` (the variable's own copy)
    for n in names { println(n) }
    var ages: map<string, i32> = map_new()
    ages["ada"] = 36             // insert or overwrite
    for k, v in ages { println("{k}: {v}") }
    var n = 0
    for n < 3 { n += 1 }         // while-style loop
    for { break }                // infinite loop
    if total > 40 { println("big") } else if total == 0 { println("zero") } else { println("small") }
    let label = if total > 40 { "big" } else { "small" }     // if is an expression too
    match map_get(ages, "bob") {
        some(a) => println("bob is {a}"),
        none => println("no bob"),
    }
}
"#;
pub const S7_ACTORS: &str = r#"message Add { n: i64 }
message Get { reply: reply<Total> }
message Total { n: i64 }

actor Counter {
    state total: i64 = 0            // default used when spawn omits it
    state name: string              // no default: spawn must give it

    on Add(m) { self.total += m.n }
    on Get(m) { send m.reply Total { n: self.total } }

    fn describe() string { return "{self.name}={self.total}" }   // private helper
}

actor Main {
    state seen: i64 = 0
    on start() {
        let c = spawn Counter { name: "c1" }      // c: mailbox<Counter>
        send c Add { n: 5 }
        send c Get { reply: self }   // self: mailbox<Main>, coerces to reply<Total>
    }
    on Total(t) {
        println("total = {t.n}")     // prints: total = 5
    }
}
"#;
pub const S8_TESTS_BENCHES: &str = r#"test "counter sums adds" {
    let c = spawn_test Counter { name: "t" }
    send_test c Add { n: 2 }
    send_test c Add { n: 3 }
    let p = probe<Total>()          // collects messages sent to it
    send_test c Get { reply: p }    // a probe<T> coerces to reply<T>
    drain()                         // run the deterministic scheduler until idle
    expect_eq(len(probe_received(p)), 1)
    expect_eq(probe_received(p)[0].n, 5)
}

test "output is captured" {
    println("hello")
    expect_output("hello\n")        // compares with stdout captured since the last check
}

message Hop { left: i64 }

actor Looper {
    on Hop(h) { if h.left > 0 { send self Hop { left: h.left - 1 } } }
}

bench "self-send 100k" {
    let a = spawn_test Looper {}
    send_test a Hop { left: 100000 }
    drain()
}
"#;
pub const S9_C_INTEROP: &str = r#"extern fn getpid() i32
extern fn write(fd: i32, buf: bytes, count: i64) i64

fn main() {
    let msg = to_bytes("hi\n")
    write(1, msg, len(msg))
    println(str(getpid() > 0))
}
"#;

/// All spec examples, by name (also used by the robustness tests).
pub const S11_NET: &str = r#"use std.net

actor Session {
    state conn: net.Conn
    on start() { net.attach(self.conn, net.Framing.Line(65536)) }
    on net.Data(d) {
        var out = to_bytes("you said: ")
        bytes_append(out, d.data)
        bytes_append(out, to_bytes("\n"))
        match net.write(self.conn, out) {
            net.WriteState.Throttled => { net.pause(self.conn) }   // resume on net.Writable
            _ => {}
        }
    }
    on net.Writable(w) { net.resume(self.conn) }
    on net.Closed(c) { stop() }
}

actor Main {
    on start() {
        match net.listen("127.0.0.1", 0) {                 // port 0: any free port
            ok(l) => { println("listening on {net.local_port(l)}") }
            err(e) => { eprintln("listen: {e}"); exit(1) }
        }
    }
    on net.Accepted(a) { spawn Session { conn: a.conn } }
}
"#;

pub const S11_FILE: &str = r#"use std.file

actor Log {
    state f: option<file.File> = none
    on start() {
        match file.open("data/log.0", file.Mode.Append) {
            ok(f) => {
                self.f = some(f)
                match file.append(f, to_bytes("record\n")) {   // result<i64, string>: offset
                    ok(at) => { file.sync(f) }                 // later: file.Synced
                    err(e) => { eprintln(e) }
                }
            }
            err(e) => { eprintln(e) }
        }
    }
    on file.Synced(s) { println("durable up to {s.upto}") }
}
"#;

pub const ALL: &[(&str, &str)] = &[
    ("s1_namespace_math", S1_NAMESPACE_MATH),
    ("s1_imports", S1_IMPORTS),
    ("s4_declarations", S4_DECLARATIONS),
    ("s5_statements", S5_STATEMENTS),
    ("s7_actors", S7_ACTORS),
    ("s8_tests_benches", S8_TESTS_BENCHES),
    ("s9_c_interop", S9_C_INTEROP),
    ("s11_net", S11_NET),
    ("s11_file", S11_FILE),
];
