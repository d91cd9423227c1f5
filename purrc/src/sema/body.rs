//! Pass 3: type-checks function bodies and lowers them to IR.
//!
//! Typing is bidirectional: `expr(e, expected)` passes the type the context
//! wants down to literals (`let x: u8 = 200`, `[]`, `none`, `list_new()`),
//! and `expect` reports a mismatch where the context insists.

use super::names::{resolve_type, scalar_type};
use super::{builtins, exhaustive, Checker, Global, SemaError};
use crate::ast::{self, BinOp, UnOp};
use crate::ir::{self, Builtin, ExprKind, IntTy, LocalId, StmtKind, Ty};
use crate::source::Span;

/// Whether a block or branch is used for its value or only run.
#[derive(Clone, Copy)]
pub(super) enum Want<'t> {
    Value(Option<&'t Ty>),
    Stmt,
}

/// Per-function state while checking a body.
pub(super) struct FnCtx<'c, 'a> {
    pub ck: &'c mut Checker<'a>,
    pub ns: String,
    pub locals: Vec<ir::Local>,
    scopes: Vec<Vec<(String, LocalId)>>,
    ret: Ty,
    loops: usize,
    /// Locals of enclosing functions, visible but not capturable (lambdas).
    outer: Vec<(String, Span)>,
    /// The actor whose handler or function this is (`self` refers to it).
    pub actor: Option<ir::ActorId>,
    /// A test or bench body: `spawn_test`/`send_test` instead of `spawn`/`send`.
    pub test: bool,
}

