//! Build script: generates the parser from `parser.lalrpop` and compiles the
//! C runtime once into a static library that purrc embeds, so users need
//! nothing but purrc and a C compiler. The standard library and the
//! explanations of diagnostics (`purrc --explain`) are embedded too.
use std::path::Path;

fn main() {
    lalrpop::process_src().expect("lalrpop grammar failed to build");
    // Printing any rerun-if-changed replaces cargo's default of watching the
    // whole package, so the grammar must be listed too.
    println!("cargo:rerun-if-changed=src/parser.lalrpop");

    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime-c");
    let mut sources: Vec<_> = std::fs::read_dir(runtime.join("src"))
        .expect("runtime-c/src is missing")
        .map(|e| e.expect("unreadable runtime-c/src entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    // Flags against cc's defaults, each measured on the message loop
    // (docs/performance.md, "The embedded runtime's flags"). The library
    // only ever goes into executables, so it is position-independent
    // *executable* code: -fPIE links into the PIE programs that gcc and
    // clang make by default (and into tcc's non-PIE ones), but unlike -fPIC
    // it reaches the runtime's globals without the GOT and allows no symbol
    // interposition. No frame pointers (cc adds them when purrc has debug
    // info): they cost a register in the scheduler loop, and perf uses
    // DWARF call graphs here. No per-function and per-variable sections:
    // nothing links with --gc-sections, and the default layout ran the loop
    // faster.
    cc::Build::new()
        .files(&sources)
        .include(runtime.join("include"))
        .pic(false)
        .flag("-fPIE")
        .force_frame_pointer(false)
        .flag("-fno-function-sections")
        .flag("-fno-data-sections")
        .opt_level(2)
        .flag_if_supported("-std=c11")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .warnings_into_errors(true)
        .cargo_metadata(false)
        .compile("purr_rt");
    println!("cargo:rerun-if-changed={}", runtime.display());
    embed_stdlib();
    embed_explanations();
}

/// Writes `$OUT_DIR/stdlib.rs`: every `stdlib/**/*.pu` as (path, text), so
/// the standard library ships inside the purrc binary.
fn embed_stdlib() {
    embed("../stdlib", "pu", "stdlib.rs");
}

/// Writes `$OUT_DIR/explanations.rs`: every `docs/diagnostics/*.md` as
/// (file name, text), the long forms `purrc --explain ID` prints.
fn embed_explanations() {
    embed("../docs/diagnostics", "md", "explanations.rs");
}

/// Writes `$OUT_DIR/{out}` holding `FILES`: every `*.{ext}` file under `dir`
/// (relative to this package) as (path relative to `dir`, text).
fn embed(dir: &str, ext: &str, out: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = vec![];
    collect_files(&root, ext, &mut files);
    files.sort();
    let mut text = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f.strip_prefix(&root).expect("under the embedded directory").to_string_lossy().replace('\\', "/");
        text.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", f.canonicalize().expect("embedded file exists")));
    }
    text.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(out);
    std::fs::write(dest, text).expect("writing an embedded file table");
    println!("cargo:rerun-if-changed={}", root.display());
}

fn collect_files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // Cargo watches a directory only by its own mtime; list each one.
            println!("cargo:rerun-if-changed={}", path.display());
            collect_files(&path, ext, out);
        } else if path.extension().is_some_and(|x| x == ext) {
            out.push(path);
        }
    }
}
