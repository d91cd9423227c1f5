//! The last phase: the C compiler compiles the generated C and links it
//! with the runtime. Its failures are the user's when they can be traced to
//! the program (an `extern fn` that no library defines) or to the command
//! line (an output path that cannot be written); anything else is reported
//! with the C compiler's own words.

use super::{Cli, Failure};
use crate::diagnostics::Diagnostic;
use crate::runtime;
use crate::source::Span;
use std::path::Path;
use std::process::Command;

/// An error of the build phase that points into the program.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildError {
    /// An `extern fn` the program calls that no linked library or C file
    /// defines.
    UndefinedExtern { name: String, span: Span },
}

crate::diagnostics::diagnostic_ids!(BuildError {
    UndefinedExtern => "undefined-extern",
});

impl BuildError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        let id = self.id();
        match self {
            BuildError::UndefinedExtern { name, span } => {
                Diagnostic::new(id, *span, format!("no C library or C file defines `extern fn {name}`"))
                    .label("declared here, called by the program")
                    .hint("check the spelling, link the library that defines it with `-l NAME`, or compile its C file with `--c-source FILE`")
            }
        }
    }
}

/// The C compiler to use: `--cc`, else `$CC`, else `cc`.
fn c_compiler(cli: &Cli) -> String {
    cli.cc.clone().or_else(|| std::env::var("CC").ok().filter(|s| !s.is_empty())).unwrap_or_else(|| "cc".into())
}

/// Why the executable cannot be written to `exe`, if that is plain before
/// compiling: the C compiler would only say "cannot open output file".
pub fn check_output(exe: &Path, default_name: bool) -> Result<(), Failure> {
    if exe.is_dir() {
        let named = if default_name { " (purrc names the executable after its first input)" } else { "" };
        return Err(Failure::Usage(format!(
            "cannot write the executable to {}: it is a directory{named}; choose another name with -o NAME",
            exe.display()
        )));
    }
    match exe.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(Failure::Usage(format!(
            "cannot write the executable to {}: directory {} does not exist",
            exe.display(),
            dir.display()
        ))),
        _ => Ok(()),
    }
}

/// Compiles `c_path` into `exe`. `externs` are the program's `extern fn`
/// declarations, to tell a missing C function from a purrc bug.
pub fn compile(cli: &Cli, c_path: &Path, exe: &Path, externs: &[(String, Span)]) -> Result<(), Failure> {
    let rt = runtime::install().map_err(|e| Failure::Usage(format!("cannot install the runtime: {e}")))?;
    let cc = c_compiler(cli);
    let mut cmd = Command::new(&cc);
    cmd.arg(format!("-O{}", cli.opt))
        .arg("-g")
        .arg("-I")
        .arg(&rt.include_dir)
        .arg(c_path)
        .args(&cli.c_sources)
        .arg(&rt.library)
        .arg("-o")
        .arg(exe);
    for lib in &cli.libs {
        cmd.arg(format!("-l{lib}"));
    }
    cmd.arg("-lm");
    let output = cmd.output().map_err(|e| Failure::Usage(format!("cannot run the C compiler `{cc}`: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let undefined = undefined_symbols(&stderr);
    let missing: Vec<Diagnostic> = externs
        .iter()
        .filter(|(name, _)| undefined.contains(&name.as_str()))
        .map(|(name, span)| BuildError::UndefinedExtern { name: name.clone(), span: *span }.to_diagnostic())
        .collect();
    if !missing.is_empty() {
        return Err(Failure::Diagnostics(missing));
    }
    Err(Failure::Usage(format!(
        "the C compiler `{cc}` failed (this is a purrc bug unless it comes from --c-source or -l):\n{stderr}"
    )))
}

/// The symbols a linker reports as undefined, in the words of GNU ld
/// (``undefined reference to `f'``), lld (`undefined symbol: f`) and the
/// macOS linker (`"_f", referenced from:`).
fn undefined_symbols(linker_output: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in linker_output.lines() {
        if let Some((_, rest)) = line.split_once("undefined reference to `") {
            found.extend(rest.split_once('\'').map(|(name, _)| name));
        } else if let Some((_, rest)) = line.split_once("undefined symbol: ") {
            found.push(rest.trim());
        } else if let Some((name, _)) = line.trim().strip_prefix("\"_").and_then(|l| l.split_once("\", referenced from")) {
            found.push(name);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::undefined_symbols;

    #[test]
    fn linkers_name_undefined_symbols_their_own_ways() {
        let gnu = "/usr/bin/ld: /tmp/x.o: in function `main__main':\nx.c:(.text+0x5): undefined reference to `getpidx'\ncollect2: error: ld returned 1 exit status\n";
        assert_eq!(undefined_symbols(gnu), ["getpidx"]);
        assert_eq!(undefined_symbols("ld.lld: error: undefined symbol: getpidx\n>>> referenced by x.c\n"), ["getpidx"]);
        assert_eq!(undefined_symbols("Undefined symbols for architecture arm64:\n  \"_getpidx\", referenced from:\n"), ["getpidx"]);
    }
}
