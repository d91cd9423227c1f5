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
mod types;

pub use actors::Mode;

use crate::ast::{BinOp, UnOp};
use crate::ir::visit::{walk_block, walk_expr, Visitor};
use crate::ir::{self, ExprKind, Func, IntTy, LocalId, Pattern, Program, StmtKind, Ty};
use crate::source::{SourceMap, Span};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use types::{int_c, TypeTable};

/// Functions per piece of parallel code generation. Pieces depend only on
/// the program (not on the machine), so the C output is the same everywhere.
const FUNCS_PER_PIECE: usize = 2048;

/// Generates the C translation of a checked program; `mode` picks what its
/// `main` runs, `epoll` the scheduler of actor programs.
pub fn generate(program: &Program, sources: &SourceMap, mode: Mode, epoll: bool) -> String {
    let live = reachable_funcs(program, mode);
    let spawn_main = if mode == Mode::Program { actors::spawn_main_func(program) } else { None };
    let mut funcs: Vec<&Func> = program.funcs.iter().zip(&live).filter(|(_, l)| **l).map(|(f, _)| f).collect();
    funcs.extend(spawn_main.as_ref());
    let pieces: Vec<&[&Func]> = funcs.chunks(FUNCS_PER_PIECE.max(1)).collect();
    let mut parts: Vec<Piece> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .iter()
            .enumerate()
            .map(|(i, funcs)| scope.spawn(move || generate_piece(program, sources, i, funcs)))
            .collect();
        handles.into_iter().map(|h| h.join().expect("code generation does not panic")).collect()
    });
    if parts.is_empty() {
        parts.push(generate_piece(program, sources, 0, &[]));
    }
    let mut first = parts.remove(0);
    for part in parts {
        first.absorb(part);
    }
    first.assemble(mode, epoll, &live, spawn_main.as_ref().map(|f| f.c_name.as_str()))
}

/// Which functions the program can call, starting from its entry point:
/// only those are generated (unused library functions would be dead C, and
/// unused `static` functions draw C compiler warnings).
fn reachable_funcs(program: &Program, mode: Mode) -> Vec<bool> {
    struct Calls(Vec<ir::FuncId>);
    impl Visitor for Calls {
        fn expr(&mut self, e: &ir::Expr) {
            if let ExprKind::Call(f, _) | ExprKind::FnRef(f) = e.kind {
                self.0.push(f);
            }
        }
    }
    let mut live = vec![false; program.funcs.len()];
    let mut work: Vec<ir::FuncId> = program.entry.into_iter().collect();
    // Handlers run when messages arrive: every actor's are roots.
    for a in &program.actors {
        work.extend(a.start);
        work.extend(a.handlers.iter().map(|(_, f)| *f));
    }
    match mode {
        Mode::Program => {}
        Mode::Test => work.extend(program.tests.iter().map(|(_, f)| *f)),
        Mode::Bench => work.extend(program.benches.iter().map(|(_, f)| *f)),
    }
    if let Some(a) = program.main_actor {
        let defaults = &program.actors[a].defaults;
        let mut calls = Calls(vec![]);
        for d in defaults.iter().flatten() {
            walk_expr(&mut calls, d);
        }
        work.extend(calls.0);
    }
    while let Some(f) = work.pop() {
        if std::mem::replace(&mut live[f], true) {
            continue;
        }
        let mut calls = Calls(vec![]);
        walk_block(&mut calls, &program.funcs[f].body);
        work.extend(calls.0.into_iter().filter(|&g| !live[g]));
    }
    live
}

/// The C of a run of functions, with the types, literals and locations it uses.
struct Piece<'p> {
    g: Gen<'p>,
    protos: String,
    bodies: String,
}

fn generate_piece<'p>(program: &'p Program, sources: &'p SourceMap, index: usize, funcs: &[&'p Func]) -> Piece<'p> {
    let mut g = Gen {
        program,
        sources,
        types: TypeTable::new(program),
        prefix: if index == 0 { String::new() } else { format!("{index}_") },
        literals: HashMap::new(),
        literal_decls: String::new(),
        locs: HashMap::new(),
        loc_decls: String::new(),
        adapters: Vec::new(),
        file_names: sources.files.iter().map(|f| c_string(f.name.as_bytes())).collect(),
    };
    let mut protos = String::new();
    let mut bodies = String::with_capacity(funcs.len() * 1024);
    for &f in funcs {
        let fg = FnGen::new(&mut g, f);
        let sig = fg.g.signature(f, &fg.names);
        protos.push_str(&sig);
        protos.push_str(";\n");
        fg.generate(&sig, &mut bodies);
    }
    Piece { g, protos, bodies }
}

impl Piece<'_> {
    /// Appends a later piece: its functions after ours, its declarations merged.
    fn absorb(&mut self, other: Piece) {
        self.g.literal_decls.push_str(&other.g.literal_decls);
        self.g.loc_decls.push_str(&other.g.loc_decls);
        for (name, decl) in other.g.adapters {
            if !self.g.adapters.iter().any(|(n, _)| *n == name) {
                self.g.adapters.push((name, decl));
            }
        }
        self.g.types.absorb(other.g.types);
        self.protos.push_str(&other.protos);
        self.bodies.push_str(&other.bodies);
    }

    fn assemble(mut self, mode: Mode, epoll: bool, live: &[bool], spawn_main: Option<&str>) -> String {
        let (program, sources) = (self.g.program, self.g.sources);
        let externs = self.g.extern_decls();
        let mut out = String::with_capacity(self.bodies.len() + self.protos.len() + (64 << 10));
        let files: Vec<&str> = sources.files.iter().map(|f| f.name.as_str()).collect();
        writeln!(out, "/* Generated by purrc from {}. */", files.join(", ")).unwrap();
        out.push_str("#include \"purr.h\"\n\n");
        out.push_str(&self.g.types.emit());
        out.push_str(&actors::message_decls(program, &mut self.g.types, mode));
        out.push_str(&externs);
        out.push_str("\n/* ---- literals and source locations ---- */\n");
        out.push_str(&self.g.literal_decls);
        out.push_str(&self.g.loc_decls);
        for (_, decl) in &self.g.adapters {
            out.push_str(decl);
        }
        out.push_str("\n/* ---- functions ---- */\n");
        out.push_str(&self.protos);
        out.push_str(&actors::actor_decls(program, &mut self.g.types, live));
        out.push_str(&self.bodies);
        out.push_str(&actors::c_main(program, mode, epoll, spawn_main));
        out
    }
}

/// Program-wide generation state.
struct Gen<'p> {
    program: &'p Program,
    sources: &'p SourceMap,
    types: TypeTable<'p>,
    /// Distinguishes the literal and location names of parallel pieces.
    prefix: String,
    literals: HashMap<String, String>,
    literal_decls: String,
    locs: HashMap<Span, String>,
    loc_decls: String,
    /// Comparator adapters for `list_sort_by`: (name, C definition).
    adapters: Vec<(String, String)>,
    /// Source file names as C string literals, for `#line`.
    file_names: Vec<String>,
}

