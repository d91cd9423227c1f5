//! C code generation: turns the typed IR into one C file that includes only
//! `purr.h`.
//!
//! Expressions are flattened into C statements as they are visited, so C sees
//! Purr's left-to-right evaluation order and every intermediate heap value has
//! a name. Ownership follows purr.h: arguments are borrowed, results owned.
//! An owned intermediate (a "temp") is released at the end of the statement
//! that made it unless it was moved somewhere first; locals are released at
//! the end of their scope, and `return`/`break`/`continue` release whatever
//! they leave behind.

mod actors;
mod builtins;
mod exprs;
mod externs;
mod function;
mod literals;
mod names;
mod ownership;
mod params;
mod program;
mod stmts;
mod types;

pub use program::{Mode, Scheduler};

use crate::intern::FxHashMap;
use crate::ir::{Block, Func, FuncId, LocalId, Program, Ty};
use crate::source::{SourceMap, Span};
use literals::c_string;
use names::CNames;
use std::fmt::Write as _;
use std::io::{self, Write};
use thin_vec::ThinVec;
use types::TypeTable;

/// Functions per piece of parallel code generation. Pieces depend only on
/// the program (not on the machine), so the C output is the same everywhere.
const FUNCS_PER_PIECE: usize = 2048;

/// Writes the C translation of a checked program to `out`; `mode` picks
/// what its `main` runs, `scheduler` what runs its actors (and benches).
///
/// The function bodies are taken out of `program` and each is freed once
/// its C is made, so the IR shrinks as the C grows. The declarations at the
/// top of the file (types, literals, locations, prototypes) are known only
/// once every function is generated, so the C of the functions waits in
/// its pieces; each piece's text is written straight from where it was made
/// and freed, never joined into one string.
pub fn generate(program: &mut Program, sources: &SourceMap, mode: Mode, scheduler: Scheduler, out: &mut dyn Write) -> io::Result<()> {
    let live = program::reachable_funcs(program, mode);
    let owned_params = params::owned_params(program);
    let owned_params = &owned_params;
    let mut spawn_main = if mode == Mode::Program { program::spawn_main_func(program) } else { None };
    let mut bodies: Vec<Block> = program.funcs.iter_mut().zip(&live).filter(|(_, l)| **l).map(|(f, _)| take_body(f)).collect();
    bodies.extend(spawn_main.as_mut().map(take_body));
    let program = &*program;
    let names = CNames::new(program);
    let names = &names;
    // Each with its id: the spawner of `actor Main` has none.
    let mut funcs: Vec<(Option<FuncId>, &Func)> =
        program.funcs.iter().enumerate().zip(&live).filter(|(_, l)| **l).map(|((id, f), _)| (Some(id), f)).collect();
    funcs.extend(spawn_main.as_ref().map(|f| (None, f)));
    let mut bodies = bodies.into_iter();
    let pieces: Vec<(&[(Option<FuncId>, &Func)], Vec<Block>)> =
        funcs.chunks(FUNCS_PER_PIECE.max(1)).map(|funcs| (funcs, bodies.by_ref().take(funcs.len()).collect())).collect();
    let mut parts: Vec<Piece> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .into_iter()
            .enumerate()
            .map(|(i, (funcs, bodies))| {
                crate::threads::spawn_scoped(scope, move || generate_piece(program, names, owned_params, sources, i, funcs, bodies))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("code generation does not panic")).collect()
    });
    if parts.is_empty() {
        parts.push(generate_piece(program, names, owned_params, sources, 0, &[], vec![]));
    }
    let spawn_main = spawn_main.as_ref().map(|f| names.func(f));
    write_file(parts, mode, scheduler, &live, spawn_main.as_deref(), out)
}

/// The C of a run of functions, with the types, literals and locations it uses.
struct Piece<'p> {
    g: Gen<'p>,
    protos: String,
    bodies: Text,
}

/// The body of `f`, leaving it an empty block.
fn take_body(f: &mut Func) -> Block {
    let empty = Block { stmts: ThinVec::new(), value: None, span: f.body.span };
    std::mem::replace(&mut f.body, empty)
}

