//! A program that uses every construct of the grammar once (robustness and
//! speed tests start from it).

pub const KITCHEN_SINK: &str = r#"namespace demo.all
use std.net
use m = demo.math

const LIMIT: i64 = 1_000_000
const MASK = 0xff_ff
const BITS = 0b1010
const RATE = 1.0e-3
const NL = '\n'

struct Point { x: i32, y: i32 }
struct Line {
    a: Point
    b: Point
}
message Job { id: i64, reply: reply<Done> }
message Done { id: i64 }
enum Shape {
    Circle(f64),
    Rect(f64, f64)
    Empty,
}

extern fn getpid() i32
extern fn write(fd: i32, buf: bytes, count: i64) i64

fn area(s: Shape) f64 {
    return match s {
        Shape.Circle(r) => 3.14159 * r * r,
        Shape.Rect(w, h) => w * h
        Shape.Empty => { 0.0 }
    }
}

fn apply(f: fn(i64) i64, xs: list<i64>) map<string, list<i64>> {
    var out: map<string, list<i64>> = map_new()
    var ys: list<i64>
    ys = list_map(xs, f)
    out["ys"] = ys
    for i in 0..len(xs) - 1 {
        if xs[i] > 0 && !(xs[i] == 3) || xs[i] % 2 != 0 {
            continue
        } else if xs[i] <= -1 { break } else { ys[i] <<= 1; ys[i] >>= 1 }
    }
    for k, v in out { println("{k} = {len(v)} ({str(v[0] + 1)}) {{literal}}") }
    for x in xs { total += x ^ (x & MASK | ~x) }
    var n = 0
    for n < 3 { n += 1 }
    for { break }
    let double = (x: i64): i64 => x * 2
    let noop = (): void => {
        println("nothing")
    }
    let label = if n > 2 { "big" } else { "small" }
    let q = (Point { x: 1, y: 2 })
    if q == (Point { x: 1, y: 2 }) { println('y' == 'y') }
    let words = split("a b", " ")
        .len()
    return out
}

actor Worker {
    state done: i64 = 0
    state name: string
    on start() { println("up") }
    on Job(j) {
        self.done += 1
        send j.reply Done { id: j.id }
    }
    fn describe() string { return "{self.name}: {self.done}" }
}

actor Main {
    on start() {
        let w = spawn Worker { name: "w" }
        send w Job { id: 1, reply: self }
    }
    on Done(d) { println("done {d.id}"); stop() }
}

test "worker replies" {
    let w = spawn_test Worker { name: "t" }
    let p = probe<Done>()
    send_test w Job { id: 7, reply: p }
    drain()
    expect_eq(probe_received(p)[0].id, 7)
    match parse_i64("12") {
        some(v) => expect(v == 12),
        none => panic("no"),
    }
    match "x" { "x" => 1, _ => -2 }
    match 3 { -1 => 0, 0 => 1, _ => 2 }
}

bench "loop" {
    /* a /* nested */ comment */
    for i in 0..100 { }
}
"#;
