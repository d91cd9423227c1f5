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
//! in a loop) is taken *owned*: the caller hands over a reference — its
//! own when the argument is a `var` it overwrites with the call's result
//! (`x = f(x)`: then the buffer has one owner from start to end and is
//! appended to in place), else one it retains for the call — and the
//! callee moves it into the local. Functions used as values keep borrowed
//! parameters: a call through a function value does not know its target.

use super::ownership::local_reads;
use crate::ir::visit::{walk_block, walk_expr, Visitor};
use crate::ir::{Block, Expr, ExprKind, Func, FuncKind, LocalId, PlaceRoot, Program, StmtKind, Ty};

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
            f.params.iter().map(|&p| direct_only && owned_kind(&f.locals[p].ty) && uses(f, p) == 1).collect()
        })
        .collect();
    let mut owned: Vec<Vec<bool>> = candidates.iter().map(|ps| vec![false; ps.len()]).collect();
    loop {
        let mut changed = false;
        for (id, f) in program.funcs.iter().enumerate() {
            for (i, &p) in f.params.iter().enumerate() {
                if candidates[id][i] && !owned[id][i] && consumed(f, p, &owned) {
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
    struct Count(LocalId, usize);
    impl Visitor for Count {
        fn expr(&mut self, e: &crate::ir::Expr) {
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
    let mut count = Count(p, 0);
    walk_block(&mut count, body);
    count.1
}
