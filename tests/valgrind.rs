//! Memory: every gate, language test program and a container-heavy
//! workload run under valgrind with zero bytes
//! definitely or indirectly lost and no invalid reads or writes.

mod common;

use common::{build, parallel, programs_in, report};
use std::path::PathBuf;
use std::process::Command;

fn valgrind_available() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn programs_are_leak_free_under_valgrind() {
    assert!(valgrind_available(), "valgrind is required (`.ci/run` installs it: apt-get install -y valgrind)");
    let files: Vec<PathBuf> =
        ["gates/gate1a", "gates/gate1b", "gates/gate2", "tests/valgrind", "tests/programs", "tests/stdlib"].iter().flat_map(|d| programs_in(d)).collect();
    let failures = parallel(&files, |f| {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let exe = build(f, dir.path(), &[]).map_err(|e| format!("{}: {e}", f.display()))?;
        let out = Command::new("valgrind")
            .args(["-q", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99"])
            .arg(&exe)
            .output()
            .expect("valgrind runs");
        let expected = std::fs::read_to_string(f.with_extension("out")).map_err(|e| e.to_string())?;
        if out.status.code() != Some(0) || String::from_utf8_lossy(&out.stdout) != expected {
            return Err(format!(
                "{}: exit {:?}\n{}",
                f.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    });
    report("programs", files.len(), failures);
}