impl Gen<'_> {
    fn signature(&mut self, f: &Func, names: &[String]) -> String {
        let ret = self.types.c(&f.ret);
        let mut params: Vec<String> =
            f.params.iter().map(|&p| format!("{} {}", self.types.c(&f.locals[p].ty), names[p])).collect();
        if f.actor.is_some() {
            params.insert(0, "purr_actor *self".to_string());
        }
        let params = if params.is_empty() { "void".to_string() } else { params.join(", ") };
        format!("static {ret} {}({params})", f.c_name)
    }

    /// An immortal string object for a literal; returns a `purr_str *` expression.
    fn string_literal(&mut self, s: &str) -> String {
        if let Some(name) = self.literals.get(s) {
            return format!("PURR_STR_LIT_REF({name})");
        }
        let name = format!("purr_lit_{}{}", self.prefix, self.literals.len());
        writeln!(self.literal_decls, "PURR_STR_LIT({name}, {});", c_string(s.as_bytes())).unwrap();
        self.literals.insert(s.to_string(), name.clone());
        format!("PURR_STR_LIT_REF({name})")
    }

    /// A `const purr_loc *` for runtime faults at `span`.
    fn loc(&mut self, span: Span) -> String {
        if let Some(name) = self.locs.get(&span) {
            return format!("&{name}");
        }
        let name = format!("purr_loc_{}{}", self.prefix, self.locs.len());
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

    /// Extern functions are declared under a private C name bound to the
    /// real symbol, so they never clash with prototypes in system headers.
    fn extern_decls(&mut self) -> String {
        let mut out = String::new();
        for (i, x) in self.program.externs.iter().enumerate() {
            let ret = extern_c_type(&x.ret);
            let params: Vec<&str> = x.params.iter().map(extern_c_type).collect();
            let params = if params.is_empty() { "void".to_string() } else { params.join(", ") };
            writeln!(out, "extern {ret} purr_extern_{i}({params}) __asm__(\"{}\");", x.name).unwrap();
        }
        out
    }
}

fn extern_c_type(ty: &Ty) -> &'static str {
    match ty {
        Ty::Int(i) => int_c(*i),
        Ty::F64 => "double",
        Ty::Bool => "bool",
        Ty::Str => "const char *",
        Ty::Bytes => "uint8_t *",
        Ty::Ptr => "void *",
        _ => "void",
    }
}

/// A C string literal for arbitrary bytes (octal escapes keep it portable).
fn c_string(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' => out.push_str("\\?"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => write!(out, "\\{b:03o}").unwrap(),
        }
    }
    out.push('"');
    out
}

/// Identifiers a Purr name must not become in C: keywords, and names that
/// the headers purr.h includes define.
fn c_reserved(name: &str) -> bool {
    matches!(
        name,
        "auto" | "break" | "case" | "char" | "const" | "continue" | "default" | "do" | "double" | "else" | "enum"
            | "extern" | "float" | "for" | "goto" | "if" | "inline" | "int" | "long" | "register" | "restrict"
            | "return" | "short" | "signed" | "sizeof" | "static" | "struct" | "switch" | "typedef" | "union"
            | "unsigned" | "void" | "volatile" | "while" | "bool" | "true" | "false" | "NULL" | "errno" | "stdin"
            | "stdout" | "stderr" | "assert" | "main" | "EOF" | "offsetof" | "int8_t" | "int16_t" | "int32_t"
            | "int64_t" | "uint8_t" | "uint16_t" | "uint32_t" | "uint64_t" | "size_t" | "_Bool" | "_Noreturn"
            | "asm" | "typeof" | "unused_"
    )
}

/// A C identifier for a Purr local or field name: unchanged unless it would
/// collide with C or with generated names (which all contain `__` or start
/// with `purr`).
fn c_ident(name: &str) -> String {
    if c_reserved(name) || name.contains("__") || name.starts_with("purr") || name.starts_with("PURR") {
        format!("{}_", name.replace("__", "_0_"))
    } else {
        name.to_string()
    }
}