/// The C of `funcs`, whose bodies are `bodies`; each body is freed once its
/// C is made.
fn generate_piece<'p>(
    program: &'p Program,
    names: &'p CNames<'p>,
    owned_params: &'p [Vec<bool>],
    sources: &'p SourceMap,
    index: usize,
    funcs: &[(Option<FuncId>, &'p Func)],
    bodies: Vec<Block>,
) -> Piece<'p> {
    let mut g = Gen {
        program,
        names,
        owned_params,
        sources,
        types: TypeTable::new(program, names),
        piece: index,
        literals: FxHashMap::default(),
        literal_decls: String::new(),
        locs: FxHashMap::default(),
        loc_decls: String::new(),
        adapters: Vec::new(),
        file_names: sources.files.iter().map(|f| c_string(f.name.as_bytes())).collect(),
    };
    let mut protos = String::new();
    let mut text = Text::default();
    for (&(id, f), body) in funcs.iter().zip(bodies) {
        let fg = FnGen::new(&mut g, f, id, &body);
        let sig = fg.g.signature(f, &fg.names);
        protos.push_str(&sig);
        protos.push_str(";\n");
        fg.generate(&sig, &body, &mut text);
    }
    Piece { g, protos, bodies: text }
}

/// Writes the whole C file: the declarations all pieces need, then each
/// piece's prototypes and bodies in order, each freed once written.
fn write_file(mut parts: Vec<Piece>, mode: Mode, scheduler: Scheduler, live: &[bool], spawn_main: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let (first, later) = parts.split_first_mut().expect("there is a piece");
    for part in later {
        first.g.merge_types_and_adapters(part);
    }
    let (program, sources, names) = (first.g.program, first.g.sources, first.g.names);
    let files: Vec<&str> = sources.files.iter().map(|f| f.name.as_str()).collect();
    writeln!(out, "/* Generated by purrc from {}. */", files.join(", "))?;
    out.write_all(b"#include \"purr.h\"\n\n")?;
    out.write_all(first.g.types.emit().as_bytes())?;
    out.write_all(actors::message_decls(program, names, &mut first.g.types, mode).as_bytes())?;
    out.write_all(first.g.extern_decls().as_bytes())?;
    out.write_all(b"\n/* ---- literals and source locations ---- */\n")?;
    for part in &mut parts {
        out.write_all(std::mem::take(&mut part.g.literal_decls).as_bytes())?;
    }
    for part in &mut parts {
        out.write_all(std::mem::take(&mut part.g.loc_decls).as_bytes())?;
    }
    let first = &mut parts[0];
    for (_, decl) in &first.g.adapters {
        out.write_all(decl.as_bytes())?;
    }
    out.write_all(b"\n/* ---- functions ---- */\n")?;
    for part in &mut parts {
        out.write_all(std::mem::take(&mut part.protos).as_bytes())?;
    }
    let first = &mut parts[0];
    out.write_all(actors::actor_decls(program, names, &mut first.g.types, live).as_bytes())?;
    for part in parts {
        part.bodies.write_to(out)?;
    }
    out.write_all(program::c_main(program, names, mode, scheduler, spawn_main).as_bytes())
}

/// Text built in chunks: appending never moves what is already written
/// (a doubling `String` copies its text and briefly holds it twice).
#[derive(Default)]
struct Text {
    chunks: Vec<String>,
}

impl Text {
    const CHUNK_BYTES: usize = 1 << 20;

    fn push_str(&mut self, s: &str) {
        match self.chunks.last_mut() {
            Some(last) if last.capacity() - last.len() >= s.len() => last.push_str(s),
            _ => {
                let mut chunk = String::with_capacity(s.len().max(Self::CHUNK_BYTES));
                chunk.push_str(s);
                self.chunks.push(chunk);
            }
        }
    }

    /// Writes the text out, freeing each chunk once it is written.
    fn write_to(self, out: &mut dyn Write) -> io::Result<()> {
        for chunk in self.chunks {
            out.write_all(chunk.as_bytes())?;
        }
        Ok(())
    }
}

impl std::fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// Program-wide generation state.
struct Gen<'p> {
    program: &'p Program,
    names: &'p CNames<'p>,
    /// Per function, per parameter: taken owned (params.rs).
    owned_params: &'p [Vec<bool>],
    sources: &'p SourceMap,
    types: TypeTable<'p>,
    /// Which piece of parallel code generation this is: distinguishes the
    /// names of their literals and locations.
    piece: usize,
    literals: FxHashMap<String, String>,
    literal_decls: String,
    locs: FxHashMap<Span, String>,
    loc_decls: String,
    /// Comparator adapters for `list_sort_by`: (name, C definition).
    adapters: Vec<(String, String)>,
    /// Source file names as C string literals, for `#line`.
    file_names: Vec<String>,
}

impl<'p> Gen<'p> {
    /// Takes in the types and sort adapters a later piece uses, keeping
    /// first-use order (the piece keeps its text).
    fn merge_types_and_adapters(&mut self, later: &mut Piece<'p>) {
        for (name, decl) in std::mem::take(&mut later.g.adapters) {
            if !self.adapters.iter().any(|(n, _)| *n == name) {
                self.adapters.push((name, decl));
            }
        }
        self.types.absorb(std::mem::replace(&mut later.g.types, TypeTable::new(self.program, self.names)));
    }

