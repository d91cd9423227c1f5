//! Semantic analysis: resolves names, checks types and match exhaustiveness,
//! and lowers the AST into the typed IR. The passes, in order:
//!
//! 1. `names::collect` — every top-level declaration gets an id;
//! 2. `names::resolve_signatures` — field, payload and parameter types;
//! 3. `body` — function bodies are type-checked and lowered to IR
//!    (`builtins` checks calls of prelude functions, `exhaustive` checks `match`).
//!
//! Errors are collected, so one run reports every independent mistake.

mod actors;
mod body;
mod builtins;
mod consts;
mod diverge;
mod error;
mod exhaustive;
mod names;
mod namespaces;

pub use error::SemaError;

use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::intern::{FxHashMap, Symbol};
use crate::ir::{self, DisplayTy, Ty};
use crate::source::Span;

/// What a top-level name refers to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Global {
    Struct(ir::StructId),
    Enum(ir::EnumId),
    Func(ir::FuncId),
    Extern(usize),
    Const(usize),
    Actor(ir::ActorId),
    Handle(ir::HandleId),
}

/// A top-level declaration as its namespace sees it.
#[derive(Debug, Clone, Copy)]
struct Declared {
    global: Global,
    span: Span,
    /// `priv`: other namespaces may not name it.
    private: bool,
}

/// A function body still to check: a `fn`, a handler, a test or a bench.
#[derive(Clone)]
struct PendingBody {
    /// Where the body is: it is taken out of the syntax tree first
    /// (`body::take_bodies`), and found again by its span.
    body: Span,
    name: ast::Ident,
    ns: Symbol,
    actor: Option<ir::ActorId>,
    /// Test and bench bodies use `spawn_test`/`send_test`.
    test: bool,
}

/// A `const` declaration, evaluated when first used (so order does not
/// matter) and then remembered.
#[derive(Debug, Clone)]
enum ConstState<'a> {
    Pending(&'a ast::ConstDecl, Symbol),
    InProgress,
    Done(ir::Expr),
}

/// State shared by all passes over one program.
struct Checker<'a> {
    program: ir::Program,
    /// Top-level names by namespace, then name.
    globals: FxHashMap<Symbol, FxHashMap<Symbol, Declared>>,
    consts: Vec<ConstState<'a>>,
    /// Each file's `use` bindings: alias → (namespace, where it was bound),
    /// indexed by FileId.
    uses: Vec<FxHashMap<Symbol, (Symbol, Span)>>,
    /// Function declarations whose bodies are still to check, by FuncId.
    fn_decls: Vec<Option<PendingBody>>,
    /// Each actor's private functions by name.
    actor_fns: Vec<FxHashMap<Symbol, ir::FuncId>>,
    errors: Vec<SemaError>,
}

/// Checks a whole program (every file) and lowers it to IR. A program needs
/// an entry point (`fn main` or `actor Main`) unless it is built only for
/// its tests or benches.
///
/// The syntax tree is consumed: function bodies are taken out of it first,
/// and each is freed as soon as it is lowered, so that the whole tree and
/// the whole IR are never in memory at once.
pub fn check(mut files: Vec<ast::File>, entry_required: bool) -> Result<ir::Program, Vec<Diagnostic>> {
    let bodies = body::take_bodies(&mut files);
    let files = files.as_slice();
    let mut checker = Checker {
        program: ir::Program::default(),
        globals: FxHashMap::default(),
        uses: Vec::new(),
        consts: Vec::new(),
        fn_decls: Vec::new(),
        actor_fns: Vec::new(),
        errors: Vec::new(),
    };
    let decls = names::collect(&mut checker, files);
    namespaces::check_uses(&mut checker, files);
    names::resolve_signatures(&mut checker, &decls);
    actors::declare(&mut checker, &decls);
    consts::check_all(&mut checker);
    body::check_functions(&mut checker, bodies);
    names::check_entry(&mut checker, entry_required);
    if checker.errors.is_empty() {
        Ok(checker.program)
    } else {
        Err(checker.errors.iter().map(SemaError::to_diagnostic).collect())
    }
}