/// The C names of a function's locals: the source name, suffixed `__2`,
/// `__3`, … for later locals with the same name (shadowing).
fn local_names(f: &Func) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    f.locals
        .iter()
        .map(|l| {
            let n = seen.entry(l.name.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 {
                c_ident(&l.name)
            } else {
                format!("{}__{n}", c_ident(&l.name))
            }
        })
        .collect()
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

/// Owned names that must be released when control leaves a level.
struct Level {
    kind: LevelKind,
    owned: Vec<(String, Ty)>,
}

/// Per-function generation state.
struct FnGen<'g, 'p> {
    g: &'g mut Gen<'p>,
    f: &'p Func,
    out: String,
    indent: usize,
    levels: Vec<Level>,
    temps: usize,
    line: Option<(u32, u32)>,
    /// Control cannot reach the current point (after `return`, `break`,
    /// `continue` or a call that never returns): no cleanup is emitted here.
    diverged: bool,
    /// Locals the body reads or assigns (see `mark_unused`).
    used: HashSet<LocalId>,
    /// C names of the locals, by id.
    names: Vec<String>,
}

impl<'g, 'p> FnGen<'g, 'p> {
    fn new(g: &'g mut Gen<'p>, f: &'p Func) -> Self {
        FnGen { g, f, out: String::new(), indent: 1, levels: vec![], temps: 0, line: None, diverged: false, used: used_locals(&f.body), names: local_names(f) }
    }

    /// Appends the function's C definition to `dest`.
    fn generate(mut self, sig: &str, dest: &mut String) {
        let f = self.f;
        self.line_directive(f.span);
        let header = std::mem::take(&mut self.out);
        self.push_level(LevelKind::Scope);
        for &p in &f.params {
            self.mark_unused(p);
        }
        if f.actor.is_some() {
            self.line("(void)self;");
        }
        let value = self.block_body(&f.body);
        let diverges = f.body.value.as_ref().is_some_and(|v| v.ty == Ty::Never);
        match value {
            Some(v) if !matches!(f.ret, Ty::Void | Ty::Never) && !diverges => {
                let moved = f.body.value.as_deref().and_then(|e| self.owned_local(e));
                let v = match moved {
                    Some(name) => {
                        self.take(&name);
                        name
                    }
                    None => self.into_owned(v, &f.ret),
                };
                if self.nothing_to_unwind(None) {
                    self.levels.pop();
                    self.line(format_args!("return {v};"));
                } else {
                    let ret = self.c(&f.ret);
                    let t = self.fresh();
                    self.line(format_args!("{ret} {t} = {v};"));
                    self.pop_level();
                    self.line(format_args!("return {t};"));
                }
            }
            _ => self.pop_level(),
        }
        dest.push_str(&header);
        dest.push_str(sig);
        dest.push_str(" {\n");
        dest.push_str(&self.out);
        dest.push_str("}\n\n");
    }

    // ----- output -----

    /// Writes one indented line of C (formatted in place: no temporary string).
    fn line(&mut self, s: impl std::fmt::Display) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        writeln!(self.out, "{s}").unwrap();
    }

    /// `#line` so that C diagnostics and debuggers point at the .pu source.
    fn line_directive(&mut self, span: Span) {
        let (line, _) = self.g.sources.file(span.file).line_col(span.start);
        if self.line != Some((span.file, line)) {
            self.line = Some((span.file, line));
            writeln!(self.out, "#line {line} {}", self.g.file_names[span.file as usize]).unwrap();
        }
    }

    fn open(&mut self, head: &str) {
        self.line(format_args!("{head} {{"));
        self.indent += 1;
    }

    fn close(&mut self, tail: &str) {
        // The end of a C block is reachable from its other paths.
        self.diverged = false;
        self.indent -= 1;
        self.line(format_args!("}}{tail}"));
    }

    fn fresh(&mut self) -> String {
        self.temps += 1;
        format!("tmp__{}", self.temps)
    }

    fn c(&mut self, ty: &Ty) -> String {
        self.g.types.c(ty)
    }

    /// A zero value of `ty` for variables assigned on every path later.
    fn zero(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Struct(_) | Ty::Option(_) | Ty::Result(..) => format!("({}){{0}}", self.c(ty)),
            Ty::Enum(id) if !self.g.program.enums[*id].is_boxed() => "0".into(),
            Ty::Int(_) | Ty::F64 | Ty::Bool => "0".into(),
            _ => "NULL".into(),
        }
    }

    fn has_rc(&self, ty: &Ty) -> bool {
        self.g.types.has_rc(ty)
    }

    fn loc(&mut self, span: Span) -> String {
        self.g.loc(span)
    }

    /// An expression statement's value is dropped: a temp holding a scalar
    /// result, or a read that may fault (`xs[i]`), is evaluated as `(void)`
    /// so C neither warns nor drops the check. Owned temps are released by
    /// the statement's level.
    fn discard(&mut self, v: Val) {
        if let Val::Plain(c) = v {
            if !c.is_empty() {
                self.line(format_args!("(void){c};"));
            }
        }
    }

    /// Tells C that a local the program never reads is unused on purpose.
    fn mark_unused(&mut self, id: LocalId) {
        if !self.used.contains(&id) {
            let name = self.names[id].clone();
            self.line(format_args!("(void){name};"));
        }
    }

    // ----- ownership levels -----

    fn push_level(&mut self, kind: LevelKind) {
        self.levels.push(Level { kind, owned: vec![] });
    }

    fn pop_level(&mut self) {
        let level = self.levels.pop().expect("level stack balanced");
        self.release_all(&level.owned);
    }

    fn release_all(&mut self, owned: &[(String, Ty)]) {
        if self.diverged {
            return;
        }
        for (name, ty) in owned.iter().rev() {
            let f = self.g.types.rc_fn(ty, "release");
            self.line(format_args!("{f}({name});"));
        }
    }

    /// Records that the innermost level owns `name`.
    fn own(&mut self, name: &str, ty: &Ty) {
        if self.has_rc(ty) {
            let level = self.levels.last_mut().expect("inside a level");
            level.owned.push((name.to_string(), ty.clone()));
        }
    }

    /// Declares the result of `init` as a temporary; owned when it holds references.
    fn temp(&mut self, ty: &Ty, init: &str) -> Val {
        let ct = self.c(ty);
        let t = self.fresh();
        self.line(format_args!("{ct} {t} = {init};"));
        if self.has_rc(ty) {
            self.own(&t, ty);
            Val::Temp(t)
        } else {
            Val::Plain(t)
        }
    }

    /// Removes a temporary from the levels: its reference moves to the caller.
    fn take(&mut self, name: &str) {
        for level in self.levels.iter_mut().rev() {
            if let Some(i) = level.owned.iter().position(|(n, _)| n == name) {
                level.owned.remove(i);
                return;
            }
        }
    }

    /// Releases what a jump out of the innermost loop (or, with
    /// `to_loop = false`, out of the function) leaves behind.
    fn unwind(&mut self, to_loop: bool) {
        self.unwind_levels(to_loop, None);
    }

    /// Releases everything the function owns except `moved` (returned).
    fn unwind_except(&mut self, moved: Option<&str>) {
        self.unwind_levels(false, moved);
    }

    fn nothing_to_unwind(&self, moved: Option<&str>) -> bool {
        self.levels.iter().all(|l| l.owned.iter().all(|(n, _)| Some(n.as_str()) == moved))
    }

    fn unwind_levels(&mut self, to_loop: bool, moved: Option<&str>) {
        let mut owned = vec![];
        for level in self.levels.iter().rev() {
            if to_loop && level.kind == LevelKind::Loop {
                break;
            }
            owned.extend(level.owned.iter().rev().filter(|(n, _)| Some(n.as_str()) != moved).cloned());
        }
        owned.reverse();
        self.release_all(&owned);
    }

    /// If `e` is a local the function owns, its name: a returned local moves
    /// out instead of being retained and then released.
    fn owned_local(&self, e: &ir::Expr) -> Option<String> {
        let ExprKind::Local(id) = e.kind else { return None };
        let name = self.names[id].clone();
        let owned = self.levels.iter().any(|l| l.owned.iter().any(|(n, _)| *n == name));
        owned.then_some(name)
    }

    /// Makes `v` an owned C expression (one reference the caller must store
    /// or release).
    fn into_owned(&mut self, v: Val, ty: &Ty) -> String {
        match v {
            Val::Temp(t) => {
                self.take(&t);
                t
            }
            Val::Plain(c) if self.has_rc(ty) => {
                let ct = self.c(ty);
                let t = self.fresh();
                let retain = self.g.types.rc_fn(ty, "retain");
                self.line(format_args!("{ct} {t} = {c};"));
                self.line(format_args!("{retain}({t});"));
                t
            }
            Val::Plain(c) => c,
        }
    }

    fn owned(&mut self, e: &ir::Expr) -> String {
        let v = self.expr(e);
        self.into_owned(v, &e.ty)
    }

    /// Evaluates expressions left to right. A borrowed value is pinned (given
    /// its own reference, or copied if scalar) when a later expression could
    /// change the variable it was read from.
    fn exprs(&mut self, es: &[&ir::Expr]) -> Vec<Val> {
        let mut out = vec![];
        for (i, e) in es.iter().enumerate() {
            let v = self.expr(e);
            out.push(self.settle(v, e, &es[i + 1..]));
        }
        out
    }

    /// Makes the value of `e` safe to use after evaluating `later`: a
    /// borrowed read gets its own reference (or a copy, if scalar) when a
    /// later expression could change the variable it came from, and a read
    /// that can fault (`xs[i]`) runs now, before the operands to its right,
    /// as Purr's evaluation order says.
    fn settle(&mut self, v: Val, e: &ir::Expr, later: &[&ir::Expr]) -> Val {
        match v {
            _ if matches!(e.ty, Ty::Void | Ty::Never) => v,
            Val::Plain(c) if later.iter().any(|l| may_mutate(l)) => {
                let owned = self.into_owned(Val::Plain(c), &e.ty);
                if self.has_rc(&e.ty) {
                    self.own(&owned, &e.ty);
                    Val::Temp(owned)
                } else {
                    self.temp(&e.ty, &owned)
                }
            }
            Val::Plain(c) if !is_pure(e) && !later.iter().all(|l| is_pure(l)) => {
                let ct = self.c(&e.ty);
                let t = self.fresh();
                self.line(format_args!("{ct} {t} = {c};"));
                Val::Plain(t)
            }
            v => v,
        }
    }

    // ----- blocks and statements -----

    /// Emits a block's statements in the current level; returns its value.
    fn block_body(&mut self, b: &ir::Block) -> Option<Val> {
        for s in &b.stmts {
            self.stmt(s);
        }
        b.value.as_ref().map(|v| {
            self.line_directive(v.span);
            self.expr(v)
        })
    }

    /// A block in its own C scope; its value (owned) is stored into `dest`.
    fn block_into(&mut self, b: &ir::Block, dest: Option<(&str, &Ty)>) {
        self.push_level(LevelKind::Scope);
        let v = self.block_body(b);
        if let (Some(v), Some((dest, ty))) = (v, dest) {
            if !matches!(b.value.as_ref().map(|e| &e.ty), Some(Ty::Never)) {
                let v = self.into_owned(v, ty);
                self.line(format_args!("{dest} = {v};"));
            }
        }
        self.pop_level();
    }

    fn stmt(&mut self, s: &ir::Stmt) {
        self.line_directive(s.span);
        match &s.kind {
            StmtKind::Let(id, e) => {
                self.push_level(LevelKind::Stmt);
                let ty = &self.f.locals[*id].ty;
                let v = if e.ty == Ty::Never {
                    self.expr(e);
                    self.zero(ty)
                } else {
                    self.owned(e)
                };
                let (ct, name) = (self.c(ty), self.names[*id].clone());
                self.line(format_args!("{ct} {name} = {v};"));
                self.mark_unused(*id);
                self.pop_level();
                self.own(&name, ty);
            }
            StmtKind::Assign(place, op, value) => {
                self.push_level(LevelKind::Stmt);
                self.assign(place, *op, value);
                self.pop_level();
            }
            StmtKind::Expr(e) => {
                self.push_level(LevelKind::Stmt);
                let v = self.expr(e);
                self.discard(v);
                self.pop_level();
            }
            StmtKind::Return(value) => {
                self.push_level(LevelKind::Stmt);
                match value {
                    Some(e) if !matches!(e.ty, Ty::Void | Ty::Never) => {
                        let moved = self.owned_local(e);
                        let v = match &moved {
                            Some(name) => name.clone(),
                            None => self.owned(e),
                        };
                        if self.nothing_to_unwind(moved.as_deref()) {
                            self.line(format_args!("return {v};"));
                        } else {
                            let ct = self.c(&self.f.ret);
                            let t = self.fresh();
                            self.line(format_args!("{ct} {t} = {v};"));
                            self.unwind_except(moved.as_deref());
                            self.line(format_args!("return {t};"));
                        }
                        self.diverged = true;
                    }
                    Some(e) => {
                        self.expr(e);
                        self.unwind(false);
                        self.line("return;");
                    }
                    None => {
                        self.unwind(false);
                        self.line("return;");
                    }
                }
                self.diverged = true;
                self.levels.pop();
            }
            StmtKind::Send(target, message) => {
                self.push_level(LevelKind::Stmt);
                // The target is evaluated first; a read of it is pinned so
                // that evaluating the message cannot change it.
                let t = self.expr(target);
                let t = self.settle(t, target, &[message]);
                let node = self.message_node(message);
                match &target.ty {
                    Ty::Reply(_) => {
                        let loc = self.loc(s.span);
                        self.line(format_args!("purr_reply_send({}, {node}, {loc});", t.c()));
                    }
                    _ => self.line(format_args!("purr_send({}, {node});", t.c())),
                }
                self.pop_level();
            }
            StmtKind::Break | StmtKind::Continue => {
                self.unwind(true);
                self.line(if matches!(s.kind, StmtKind::Break) { "break;" } else { "continue;" });
                self.diverged = true;
            }
            StmtKind::Loop(body) => {
                self.open("for (;;)");
                self.loop_body(body);
                self.close("");
            }
            StmtKind::While(cond, body) => self.while_loop(cond, body),
            StmtKind::ForRange(id, start, end, body) => {
                self.push_level(LevelKind::Stmt);
                let vals = self.exprs(&[start, end]);
                let ty = &self.f.locals[*id].ty;
                let (ct, name) = (self.c(ty), self.names[*id].clone());
                // The bound is evaluated once, before the first iteration.
                let end = match &end.kind {
                    ExprKind::Int(_) => vals[1].c().to_string(),
                    _ => self.temp(ty, vals[1].c()).c().to_string(),
                };
                self.open(&format!("for ({ct} {name} = {}; {name} < {end}; {name}++)", vals[0].c()));
                self.loop_body(body);
                self.close("");
                self.pop_level();
            }
            StmtKind::ForEach(id, coll, body) => self.for_each(*id, coll, body),
            StmtKind::ForMap(key, val, coll, body) => self.for_map(*key, *val, coll, body),
        }
    }

    fn loop_body(&mut self, body: &ir::Block) {
        self.push_level(LevelKind::Loop);
        self.block_into(body, None);
        self.levels.pop();
    }

    fn while_loop(&mut self, cond: &ir::Expr, body: &ir::Block) {
        // Generate the condition aside: if it needs no statements it goes in
        // the loop head, else it is evaluated at the top of each iteration.
        let saved = std::mem::take(&mut self.out);
        self.indent += 1;
        self.push_level(LevelKind::Stmt);
        let c = self.expr(cond);
        let simple = self.out.is_empty() && self.levels.last().is_some_and(|l| l.owned.is_empty());
        if simple {
            self.levels.pop();
            self.indent -= 1;
            self.out = saved;
            self.open(&format!("while {}", parenthesized(c.c())));
        } else {
            let c = self.temp(&Ty::Bool, c.c());
            self.pop_level();
            self.line(format_args!("if (!{}) break;", c.c()));
            self.indent -= 1;
            let cond_code = std::mem::replace(&mut self.out, saved);
            self.open("for (;;)");
            self.out.push_str(&cond_code);
        }
        self.loop_body(body);
        self.close("");
    }

    fn for_each(&mut self, id: LocalId, coll: &ir::Expr, body: &ir::Block) {
        self.push_level(LevelKind::Scope);
        let it = self.owned(coll);
        let it_name = self.fresh();
        let ct = self.c(&coll.ty);
        self.line(format_args!("{ct} {it_name} = {it};"));
        self.own(&it_name, &coll.ty);
        let idx = self.fresh();
        let (ety, name) = (self.f.locals[id].ty.clone(), self.names[id].clone());
        let ect = self.c(&ety);
        self.open(&format!("for (int64_t {idx} = 0; {idx} < {it_name}->len; {idx}++)"));
        let elem = match coll.ty {
            Ty::Bytes => format!("{it_name}->data[{idx}]"),
            _ => format!("(({ect}*){it_name}->data)[{idx}]"),
        };
        self.line(format_args!("{ect} {name} = {elem};"));
        self.mark_unused(id);
        self.loop_body(body);
        self.close("");
        self.pop_level();
    }

    fn for_map(&mut self, key: LocalId, val: Option<LocalId>, coll: &ir::Expr, body: &ir::Block) {
        self.push_level(LevelKind::Scope);
        let it = self.owned(coll);
        let it_name = self.fresh();
        self.line(format_args!("purr_map *{it_name} = {it};"));
        self.own(&it_name, &coll.ty);
        let i = self.fresh();
        self.open(&format!(
            "for (int64_t {i} = purr_map_next({it_name}, -1); {i} >= 0; {i} = purr_map_next({it_name}, {i}))"
        ));
        let kt = self.c(&self.f.locals[key].ty);
        self.line(format_args!("{kt} {} = *({kt}*)purr_map_key_at({it_name}, {i});", self.names[key].clone()));
        self.mark_unused(key);
        if let Some(v) = val {
            let vt = self.c(&self.f.locals[v].ty);
            self.line(format_args!("{vt} {} = *({vt}*)purr_map_val_at({it_name}, {i});", self.names[v].clone()));
            self.mark_unused(v);
        }
        self.loop_body(body);
        self.close("");
        self.pop_level();
    }

    // ----- places -----

    /// Evaluates the index and key expressions along a place, in order.
    fn place_operands(&mut self, place: &ir::Place) -> Vec<String> {
        let mut out = vec![];
        for (proj, _) in &place.path {
            match proj {
                ir::Proj::Field(_) => {}
                ir::Proj::Index(e, _) => {
                    let v = self.expr(e);
                    let v = self.temp(&e.ty, v.c());
                    out.push(v.c().to_string());
                }
                ir::Proj::Key(e, _) => {
                    let v = self.expr(e);
                    let ct = self.c(&e.ty);
                    let t = self.fresh();
                    self.line(format_args!("{ct} {t} = {};", v.c()));
                    out.push(t);
                }
            }
        }
        out
    }

    /// The C lvalue a place starts from: a local, or the actor's state.
    fn root_lvalue(&mut self, place: &ir::Place) -> String {
        match place.root {
            ir::PlaceRoot::Local(id) => self.names[id].clone(),
            ir::PlaceRoot::State => self.self_state(),
        }
    }

    /// The running actor's state struct as a C lvalue.
    fn self_state(&mut self) -> String {
        let actor = self.f.actor.expect("state is only used in actor functions");
        let state = Ty::Struct(self.g.program.actors[actor].state);
        format!("(*({}*)self->state)", self.c(&state))
    }

    /// A C pointer to the place after its first `upto` steps, making every
    /// container on the way unique (copy-on-write).
    fn place_ptr(&mut self, place: &ir::Place, upto: usize, operands: &[String]) -> String {
        let mut ptr = format!("&{}", self.root_lvalue(place));
        let mut ty = place.root_ty.clone();
        let mut ops = operands.iter();
        for (proj, next) in &place.path[..upto] {
            ptr = match (proj, &ty) {
                (ir::Proj::Field(i), Ty::Struct(sid)) => {
                    let field = &self.g.program.structs[*sid].fields[*i].0;
                    format!("&({ptr})->{}", c_ident(field))
                }
                (ir::Proj::Index(_, span), Ty::Bytes) => {
                    let loc = self.loc(*span);
                    format!("purr_bytes_at_mut({ptr}, {}, {loc})", ops.next().expect("operand"))
                }
                (ir::Proj::Index(_, span), _) => {
                    let (ct, loc) = (self.c(next), self.loc(*span));
                    format!("(({ct}*)purr_list_at_mut({ptr}, {}, {loc}))", ops.next().expect("operand"))
                }
                (ir::Proj::Key(_, span), _) => {
                    let (ct, loc) = (self.c(next), self.loc(*span));
                    format!("(({ct}*)purr_map_at_mut({ptr}, &{}, {loc}))", ops.next().expect("operand"))
                }
                (ir::Proj::Field(_), _) => unreachable!("sema only projects fields of structs"),
            };
            ty = next.clone();
        }
        ptr
    }

    fn assign(&mut self, place: &ir::Place, op: Option<BinOp>, value: &ir::Expr) {
        let ty = place.ty().clone();
        if value.ty == Ty::Never {
            self.expr(value);
            return;
        }
        let Some(op) = op else {
            let v = self.owned(value);
            let operands = self.place_operands(place);
            return self.store(place, &operands, &v, &ty);
        };
        let rhs = self.expr(value);
        let operands = self.place_operands(place);
        let p = if place.path.is_empty() {
            self.root_lvalue(place)
        } else {
            let ptr = self.place_ptr(place, place.path.len(), &operands);
            let ct = self.c(&ty);
            let p = self.fresh();
            self.line(format_args!("{ct}*{p} = {ptr};"));
            format!("(*{p})")
        };
        let cur = p.clone();
        if ty == Ty::Str {
            let old = self.fresh();
            self.line(format_args!("purr_str *{old} = {p};"));
            self.line(format_args!("{p} = purr_str_concat({old}, {});", rhs.c()));
            self.line(format_args!("purr_str_release({old});"));
        } else {
            let combined = self.binary_scalar(op, &ty, &cur, rhs.c(), place.span);
            self.line(format_args!("{p} = {combined};"));
        }
    }

    /// Stores the owned value `v` into `place`, releasing what was there.
    fn store(&mut self, place: &ir::Place, operands: &[String], v: &str, ty: &Ty) {
        let n = place.path.len();
        match place.path.last() {
            Some((ir::Proj::Key(..), _)) => {
                let map = self.place_ptr(place, n - 1, operands);
                let key = operands.last().expect("key operand");
                let ct = self.c(ty);
                let t = self.fresh();
                self.line(format_args!("{ct} {t} = {v};"));
                // The key was evaluated as a borrowed value: the map keeps its own reference.
                let kty = match &place.path[..n - 1].last().map_or(&place.root_ty, |(_, t)| t) {
                    Ty::Map(k, _) => (**k).clone(),
                    _ => unreachable!("key projection on a map"),
                };
                let k = self.into_owned(Val::Plain(key.clone()), &kty);
                let kt = self.fresh();
                let kct = self.c(&kty);
                self.line(format_args!("{kct} {kt} = {k};"));
                self.line(format_args!("purr_map_set({map}, &{kt}, &{t});"));
            }
            Some((ir::Proj::Index(_, span), _)) if is_bytes_parent(place) => {
                let bytes = self.place_ptr(place, n - 1, operands);
                let loc = self.loc(*span);
                self.line(format_args!("purr_bytes_set({bytes}, {}, {v}, {loc});", operands.last().expect("index")));
            }
            None if !self.has_rc(ty) => {
                let name = self.root_lvalue(place);
                self.line(format_args!("{name} = {v};"));
            }
            _ => {
                let ptr = self.place_ptr(place, n, operands);
                if self.has_rc(ty) {
                    let ct = self.c(ty);
                    let (p, old) = (self.fresh(), self.fresh());
                    self.line(format_args!("{ct}*{p} = {ptr};"));
                    self.line(format_args!("{ct} {old} = *{p};"));
                    self.line(format_args!("*{p} = {v};"));
                    let release = self.g.types.rc_fn(ty, "release");
                    self.line(format_args!("{release}({old});"));
                } else {
                    self.line(format_args!("*{ptr} = {v};"));
                }
            }
        }
    }

    // ----- expressions -----

    fn expr(&mut self, e: &ir::Expr) -> Val {
        match &e.kind {
            ExprKind::Int(v) => Val::Plain(int_literal(*v, &e.ty)),
            ExprKind::Float(f) => Val::Plain(float_literal(*f)),
            ExprKind::Bool(b) => Val::Plain(b.to_string()),
            ExprKind::Nil => Val::Plain("NULL".into()),
            ExprKind::Str(s) => Val::Plain(self.g.string_literal(s)),
            ExprKind::Local(id) => Val::Plain(self.names[*id].clone()),
            ExprKind::FnRef(id) => Val::Plain(self.g.program.funcs[*id].c_name.clone()),
            ExprKind::Unary(op, operand) => {
                let v = self.expr(operand);
                Val::Plain(unary(*op, &e.ty, v.c()))
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e),
            ExprKind::Call(f, args) => {
                let callee = &self.g.program.funcs[*f];
                let name = callee.c_name.clone();
                // An actor's own functions take the actor as their first argument.
                let self_arg = callee.actor.is_some();
                self.call(&name, self_arg, args, &e.ty)
            }
            ExprKind::CallValue(f, args) => {
                let fv = self.expr(f);
                let fv = self.temp(&f.ty, fv.c());
                self.call(&format!("({})", fv.c()), false, args, &e.ty)
            }
            ExprKind::CallExtern(x, args) => self.call_extern(*x, args, &e.ty),
            ExprKind::Builtin(b, args) => builtins::emit(self, *b, args, e),
            ExprKind::Cast(v) => {
                let c = self.expr(v);
                Val::Plain(cast(&v.ty, &e.ty, c.c()))
            }
            ExprKind::Field(base, i) => {
                let b = self.expr(base);
                let Ty::Struct(sid) = base.ty else { unreachable!("field of a struct") };
                let field = c_ident(&self.g.program.structs[sid].fields[*i].0);
                Val::Plain(format!("{}.{field}", b.c()))
            }
            ExprKind::Index(base, index) => self.index(base, index, e),
            ExprKind::StructLit(sid, fields) => {
                let vals = self.exprs(&fields.iter().collect::<Vec<_>>());
                let inits: Vec<String> = fields
                    .iter()
                    .zip(vals)
                    .enumerate()
                    .map(|(i, (f, v))| {
                        let v = self.into_owned(v, &f.ty);
                        format!(".{} = {v}", c_ident(&self.g.program.structs[*sid].fields[i].0))
                    })
                    .collect();
                let init = if inits.is_empty() { "{0}".to_string() } else { format!("{{ {} }}", inits.join(", ")) };
                self.temp(&e.ty, &init)
            }
            ExprKind::Variant(eid, index, args) => self.variant(*eid, *index, args, &e.ty),
            ExprKind::OptionLit(None) => {
                let ct = self.c(&e.ty);
                Val::Plain(format!("(({ct}){{ .some = false }})"))
            }
            ExprKind::OptionLit(Some(v)) => {
                let v = self.owned(v);
                self.temp(&e.ty, &format!("{{ .some = true, .value = {v} }}"))
            }
            ExprKind::ResultLit(ok, v) => {
                let v = self.owned(v);
                let init = if *ok { format!("{{ .is_ok = true, .u.ok = {v} }}") } else { format!("{{ .is_ok = false, .u.err = {v} }}") };
                self.temp(&e.ty, &init)
            }
            ExprKind::List(items) => {
                let Ty::List(elem) = &e.ty else { unreachable!("list literal has a list type") };
                let desc = self.g.types.descriptor(elem);
                let list = self.temp(&e.ty, &format!("purr_list_with_cap({desc}, {})", items.len()));
                let ect = self.c(elem);
                for item in items {
                    let v = self.owned(item);
                    self.line(format_args!("*({ect}*)purr_list_push_slot(&{}) = {v};", list.c()));
                }
                list
            }
            ExprKind::Interp(parts) => self.interpolation(parts),
            ExprKind::If(cond, then, other) => self.if_expr(cond, then, other.as_deref(), &e.ty),
            ExprKind::Match(scrutinee, arms) => self.match_expr(scrutinee, arms, &e.ty, e.span),
            ExprKind::SelfActor => Val::Plain("self".into()),
            ExprKind::SelfState => Val::Plain(self.self_state()),
            ExprKind::Spawn(actor, fields) => self.spawn(*actor, fields, &e.ty),
            ExprKind::ToReply(target) => {
                let t = self.expr(target);
                self.temp(&e.ty, &format!("purr_reply_new({})", t.c()))
            }
            ExprKind::ProbeNew => {
                let Ty::Probe(m) = &e.ty else { unreachable!("probe<T>() has a probe type") };
                let desc = self.g.types.descriptor(m);
                let node = self.node_type(m);
                self.temp(&e.ty, &format!("purr_probe_new({desc}, offsetof({node}, payload))"))
            }
            ExprKind::Block(b) => {
                let result = self.result_var(&e.ty);
                self.open("");
                self.block_into(b, result.as_ref().map(|r| (r.as_str(), &e.ty)));
                self.close("");
                self.result_val(result, &e.ty)
            }
        }
    }

    /// Declares the variable that receives the value of an `if`, `match` or
    /// block expression (none when it has no value).
    fn result_var(&mut self, ty: &Ty) -> Option<String> {
        if matches!(ty, Ty::Void | Ty::Never | Ty::Error) {
            return None;
        }
        let ct = self.c(ty);
        let t = self.fresh();
        let z = self.zero(ty);
        self.line(format_args!("{ct} {t} = {z};"));
        Some(t)
    }

    fn result_val(&mut self, result: Option<String>, ty: &Ty) -> Val {
        match result {
            Some(r) if self.has_rc(ty) => {
                self.own(&r, ty);
                Val::Temp(r)
            }
            Some(r) => Val::Plain(r),
            None => Val::Plain(String::new()),
        }
    }

    fn call(&mut self, callee: &str, self_arg: bool, args: &[ir::Expr], ret: &Ty) -> Val {
        let vals = self.exprs(&args.iter().collect::<Vec<_>>());
        let mut cargs: Vec<&str> = vals.iter().map(Val::c).collect();
        if self_arg {
            cargs.insert(0, "self");
        }
        let call = format!("{callee}({})", cargs.join(", "));
        if matches!(ret, Ty::Void | Ty::Never) {
            self.line(format_args!("{call};"));
            Val::Plain(String::new())
        } else {
            self.temp(ret, &call)
        }
    }

    fn call_extern(&mut self, x: usize, args: &[ir::Expr], ret: &Ty) -> Val {
        let vals = self.exprs(&args.iter().collect::<Vec<_>>());
        let mut cargs = vec![];
        for (a, v) in args.iter().zip(&vals) {
            cargs.push(match a.ty {
                Ty::Str => format!("{}->data", v.c()),
                Ty::Bytes => match &a.kind {
                    // The callee may write into the buffer. A `var` gets its
                    // own copy first, and sees what was written; any other
                    // value is copied, so that no other copy sees the writes.
                    ExprKind::Local(id) if self.f.locals[*id].mutable => {
                        let name = self.names[*id].clone();
                        self.line(format_args!("purr_bytes_make_unique(&{name});"));
                        format!("{name}->data")
                    }
                    _ => {
                        let copy = self.temp(&Ty::Bytes, &format!("purr_bytes_from({0}->data, {0}->len)", v.c()));
                        format!("{}->data", copy.c())
                    }
                },
                _ => v.c().to_string(),
            });
        }
        let call = format!("purr_extern_{x}({})", cargs.join(", "));
        match ret {
            Ty::Void | Ty::Never => {
                self.line(format_args!("{call};"));
                Val::Plain(String::new())
            }
            // A returned C string is copied; NULL reads as "".
            Ty::Str => {
                let p = self.fresh();
                self.line(format_args!("const char *{p} = {call};"));
                self.temp(ret, &format!("{p} ? purr_str_from_cstr({p}) : purr_str_empty()"))
            }
            _ => self.temp(ret, &call),
        }
    }

    fn variant(&mut self, eid: usize, index: usize, args: &[ir::Expr], ty: &Ty) -> Val {
        let def = &self.g.program.enums[eid];
        let name = format!("{}__{}", def.c_name, def.variants[index].name);
        if !def.is_boxed() {
            return Val::Plain(name);
        }
        if args.is_empty() {
            return Val::Plain(format!("(&{name}__node)"));
        }
        let vals = self.exprs(&args.iter().collect::<Vec<_>>());
        let owned: Vec<String> = args.iter().zip(vals).map(|(a, v)| self.into_owned(v, &a.ty)).collect();
        self.temp(ty, &format!("{name}({})", owned.join(", ")))
    }

    fn index(&mut self, base: &ir::Expr, index: &ir::Expr, e: &ir::Expr) -> Val {
        let vals = self.exprs(&[base, index]);
        let (b, i) = (vals[0].c(), vals[1].c());
        let loc = self.loc(e.span);
        match &base.ty {
            Ty::List(elem) => {
                let ct = self.c(elem);
                Val::Plain(format!("(*({ct}*)purr_list_at({b}, {i}, {loc}))"))
            }
            Ty::Bytes => Val::Plain(format!("purr_bytes_get({b}, {i}, {loc})")),
            Ty::Str => Val::Plain(format!("purr_str_byte_at({b}, {i}, {loc})")),
            Ty::Map(k, v) => {
                let (kt, vt) = (self.c(k), self.c(v));
                let key = self.fresh();
                self.line(format_args!("{kt} {key} = {i};"));
                Val::Plain(format!("(*({vt}*)purr_map_at({b}, &{key}, {loc}))"))
            }
            _ => unreachable!("sema only indexes lists, bytes, strings and maps"),
        }
    }

    fn binary(&mut self, op: BinOp, l: &ir::Expr, r: &ir::Expr, e: &ir::Expr) -> Val {
        if matches!(op, BinOp::And | BinOp::Or) {
            return self.short_circuit(op, l, r);
        }
        let vals = self.exprs(&[l, r]);
        let (a, b) = (vals[0].c().to_string(), vals[1].c().to_string());
        match (&l.ty, op) {
            (Ty::Str, BinOp::Add) => self.temp(&Ty::Str, &format!("purr_str_concat({a}, {b})")),
            (Ty::Str, BinOp::Eq) => Val::Plain(format!("purr_str_eq({a}, {b})")),
            (Ty::Str, BinOp::Ne) => Val::Plain(format!("(!purr_str_eq({a}, {b}))")),
            (Ty::Str, _) => Val::Plain(format!("(purr_str_cmp({a}, {b}) {} 0)", op.symbol())),
            (Ty::Bytes, BinOp::Eq) => Val::Plain(format!("purr_bytes_eq({a}, {b})")),
            (Ty::Bytes, _) => Val::Plain(format!("(!purr_bytes_eq({a}, {b}))")),
            _ => Val::Plain(self.binary_scalar(op, &l.ty, &a, &b, e.span)),
        }
    }

    fn binary_scalar(&mut self, op: BinOp, ty: &Ty, a: &str, b: &str, span: Span) -> String {
        use BinOp::*;
        match (ty, op) {
            (Ty::Int(i), Add | Sub | Mul | Shl | Shr) => {
                let f = match op {
                    Add => "add",
                    Sub => "sub",
                    Mul => "mul",
                    Shl => "shl",
                    _ => "shr",
                };
                format!("purr_{f}_{}({a}, {b})", i.name())
            }
            (Ty::Int(i), Div | Rem) => {
                let f = if op == Div { "div" } else { "rem" };
                let loc = self.loc(span);
                format!("purr_{f}_{}({a}, {b}, {loc})", i.name())
            }
            (Ty::Int(i), BitAnd | BitOr | BitXor) => format!("(({})({a} {} {b}))", int_c(*i), op.symbol()),
            (Ty::F64, Rem) => format!("fmod({a}, {b})"),
            _ => format!("({a} {} {b})", op.symbol()),
        }
    }

    /// `a && b` / `a || b`: `b` is evaluated only when needed; its
    /// statements (if any) go inside a C `if`.
    fn short_circuit(&mut self, op: BinOp, l: &ir::Expr, r: &ir::Expr) -> Val {
        let a = self.expr(l);
        let saved = std::mem::take(&mut self.out);
        self.indent += 1;
        self.push_level(LevelKind::Stmt);
        let b = self.expr(r);
        if self.out.is_empty() && self.levels.last().is_some_and(|l| l.owned.is_empty()) {
            self.levels.pop();
            self.indent -= 1;
            self.out = saved;
            return Val::Plain(format!("({} {} {})", a.c(), op.symbol(), b.c()));
        }
        let rhs_code = std::mem::replace(&mut self.out, saved);
        self.indent -= 1;
        let t = self.fresh();
        self.line(format_args!("bool {t} = {};", a.c()));
        let test = if op == BinOp::And { t.clone() } else { format!("!{t}") };
        self.open(&format!("if ({test})"));
        self.out.push_str(&rhs_code);
        self.line(format_args!("{t} = {};", b.c()));
        self.pop_level();
        self.close("");
        Val::Plain(t)
    }

    fn interpolation(&mut self, parts: &[ir::InterpPart]) -> Val {
        let exprs: Vec<&ir::Expr> = parts
            .iter()
            .filter_map(|p| match p {
                ir::InterpPart::Value(e) => Some(e),
                ir::InterpPart::Lit(_) => None,
            })
            .collect();
        let mut vals = self.exprs(&exprs).into_iter();
        let buf = self.fresh();
        self.line(format_args!("purr_strbuf {buf};"));
        self.line(format_args!("purr_strbuf_init(&{buf});"));
        for p in parts {
            match p {
                ir::InterpPart::Lit(s) => {
                    self.line(format_args!("purr_strbuf_cstr(&{buf}, {}, {});", c_string(s.as_bytes()), s.len()))
                }
                ir::InterpPart::Value(e) => {
                    let v = vals.next().expect("one value per part");
                    let call = match &e.ty {
                        Ty::Int(i) if i.signed() => format!("purr_strbuf_i64(&{buf}, (int64_t){})", v.c()),
                        Ty::Int(_) => format!("purr_strbuf_u64(&{buf}, (uint64_t){})", v.c()),
                        Ty::F64 => format!("purr_strbuf_f64(&{buf}, {})", v.c()),
                        Ty::Bool => format!("purr_strbuf_bool(&{buf}, {})", v.c()),
                        Ty::Ptr => format!("purr_strbuf_u64(&{buf}, (uint64_t)(uintptr_t){})", v.c()),
                        _ => format!("purr_strbuf_str(&{buf}, {})", v.c()),
                    };
                    self.line(format_args!("{call};"));
                }
            }
        }
        self.temp(&Ty::Str, &format!("purr_strbuf_finish(&{buf})"))
    }

    fn if_expr(&mut self, cond: &ir::Expr, then: &ir::Block, other: Option<&ir::Block>, ty: &Ty) -> Val {
        let c = self.expr(cond);
        let result = self.result_var(ty);
        let dest = result.as_ref().map(|r| (r.as_str(), ty));
        self.open(&format!("if {}", parenthesized(c.c())));
        self.block_into(then, dest);
        match other {
            Some(b) => {
                self.close(" else {");
                self.indent += 1;
                self.block_into(b, dest);
                self.close("");
            }
            None => self.close(""),
        }
        self.result_val(result, ty)
    }

    fn match_expr(&mut self, scrutinee: &ir::Expr, arms: &[ir::MatchArm], ty: &Ty, span: Span) -> Val {
        // The scrutinee is pinned for the whole match: arm bindings borrow
        // from it, and an arm may assign to the variable it came from.
        let s = self.expr(scrutinee);
        let pinned = if arms.iter().any(|a| may_mutate(&a.body)) {
            let owned = self.into_owned(s, &scrutinee.ty);
            self.temp_owned(&scrutinee.ty, &owned)
        } else {
            let st = self.c(&scrutinee.ty);
            let t = self.fresh();
            self.line(format_args!("{st} {t} = {};", s.c()));
            t
        };
        let result = self.result_var(ty);
        let dest = result.as_ref().map(|r| (r.as_str(), ty));
        for (i, arm) in arms.iter().enumerate() {
            let mut tests = vec![];
            let mut binds = vec![];
            self.pattern(&arm.pattern, &pinned, &scrutinee.ty, &mut tests, &mut binds);
            let test = if tests.is_empty() { "1".to_string() } else { tests.join(" && ") };
            let head = if i == 0 { format!("if ({test})") } else { format!("else if ({test})") };
            self.open(&head);
            for b in &binds {
                self.line(b);
            }
            let body = ir::Block { stmts: vec![], value: Some(Box::new(arm.body.clone())), span: arm.body.span };
            if matches!(arm.body.ty, Ty::Void | Ty::Never) || dest.is_none() {
                self.push_level(LevelKind::Scope);
                self.line_directive(arm.body.span);
                let v = self.expr(&arm.body);
                self.discard(v);
                self.pop_level();
            } else {
                self.block_into(&body, dest);
            }
            self.close("");
        }
        let loc = self.loc(span);
        self.line(format_args!("else purr_panic({loc}, \"no match arm matched\");"));
        self.result_val(result, ty)
    }

    fn temp_owned(&mut self, ty: &Ty, owned: &str) -> String {
        let ct = self.c(ty);
        let t = self.fresh();
        self.line(format_args!("{ct} {t} = {owned};"));
        self.own(&t, ty);
        t
    }

    /// Appends the C tests that `p` matches `v` (of type `ty`) and the
    /// declarations of its bindings (borrowed from `v`).
    fn pattern(&mut self, p: &Pattern, v: &str, ty: &Ty, tests: &mut Vec<String>, binds: &mut Vec<String>) {
        match p {
            Pattern::Wildcard => {}
            Pattern::Bind(id) => {
                let ct = self.c(ty);
                let name = self.names[*id].clone();
                binds.push(format!("{ct} {name} = {v};"));
                if !self.used.contains(id) {
                    binds.push(format!("(void){name};"));
                }
            }
            Pattern::Int(n) => tests.push(format!("{v} == {}", int_literal(*n, ty))),
            Pattern::Str(s) => {
                let lit = self.g.string_literal(s);
                tests.push(format!("purr_str_eq({v}, {lit})"));
            }
            Pattern::Bool(b) => tests.push(if *b { v.to_string() } else { format!("!{v}") }),
            Pattern::Ctor(index, subs) => match ty {
                Ty::Option(t) => {
                    tests.push(if *index == 0 { format!("{v}.some") } else { format!("!{v}.some") });
                    if let Some(sub) = subs.first() {
                        self.pattern(sub, &format!("{v}.value"), t, tests, binds);
                    }
                }
                Ty::Result(t, e) => {
                    tests.push(if *index == 0 { format!("{v}.is_ok") } else { format!("!{v}.is_ok") });
                    if let Some(sub) = subs.first() {
                        let (field, ty) = if *index == 0 { ("ok", t) } else { ("err", e) };
                        self.pattern(sub, &format!("{v}.u.{field}"), ty, tests, binds);
                    }
                }
                Ty::Enum(eid) => {
                    let def = &self.g.program.enums[*eid];
                    if !def.is_boxed() {
                        tests.push(format!("{v} == {}__{}", def.c_name, def.variants[*index].name));
                        return;
                    }
                    tests.push(format!("{v}->tag == {index}"));
                    let variant = def.variants[*index].clone();
                    for (i, (sub, t)) in subs.iter().zip(&variant.payload).enumerate() {
                        self.pattern(sub, &format!("{v}->as.{}.f{i}", variant.name), t, tests, binds);
                    }
                }
                _ => unreachable!("constructor patterns only match options, results and enums"),
            },
        }
    }
}

