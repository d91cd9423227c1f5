//! examples/broker-bench, the binary protocol's load generator, builds from
//! its own directory and the broker's sources (`-I examples/broker`) and
//! drives the broker (`--port 0 --binary-port 0`) over real sockets, with a
//! few thousand messages in each mode, every one of them arriving once.
//! Both ports serve the same streams and channels; dead letters reach
//! `key:dlq` for binary consumers; bad input ends only the connection that
//! sent it; under valgrind, binary clients leave no memory error or leak.
//! The generated C of the programs is warning-free.
//!
//! Every wait is bounded: the bench has its own `--timeout`, the broker's
//! first lines and every socket read have deadlines, and the broker is
//! killed when the test ends, however it ends.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{compile_warning_free, purrc, repo_root, skip_without, CHECK_HEAP};
use server::{Run, Server};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

/// Builds `source` (a directory of the repository) with `-I examples/broker`
/// into target/broker-bench/OUT, once per run.
fn build(source: &str, out: &str) -> PathBuf {
    let dir = repo_root().join("target").join("broker-bench");
    std::fs::create_dir_all(&dir).expect("target/broker-bench");
    let exe = dir.join(out);
    let built = purrc()
        .current_dir(repo_root())
        .args([source, "-I", "examples/broker", "-O0", "-o"])
        .arg(&exe)
        .output()
        .expect("purrc runs");
    assert!(built.status.success(), "building {source} failed:\n{}", String::from_utf8_lossy(&built.stderr));
    exe
}

fn bench() -> &'static PathBuf {
    static BENCH: OnceLock<PathBuf> = OnceLock::new();
    BENCH.get_or_init(|| build("examples/broker-bench", "broker-bench"))
}

fn broker() -> &'static PathBuf {
    static BROKER: OnceLock<PathBuf> = OnceLock::new();
    BROKER.get_or_init(|| build("examples/broker", "broker"))
}

/// The broker on free ports (tests/common/server.rs): `port` is the
/// binary one, `resp` the RESP one; killed when dropped.
struct Broker {
    server: Server,
    port: u16,
    resp: u16,
}

impl Broker {
    fn start(run: Run) -> Broker {
        let mut server = Server::start(run.command(broker(), &["--port", "0", "--binary-port", "0"]), run.patience());
        let line = server.line();
        let port = line
            .strip_prefix("binary listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("expected `binary listening on PORT`, got {line:?}"));
        Broker { resp: server.port, port, server }
    }

    /// SIGTERM: the broker must exit 0 with nothing on stderr.
    fn stop(mut self) {
        self.server.terminate();
    }

    fn connect(&self, port: u16) -> std::net::TcpStream {
        let s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(self.server.patience)).expect("read timeout");
        s
    }
}

/// Runs the bench with `args` against `port`; its own --timeout bounds it.
fn run_bench(port: u16, args: &[&str]) -> Output {
    Command::new(bench()).args(["--port", &port.to_string(), "--timeout", "30000"]).args(args).output().expect("the bench runs")
}

/// The `key=value` pairs of the bench's RESULT line.
fn result_of(out: &Output) -> Vec<(String, String)> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")).unwrap_or_else(|| {
        panic!("no RESULT line ({}):\n{stdout}{}", out.status, String::from_utf8_lossy(&out.stderr))
    });
    line.split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// Fails unless the run succeeded and its RESULT line has every pair of `wanted`.
