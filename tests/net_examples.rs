//! The network examples end to end. examples/echo and examples/chat are
//! built once, started with `--port 0` (their first line says the port they
//! got) and driven over real sockets on 127.0.0.1: many clients, payloads
//! larger than the socket buffers, half-close, resets, a client that never
//! reads, a line over the limit, EMFILE on accept. SIGTERM stops them, and
//! they must exit 0 with their last lines printed and their heap back to
//! zero (PURR_CHECK_HEAP). The echo and chat scenarios run again under
//! valgrind (no invalid access, no definite or indirect leak), as do the
//! examples' `purrc --test` suites (the in-memory network) and
//! tests/net/client_errors.pu (mistakes on the client side).
//! tests/net/signals.pu checks os.on_signal: signals as messages to every
//! registered actor, and the default action back once they have ended.
//!
//! Every wait is bounded (socket timeouts, a deadline for the exit), and a
//! server that outlives its test is killed by its guard.

mod common;
#[path = "common/server.rs"]
mod server;

use common::{purrc, repo_root, skip_without, CHECK_HEAP};
use server::{Run, Server};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

// ---- building -------------------------------------------------------------------------------

/// examples/NAME built once per run (at -O0: the C compiles fast), into
/// target/net-examples/.
fn example(name: &str) -> PathBuf {
    static ECHO: OnceLock<PathBuf> = OnceLock::new();
    static CHAT: OnceLock<PathBuf> = OnceLock::new();
    let cell = match name {
        "echo" => &ECHO,
        "chat" => &CHAT,
        _ => panic!("no example {name}"),
    };
    cell.get_or_init(|| build(&format!("examples/{name}"), name, &[])).clone()
}

/// Builds `source` (relative to the repository) into target/net-examples/OUT.
fn build(source: &str, out: &str, options: &[&str]) -> PathBuf {
    let dir = repo_root().join("target").join("net-examples");
    std::fs::create_dir_all(&dir).expect("target/net-examples");
    let exe = dir.join(out);
    let built = purrc().current_dir(repo_root()).arg(source).args(options).arg("-O0").arg("-o").arg(&exe).output();
    let built = built.expect("purrc runs");
    assert!(built.status.success(), "building {source} failed:\n{}", String::from_utf8_lossy(&built.stderr));
    exe
}

// ---- running --------------------------------------------------------------------------------

/// The resident memory of a process, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb * 1024
}

/// The CPU time a process has used, in clock ticks (utime + stime).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    let fields: Vec<&str> = stat[stat.rfind(')').expect("(comm)") + 2..].split(' ').collect();
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).expect("/proc/PID/fd").count()
}

// ---- clients --------------------------------------------------------------------------------

fn connect(port: u16, patience: Duration) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(patience)).expect("read timeout");
    s.set_write_timeout(Some(patience)).expect("write timeout");
    s.set_nodelay(true).expect("nodelay");
    s
}

/// n bytes that differ from seed to seed and along the stream.
fn pattern(n: usize, seed: usize) -> Vec<u8> {
    (0..n).map(|i| (i.wrapping_mul(131) + (i >> 8) * 7 + seed * 29) as u8).collect()
}

fn read_exactly(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).unwrap_or_else(|e| panic!("reading {n} bytes: {e}"));
    buf
}

/// The peer's end: EOF, or a reset when the server closed with our bytes
/// unread.
fn expect_end(s: &mut impl Read) {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => panic!("expected the end, got {:?}", String::from_utf8_lossy(&buf[..n])),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return,
            Err(e) => panic!("expected the end: {e}"),
        }
    }
}

/// Writes until the peer stops taking bytes (a write blocks for `wait`);
/// returns how many it took.
fn fill(s: &mut TcpStream, wait: Duration, limit: usize) -> usize {
    s.set_write_timeout(Some(wait)).expect("write timeout");
    let chunk = vec![b'x'; 1 << 16];
    let mut sent = 0;
    loop {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return sent,
            Err(e) => panic!("writing: {e}"),
        }
        assert!(sent < limit, "the server took {sent} bytes without ever stopping reading");
    }
}