impl Checker<'_> {
    fn error(&mut self, e: SemaError) {
        self.errors.push(e);
    }

    fn show(&self, ty: &Ty) -> String {
        DisplayTy { ty, names: &self.program }.to_string()
    }

    /// `name` as namespace `namespace` sees it: its own declarations, then
    /// the prelude's (docs/language.md §1).
    fn lookup(&self, namespace: Symbol, name: Symbol) -> Option<(Global, Span)> {
        let find = |ns: Symbol| self.globals.get(&ns).and_then(|names| names.get(&name)).map(|d| (d.global, d.span));
        find(namespace).or_else(|| find(Symbol::intern(crate::stdlib::PRELUDE)))
    }

    /// A declaration's name as code in `file` writes it: through the alias
    /// a `use` of that file binds (`net.Data`), unqualified in its own
    /// namespace and the prelude, else in full.
    fn display_in(&self, file: crate::source::FileId, name: &ir::DeclName) -> String {
        let alias = self.uses.get(file as usize).and_then(|uses| uses.iter().find(|(_, (ns, _))| *ns == name.namespace));
        match alias {
            Some((alias, _)) => format!("{alias}.{}", name.name),
            None => name.to_string(),
        }
    }

    /// The namespace a `use` in the identifier's file binds to its name.
    fn alias(&self, id: &ast::Ident) -> Option<Symbol> {
        self.uses.get(id.span.file as usize)?.get(&id.name).map(|(ns, _)| *ns)
    }

    /// Resolves `name` or `alias.name` written in namespace `ns`.
    fn resolve(&mut self, ns: Symbol, path: &[ast::Ident]) -> Option<(Global, Span)> {
        match path {
            [name] => self.lookup(ns, name.name),
            [alias, name] => {
                let target = self.alias(alias)?;
                let found = self.lookup(target, name.name);
                if found.is_some() {
                    self.check_visible(ns, target, name);
                }
                found
            }
            _ => None,
        }
    }

    /// Reports `name`, a declaration of namespace `target` named in
    /// namespace `from`, if it is private to `target` (docs/language.md §1).
    fn check_visible(&mut self, from: Symbol, target: Symbol, name: &ast::Ident) {
        let Some(declared) = self.globals.get(&target).and_then(|names| names.get(&name.name)) else { return };
        if declared.private && from != target {
            let (namespace, declared) = (target.to_string(), declared.span);
            self.error(SemaError::PrivateName { name: name.name.to_string(), namespace, span: name.span, declared });
        }
    }

    /// For an unknown name: the qualified names it could have meant, in the
    /// namespaces its file uses (`math.add`).
    fn qualified_suggestion(&self, id: &ast::Ident) -> Option<String> {
        let uses = self.uses.get(id.span.file as usize)?;
        let public = |ns: &Symbol| self.globals.get(ns).and_then(|names| names.get(&id.name)).is_some_and(|d| !d.private);
        let mut found: Vec<String> =
            uses.iter().filter(|(_, (ns, _))| public(ns)).map(|(alias, _)| format!("{alias}.{}", id.name)).collect();
        found.sort();
        found.first().map(|q| format!("`{}` comes from another namespace: write `{q}`", id.name))
    }

    /// The names namespace `ns` sees unqualified that are not local:
    /// its own declarations and the prelude's public ones.
    fn visible_globals(&self, ns: Symbol) -> impl Iterator<Item = Symbol> + '_ {
        let prelude = Symbol::intern(crate::stdlib::PRELUDE);
        let own = self.globals.get(&ns).into_iter().flat_map(|names| names.keys().copied());
        let shared = self.globals.get(&prelude).into_iter().flat_map(|names| names.iter().filter(|(_, d)| !d.private).map(|(n, _)| *n));
        own.chain(shared)
    }
}

/// The candidate closest to `name` by edit distance (a swap of neighbours
/// counts one edit), if close enough to be a misspelling: at most a third
/// of the name's length (at least one edit), as rustc's suggestions do.
/// Ties go to the alphabetically first.
pub fn similar_name<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::osa_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The namespace a file declares, `main` when it declares none.
pub fn namespace_of(file: &ast::File) -> Symbol {
    file.items
        .iter()
        .find_map(|item| match item {
            ast::Item::Namespace(ns) => Some(dotted(&ns.path)),
            _ => None,
        })
        .unwrap_or_else(|| Symbol::intern("main"))
}

/// The source range a path covers: `a.b.c`.
pub fn path_span(path: &[ast::Ident]) -> Span {
    match (path.first(), path.last()) {
        (Some(first), Some(last)) => Span { end: last.span.end, ..first.span },
        _ => Span::default(),
    }
}

/// A path as one name: `a.b.c`.
pub fn dotted(path: &[ast::Ident]) -> Symbol {
    match path {
        [single] => single.name,
        _ => Symbol::intern(&path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")),
    }
}
