//! Which parameters a function takes owned.
//!
//! Arguments are borrowed (purr.h): a callee that keeps an argument — `var
//! out = buf` — retains it, and its first write then copies, since the
//! caller still holds the value. For the library style "take a value,
//! return the new one" (`buf = codec.put_u32be(buf, x)`) that copies the
//! whole buffer on every call, which makes building a buffer quadratic.
//!
//! So a parameter whose one use is to become a local or the result (`var
//! out = buf`, `let b = buf`, `return buf`, at the top of the body, never
//! in a loop) is taken *owned*, and so is one whose uses before that only
//! read it (`let start = len(buf)`, then `var out = buf`): the caller
//! hands over a reference — its own when the argument is a `var` it
//! overwrites with the call's result (`x = f(x)`: then the buffer has one
//! owner from start to end and is appended to in place), else one it
//! retains for the call — and the callee moves it into the local.
//! Functions used as values keep borrowed parameters: a call through a
//! function value does not know its target.

use super::ownership::local_reads;
use crate::ir::visit::{walk_block, walk_expr, walk_stmt, Visitor};
use crate::ir::{Block, Expr, ExprKind, Func, FuncKind, LocalId, PlaceRoot, Program, Stmt, StmtKind, Ty};

/// Per function (by id), per parameter: whether it is taken owned. A
/// parameter whose one use is an argument for another owned parameter
/// moves on into that call, so the table grows to a fixed point.
pub(super) fn owned_params(program: &Program) -> Vec<Vec<bool>> {
    let as_values = functions_used_as_values(program);
    let candidates: Vec<Vec<bool>> = program
        .funcs
        .iter()
        .enumerate()
        .map(|(id, f)| {
            let direct_only = matches!(f.kind, FuncKind::Top(_) | FuncKind::ActorFn(..)) && !as_values[id];
            f.params.iter().map(|&p| direct_only && owned_kind(&f.locals[p].ty)).collect()
        })
        .collect();
    let mut owned: Vec<Vec<bool>> = candidates.iter().map(|ps| vec![false; ps.len()]).collect();
    loop {
        let mut changed = false;
        for (id, f) in program.funcs.iter().enumerate() {
            for (i, &p) in f.params.iter().enumerate() {
                let taken = if uses(f, p) == 1 { consumed(f, p, &owned) } else { read_then_consumed(f, p, &owned) };
                if candidates[id][i] && !owned[id][i] && taken {
                    owned[id][i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return owned;
        }
    }
}

/// The types worth taking owned: buffers a callee grows in place.
fn owned_kind(ty: &Ty) -> bool {
    matches!(ty, Ty::Str | Ty::Bytes | Ty::List(_) | Ty::Map(..))
}

fn functions_used_as_values(program: &Program) -> Vec<bool> {
    struct Refs(Vec<bool>);
    impl Visitor for Refs {
        fn expr(&mut self, e: &crate::ir::Expr) {
            if let ExprKind::FnRef(f) = e.kind {
                self.0[f] = true;
            }
        }
    }
    let mut refs = Refs(vec![false; program.funcs.len()]);
    for f in &program.funcs {
        walk_block(&mut refs, &f.body);
    }
    for a in &program.actors {
        for d in a.defaults.iter().flatten() {
            walk_expr(&mut refs, d);
        }
    }
    refs.0
}

/// Whether the one use of parameter `p` of `f` hands it on: a `let`/`var`
/// or `return` at the top of the body, the body's result, or an argument
/// for an owned parameter of a direct call outside loops.
fn consumed(f: &Func, p: LocalId, owned: &[Vec<bool>]) -> bool {
    let is_p = |e: &Expr| matches!(e.kind, ExprKind::Local(l) if l == p);
    let top = f.body.value.as_deref().is_some_and(is_p)
        || f.body.stmts.iter().any(|s| match &s.kind {
            StmtKind::Let(_, e) | StmtKind::Return(Some(e)) => is_p(e),
            _ => false,
        });
    top || passed_on(&f.body, p, owned)
}

/// For a parameter used more than once: whether the last statement that
/// uses it (or the body's result) consumes it, using it once — as a `let`
/// or `return` of the parameter itself, or as a direct argument for an
/// owned parameter of the call that statement is — and every use before
/// only reads it. A `let x = p` or a call's argument before could move it,
/// so those do not count as reads; a loop or branch before is fine, since
/// it ends before the consuming statement starts.
fn read_then_consumed(f: &Func, p: LocalId, owned: &[Vec<bool>]) -> bool {
    let stmts = &f.body.stmts;
    let value = f.body.value.as_deref();
    let last_stmt = stmts.iter().rposition(|s| count_stmt(s, p) > 0);
    let (consuming, before) = match (value, last_stmt) {
        (Some(v), last) if local_reads(v, p) > 0 => (v, &stmts[..last.map_or(0, |i| i + 1)]),
        (_, Some(i)) => match &stmts[i].kind {
            StmtKind::Let(_, e) | StmtKind::Return(Some(e)) | StmtKind::Expr(e) => (e, &stmts[..i]),
            _ => return false,
        },
        _ => return false,
    };
    let is_p = |e: &Expr| matches!(e.kind, ExprKind::Local(l) if l == p);
    let consumes = match &consuming.kind {
        ExprKind::Local(l) => *l == p,
        ExprKind::Call(g, args) => args.iter().zip(&owned[*g]).any(|(a, &o)| o && is_p(a)),
        _ => false,
    };
    consumes && local_reads(consuming, p) == 1 && before.iter().all(|s| only_reads(s, p))
}

/// Whether statement `s` uses `p` only to read it: never as a `let`'s
/// whole value, nor as a direct argument of a call.
fn only_reads(s: &Stmt, p: LocalId) -> bool {
    struct Moves(LocalId, bool);
    impl Visitor for Moves {
        fn stmt(&mut self, s: &Stmt) {
            if let StmtKind::Let(_, e) = &s.kind {
                self.1 |= matches!(e.kind, ExprKind::Local(l) if l == self.0);
            }
        }
        fn expr(&mut self, e: &Expr) {
            if let ExprKind::Call(_, args) = &e.kind {
                self.1 |= args.iter().any(|a| matches!(a.kind, ExprKind::Local(l) if l == self.0));
            }
        }
    }
    let mut m = Moves(p, false);
    walk_stmt(&mut m, s);
    !m.1
}

/// Whether `p` is an argument for an owned parameter of a call in `body`,
/// outside loops (which could run the call again).
fn passed_on(body: &Block, p: LocalId, owned: &[Vec<bool>]) -> bool {
    struct Finder<'o>(LocalId, &'o [Vec<bool>], bool);
    impl Visitor for Finder<'_> {
        fn expr(&mut self, e: &Expr) {
            if let ExprKind::Call(f, args) = &e.kind {
                let is_p = |a: &Expr| matches!(a.kind, ExprKind::Local(l) if l == self.0);
                self.2 |= args.iter().zip(&self.1[*f]).any(|(a, &o)| o && is_p(a));
            }
        }
    }
    let mut finder = Finder(p, owned, false);
    walk_block(&mut finder, body);
    finder.2 && !used_in_loop(body, p)
}

/// Whether `p` appears in a loop of `body`.
fn used_in_loop(body: &Block, p: LocalId) -> bool {
    struct Finder(LocalId, bool);
    impl Visitor for Finder {
        fn stmt(&mut self, s: &crate::ir::Stmt) {
            let in_loop = match &s.kind {
                StmtKind::Loop(b) | StmtKind::ForRange(_, _, _, b) | StmtKind::ForEach(_, _, b) | StmtKind::ForMap(_, _, _, b) => {
                    count(b, self.0) > 0
                }
                StmtKind::While(c, b) => count(b, self.0) > 0 || local_reads(c, self.0) > 0,
                _ => false,
            };
            self.1 |= in_loop;
        }
    }
    let mut finder = Finder(p, false);
    walk_block(&mut finder, body);
    finder.1
}

fn uses(f: &Func, p: LocalId) -> usize {
    count(&f.body, p)
}

/// How often `p` is read or assigned in `body`.
fn count(body: &Block, p: LocalId) -> usize {
    let mut count = Count(p, 0);
    walk_block(&mut count, body);
    count.1
}

/// How often `p` is read or assigned in statement `s`.
fn count_stmt(s: &Stmt, p: LocalId) -> usize {
    let mut count = Count(p, 0);
    walk_stmt(&mut count, s);
    count.1
}

/// Counts the reads and assignments of a local.
struct Count(LocalId, usize);

impl Visitor for Count {
    fn expr(&mut self, e: &Expr) {
        if matches!(e.kind, ExprKind::Local(l) if l == self.0) {
            self.1 += 1;
        }
    }
    fn place(&mut self, place: &crate::ir::Place) {
        if place.root == PlaceRoot::Local(self.0) {
            self.1 += 1;
        }
    }
}
