//! C names. Every identifier of the generated C that is not fixed C or
//! purr.h comes from here, and the naming is injective by construction: two
//! different things never get the same C name, and no C name purrc makes is
//! one that C, the headers purr.h includes, or purr.h itself could define.
//! Source names survive wherever that is safe (`main__area`,
//! `shapes_geometry__area`, `main__Shape__Circle`, `main__Counter__on_Add`,
//! a local `count`); docs/compiler.md shows the scheme with examples.
//!
//! **Words.** A Purr identifier becomes a *word*: itself, except that an `_`
//! is written `_0` unless it is *soft* — after a letter or digit and before
//! a letter (`read_file` and `on_Add` stay; `x_1` → `x_01`, `tmp__1` →
//! `tmp_0_01`, `_x` → `_0x`). Reading `_0` back as `_` recovers the
//! identifier, so words are injective. In a word every `_` is followed by a
//! letter or `0`: a word never contains `__`, never ends in `_`, and never
//! contains `_1` … `_9`, which are left to purrc as markers.
//!
//! **Heads.** A namespace becomes a *head*: its text with `.` written `_`,
//! every `_` written `_0`, and `._` written `_1` (`shapes.geometry` →
//! `shapes_geometry`, `a_b` → `a_0b`, `a._b` → `a_1b`). Again injective (`_`
//! before a letter is a dot, `_0` an underscore, `_1` a dot and an
//! underscore), free of `__`, `_2` … `_9` and a trailing `_`. A head that
//! would start with `_` (reserved at file scope) or with `purr`/`PURR`
//! (purr.h's and purrc's own names) gets the prefix `ns_2`, which no other
//! head has.
//!
//! **File-scope names** of the program's declarations are *parts* joined by
//! `__`. No part contains `__` or ends in `_`, so a name splits back into its
//! parts at each `__` (a run `___` is a separator before a part that starts
//! with `_`). The parts:
//! - `head__word`: a top-level `fn`, struct, message, enum, actor or
//!   `extern fn` (sema rejects two declarations of one name in a namespace);
//!   `head__lambda__N`, `head__test__N`, `head__bench__N`, whose third part
//!   starts with a digit, as no word or helper does;
//! - under a type or actor `D`: `D__helper` for the generated helpers
//!   ([`Helper`]); `E__V` for variant `V` of enum `E` (and `E__V__node` for
//!   its static node); for actor `A`: `A__f` for its `fn f`, `A__on_M` for
//!   its handler of message `M` of its own namespace and `A__on_H__M` for
//!   one of namespace `H` (the prelude's `ActorExited` is
//!   `A__on_std_prelude__ActorExited`), `A__start`, `A__state` (its state
//!   struct, with helpers `A__state__helper`). A variant or actor `fn` whose word is a helper's
//!   name, or an actor `fn` whose word starts with `on_`, is escaped to
//!   `_1word`, which no word is.
//!
//! **purrc's own file-scope names** start with `purrc_`, which no head does
//! (purr.h's own start with `purr_` or `PURR_`): `purrc_lit_N` (string
//! literals), `purrc_loc_N` (source locations), `purrc_{code}` for option,
//! result and function types and `purrc_{code}__helper` for their helpers,
//! `purrc_sort_by_{code}`, `purrc_message_names`, `purrc_spawn_main`. The word after `purrc_` tells them apart; type codes
//! are a prefix code (see [`type_code`]).
//!
//! **Block-scope and member names**: locals, parameters, struct and state
//! fields, and enum variants inside their node's union. Such a name is its
//! word, or `_1word` if the word is [`reserved`]; the k-th local (k ≥ 2) of
//! one name in a function adds `_k`. None contains `__`, so none is a
//! temporary (`tmp__N`) or a file-scope name, and none is [`OWNED_BASE`]
//! (`purr_fb`, the function's owned-stack base), which is reserved. A
//! leading `_0`/`_1` is fine in these scopes (C11 7.1.3 reserves `_` +
//! digit only at file scope).
//!
//! **C's own names.** Every file-scope name above contains `__` after a
//! letter, which C, POSIX and compiler names never do (the implementation's
//! own names start with `_`), or starts with `purrc_`, a prefix none of
//! theirs has. Block-scope and member names are escaped when [`reserved`]
//! says C, a header purr.h includes, the compiler or purr.h could define
//! them.

use crate::ir::{ActorId, DeclName, EnumId, Func, FuncKind, Program, StructId, StructKind, Ty};
use std::collections::HashMap;

