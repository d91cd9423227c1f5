//! The command line: reads the inputs and runs the phases in order —
//! read → lex/parse → check (IR) → lint → generate C → compile and link —
//! stopping at the first phase that reports errors. Warnings (from the
//! lints) are printed as soon as they are known and never stop the build.

use crate::diagnostics::{self, Diagnostic};
use crate::intern::Symbol;
use crate::source::{SourceMap, Span};
use crate::{ast, codegen_c, lexer, lint, parse, sema};
use clap::{Parser, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod cc;

pub use cc::BuildError;

#[derive(Parser, Debug)]
#[command(name = "purrc", version, about = "The Purr compiler: .pu files to a native executable via C")]
pub struct Cli {
    /// Source files (.pu) or directories of them.
    #[arg(required_unless_present = "explain", value_name = "FILES_OR_DIRS")]
    pub inputs: Vec<PathBuf>,
    /// Explain a diagnostic: what it means, an example, the fix.
    #[arg(long, value_name = "ID", exclusive = true)]
    pub explain: Option<String>,
    /// Output executable (default: the first file's stem). With --test or
    /// --bench, the runner is written to OUT instead of being run.
    #[arg(short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Build to a temporary place and run; arguments after `--` go to the program.
    #[arg(long)]
    pub run: bool,
    /// Build and run the program's tests.
    #[arg(long, conflicts_with_all = ["run", "bench"])]
    pub test: bool,
    /// Build and run the program's benches.
    #[arg(long, conflicts_with = "run")]
    pub bench: bool,
    /// Run only the tests whose names contain TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Print bench results as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// Simulation seed for tests and benches (0, the default: FIFO order);
    /// with --explore, the first seed (default 1).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// Run each test under N seeds; a failure prints the seed and the
    /// command that replays it.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_explore)]
    pub explore: Option<u32>,
    /// Virtual microseconds each scheduler step costs in tests and benches (default 1).
    #[arg(long, value_name = "US", value_parser = clap::value_parser!(u32).range(0..=i32::MAX as i64))]
    pub step_cost_us: Option<u32>,
    /// Steps a test may take before it fails as never ending (default 10000000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
    pub step_limit: Option<u64>,
    /// Print an intermediate form instead of building.
    #[arg(long, value_enum)]
    pub emit: Option<Emit>,
    /// The C compiler (else $CC, else cc).
    #[arg(long, value_name = "PATH")]
    pub cc: Option<String>,
    /// C optimisation level.
    #[arg(short = 'O', default_value_t = 2, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub opt: u8,
    /// Link a C library.
    #[arg(short = 'l', value_name = "NAME")]
    pub libs: Vec<String>,
    /// Compile and link an extra C file.
    #[arg(long = "c-source", value_name = "FILE")]
    pub c_sources: Vec<PathBuf>,
    /// A library directory: the namespaces the program uses and does not
    /// declare are taken from its `*.pu` files (not `*_test.pu`).
    #[arg(short = 'I', value_name = "DIR")]
    pub libraries: Vec<PathBuf>,
    /// Keep the generated C in DIR.
    #[arg(long, value_name = "DIR")]
    pub keep_c: Option<PathBuf>,
    /// Which scheduler runs the program (default: epoll) or the benches
    /// (default: det); tests always run on det.
    #[arg(long, value_enum)]
    pub scheduler: Option<Scheduler>,
    /// Print how long each compiler phase took (to stderr).
    #[arg(long, hide = true)]
    pub time_phases: bool,
    /// Colour in diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Arguments for the program (with --run).
    #[arg(last = true)]
    pub args: Vec<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Emit {
    Tokens,
    Ast,
    Ir,
    C,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Scheduler {
    Det,
    Epoll,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Exit statuses of purrc itself.
const EXIT_COMPILE_ERROR: u8 = 1;
const EXIT_USAGE: u8 = 2;
/// purrc itself failed (a bug); the panic message is already on stderr.
const EXIT_INTERNAL_ERROR: u8 = 3;

/// Why a build stopped.
enum Failure {
    /// Problems in the user's program (exit 1).
    Diagnostics(Vec<Diagnostic>),
    /// A problem with the invocation or the environment (exit 2).
    Usage(String),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(id) = &cli.explain {
        return explain(id);
    }
    std::thread::Builder::new()
        .name("purrc".into())
        .stack_size(crate::threads::STACK_BYTES)
        .spawn(move || compile_and_report(&cli))
        .expect("spawning the compiler thread")
        .join()
        .unwrap_or(ExitCode::from(EXIT_INTERNAL_ERROR))
}

/// `purrc --explain ID`.
fn explain(id: &str) -> ExitCode {
    match crate::explain::explanation(id) {
        Some(text) => {
            // A closed pipe (`purrc --explain x | head`) is not an error.
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        None => {
            let _ = writeln!(
                std::io::stderr(),
                "purrc: no diagnostic has the id `{id}`; ids are the kebab-case names in brackets, as in error[type-mismatch]"
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn compile_and_report(cli: &Cli) -> ExitCode {
    let mut sources = SourceMap::default();
    match run(cli, &mut sources) {
        Ok(code) => code,
        Err(Failure::Diagnostics(diags)) => {
            report(cli, &diags, &sources);
            ExitCode::from(EXIT_COMPILE_ERROR)
        }
        Err(Failure::Usage(msg)) => {
            let _ = writeln!(std::io::stderr(), "purrc: {msg}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Prints diagnostics to stderr, in colour if asked or if it is a terminal.
fn report(cli: &Cli, diags: &[Diagnostic], sources: &SourceMap) {
    let choice = match cli.color {
        Color::Auto if std::io::IsTerminal::is_terminal(&std::io::stderr()) => ColorChoice::Auto,
        Color::Always => ColorChoice::Always,
        _ => ColorChoice::Never,
    };
    diagnostics::report(diags, sources, &mut StandardStream::stderr(choice));
}

fn run(cli: &Cli, sources: &mut SourceMap) -> Result<ExitCode, Failure> {
    check_sim_options(cli)?;
    let mut clock = PhaseClock::new(cli.time_phases);
    read_inputs(&cli.inputs, sources)?;
    let libraries = read_libraries(&cli.libraries)?;
    clock.lap("read");
    if cli.emit == Some(Emit::Tokens) {
        for (id, f) in sources.files.iter().enumerate() {
            print!("{}", lexer::dump_tokens(id as u32, &f.text));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let files = parse_program_with(sources, &libraries).map_err(Failure::Diagnostics)?;
    clock.lap("parse");
    if cli.emit == Some(Emit::Ast) {
        println!("{files:#?}");
        return Ok(ExitCode::SUCCESS);
    }
    // Checking consumes the AST, freeing it as the IR is built, so the IR
    // and the C text reuse its memory (fewer fresh pages to fault in).
    let mut program = sema::check(files, !(cli.test || cli.bench)).map_err(Failure::Diagnostics)?;
    clock.lap("check");
    let warnings = lint::check(&program);
    report(cli, &warnings, sources);
    clock.lap("lint");
    if cli.emit == Some(Emit::Ir) {
        print!("{}", crate::ir::dump(&program, sources));
        return Ok(ExitCode::SUCCESS);
    }
    let mode = if cli.test {
        codegen_c::Mode::Test
    } else if cli.bench {
        codegen_c::Mode::Bench
    } else {
        codegen_c::Mode::Program
    };
    let default = if cli.bench { Scheduler::Det } else { Scheduler::Epoll };
    let scheduler = match cli.scheduler.unwrap_or(default) {
        Scheduler::Det => codegen_c::Scheduler::Det,
        Scheduler::Epoll => codegen_c::Scheduler::Epoll,
    };
    let externs: Vec<(String, Span)> = program.externs.iter().map(|x| (x.name.name.to_string(), x.span)).collect();
    if cli.emit == Some(Emit::C) {
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        // A closed pipe (`purrc --emit c | head`) is not an error of the program.
        let _ = codegen_c::generate(&mut program, sources, mode, scheduler, &mut stdout).and_then(|()| stdout.flush());
        // What is left of the IR is not freed: purrc exits now.
        std::mem::forget(program);
        clock.lap("generate C");
        return Ok(ExitCode::SUCCESS);
    }
    let work = tempfile::tempdir().map_err(|e| Failure::Usage(format!("cannot create a temporary directory: {e}")))?;
    let c_dir = cli.keep_c.clone().unwrap_or_else(|| work.path().to_path_buf());
    std::fs::create_dir_all(&c_dir).map_err(|e| Failure::Usage(format!("cannot create {}: {e}", c_dir.display())))?;
    let stem = cli.inputs[0].file_stem().map_or("main".into(), |s| s.to_string_lossy().into_owned());
    let c_path = c_dir.join(format!("{stem}.c"));
    let cannot_write = |e: std::io::Error| Failure::Usage(format!("cannot write {}: {e}", c_path.display()));
    let mut c_file = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&c_path).map_err(cannot_write)?);
    codegen_c::generate(&mut program, sources, mode, scheduler, &mut c_file).and_then(|()| c_file.flush()).map_err(cannot_write)?;
    drop(c_file);
    std::mem::forget(program);
    clock.lap("generate C");
    let runs = cli.run || ((cli.test || cli.bench) && cli.output.is_none());
    let exe = if runs {
        work.path().join(&stem)
    } else {
        let exe = cli.output.clone().unwrap_or_else(|| PathBuf::from(&stem));
        cc::check_output(&exe, cli.output.is_none())?;
        exe
    };
    cc::compile(cli, &c_path, &exe, &externs)?;
    clock.lap("C compiler");
    if !runs {
        return Ok(ExitCode::SUCCESS);
    }
    let mut args = cli.args.clone();
    if let Some(filter) = &cli.filter {
        args.extend(["--filter".to_string(), filter.clone()]);
    }
    if cli.json {
        args.push("--json".to_string());
    }
    if cli.test || cli.bench {
        args.extend(sim_args(cli));
    }
    let status = Command::new(&exe)
        .args(&args)
        .status()
        .map_err(|e| Failure::Usage(format!("cannot run {}: {e}", exe.display())))?;
    Ok(ExitCode::from(exit_code_of(status)))
}

/// The simulation options apply to the runs of tests (all of them) and
/// benches (--seed and --step-cost-us); a program built with `--scheduler
/// det` reads PURR_SEED and PURR_STEP_COST_US when it runs instead.
fn check_sim_options(cli: &Cli) -> Result<(), Failure> {
    let given = |name: &str, set: bool| set.then(|| name.to_string());
    let test_only = [given("--explore", cli.explore.is_some()), given("--step-limit", cli.step_limit.is_some())];
    let runner = [given("--seed", cli.seed.is_some()), given("--step-cost-us", cli.step_cost_us.is_some())];
    if let Some(name) = test_only.iter().flatten().next().filter(|_| !cli.test) {
        return Err(Failure::Usage(format!("{name} applies to `purrc --test` only")));
    }
    if let Some(name) = runner.iter().flatten().next().filter(|_| !cli.test && !cli.bench) {
        let var = if name == "--seed" { "PURR_SEED" } else { "PURR_STEP_COST_US" };
        return Err(Failure::Usage(format!(
            "{name} applies to `purrc --test` and `--bench`; a program built with --scheduler det reads {var} from its environment"
        )));
    }
    Ok(())
}

/// `--seed`: any u64, written in decimal.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .ok()
        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("a seed is a whole number from 0 to {}, as printed by --explore", u64::MAX))
}

/// `--explore`: how many seeds, at least one.
fn parse_explore(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(0) => Err("--explore runs each test under N seeds; N must be at least 1".to_string()),
        Ok(n) if text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!("expected how many seeds to run, a whole number from 1 to {}", u32::MAX)),
    }
}

/// The simulation options passed on to a test or bench runner, and for
/// tests the command that replays one of them (docs/testing.md).
fn sim_args(cli: &Cli) -> Vec<String> {
    let mut args = Vec::new();
    let mut pass = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            args.extend([name.to_string(), v]);
        }
    };
    pass("--seed", cli.seed.map(|n| n.to_string()));
    pass("--explore", cli.explore.map(|n| n.to_string()));
    pass("--step-cost-us", cli.step_cost_us.map(|n| n.to_string()));
    pass("--step-limit", cli.step_limit.map(|n| n.to_string()));
    if cli.test {
        let mut replay = vec!["purrc".to_string(), "--test".to_string()];
        replay.extend(cli.inputs.iter().map(|p| shell_word(&p.to_string_lossy())));
        if let Some(n) = cli.step_cost_us {
            replay.push(format!("--step-cost-us {n}"));
        }
        if let Some(n) = cli.step_limit {
            replay.push(format!("--step-limit {n}"));
        }
        args.extend(["--replay".to_string(), replay.join(" ")]);
    }
    args
}

/// `s` quoted for a POSIX shell when it needs it.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn exit_code_of(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => c as u8,
        (None, Some(sig)) => 128u8.wrapping_add(sig as u8),
        _ => 1,
    }
}

/// `--time-phases`: prints the time since the previous lap to stderr, and
/// the process's peak resident memory so far (memory is what the front
/// end's speed depends on most: docs/performance.md).
struct PhaseClock {
    last: Option<std::time::Instant>,
}

impl PhaseClock {
    fn new(enabled: bool) -> Self {
        PhaseClock { last: enabled.then(std::time::Instant::now) }
    }

    fn lap(&mut self, phase: &str) {
        if let Some(last) = self.last {
            let ms = last.elapsed().as_secs_f64() * 1e3;
            let peak = peak_rss_kb().map_or(String::new(), |kb| format!("  peak {:6.1} MB", kb as f64 / 1e3));
            let _ = writeln!(std::io::stderr(), "{phase:>12}: {ms:8.1} ms{peak}");
            self.last = Some(std::time::Instant::now());
        }
    }
}

/// The peak resident set size of this process in kB (`VmHWM`), where the
/// system tells it (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Loads every input file; a directory stands for its `*.pu` files, sorted.
fn read_inputs(inputs: &[PathBuf], sources: &mut SourceMap) -> Result<(), Failure> {
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", input.display())))?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| Failure::Usage(format!("cannot read directory {}: {e}", input.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "pu") && p.is_file())
                .collect();
            if files.is_empty() {
                return Err(Failure::Usage(format!("directory {} contains no .pu files", input.display())));
            }
            files.sort();
            for f in files {
                read_file(&f, sources)?;
            }
        } else {
            read_file(input, sources)?;
        }
    }
    Ok(())
}

fn read_file(path: &Path, sources: &mut SourceMap) -> Result<(), Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| Failure::Usage(format!("{} is not valid UTF-8 (byte {})", path.display(), e.utf8_error().valid_up_to())))?;
    sources.add(path.display().to_string(), text);
    Ok(())
}

/// Parses every file of `sources`, then adds the `std.*` namespaces they use.
/// Public so that in-process tests see the same program a build does.
pub fn parse_program(sources: &mut SourceMap) -> Result<Vec<ast::File>, Vec<Diagnostic>> {
    parse_program_with(sources, &[])
}

/// `parse_program`, also taking the namespaces the program uses and does
/// not declare from library files (`-I DIR`).
fn parse_program_with(sources: &mut SourceMap, libraries: &[LibraryFile]) -> Result<Vec<ast::File>, Vec<Diagnostic>> {
    let mut files = parse_all(sources, 0)?;
    load_used(sources, &mut files, libraries)?;
    Ok(files)
}

/// A source file of a library directory (`-I DIR`), and the namespace it
/// declares.
struct LibraryFile {
    path: PathBuf,
    text: String,
    namespace: String,
}

/// Reads the library directories: their `*.pu` files but the tests
/// (`*_test.pu`: a library's tests are its own, as in Go), in the order
/// the directories were given, each sorted.
fn read_libraries(dirs: &[PathBuf]) -> Result<Vec<LibraryFile>, Failure> {
    let mut library = vec![];
    for dir in dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Failure::Usage(format!("cannot read library directory {}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "pu")
                    && !p.file_stem().is_some_and(|s| s.to_string_lossy().ends_with("_test"))
                    && p.is_file()
            })
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
            let namespace = declared_namespace(&text);
            library.push(LibraryFile { path, text, namespace });
        }
    }
    Ok(library)
}

