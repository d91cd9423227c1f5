//! The broker (examples/broker) end to end: built once, started with
//! `--port 0` (its first line says the port it got), driven over real
//! sockets on 127.0.0.1 with raw RESP, redis-cli, redis-benchmark and
//! redis-py (from `.ci/venv`, or the Python named by PURR_REDIS_PY), and
//! once under valgrind. SIGTERM stops it: it must exit 0 after its last
//! line, with its heap back to zero (PURR_CHECK_HEAP).
//!
//! tests/broker/session.txt is a pipelined session of inline commands and
//! tests/broker/session.expected the bytes Redis 7.0 answers to it; when
//! redis-server is installed the session runs against it too, so the
//! expected bytes stay Redis's own.
//!
//! `broker_and_redis_answer_random_stream_commands_alike` sends the broker
//! and a redis-server the same seeded random stream commands and compares
//! every reply.
//!
//! Every wait is bounded (socket timeouts, a deadline for the exit), and a
//! server that outlives its test is killed by its guard. Tests needing a
//! missing tool print `skipped: TOOL not installed` (CI installs them all:
//! `.ci/run`).

mod common;
#[path = "common/rng.rs"]
mod rng;
#[path = "common/server.rs"]
mod server;

use common::{purrc, repo_root, skip_without, CHECK_HEAP};
use rng::Rng;
use server::{Run, Server};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// examples/broker built once per run (at -O0: the C compiles fast).
fn broker() -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let dir = repo_root().join("target").join("broker-e2e");
        std::fs::create_dir_all(&dir).expect("target/broker-e2e");
        let exe = dir.join("broker");
        let built = purrc().current_dir(repo_root()).args(["examples/broker", "-O0", "-o"]).arg(&exe).output();
        let built = built.expect("purrc runs");
        assert!(built.status.success(), "building the broker failed:\n{}", String::from_utf8_lossy(&built.stderr));
        exe
    })
    .clone()
}

/// A running broker (tests/common/server.rs); killed when dropped.
type Broker = Server;

/// Starts the broker on a free port (`--port 0`) with `args`.
fn start_broker(run: Run, args: &[&str]) -> Broker {
    let mut cmd = run.command(&broker(), &["--port", "0"]);
    cmd.args(args);
    Server::start(cmd, run.patience())
}

/// SIGTERM; it must exit 0 with `stopped after N connections` last and
/// nothing on stderr.
fn stop(mut b: Broker) {
    let rest = b.terminate();
    let last = rest.last().cloned().unwrap_or_default();
    assert!(last.starts_with("stopped after "), "the last line; all of them:\n{}", rest.join("\n"));
}

/// Stops a broker started on what a `kill -9` left. Its stderr may hold
/// recovery notes, and only those a killed process explains: an index
/// that fell behind its segment (written after it) rebuilt, a torn tail cut.
fn stop_after_kill(mut b: Broker) {
    b.signal("TERM");
    let (status, rest, stderr) = b.wait();
    assert!(status.success(), "exit {status} after SIGTERM; stderr:\n{stderr}");
    for line in stderr.lines() {
        let explained = line.ends_with(": did not match its segment, rebuilt") || line.contains(", a torn tail: ");
        assert!(line.starts_with("broker: ") && explained, "stderr:\n{stderr}");
    }
    let last = rest.last().cloned().unwrap_or_default();
    assert!(last.starts_with("stopped after "), "the last line; all of them:\n{}", rest.join("\n"));
}

// ---- raw RESP -------------------------------------------------------------------------------

/// Reads exactly `n` bytes (or fails with what came).
fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    let mut got = 0;
    while got < n {
        match s.read(&mut buf[got..]) {
            Ok(0) => panic!("closed after {got} of {n} bytes: {:?}", String::from_utf8_lossy(&buf[..got])),
            Ok(k) => got += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => panic!("read failed after {got} of {n} bytes ({e}): {:?}", String::from_utf8_lossy(&buf[..got])),
        }
    }
    buf
}

/// Sends `request` and expects exactly `reply` back.
fn exchange(s: &mut TcpStream, request: &str, reply: &str) {
    s.write_all(request.as_bytes()).expect("write");
    let got = read_n(s, reply.len());
    assert_eq!(String::from_utf8_lossy(&got), reply, "reply to {request:?}");
}

/// Expects the peer to close (after nothing more, or after what is left).
fn expect_closed(s: &mut TcpStream) {
    let mut buf = [0u8; 256];
    match s.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!("expected the end, got {:?}", String::from_utf8_lossy(&buf[..n])),
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("expected the end, got {e}"),
    }
}

/// A multibulk request.
fn cmd(args: &[&str]) -> String {
    let mut out = format!("*{}\r\n", args.len());
    for a in args {
        out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    out
}

fn session() -> (Vec<u8>, Vec<u8>) {
    let dir = repo_root().join("tests").join("broker");
    let text = std::fs::read_to_string(dir.join("session.txt")).expect("session.txt");
    let request: Vec<u8> = text.lines().filter(|l| !l.is_empty()).flat_map(|l| format!("{l}\r\n").into_bytes()).collect();
    let expected = std::fs::read(dir.join("session.expected")).expect("session.expected");
    (request, expected)
}

/// Sends the session in pieces of `piece` bytes and reads everything up to
/// the close (the session ends with QUIT).
fn run_session(port: u16, piece: usize, patience: Duration) -> Vec<u8> {
    let (request, _) = session();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(patience)).expect("read timeout");
    s.set_nodelay(true).expect("nodelay");
    for chunk in request.chunks(piece) {
        s.write_all(chunk).expect("write");
    }
    let mut out = vec![];
    s.read_to_end(&mut out).expect("read to the end");
    out
}

fn session_scenario(run: Run) {
    let (_, expected) = session();
    let b = start_broker(run, &[]);
    let pieces: &[usize] = if run == Run::Native { &[1 << 20, 1, 7] } else { &[1 << 20] };
    for &piece in pieces {
        let got = run_session(b.port, piece, b.patience);
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&expected), "the session in pieces of {piece} bytes");
    }
    stop(b);
}

#[test]
fn broker_answers_a_session_as_redis_does() {
    session_scenario(Run::Native);
}

#[test]
fn the_session_is_what_redis_answers() {
    if skip_without("redis-server") {
        return;
    }
    let redis = RedisServer::start();
    let (_, expected) = session();
    let got = run_session(redis.port, 1 << 20, Duration::from_secs(10));
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&expected));
}