/// A chat client: lines in, lines out.
struct Member {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Member {
    fn join(port: u16, patience: Duration) -> Member {
        let s = connect(port, patience);
        Member { writer: s.try_clone().expect("clone"), reader: BufReader::new(s) }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).unwrap_or_else(|e| panic!("reading a line: {e}"));
        assert!(n > 0 && line.ends_with('\n'), "the connection ended; expected a line, got {line:?}");
        line.pop();
        line
    }

    fn say(&mut self, text: &str) {
        self.writer.write_all(format!("{text}\n").as_bytes()).expect("writes");
    }
}

// ---- echo -----------------------------------------------------------------------------------

/// Many clients, a large payload read late (the server is throttled and
/// pauses), half-close, a reset, two connections open at SIGTERM.
fn echo_scenario(run: Run) {
    let patience = run.patience();
    let server = Server::start(run.command(&example("echo"), &["--port", "0"]), patience);
    let port = server.port;
    let mut accepted = 0;

    // Clients at once, each with its own bytes in several writes.
    let clients = run.pick(20, 4);
    std::thread::scope(|s| {
        for id in 0..clients {
            s.spawn(move || {
                let mut c = connect(port, patience);
                for round in 0..10 {
                    let data = pattern(1 + (id * 997 + round * 131) % 5000, id * 10 + round);
                    c.write_all(&data).expect("writes");
                    assert!(read_exactly(&mut c, data.len()) == data, "client {id}, round {round}: other bytes came back");
                }
            });
        }
    });
    accepted += clients;

    // More than every buffer on the way holds, read only after a while.
    let big = pattern(run.pick(16 << 20, 3 << 20), 7);
    let mut c = connect(port, patience);
    let mut w = c.try_clone().expect("clone");
    std::thread::scope(|s| {
        s.spawn(|| w.write_all(&big).expect("writes the big payload"));
        std::thread::sleep(Duration::from_millis(300));
        assert!(read_exactly(&mut c, big.len()) == big, "the big payload came back changed");
    });
    drop((c, w));
    accepted += 1;

    // Half-close: the echo of everything before the client's FIN comes back,
    // then the server's FIN.
    let mut c = connect(port, patience);
    let data = pattern(300_000, 9);
    c.write_all(&data).expect("writes");
    c.shutdown(Shutdown::Write).expect("shutdown");
    let mut got = vec![];
    c.read_to_end(&mut got).expect("reads to the end");
    assert!(got == data, "half-closed: {} bytes came back of {}", got.len(), data.len());
    accepted += 1;

    // A client that resets (it leaves with bytes unread); the server goes on.
    let mut c = connect(port, patience);
    c.write_all(&pattern(100_000, 3)).expect("writes");
    read_exactly(&mut c, 1);
    drop(c);
    let mut c = connect(port, patience);
    c.write_all(b"still there").expect("writes");
    assert_eq!(read_exactly(&mut c, 11), b"still there");
    drop(c);
    accepted += 2;

    // Open at SIGTERM: closed by the server.
    let mut open: Vec<TcpStream> = (0..2).map(|_| connect(port, patience)).collect();
    for c in &mut open {
        c.write_all(b"?").expect("writes");
        assert_eq!(read_exactly(c, 1), b"?");
    }
    accepted += 2;
    let mut server = server;
    server.signal("TERM");
    for c in &mut open {
        expect_end(c);
    }
    let (status, rest, stderr) = server.wait();
    assert!(status.success(), "exit {status}:\n{}\n{stderr}", rest.join("\n"));
    assert!(stderr.is_empty(), "stderr:\n{stderr}");
    // How many were still open depends on when the server saw the last
    // closes; the two above were.
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert!(rest[0].starts_with("shutting down (TERM), closing "), "{rest:?}");
    assert_eq!(rest[1], format!("stopped after {accepted} connections"));
}

#[test]
fn echo_serves_clients_and_stops_on_sigterm() {
    echo_scenario(Run::Native);
}

#[test]
fn echo_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    echo_scenario(Run::Valgrind);
}

