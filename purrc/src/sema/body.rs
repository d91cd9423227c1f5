//! Pass 3: type-checks function bodies and lowers them to IR.
//!
//! Typing is bidirectional: `expr(e, expected)` passes the type the context
//! wants down to literals (`let x: u8 = 200`, `[]`, `none`, `list_new()`),
//! and `expect` reports a mismatch where the context insists.

mod calls;
mod exprs;
mod messages;
mod patterns;
mod stmts;

use super::names::{resolve_type, scalar_type};
use super::{builtins, exhaustive, Checker, Global, SemaError};
use crate::ast::{self, BinOp, UnOp};
use crate::intern::{FxHashMap, Symbol};
use crate::ir::{self, Builtin, ExprKind, IntTy, LocalId, StmtKind, Ty};
use crate::source::Span;
use thin_vec::ThinVec;

/// Whether a block or branch is used for its value or only run.
#[derive(Clone, Copy)]
pub(super) enum Want<'t> {
    Value(Option<&'t Ty>),
    Stmt,
}

/// Per-function state while checking a body.
pub(super) struct FnCtx<'c, 'a> {
    pub ck: &'c mut Checker<'a>,
    pub ns: Symbol,
    pub locals: Vec<ir::Local>,
    scopes: Vec<Vec<(Symbol, LocalId)>>,
    ret: Ty,
    loops: usize,
    /// Locals of enclosing functions, visible but not capturable (lambdas).
    outer: Vec<(Symbol, Span)>,
    /// The actor whose handler or function this is (`self` refers to it).
    pub actor: Option<ir::ActorId>,
    /// A test or bench body: `spawn_test`/`send_test` instead of `spawn`/`send`.
    pub test: bool,
    /// What the function declares it `needs` (a function outside actors
    /// may call functions that need these).
    pub needs: Vec<ir::StructId>,
    /// The parameters are the first locals; this many.
    params: usize,
    /// Locals bound by `let` (so `var` would make them mutable).
    lets: Vec<LocalId>,
}

/// Moves every function, handler, test and bench body out of the syntax
/// tree (an empty block with the same span stays), by its span.
pub(super) fn take_bodies(files: &mut [ast::File]) -> FxHashMap<Span, ast::Block> {
    let mut bodies = FxHashMap::default();
    let mut take = |body: &mut ast::Block| {
        let empty = ast::Block { stmts: ThinVec::new(), span: body.span };
        bodies.insert(body.span, std::mem::replace(body, empty));
    };
    for item in files.iter_mut().flat_map(|f| f.items.iter_mut()) {
        match item {
            ast::Item::Fn(f) => take(&mut f.body),
            ast::Item::Test(t) | ast::Item::Bench(t) => take(&mut t.body),
            ast::Item::Actor(a) => {
                for member in a.members.iter_mut() {
                    match member {
                        ast::ActorMember::Handler(h) => take(&mut h.body),
                        ast::ActorMember::Fn(f) => take(&mut f.body),
                        ast::ActorMember::State(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
    bodies
}

/// Checks and lowers the bodies, freeing each one's syntax tree once done.
pub(super) fn check_functions(ck: &mut Checker, mut bodies: FxHashMap<Span, ast::Block>) {
    for id in 0..ck.fn_decls.len() {
        let Some(pending) = ck.fn_decls[id].clone() else { continue };
        let source = bodies.remove(&pending.body).expect("every body was taken out");
        let func = &ck.program.funcs[id];
        let (ret, locals, needs) = (func.ret, func.locals.clone(), func.needs.clone());
        let mut ctx = FnCtx::new(ck, pending.ns, ret, locals);
        ctx.actor = pending.actor;
        ctx.test = pending.test;
        ctx.needs = needs;
        let mut body = ctx.fn_body(&source, &pending.name);
        drop(source);
        super::diverge::block(&mut body);
        let locals = std::mem::take(&mut ctx.locals);
        let func = &mut ck.program.funcs[id];
        func.body = body;
        func.locals = locals;
    }
}

/// `found` can stand where `expected` is wanted.
pub(super) fn fits(found: &Ty, expected: &Ty) -> bool {
    found == expected || matches!(found, Ty::Never | Ty::Error) || matches!(expected, Ty::Error)
}

fn mk(kind: ExprKind, ty: Ty, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

pub(super) fn is_untyped_literal(e: &ast::Expr) -> bool {
    literal_value(e).is_some()
}

/// The value of an integer literal, possibly negated, before it is typed.
pub(super) fn literal_value(e: &ast::Expr) -> Option<i128> {
    match &e.kind {
        ast::ExprKind::Int(v) => Some(i128::from(*v)),
        ast::ExprKind::Unary { op: UnOp::Neg, operand } => literal_value(operand).map(|v| -v),
        _ => None,
    }
}

impl<'c, 'a> FnCtx<'c, 'a> {
    pub fn new(ck: &'c mut Checker<'a>, ns: Symbol, ret: Ty, locals: Vec<ir::Local>) -> Self {
        let params = locals.iter().enumerate().map(|(i, l)| (l.name, i)).collect();
        let count = locals.len();
        FnCtx {
            ck,
            ns,
            locals,
            scopes: vec![params],
            ret,
            loops: 0,
            outer: vec![],
            actor: None,
            test: false,
            needs: vec![],
            params: count,
            lets: vec![],
        }
    }

    pub fn error(&mut self, e: SemaError) {
        self.ck.error(e);
    }

    pub fn show(&self, ty: &Ty) -> String {
        self.ck.show(ty)
    }

    fn fn_body(&mut self, body: &ast::Block, name: &ast::Ident) -> ir::Block {
        let ret = self.ret;
        let want = if ret == Ty::Void { Want::Stmt } else { Want::Value(Some(&ret)) };
        let (block, ty) = self.block(body, want);
        if ret != Ty::Void && ty != Ty::Never && block.value.is_none() {
            let ret = self.show(&ret);
            let span = Span { start: body.span.end.saturating_sub(1), ..body.span };
            self.error(SemaError::MissingReturn { name: name.name.to_string(), ret, span });
        }
        block
    }

    pub fn declare(&mut self, name: &ast::Ident, ty: Ty, mutable: bool) -> LocalId {
        let id = self.locals.len();
        self.locals.push(ir::Local { name: name.name, ty, mutable, span: name.span });
        self.scopes.last_mut().expect("a scope is open").push((name.name, id));
        id
    }

    fn find_local(&self, name: Symbol) -> Option<LocalId> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, _)| *n == name).map(|(_, id)| *id)
    }

    fn with_scope<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.scopes.push(vec![]);
        let r = f(self);
        self.scopes.pop();
        r
    }
}