/// The generated helpers of a type or actor, named `D__{part}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Helper {
    Retain,
    Release,
    /// Frees an enum node.
    Free,
    /// The `purr_type` element descriptor, or an actor's `purr_actor_type`.
    Type,
    /// A message's node type (header and payload).
    Node,
    /// A message's kind number.
    Kind,
    DropNode,
    DupAny,
    DropAny,
    Dispatch,
    DropState,
    /// The constructor of an `extern message` that the runtime calls.
    New,
}

impl Helper {
    const ALL: [Helper; 12] = [
        Helper::Retain,
        Helper::Release,
        Helper::Free,
        Helper::Type,
        Helper::Node,
        Helper::Kind,
        Helper::DropNode,
        Helper::DupAny,
        Helper::DropAny,
        Helper::Dispatch,
        Helper::DropState,
        Helper::New,
    ];

    fn part(self) -> &'static str {
        match self {
            Helper::Retain => "retain",
            Helper::Release => "release",
            Helper::Free => "free",
            Helper::Type => "type",
            Helper::Node => "node",
            Helper::Kind => "KIND",
            Helper::DropNode => "drop_node",
            Helper::DupAny => "dup_any",
            Helper::DropAny => "drop_any",
            Helper::Dispatch => "dispatch",
            Helper::DropState => "drop_state",
            Helper::New => "new",
        }
    }
}

/// Fixed parts under an actor besides the helpers.
const ACTOR_PARTS: [&str; 2] = ["start", "state"];

/// `D__helper`: a helper of the type or actor whose C name (or, for
/// option/result types, helper prefix) is `prefix`.
pub(super) fn helper(prefix: &str, h: Helper) -> String {
    format!("{prefix}__{}", h.part())
}

/// A Purr identifier as a piece of a C name (see the module comment).
fn word(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 2);
    for (i, &c) in b.iter().enumerate() {
        let soft = c == b'_'
            && i > 0
            && b[i - 1].is_ascii_alphanumeric()
            && b.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic());
        out.push(c as char);
        if c == b'_' && !soft {
            out.push('0');
        }
    }
    out
}

/// A namespace as the first part of file-scope names.
fn head(namespace: &str) -> String {
    let mut out = String::with_capacity(namespace.len() + 4);
    let mut chars = namespace.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' if chars.peek() == Some(&'_') => {
                chars.next();
                out.push_str("_1");
            }
            '.' => out.push('_'),
            '_' => out.push_str("_0"),
            c => out.push(c),
        }
    }
    if out.starts_with('_') || out.starts_with("purr") || out.starts_with("PURR") {
        out.insert_str(0, "ns_2");
    }
    out
}

fn decl(name: &DeclName) -> String {
    format!("{}__{}", head(&name.namespace), word(&name.name))
}

/// The word of `name`, or `_1word` where `taken` says the word itself is
/// in use there (no word starts with `_1`).
fn free_word(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let w = word(name);
    if taken(&w) {
        format!("_1{w}")
    } else {
        w
    }
}

fn is_helper(w: &str) -> bool {
    Helper::ALL.iter().any(|h| h.part() == w)
}

/// A block-scope or member name for a source name.
fn member(name: &str) -> String {
    free_word(name, reserved)
}

/// Whether `w` could be a keyword, or a macro or type that C, the headers
/// purr.h includes (stdbool, stddef, stdint, string), the compiler or purr.h
/// define, or one generated code refers to.
fn reserved(w: &str) -> bool {
    let starts_lower_after = |prefix: &str| w.strip_prefix(prefix).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_lowercase()));
    C_KEYWORDS.contains(&w)
        || C_LIBRARY.contains(&w)
        || w.starts_with("purr")
        || w.starts_with("PURR")
        // POSIX reserves `_t` for types; stdint's are `int8_t` … `uintptr_t`.
        || w.ends_with("_t")
        // Object-like macros (`NULL`, `EOF`, `INT64_MAX`, `SIZE_MAX`, …).
        || (w.starts_with(|c: char| c.is_ascii_uppercase()) && !w.contains(|c: char| c.is_ascii_lowercase()))
        // string.h's present and future functions (C11 7.31.13), which a
        // header may also define as macros.
        || ["str", "mem", "wcs"].iter().any(|p| starts_lower_after(p))
}

/// C keywords up to C23, and GNU C's.
const C_KEYWORDS: &[&str] = &[
    "alignas", "alignof", "asm", "auto", "bool", "break", "case", "char", "const", "constexpr", "continue",
    "default", "do", "double", "else", "enum", "extern", "false", "float", "for", "goto", "if", "inline", "int",
    "long", "nullptr", "register", "restrict", "return", "short", "signed", "sizeof", "static", "static_assert",
    "struct", "switch", "thread_local", "true", "typedef", "typeof", "typeof_unqual", "union", "unsigned", "void",
    "volatile", "while",
];