/// A client that sends and never reads: the server stops reading it (its
/// memory stays small) and serves the others. At SIGTERM such a client
/// holds the last bytes back; a second SIGTERM drops them.
#[test]
fn echo_client_that_never_reads() {
    let run = Run::Native;
    let patience = run.patience();
    let mut server = Server::start(run.command(&example("echo"), &["--port", "0"]), patience);
    let port = server.port;
    let before = rss(server.pid());
    let mut hog = connect(port, patience);
    let taken = fill(&mut hog, Duration::from_millis(500), 512 << 20);
    let grown = rss(server.pid()).saturating_sub(before);
    assert!(grown < 16 << 20, "the server took {taken} bytes and grew by {grown} bytes");
    let mut c = connect(port, patience);
    c.write_all(b"others are served").expect("writes");
    assert_eq!(read_exactly(&mut c, 17), b"others are served");
    drop(c);
    drop(hog); // unread bytes: a reset

    let mut hog = connect(port, patience);
    fill(&mut hog, Duration::from_millis(500), 512 << 20);
    server.signal("TERM");
    assert!(server.line().starts_with("shutting down (TERM), closing "));
    assert_eq!(server.line(), "stopped after 3 connections");
    server.signal("TERM");
    let (status, rest, stderr) = server.wait();
    assert!(status.success() && rest.is_empty() && stderr.is_empty(), "exit {status}: {rest:?}\n{stderr}");
}

/// With few descriptors, connections past the limit wait in the backlog
/// (the server does not spin meanwhile) and are served once others close.
#[test]
fn echo_keeps_accepting_after_emfile() {
    const LIMIT: usize = 32;
    let patience = Run::Native.patience();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("ulimit -n {LIMIT} && exec \"$0\" --port 0")).arg(example("echo"));
    cmd.env(CHECK_HEAP.0, CHECK_HEAP.1);
    let server = Server::start(cmd, patience);
    let port = server.port;
    let room = LIMIT - open_fds(server.pid());
    let mut clients: Vec<TcpStream> = (0..room + 10).map(|_| connect(port, patience)).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        c.write_all(format!("{i:04}").as_bytes()).expect("writes");
    }
    for (i, c) in clients.iter_mut().enumerate().take(room) {
        assert_eq!(read_exactly(c, 4), format!("{i:04}").as_bytes());
    }
    let ticks = cpu_ticks(server.pid());
    std::thread::sleep(Duration::from_millis(500));
    let spent = cpu_ticks(server.pid()) - ticks;
    assert!(spent <= 10, "{spent} ticks of CPU in 500 ms with 10 connections waiting: a busy loop");
    let waiting = clients.split_off(room);
    drop(clients);
    for (k, mut c) in waiting.into_iter().enumerate() {
        assert_eq!(read_exactly(&mut c, 4), format!("{:04}", room + k).as_bytes());
    }
    server.stop(&[&format!("stopped after {} connections", room + 10)]);
}

/// A bad command line: a message and the usage on stderr, status 2.
#[test]
fn examples_refuse_bad_flags() {
    for (name, args, message) in [
        ("echo", &["--port", "x"][..], "echo: --port x: not a number"),
        ("echo", &["--verbose"][..], "echo: unknown flag --verbose"),
        ("chat", &["--port"][..], "chat: --port needs a value"),
        ("chat", &["--max-line", "0"][..], "chat: --max-line 0: at least 1"),
    ] {
        let out = Command::new(example(name)).args(args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.starts_with(&format!("{message}\nusage: {name} ")), "{name} {args:?}: {stderr}");
    }
}

// ---- chat -----------------------------------------------------------------------------------