fn expect_result(out: &Output, wanted: &[(&str, &str)]) {
    let result = result_of(out);
    for (k, v) in wanted {
        let got = result.iter().find(|(key, _)| key == k).map(|(_, value)| value.as_str());
        assert_eq!(got, Some(*v), "{k} in {result:?}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(out.status.success(), "exit {}: {}", out.status, String::from_utf8_lossy(&out.stderr));
}

#[test]
fn appends_reach_the_consumer_group_once_each() {
    let server = Broker::start(Run::Native);
    let out = run_bench(server.port, &["-n", "3000", "-s", "100", "-c", "3", "-d", "8", "--consumers", "2", "--count", "50"]);
    expect_result(
        &out,
        &[
            ("mode", "xadd"),
            ("n", "3000"),
            ("size", "100"),
            ("produced", "3000"),
            ("consumed", "3000"),
            ("lost", "0"),
            ("dup", "0"),
            ("refused", "0"),
        ],
    );
    // A second run on the same server uses a stream of its own.
    let out = run_bench(server.port, &["-n", "500", "-d", "1", "--consumers", "1"]);
    expect_result(&out, &[("produced", "500"), ("consumed", "500"), ("lost", "0")]);
}

/// Binary clients in both modes, their blocked reads ended by their
/// closing, then SIGTERM: no memory error and no leak under valgrind.
#[test]
fn binary_clients_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    let server = Broker::start(Run::Valgrind);
    let out = run_bench(server.port, &["-n", "1000", "-c", "2", "--consumers", "2", "--count", "50"]);
    expect_result(&out, &[("produced", "1000"), ("consumed", "1000"), ("lost", "0"), ("dup", "0")]);
    let out = run_bench(server.port, &["--mode", "publish", "-n", "1000", "--consumers", "2"]);
    expect_result(&out, &[("produced", "1000"), ("consumed", "2000"), ("lost", "0"), ("dup", "0")]);
    server.stop();
}

#[test]
fn publishes_reach_every_subscriber() {
    let server = Broker::start(Run::Native);
    let out = run_bench(server.port, &["--mode", "publish", "-n", "2000", "-c", "2", "-d", "16", "--consumers", "3"]);
    expect_result(
        &out,
        &[("mode", "publish"), ("produced", "2000"), ("consumed", "6000"), ("lost", "0"), ("dup", "0"), ("refused", "0")],
    );
}

#[test]
fn bad_command_lines_exit_2() {
    for args in [&[][..], &["--port", "70000"], &["--port", "1", "-s", "8"], &["--port", "1", "--mode", "mqtt"], &["--port", "1", "-x", "1"]] {
        let out = Command::new(bench()).args(args).output().expect("the bench runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: broker-bench"), "{args:?}: {stderr}");
    }
}

