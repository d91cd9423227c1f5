//! The C runtime shipped inside purrc: `purr.h` and the static library that
//! build.rs compiled once. They are written to a per-version cache directory
//! the first time a program is built, so a user needs only purrc and a C
//! compiler, and no build recompiles the runtime.

use std::io;
use std::path::PathBuf;

const HEADER: &str = include_str!("../../runtime-c/include/purr.h");
const LIBRARY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/libpurr_rt.a"));

pub struct Installed {
    pub include_dir: PathBuf,
    pub library: PathBuf,
}

/// FNV-1a, to name the cache directory after the exact runtime contents.
fn fingerprint() -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in HEADER.as_bytes().iter().chain(LIBRARY) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("PURR_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("purrc");
    }
    if let Some(home) = std::env::var_os("HOME") {
        return PathBuf::from(home).join(".cache").join("purrc");
    }
    std::env::temp_dir().join("purrc-cache")
}

/// Writes the runtime to the cache if it is not there yet.
pub fn install() -> io::Result<Installed> {
    let dir = cache_root().join(format!("runtime-{}-{:016x}", env!("CARGO_PKG_VERSION"), fingerprint()));
    let installed = Installed { include_dir: dir.join("include"), library: dir.join("libpurr_rt.a") };
    if installed.library.exists() && installed.include_dir.join("purr.h").exists() {
        return Ok(installed);
    }
    std::fs::create_dir_all(&installed.include_dir)?;
    // Write under temporary names then rename, so concurrent builds never
    // see a half-written file.
    let tmp = tempfile::Builder::new().prefix(".install").tempdir_in(&dir)?;
    std::fs::write(tmp.path().join("purr.h"), HEADER)?;
    std::fs::write(tmp.path().join("libpurr_rt.a"), LIBRARY)?;
    std::fs::rename(tmp.path().join("purr.h"), installed.include_dir.join("purr.h"))?;
    std::fs::rename(tmp.path().join("libpurr_rt.a"), &installed.library)?;
    Ok(installed)
}