/// The namespace a file declares (`main` without a declaration), read
/// from its first tokens: a file is parsed only if the program needs it.
fn declared_namespace(text: &str) -> String {
    let mut tokens = lexer::Lexer::new(0, text).map(|t| match t {
        Ok((_, tok, _)) => tok,
        Err(never) => match never {},
    });
    let mut tokens = tokens.by_ref().skip_while(|t| *t == lexer::Tok::Newline);
    if tokens.next() != Some(lexer::Tok::Namespace) {
        return "main".into();
    }
    let mut name = String::new();
    for tok in tokens {
        match tok {
            lexer::Tok::Ident(part) => name.push_str(part),
            lexer::Tok::Dot => name.push('.'),
            _ => break,
        }
    }
    name
}

/// Parses the files of `sources` from index `first` on.
/// Files are independent, so several are parsed at once, one thread a core.
fn parse_all(sources: &SourceMap, first: usize) -> Result<Vec<ast::File>, Vec<Diagnostic>> {
    let todo: Vec<(u32, &str)> =
        sources.files.iter().enumerate().skip(first).map(|(id, f)| (id as u32, f.text.as_str())).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, todo.len().max(1));
    let chunk = todo.len().div_ceil(threads).max(1);
    let results: Vec<Result<ast::File, Vec<Diagnostic>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|part| {
                crate::threads::spawn_scoped(scope, move || {
                    part.iter().map(|(id, text)| parse::parse_file(*id, text)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("the parser does not panic")).collect()
    });
    let mut files = vec![];
    let mut diags = vec![];
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if diags.is_empty() {
        Ok(files)
    } else {
        Err(diags)
    }
}