    fn signature(&mut self, f: &Func, names: &[String]) -> String {
        let ret = self.types.c(&f.ret);
        let mut params: Vec<String> =
            f.params.iter().map(|&p| format!("{} {}", self.types.c(&f.locals[p].ty), names[p])).collect();
        if f.actor.is_some() {
            params.insert(0, "purr_actor *self".to_string());
        }
        let params = if params.is_empty() { "void".to_string() } else { params.join(", ") };
        format!("static {ret} {}({params})", self.names.func(f))
    }

    /// An immortal string object for a literal; returns a `purr_str *` expression.
    fn string_literal(&mut self, s: &str) -> String {
        if let Some(name) = self.literals.get(s) {
            return format!("PURR_STR_LIT_REF({name})");
        }
        let name = names::literal(self.piece, self.literals.len());
        writeln!(self.literal_decls, "PURR_STR_LIT({name}, {});", c_string(s.as_bytes())).unwrap();
        self.literals.insert(s.to_string(), name.clone());
        format!("PURR_STR_LIT_REF({name})")
    }

    /// Whether `span` is in a file of the standard library.
    fn in_stdlib(&self, span: Span) -> bool {
        crate::stdlib::is_stdlib_file(&self.sources.file(span.file).name)
    }

    /// A `const purr_loc *` for runtime faults at `span`.
    fn loc(&mut self, span: Span) -> String {
        if let Some(name) = self.locs.get(&span) {
            return format!("&{name}");
        }
        let name = names::location(self.piece, self.locs.len());
        let file = self.sources.file(span.file);
        let (line, col) = file.line_col(span.start);
        writeln!(
            self.loc_decls,
            "static const purr_loc {name} = {{ {}, {line}, {col} }};",
            c_string(file.name.as_bytes())
        )
        .unwrap();
        self.locs.insert(span, name.clone());
        format!("&{name}")
    }
}

/// A value produced while generating an expression.
#[derive(Debug, Clone)]
enum Val {
    /// A side-effect-free C expression that owns nothing (a scalar, or a
    /// borrowed reference to a heap value kept alive elsewhere).
    Plain(String),
    /// A named temporary that owns one reference and is released at the end
    /// of the statement unless taken.
    Temp(String),
}

impl Val {
    fn c(&self) -> &str {
        match self {
            Val::Plain(c) | Val::Temp(c) => c,
        }
    }
}

#[derive(PartialEq)]
enum LevelKind {
    /// A block: owns its locals.
    Scope,
    /// One statement: owns its temporaries.
    Stmt,
    /// The boundary that `break` and `continue` unwind to.
    Loop,
}

/// A name that owns a reference, and its entry on the owned stack
/// (purr.h), relative to the function's base `purr_fb`.
#[derive(Clone)]
struct Owned {
    name: String,
    ty: Ty,
    slot: usize,
}

/// Owned names that must be released when control leaves a level.
struct Level {
    kind: LevelKind,
    owned: Vec<Owned>,
    /// The function's next owned-stack entry when the level opened: its
    /// names have the entries from here on.
    first_slot: usize,
}

/// Per-function generation state.
struct FnGen<'g, 'p> {
    g: &'g mut Gen<'p>,
    f: &'p Func,
    /// The function's id (none for the spawner of `actor Main`).
    id: Option<FuncId>,
    out: String,
    indent: usize,
    levels: Vec<Level>,
    temps: usize,
    line: Option<(u32, u32)>,
    /// Control cannot reach the current point (after `return`, `break`,
    /// `continue` or a call that never returns): no cleanup is emitted here.
    diverged: bool,
    /// Whether the body reads or assigns each local (see `mark_unused`).
    used: Vec<bool>,
    /// C names of the locals, by id.
    names: Vec<String>,
    /// The next free owned-stack entry, and the most the function uses at
    /// once (what its prologue reserves).
    next_slot: usize,
    max_slots: usize,
    /// The `var` being moved into the call that computes its new value
    /// (`x = f(x)`, params.rs), while that call is generated.
    moving: Option<LocalId>,
    /// The state field being moved into the call that computes its new
    /// value (`self.f = g(self.f)`), and the temporary that holds it.
    moving_field: Option<(usize, String)>,
    /// While a returned value is generated: the locals it reads once (for
    /// the last time).
    last_uses: Vec<LocalId>,
}