#[test]
fn no_server_is_a_failure_not_a_hang() {
    // A port nobody listens on: bind one, note it, let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    for mode in ["xadd", "publish"] {
        let out = run_bench(port, &["--mode", mode, "-n", "10"]);
        assert_eq!(out.status.code(), Some(1), "{mode}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn generated_c_is_warning_free() {
    let cases: [&[&str]; 3] =
        [&["examples/broker-bench", "-I", "examples/broker"], &["examples/broker"], &["--test", "examples/broker"]];
    for args in cases {
        let out = purrc().current_dir(repo_root()).arg("--emit").arg("c").args(args).output().expect("purrc runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        compile_warning_free(&out.stdout).unwrap_or_else(|e| panic!("{args:?}:\n{e}"));
    }
}

/// Reads from `stream` until the peer closes (bounded by the read timeout).
fn read_to_close(stream: &mut std::net::TcpStream) -> Vec<u8> {
    use std::io::Read;
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let mut got = vec![];
    let _ = stream.read_to_end(&mut got);
    got
}

/// A frame as the protocol writes it: length, type, request, body.
fn frame(kind: u8, request: u32, body: &[u8]) -> Vec<u8> {
    let mut f = ((5 + body.len()) as u32).to_be_bytes().to_vec();
    f.push(kind);
    f.extend(request.to_be_bytes());
    f.extend(body);
    f
}

const HELLO: &[u8] = b"\x00\x00\x00\x0b\x01\x00\x00\x00\x01PURR\x00\x01";
const WELCOME: &[u8] = b"\x00\x00\x00\x0b\x81\x00\x00\x00\x01\x00\x01\x01\x00\x00\x00";

/// Garbage, a hostile length, an unknown type and a half frame each end
/// their own connection, with an ERROR first where the server can say
/// why; the server goes on serving everyone else.
#[test]
fn bad_input_ends_only_that_connection() {
    use std::io::Write;
    let server = Broker::start(Run::Native);
    let connect = || server.connect(server.port);
    let error = |code: u16, text: &str| {
        let mut body = code.to_be_bytes().to_vec();
        body.extend((text.len() as u16).to_be_bytes());
        body.extend(text.as_bytes());
        frame(0x8f, 0, &body)
    };

    let mut http = connect();
    http.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    assert_eq!(read_to_close(&mut http), error(2, "frame length 1195725856 is not within 5..16777216"));

    let mut unknown = connect();
    let mut bytes = HELLO.to_vec();
    bytes.extend(frame(0x02, 2, b"\x00\x00\x00\x01a"));
    bytes.extend(frame(0x42, 3, b""));
    bytes.extend(frame(0x02, 4, b"\x00\x00\x00\x00"));
    unknown.write_all(&bytes).expect("write");
    let mut expected = WELCOME.to_vec();
    expected.extend(frame(0x82, 2, b"\x00\x00\x00\x01a"));
    expected.extend(error(3, "unknown frame type 0x42"));
    assert_eq!(read_to_close(&mut unknown), expected);

    let mut lying = connect();
    let mut bytes = HELLO.to_vec();
    bytes.extend(frame(0x03, 2, b"\x00\x01c\xff\xff\xff\xff"));
    lying.write_all(&bytes).expect("write");
    let mut expected = WELCOME.to_vec();
    expected.extend(error(1, "malformed PUBLISH frame: a field runs past the end of the frame"));
    assert_eq!(read_to_close(&mut lying), expected);

    // Half a frame, then the client goes away.
    let mut half = connect();
    half.write_all(&HELLO[..7]).expect("write");
    drop(half);

    let out = run_bench(server.port, &["-n", "300", "--consumers", "1"]);
    expect_result(&out, &[("produced", "300"), ("consumed", "300"), ("lost", "0")]);
    // The RESP port too, and a RESP request on the binary port ends only
    // that connection.
    let mut resp = server.connect(server.resp);
    resp_exchange(&mut resp, "PING\r\n", "+PONG\r\n");
    let mut confused = connect();
    confused.write_all(b"*1\r\n$4\r\nPING\r\n").expect("write");
    assert_eq!(read_to_close(&mut confused), error(2, "frame length 707857674 is not within 5..16777216"));
    resp_exchange(&mut resp, "PING\r\n", "+PONG\r\n");
}

/// Writes a RESP request and reads exactly the reply expected.
fn resp_exchange(s: &mut std::net::TcpStream, request: &str, reply: &str) {
    use std::io::{Read, Write};
    s.write_all(request.as_bytes()).expect("write");
    let mut got = vec![0; reply.len()];
    s.read_exact(&mut got).unwrap_or_else(|e| panic!("{request:?}: {e}"));
    assert_eq!(String::from_utf8_lossy(&got), reply, "{request:?}");
}

/// Sends binary frames and reads replies until `n` frames came; returns them
/// as (type, request, body), in arrival order.
fn binary_exchange(s: &mut std::net::TcpStream, frames: &[Vec<u8>], n: usize) -> Vec<(u8, u32, Vec<u8>)> {
    use std::io::{Read, Write};
    s.write_all(&frames.concat()).expect("write");
    let mut got = vec![];
    for _ in 0..n {
        let mut head = [0u8; 9];
        s.read_exact(&mut head).expect("a frame's head");
        let len = u32::from_be_bytes(head[..4].try_into().unwrap()) as usize;
        let mut body = vec![0; len - 5];
        s.read_exact(&mut body).expect("a frame's body");
        got.push((head[4], u32::from_be_bytes(head[5..9].try_into().unwrap()), body));
    }
    got
}

fn str16(s: &str) -> Vec<u8> {
    let mut out = (s.len() as u16).to_be_bytes().to_vec();
    out.extend(s.as_bytes());
    out
}

fn bytes32(b: &[u8]) -> Vec<u8> {
    let mut out = (b.len() as u32).to_be_bytes().to_vec();
    out.extend(b);
    out
}

/// One broker, two protocols: a binary XADD is read over RESP; a binary
/// consumer that NACKs an entry past MAXDELIVER (set over RESP) sends it to
/// `key:dlq`; a RESP PUBLISH reaches a binary subscriber; INFO counts the
/// binary client and shows the binary port.
#[test]
fn both_ports_serve_the_same_streams_and_channels() {
    let server = Broker::start(Run::Native);
    let mut bin = server.connect(server.port);
    let mut resp = server.connect(server.resp);
    let mut xadd = str16("jobs");
    xadd.extend(2u16.to_be_bytes());
    xadd.extend(bytes32(b"task"));
    xadd.extend(bytes32(b"one"));
    let mut group = str16("jobs");
    group.extend(str16("g"));
    group.push(0);
    let got = binary_exchange(&mut bin, &[HELLO.to_vec(), frame(0x07, 2, &group), frame(0x06, 3, &xadd)], 3);
    assert_eq!(got[0], (0x81, 1, WELCOME[9..].to_vec()));
    assert_eq!(got[1], (0x83, 2, vec![]));
    assert_eq!((got[2].0, got[2].1), (0x85, 3));
    let ms = u64::from_be_bytes(got[2].2[..8].try_into().unwrap());
    let id = format!("{ms}-0");
    resp_exchange(&mut resp, "XLEN jobs\r\n", ":1\r\n");
    resp_exchange(&mut resp, "PURR.GROUP SET jobs g MAXDELIVER 1\r\n", "+OK\r\n");
    let mut read = str16("jobs");
    read.extend(str16("g"));
    read.extend(str16("c"));
    read.extend(10u32.to_be_bytes());
    read.extend(1000u32.to_be_bytes());
    let mut nack = str16("jobs");
    nack.extend(str16("g"));
    nack.extend(0u32.to_be_bytes());
    nack.extend(1u32.to_be_bytes());
    nack.extend(&got[2].2);
    let got = binary_exchange(&mut bin, &[frame(0x08, 4, &read)], 1);
    assert_eq!((got[0].0, got[0].1), (0x86, 4), "ENTRIES");
    // NACKed after its one delivery: dead-lettered by the owner's sweep,
    // and the blocked read that follows times out with nothing.
    let got = binary_exchange(&mut bin, &[frame(0x0a, 5, &nack), frame(0x08, 6, &read)], 2);
    assert_eq!(got[0], (0x84, 5, 1u64.to_be_bytes().to_vec()));
    let mut empty = str16("jobs");
    empty.extend(0u32.to_be_bytes());
    assert_eq!(got[1], (0x86, 6, empty));
    let letter = format!("*1\r\n*2\r\n${}\r\n", id.len());
    resp_exchange(&mut resp, "XRANGE jobs:dlq - + COUNT 1\r\n", &letter);
    let mut rest = vec![0u8; 0];
    {
        use std::io::Read;
        let mut byte = [0u8; 1];
        while !String::from_utf8_lossy(&rest).contains("deliveries") {
            resp.read_exact(&mut byte).expect("the dead letter");
            rest.push(byte[0]);
        }
    }
    let rest = String::from_utf8_lossy(&rest).to_string();
    assert!(rest.contains(&format!("$2\r\nid\r\n${}\r\n{id}\r\n$5\r\ngroup\r\n$1\r\ng\r\n", id.len())), "{rest}");
    let mut sub = vec![0u8];
    sub.extend(str16("news"));
    let got = binary_exchange(&mut bin, &[frame(0x04, 7, &sub)], 1);
    assert_eq!(got[0], (0x83, 7, vec![]));
    let mut other = server.connect(server.resp);
    resp_exchange(&mut other, "PUBLISH news hi\r\n", ":1\r\n");
    let mut deliver = str16("news");
    deliver.extend(bytes32(b"hi"));
    assert_eq!(binary_exchange(&mut bin, &[], 1)[0], (0x87, 7, deliver));
    let info = resp_info(&mut other);
    for line in ["connected_clients:3\r\n", "binary_clients:1\r\n", "pubsub_clients:1\r\n", &format!("binary_port:{}\r\n", server.port)] {
        assert!(info.contains(line), "no {line:?} in INFO:\n{info}");
    }
}

/// INFO's text (a bulk string).
fn resp_info(s: &mut std::net::TcpStream) -> String {
    use std::io::{Read, Write};
    s.write_all(b"INFO\r\n").expect("write");
    let mut head = vec![];
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n") {
        s.read_exact(&mut byte).expect("INFO's length");
        head.push(byte[0]);
    }
    let n: usize = String::from_utf8_lossy(&head[1..head.len() - 2]).parse().expect("a bulk length");
    let mut text = vec![0; n + 2];
    s.read_exact(&mut text).expect("INFO's text");
    String::from_utf8_lossy(&text).to_string()
}