/// Lower-case names that headers or the compiler define as macros
/// (stddef's `offsetof`, GNU C's `linux`/`unix`/`i386`, and those of the
/// headers the runtime itself uses), and the C functions generated code
/// calls.
const C_LIBRARY: &[&str] =
    &["offsetof", "linux", "unix", "i386", "errno", "stdin", "stdout", "stderr", "assert", "fmod"];

/// The C names of a function's locals, by id (see the module comment).
pub(super) fn local_names(f: &Func) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    f.locals
        .iter()
        .map(|l| {
            let n = seen.entry(l.name.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 {
                member(&l.name)
            } else {
                format!("{}_{n}", member(&l.name))
            }
        })
        .collect()
}

/// The local that holds a function's base on the owned stack (purr.h).
pub(super) const OWNED_BASE: &str = "purr_fb";

/// A temporary of generated code.
pub(super) fn temp(n: usize) -> String {
    format!("tmp__{n}")
}

/// String literal object `n` of code-generation piece `piece`.
pub(super) fn literal(piece: usize, n: usize) -> String {
    numbered("lit", piece, n)
}

/// Source location `n` of code-generation piece `piece`.
pub(super) fn location(piece: usize, n: usize) -> String {
    numbered("loc", piece, n)
}

fn numbered(kind: &str, piece: usize, n: usize) -> String {
    if piece == 0 {
        format!("purrc_{kind}_{n}")
    } else {
        format!("purrc_{kind}_{piece}_{n}")
    }
}

pub(super) const MESSAGE_NAMES: &str = "purrc_message_names";

/// The comparator adapter `list_sort_by` uses for elements of type `ty`.
pub(super) fn sort_adapter(names: &CNames, ty: &Ty) -> String {
    format!("purrc_sort_by_{}", type_code(names, ty))
}

/// The C name of an option, result or function type.
pub(super) fn instance(names: &CNames, ty: &Ty) -> String {
    format!("purrc_{}", type_code(names, ty))
}

/// A C-identifier-safe code for a type, used in the names of option, result
/// and function types and sort adapters. Codes are a prefix code: tokens
/// (`i64`, `str`, `list`, …, `opt`, `res`, `fn2`, `struct`, `enum`, `actor`,
/// `exited`) contain no `_` and are joined by `_`; `opt` is followed by one
/// code, `res` by two, `fnN` by N + 1; `struct`, `enum` and `actor` (an
/// actor's state) by a user type's C name `head__word`, which ends at the
/// next `__` or at the end, so a token after one is joined by `__`.
pub(super) fn type_code(names: &CNames, ty: &Ty) -> String {
    let mut out = String::new();
    code_into(names, ty, &mut out);
    out
}

/// Appends `ty`'s code; returns whether it ends in a user type's C name.
fn code_into(names: &CNames, ty: &Ty, out: &mut String) -> bool {
    let fixed = match ty {
        Ty::Int(i) => i.name(),
        Ty::F64 => "f64",
        Ty::Bool => "bool",
        Ty::Void | Ty::Never | Ty::Error => "void",
        Ty::Str => "str",
        Ty::Bytes => "bytes",
        Ty::Ptr => "ptr",
        Ty::List(_) => "list",
        Ty::Map(..) => "map",
        Ty::Mailbox(_) => "mailbox",
        Ty::Reply(_) => "reply",
        Ty::Probe(_) => "probe",
        Ty::Option(t) => return codes_into(names, "opt", [&**t], out),
        Ty::Result(t, e) => return codes_into(names, "res", [&**t, &**e], out),
        Ty::Fn(ps, r) => return codes_into(names, &format!("fn{}", ps.len()), ps.iter().chain([&**r]), out),
        Ty::Handle(_) => "handle",
        Ty::Struct(id) => match names.program.structs[*id].kind {
            StructKind::State { actor } => return user_code("actor", &names.actors[actor], out),
            _ => return user_code("struct", &names.structs[*id], out),
        },
        Ty::Enum(id) => return user_code("enum", &names.enums[*id], out),
    };
    out.push_str(fixed);
    false
}

fn codes_into<'t>(names: &CNames, token: &str, args: impl IntoIterator<Item = &'t Ty>, out: &mut String) -> bool {
    out.push_str(token);
    let mut after_user = false;
    for t in args {
        out.push_str(if after_user { "__" } else { "_" });
        after_user = code_into(names, t, out);
    }
    after_user
}

fn user_code(token: &str, c_name: &str, out: &mut String) -> bool {
    out.push_str(token);
    out.push('_');
    out.push_str(c_name);
    true
}