/// Whether evaluating `e` may assign to a local variable of the current
/// function (only assignments inside blocks and mutating builtins can).
fn may_mutate(e: &ir::Expr) -> bool {
    struct Finder(bool);
    impl Visitor for Finder {
        fn stmt(&mut self, s: &ir::Stmt) {
            self.0 |= matches!(s.kind, StmtKind::Assign(..));
        }
        fn expr(&mut self, e: &ir::Expr) {
            self.0 |= matches!(e.kind, ExprKind::Builtin(b, _) if b.mutates_first_arg());
        }
    }
    let mut finder = Finder(false);
    walk_expr(&mut finder, e);
    finder.0
}

/// The locals a function body reads or assigns; the others are declared
/// `(void)` so that C does not warn about them.
fn used_locals(body: &ir::Block) -> HashSet<LocalId> {
    struct Uses(HashSet<LocalId>);
    impl Visitor for Uses {
        fn expr(&mut self, e: &ir::Expr) {
            if let ExprKind::Local(id) = e.kind {
                self.0.insert(id);
            }
        }
        fn place(&mut self, p: &ir::Place) {
            if let ir::PlaceRoot::Local(id) = p.root {
                self.0.insert(id);
            }
        }
    }
    let mut uses = Uses(HashSet::new());
    walk_block(&mut uses, body);
    uses.0
}

