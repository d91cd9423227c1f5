//! Checking expressions: literals, names, operators, fields, indexing,
//! struct and list literals, `if` and lambdas.

use super::*;

impl FnCtx<'_, '_> {
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

    pub(super) fn expr_want(&mut self, e: &ast::Expr, want: Want) -> ir::Expr {
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
                    self.error(SemaError::OutsideActor { what: "`self`".into(), needs: vec![], span });
                    mk(ExprKind::Int(0), Ty::Error, span)
                }
            },
            ast::ExprKind::Unary { op, operand } => self.unary(*op, operand, expected, span),
            ast::ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expected, span),
            ast::ExprKind::Call { callee, args } => self.call(callee, args, expected, span),
            ast::ExprKind::GenericCall(g) => self.generic_call(&g.name, &g.ty_args, &g.args, span),
            ast::ExprKind::Field(f) => self.field(&f.base, &f.name, span),
            ast::ExprKind::Index { base, index } => self.index(base, index, span),
            ast::ExprKind::StructLit { path, fields } => self.struct_lit(path, fields, span),
            ast::ExprKind::List(items) => self.list_lit(items, expected, span),
            ast::ExprKind::If(if_) => self.if_expr(&if_.cond, &if_.then_block, if_.else_branch.as_ref(), want, span),
            ast::ExprKind::Match { scrutinee, arms } => self.match_expr(scrutinee, arms, want, span),
            ast::ExprKind::Block(b) => {
                let (block, ty) = self.block(b, want);
                mk(ExprKind::Block(Box::new(block)), ty, span)
            }
            ast::ExprKind::Lambda(l) => self.lambda(&l.params, &l.ret, &l.body, span),
            ast::ExprKind::Spawn { test, actor, fields } => self.spawn(*test, actor, fields, span),
        }
    }

    pub(super) fn unsupported(&mut self, what: &str, span: Span) -> ir::Expr {
        self.error(SemaError::Unsupported { what: what.to_string(), span });
        mk(ExprKind::Int(0), Ty::Error, span)
    }

    pub(super) fn int_literal(&mut self, value: i128, expected: Option<&Ty>, span: Span) -> ir::Expr {
        let ity = match expected {
            Some(Ty::Int(t)) => *t,
            _ => IntTy::I64,
        };
        if value < ity.min() || value > ity.max() {
            self.error(SemaError::IntOutOfRange { value: value.to_string(), ty: ity.name().to_string(), span });
        }
        mk(ExprKind::Int(value as u64), Ty::Int(ity), span)
    }

    pub(super) fn string(&mut self, parts: &[ast::StrPart], span: Span) -> ir::Expr {
        if let [ast::StrPart::Lit(s)] = parts {
            return mk(ExprKind::Str(*s), Ty::Str, span);
        }
        if parts.is_empty() {
            return mk(ExprKind::Str(Symbol::intern("")), Ty::Str, span);
        }
        let mut out = ThinVec::new();
        for p in parts {
            match p {
                ast::StrPart::Lit(s) => out.push(ir::InterpPart::Lit(*s)),
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

    pub(super) fn name(&mut self, id: &ast::Ident, expected: Option<&Ty>) -> ir::Expr {
        let span = id.span;
        if let Some(local) = self.find_local(id.name) {
            return mk(ExprKind::Local(local), self.locals[local].ty, span);
        }
        if id.name == "none" {
            return match expected {
                Some(t @ Ty::Option(_)) => mk(ExprKind::OptionLit(None), *t, span),
                _ => {
                    self.error(SemaError::CannotInfer { what: "`none`".into(), span });
                    mk(ExprKind::OptionLit(None), Ty::Error, span)
                }
            };
        }
        match self.ck.lookup(self.ns, id.name) {
            Some((global, _)) => self.global_value(global, id),
            None => {
                if let Some((_, declared)) = self.outer.iter().rev().find(|(n, _)| *n == id.name) {
                    let declared = *declared;
                    self.error(SemaError::LambdaCapture { name: id.name.to_string(), span, declared });
                } else if self.ck.alias(id).is_some() {
                    self.error(SemaError::NamespaceAsValue { name: id.name.to_string(), span });
                } else {
                    let hint = self
                        .ck
                        .qualified_suggestion(id)
                        .or_else(|| Builtin::from_name(&id.name).map(|_| format!("`{}` is a builtin function: call it", id.name)))
                        .or_else(|| self.misspelt(id.name).map(|n| format!("did you mean `{n}`?")));
                    self.error(SemaError::UnknownName { name: id.name.to_string(), span, hint });
                }
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    /// The name in scope that `name` looks like a misspelling of: a local,
    /// a declaration of this namespace or the prelude, or a builtin.
    fn misspelt(&self, name: Symbol) -> Option<String> {
        let locals: Vec<Symbol> = self.scopes.iter().flatten().map(|(n, _)| *n).collect();
        let globals: Vec<Symbol> = self.ck.visible_globals(self.ns).collect();
        let candidates = locals.iter().chain(&globals).map(|s| s.as_str()).chain(Builtin::NAMES.iter().copied());
        crate::sema::similar_name(name.as_str(), candidates).map(str::to_string)
    }

    /// A top-level declaration used as a value (named at `id`).
    pub(super) fn global_value(&mut self, global: Global, id: &ast::Ident) -> ir::Expr {
        let span = id.span;
        match global {
            Global::Func(f) if !self.ck.program.funcs[f].needs.is_empty() => {
                // Called through a value, what it needs could not be checked.
                self.unsupported("functions that `need` messages as values", span)
            }
            Global::Func(f) => {
                let func = &self.ck.program.funcs[f];
                let params: Vec<Ty> = func.params.iter().map(|&p| func.locals[p].ty).collect();
                let ty = Ty::Fn(params.as_slice().into(), func.ret.into());
                mk(ExprKind::FnRef(f), ty, span)
            }
            Global::Const(c) => ir::Expr { span, ..crate::sema::consts::value(self.ck, c, span) },
            Global::Struct(_) | Global::Enum(_) | Global::Handle(_) => {
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
    pub(super) fn state_struct(&mut self, span: Span) -> Option<ir::StructId> {
        match self.actor {
            Some(a) => Some(self.ck.program.actors[a].state),
            None => {
                self.error(SemaError::OutsideActor { what: "`self`".into(), needs: vec![], span });
                None
            }
        }
    }

    /// `alias.name` where `alias` is bound by a `use` (and not shadowed by a
    /// local): the declaration it names, or an error.
    pub(super) fn qualified(&mut self, base: &ast::Expr, name: &ast::Ident) -> Option<Option<Global>> {
        let ast::ExprKind::Name(alias) = &base.kind else { return None };
        if self.find_local(alias.name).is_some() {
            return None;
        }
        let ns = self.ck.alias(alias)?;
        match self.ck.lookup(ns, name.name) {
            Some((g, _)) => {
                self.ck.check_visible(self.ns, ns, name);
                Some(Some(g))
            }
            None => {
                self.error(SemaError::UnknownName { name: format!("{}.{}", alias.name, name.name), span: name.span, hint: None });
                Some(None)
            }
        }
    }

    pub(super) fn unary(&mut self, op: UnOp, operand: &ast::Expr, expected: Option<&Ty>, span: Span) -> ir::Expr {
        if let (UnOp::Neg, ast::ExprKind::Int(v)) = (op, &operand.kind) {
            // Fold so that `-128` fits in i8.
            return self.int_literal(-i128::from(*v), expected, span);
        }
        let v = self.expr(operand, expected);
        let uop = match (op, &v.ty) {
            (UnOp::Neg, Ty::Int(t)) if t.signed() => Some(ir::UnaryOp::IntNeg(*t)),
            (UnOp::Neg, Ty::F64) => Some(ir::UnaryOp::F64Neg),
            (UnOp::Not, Ty::Bool) => Some(ir::UnaryOp::Not),
            (UnOp::BitNot, Ty::Int(t)) => Some(ir::UnaryOp::BitNot(*t)),
            _ => None,
        };
        match uop {
            Some(uop) => {
                let ty = v.ty;
                mk(ExprKind::Unary(uop, Box::new(v)), ty, span)
            }
            // The operand diverges (or is already wrong): so does the whole.
            None if matches!(v.ty, Ty::Error | Ty::Never) => v,
            None => {
                let sym = match op {
                    UnOp::Neg => "-",
                    UnOp::Not => "!",
                    UnOp::BitNot => "~",
                };
                let lhs = self.show(&v.ty);
                self.error(SemaError::InvalidOperands { op: sym.into(), lhs, rhs: None, span, hint: None });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    pub(super) fn binary(&mut self, op: BinOp, lhs: &ast::Expr, rhs: &ast::Expr, expected: Option<&Ty>, span: Span) -> ir::Expr {
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
        if l.ty == Ty::Error || r.ty == Ty::Error {
            // Reported already; keep the type the context most likely wants.
            let ty = if !arithmetic { Ty::Bool } else if l.ty == Ty::Error { r.ty } else { l.ty };
            return mk(ExprKind::Int(0), ty, span);
        }
        // An operand that never produces a value fits any type.
        let operand = if l.ty == Ty::Never { r.ty } else { l.ty };
        if operand == Ty::Never {
            return l;
        }
        if !fits(&l.ty, &operand) || !fits(&r.ty, &operand) {
            let (lt, rt) = (self.show(&l.ty), self.show(&r.ty));
            let hint = (l.ty.is_numeric() && r.ty.is_numeric()).then(|| format!("convert one side explicitly, e.g. `{lt}(...)`"));
            self.error(SemaError::InvalidOperands { op: op.symbol().into(), lhs: lt, rhs: Some(rt), span, hint });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        match binary_op(op, &operand) {
            Some((bop, ty)) => mk(ExprKind::Binary(bop, Box::new(l), Box::new(r)), ty, span),
            None => {
                let lt = self.show(&operand);
                let hint = matches!(op, BinOp::Eq | BinOp::Ne).then(|| "`==` compares scalars, strings, bytes and handles".to_string());
                self.error(SemaError::InvalidOperands { op: op.symbol().into(), lhs: lt.clone(), rhs: Some(lt), span, hint });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    pub(super) fn field(&mut self, base: &ast::Expr, name: &ast::Ident, span: Span) -> ir::Expr {
        if let ast::ExprKind::SelfValue = base.kind {
            let Some(state) = self.state_struct(base.span) else { return mk(ExprKind::Int(0), Ty::Error, span) };
            let fields = &self.ck.program.structs[state].fields;
            return match fields.iter().position(|(n, _)| *n == name.name) {
                Some(i) => {
                    let ty = fields[i].1;
                    let base = mk(ExprKind::SelfState, Ty::Struct(state), base.span);
                    mk(ExprKind::Field(Box::new(base), i), ty, span)
                }
                None => {
                    let actor = self.ck.program.actors[self.actor.expect("in an actor")].name.to_string();
                    self.error(SemaError::UnknownField { ty: actor, field: name.name.to_string(), span: name.span });
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
        match b.ty {
            Ty::Struct(sid) => {
                let fields = &self.ck.program.structs[sid].fields;
                if let Some(i) = fields.iter().position(|(n, _)| *n == name.name) {
                    let ty = fields[i].1;
                    return mk(ExprKind::Field(Box::new(b), i), ty, span);
                }
                let ty = self.show(&b.ty);
                self.error(SemaError::UnknownField { ty, field: name.name.to_string(), span: name.span });
            }
            Ty::Error => {}
            other => {
                let ty = self.show(&other);
                self.error(SemaError::UnknownField { ty, field: name.name.to_string(), span: name.span });
            }
        }
        mk(ExprKind::Int(0), Ty::Error, span)
    }

    pub(super) fn index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> ir::Expr {
        let b = self.expr(base, None);
        let (i, ty) = match b.ty {
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

    pub(super) fn struct_lit(&mut self, path: &[ast::Ident], fields: &[ast::FieldInit], span: Span) -> ir::Expr {
        let found = self.ck.resolve(self.ns, path);
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
        let owner = self.ck.program.structs[sid].name.to_string();
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
    pub(super) fn field_values(
        &mut self,
        owner: &str,
        what: &'static str,
        decl: &[(Symbol, Ty)],
        initial: Vec<Option<ir::Expr>>,
        fields: &[ast::FieldInit],
    ) -> (Vec<Option<ir::Expr>>, Vec<String>) {
        let mut values = initial;
        let mut seen: Vec<&ast::Ident> = vec![];
        for f in fields {
            if let Some(prev) = seen.iter().find(|p| p.name == f.name.name) {
                self.error(SemaError::Duplicate { what, name: f.name.name.to_string(), span: f.name.span, previous: prev.span });
                continue;
            }
            seen.push(&f.name);
            match decl.iter().position(|(n, _)| *n == f.name.name) {
                Some(i) => values[i] = Some(self.expect(&f.value, &decl[i].1)),
                None => {
                    self.error(SemaError::UnknownField { ty: owner.to_string(), field: f.name.name.to_string(), span: f.name.span });
                    self.expr(&f.value, None);
                }
            }
        }
        let missing = decl.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|((n, _), _)| n.to_string()).collect();
        (values, missing)
    }

    pub(super) fn list_lit(&mut self, items: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        if items.is_empty() {
            return match expected {
                Some(t @ Ty::List(_)) => mk(ExprKind::List(ThinVec::new()), *t, span),
                _ => {
                    self.error(SemaError::CannotInfer { what: "an empty list literal".into(), span });
                    mk(ExprKind::List(ThinVec::new()), Ty::Error, span)
                }
            };
        }
        // The element type: the context's, else that of the first element
        // that is not a literal (`[0, 1, big]` with `big: u64` is a
        // list<u64>), else that of the most common kind of literal, so that
        // `[1, 2, "three"]` blames `"three"`, not `1` and `2`.
        let mut out: Vec<Option<ir::Expr>> = vec![None; items.len()];
        let elem = match expected {
            Some(Ty::List(t)) => **t,
            _ => {
                let k = items.iter().position(|i| literal_kind(i).is_none()).unwrap_or_else(|| most_common_literal(items));
                let v = self.expr(&items[k], None);
                let ty = v.ty;
                out[k] = Some(v);
                ty
            }
        };
        let checked: ThinVec<ir::Expr> = items
            .iter()
            .zip(out)
            .map(|(item, done)| done.unwrap_or_else(|| self.expect(item, &elem)))
            .collect();
        mk(ExprKind::List(checked), Ty::List(elem.into()), span)
    }

    pub(super) fn if_expr(&mut self, cond: &ast::Expr, then_block: &ast::Block, else_branch: Option<&ast::Expr>, want: Want, span: Span) -> ir::Expr {
        let cond = self.expect(cond, &Ty::Bool);
        let Some(else_branch) = else_branch else {
            let (then, _) = self.block(then_block, Want::Stmt);
            return mk(ExprKind::If(Box::new(ir::If { cond, then, otherwise: None })), Ty::Void, span);
        };
        let (then, then_ty) = self.block(then_block, want);
        let want_else = match want {
            Want::Value(None) if !matches!(then_ty, Ty::Never | Ty::Error) => Want::Value(Some(&then_ty)),
            w => w,
        };
        let else_expr = self.expr_want(else_branch, want_else);
        let else_ty = else_expr.ty;
        if let Want::Value(Some(t)) = want_else {
            self.check_fits(&else_expr, t);
        }
        let else_block = match else_expr.kind {
            ExprKind::Block(b) => *b,
            _ => ir::Block { stmts: ThinVec::new(), span: else_expr.span, value: Some(Box::new(else_expr)) },
        };
        let ty = match want {
            Want::Stmt => {
                if then_ty == Ty::Never && else_ty == Ty::Never { Ty::Never } else { Ty::Void }
            }
            Want::Value(_) => if then_ty == Ty::Never { else_ty } else { then_ty },
        };
        mk(ExprKind::If(Box::new(ir::If { cond, then, otherwise: Some(else_block) })), ty, span)
    }

    pub(super) fn lambda(&mut self, params: &[ast::Param], ret: &ast::TypeExpr, body: &ast::Expr, span: Span) -> ir::Expr {
        let ns = self.ns;
        let ret = resolve_type(self.ck, ns, ret);
        let locals: Vec<ir::Local> = params
            .iter()
            .map(|p| ir::Local { name: p.name.name, ty: resolve_type(self.ck, ns, &p.ty), mutable: false, span: p.name.span })
            .collect();
        let ptys: Vec<Ty> = locals.iter().map(|l| l.ty).collect();
        let mut outer: Vec<(Symbol, Span)> = self.outer.clone();
        outer.extend(self.scopes.iter().flatten().map(|(n, id)| (*n, self.locals[*id].span)));
        let id = self.ck.program.funcs.len();
        self.ck.program.funcs.push(ir::Func {
            kind: ir::FuncKind::Lambda { namespace: ns, index: id },
            actor: None,
            params: (0..locals.len()).collect(),
            ret,
            locals: vec![],
            needs: vec![],
            body: ir::Block { stmts: ThinVec::new(), value: None, span: body.span },
            span,
        });
        self.ck.fn_decls.push(None);
        let (block, locals) = {
            let mut cx = FnCtx::new(self.ck, ns, ret, locals);
            cx.outer = outer;
            let want = if ret == Ty::Void { Want::Stmt } else { Want::Value(Some(&ret)) };
            let (block, bty) = match &body.kind {
                ast::ExprKind::Block(b) => cx.block(b, want),
                _ => {
                    let v = if ret == Ty::Void { cx.expr(body, None) } else { cx.expect(body, &ret) };
                    let ty = v.ty;
                    let block = if ret == Ty::Void {
                        ir::Block { stmts: thin_vec::thin_vec![ir::Stmt { span: v.span, kind: StmtKind::Expr(v) }], value: None, span: body.span }
                    } else {
                        ir::Block { stmts: ThinVec::new(), value: Some(Box::new(v)), span: body.span }
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
        mk(ExprKind::FnRef(id), Ty::Fn(ptys.as_slice().into(), ret.into()), span)
    }
}

/// The operation `op` performs on two operands of type `t`, and its result
/// type; `None` where `op` is not defined on `t`.
pub(super) fn binary_op(op: BinOp, t: &Ty) -> Option<(ir::BinaryOp, Ty)> {
    use ir::{BinaryOp as O, Cmp, FloatOp, IntOp};
    let cmp = match op {
        BinOp::Eq => Some(Cmp::Eq),
        BinOp::Ne => Some(Cmp::Ne),
        BinOp::Lt => Some(Cmp::Lt),
        BinOp::Le => Some(Cmp::Le),
        BinOp::Gt => Some(Cmp::Gt),
        BinOp::Ge => Some(Cmp::Ge),
        _ => None,
    };
    let int_op = match op {
        BinOp::Add => Some(IntOp::Add),
        BinOp::Sub => Some(IntOp::Sub),
        BinOp::Mul => Some(IntOp::Mul),
        BinOp::Div => Some(IntOp::Div),
        BinOp::Rem => Some(IntOp::Rem),
        BinOp::Shl => Some(IntOp::Shl),
        BinOp::Shr => Some(IntOp::Shr),
        BinOp::BitAnd => Some(IntOp::BitAnd),
        BinOp::BitOr => Some(IntOp::BitOr),
        BinOp::BitXor => Some(IntOp::BitXor),
        _ => None,
    };
    let float_op = match op {
        BinOp::Add => Some(FloatOp::Add),
        BinOp::Sub => Some(FloatOp::Sub),
        BinOp::Mul => Some(FloatOp::Mul),
        BinOp::Div => Some(FloatOp::Div),
        BinOp::Rem => Some(FloatOp::Rem),
        _ => None,
    };
    let equality = matches!(op, BinOp::Eq | BinOp::Ne);
    let bop = match (t, cmp) {
        (Ty::Int(i), None) => O::Int(int_op?, *i),
        (Ty::F64, None) => O::F64(float_op?),
        (Ty::Str, None) if op == BinOp::Add => O::StrConcat,
        (Ty::Bool, None) if op == BinOp::And => O::And,
        (Ty::Bool, None) if op == BinOp::Or => O::Or,
        (Ty::Int(_) | Ty::F64, Some(c)) => O::Scalar(c),
        (Ty::Bool | Ty::Ptr, Some(c)) if equality => O::Scalar(c),
        // Handles are ids: two are equal when they name the same connection,
        // listener or file (language reference §11).
        (Ty::Handle(_), Some(c)) if equality => O::Scalar(c),
        (Ty::Str, Some(c)) => O::Str(c),
        (Ty::Bytes, Some(Cmp::Eq)) => O::BytesEq,
        (Ty::Bytes, Some(Cmp::Ne)) => O::BytesNe,
        _ => return None,
    };
    let ty = if cmp.is_some() { Ty::Bool } else { *t };
    Some((bop, ty))
}

/// The kind of a literal element (`1`, `-1`, `2.5`, `"s"`, `true`, `'c'`),
/// `None` for any other expression.
fn literal_kind(e: &ast::Expr) -> Option<u8> {
    match &e.kind {
        _ if is_untyped_literal(e) => Some(0),
        ast::ExprKind::Float(_) => Some(1),
        ast::ExprKind::Unary { op: ast::UnOp::Neg, operand } if matches!(operand.kind, ast::ExprKind::Float(_)) => Some(1),
        ast::ExprKind::Str(_) => Some(2),
        ast::ExprKind::Bool(_) => Some(3),
        ast::ExprKind::Char(_) => Some(4),
        _ => None,
    }
}

/// The index of the first literal of the kind most of `items` have (on a
/// tie, the kind that comes first).
fn most_common_literal(items: &[ast::Expr]) -> usize {
    let kinds: Vec<Option<u8>> = items.iter().map(literal_kind).collect();
    let count = |k: Option<u8>| kinds.iter().filter(|&&x| x == k).count();
    let mut best = 0;
    for (i, &k) in kinds.iter().enumerate() {
        if count(k) > count(kinds[best]) {
            best = i;
        }
    }
    best
}
