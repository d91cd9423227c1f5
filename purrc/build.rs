//! Build script: generates the parser from `parser.lalrpop` and compiles the
//! C runtime once into a static library that purrc embeds, so users need
//! nothing but purrc and a C compiler.
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
    cc::Build::new()
        .files(&sources)
        .include(runtime.join("include"))
        .opt_level(2)
        .flag_if_supported("-std=c11")
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra")
        .warnings_into_errors(true)
        .cargo_metadata(false)
        .compile("purr_rt");
    println!("cargo:rerun-if-changed={}", runtime.display());
}
