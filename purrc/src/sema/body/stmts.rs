//! Checking blocks and statements: `let`, assignment to places, loops.

use super::*;
use super::exprs::binary_op;
use crate::sema::error::Binding;

impl FnCtx<'_, '_> {
    /// Checks a block; its value is its last expression statement when the
    /// context wants a value. Returns the block and its type (`Never` when it
    /// cannot complete).
    pub fn block(&mut self, b: &ast::Block, want: Want) -> (ir::Block, Ty) {
        self.with_scope(|cx| {
            let mut stmts = ThinVec::new();
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
                v.ty
            } else {
                Ty::Void
            };
            (ir::Block { stmts, value, span: b.span }, ty)
        })
    }

    pub(super) fn stmt(&mut self, s: &ast::Stmt) -> ir::Stmt {
        let kind = match &s.kind {
            ast::StmtKind::Let { name, mutable, ty, value } => self.let_stmt(name, *mutable, ty.as_deref(), value.as_ref(), s.span),
            ast::StmtKind::Assign { target, op, value } => self.assign(target, *op, value, s.span),
            ast::StmtKind::Expr(e) => StmtKind::Expr(self.expr_stmt(e)),
            ast::StmtKind::Return(value) => {
                let ret = self.ret;
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
                StmtKind::While(Box::new(cond), self.loop_body(body))
            }
            ast::StmtKind::ForRange { var, start, end, body } => self.for_range(var, start, end, body),
            ast::StmtKind::ForEach { first, second, iter, body } => self.for_each(first, second.as_deref(), iter, body),
            ast::StmtKind::Send { target, message } => self.send(false, target, message, s.span),
            ast::StmtKind::SendTest { target, message } => self.send(true, target, message, s.span),
        };
        ir::Stmt { kind, span: s.span }
    }

    pub(super) fn let_stmt(&mut self, name: &ast::Ident, mutable: bool, ty: Option<&ast::TypeExpr>, value: Option<&ast::Expr>, span: Span) -> StmtKind {
        let declared = ty.map(|t| resolve_type(self.ck, self.ns, t));
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
        let ty = declared.unwrap_or(value.ty);
        let id = self.declare(name, ty, mutable);
        if !mutable {
            self.lets.push(id);
        }
        StmtKind::Let(id, value)
    }

    /// The value of `var x: T` written without one: Go-style zero values
    /// for the types that have an obvious one.
    pub(super) fn zero_value(&mut self, name: &ast::Ident, ty: &Ty, span: Span) -> ir::Expr {
        let kind = match ty {
            Ty::Int(_) => ExprKind::Int(0),
            Ty::F64 => ExprKind::Float(0.0),
            Ty::Bool => ExprKind::Bool(false),
            Ty::Str => ExprKind::Str(Symbol::intern("")),
            Ty::Ptr => ExprKind::Nil,
            Ty::List(_) => ExprKind::List(ThinVec::new()),
            Ty::Map(..) => ExprKind::Builtin(Builtin::MapNew, ThinVec::new()),
            Ty::Bytes => ExprKind::Builtin(
                Builtin::BytesNew,
                thin_vec::thin_vec![ir::Arg::Value(mk(ExprKind::Int(0), Ty::Int(IntTy::I64), span))],
            ),
            Ty::Option(_) => ExprKind::OptionLit(None),
            Ty::Error => ExprKind::Int(0),
            _ => {
                let t = self.show(ty);
                self.error(SemaError::NoInitialValue { name: name.name.to_string(), ty: t, span });
                ExprKind::Int(0)
            }
        };
        mk(kind, *ty, span)
    }

    pub(super) fn assign(&mut self, target: &ast::Expr, op: ast::AssignOp, value: &ast::Expr, span: Span) -> StmtKind {
        let place = self.place(target);
        let ty = place.as_ref().map_or(Ty::Error, |p| *p.ty());
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
        // `x op= v` performs the operation `x op v` of the same type.
        let op = match bin {
            None => None,
            Some(op) => match binary_op(op, &ty).filter(|(_, result)| *result == ty) {
                Some((bop, _)) => Some(bop),
                None => {
                    if ty != Ty::Error {
                        let lhs = self.show(&ty);
                        self.error(SemaError::InvalidOperands { op: format!("{}=", op.symbol()), lhs: lhs.clone(), rhs: Some(lhs), span, hint: None });
                    }
                    return StmtKind::Expr(value);
                }
            },
        };
        match place {
            Some(p) => StmtKind::Assign(Box::new(p), op, value),
            None => StmtKind::Expr(value),
        }
    }

    /// Resolves an assignable expression to a place rooted at a `var`.
    pub fn place(&mut self, e: &ast::Expr) -> Option<ir::Place> {
        match &e.kind {
            ast::ExprKind::Name(id) => {
                let Some(local) = self.find_local(id.name) else {
                    self.expr(e, None); // reports the unknown name
                    if self.ck.lookup(self.ns, id.name).is_some() {
                        self.error(SemaError::InvalidAssignTarget { span: e.span });
                    }
                    return None;
                };
                let l = &self.locals[local];
                if !l.mutable {
                    let (name, declared) = (l.name, l.span);
                    let binding = if self.lets.contains(&local) {
                        Binding::Let
                    } else if local < self.params {
                        Binding::Param
                    } else {
                        Binding::Other
                    };
                    self.error(SemaError::Immutable { name: name.to_string(), span: e.span, declared, binding });
                }
                Some(ir::Place { root: ir::PlaceRoot::Local(local), root_ty: self.locals[local].ty, path: ThinVec::new(), span: e.span })
            }
            ast::ExprKind::Field(f) => {
                let (base, name) = (&f.base, &f.name);
                let mut place = match &base.kind {
                    ast::ExprKind::SelfValue => {
                        let state = self.state_struct(base.span)?;
                        ir::Place { root: ir::PlaceRoot::State, root_ty: Ty::Struct(state), path: ThinVec::new(), span: base.span }
                    }
                    _ => self.place(base)?,
                };
                let ty = *place.ty();
                match ty {
                    Ty::Struct(sid) => {
                        let fields = &self.ck.program.structs[sid].fields;
                        match fields.iter().position(|(n, _)| *n == name.name) {
                            Some(i) => {
                                let fty = fields[i].1;
                                place.path.push((ir::Proj::Field(i), fty));
                                place.span = e.span;
                                Some(place)
                            }
                            None => {
                                let ty = self.show(&ty);
                                self.error(SemaError::UnknownField { ty, field: name.name.to_string(), span: name.span });
                                None
                            }
                        }
                    }
                    Ty::Error => None,
                    _ => {
                        let ty = self.show(&ty);
                        self.error(SemaError::UnknownField { ty, field: name.name.to_string(), span: name.span });
                        None
                    }
                }
            }
            ast::ExprKind::Index { base, index } => {
                let mut place = self.place(base)?;
                let ty = *place.ty();
                let (proj, elem) = match &ty {
                    Ty::List(t) => (ir::Proj::Index(Box::new(self.expect(index, &Ty::Int(IntTy::I64))), e.span), (**t)),
                    Ty::Bytes => (ir::Proj::Index(Box::new(self.expect(index, &Ty::Int(IntTy::I64))), e.span), Ty::Int(IntTy::U8)),
                    Ty::Map(k, v) => (ir::Proj::Key(Box::new(self.expect(index, k)), e.span), (**v)),
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

    pub(super) fn loop_body(&mut self, body: &ast::Block) -> ir::Block {
        self.loops += 1;
        let (b, _) = self.block(body, Want::Stmt);
        self.loops -= 1;
        b
    }

    pub(super) fn for_range(&mut self, var: &ast::Ident, start: &ast::Expr, end: &ast::Expr, body: &ast::Block) -> StmtKind {
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
        let ty = start.ty;
        self.with_scope(|cx| {
            let id = cx.declare(var, ty, false);
            StmtKind::ForRange(id, Box::new(start), Box::new(end), cx.loop_body(body))
        })
    }

    pub(super) fn for_each(&mut self, first: &ast::Ident, second: Option<&ast::Ident>, iter: &ast::Expr, body: &ast::Block) -> StmtKind {
        let coll = self.expr(iter, None);
        let ty = coll.ty;
        self.with_scope(|cx| match (&ty, second) {
            (Ty::List(t), None) => {
                let id = cx.declare(first, **t, false);
                StmtKind::ForEach(id, Box::new(coll), cx.loop_body(body))
            }
            (Ty::Bytes, None) => {
                let id = cx.declare(first, Ty::Int(IntTy::U8), false);
                StmtKind::ForEach(id, Box::new(coll), cx.loop_body(body))
            }
            (Ty::Map(k, v), _) => {
                let key = cx.declare(first, **k, false);
                let val = second.map(|s| cx.declare(s, **v, false));
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
    pub(super) fn expr_stmt(&mut self, e: &ast::Expr) -> ir::Expr {
        match &e.kind {
            ast::ExprKind::If { .. } | ast::ExprKind::Match { .. } | ast::ExprKind::Block(_) => self.expr_want(e, Want::Stmt),
            _ => self.expr(e, None),
        }
    }
}

pub(super) fn stmt_diverges(s: &ir::Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Break | StmtKind::Continue => true,
        StmtKind::Expr(e) | StmtKind::Let(_, e) => e.ty == Ty::Never,
        StmtKind::Loop(b) => !contains_break(b),
        _ => false,
    }
}

/// Whether a loop body can leave the loop (a `break` not inside a nested loop).
pub(super) fn contains_break(b: &ir::Block) -> bool {
    fn in_expr(e: &ir::Expr) -> bool {
        match &e.kind {
            ExprKind::If(if_) => contains_break(&if_.then) || if_.otherwise.as_ref().is_some_and(contains_break),
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