/// Joins and leaves, fan-out, /nick, a line over the limit, a reset, a
/// member that never reads (disconnected at the output limit while the
/// others go on), SIGTERM.
fn chat_scenario(run: Run) {
    let patience = run.patience();
    let server = Server::start(run.command(&example("chat"), &["--port", "0", "--max-line", "8192"]), patience);
    let port = server.port;
    let join = || Member::join(port, patience);

    let mut a = join();
    assert_eq!(a.line(), "* welcome, you are guest1 (1 online)");
    let mut b = join();
    assert_eq!(b.line(), "* welcome, you are guest2 (2 online)");
    assert_eq!(a.line(), "* guest2 joined");
    b.say("hello\r");
    assert_eq!(a.line(), "guest2: hello");
    let mut c = join();
    assert_eq!(c.line(), "* welcome, you are guest3 (3 online)");
    for m in [&mut a, &mut b] {
        assert_eq!(m.line(), "* guest3 joined");
    }
    c.say("/nick carol");
    assert_eq!(c.line(), "* you are now carol");
    for m in [&mut a, &mut b] {
        assert_eq!(m.line(), "* guest3 is now carol");
    }
    a.say("hi all");
    for m in [&mut b, &mut c] {
        assert_eq!(m.line(), "guest1: hi all");
    }

    // A line over --max-line closes its sender only.
    a.say(&"y".repeat(9000));
    expect_end(&mut a.reader);
    for m in [&mut b, &mut c] {
        assert_eq!(m.line(), "* guest1 left");
    }

    // A member that resets.
    let d = connect(port, patience);
    for m in [&mut b, &mut c] {
        assert_eq!(m.line(), "* guest4 joined");
    }
    drop(d); // its welcome unread: a reset
    for m in [&mut b, &mut c] {
        assert_eq!(m.line(), "* guest4 left");
    }

    // A member that never reads: b talks until c, reading everything,
    // hears that it left. b keeps at most 64 lines ahead of c, so c (and
    // any member that reads) is never that far behind.
    let sleeper = connect(port, patience);
    for m in [&mut b, &mut c] {
        assert_eq!(m.line(), "* guest5 joined");
    }
    let burst = format!("{}\n", "z".repeat(4000)).repeat(16);
    let said = format!("guest2: {}", "z".repeat(4000));
    let stop = AtomicBool::new(false);
    let heard = AtomicUsize::new(0);
    let mut talker = b.writer.try_clone().expect("clone");
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut sent = 0;
            while !stop.load(Ordering::SeqCst) {
                if sent > heard.load(Ordering::SeqCst) + 64 {
                    std::thread::sleep(Duration::from_millis(1));
                    continue;
                }
                talker.write_all(burst.as_bytes()).expect("the talker writes");
                sent += 16;
                assert!(sent < 65536, "the member that never reads was never disconnected");
            }
        });
        loop {
            let l = c.line();
            if l == "* guest5 left" {
                break;
            }
            assert!(l == said, "unexpected line {:?}", &l[..l.len().min(60)]);
            heard.fetch_add(1, Ordering::SeqCst);
        }
        stop.store(true, Ordering::SeqCst);
    });
    let heard = heard.load(Ordering::SeqCst);
    assert!(heard > 0);
    assert_eq!(b.line(), "* guest5 left");
    b.say("end");
    loop {
        let l = c.line();
        if l == "guest2: end" {
            break;
        }
        assert!(l == said, "unexpected line {:?}", &l[..l.len().min(60)]);
    }
    drop(sleeper);

    let mut server = server;
    server.signal("TERM");
    for m in [&mut b, &mut c] {
        assert_eq!(m.line(), "* the server is shutting down");
        expect_end(&mut m.reader);
    }
    let (status, rest, stderr) = server.wait();
    assert!(status.success(), "exit {status}:\n{}\n{stderr}", rest.join("\n"));
    assert!(stderr.is_empty(), "stderr:\n{stderr}");
    let mut log: Vec<String> = rest
        .iter()
        .map(|l| match l.find(" joined from 127.0.0.1:") {
            Some(at) => format!("{} joined", &l[..at]),
            None => l.clone(),
        })
        .collect();
    // The two members close at once: their order is the scheduler's.
    let n = log.len();
    assert!(n >= 3, "{log:?}");
    log[n - 3..n - 1].sort();
    let guest4_left = log.iter().find(|l| l.starts_with("guest4 left")).cloned().unwrap_or_default();
    assert!(guest4_left == "guest4 left (reset)" || guest4_left == "guest4 left (peer closed)", "{log:?}");
    let expected = [
        "guest1 joined",
        "guest2 joined",
        "guest3 joined",
        "guest3 is now carol",
        "guest1 left (frame too long)",
        "guest4 joined",
        &guest4_left,
        "guest5 joined",
        "guest5 left (output buffer limit)",
        "shutting down (TERM), 2 online",
        "carol left (closed)",
        "guest2 left (closed)",
        "stopped",
    ];
    assert_eq!(log, expected);
}