/// Adds the namespaces the program uses and does not declare (and those
/// they use): `std.*` from the standard library embedded in purrc, the
/// others from the library files, all the files of the first library
/// directory that declares the namespace. A namespace found nowhere is
/// left for the checker to report.
fn load_used(sources: &mut SourceMap, files: &mut Vec<ast::File>, libraries: &[LibraryFile]) -> Result<(), Vec<Diagnostic>> {
    let mut declared: Vec<Symbol> = files.iter().map(sema::namespace_of).collect();
    // The prelude, which every program sees.
    let mut wanted = vec![Symbol::intern(crate::stdlib::PRELUDE)];
    loop {
        wanted.extend(files.iter().flat_map(|f| &f.items).filter_map(|item| match item {
            ast::Item::Use(u) => Some(sema::dotted(&u.path)),
            _ => None,
        }));
        wanted.retain(|ns| !declared.contains(ns));
        let first = sources.files.len();
        for ns in std::mem::take(&mut wanted) {
            if declared.contains(&ns) {
                continue;
            }
            declared.push(ns);
            if ns.starts_with("std.") {
                if let Some((name, text)) = crate::stdlib::source_of(&ns) {
                    sources.add(name, text.to_string());
                }
                continue;
            }
            let mut from = libraries.iter().filter(|f| f.namespace == ns.as_str());
            if let Some(found) = from.next() {
                let dir = found.path.parent();
                for f in std::iter::once(found).chain(from.filter(|f| f.path.parent() == dir)) {
                    sources.add(f.path.display().to_string(), f.text.clone());
                }
            }
        }
        if sources.files.len() == first {
            return Ok(());
        }
        files.extend(parse_all(sources, first)?);
    }
}
