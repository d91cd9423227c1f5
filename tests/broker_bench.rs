//! examples/broker-bench, the binary protocol's load generator, builds from
//! its own directory and the broker's sources (`-I examples/broker`) and
//! drives a server of the protocol over real sockets: the stand-in server
//! (examples/broker-bench/standin, broker.binserver) on a free port, with
//! a few thousand messages in each mode, every one of them arriving once.
//! Bad input ends only the connection that sent it. The generated C of the
//! three programs is warning-free.
//!
//! Every wait is bounded: the bench has its own `--timeout`, the server's
//! first line is awaited with a deadline, and the server is killed when the
//! test ends, however it ends.

mod common;

use common::{compile_warning_free, purrc, repo_root};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
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

fn standin() -> &'static PathBuf {
    static STANDIN: OnceLock<PathBuf> = OnceLock::new();
    STANDIN.get_or_init(|| build("examples/broker-bench/standin", "standin"))
}

/// The stand-in server on a free port; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(standin())
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the stand-in starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).expect("the stand-in says its port within 20 s");
        let port = line
            .trim()
            .strip_prefix("binary listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    let server = Server::start();
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

#[test]
fn publishes_reach_every_subscriber() {
    let server = Server::start();
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
    let cases: [&[&str]; 3] = [
        &["examples/broker-bench", "-I", "examples/broker"],
        &["examples/broker-bench/standin", "-I", "examples/broker"],
        &["--test", "examples/broker"],
    ];
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
    use std::net::TcpStream;
    let server = Server::start();
    let connect = || TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
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
}