pub(super) fn check_functions(ck: &mut Checker) {
    for id in 0..ck.fn_decls.len() {
        let Some(pending) = ck.fn_decls[id].clone() else { continue };
        let func = &ck.program.funcs[id];
        let (ret, locals) = (func.ret.clone(), func.locals.clone());
        let mut ctx = FnCtx::new(ck, pending.ns, ret.clone(), locals);
        ctx.actor = pending.actor;
        ctx.test = pending.test;
        let body = ctx.fn_body(pending.body, &pending.name);
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
    match &e.kind {
        ast::ExprKind::Int(_) => true,
        ast::ExprKind::Unary { op: UnOp::Neg, operand } => is_untyped_literal(operand),
        _ => false,
    }
}

impl<'c, 'a> FnCtx<'c, 'a> {
    pub fn new(ck: &'c mut Checker<'a>, ns: String, ret: Ty, locals: Vec<ir::Local>) -> Self {
        let params = locals.iter().enumerate().map(|(i, l)| (l.name.clone(), i)).collect();
        FnCtx { ck, ns, locals, scopes: vec![params], ret, loops: 0, outer: vec![], actor: None, test: false }
    }

    pub fn error(&mut self, e: SemaError) {
        self.ck.error(e);
    }

    pub fn show(&self, ty: &Ty) -> String {
        self.ck.show(ty)
    }

    fn fn_body(&mut self, body: &ast::Block, name: &ast::Ident) -> ir::Block {
        let ret = self.ret.clone();
        let want = if ret == Ty::Void { Want::Stmt } else { Want::Value(Some(&ret)) };
        let (block, ty) = self.block(body, want);
        if ret != Ty::Void && ty != Ty::Never && block.value.is_none() {
            let ret = self.show(&ret);
            let span = Span { start: body.span.end.saturating_sub(1), ..body.span };
            self.error(SemaError::MissingReturn { name: name.name.clone(), ret, span });
        }
        block
    }

    // ----- scopes -----

    pub fn declare(&mut self, name: &ast::Ident, ty: Ty, mutable: bool) -> LocalId {
        let id = self.locals.len();
        self.locals.push(ir::Local { name: name.name.clone(), ty, mutable, span: name.span });
        self.scopes.last_mut().expect("a scope is open").push((name.name.clone(), id));
        id
    }

    fn find_local(&self, name: &str) -> Option<LocalId> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    fn with_scope<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.scopes.push(vec![]);
        let r = f(self);
        self.scopes.pop();
        r
    }

    // ----- blocks and statements -----

    /// Checks a block; its value is its last expression statement when the
    /// context wants a value. Returns the block and its type (`Never` when it
    /// cannot complete).
    pub fn block(&mut self, b: &ast::Block, want: Want) -> (ir::Block, Ty) {
        self.with_scope(|cx| {
            let mut stmts = vec![];
            let mut diverges = false;
            let mut value = None;
            for (i, s) in b.stmts.iter().enumerate() {
                let last = i + 1 == b.stmts.len();
                if let (true, Want::Value(expected), ast::StmtKind::Expr(e)) = (last, want, &s.kind) {
                    let v = cx.expr(e, expected);
                    if v.ty == Ty::Void && expected.is_some_and(|t| *t != Ty::Void) {
                        // A function body ending in a call of a void function:
                        // report the missing `return`, not a void value.
                        stmts.push(ir::Stmt { kind: StmtKind::Expr(v), span: s.span });
                        break;
                    }
                    if let Some(t) = expected {
                        cx.check_fits(&v, t);
                    }
                    if v.ty == Ty::Never {
                        diverges = true;
                    }
                    value = Some(Box::new(v));
                    break;
                }
                let stmt = cx.stmt(s);
                diverges |= stmt_diverges(&stmt);
                stmts.push(stmt);
            }
            let ty = if diverges {
                Ty::Never
            } else if let Some(v) = &value {
                v.ty.clone()
            } else {
                Ty::Void
            };
            (ir::Block { stmts, value, span: b.span }, ty)
        })
    }

    fn stmt(&mut self, s: &ast::Stmt) -> ir::Stmt {
        let kind = match &s.kind {
            ast::StmtKind::Let { name, mutable, ty, value } => self.let_stmt(name, *mutable, ty.as_deref(), value.as_ref(), s.span),
            ast::StmtKind::Assign { target, op, value } => self.assign(target, *op, value, s.span),
            ast::StmtKind::Expr(e) => StmtKind::Expr(self.expr_stmt(e)),
            ast::StmtKind::Return(value) => {
                let ret = self.ret.clone();
                match value {
                    Some(v) => {
                        let v = self.expect(v, &ret);
                        StmtKind::Return(Some(v))
                    }
                    None => {
                        if ret != Ty::Void && ret != Ty::Error {
                            let expected = self.show(&ret);
                            self.error(SemaError::TypeMismatch { expected, found: "void".into(), span: s.span, hint: Some("return a value: `return <expr>`".into()) });
                        }
                        StmtKind::Return(None)
                    }
                }
            }
            ast::StmtKind::Break | ast::StmtKind::Continue => {
                let is_break = matches!(s.kind, ast::StmtKind::Break);
                if self.loops == 0 {
                    let what = if is_break { "break" } else { "continue" };
                    self.error(SemaError::OutsideLoop { what, span: s.span });
                }
                if is_break {
                    StmtKind::Break
                } else {
                    StmtKind::Continue
                }
            }
            ast::StmtKind::Loop(body) => StmtKind::Loop(self.loop_body(body)),
            ast::StmtKind::While { cond, body } => {
                let cond = self.expect(cond, &Ty::Bool);
                StmtKind::While(cond, self.loop_body(body))
            }
            ast::StmtKind::ForRange { var, start, end, body } => self.for_range(var, start, end, body),
            ast::StmtKind::ForEach { first, second, iter, body } => self.for_each(first, second.as_deref(), iter, body),
            ast::StmtKind::Send { target, message } => self.send(false, target, message, s.span),
            ast::StmtKind::SendTest { target, message } => self.send(true, target, message, s.span),
        };
        ir::Stmt { kind, span: s.span }
    }

    fn let_stmt(&mut self, name: &ast::Ident, mutable: bool, ty: Option<&ast::TypeExpr>, value: Option<&ast::Expr>, span: Span) -> StmtKind {
        let declared = ty.map(|t| resolve_type(self.ck, &self.ns.clone(), t));
        let value = match (value, &declared) {
            (Some(v), Some(t)) => self.expect(v, t),
            (Some(v), None) => {
                let v = self.expr(v, None);
                if v.ty == Ty::Void {
                    self.error(SemaError::VoidValue { span: v.span });
                }
                v
            }
            (None, Some(t)) => self.zero_value(name, t, span),
            (None, None) => {
                self.error(SemaError::CannotInfer { what: format!("`{}`", name.name), span });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        };
        let ty = declared.unwrap_or_else(|| value.ty.clone());
        let id = self.declare(name, ty, mutable);
        StmtKind::Let(id, value)
    }

    /// The value of `var x: T` written without one: Go-style zero values
    /// for the types that have an obvious one.
    fn zero_value(&mut self, name: &ast::Ident, ty: &Ty, span: Span) -> ir::Expr {
        let kind = match ty {
            Ty::Int(_) => ExprKind::Int(0),
            Ty::F64 => ExprKind::Float(0.0),
            Ty::Bool => ExprKind::Bool(false),
            Ty::Str => ExprKind::Str(String::new()),
            Ty::Ptr => ExprKind::Nil,
            Ty::List(_) => ExprKind::List(vec![]),
            Ty::Map(..) => ExprKind::Builtin(Builtin::MapNew, vec![]),
            Ty::Bytes => ExprKind::Builtin(
                Builtin::BytesNew,
                vec![ir::Arg::Value(mk(ExprKind::Int(0), Ty::Int(IntTy::I64), span))],
            ),
            Ty::Option(_) => ExprKind::OptionLit(None),
            Ty::Error => ExprKind::Int(0),
            _ => {
                let t = self.show(ty);
                self.error(SemaError::NoInitialValue { name: name.name.clone(), ty: t, span });
                ExprKind::Int(0)
            }
        };
        mk(kind, ty.clone(), span)
    }

    fn assign(&mut self, target: &ast::Expr, op: ast::AssignOp, value: &ast::Expr, span: Span) -> StmtKind {
        let place = self.place(target);
        let ty = place.as_ref().map_or(Ty::Error, |p| p.ty().clone());
        let bin = match op {
            ast::AssignOp::Set => None,
            ast::AssignOp::Add => Some(BinOp::Add),
            ast::AssignOp::Sub => Some(BinOp::Sub),
            ast::AssignOp::Mul => Some(BinOp::Mul),
            ast::AssignOp::Div => Some(BinOp::Div),
            ast::AssignOp::Rem => Some(BinOp::Rem),
            ast::AssignOp::BitAnd => Some(BinOp::BitAnd),
            ast::AssignOp::BitOr => Some(BinOp::BitOr),
            ast::AssignOp::BitXor => Some(BinOp::BitXor),
            ast::AssignOp::Shl => Some(BinOp::Shl),
            ast::AssignOp::Shr => Some(BinOp::Shr),
        };
        let value = self.expect(value, &ty);
        if let Some(op) = bin {
            if !binary_result(op, &ty).is_some_and(|r| r == ty) && ty != Ty::Error {
                let lhs = self.show(&ty);
                self.error(SemaError::InvalidOperands { op: format!("{}=", op.symbol()), lhs: lhs.clone(), rhs: Some(lhs), span, hint: None });
            }
        }
        match place {
            Some(p) => StmtKind::Assign(Box::new(p), bin, value),
            None => StmtKind::Expr(value),
        }
    }

    /// Resolves an assignable expression to a place rooted at a `var`.
    pub fn place(&mut self, e: &ast::Expr) -> Option<ir::Place> {
        match &e.kind {
            ast::ExprKind::Name(id) => {
                let Some(local) = self.find_local(&id.name) else {
                    self.expr(e, None); // reports the unknown name
                    if self.ck.lookup(&self.ns, &id.name).is_some() {
                        self.error(SemaError::InvalidAssignTarget { span: e.span });
                    }
                    return None;
                };
                let l = &self.locals[local];
                if !l.mutable {
                    let (name, declared) = (l.name.clone(), l.span);
                    self.error(SemaError::Immutable { name, span: e.span, declared });
                }
                Some(ir::Place { root: ir::PlaceRoot::Local(local), root_ty: self.locals[local].ty.clone(), path: vec![], span: e.span })
            }
            ast::ExprKind::Field { base, name } => {
                let mut place = match &base.kind {
                    ast::ExprKind::SelfValue => {
                        let state = self.state_struct(base.span)?;
                        ir::Place { root: ir::PlaceRoot::State, root_ty: Ty::Struct(state), path: vec![], span: base.span }
                    }
                    _ => self.place(base)?,
                };
                let ty = place.ty().clone();
                match ty {
                    Ty::Struct(sid) => {
                        let fields = &self.ck.program.structs[sid].fields;
                        match fields.iter().position(|(n, _)| *n == name.name) {
                            Some(i) => {
                                let fty = fields[i].1.clone();
                                place.path.push((ir::Proj::Field(i), fty));
                                place.span = e.span;
                                Some(place)
                            }
                            None => {
                                let ty = self.show(&ty);
                                self.error(SemaError::UnknownField { ty, field: name.name.clone(), span: name.span });
                                None
                            }
                        }
                    }
                    Ty::Error => None,
                    _ => {
                        let ty = self.show(&ty);
                        self.error(SemaError::UnknownField { ty, field: name.name.clone(), span: name.span });
                        None
                    }
                }
            }
            ast::ExprKind::Index { base, index } => {
                let mut place = self.place(base)?;
                let ty = place.ty().clone();
                let (proj, elem) = match &ty {
                    Ty::List(t) => (ir::Proj::Index(Box::new(self.expect(index, &Ty::Int(IntTy::I64))), e.span), (**t).clone()),
                    Ty::Bytes => (ir::Proj::Index(Box::new(self.expect(index, &Ty::Int(IntTy::I64))), e.span), Ty::Int(IntTy::U8)),
                    Ty::Map(k, v) => (ir::Proj::Key(Box::new(self.expect(index, k)), e.span), (**v).clone()),
                    Ty::Error => return None,
                    _ => {
                        let t = self.show(&ty);
                        self.error(SemaError::InvalidOperands { op: "[]=".into(), lhs: t, rhs: None, span: e.span, hint: Some("only list, bytes and map elements can be assigned".into()) });
                        return None;
                    }
                };
                place.path.push((proj, elem));
                place.span = e.span;
                Some(place)
            }
            _ => {
                self.error(SemaError::InvalidAssignTarget { span: e.span });
                None
            }
        }
    }

    fn loop_body(&mut self, body: &ast::Block) -> ir::Block {
        self.loops += 1;
        let (b, _) = self.block(body, Want::Stmt);
        self.loops -= 1;
        b
    }

    fn for_range(&mut self, var: &ast::Ident, start: &ast::Expr, end: &ast::Expr, body: &ast::Block) -> StmtKind {
        let (start, end) = if is_untyped_literal(start) && !is_untyped_literal(end) {
            let end = self.expr(end, None);
            (self.expect(start, &end.ty.clone()), end)
        } else {
            let start = self.expr(start, None);
            let end = self.expect(end, &start.ty.clone());
            (start, end)
        };
        if !start.ty.is_int() && start.ty != Ty::Error {
            let ty = self.show(&start.ty);
            self.error(SemaError::NotIterable { ty: format!("{ty}..{ty}"), span: start.span.to(end.span) });
        }
        let ty = start.ty.clone();
        self.with_scope(|cx| {
            let id = cx.declare(var, ty, false);
            StmtKind::ForRange(id, Box::new(start), Box::new(end), cx.loop_body(body))
        })
    }

    fn for_each(&mut self, first: &ast::Ident, second: Option<&ast::Ident>, iter: &ast::Expr, body: &ast::Block) -> StmtKind {
        let coll = self.expr(iter, None);
        let ty = coll.ty.clone();
        self.with_scope(|cx| match (&ty, second) {
            (Ty::List(t), None) => {
                let id = cx.declare(first, (**t).clone(), false);
                StmtKind::ForEach(id, Box::new(coll), cx.loop_body(body))
            }
            (Ty::Bytes, None) => {
                let id = cx.declare(first, Ty::Int(IntTy::U8), false);
                StmtKind::ForEach(id, Box::new(coll), cx.loop_body(body))
            }
            (Ty::Map(k, v), _) => {
                let key = cx.declare(first, (**k).clone(), false);
                let val = second.map(|s| cx.declare(s, (**v).clone(), false));
                StmtKind::ForMap(key, val, Box::new(coll), cx.loop_body(body))
            }
            _ => {
                if ty != Ty::Error {
                    let t = cx.show(&ty);
                    cx.error(SemaError::NotIterable { ty: t, span: iter.span });
                }
                cx.declare(first, Ty::Error, false);
                if let Some(s) = second {
                    cx.declare(s, Ty::Error, false);
                }
                StmtKind::Loop(cx.loop_body(body))
            }
        })
    }

    /// An expression used as a statement: `if`/`match`/blocks run their
    /// branches for effect, so the branches need not agree on a type.
    fn expr_stmt(&mut self, e: &ast::Expr) -> ir::Expr {
        match &e.kind {
            ast::ExprKind::If { .. } | ast::ExprKind::Match { .. } | ast::ExprKind::Block(_) => self.expr_want(e, Want::Stmt),
            _ => self.expr(e, None),
        }
    }

    // ----- expressions -----

    /// Checks `e` where the context requires `ty`.
    pub fn expect(&mut self, e: &ast::Expr, ty: &Ty) -> ir::Expr {
        let v = self.expr(e, Some(ty));
        let v = self.coerce_to_reply(v, ty);
        self.check_fits(&v, ty);
        v
    }

    pub fn check_fits(&mut self, v: &ir::Expr, ty: &Ty) {
        if fits(&v.ty, ty) {
            return;
        }
        if v.ty == Ty::Void {
            self.error(SemaError::VoidValue { span: v.span });
            return;
        }
        let (expected, found) = (self.show(ty), self.show(&v.ty));
        let hint = match (&v.ty, ty) {
            (Ty::Int(_), Ty::Int(_)) | (Ty::Int(_), Ty::F64) | (Ty::F64, Ty::Int(_)) => {
                Some(format!("convert explicitly: `{expected}(...)`"))
            }
            (t, Ty::Option(inner)) if t == &**inner => Some("wrap the value: `some(...)`".to_string()),
            (t, Ty::Str) if t.is_scalar() => Some("convert with `str(...)`".to_string()),
            _ => None,
        };
        self.error(SemaError::TypeMismatch { expected, found, span: v.span, hint });
    }

    pub fn expr(&mut self, e: &ast::Expr, expected: Option<&Ty>) -> ir::Expr {
        self.expr_want(e, Want::Value(expected))
    }

    fn expr_want(&mut self, e: &ast::Expr, want: Want) -> ir::Expr {
        let expected = match want {
            Want::Value(t) => t,
            Want::Stmt => None,
        };
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Int(v) => self.int_literal(i128::from(*v), expected, span),
            ast::ExprKind::Float(f) => mk(ExprKind::Float(*f), Ty::F64, span),
            ast::ExprKind::Char(c) => mk(ExprKind::Int(u64::from(*c)), Ty::Int(IntTy::U8), span),
            ast::ExprKind::Bool(b) => mk(ExprKind::Bool(*b), Ty::Bool, span),
            ast::ExprKind::Nil => mk(ExprKind::Nil, Ty::Ptr, span),
            ast::ExprKind::Str(parts) => self.string(parts, span),
            ast::ExprKind::Name(id) => self.name(id, expected),
            ast::ExprKind::SelfValue => match self.actor {
                Some(a) => mk(ExprKind::SelfActor, Ty::Mailbox(a), span),
                None => {
                    self.error(SemaError::OutsideActor { what: "`self`".into(), span });
                    mk(ExprKind::Int(0), Ty::Error, span)
                }
            },
            ast::ExprKind::Unary { op, operand } => self.unary(*op, operand, expected, span),
            ast::ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expected, span),
            ast::ExprKind::Call { callee, args } => self.call(callee, args, expected, span),
            ast::ExprKind::GenericCall { name, ty_args, args } => self.generic_call(name, ty_args, args, span),
            ast::ExprKind::Field { base, name } => self.field(base, name, span),
            ast::ExprKind::Index { base, index } => self.index(base, index, span),
            ast::ExprKind::StructLit { path, fields } => self.struct_lit(path, fields, span),
            ast::ExprKind::List(items) => self.list_lit(items, expected, span),
            ast::ExprKind::If { cond, then_block, else_branch } => self.if_expr(cond, then_block, else_branch.as_deref(), want, span),
            ast::ExprKind::Match { scrutinee, arms } => self.match_expr(scrutinee, arms, want, span),
            ast::ExprKind::Block(b) => {
                let (block, ty) = self.block(b, want);
                mk(ExprKind::Block(block), ty, span)
            }
            ast::ExprKind::Lambda { params, ret, body } => self.lambda(params, ret, body, span),
            ast::ExprKind::Spawn { test, actor, fields } => self.spawn(*test, actor, fields, span),
        }
    }

    fn unsupported(&mut self, what: &str, span: Span) -> ir::Expr {
        self.error(SemaError::Unsupported { what: what.to_string(), span });
        mk(ExprKind::Int(0), Ty::Error, span)
    }

    fn int_literal(&mut self, value: i128, expected: Option<&Ty>, span: Span) -> ir::Expr {
        let ity = match expected {
            Some(Ty::Int(t)) => *t,
            _ => IntTy::I64,
        };
        if value < ity.min() || value > ity.max() {
            self.error(SemaError::IntOutOfRange { value: value.to_string(), ty: ity.name().to_string(), span });
        }
        mk(ExprKind::Int(value as u64), Ty::Int(ity), span)
    }

    fn string(&mut self, parts: &[ast::StrPart], span: Span) -> ir::Expr {
        if let [ast::StrPart::Lit(s)] = parts {
            return mk(ExprKind::Str(s.clone()), Ty::Str, span);
        }
        if parts.is_empty() {
            return mk(ExprKind::Str(String::new()), Ty::Str, span);
        }
        let mut out = vec![];
        for p in parts {
            match p {
                ast::StrPart::Lit(s) => out.push(ir::InterpPart::Lit(s.clone())),
                ast::StrPart::Expr(e) => {
                    let v = self.expr(e, None);
                    let ok = v.ty.is_scalar() || matches!(v.ty, Ty::Str | Ty::Error | Ty::Never);
                    if !ok {
                        let ty = self.show(&v.ty);
                        self.error(SemaError::InvalidInterpolation { ty, span: v.span });
                    }
                    out.push(ir::InterpPart::Value(v));
                }
            }
        }
        mk(ExprKind::Interp(out), Ty::Str, span)
    }

    fn name(&mut self, id: &ast::Ident, expected: Option<&Ty>) -> ir::Expr {
        let span = id.span;
        if let Some(local) = self.find_local(&id.name) {
            return mk(ExprKind::Local(local), self.locals[local].ty.clone(), span);
        }
        if id.name == "none" {
            return match expected {
                Some(t @ Ty::Option(_)) => mk(ExprKind::OptionLit(None), t.clone(), span),
                _ => {
                    self.error(SemaError::CannotInfer { what: "`none`".into(), span });
                    mk(ExprKind::OptionLit(None), Ty::Error, span)
                }
            };
        }
        match self.ck.lookup(&self.ns, &id.name) {
            Some((global, _)) => self.global_value(global, id),
            None => {
                if let Some((_, declared)) = self.outer.iter().rev().find(|(n, _)| *n == id.name) {
                    let declared = *declared;
                    self.error(SemaError::LambdaCapture { name: id.name.clone(), span, declared });
                } else if self.ck.alias(id).is_some() {
                    self.error(SemaError::NamespaceAsValue { name: id.name.clone(), span });
                } else {
                    let hint = self.ck.qualified_suggestion(id).or_else(|| {
                        Builtin::from_name(&id.name).map(|_| format!("`{}` is a builtin function: call it", id.name))
                    });
                    self.error(SemaError::UnknownName { name: id.name.clone(), span, hint });
                }
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    /// A top-level declaration used as a value (named at `id`).
    fn global_value(&mut self, global: Global, id: &ast::Ident) -> ir::Expr {
        let span = id.span;
        match global {
            Global::Func(f) => {
                let func = &self.ck.program.funcs[f];
                let ty = Ty::Fn(func.params.iter().map(|&p| func.locals[p].ty.clone()).collect(), Box::new(func.ret.clone()));
                mk(ExprKind::FnRef(f), ty, span)
            }
            Global::Const(c) => ir::Expr { span, ..super::consts::value(self.ck, c, span) },
            Global::Struct(_) | Global::Enum(_) => {
                self.error(SemaError::TypeMismatch { expected: "a value".into(), found: format!("type {}", id.name), span, hint: None });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
            Global::Extern(_) => self.unsupported("extern functions as values", span),
            Global::Actor(_) => {
                self.error(SemaError::TypeMismatch { expected: "a value".into(), found: format!("actor {}", id.name), span, hint: Some("create one with `spawn`".into()) });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    /// The running actor's state struct, or an error where there is none.
    fn state_struct(&mut self, span: Span) -> Option<ir::StructId> {
        match self.actor {
            Some(a) => Some(self.ck.program.actors[a].state),
            None => {
                self.error(SemaError::OutsideActor { what: "`self`".into(), span });
                None
            }
        }
    }

    /// `alias.name` where `alias` is bound by a `use` (and not shadowed by a
    /// local): the declaration it names, or an error.
    fn qualified(&mut self, base: &ast::Expr, name: &ast::Ident) -> Option<Option<Global>> {
        let ast::ExprKind::Name(alias) = &base.kind else { return None };
        if self.find_local(&alias.name).is_some() {
            return None;
        }
        let ns = self.ck.alias(alias)?.to_string();
        match self.ck.lookup(&ns, &name.name) {
            Some((g, _)) => Some(Some(g)),
            None => {
                self.error(SemaError::UnknownName { name: format!("{}.{}", alias.name, name.name), span: name.span, hint: None });
                Some(None)
            }
        }
    }

    fn unary(&mut self, op: UnOp, operand: &ast::Expr, expected: Option<&Ty>, span: Span) -> ir::Expr {
        if let (UnOp::Neg, ast::ExprKind::Int(v)) = (op, &operand.kind) {
            // Fold so that `-128` fits in i8.
            return self.int_literal(-i128::from(*v), expected, span);
        }
        let v = self.expr(operand, expected);
        let ok = match op {
            UnOp::Neg => matches!(v.ty, Ty::F64) || matches!(v.ty, Ty::Int(t) if t.signed()),
            UnOp::Not => v.ty == Ty::Bool,
            UnOp::BitNot => v.ty.is_int(),
        };
        if !ok && !matches!(v.ty, Ty::Error | Ty::Never) {
            let sym = match op {
                UnOp::Neg => "-",
                UnOp::Not => "!",
                UnOp::BitNot => "~",
            };
            let lhs = self.show(&v.ty);
            self.error(SemaError::InvalidOperands { op: sym.into(), lhs, rhs: None, span, hint: None });
        }
        let ty = v.ty.clone();
        mk(ExprKind::Unary(op, Box::new(v)), ty, span)
    }

    fn binary(&mut self, op: BinOp, lhs: &ast::Expr, rhs: &ast::Expr, expected: Option<&Ty>, span: Span) -> ir::Expr {
        let arithmetic = !matches!(op, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::And | BinOp::Or);
        let down = if arithmetic { expected } else if matches!(op, BinOp::And | BinOp::Or) { Some(&Ty::Bool) } else { None };
        let (l, r) = if is_untyped_literal(lhs) && !is_untyped_literal(rhs) {
            let r = self.expr(rhs, down);
            let l = self.expr(lhs, Some(&r.ty.clone()));
            (l, r)
        } else {
            let l = self.expr(lhs, down);
            let r = self.expr(rhs, Some(&l.ty.clone()));
            (l, r)
        };
        let bad = |t: &Ty| matches!(t, Ty::Error | Ty::Never);
        let ty = if bad(&l.ty) || bad(&r.ty) {
            if arithmetic { if bad(&l.ty) { r.ty.clone() } else { l.ty.clone() } } else { Ty::Bool }
        } else if l.ty != r.ty {
            let (lt, rt) = (self.show(&l.ty), self.show(&r.ty));
            let hint = (l.ty.is_numeric() && r.ty.is_numeric()).then(|| format!("convert one side explicitly, e.g. `{lt}(...)`"));
            self.error(SemaError::InvalidOperands { op: op.symbol().into(), lhs: lt, rhs: Some(rt), span, hint });
            Ty::Error
        } else {
            match binary_result(op, &l.ty) {
                Some(t) => t,
                None => {
                    let lt = self.show(&l.ty);
                    let hint = matches!(op, BinOp::Eq | BinOp::Ne)
                        .then(|| "`==` compares scalars, strings and bytes".to_string());
                    self.error(SemaError::InvalidOperands { op: op.symbol().into(), lhs: lt.clone(), rhs: Some(lt), span, hint });
                    Ty::Error
                }
            }
        };
        mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    fn call(&mut self, callee: &ast::Expr, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        match &callee.kind {
            ast::ExprKind::Name(id) if self.find_local(&id.name).is_none() => {
                self.call_named(id, args, expected, span)
            }
            ast::ExprKind::Field { base, name } => {
                if let Some(enum_id) = self.enum_named(base) {
                    return self.variant(enum_id, name, Some(args), span);
                }
                // `self.helper(x)` calls the actor's own function `helper`.
                if let (ast::ExprKind::SelfValue, Some(a)) = (&base.kind, self.actor) {
                    if let Some(&f) = self.ck.actor_fns[a].get(&name.name) {
                        return self.call_global(Global::Func(f), name, args, span);
                    }
                }
                match self.qualified(base, name) {
                    Some(Some(global)) => return self.call_global(global, name, args, span),
                    Some(None) => {
                        for a in args {
                            self.expr(a, None);
                        }
                        return mk(ExprKind::Int(0), Ty::Error, span);
                    }
                    None => {}
                }
                // A struct field holding a function is called; otherwise
                // `a.f(b)` is sugar for `f(a, b)`.
                let b = self.expr(base, None);
                if let Ty::Struct(sid) = b.ty {
                    let fields = &self.ck.program.structs[sid].fields;
                    if let Some(i) = fields.iter().position(|(n, _)| *n == name.name) {
                        let fty = fields[i].1.clone();
                        let f = mk(ExprKind::Field(Box::new(b), i), fty, callee.span);
                        return self.call_value(f, args, span);
                    }
                }
                let mut all = vec![(**base).clone()];
                all.extend(args.iter().cloned());
                self.call_named(name, &all, expected, span)
            }
            _ => {
                let f = self.expr(callee, None);
                self.call_value(f, args, span)
            }
        }
    }

    fn call_value(&mut self, f: ir::Expr, args: &[ast::Expr], span: Span) -> ir::Expr {
        match f.ty.clone() {
            Ty::Fn(params, ret) => {
                let args = self.args(&f_name(&f), &params, args, span);
                mk(ExprKind::CallValue(Box::new(f), args), *ret, span)
            }
            Ty::Error => mk(ExprKind::Int(0), Ty::Error, span),
            other => {
                let ty = self.show(&other);
                self.error(SemaError::NotCallable { ty, span: f.span });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    /// Checks arguments against parameter types; reports a count mismatch.
    pub fn args(&mut self, callee: &str, params: &[Ty], args: &[ast::Expr], span: Span) -> Vec<ir::Expr> {
        if params.len() != args.len() {
            self.error(SemaError::ArgCount { callee: callee.to_string(), expected: params.len(), found: args.len(), span });
        }
        args.iter()
            .enumerate()
            .map(|(i, a)| match params.get(i) {
                Some(p) => self.expect(a, p),
                None => self.expr(a, None),
            })
            .collect()
    }

    /// A call of a top-level declaration named `id`.
    fn call_global(&mut self, global: Global, id: &ast::Ident, args: &[ast::Expr], span: Span) -> ir::Expr {
        match global {
            Global::Func(f) => {
                let func = &self.ck.program.funcs[f];
                let params: Vec<Ty> = func.params.iter().map(|&p| func.locals[p].ty.clone()).collect();
                let ret = func.ret.clone();
                let args = self.args(&id.name, &params, args, span);
                mk(ExprKind::Call(f, args), ret, span)
            }
            Global::Extern(x) => {
                let ext = &self.ck.program.externs[x];
                let (params, ret) = (ext.params.clone(), ext.ret.clone());
                let args = self.args(&id.name, &params, args, span);
                mk(ExprKind::CallExtern(x, args), ret, span)
            }
            Global::Struct(_) | Global::Enum(_) | Global::Const(_) | Global::Actor(_) => {
                let f = self.global_value(global, id);
                self.call_value(f, args, span)
            }
        }
    }

    fn call_named(&mut self, id: &ast::Ident, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        if let Some(f) = self.actor.and_then(|a| self.ck.actor_fns[a].get(&id.name).copied()) {
            return self.call_global(Global::Func(f), id, args, span);
        }
        if let Some((global, _)) = self.ck.lookup(&self.ns, &id.name) {
            return self.call_global(global, id, args, span);
        }
        if let Some(to) = scalar_type(&id.name).filter(|t| t.is_numeric()) {
            return self.conversion(id, to, args, span);
        }
        match id.name.as_str() {
            "some" | "ok" | "err" => return self.wrap(id, args, expected, span),
            _ => {}
        }
        if let Some(b) = Builtin::from_name(&id.name) {
            return builtins::check(self, b, id, args, expected, span);
        }
        if let Some(local) = self.find_local(&id.name) {
            let f = mk(ExprKind::Local(local), self.locals[local].ty.clone(), id.span);
            return self.call_value(f, args, span);
        }
        self.name(id, None);
        for a in args {
            self.expr(a, None);
        }
        mk(ExprKind::Int(0), Ty::Error, span)
    }

    fn conversion(&mut self, id: &ast::Ident, to: Ty, args: &[ast::Expr], span: Span) -> ir::Expr {
        if args.len() != 1 {
            self.error(SemaError::ArgCount { callee: id.name.clone(), expected: 1, found: args.len(), span });
            return mk(ExprKind::Int(0), to, span);
        }
        let v = if is_untyped_literal(&args[0]) { self.expr(&args[0], Some(&to)) } else { self.expr(&args[0], None) };
        if !v.ty.is_numeric() && !matches!(v.ty, Ty::Error | Ty::Never) {
            let from = self.show(&v.ty);
            self.error(SemaError::InvalidConversion { from, to: id.name.clone(), span });
        }
        mk(ExprKind::Cast(Box::new(v)), to, span)
    }

    /// `some(x)`, `ok(x)`, `err(e)`: the missing half of the type comes from
    /// the context.
    fn wrap(&mut self, id: &ast::Ident, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        if args.len() != 1 {
            self.error(SemaError::ArgCount { callee: id.name.clone(), expected: 1, found: args.len(), span });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        match (id.name.as_str(), expected) {
            ("some", Some(Ty::Option(t))) => {
                let v = self.expect(&args[0], t);
                mk(ExprKind::OptionLit(Some(Box::new(v))), Ty::Option(t.clone()), span)
            }
            ("some", _) => {
                let v = self.expr(&args[0], None);
                let ty = Ty::Option(Box::new(v.ty.clone()));
                mk(ExprKind::OptionLit(Some(Box::new(v))), ty, span)
            }
            (name, Some(rt @ Ty::Result(t, e))) => {
                let ok = name == "ok";
                let v = self.expect(&args[0], if ok { t } else { e });
                mk(ExprKind::ResultLit(ok, Box::new(v)), rt.clone(), span)
            }
            (name, _) => {
                self.expr(&args[0], None);
                self.error(SemaError::CannotInfer { what: format!("`{name}(...)`: the other half of its result type"), span });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    /// If `e` names an enum type, its id.
    fn enum_named(&self, e: &ast::Expr) -> Option<ir::EnumId> {
        let found = match &e.kind {
            ast::ExprKind::Name(id) if self.find_local(&id.name).is_none() => self.ck.lookup(&self.ns, &id.name),
            ast::ExprKind::Field { base, name } => match &base.kind {
                ast::ExprKind::Name(alias) if self.find_local(&alias.name).is_none() => {
                    self.ck.lookup(self.ck.alias(alias)?, &name.name)
                }
                _ => None,
            },
            _ => None,
        };
        match found {
            Some((Global::Enum(eid), _)) => Some(eid),
            _ => None,
        }
    }

    fn variant(&mut self, enum_id: ir::EnumId, name: &ast::Ident, args: Option<&[ast::Expr]>, span: Span) -> ir::Expr {
        let def = &self.ck.program.enums[enum_id];
        let Some(index) = def.variants.iter().position(|v| v.name == name.name) else {
            let ty = def.name.clone();
            self.error(SemaError::UnknownVariant { ty, variant: name.name.clone(), span: name.span });
            return mk(ExprKind::Int(0), Ty::Error, span);
        };
        let payload = def.variants[index].payload.clone();
        let callee = format!("{}.{}", def.name, name.name);
        let args = match args {
            Some(a) => self.args(&callee, &payload, a, span),
            None => {
                if !payload.is_empty() {
                    self.error(SemaError::ArgCount { callee, expected: payload.len(), found: 0, span });
                }
                vec![]
            }
        };
        mk(ExprKind::Variant(enum_id, index, args), Ty::Enum(enum_id), span)
    }

    fn field(&mut self, base: &ast::Expr, name: &ast::Ident, span: Span) -> ir::Expr {
        if let ast::ExprKind::SelfValue = base.kind {
            let Some(state) = self.state_struct(base.span) else { return mk(ExprKind::Int(0), Ty::Error, span) };
            let fields = &self.ck.program.structs[state].fields;
            return match fields.iter().position(|(n, _)| *n == name.name) {
                Some(i) => {
                    let ty = fields[i].1.clone();
                    let base = mk(ExprKind::SelfState, Ty::Struct(state), base.span);
                    mk(ExprKind::Field(Box::new(base), i), ty, span)
                }
                None => {
                    let actor = self.ck.program.actors[self.actor.expect("in an actor")].name.clone();
                    self.error(SemaError::UnknownField { ty: actor, field: name.name.clone(), span: name.span });
                    mk(ExprKind::Int(0), Ty::Error, span)
                }
            };
        }
        if let Some(enum_id) = self.enum_named(base) {
            return self.variant(enum_id, name, None, span);
        }
        if let Some(global) = self.qualified(base, name) {
            return match global {
                Some(g) => ir::Expr { span, ..self.global_value(g, name) },
                None => mk(ExprKind::Int(0), Ty::Error, span),
            };
        }
        let b = self.expr(base, None);
        match b.ty.clone() {
            Ty::Struct(sid) => {
                let fields = &self.ck.program.structs[sid].fields;
                if let Some(i) = fields.iter().position(|(n, _)| *n == name.name) {
                    let ty = fields[i].1.clone();
                    return mk(ExprKind::Field(Box::new(b), i), ty, span);
                }
                let ty = self.show(&b.ty);
                self.error(SemaError::UnknownField { ty, field: name.name.clone(), span: name.span });
            }
            Ty::Error => {}
            other => {
                let ty = self.show(&other);
                self.error(SemaError::UnknownField { ty, field: name.name.clone(), span: name.span });
            }
        }
        mk(ExprKind::Int(0), Ty::Error, span)
    }

    fn index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> ir::Expr {
        let b = self.expr(base, None);
        let (i, ty) = match b.ty.clone() {
            Ty::List(t) => (self.expect(index, &Ty::Int(IntTy::I64)), *t),
            Ty::Bytes | Ty::Str => (self.expect(index, &Ty::Int(IntTy::I64)), Ty::Int(IntTy::U8)),
            Ty::Map(k, v) => (self.expect(index, &k), *v),
            Ty::Error => (self.expr(index, None), Ty::Error),
            other => {
                let lhs = self.show(&other);
                self.error(SemaError::InvalidOperands { op: "[]".into(), lhs, rhs: None, span, hint: Some("only lists, bytes, strings and maps can be indexed".into()) });
                (self.expr(index, None), Ty::Error)
            }
        };
        mk(ExprKind::Index(Box::new(b), Box::new(i)), ty, span)
    }

    fn struct_lit(&mut self, path: &[ast::Ident], fields: &[ast::FieldInit], span: Span) -> ir::Expr {
        let found = self.ck.resolve(&self.ns, path);
        let Some((Global::Struct(sid), _)) = found else {
            let name = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
            let span = path.first().map_or(span, |f| f.span.to(path.last().map_or(f.span, |l| l.span)));
            self.error(SemaError::UnknownType { name, span });
            for f in fields {
                self.expr(&f.value, None);
            }
            return mk(ExprKind::Int(0), Ty::Error, span);
        };
        let decl = self.ck.program.structs[sid].fields.clone();
        let owner = self.ck.program.structs[sid].name.clone();
        let (values, missing) = self.field_values(&owner, "field", &decl, vec![None; decl.len()], fields);
        if !missing.is_empty() {
            self.error(SemaError::MissingFields { ty: owner, fields: missing, span });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        let values = values.into_iter().map(|v| v.expect("all fields present")).collect();
        mk(ExprKind::StructLit(sid, values), Ty::Struct(sid), span)
    }

    /// Checks `name: value` initialisers against declared fields (struct
    /// literals, `spawn`): each value in its field's slot over `initial`
    /// (defaults), duplicates and unknown names reported; returns the slots
    /// and the names still missing.
    fn field_values(
        &mut self,
        owner: &str,
        what: &'static str,
        decl: &[(String, Ty)],
        initial: Vec<Option<ir::Expr>>,
        fields: &[ast::FieldInit],
    ) -> (Vec<Option<ir::Expr>>, Vec<String>) {
        let mut values = initial;
        let mut seen: Vec<&ast::Ident> = vec![];
        for f in fields {
            if let Some(prev) = seen.iter().find(|p| p.name == f.name.name) {
                self.error(SemaError::Duplicate { what, name: f.name.name.clone(), span: f.name.span, previous: prev.span });
                continue;
            }
            seen.push(&f.name);
            match decl.iter().position(|(n, _)| *n == f.name.name) {
                Some(i) => values[i] = Some(self.expect(&f.value, &decl[i].1)),
                None => {
                    self.error(SemaError::UnknownField { ty: owner.to_string(), field: f.name.name.clone(), span: f.name.span });
                    self.expr(&f.value, None);
                }
            }
        }
        let missing = decl.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|((n, _), _)| n.clone()).collect();
        (values, missing)
    }

    fn list_lit(&mut self, items: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        if items.is_empty() {
            return match expected {
                Some(t @ Ty::List(_)) => mk(ExprKind::List(vec![]), t.clone(), span),
                _ => {
                    self.error(SemaError::CannotInfer { what: "an empty list literal".into(), span });
                    mk(ExprKind::List(vec![]), Ty::Error, span)
                }
            };
        }
        // The element type: the context's, else that of the first element
        // that is not a bare integer literal (`[0, 1, big]` with `big: u64`
        // is a list<u64>), else that of the first element.
        let mut out: Vec<Option<ir::Expr>> = vec![None; items.len()];
        let elem = match expected {
            Some(Ty::List(t)) => (**t).clone(),
            _ => {
                let k = items.iter().position(|i| !is_untyped_literal(i)).unwrap_or(0);
                let v = self.expr(&items[k], None);
                let ty = v.ty.clone();
                out[k] = Some(v);
                ty
            }
        };
        let checked: Vec<ir::Expr> = items
            .iter()
            .zip(out)
            .map(|(item, done)| done.unwrap_or_else(|| self.expect(item, &elem)))
            .collect();
        mk(ExprKind::List(checked), Ty::List(Box::new(elem)), span)
    }

    fn if_expr(&mut self, cond: &ast::Expr, then_block: &ast::Block, else_branch: Option<&ast::Expr>, want: Want, span: Span) -> ir::Expr {
        let cond = self.expect(cond, &Ty::Bool);
        let Some(else_branch) = else_branch else {
            let (then, _) = self.block(then_block, Want::Stmt);
            return mk(ExprKind::If(Box::new(cond), Box::new(then), None), Ty::Void, span);
        };
        let (then, then_ty) = self.block(then_block, want);
        let want_else = match want {
            Want::Value(None) if !matches!(then_ty, Ty::Never | Ty::Error) => Want::Value(Some(&then_ty)),
            w => w,
        };
        let else_expr = self.expr_want(else_branch, want_else);
        let else_ty = else_expr.ty.clone();
        if let Want::Value(Some(t)) = want_else {
            self.check_fits(&else_expr, t);
        }
        let else_block = match else_expr.kind {
            ExprKind::Block(b) => b,
            _ => ir::Block { stmts: vec![], span: else_expr.span, value: Some(Box::new(else_expr)) },
        };
        let ty = match want {
            Want::Stmt => {
                if then_ty == Ty::Never && else_ty == Ty::Never { Ty::Never } else { Ty::Void }
            }
            Want::Value(_) => if then_ty == Ty::Never { else_ty } else { then_ty },
        };
        mk(ExprKind::If(Box::new(cond), Box::new(then), Some(Box::new(else_block))), ty, span)
    }

    fn match_expr(&mut self, scrutinee: &ast::Expr, arms: &[ast::MatchArm], want: Want, span: Span) -> ir::Expr {
        let s = self.expr(scrutinee, None);
        let sty = s.ty.clone();
        let mut out = vec![];
        let mut result: Option<Ty> = match want {
            Want::Value(Some(t)) => Some(t.clone()),
            _ => None,
        };
        for arm in arms {
            let (pattern, body) = self.with_scope(|cx| {
                let pattern = cx.pattern(&arm.pattern, &sty);
                let body = match (&want, &result) {
                    (Want::Stmt, _) => cx.expr_want(&arm.body, Want::Stmt),
                    (Want::Value(_), Some(t)) => {
                        let t = t.clone();
                        cx.expect(&arm.body, &t)
                    }
                    (Want::Value(_), None) => cx.expr(&arm.body, None),
                };
                (pattern, body)
            });
            if matches!(want, Want::Value(_)) && result.is_none() && !matches!(body.ty, Ty::Never | Ty::Error) {
                result = Some(body.ty.clone());
            }
            out.push(ir::MatchArm { pattern, body });
        }
        if !matches!(sty, Ty::Error) {
            let missing = exhaustive::missing(&self.ck.program, &sty, out.iter().map(|a| &a.pattern));
            if !missing.is_empty() {
                self.error(SemaError::NonExhaustive { missing, span: scrutinee.span });
            }
        }
        let all_never = !out.is_empty() && out.iter().all(|a| a.body.ty == Ty::Never);
        let ty = if all_never {
            Ty::Never
        } else {
            match want {
                Want::Stmt => Ty::Void,
                Want::Value(_) => result.unwrap_or(Ty::Void),
            }
        };
        mk(ExprKind::Match(Box::new(s), out), ty, span)
    }

    fn pattern(&mut self, p: &ast::Pattern, ty: &Ty) -> ir::Pattern {
        use ast::PatternKind as P;
        let mismatch = |cx: &mut Self, what: &str| {
            let t = cx.show(ty);
            cx.error(SemaError::InvalidPattern { message: format!("{what} cannot match a value of type `{t}`"), span: p.span });
            ir::Pattern::Wildcard
        };
        match (&p.kind, ty) {
            (_, Ty::Error) => {
                self.bind_all(p);
                ir::Pattern::Wildcard
            }
            (P::Wildcard, _) => ir::Pattern::Wildcard,
            (P::Binding(id), Ty::Option(_)) if id.name == "none" => ir::Pattern::Ctor(1, vec![]),
            (P::Binding(id), _) => ir::Pattern::Bind(self.declare(id, ty.clone(), false)),
            (P::Int { negative, value }, Ty::Int(t)) => {
                let v = if *negative { -i128::from(*value) } else { i128::from(*value) };
                if v < t.min() || v > t.max() {
                    self.error(SemaError::IntOutOfRange { value: v.to_string(), ty: t.name().into(), span: p.span });
                }
                ir::Pattern::Int(v as u64)
            }
            (P::Char(c), Ty::Int(_)) => ir::Pattern::Int(u64::from(*c)),
            (P::Str(s), Ty::Str) => ir::Pattern::Str(s.clone()),
            (P::Bool(b), Ty::Bool) => ir::Pattern::Bool(*b),
            (P::Ctor { path, args }, _) => self.ctor_pattern(p, path, args, ty),
            (P::Int { .. } | P::Char(_), _) => mismatch(self, "an integer pattern"),
            (P::Str(_), _) => mismatch(self, "a string pattern"),
            (P::Bool(_), _) => mismatch(self, "a bool pattern"),
        }
    }

    /// Declares the bindings of a pattern that could not be checked, so the
    /// arm body does not report them as unknown.
    fn bind_all(&mut self, p: &ast::Pattern) {
        match &p.kind {
            ast::PatternKind::Binding(id) => {
                self.declare(id, Ty::Error, false);
            }
            ast::PatternKind::Ctor { args, .. } => args.iter().for_each(|a| self.bind_all(a)),
            _ => {}
        }
    }

    fn ctor_pattern(&mut self, p: &ast::Pattern, path: &[ast::Ident], args: &[ast::Pattern], ty: &Ty) -> ir::Pattern {
        let names: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
        let (index, payload): (usize, Vec<Ty>) = match (names.as_slice(), ty) {
            (["some"], Ty::Option(t)) => (0, vec![(**t).clone()]),
            (["none"], Ty::Option(_)) => (1, vec![]),
            (["ok"], Ty::Result(t, _)) => (0, vec![(**t).clone()]),
            (["err"], Ty::Result(_, e)) => (1, vec![(**e).clone()]),
            ([.., variant], Ty::Enum(eid))
                if path.len() >= 2 && self.ck.resolve(&self.ns, &path[..path.len() - 1]).map(|(g, _)| g) == Some(Global::Enum(*eid)) =>
            {
                let def = &self.ck.program.enums[*eid];
                match def.variants.iter().position(|v| v.name == *variant) {
                    Some(i) => (i, def.variants[i].payload.clone()),
                    None => {
                        let ty = def.name.clone();
                        self.error(SemaError::UnknownVariant { ty, variant: variant.to_string(), span: path[path.len() - 1].span });
                        self.bind_all(p);
                        return ir::Pattern::Wildcard;
                    }
                }
            }
            _ => {
                let t = self.show(ty);
                self.error(SemaError::InvalidPattern { message: format!("pattern `{}` cannot match a value of type `{t}`", names.join(".")), span: p.span });
                self.bind_all(p);
                return ir::Pattern::Wildcard;
            }
        };
        if args.len() != payload.len() {
            self.error(SemaError::ArgCount { callee: names.join("."), expected: payload.len(), found: args.len(), span: p.span });
            self.bind_all(p);
            return ir::Pattern::Wildcard;
        }
        let subs = args.iter().zip(&payload).map(|(a, t)| self.pattern(a, t)).collect();
        ir::Pattern::Ctor(index, subs)
    }

    fn lambda(&mut self, params: &[ast::Param], ret: &ast::TypeExpr, body: &ast::Expr, span: Span) -> ir::Expr {
        let ns = self.ns.clone();
        let ret = resolve_type(self.ck, &ns, ret);
        let locals: Vec<ir::Local> = params
            .iter()
            .map(|p| ir::Local { name: p.name.name.clone(), ty: resolve_type(self.ck, &ns, &p.ty), mutable: false, span: p.name.span })
            .collect();
        let ptys: Vec<Ty> = locals.iter().map(|l| l.ty.clone()).collect();
        let mut outer: Vec<(String, Span)> = self.outer.clone();
        outer.extend(self.scopes.iter().flatten().map(|(n, id)| (n.clone(), self.locals[*id].span)));
        let id = self.ck.program.funcs.len();
        let c_name = format!("{}__lambda{}", ns.replace('.', "_"), id);
        self.ck.program.funcs.push(ir::Func {
            name: format!("lambda#{id}"),
            c_name,
            actor: None,
            params: (0..locals.len()).collect(),
            ret: ret.clone(),
            locals: vec![],
            body: ir::Block { stmts: vec![], value: None, span: body.span },
            span,
        });
        self.ck.fn_decls.push(None);
        let (block, locals) = {
            let mut cx = FnCtx::new(self.ck, ns, ret.clone(), locals);
            cx.outer = outer;
            let want = if ret == Ty::Void { Want::Stmt } else { Want::Value(Some(&ret)) };
            let (block, bty) = match &body.kind {
                ast::ExprKind::Block(b) => cx.block(b, want),
                _ => {
                    let v = if ret == Ty::Void { cx.expr(body, None) } else { cx.expect(body, &ret) };
                    let ty = v.ty.clone();
                    let block = if ret == Ty::Void {
                        ir::Block { stmts: vec![ir::Stmt { span: v.span, kind: StmtKind::Expr(v) }], value: None, span: body.span }
                    } else {
                        ir::Block { stmts: vec![], value: Some(Box::new(v)), span: body.span }
                    };
                    (block, ty)
                }
            };
            if ret != Ty::Void && bty != Ty::Never && block.value.is_none() {
                let r = cx.show(&ret);
                cx.error(SemaError::MissingReturn { name: "lambda".into(), ret: r, span: body.span });
            }
            (block, cx.locals)
        };
        let func = &mut self.ck.program.funcs[id];
        func.body = block;
        func.locals = locals;
        mk(ExprKind::FnRef(id), Ty::Fn(ptys, Box::new(ret)), span)
    }
}

fn f_name(f: &ir::Expr) -> String {
    match &f.kind {
        ExprKind::Local(_) | ExprKind::Field(..) => "this function value".to_string(),
        _ => "function".to_string(),
    }
}

/// The result type of `op` on two operands of type `t`, if defined.
pub(super) fn binary_result(op: BinOp, t: &Ty) -> Option<Ty> {
    use BinOp::*;
    match op {
        Add => matches!(t, Ty::Int(_) | Ty::F64 | Ty::Str).then(|| t.clone()),
        Sub | Mul | Div | Rem => t.is_numeric().then(|| t.clone()),
        Shl | Shr | BitAnd | BitOr | BitXor => t.is_int().then(|| t.clone()),
        Eq | Ne => matches!(t, Ty::Int(_) | Ty::F64 | Ty::Bool | Ty::Str | Ty::Bytes | Ty::Ptr).then_some(Ty::Bool),
        Lt | Le | Gt | Ge => matches!(t, Ty::Int(_) | Ty::F64 | Ty::Str).then_some(Ty::Bool),
        And | Or => (*t == Ty::Bool).then_some(Ty::Bool),
    }
}

fn stmt_diverges(s: &ir::Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Break | StmtKind::Continue => true,
        StmtKind::Expr(e) | StmtKind::Let(_, e) => e.ty == Ty::Never,
        StmtKind::Loop(b) => !contains_break(b),
        _ => false,
    }
}

/// Whether a loop body can leave the loop (a `break` not inside a nested loop).
fn contains_break(b: &ir::Block) -> bool {
    fn in_expr(e: &ir::Expr) -> bool {
        match &e.kind {
            ExprKind::If(_, t, f) => contains_break(t) || f.as_deref().is_some_and(contains_break),
            ExprKind::Match(_, arms) => arms.iter().any(|a| in_expr(&a.body)),
            ExprKind::Block(b) => contains_break(b),
            _ => false,
        }
    }
    b.stmts.iter().any(|s| match &s.kind {
        StmtKind::Break => true,
        StmtKind::Expr(e) => in_expr(e),
        _ => false,
    }) || b.value.as_ref().is_some_and(|v| in_expr(v))
}

// ----- actors (PURR.md §7) and tests (§8) -----

impl FnCtx<'_, '_> {
    /// `spawn` in programs, `spawn_test` in tests and benches.
    fn check_form(&mut self, test_form: bool, word: &str, span: Span) {
        if test_form != self.test {
            let (used, expected) = if test_form { (format!("{word}_test"), word.to_string()) } else { (word.to_string(), format!("{word}_test")) };
            self.error(SemaError::WrongSpawnForm { used, expected, span });
        }
    }

    fn spawn(&mut self, test: bool, path: &[ast::Ident], fields: &[ast::FieldInit], span: Span) -> ir::Expr {
        self.check_form(test, "spawn", span);
        let Some((Global::Actor(a), _)) = self.ck.resolve(&self.ns, path) else {
            let name = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
            let span = path.first().map_or(span, |f| f.span);
            self.error(SemaError::NotAnActor { name, span });
            for f in fields {
                self.expr(&f.value, None);
            }
            return mk(ExprKind::Int(0), Ty::Error, span);
        };
        let state = self.ck.program.actors[a].state;
        let decl = self.ck.program.structs[state].fields.clone();
        let defaults = self.ck.program.actors[a].defaults.clone();
        let actor = self.ck.program.actors[a].name.clone();
        let (values, missing) = self.field_values(&actor, "state field", &decl, defaults, fields);
        if !missing.is_empty() {
            self.error(SemaError::MissingState { actor, fields: missing, span });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        let values = values.into_iter().map(|v| v.expect("every field given or defaulted")).collect();
        mk(ExprKind::Spawn(a, values), Ty::Mailbox(a), span)
    }

    /// The message types actor `a` handles, by name.
    fn handled_names(&self, a: ir::ActorId) -> Vec<String> {
        self.ck.program.actors[a].handlers.iter().map(|(m, _)| self.ck.program.structs[*m].name.clone()).collect()
    }

    fn handles(&self, a: ir::ActorId, msg: ir::StructId) -> bool {
        self.ck.program.actors[a].handlers.iter().any(|(m, _)| *m == msg)
    }

    /// Checks `message` as what `target` accepts; returns the message.
    pub fn message_for(&mut self, target: &ir::Expr, message: &ast::Expr) -> ir::Expr {
        let expected = match &target.ty {
            Ty::Reply(t) | Ty::Probe(t) => Some((**t).clone()),
            _ => None,
        };
        let m = match &expected {
            Some(t) => self.expect(message, t),
            None => self.expr(message, None),
        };
        match (&target.ty, &m.ty) {
            (_, Ty::Error | Ty::Never) | (Ty::Error, _) => {}
            (Ty::Mailbox(a), Ty::Struct(sid)) if self.ck.program.structs[*sid].message_kind().is_some() => {
                if !self.handles(*a, *sid) {
                    let actor = self.ck.program.actors[*a].name.clone();
                    let message = self.ck.program.structs[*sid].name.clone();
                    let handled = self.handled_names(*a);
                    self.error(SemaError::NotHandled { actor, message, handled, span: m.span });
                }
            }
            // The expected type was the reply's: `expect` checked it.
            (Ty::Reply(_) | Ty::Probe(_), _) => {}
            (Ty::Mailbox(_), other) => {
                let ty = self.show(other);
                self.error(SemaError::NotAMessage { ty, span: m.span });
            }
            (other, _) => {
                let found = self.show(other);
                self.error(SemaError::TypeMismatch { expected: "a mailbox, reply or probe".into(), found, span: target.span, hint: None });
            }
        }
        m
    }

    fn send(&mut self, test: bool, target: &ast::Expr, message: &ast::Expr, span: Span) -> StmtKind {
        self.check_form(test, "send", span);
        let t = self.expr(target, None);
        let m = self.message_for(&t, message);
        StmtKind::Send(t, m)
    }

    /// `probe<T>()`, the one call with a type argument.
    fn generic_call(&mut self, name: &ast::Ident, ty_args: &[ast::TypeExpr], args: &[ast::Expr], span: Span) -> ir::Expr {
        for a in args {
            self.expr(a, None);
        }
        if name.name != "probe" || ty_args.len() != 1 || !args.is_empty() {
            self.error(SemaError::UnknownName { name: format!("{}<..>", name.name), span: name.span, hint: Some("the only call with a type argument is `probe<T>()`".into()) });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        if !self.test {
            self.error(SemaError::WrongSpawnForm { used: "probe".into(), expected: "a reply<T> from an actor".into(), span });
        }
        let ns = self.ns.clone();
        let t = resolve_type(self.ck, &ns, &ty_args[0]);
        let is_message = matches!(&t, Ty::Struct(id) if self.ck.program.structs[*id].message_kind().is_some());
        if !is_message && t != Ty::Error {
            let ty = self.show(&t);
            self.error(SemaError::NotAMessage { ty, span: ty_args[0].span() });
        }
        mk(ExprKind::ProbeNew, Ty::Probe(Box::new(t)), span)
    }

    /// A mailbox or probe where a `reply<T>` is expected (§7, §8).
    fn coerce_to_reply(&self, v: ir::Expr, expected: &Ty) -> ir::Expr {
        let Ty::Reply(t) = expected else { return v };
        let ok = match (&v.ty, &**t) {
            (Ty::Mailbox(a), Ty::Struct(m)) => self.handles(*a, *m),
            (Ty::Probe(p), t) => **p == *t,
            _ => false,
        };
        if ok {
            let span = v.span;
            mk(ExprKind::ToReply(Box::new(v)), expected.clone(), span)
        } else {
            v
        }
    }
}