#[test]
fn chat_relays_lines_and_stops_on_sigterm() {
    chat_scenario(Run::Native);
}

#[test]
fn chat_under_valgrind() {
    if skip_without("valgrind") {
        return;
    }
    chat_scenario(Run::Valgrind);
}

// ---- signals --------------------------------------------------------------------------------

/// Whether this process ignores `signo` (a child inherits it; a shell
/// starting a background job ignores INT, for example).
fn ignored(signo: u32) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let mask = status.lines().find_map(|l| l.strip_prefix("SigIgn:")).expect("SigIgn");
    u64::from_str_radix(mask.trim(), 16).expect("hex mask") & (1 << (signo - 1)) != 0
}

#[test]
fn os_on_signal_delivers_messages() {
    use std::os::unix::process::ExitStatusExt;
    let exe = build("tests/net/signals.pu", "signals", &[]);
    let mut cmd = Command::new(&exe);
    cmd.env(CHECK_HEAP.0, CHECK_HEAP.1);
    let mut p = Server::start_with(cmd, Run::Native.patience(), |first| assert_eq!(first, "ready"));
    p.signal("HUP");
    assert_eq!([p.line(), p.line()], ["Main got HUP", "Logger got HUP"]);
    p.signal("INT");
    assert_eq!(p.line(), "Main got INT");
    p.signal("TERM");
    assert_eq!(p.line(), "Main got TERM");
    if ignored(15) {
        eprintln!("skipped the default action: SIGTERM is ignored here");
        return;
    }
    // Main has ended, and with it the only registration for TERM.
    p.signal("TERM");
    let (status, rest, stderr) = p.wait();
    assert_eq!(status.signal(), Some(15), "{status}: {rest:?}\n{stderr}");
}

// ---- the in-memory suites and the client's mistakes -------------------------------------------

fn declared_tests(dir: &str) -> usize {
    common::programs_in(dir)
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readable").lines().filter(|l| l.starts_with("test \"")).count())
        .sum()
}

fn check_output(what: &str, out: &Output, expected: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout == expected,
        "{what}: {}\n--- stdout\n{stdout}--- expected\n{expected}--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `purrc --test examples/echo` and `examples/chat`: every test passes,
/// natively and under valgrind.
#[test]
fn example_suites_pass() {
    for name in ["echo", "chat"] {
        let dir = format!("examples/{name}");
        let runner = build(&dir, &format!("{name}_tests"), &["--test"]);
        let out = Run::Native.command(&runner, &[]).output().expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let summary = format!("{} passed, 0 failed", declared_tests(&dir));
        assert!(
            out.status.success() && stdout.lines().last() == Some(summary.as_str()),
            "{dir}: expected `{summary}`:\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if !skip_without("valgrind") {
            check_output(&format!("{dir} under valgrind"), &Run::Valgrind.command(&runner, &[]).output().expect("runs"), &stdout);
        }
    }
}

/// tests/net/client_errors.pu prints tests/net/client_errors.out, natively
/// and under valgrind.
#[test]
fn client_errors_give_messages() {
    let exe = build("tests/net/client_errors.pu", "client_errors", &[]);
    let expected = std::fs::read_to_string(repo_root().join("tests/net/client_errors.out")).expect("expected output");
    check_output("client_errors", &Run::Native.command(&exe, &[]).output().expect("runs"), &expected);
    if !skip_without("valgrind") {
        check_output("client_errors under valgrind", &Run::Valgrind.command(&exe, &[]).output().expect("runs"), &expected);
    }
}