/// `(c)`, without doubling parentheses that already enclose all of `c`.
fn parenthesized(c: &str) -> String {
    let mut depth = 0;
    let enclosed = c.starts_with('(')
        && c.char_indices().all(|(i, ch)| {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth > 0 || i == c.len() - 1
        });
    if enclosed {
        c.to_string()
    } else {
        format!("({c})")
    }
}

/// Expressions whose C form has no effect and cannot fault, so it does not
/// matter when C evaluates them.
fn is_pure(e: &ir::Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::Nil
        | ExprKind::Local(_)
        | ExprKind::FnRef(_)
        | ExprKind::SelfActor
        | ExprKind::SelfState => true,
        ExprKind::Field(b, _) | ExprKind::Unary(_, b) | ExprKind::Cast(b) => is_pure(b),
        ExprKind::Binary(op, a, b) => !matches!(op, BinOp::Div | BinOp::Rem) && is_pure(a) && is_pure(b),
        _ => false,
    }
}

fn is_bytes_parent(place: &ir::Place) -> bool {
    let n = place.path.len();
    let parent = if n >= 2 { &place.path[n - 2].1 } else { &place.root_ty };
    *parent == Ty::Bytes
}



fn int_literal(bits: u64, ty: &Ty) -> String {
    let Ty::Int(t) = ty else { return bits.to_string() };
    let v = t.value(bits);
    match t {
        IntTy::I64 if v == i128::from(i64::MIN) => "INT64_MIN".into(),
        IntTy::I64 => format!("INT64_C({v})"),
        IntTy::U64 => format!("UINT64_C({v})"),
        IntTy::I32 if v == i128::from(i32::MIN) => "INT32_MIN".into(),
        IntTy::U32 => format!("{v}u"),
        _ => v.to_string(),
    }
}

fn float_literal(f: f64) -> String {
    if f.is_infinite() {
        if f > 0.0 { "(1.0/0.0)".into() } else { "(-1.0/0.0)".into() }
    } else {
        let s = format!("{f:?}");
        if s.contains('.') || s.contains('e') { s } else { format!("{s}.0") }
    }
}

fn unary(op: UnOp, ty: &Ty, a: &str) -> String {
    match (op, ty) {
        (UnOp::Neg, Ty::Int(i)) => format!("purr_neg_{}({a})", i.name()),
        (UnOp::Neg, _) => format!("(-{a})"),
        (UnOp::Not, _) => format!("(!{a})"),
        (UnOp::BitNot, Ty::Int(i)) => format!("(({})~{a})", int_c(*i)),
        (UnOp::BitNot, _) => format!("(~{a})"),
    }
}

fn cast(from: &Ty, to: &Ty, a: &str) -> String {
    match (from, to) {
        _ if from == to => a.to_string(),
        (Ty::F64, Ty::Int(i)) => format!("purr_f64_to_{}({a})", i.name()),
        (_, Ty::Int(i)) => format!("(({})({a}))", int_c(*i)),
        (_, Ty::F64) => format!("((double)({a}))"),
        _ => a.to_string(),
    }
}