/// The C names of a program's declarations, computed once and shared by
/// the pieces of code generation.
pub(super) struct CNames<'p> {
    program: &'p Program,
    /// C type names of structs (`main__Point`, `main__Counter__state`),
    /// also the prefixes of their helpers.
    structs: Vec<String>,
    enums: Vec<String>,
    /// Each variant's name under its enum (`main__Shape__Circle`).
    variants: Vec<Vec<String>>,
    /// Each variant's member name in its enum node's union.
    variant_members: Vec<Vec<String>>,
    /// Member names of each struct's fields.
    fields: Vec<Vec<String>>,
    actors: Vec<String>,
    funcs: Vec<String>,
    externs: Vec<String>,
}

impl<'p> CNames<'p> {
    pub(super) fn new(program: &'p Program) -> Self {
        let actors: Vec<String> = program.actors.iter().map(|a| decl(&a.name)).collect();
        let structs: Vec<String> = program
            .structs
            .iter()
            .map(|s| match s.kind {
                StructKind::State { actor } => format!("{}__state", actors[actor]),
                StructKind::Struct | StructKind::Message { .. } => decl(&s.name),
            })
            .collect();
        let enums: Vec<String> = program.enums.iter().map(|e| decl(&e.name)).collect();
        let variants = program
            .enums
            .iter()
            .zip(&enums)
            .map(|(e, c)| e.variants.iter().map(|v| format!("{c}__{}", free_word(&v.name, is_helper))).collect())
            .collect();
        let variant_members = program.enums.iter().map(|e| e.variants.iter().map(|v| member(&v.name)).collect()).collect();
        let fields = program.structs.iter().map(|s| s.fields.iter().map(|(n, _)| member(n)).collect()).collect();
        let externs = program.externs.iter().map(|x| decl(&x.name)).collect();
        let mut names = CNames { program, structs, enums, variants, variant_members, fields, actors, funcs: vec![], externs };
        names.funcs = program.funcs.iter().map(|f| names.func(f)).collect();
        names
    }

    /// The C name of function `f`, whether or not it is one of the
    /// program's (code generation makes the spawner of `actor Main`).
    pub(super) fn func(&self, f: &Func) -> String {
        match &f.kind {
            FuncKind::Top(name) => decl(name),
            FuncKind::ActorFn(a, name) => {
                let taken = |w: &str| is_helper(w) || ACTOR_PARTS.contains(&w) || w.starts_with("on_");
                format!("{}__{}", self.actors[*a], free_word(name, taken))
            }
            FuncKind::Start(a) => format!("{}__start", self.actors[*a]),
            FuncKind::Handler(a, m) => {
                let (actor, message) = (&self.program.actors[*a], &self.program.structs[*m]);
                if message.name.namespace == actor.name.namespace {
                    format!("{}__on_{}", self.actors[*a], word(&message.name.name))
                } else {
                    format!("{}__on_{}", self.actors[*a], decl(&message.name))
                }
            }
            FuncKind::Lambda { namespace, index } => format!("{}__lambda__{index}", head(namespace)),
            FuncKind::Test { namespace, index } => format!("{}__test__{index}", head(namespace)),
            FuncKind::Bench { namespace, index } => format!("{}__bench__{index}", head(namespace)),
            FuncKind::SpawnMain => "purrc_spawn_main".into(),
        }
    }

    pub(super) fn func_id(&self, id: usize) -> &str {
        &self.funcs[id]
    }

    pub(super) fn struct_c(&self, id: StructId) -> &str {
        &self.structs[id]
    }

    /// The prefix of a struct's helpers.
    pub(super) fn struct_prefix(&self, id: StructId) -> &str {
        &self.structs[id]
    }

    pub(super) fn field(&self, id: StructId, index: usize) -> &str {
        &self.fields[id][index]
    }

    pub(super) fn enum_c(&self, id: EnumId) -> &str {
        &self.enums[id]
    }

    /// A variant's tag constant (payload-free enums), constructor function
    /// or, with [`Helper::Node`], static node (nullary variants of others).
    pub(super) fn variant(&self, id: EnumId, index: usize) -> &str {
        &self.variants[id][index]
    }

    pub(super) fn variant_member(&self, id: EnumId, index: usize) -> &str {
        &self.variant_members[id][index]
    }

    /// The prefix of an actor's helpers (`main__Counter`).
    pub(super) fn actor(&self, id: ActorId) -> &str {
        &self.actors[id]
    }

    pub(super) fn extern_fn(&self, index: usize) -> &str {
        &self.externs[index]
    }
}