/// A redis-server on 127.0.0.1 without persistence; killed when dropped.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts one on a port that was free a moment ago, and again on
    /// another (a few times) when something else took it first; returns
    /// once it answers on that port as itself (INFO's process_id).
    fn start() -> RedisServer {
        for _ in 0..5 {
            let port = {
                let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
                l.local_addr().expect("addr").port()
            };
            let child = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server starts");
            let mut redis = RedisServer { child, port };
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if redis.child.try_wait().expect("try_wait").is_some() {
                    break; // the port was taken: another one
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    let info = Client::at(port, Duration::from_secs(10)).must(&["INFO", "server"]).text();
                    if info.contains(&format!("process_id:{}\r\n", redis.child.id())) {
                        return redis;
                    }
                    break; // something else answers there
                }
                assert!(Instant::now() < deadline, "redis-server did not listen on {port} within 10 s");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("redis-server did not start on any of 5 free ports");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn broker_refuses_bad_flags() {
    for (args, error) in [
        (&["--port", "x"][..], "broker: --port x: not a number"),
        (&["--port", "70000"][..], "broker: --port 70000: not a port (0 to 65535)"),
        (&["--binary-port", "-1"][..], "broker: --binary-port -1: not a port (0 to 65535)"),
        (&["--bogus"][..], "broker: unknown flag --bogus"),
        (&["--max-clients"][..], "broker: --max-clients needs a value"),
        (&["--data-dir", "/nonexistent", "--retain-bytes", "-1"][..], "broker: --retain-bytes -1: 0 (keep everything) or more"),
        (&["--data-dir", "/nonexistent", "--retain-ms", "soon"][..], "broker: --retain-ms soon: not a number"),
        (&["--retain-acked"][..], "broker: --retain-bytes, --retain-ms and --retain-acked need --data-dir"),
    ] {
        let out = Command::new(broker()).args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(&format!("{error}\nusage: broker ")), "{args:?}: {stderr}");
    }
}

#[test]
fn protocol_errors_close_only_that_connection() {
    let b = start_broker(Run::Native, &[]);
    let mut good = b.connect();
    exchange(&mut good, &cmd(&["PING"]), "+PONG\r\n");
    let mut bad = b.connect();
    exchange(&mut bad, "*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n");
    expect_closed(&mut bad);
    let mut huge = b.connect();
    exchange(&mut huge, "*1\r\n$1073741824\r\n", "-ERR Protocol error: invalid bulk length\r\n");
    expect_closed(&mut huge);
    let mut half = b.connect();
    half.write_all(b"*3\r\n$4\r\nXADD\r\n$1\r\n").expect("write");
    drop(half);
    exchange(&mut good, "ECHO \"still here\"\r\n", "$10\r\nstill here\r\n");
    exchange(&mut good, &cmd(&["HELLO", "4"]), "-NOPROTO unsupported protocol version\r\n");
    exchange(&mut good, &cmd(&["SELECT", "x"]), "-ERR value is not an integer or out of range\r\n");
    // One request larger than the input a connection keeps waiting (1 MB):
    // a 3 MB binary value goes in and comes back whole.
    let value: Vec<u8> = (0..3usize << 20).map(|i| (i * 7 % 256) as u8).collect();
    let mut request = b"*5\r\n$4\r\nXADD\r\n$3\r\nbig\r\n$3\r\n1-1\r\n$1\r\nf\r\n".to_vec();
    request.extend(format!("${}\r\n", value.len()).into_bytes());
    request.extend(&value);
    request.extend(b"\r\n");
    request.extend(cmd(&["XRANGE", "big", "-", "+"]).into_bytes());
    good.write_all(&request).expect("write");
    let head = format!("$3\r\n1-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n${}\r\n", value.len());
    assert_eq!(String::from_utf8_lossy(&read_n(&mut good, head.len())), head);
    assert!(read_n(&mut good, value.len() + 2)[..value.len()] == value[..], "the value came back changed");
    // A request of 1,048,576 arguments is read (and is an unknown command).
    let mut many = b"*1048576\r\n".to_vec();
    for _ in 0..1048576 {
        many.extend(b"$1\r\na\r\n");
    }
    good.write_all(&many).expect("write");
    let want = "-ERR unknown command 'a', with args beginning with: ";
    assert_eq!(String::from_utf8_lossy(&read_n(&mut good, want.len())), want);
    let mut rest = vec![];
    while !rest.ends_with(b"\r\n") {
        rest.extend(read_n(&mut good, 1));
    }
    exchange(&mut good, &cmd(&["QUIT"]), "+OK\r\n");
    expect_closed(&mut good);
    stop(b);
}

#[test]
fn max_clients_refuses_with_redis_error() {
    let b = start_broker(Run::Native, &["--max-clients", "1"]);
    let mut first = b.connect();
    exchange(&mut first, &cmd(&["PING"]), "+PONG\r\n");
    let mut second = b.connect();
    let got = read_n(&mut second, "-ERR max number of clients reached\r\n".len());
    assert_eq!(String::from_utf8_lossy(&got), "-ERR max number of clients reached\r\n");
    expect_closed(&mut second);
    exchange(&mut first, &cmd(&["INFO", "stats"]), "");
    let info = read_info(&mut first);
    assert!(info.contains("rejected_connections:1\r\n"), "{info}");
    // INFO with no section: all of them.
    first.write_all(cmd(&["INFO"]).as_bytes()).expect("write");
    let info = read_info(&mut first);
    for line in ["# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Stats\r\n", "# Broker\r\n", "connected_clients:1\r\n",
                 "maxclients:1\r\n", &format!("tcp_port:{}\r\n", b.port), "total_connections_received:1\r\n"] {
        assert!(info.contains(line), "no {line:?} in INFO:\n{info}");
    }
    let rss: u64 = info.split("used_memory_rss:").nth(1).and_then(|r| r.split("\r\n").next()).and_then(|n| n.parse().ok()).expect("used_memory_rss");
    assert!(rss > 1 << 20, "used_memory_rss:{rss}");
    stop(b);
}

/// Reads one bulk string reply (INFO's).
fn read_info(s: &mut TcpStream) -> String {
    let mut header = vec![];
    loop {
        let b = read_n(s, 1)[0];
        header.push(b);
        if header.ends_with(b"\r\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&header).to_string();
    let n: usize = text.trim_start_matches('$').trim_end().parse().unwrap_or_else(|_| panic!("a bulk header: {text:?}"));
    let body = read_n(s, n + 2);
    String::from_utf8_lossy(&body[..n]).to_string()
}

fn blocking_and_pubsub_scenario(run: Run) {
    let b = start_broker(run, &["--pubsub-limit", "65536"]);
    let mut a = b.connect();
    let mut c = b.connect();
    // XREADGROUP BLOCK waits, and its later pipelined commands wait too,
    // until an XADD from another connection wakes it.
    exchange(&mut a, &cmd(&["XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM"]), "+OK\r\n");
    a.write_all((cmd(&["XREADGROUP", "GROUP", "g", "w1", "BLOCK", "0", "STREAMS", "jobs", ">"]) + &cmd(&["PING"])).as_bytes())
        .expect("write");
    std::thread::sleep(Duration::from_millis(100));
    exchange(&mut c, &cmd(&["XADD", "jobs", "7-1", "task", "one"]), "$3\r\n7-1\r\n");
    let want = "*1\r\n*2\r\n$4\r\njobs\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$4\r\ntask\r\n$3\r\none\r\n+PONG\r\n";
    assert_eq!(String::from_utf8_lossy(&read_n(&mut a, want.len())), want);
    // A timeout answers nil; XREAD on two keys with $ is woken by either.
    exchange(&mut a, &cmd(&["XREAD", "BLOCK", "50", "STREAMS", "jobs", "$"]), "*-1\r\n");
    a.write_all(cmd(&["XREAD", "BLOCK", "0", "STREAMS", "other", "jobs", "$", "$"]).as_bytes()).expect("write");
    std::thread::sleep(Duration::from_millis(100));
    exchange(&mut c, &cmd(&["XADD", "other", "1-1", "k", "v"]), "$3\r\n1-1\r\n");
    let want = "*1\r\n*2\r\n$5\r\nother\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n";
    assert_eq!(String::from_utf8_lossy(&read_n(&mut a, want.len())), want);
    // PURR.XADD DELAY: invisible until due, then it wakes a blocked reader.
    exchange(&mut c, &cmd(&["PURR.GROUP", "SET", "jobs", "g", "VISIBILITY", "0", "MAXDELIVER", "0"]), "+OK\r\n");

    // Pub/sub: counts, patterns, subscribed-mode rules.
    let mut sub = b.connect();
    exchange(&mut sub, &cmd(&["SUBSCRIBE", "news"]), "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
    exchange(&mut sub, &cmd(&["PSUBSCRIBE", "n?ws"]), "*3\r\n$10\r\npsubscribe\r\n$4\r\nn?ws\r\n:2\r\n");
    exchange(
        &mut sub,
        &cmd(&["XLEN", "jobs"]),
        "-ERR Can't execute 'xlen': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    exchange(&mut sub, &cmd(&["PING"]), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    exchange(&mut c, &cmd(&["PUBLISH", "news", "hi"]), ":2\r\n");
    let want = "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n*4\r\n$8\r\npmessage\r\n$4\r\nn?ws\r\n$4\r\nnews\r\n$2\r\nhi\r\n";
    assert_eq!(String::from_utf8_lossy(&read_n(&mut sub, want.len())), want);
    exchange(&mut c, &cmd(&["PUBSUB", "NUMSUB", "news", "x"]), "*4\r\n$4\r\nnews\r\n:1\r\n$1\r\nx\r\n:0\r\n");
    exchange(&mut c, &cmd(&["PUBSUB", "CHANNELS"]), "*1\r\n$4\r\nnews\r\n");
    exchange(&mut c, &cmd(&["PUBSUB", "NUMPAT"]), ":1\r\n");

    // A subscriber that never reads is cut off at the output limit; the
    // publisher is never blocked, and INFO counts the drop.
    let mut slow = b.connect();
    exchange(&mut slow, &cmd(&["SUBSCRIBE", "flood"]), "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n");
    let payload = "x".repeat(16 * 1024);
    let publish = cmd(&["PUBLISH", "flood", &payload]);
    let mut receivers = vec![];
    let rounds = 2000; // 32 MB offered to a subscriber allowed 64 KB
    let mut batch = String::new();
    for _ in 0..50 {
        batch.push_str(&publish);
    }
    for _ in 0..rounds / 50 {
        c.write_all(batch.as_bytes()).expect("write");
        for _ in 0..50 {
            let r = read_n(&mut c, 4);
            receivers.push(r);
        }
    }
    assert_eq!(receivers.first().map(|r| String::from_utf8_lossy(r).to_string()), Some(":1\r\n".to_string()));
    assert_eq!(receivers.last().map(|r| String::from_utf8_lossy(r).to_string()), Some(":0\r\n".to_string()));
    // Give the slow connection's actor a moment to report it has gone.
    let deadline = Instant::now() + b.patience;
    loop {
        c.write_all(cmd(&["INFO", "broker"]).as_bytes()).expect("write");
        let info = read_info(&mut c);
        if info.contains("slow_subscribers_dropped:1\r\n") {
            break;
        }
        assert!(Instant::now() < deadline, "the slow subscriber was not counted:\n{info}");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(slow);
    stop(b);
}

#[test]
fn blocking_reads_and_pubsub() {
    blocking_and_pubsub_scenario(Run::Native);
}

#[test]
fn broker_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    session_scenario(Run::Valgrind);
}

#[test]
fn blocking_and_pubsub_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    blocking_and_pubsub_scenario(Run::Valgrind);
}

// ---- redis-cli, redis-benchmark -------------------------------------------------------------

fn tool(name: &str, port: u16, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(name)
        .args(["-p", &port.to_string()])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{name} starts: {e}"));
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{name} {args:?} did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn redis_cli_and_redis_benchmark() {
    if skip_without("redis-cli") || skip_without("redis-benchmark") {
        return;
    }
    let b = start_broker(Run::Native, &[]);
    // Commands read from stdin, one per line.
    let script = "XADD s 1-0 a 1\nXADD s 2-0 b 2\nXGROUP CREATE s g 0\n\
                  XREADGROUP GROUP g c COUNT 1 STREAMS s >\nXPENDING s g\nXACK s g 1-0\nXLEN s\n\
                  PUBLISH ch x\nCLIENT SETNAME cli\nCLIENT GETNAME\n";
    let out = tool("redis-cli", b.port, &[], script);
    assert_eq!(out, "1-0\n2-0\nOK\ns\n1-0\na\n1\n1\n1-0\n1-0\nc\n1\n1\n2\n0\nOK\ncli\n");
    // Mass insertion in pipe mode, XADDs between replies the connection
    // gives itself (thousands of replies waiting in order): every reply
    // is counted.
    let mut pipe = String::new();
    for i in 1..=5000 {
        pipe.push_str(&cmd(&["XADD", "mass", &format!("{i}-0"), "n", &i.to_string()]));
        pipe.push_str(&cmd(&["ECHO", &i.to_string()]));
    }
    let out = tool("redis-cli", b.port, &["--pipe"], &pipe);
    assert!(out.contains("errors: 0, replies: 10000"), "{out}");
    assert_eq!(tool("redis-cli", b.port, &["XLEN", "mass"], ""), "5000\n");
    assert_eq!(tool("redis-cli", b.port, &["XRANGE", "mass", "4999", "+"], ""), "4999-0\nn\n4999\n5000-0\nn\n5000\n");
    // redis-benchmark: PING and XADD, pipelined and not.
    for p in ["1", "16"] {
        tool("redis-benchmark", b.port, &["-q", "-n", "2000", "-c", "5", "-P", p, "-t", "ping"], "");
        tool("redis-benchmark", b.port, &["-q", "-n", "2000", "-c", "5", "-P", p, "XADD", "bench", "*", "d", "x"], "");
    }
    assert_eq!(tool("redis-cli", b.port, &["XLEN", "bench"], ""), "4000\n");
    stop(b);
}

// ---- redis-py --------------------------------------------------------------------------------

/// The Python with redis-py: PURR_REDIS_PY, or .ci/venv/bin/python
/// (`.ci/run` makes it).
fn redis_py() -> Option<PathBuf> {
    let python = match std::env::var_os("PURR_REDIS_PY") {
        Some(p) => PathBuf::from(p),
        None => repo_root().join(".ci").join("venv").join("bin").join("python"),
    };
    let works = Command::new(&python).args(["-c", "import redis"]).output().is_ok_and(|o| o.status.success());
    if works {
        return Some(python);
    }
    assert!(std::env::var_os("CI").is_none(), "redis-py not installed, and CI is set (`.ci/run` makes .ci/venv)");
    eprintln!("skipped: redis-py not installed (.ci/venv)");
    None
}

#[test]
fn redis_py_with_default_settings() {
    let Some(python) = redis_py() else { return };
    let b = start_broker(Run::Native, &[]);
    let script = repo_root().join("tests").join("broker").join("redis_py.py");
    let out = run_python(&python, &script, b.port);
    let expected = std::fs::read_to_string(repo_root().join("tests").join("broker").join("redis_py.expected")).expect("expected");
    assert_eq!(out, expected);
    stop(b);
}

fn run_python(python: &Path, script: &Path, port: u16) -> String {
    let mut child = Command::new(python)
        .arg(script)
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("redis_py.py did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success(), "redis_py.py failed:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

// ---- pbench ----------------------------------------------------------------------------------

/// The peers' load generator (tools/pbench/pbench.c, a copy of the peers'
/// ../shared/peers/broker/pbench.c), built once with gcc.
fn pbench() -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let source = repo_root().join("tools").join("pbench").join("pbench.c");
        let exe = repo_root().join("target").join("broker-e2e").join("pbench");
        std::fs::create_dir_all(exe.parent().expect("dir")).expect("target/broker-e2e");
        let out = Command::new("gcc").args(["-O2", "-pthread", "-o"]).arg(&exe).arg(&source).output().expect("gcc runs");
        assert!(out.status.success(), "building pbench failed:\n{}", String::from_utf8_lossy(&out.stderr));
        exe
    })
    .clone()
}

/// Runs pbench against the broker; returns its RESULT fields.
fn run_pbench(exe: &Path, port: u16, args: &[&str]) -> std::collections::HashMap<String, String> {
    let out = Command::new(exe).arg(args[0]).args(["-p", &port.to_string(), "-T", "30"]).args(&args[1..]).output().expect("pbench runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "pbench {args:?}: {text}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = text.lines().find(|l| l.starts_with("RESULT ")).unwrap_or_else(|| panic!("no RESULT from pbench {args:?}: {text}"));
    line.split_whitespace().skip(1).filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn pbench_loads_lose_nothing() {
    let exe = pbench();
    let b = start_broker(Run::Native, &[]);
    for args in [
        &["redis", "-n", "50000", "-s", "64", "-S", "3"][..],
        &["redis", "-n", "5000", "-s", "64", "-S", "1", "-r", "5000"][..],
        &["xstream", "-n", "50000", "-s", "64", "-S", "2", "-c", "100"][..],
    ] {
        let r = run_pbench(&exe, b.port, args);
        assert_eq!((r["end"].as_str(), r["lost"].as_str(), r["reorder"].as_str()), ("complete", "0", "0"), "pbench {args:?}: {r:?}");
        if args[0] == "xstream" {
            assert_eq!(r["xack_acked"], "50000", "every entry acknowledged once: {r:?}");
        }
    }
    stop(b);
}

// ---- persistence: --data-dir (examples/broker/STORAGE.md) --------------------------------------

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("purr-broker-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir");
        TempDir(dir)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A RESP reply, as far as these tests need one.
#[derive(Debug, Clone, PartialEq)]
enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<String>),
    Array(Option<Vec<Resp>>),
}

impl Resp {
    fn items(&self) -> Vec<Resp> {
        match self {
            Resp::Array(Some(items)) => items.clone(),
            _ => vec![],
        }
    }

    fn text(&self) -> String {
        match self {
            Resp::Simple(s) | Resp::Bulk(Some(s)) => s.clone(),
            other => panic!("expected a string, got {other:?}"),
        }
    }
}

/// Reads one reply; None when the connection broke (the broker was killed).
fn read_resp(r: &mut impl BufRead) -> Option<Resp> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 || !line.ends_with("\r\n") {
        return None;
    }
    let body = line[1..line.len() - 2].to_string();
    Some(match line.as_bytes()[0] {
        b'+' => Resp::Simple(body),
        b'-' => Resp::Error(body),
        b':' => Resp::Int(body.parse().ok()?),
        b'$' => {
            let n: i64 = body.parse().ok()?;
            if n < 0 {
                Resp::Bulk(None)
            } else {
                let mut buf = vec![0; n as usize + 2];
                r.read_exact(&mut buf).ok()?;
                Resp::Bulk(Some(String::from_utf8_lossy(&buf[..n as usize]).to_string()))
            }
        }
        b'*' => {
            let n: i64 = body.parse().ok()?;
            if n < 0 {
                Resp::Array(None)
            } else {
                let mut items = vec![];
                for _ in 0..n {
                    items.push(read_resp(r)?);
                }
                Resp::Array(Some(items))
            }
        }
        _ => return None,
    })
}

/// A client connection that sends commands and reads replies one by one.
struct Client {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl Client {
    fn new(b: &Broker) -> Client {
        let w = b.connect();
        let r = BufReader::new(w.try_clone().expect("clone"));
        Client { w, r }
    }

    /// A connection to 127.0.0.1:`port`, with `patience` as its timeouts.
    fn at(port: u16, patience: Duration) -> Client {
        let w = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        w.set_read_timeout(Some(patience)).expect("read timeout");
        w.set_write_timeout(Some(patience)).expect("write timeout");
        let r = BufReader::new(w.try_clone().expect("clone"));
        Client { w, r }
    }

    /// The reply, or None when the connection broke.
    fn call(&mut self, args: &[&str]) -> Option<Resp> {
        self.w.write_all(cmd(args).as_bytes()).ok()?;
        read_resp(&mut self.r)
    }

    fn must(&mut self, args: &[&str]) -> Resp {
        self.call(args).unwrap_or_else(|| panic!("no reply to {args:?}"))
    }
}

/// What the clients of one crash round were told, and what they asked.
#[derive(Default)]
struct Told {
    added: Vec<(String, u64)>,         // XADD answered: the ID and the entry's number
    delivered: Vec<String>,            // XREADGROUP answered with these IDs
    ack_sent: Vec<String>,             // XACK sent (maybe applied)
    acked: Vec<String>,                // XACK answered 1
}

/// Adds entries one at a time (with the trim options `trim`) until the
/// connection breaks.
fn produce(mut c: Client, first: u64, trim: &[&str]) -> Vec<(String, u64)> {
    let mut added = vec![];
    for n in first.. {
        let n_text = n.to_string();
        let mut xadd = vec!["XADD", "s"];
        xadd.extend_from_slice(trim);
        xadd.extend_from_slice(&["*", "n", &n_text]);
        match c.call(&xadd) {
            Some(Resp::Bulk(Some(id))) => added.push((id, n)),
            Some(other) => panic!("XADD answered {other:?}"),
            None => break,
        }
    }
    added
}

/// Reads the group's new entries and acknowledges each, until the
/// connection breaks.
fn consume(mut c: Client) -> Told {
    let mut told = Told::default();
    loop {
        let Some(reply) = c.call(&["XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "BLOCK", "100", "STREAMS", "s", ">"]) else {
            return told;
        };
        let mut ids = vec![];
        for stream in reply.items() {
            for entry in stream.items()[1].items() {
                ids.push(entry.items()[0].text());
            }
        }
        told.delivered.extend(ids.iter().cloned());
        for id in ids {
            told.ack_sent.push(id.clone());
            match c.call(&["XACK", "s", "g", &id]) {
                Some(Resp::Int(1)) => told.acked.push(id),
                Some(other) => panic!("XACK {id} answered {other:?}"),
                None => return told,
            }
        }
    }
}

/// Parses "ms-seq" for ordering.
fn id_key(id: &str) -> (u64, u64) {
    let (ms, seq) = id.split_once('-').expect("an ID");
    (ms.parse().expect("ms"), seq.parse().expect("seq"))
}

/// Checks the restarted broker against everything the clients were told
/// before the kills: every answered XADD is there with its ID and number,
/// no entry appears twice, no answered XACK is pending again, and every
/// entry up to the group's last-delivered ID is pending or was acknowledged.
fn check_recovered(c: &mut Client, told: &Told) {
    let range = c.must(&["XRANGE", "s", "-", "+"]);
    let mut stored = std::collections::HashMap::new();
    let mut last = (0, 0);
    for entry in range.items() {
        let id = entry.items()[0].text();
        assert!(id_key(&id) > last, "XRANGE out of order or repeated at {id}");
        last = id_key(&id);
        stored.insert(id, entry.items()[1].items()[1].text());
    }
    for (id, n) in &told.added {
        assert_eq!(stored.get(id), Some(&n.to_string()), "the acknowledged XADD {id} (n={n}) after the restart");
    }
    let pending: std::collections::HashSet<String> =
        c.must(&["XPENDING", "s", "g", "-", "+", "1000000"]).items().iter().map(|p| p.items()[0].text()).collect();
    for id in &told.acked {
        assert!(!pending.contains(id), "{id} was acknowledged and is pending again");
    }
    let groups = c.must(&["XINFO", "GROUPS", "s"]).items();
    let info = groups[0].items();
    let at = info.iter().position(|f| *f == Resp::Bulk(Some("last-delivered-id".into()))).expect("last-delivered-id");
    let last_delivered = id_key(&info[at + 1].text());
    for id in &told.delivered {
        assert!(id_key(id) <= last_delivered, "{id} was delivered and the group's cursor is before it");
    }
    let sent: std::collections::HashSet<&String> = told.ack_sent.iter().collect();
    for id in stored.keys() {
        if id_key(id) <= last_delivered {
            assert!(pending.contains(id) || sent.contains(id), "{id} was delivered, never acknowledged, and is not pending: lost");
        }
    }
}

/// `kill -9` at random moments under XADD/XREADGROUP/XACK load, restarting
/// on the same directory each time.
fn crash_rounds(fsync: &str, rounds: usize) {
    let dir = TempDir::new(&format!("crash-{fsync}"));
    let mut told = Told::default();
    let mut rng = Rng(0x9e3779b97f4a7c15 ^ std::process::id() as u64);
    let mut next = 0;
    for round in 0..rounds {
        let mut b = start_broker(Run::Native, &["--data-dir", dir.arg(), "--fsync", fsync]);
        let mut c = Client::new(&b);
        if round == 0 {
            assert_eq!(c.must(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]), Resp::Simple("OK".into()));
        } else {
            check_recovered(&mut c, &told);
        }
        let recovered = b.line();
        assert!(recovered.starts_with("recovered "), "{recovered}");
        let pid = b.child.id().to_string();
        let (producer, consumer) = (Client::new(&b), Client::new(&b));
        let (added, consumed) = std::thread::scope(|scope| {
            let producer = scope.spawn(|| produce(producer, next, &[]));
            let consumer = scope.spawn(|| consume(consumer));
            std::thread::sleep(Duration::from_millis(100 + rng.below(400) as u64));
            let killed = Command::new("kill").args(["-9", &pid]).status();
            assert!(killed.expect("kill runs").success(), "kill -9 failed");
            (producer.join().expect("producer"), consumer.join().expect("consumer"))
        });
        let _ = b.child.wait();
        next += added.len() as u64 + 1;
        told.added.extend(added);
        told.delivered.extend(consumed.delivered);
        told.ack_sent.extend(consumed.ack_sent);
        told.acked.extend(consumed.acked);
    }
    eprintln!("{rounds} kills with --fsync {fsync}: {} XADD, {} delivered, {} XACK answered", told.added.len(), told.delivered.len(), told.acked.len());
    assert!(told.added.len() > 100 && !told.acked.is_empty(), "the load ran: {} added, {} acked", told.added.len(), told.acked.len());
    let b = start_broker(Run::Native, &["--data-dir", dir.arg(), "--fsync", fsync]);
    check_recovered(&mut Client::new(&b), &told);
    stop_after_kill(b);
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    crash_rounds("always", 5);
}

/// A killed process leaves what it wrote in the kernel's cache: with
/// everysec too, nothing answered is lost to `kill -9` (a power loss may
/// take up to a second of it).
#[test]
fn answered_writes_survive_kill_9_with_everysec() {
    crash_rounds("everysec", 3);
}

/// A start-up that must fail: its exit status and stderr (bounded wait).
fn refused_start(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(broker())
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the broker starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the broker did not exit: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    (status.code(), stderr)
}

#[test]
fn a_flipped_byte_stops_start_up_until_repair() {
    let dir = TempDir::new("bitflip");
    let args = ["--data-dir", dir.arg()];
    let mut b = start_broker(Run::Native, &args);
    let mut c = Client::new(&b);
    for n in 0..100 {
        c.must(&["XADD", "s", &format!("1-{}", n + 1), "n", &n.to_string()]);
    }
    let _ = b.line();
    stop(b);
    let streams = dir.0.join("streams");
    let stream = std::fs::read_dir(&streams).expect("streams/").next().expect("a stream").expect("entry").path();
    let segment = stream.join("00000000000000000000.log");
    let mut bytes = std::fs::read(&segment).expect("the segment");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&segment, &bytes).expect("write the segment");

    let (code, stderr) = refused_start(&args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(segment.to_str().unwrap()) && stderr.contains("damaged record at offset"), "{stderr}");
    assert!(stderr.contains("--repair"), "{stderr}");

    let b = start_broker(Run::Native, &["--data-dir", dir.arg(), "--repair"]);
    let mut c = Client::new(&b);
    let kept = c.must(&["XRANGE", "s", "-", "+"]).items();
    assert!(kept.len() > 10 && kept.len() < 100, "entries kept by the repair: {}", kept.len());
    for (n, entry) in kept.iter().enumerate() {
        assert_eq!(entry.items()[0].text(), format!("1-{}", n + 1), "the entries before the damage, in order");
    }
    drop(b);
}

#[test]
fn a_second_broker_on_the_same_directory_exits() {
    let dir = TempDir::new("lock");
    let first = start_broker(Run::Native, &["--data-dir", dir.arg()]);
    let (code, stderr) = refused_start(&["--data-dir", dir.arg()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("is in use by another broker"), "{stderr}");
    drop(first);
    std::fs::write(dir.0.join("FORMAT"), "purr-broker-data 2\n").expect("FORMAT");
    let (code, stderr) = refused_start(&["--data-dir", dir.arg()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("format version 2 is newer than this broker's (1)"), "{stderr}");
}

/// Commands that leave state of every kind the log records: entries
/// (deleted, trimmed), groups (created, moved, configured, destroyed),
/// consumers (created, deleted), deliveries, claims, acks, NACKs and a
/// delayed entry.
const STATEFUL: &[&[&str]] = &[
    &["XADD", "s", "1-1", "a", "1"],
    &["XADD", "s", "1-2", "b", "2"],
    &["XADD", "s", "2-1", "c", "3"],
    &["XADD", "s", "3-1", "d", "4"],
    &["XADD", "s", "4-1", "e", "5"],
    &["XADD", "t", "1-1", "x", "y"],
    &["XGROUP", "CREATE", "s", "g", "0"],
    &["XGROUP", "CREATE", "s", "h", "$"],
    &["XGROUP", "CREATE", "s", "gone", "0"],
    &["XGROUP", "CREATE", "t", "q", "0"],
    &["XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"],
    &["XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"],
    &["XREADGROUP", "GROUP", "q", "r", "NOACK", "STREAMS", "t", ">"],
    &["XACK", "s", "g", "1-2"],
    &["XCLAIM", "s", "g", "carol", "0", "2-1"],
    &["XGROUP", "CREATECONSUMER", "s", "g", "dave"],
    &["XGROUP", "CREATECONSUMER", "s", "g", "erin"],
    &["XGROUP", "DELCONSUMER", "s", "g", "erin"],
    &["XGROUP", "SETID", "s", "h", "1-2"],
    &["XGROUP", "DESTROY", "s", "gone"],
    &["PURR.GROUP", "SET", "s", "h", "VISIBILITY", "60000", "MAXDELIVER", "3"],
    &["XREADGROUP", "GROUP", "h", "zed", "COUNT", "1", "STREAMS", "s", ">"],
    &["PURR.NACK", "s", "h", "2-1", "DELAY", "50000"],
    &["XDEL", "s", "3-1"],
    &["XTRIM", "s", "MINID", "1-2"],
    &["PURR.XADD", "s", "DELAY", "3600000", "later", "1"],
    &["XADD", "u", "1-1", "k", "v"],
    &["DEL", "u"],
];

/// What the probe asks: everything about the state but idle times.
const PROBE: &[&[&str]] = &[
    &["XRANGE", "s", "-", "+"],
    &["XLEN", "s"],
    &["XINFO", "GROUPS", "s"],
    &["XPENDING", "s", "g"],
    &["XPENDING", "s", "h"],
    &["XRANGE", "t", "-", "+"],
    &["XINFO", "GROUPS", "t"],
    &["EXISTS", "u"],
];

fn probe(c: &mut Client) -> Vec<Resp> {
    let mut out: Vec<Resp> = PROBE.iter().map(|args| c.must(args)).collect();
    let consumers = c.must(&["XINFO", "CONSUMERS", "s", "g"]).items();
    out.extend(consumers.iter().map(|fields| Resp::Array(Some(fields.items().into_iter().take(4).collect()))));
    out.push(c.must(&["XINFO", "STREAM", "s"]).items().into_iter().take(12).collect::<Vec<_>>().into_iter().fold(Resp::Array(Some(vec![])), |acc, r| {
        let mut items = acc.items();
        items.push(r);
        Resp::Array(Some(items))
    }));
    out
}

/// The state is the same after a restart as before it, after SIGTERM and
/// after kill -9, with every --fsync policy.
#[test]
fn every_kind_of_state_survives_a_restart() {
    for (fsync, kill) in [("always", false), ("always", true), ("everysec", true), ("no", true)] {
        let dir = TempDir::new(&format!("restart-{fsync}-{kill}"));
        let args = ["--data-dir", dir.arg(), "--fsync", fsync];
        let mut b = start_broker(Run::Native, &args);
        let mut c = Client::new(&b);
        for command in STATEFUL {
            let reply = c.must(command);
            assert!(!matches!(reply, Resp::Error(_)), "{command:?}: {reply:?}");
        }
        let before = probe(&mut c);
        let info = c.must(&["INFO", "persistence"]).text();
        for line in ["aof_enabled:1", &format!("purr_fsync:{fsync}"), &format!("purr_data_dir:{}", dir.arg())] {
            assert!(info.contains(line), "{line} in {info}");
        }
        if fsync == "always" {
            assert!(info.contains("purr_sync_lag_bytes:0\r\n"), "answered means synced: {info}");
        }
        let _ = b.line();
        if kill {
            drop(b);
        } else {
            stop(b);
        }
        let mut b = start_broker(Run::Native, &args);
        assert_eq!(b.line(), "recovered 2 streams from ".to_string() + dir.arg(), "s and t (u was deleted)");
        let after = probe(&mut Client::new(&b));
        for (k, (x, y)) in before.iter().zip(&after).enumerate() {
            assert_eq!(x, y, "--fsync {fsync}, kill {kill}: probe {k} before and after the restart");
        }
        assert_eq!(before.len(), after.len());
        if kill {
            stop_after_kill(b);
        } else {
            stop(b);
        }
    }
}

/// The session's replies are Redis's with a data directory too, and the
/// broker starts again on what it wrote (and replays it).
fn session_with_a_data_directory(run: Run) {
    let (_, expected) = session();
    let dir = TempDir::new(if run == Run::Native { "session" } else { "session-valgrind" });
    let mut b = start_broker(run, &["--data-dir", dir.arg()]);
    let got = run_session(b.port, 1 << 20, b.patience);
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&expected));
    let mut c = Client::new(&b);
    for command in STATEFUL {
        c.must(command);
    }
    let _ = b.line();
    stop(b);
    let mut b = start_broker(run, &["--data-dir", dir.arg()]);
    assert_eq!(Client::new(&b).must(&["XLEN", "s"]), Resp::Int(3));
    let _ = b.line();
    stop(b);
}

#[test]
fn the_session_with_a_data_directory() {
    session_with_a_data_directory(Run::Native);
}

#[test]
fn the_session_with_a_data_directory_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    session_with_a_data_directory(Run::Valgrind);
}

/// A small tmpfs, unmounted when dropped; None where mounting is not
/// allowed (not root, or no CAP_SYS_ADMIN).
struct SmallDisk(TempDir);

impl SmallDisk {
    fn mount(bytes: usize) -> Option<SmallDisk> {
        let dir = TempDir::new("small-disk");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs", dir.arg()])
            .stderr(Stdio::null())
            .status();
        if !mounted.map(|s| s.success()).unwrap_or(false) {
            eprintln!("skipped: cannot mount a tmpfs here");
            return None;
        }
        Some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.arg()).status();
    }
}

/// A full disk: XADD is answered with the system's error and leaves the
/// stream as it was, nothing answered is lost, reads are served meanwhile,
/// and writes work again once there is room.
#[test]
fn a_full_disk_refuses_writes_until_space_returns() {
    let Some(disk) = SmallDisk::mount(256 * 1024) else { return };
    let ballast = disk.0 .0.join("ballast");
    std::fs::write(&ballast, vec![0u8; 100 * 1024]).expect("ballast");
    let data = disk.0 .0.join("data");
    let args = ["--data-dir", data.to_str().unwrap()];
    let mut b = start_broker(Run::Native, &args);
    let _ = b.line();
    let mut c = Client::new(&b);
    let value = "v".repeat(20_000);
    let mut answered = vec![];
    let mut refused = 0;
    for _ in 0..12 {
        match c.must(&["XADD", "s", "*", "f", &value]) {
            Resp::Bulk(Some(id)) => answered.push(id),
            Resp::Error(e) => {
                assert!(e.contains("No space left on device"), "{e}");
                refused += 1;
            }
            other => panic!("XADD answered {other:?}"),
        }
    }
    assert!(refused >= 2 && answered.len() >= 3, "{} answered, {refused} refused", answered.len());
    // A refused XADD left nothing: the stream holds the answered ones
    // (and reads are served meanwhile).
    let ids = |c: &mut Client| -> Vec<String> { c.must(&["XRANGE", "s", "-", "+"]).items().iter().map(|e| e.items()[0].text()).collect() };
    assert_eq!(ids(&mut c), answered);
    assert_eq!(stream_info(&mut c, "s", "entries-added"), Resp::Int(answered.len() as i64));
    std::fs::remove_file(&ballast).expect("room again");
    match c.must(&["XADD", "s", "*", "f", "small"]) {
        Resp::Bulk(Some(id)) => answered.push(id),
        other => panic!("XADD with room again answered {other:?}"),
    }
    assert_eq!(ids(&mut c), answered);
    drop(b);
    let b = start_broker(Run::Native, &args);
    let mut c = Client::new(&b);
    assert_eq!(ids(&mut c), answered, "the restart finds what the broker had");
    drop(b);
}

// ---- retention: segments deleted (STORAGE.md, "Retention") -------------------------------------

/// The segment files of a stream's log, in order.
fn segment_files(data: &TempDir, key: &str) -> Vec<String> {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    let log = data.0.join("streams").join(format!("k{hex}"));
    let mut names: Vec<String> = std::fs::read_dir(&log)
        .unwrap_or_else(|e| panic!("{}: {e}", log.display()))
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    names.sort();
    names
}

/// The bytes of a stream's segments.
fn log_bytes(data: &TempDir, key: &str) -> u64 {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    let log = data.0.join("streams").join(format!("k{hex}"));
    segment_files(data, key).iter().map(|n| std::fs::metadata(log.join(n)).expect("a segment").len()).sum()
}

/// Everything about the streams' state but idle times.
fn state_of(c: &mut Client, keys: &[&str]) -> Vec<Resp> {
    let mut out = vec![];
    for key in keys {
        out.push(c.must(&["XRANGE", key, "-", "+"]));
        out.push(c.must(&["XLEN", key]));
        out.push(c.must(&["XINFO", "STREAM", key]));
        out.push(c.must(&["XINFO", "GROUPS", key]));
    }
    out
}

/// XINFO STREAM's field `name`.
fn stream_info(c: &mut Client, key: &str, name: &str) -> Resp {
    let info = c.must(&["XINFO", "STREAM", key]).items();
    let at = info.iter().position(|f| *f == Resp::Bulk(Some(name.into()))).unwrap_or_else(|| panic!("{name} in XINFO STREAM"));
    info[at + 1].clone()
}

/// Restarts the broker (after SIGTERM, or kill -9 when `kill`) and checks
/// that it shows the same state and keeps the same segments.
fn restart_shows_the_same(b: Broker, kill: bool, args: &[&str], dir: &TempDir, keys: &[&str]) {
    let mut c = Client::new(&b);
    let before = state_of(&mut c, keys);
    let files: Vec<Vec<String>> = keys.iter().map(|k| segment_files(dir, k)).collect();
    if kill {
        drop(b);
    } else {
        stop(b);
    }
    let b = start_broker(Run::Native, args);
    let after = state_of(&mut Client::new(&b), keys);
    for (k, (x, y)) in before.iter().zip(&after).enumerate() {
        assert_eq!(x, y, "kill {kill}: state {k} before and after the restart");
    }
    assert_eq!(before.len(), after.len());
    assert_eq!(files, keys.iter().map(|k| segment_files(dir, k)).collect::<Vec<_>>(), "the same segments after the restart");
    if kill {
        stop_after_kill(b);
    } else {
        stop(b);
    }
}

/// --retain-bytes and MAXLEN delete the segments they empty: the logs
/// stay small on disk however much is written, and a restart (after
/// SIGTERM or kill -9) shows the same streams.
#[test]
fn retention_by_size_and_maxlen_delete_old_segments() {
    for kill in [false, true] {
        let dir = TempDir::new(&format!("retain-bytes-{kill}"));
        let args = ["--data-dir", dir.arg(), "--fsync", "no", "--segment-bytes", "4096", "--retain-bytes", "16384"];
        let b = start_broker(Run::Native, &args);
        let mut c = Client::new(&b);
        let value = "v".repeat(100);
        for n in 1..=2000 {
            let id = format!("{n}-1");
            assert_eq!(c.must(&["XADD", "s", &id, "f", &value]), Resp::Bulk(Some(id.clone())));
            assert_eq!(c.must(&["XADD", "m", "MAXLEN", "10", &id, "f", &value]), Resp::Bulk(Some(id.clone())));
        }
        // s: three sealed segments of 4 KiB and the current one fit in 16
        // KiB (138 bytes an entry); the oldest entries went with their segments.
        assert_eq!(c.must(&["XLEN", "s"]), Resp::Int(111));
        assert_eq!(stream_info(&mut c, "s", "entries-added"), Resp::Int(2000));
        assert_eq!(stream_info(&mut c, "s", "recorded-first-entry-id"), Resp::Bulk(Some("1890-1".into())));
        assert_eq!(segment_files(&dir, "s").len(), 4, "{:?}", segment_files(&dir, "s"));
        assert!(log_bytes(&dir, "s") <= 16384, "{} bytes", log_bytes(&dir, "s"));
        // m: the last ten entries, in the current segment and at most one before.
        assert_eq!(c.must(&["XLEN", "m"]), Resp::Int(10));
        assert!(segment_files(&dir, "m").len() <= 2, "{:?}", segment_files(&dir, "m"));
        restart_shows_the_same(b, kill, &args, &dir, &["s", "m"]);
    }
}

/// Waits (bounded) until `key` holds `n` entries.
fn wait_for_length(c: &mut Client, key: &str, n: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while c.must(&["XLEN", key]) != Resp::Int(n) {
        assert!(Instant::now() < deadline, "{key} did not come down to {n} entries: {:?}", c.must(&["XLEN", key]));
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// --retain-ms trims entries older than the limit on the owner's timer;
/// with --retain-acked a queue's acknowledged entries go at its next
/// roll, and the entries a group still needs stay. A restart shows the same.
#[test]
fn retention_by_age_and_acknowledgement_delete_old_segments() {
    for kill in [false, true] {
        let dir = TempDir::new(&format!("retain-ms-{kill}"));
        let args = ["--data-dir", dir.arg(), "--fsync", "no", "--segment-bytes", "4096", "--retain-ms", "60000", "--retain-acked"];
        let b = start_broker(Run::Native, &args);
        let mut c = Client::new(&b);
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis() as u64;
        let value = "v".repeat(100);
        // 300 entries ten minutes old, then 200 of now.
        for n in 0..300 {
            c.must(&["XADD", "old", &format!("{}-1", now - 600_000 + n), "f", &value]);
        }
        for _ in 0..200 {
            c.must(&["XADD", "old", "*", "f", &value]);
        }
        wait_for_length(&mut c, "old", 200);
        assert_eq!(stream_info(&mut c, "old", "entries-added"), Resp::Int(500));
        assert_eq!(segment_files(&dir, "old").len(), 8, "{:?}", segment_files(&dir, "old"));
        // A queue: 300 entries read and acknowledged, then 100 not read yet,
        // which stay however many segments go.
        assert_eq!(c.must(&["XGROUP", "CREATE", "q", "g", "$", "MKSTREAM"]), Resp::Simple("OK".into()));
        for _ in 0..300 {
            c.must(&["XADD", "q", "*", "f", &value]);
        }
        let read = c.must(&["XREADGROUP", "GROUP", "g", "c", "COUNT", "300", "STREAMS", "q", ">"]);
        let ids: Vec<String> = read.items()[0].items()[1].items().iter().map(|e| e.items()[0].text()).collect();
        assert_eq!(ids.len(), 300);
        let mut ack = vec!["XACK", "q", "g"];
        ack.extend(ids.iter().map(String::as_str));
        assert_eq!(c.must(&ack), Resp::Int(300));
        // The XACK record (300 IDs) filled a segment: the retention pass after
        // the roll trimmed what every group had acknowledged.
        assert_eq!(c.must(&["XLEN", "q"]), Resp::Int(0));
        for _ in 0..100 {
            c.must(&["XADD", "q", "*", "f", &value]);
        }
        assert_eq!(c.must(&["XLEN", "q"]), Resp::Int(100));
        assert_eq!(stream_info(&mut c, "q", "entries-added"), Resp::Int(400));
        assert_eq!(segment_files(&dir, "q").len(), 4, "{:?}", segment_files(&dir, "q"));
        restart_shows_the_same(b, kill, &args, &dir, &["old", "q"]);
    }
}

/// Checks the stream after a restart against the XADDs answered before
/// `kills` kills, all with MAXLEN `keep`: the newest `keep` entries (or
/// all: those answered, and at most one a kill cut off before its reply
/// per kill), in order, and every answered XADD from the first of them on.
fn check_capped(c: &mut Client, answered: &[(String, u64)], keep: usize, kills: usize) {
    let range = c.must(&["XRANGE", "s", "-", "+"]).items();
    let kept: Vec<(String, u64)> = range.iter().map(|e| (e.items()[0].text(), e.items()[1].items()[1].text().parse().expect("n"))).collect();
    let least = answered.len().min(keep);
    let most = (answered.len() + kills).min(keep);
    assert!(least <= kept.len() && kept.len() <= most, "MAXLEN {keep}: {} entries after {} answered XADDs and {kills} kills", kept.len(), answered.len());
    for w in kept.windows(2) {
        assert!(id_key(&w[0].0) < id_key(&w[1].0) && w[0].1 < w[1].1, "out of order: {w:?}");
    }
    let first = id_key(&kept[0].0);
    for a in answered.iter().filter(|a| id_key(&a.0) >= first) {
        assert!(kept.contains(a), "the answered XADD {a:?} after the restart");
    }
}

/// kill -9 at random moments (four times at least) while XADD MAXLEN
/// empties 4 KiB segments and they are deleted: every start-up recovers, the stream is the newest
/// entries in order, nothing answered within them is lost, and the old
/// segments are gone from the disk.
#[test]
fn kill_9_while_trimmed_segments_are_deleted() {
    const KEEP: usize = 500;
    let dir = TempDir::new("crash-maxlen");
    let args = ["--data-dir", dir.arg(), "--segment-bytes", "4096"];
    let keep = KEEP.to_string();
    let mut answered: Vec<(String, u64)> = vec![];
    let mut rng = Rng(0x51ed27 ^ std::process::id() as u64);
    let mut next = 0;
    // At least four kills, and enough XADDs (however busy the machine) that
    // the first segments went.
    let mut kills = 0;
    while kills < 4 || answered.len() < 3 * KEEP {
        assert!(kills < 40, "only {} XADDs answered in {kills} rounds", answered.len());
        let mut b = start_broker(Run::Native, &args);
        let recovered = b.line();
        assert!(recovered.starts_with("recovered "), "{recovered}");
        if kills > 0 {
            check_capped(&mut Client::new(&b), &answered, KEEP, kills);
        }
        let pid = b.child.id().to_string();
        let producer = Client::new(&b);
        let added = std::thread::scope(|scope| {
            let producer = scope.spawn(|| produce(producer, next, &["MAXLEN", &keep]));
            std::thread::sleep(Duration::from_millis(200 + rng.below(400) as u64));
            let killed = Command::new("kill").args(["-9", &pid]).status();
            assert!(killed.expect("kill runs").success(), "kill -9 failed");
            producer.join().expect("producer")
        });
        let _ = b.child.wait();
        kills += 1;
        next += added.len() as u64 + 1;
        answered.extend(added);
    }
    let b = start_broker(Run::Native, &args);
    check_capped(&mut Client::new(&b), &answered, KEEP, kills);
    let files = segment_files(&dir, "s");
    eprintln!("{kills} kills under XADD MAXLEN {KEEP}: {} XADDs answered, {} segments left", answered.len(), files.len());
    assert!(files[0] != "00000000000000000000.log" && files.len() < 20, "the old segments went: {files:?}");
    stop_after_kill(b);
}

// ---- the broker against redis-server: the same random stream commands, the same replies -------

/// The seeds and the commands per seed of
/// `broker_and_redis_answer_random_stream_commands_alike`;
/// PURR_DIFF_SEEDS (`4,5,6`) and PURR_DIFF_STEPS choose others, for longer
/// hunts by hand.
const DIFF_SEEDS: &[u64] = &[1, 2, 3];
const DIFF_STEPS: usize = 1500;

/// The broker and a redis-server receive the same seeded random sequence
/// of stream commands on one key, and every reply must be the same, errors
/// included. Explicit IDs only (no `*`, no `ms-*`), and nothing that reads
/// the clock: idle times are masked (XPENDING extended, XINFO CONSUMERS),
/// min-idle is 0; XINFO STREAM is compared without radix-tree-keys and
/// radix-tree-nodes (how Redis stores a stream: the broker reports 0).
/// Left out, as documented divergences (examples/broker/README.md, "What
/// differs from Redis"): `MAXLEN ~` / `MINID ~` (the broker trims
/// exactly, Redis by whole nodes) and XINFO STREAM FULL.
///
/// The IDs: sequence numbers +1, ms jumps of 1 to 5 and up to 2^40, new
/// sequences at random and near 2^64-1. The entries: the fields of the
/// entry before or others, several pairs, empty values and names, values
/// of up to 3,000 bytes and now and then of 64 KiB and more (larger than
/// the broker's stream nodes), and a 70,000-byte field name. On it: XADD
/// (with MAXLEN / MINID, with an ID not above the top), XDEL of single
/// entries and of runs of about 64, XTRIM MAXLEN (0 too, and refilled) and
/// MINID, XRANGE / XREVRANGE (COUNT, exclusive and incomplete bounds),
/// XREAD COUNT, XLEN, XINFO STREAM / GROUPS / CONSUMERS, and on consumer
/// groups XGROUP CREATE / SETID / DESTROY / CREATECONSUMER, XREADGROUP
/// (`>` and history, COUNT), XACK, XPENDING (summary and extended, with a
/// consumer), XCLAIM (JUSTID, RETRYCOUNT, FORCE), XAUTOCLAIM (COUNT,
/// JUSTID, deleted entries); now and then DEL; and malformed commands.
///
/// A mismatch fails with the seed, the step, the command, both replies and
/// where they first differ, and leaves every request of that seed up to it
/// in target/broker-e2e/diff-seed-N.resp (RESP: sent whole to a fresh
/// broker and a fresh redis-server, e.g. `nc -q 1 127.0.0.1 PORT < FILE`,
/// their last replies differ again).
#[test]
fn broker_and_redis_answer_random_stream_commands_alike() {
    if skip_without("redis-server") {
        return;
    }
    let seeds: Vec<u64> = match std::env::var("PURR_DIFF_SEEDS") {
        Ok(list) => list.split(',').map(|s| s.trim().parse().expect("PURR_DIFF_SEEDS: numbers, comma-separated")).collect(),
        Err(_) => DIFF_SEEDS.to_vec(),
    };
    let steps = std::env::var("PURR_DIFF_STEPS").map_or(DIFF_STEPS, |n| n.parse().expect("PURR_DIFF_STEPS: a number"));
    let redis = RedisServer::start();
    let b = start_broker(Run::Native, &[]);
    for &seed in &seeds {
        let started = Instant::now();
        let mut diff = Diff {
            seed,
            step: 0,
            broker: Client::new(&b),
            redis: Client::at(redis.port, b.patience),
            sent: vec![],
        };
        let mut gen = DiffGen::new(seed);
        gen.setup(&mut diff);
        for step in 1..=steps {
            diff.step = step;
            gen.step(&mut diff);
        }
        diff.step = steps + 1;
        let key = gen.key.clone();
        diff.same(&["XRANGE", &key, "-", "+"]);
        let len = diff.same(&["XLEN", &key]);
        eprintln!("seed {seed}: {steps} commands alike, XLEN {len:?} at the end, {:?}", started.elapsed());
    }
    stop(b);
    drop(redis);
}

/// Both connections of one seed, and every request sent so far.
struct Diff {
    seed: u64,
    step: usize,
    broker: Client,
    redis: Client,
    sent: Vec<u8>,
}

impl Diff {
    /// Sends `args` to both; the replies must be the same.
    fn same(&mut self, args: &[&str]) -> Resp {
        self.alike(args, |r| r)
    }

    /// Sends `args` to both; the replies must be the same once `mask` has
    /// taken out what may differ (times).
    fn alike(&mut self, args: &[&str], mask: fn(Resp) -> Resp) -> Resp {
        self.sent.extend(cmd(args).into_bytes());
        let from_broker = self.broker.call(args).map(mask);
        let from_redis = self.redis.call(args).map(mask);
        match (from_broker, from_redis) {
            (Some(x), Some(y)) if x == y => x,
            (x, y) => {
                let file = repo_root().join("target").join("broker-e2e").join(format!("diff-seed-{}.resp", self.seed));
                let saved = std::fs::write(&file, &self.sent).map_or_else(|e| format!("(not saved: {e})"), |_| format!("{}", file.display()));
                let (x, y) = (x.map_or("no reply".into(), |r| format!("{r:?}")), y.map_or("no reply".into(), |r| format!("{r:?}")));
                panic!(
                    "seed {}, step {}: the broker and redis-server answer differently to\n  {}\nbroker: {}\nredis:  {}\nfirst difference: {}\nthe requests so far: {saved}",
                    self.seed,
                    self.step,
                    args.iter().map(|a| shown(a)).collect::<Vec<_>>().join(" "),
                    cut(&x),
                    cut(&y),
                    first_difference(&x, &y),
                );
            }
        }
    }
}

/// An argument as a failure message shows it: long ones by their length.
fn shown(a: &str) -> String {
    if a.len() <= 60 {
        format!("{a:?}")
    } else {
        format!("<{} bytes: {:?}…>", a.len(), a.chars().take(20).collect::<String>())
    }
}

/// At most 3,000 characters of a reply.
fn cut(s: &str) -> String {
    if s.len() <= 3000 {
        s.to_string()
    } else {
        format!("{}… ({} chars)", &s[..s.char_indices().nth(3000).map_or(s.len(), |(i, _)| i)], s.len())
    }
}

/// Where two printed replies first differ, with some context.
fn first_difference(x: &str, y: &str) -> String {
    let mut at = x.bytes().zip(y.bytes()).take_while(|(a, b)| a == b).count();
    while !x.is_char_boundary(at) {
        at -= 1;
    }
    let from = x[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
    let piece = |s: &str| s.get(from..).map(|t| t.chars().take(240).collect::<String>()).unwrap_or_default();
    format!("at character {at}\n  broker: …{}\n  redis:  …{}", piece(x), piece(y))
}

/// A flat reply of names and values without the pairs named `names`.
fn without_fields(r: Resp, names: &[&str]) -> Resp {
    match r {
        Resp::Array(Some(items)) if items.len() % 2 == 0 => Resp::Array(Some(
            items
                .chunks(2)
                .filter(|pair| !matches!(&pair[0], Resp::Bulk(Some(n)) if names.contains(&n.as_str())))
                .flatten()
                .cloned()
                .collect(),
        )),
        other => other,
    }
}

/// XINFO STREAM without how the stream is stored.
fn info_stream_mask(r: Resp) -> Resp {
    without_fields(r, &["radix-tree-keys", "radix-tree-nodes"])
}

/// XINFO CONSUMERS without the times.
fn info_consumers_mask(r: Resp) -> Resp {
    match r {
        Resp::Array(Some(items)) => Resp::Array(Some(items.into_iter().map(|c| without_fields(c, &["idle", "inactive"])).collect())),
        other => other,
    }
}

/// XPENDING extended with each entry's idle time as 0.
fn pending_mask(r: Resp) -> Resp {
    match r {
        Resp::Array(Some(items)) => Resp::Array(Some(
            items
                .into_iter()
                .map(|e| match e {
                    Resp::Array(Some(mut f)) if f.len() == 4 => {
                        f[2] = Resp::Int(0);
                        Resp::Array(Some(f))
                    }
                    other => other,
                })
                .collect(),
        )),
        other => other,
    }
}

/// The random commands of one seed, and what it needs to remember: the
/// highest ID it made, every ID added (deleted ones too), the last fields.
struct DiffGen {
    rng: Rng,
    key: String,
    ms: u64,
    seq: u64,
    ids: Vec<String>,
    last_fields: Vec<String>,
    /// The IDs XREADGROUP `>` served lately (likely pending).
    delivered: Vec<String>,
}

impl DiffGen {
    fn new(seed: u64) -> DiffGen {
        DiffGen {
            rng: Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1),
            key: format!("diff{seed}"),
            ms: 0,
            seq: 0,
            ids: vec![],
            last_fields: vec!["a".into(), "v".into()],
            delivered: vec![],
        }
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    fn setup(&mut self, d: &mut Diff) {
        let key = self.key.clone();
        d.same(&["DEL", &key]);
        d.same(&["XGROUP", "CREATE", &key, "g", "0", "MKSTREAM"]);
    }

    /// An ID above every one made so far.
    fn next_id(&mut self) -> String {
        let (ms, seq) = match self.below(20) {
            0..=9 => (self.ms, self.seq.wrapping_add(1)),
            10..=13 => (self.ms + 1 + self.below(5) as u64, self.below(4) as u64),
            14 => (self.ms + 1 + self.rng.next() % (1 << 40), 0),
            15 | 16 => (self.ms, u64::MAX - self.below(3) as u64),
            _ => (self.ms + 1, self.rng.next() >> 2),
        };
        let (ms, seq) = if (ms, seq) <= (self.ms, self.seq) { (self.ms + 1, seq) } else { (ms, seq) };
        (self.ms, self.seq) = (ms, seq);
        format!("{ms}-{seq}")
    }

    /// One of the IDs added, the recent ones more often.
    fn some_id(&mut self) -> String {
        if self.ids.is_empty() {
            return format!("{}-{}", self.ms, self.seq);
        }
        let n = self.ids.len();
        let at = if self.below(10) < 7 { n - 1 - self.below(n.min(100)) } else { self.below(n) };
        self.ids[at].clone()
    }

    /// Any of the IDs added, old ones as likely as new ones.
    fn any_id(&mut self) -> String {
        if self.ids.is_empty() {
            return format!("{}-{}", self.ms, self.seq);
        }
        let at = self.below(self.ids.len());
        self.ids[at].clone()
    }

    /// An ID for XACK and XCLAIM: mostly one served lately.
    fn pending_id(&mut self) -> String {
        if self.delivered.is_empty() || self.below(10) < 3 {
            return self.some_id();
        }
        let n = self.delivered.len();
        let at = n - 1 - self.below(n.min(50));
        self.delivered[at].clone()
    }

    /// Two range bounds, mostly in the order that can select something
    /// (`ascending` for XRANGE, the other way for XREVRANGE).
    fn bounds(&mut self, ascending: bool) -> (String, String) {
        let (a, z) = (self.bound(), self.bound());
        let place = |b: &str| -> (u64, u64, u8) {
            let (exclusive, id) = match b.strip_prefix('(') {
                Some(id) => (1, id),
                None => (0, b),
            };
            match id {
                "-" => (0, 0, exclusive),
                "+" => (u64::MAX, u64::MAX, exclusive),
                _ => {
                    let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
                    (ms.parse().unwrap_or(0), seq.parse().unwrap_or(0), exclusive)
                }
            }
        };
        if self.below(10) < 7 && (place(&a) > place(&z)) == ascending {
            (z, a)
        } else {
            (a, z)
        }
    }

    /// A range bound: `-`, `+`, an ID added, exclusive `(id`, a
    /// milliseconds part alone, or an ID that may not exist.
    fn bound(&mut self) -> String {
        match self.below(20) {
            0 | 1 => "-".into(),
            2 | 3 => "+".into(),
            4..=12 => self.some_id(),
            13..=15 => format!("({}", self.some_id()),
            16 => {
                let id = self.some_id();
                id.split('-').next().unwrap_or("0").to_string()
            }
            17 => {
                let id = self.some_id();
                format!("({}", id.split('-').next().unwrap_or("0"))
            }
            _ => format!("{}-{}", self.rng.next() % (self.ms + 3), self.below(6)),
        }
    }

    /// `n` lowercase letters.
    fn letters(&mut self, n: usize) -> String {
        let k = self.below(26);
        (0..n).map(|i| (b'a' + ((i * 7 + k + i / 1000) % 26) as u8) as char).collect()
    }

    /// An entry's fields.
    fn fields(&mut self) -> Vec<String> {
        let s = |x: &str| x.to_string();
        let f = match self.below(1000) {
            0..=399 => vec![s("a"), format!("v{}", self.below(10000)), s("b"), s("w")],
            400..=499 => self.last_fields.clone(),
            500..=569 => vec![s("a"), s(""), s("b"), s("")],
            570..=639 => vec![s("b"), s("1"), s("a"), s("2")],
            640..=719 => {
                let names = ["a", "b", "name", "", "xyz"];
                let mut out = vec![];
                for _ in 0..1 + self.below(40) {
                    let name = names[self.below(names.len())].to_string();
                    let len = self.below(6);
                    out.push(name);
                    out.push(self.letters(len));
                }
                out
            }
            720..=734 => {
                let sizes = [70_000, 65_536, 65_535, 69_000 + self.below(2000), 140_000];
                let size = sizes[self.below(sizes.len())];
                vec![s("a"), self.letters(size), s("b"), s("w")]
            }
            735..=738 => vec![self.letters(70_000), s("v")],
            739..=799 => {
                let size = 500 + self.below(2500);
                vec![s("a"), self.letters(size), s("b"), s("w")]
            }
            800..=899 => vec![s("a"), s("v")],
            _ => vec![format!("f{}", self.below(50)), s("x")],
        };
        self.last_fields = f.clone();
        f
    }

    fn consumer(&mut self) -> String {
        format!("c{}", 1 + self.below(3))
    }

    fn count(&mut self) -> String {
        (1 + self.below(10)).to_string()
    }

    /// One random command (two or three for some).
    fn step(&mut self, d: &mut Diff) {
        let key = self.key.clone();
        let k = key.as_str();
        let r = self.below(1000);
        match r {
            0..=449 => self.xadd(d),
            450..=494 => {
                let ids: Vec<String> =
                    (0..1 + self.below(3)).map(|_| if self.below(2) == 0 { self.some_id() } else { self.pending_id() }).collect();
                let mut args = vec!["XDEL", k];
                args.extend(ids.iter().map(|s| s.as_str()));
                d.same(&args);
            }
            495..=499 => {
                // A run of about 64 consecutive entries: the last ones, or
                // from anywhere.
                let n = self.ids.len();
                let len = 60 + self.below(9);
                let from = if n > len && self.below(4) == 0 { n - len } else { self.below(n.max(1)) };
                let ids: Vec<String> = self.ids.iter().skip(from).take(len).cloned().collect();
                let mut args = vec!["XDEL", k];
                args.extend(ids.iter().map(|s| s.as_str()));
                if ids.is_empty() {
                    args.push("1-1");
                }
                d.same(&args);
            }
            500..=507 => {
                let n = if self.below(10) == 0 { 0 } else { 100 + self.below(400) }.to_string();
                if self.below(2) == 0 {
                    d.same(&["XTRIM", k, "MAXLEN", &n]);
                } else {
                    d.same(&["XTRIM", k, "MAXLEN", "=", &n]);
                }
            }
            508..=511 => {
                let id = match self.below(4) {
                    0 => self.bound().trim_start_matches('(').to_string(),
                    _ => {
                        let n = self.ids.len();
                        let at = self.below(n / 2 + 1);
                        self.ids.get(at).cloned().unwrap_or_else(|| "0".into())
                    }
                };
                d.same(&["XTRIM", k, "MINID", &id]);
            }
            512..=659 => {
                let name = if r < 600 { "XRANGE" } else { "XREVRANGE" };
                let (a, z) = self.bounds(name == "XRANGE");
                let count = self.count();
                if self.below(2) == 0 {
                    d.same(&[name, k, &a, &z, "COUNT", &count]);
                } else {
                    d.same(&[name, k, &a, &z]);
                }
            }
            660..=689 => {
                let from = match self.bound() {
                    b if b.starts_with('(') || b == "-" || b == "+" => "0-0".to_string(),
                    b => b,
                };
                let count = (1 + self.below(20)).to_string();
                d.same(&["XREAD", "COUNT", &count, "STREAMS", k, &from]);
            }
            690..=719 => {
                d.same(&["XLEN", k]);
                d.alike(&["XINFO", "STREAM", k], info_stream_mask);
            }
            720..=749 => {
                let (c, count) = (self.consumer(), self.count());
                let reply = d.same(&["XREADGROUP", "GROUP", "g", &c, "COUNT", &count, "STREAMS", k, ">"]);
                for stream in reply.items() {
                    for entry in stream.items().get(1).map(|e| e.items()).unwrap_or_default() {
                        if let Some(id) = entry.items().first() {
                            self.delivered.push(id.text());
                        }
                    }
                }
                let n = self.delivered.len();
                self.delivered.drain(..n.saturating_sub(300));
            }
            750..=764 => {
                let (c, count) = (self.consumer(), self.count());
                let from = if self.below(2) == 0 { "0".to_string() } else { self.pending_id() };
                d.same(&["XREADGROUP", "GROUP", "g", &c, "COUNT", &count, "STREAMS", k, &from]);
            }
            765..=789 => {
                let ids: Vec<String> = (0..1 + self.below(5)).map(|_| self.pending_id()).collect();
                let mut args = vec!["XACK", k, "g"];
                args.extend(ids.iter().map(|s| s.as_str()));
                d.same(&args);
            }
            790..=799 => {
                d.same(&["XPENDING", k, "g"]);
            }
            800..=824 => {
                let ((a, z), count, c) = (self.bounds(true), self.count(), self.consumer());
                if self.below(3) == 0 {
                    d.alike(&["XPENDING", k, "g", &a, &z, &count, &c], pending_mask);
                } else {
                    d.alike(&["XPENDING", k, "g", &a, &z, &count], pending_mask);
                }
            }
            825..=854 => {
                let c = self.consumer();
                let ids: Vec<String> = (0..1 + self.below(4)).map(|_| self.pending_id()).collect();
                let mut args = vec!["XCLAIM", k, "g", &c, "0"];
                args.extend(ids.iter().map(|s| s.as_str()));
                let retry = self.below(100).to_string();
                match self.below(6) {
                    0 | 1 => args.push("JUSTID"),
                    2 => args.extend(["RETRYCOUNT", &retry]),
                    3 => args.push("FORCE"),
                    _ => {}
                }
                d.same(&args);
            }
            855..=879 => {
                let (c, count) = (self.consumer(), self.count());
                let start = if self.below(2) == 0 { "0-0".to_string() } else { self.pending_id() };
                if self.below(3) == 0 {
                    d.same(&["XAUTOCLAIM", k, "g", &c, "0", &start, "COUNT", &count, "JUSTID"]);
                } else {
                    d.same(&["XAUTOCLAIM", k, "g", &c, "0", &start, "COUNT", &count]);
                }
            }
            880..=894 => {
                d.same(&["XINFO", "GROUPS", k]);
                d.alike(&["XINFO", "CONSUMERS", k, "g"], info_consumers_mask);
            }
            895..=909 => {
                let id = self.some_id();
                match self.below(6) {
                    0 => d.same(&["XGROUP", "CREATE", k, "g", "0"]),
                    1 => d.same(&["XGROUP", "CREATE", k, "h", "$"]),
                    2 => d.same(&["XGROUP", "CREATE", k, "h", &id]),
                    3 => d.same(&["XGROUP", "DESTROY", k, "h"]),
                    4 => d.same(&["XGROUP", "SETID", k, "h", &id]),
                    _ => d.same(&["XGROUP", "CREATECONSUMER", k, "g", "c4"]),
                };
                if self.below(2) == 0 {
                    d.same(&["XREADGROUP", "GROUP", "h", "x", "COUNT", "3", "STREAMS", k, ">"]);
                }
            }
            910..=988 => self.malformed(d),
            989 if self.below(3) == 0 => {
                d.same(&["DEL", k]);
                self.ids.clear();
                self.delivered.clear();
                if self.below(3) > 0 {
                    d.same(&["XGROUP", "CREATE", k, "g", "0", "MKSTREAM"]);
                }
            }
            _ => {
                d.same(&["XRANGE", k, "-", "+"]);
            }
        }
    }

    /// XADD: mostly a new ID, with MAXLEN or MINID now and then; sometimes
    /// an ID not above the top.
    fn xadd(&mut self, d: &mut Diff) {
        let key = self.key.clone();
        let mut args: Vec<String> = vec!["XADD".into(), key];
        let trim = self.below(1000);
        if trim < 10 {
            args.push("MAXLEN".into());
            if self.below(2) == 0 {
                args.push("=".into());
            }
            let n = if self.below(20) == 0 { self.below(3) } else { 100 + self.below(400) };
            args.push(n.to_string());
        } else if trim < 15 {
            args.push("MINID".into());
            if self.below(2) == 0 {
                args.push("=".into());
            }
            let id = self.any_id();
            args.push(id);
        }
        let bad = self.below(100) < 4;
        let id = if bad {
            match self.below(3) {
                0 => format!("{}-{}", self.ms, self.seq),
                1 => self.some_id(),
                _ => format!("{}-0", self.ms.saturating_sub(self.below(2) as u64)),
            }
        } else {
            self.next_id()
        };
        args.push(id.clone());
        args.extend(self.fields());
        let argv: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        if let Resp::Bulk(Some(_)) = d.same(&argv) {
            if !bad {
                self.ids.push(id);
            }
        }
    }

    /// Commands Redis refuses (or answers emptily), one of each kind.
    fn malformed(&mut self, d: &mut Diff) {
        let key = self.key.clone();
        let k = key.as_str();
        let id = self.some_id();
        let i = id.as_str();
        let cases: &[&[&str]] = &[
            &["XRANGE", k, "-", "+", "COUNT", "x"],
            &["XRANGE", k, "-", "+", "COUNT", "0"],
            &["XRANGE", k, "-", "+", "COUNT", "-1"],
            &["XRANGE", k, "abc", "+"],
            &["XRANGE", k, "(-", "+"],
            &["XRANGE", k, "-", "(+"],
            &["XREVRANGE", k, "(+", "-"],
            &["XRANGE", k, "(18446744073709551615-18446744073709551615", "+"],
            &["XRANGE", k, "-", "(0-0"],
            &["XRANGE", k, "1-2-3", "+"],
            &["XRANGE", k, "-", "+", "LIMIT", "1"],
            &["XRANGE", k, "-"],
            &["XADD", k, "MAXLEN", "-1", "1-1", "f", "v"],
            &["XADD", k, "MAXLEN", "x", "1-1", "f", "v"],
            &["XADD", k, "MAXLEN", "1", "MINID", "0", "1-1", "f", "v"],
            &["XADD", k, i, "f"],
            &["XADD", k, i],
            &["XADD", k, "0-0", "f", "v"],
            &["XADD", k, "18446744073709551616-0", "f", "v"],
            &["XADD", k, "1-x", "f", "v"],
            &["XADD", k, "LIMIT", "10", "99999999999999-1", "f", "v"],
            &["XADD", "nokey", "NOMKSTREAM", "1-1", "f", "v"],
            &["XLEN", "nokey"],
            &["XRANGE", "nokey", "-", "+"],
            &["XINFO", "STREAM", "nokey"],
            &["XINFO", "GROUPS", "nokey"],
            &["XINFO", "CONSUMERS", k, "nog"],
            &["XREAD", "COUNT", "1", "STREAMS", k],
            &["XREAD", "COUNT", "-1", "STREAMS", k, "0"],
            &["XREAD", "COUNT", "x", "STREAMS", k, "0"],
            &["XREAD", "COUNT", "2", "STREAMS", k, "nokey", i, "0"],
            &["XREAD", "COUNT", "2", "STREAMS", k, "$"],
            &["XREAD", "COUNT", "2", "STREAMS", k, "+"],
            &["XREADGROUP", "GROUP", "nog", "c1", "STREAMS", k, ">"],
            &["XREADGROUP", "GROUP", "g", "c1", "STREAMS", k, "$"],
            &["XREADGROUP", "GROUP", "g", "c1", "COUNT", "0", "STREAMS", k, "0"],
            &["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "nokey", ">"],
            &["XGROUP", "CREATE", k, "g", "0"],
            &["XGROUP", "CREATE", "nokey", "g", "0"],
            &["XGROUP", "CREATE", k, "g2", "abc"],
            &["XGROUP", "SETID", k, "nog", "0"],
            &["XGROUP", "DESTROY", k, "nog"],
            &["XGROUP", "FOO", k],
            &["XACK", k, "nog", i],
            &["XACK", k, "g", "abc"],
            &["XACK", k, "g"],
            &["XDEL", k],
            &["XDEL", k, "abc"],
            &["XDEL", "nokey", i],
            &["XTRIM", k],
            &["XTRIM", k, "MAXLEN", "-1"],
            &["XTRIM", k, "MINID", "abc"],
            &["XTRIM", k, "FOO", "1"],
            &["XTRIM", "nokey", "MAXLEN", "0"],
            &["XPENDING", k, "nog"],
            &["XPENDING", k, "g", "-", "+", "x"],
            &["XPENDING", k, "g", "-", "+", "-1"],
            &["XPENDING", k, "g", "-"],
            &["XPENDING", k, "g", "(-", "+", "5"],
            &["XPENDING", "nokey", "g"],
            &["XCLAIM", k, "g", "c1", "0", "abc"],
            &["XCLAIM", k, "nog", "c1", "0", i],
            &["XCLAIM", k, "g", "c1", "x", i],
            &["XCLAIM", k, "g", "c1", "0"],
            &["XCLAIM", k, "g", "c1", "-1", i, "JUSTID"],
            &["XCLAIM", k, "g", "c1", "0", i, "RETRYCOUNT", "x"],
            &["XCLAIM", k, "g", "c1", "0", i, "BOGUS"],
            &["XAUTOCLAIM", k, "g", "c1", "0", "0-0", "COUNT", "0"],
            &["XAUTOCLAIM", k, "g", "c1", "0", "0-0", "COUNT", "x"],
            &["XAUTOCLAIM", k, "g", "c1", "0", "abc"],
            &["XAUTOCLAIM", k, "nog", "c1", "0", "0-0"],
            &["XAUTOCLAIM", k, "g", "c1", "0", "(0-0"],
            &["XAUTOCLAIM", "nokey", "g", "c1", "0", "0-0"],
            &["XINFO", "BOGUS", k],
        ];
        let case = cases[self.below(cases.len())];
        d.same(case);
    }
}
