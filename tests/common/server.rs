//! A server program under test: started natively or under valgrind, its
//! port read from its first line (`listening on PORT`), its stdout read line
//! by line and its stderr kept, every wait bounded, and the process killed
//! when the value is dropped (a failing test leaves nothing behind). Shared
//! by the tests of the network examples and of the broker.
#![allow(dead_code)]

use super::CHECK_HEAP;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How a program runs: natively, or under valgrind's memcheck (slower, so
/// with more patience and smaller loads).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Run {
    Native,
    Valgrind,
}

impl Run {
    pub fn command(self, exe: &Path, args: &[&str]) -> Command {
        let mut cmd = match self {
            Run::Native => Command::new(exe),
            Run::Valgrind => {
                let mut cmd = Command::new("valgrind");
                cmd.args(["-q", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect"]);
                cmd.arg(exe);
                cmd
            }
        };
        cmd.args(args).env(CHECK_HEAP.0, CHECK_HEAP.1);
        cmd
    }

    /// The longest wait for anything: a line, a read, the exit.
    pub fn patience(self) -> Duration {
        match self {
            Run::Native => Duration::from_secs(20),
            Run::Valgrind => Duration::from_secs(180),
        }
    }

    pub fn pick(self, native: usize, valgrind: usize) -> usize {
        if self == Run::Native {
            native
        } else {
            valgrind
        }
    }
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    /// Its stdout, line by line, after the first line.
    lines: Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
    pub patience: Duration,
}

impl Server {
    /// Starts `cmd` and reads the port from its first line.
    pub fn start(cmd: Command, patience: Duration) -> Server {
        let mut port = 0;
        let mut server = Server::start_with(cmd, patience, |first| {
            port = first
                .strip_prefix("listening on ")
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("expected `listening on PORT`, got {first:?}"));
        });
        server.port = port;
        server
    }

    /// Starts `cmd` and hands its first line to `first`.
    pub fn start_with(mut cmd: Command, patience: Duration, first: impl FnOnce(&str)) -> Server {
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().expect("piped stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut server = Server { child, port: 0, lines, stderr: Some(stderr), patience };
        first(&server.line());
        server
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next line of its stdout.
    pub fn line(&mut self) -> String {
        let patience = self.patience;
        match self.lines.recv_timeout(patience) {
            Ok(line) => line,
            Err(e) => panic!("no line from the server within {patience:?} ({e}); stderr:\n{}", self.end_stderr()),
        }
    }

    /// A client connection to its port, with its patience as the timeouts.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        s.set_read_timeout(Some(self.patience)).expect("read timeout");
        s.set_write_timeout(Some(self.patience)).expect("write timeout");
        s
    }

    /// Sends signal `name` (the shell's builtin kill: no procps needed).
    pub fn signal(&self, name: &str) {
        let sent = Command::new("sh").arg("-c").arg(format!("kill -{name} {}", self.pid())).status();
        assert!(sent.expect("kill runs").success(), "kill -{name} failed");
    }

    /// Waits for the exit; returns the status, the rest of stdout and stderr.
    pub fn wait(&mut self) -> (ExitStatus, Vec<String>, String) {
        let deadline = Instant::now() + self.patience;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(Instant::now() < deadline, "the server did not exit within {:?}", self.patience);
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut rest = vec![];
        loop {
            match self.lines.recv_timeout(self.patience) {
                Ok(line) => rest.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("stdout stayed open after the exit"),
            }
        }
        (status, rest, self.end_stderr())
    }

    /// Everything on its stderr (it is killed first if still running).
    pub fn end_stderr(&mut self) -> String {
        let _ = self.child.kill();
        self.stderr.take().map(|t| t.join().unwrap_or_default()).unwrap_or_default()
    }

    /// Stops it with SIGTERM, checks that it exits 0 with nothing on
    /// stderr, and returns the rest of its stdout.
    pub fn terminate(&mut self) -> Vec<String> {
        self.signal("TERM");
        let (status, rest, stderr) = self.wait();
        assert!(status.success(), "exit {status} after SIGTERM; stdout after the first line:\n{}\nstderr:\n{stderr}", rest.join("\n"));
        assert!(stderr.is_empty(), "stderr:\n{stderr}");
        rest
    }

    /// Stops it with SIGTERM and checks that it exits 0 with `expected` as
    /// the last lines of its stdout.
    pub fn stop(mut self, expected: &[&str]) {
        let rest = self.terminate();
        let tail = &rest[rest.len().saturating_sub(expected.len())..];
        assert_eq!(tail, expected, "the last lines; all of them:\n{}", rest.join("\n"));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
