//! Checking calls: of functions, function values, externs, conversions
//! (`u8(x)`), `some`/`ok`/`err`, and enum constructors.

use super::*;

impl FnCtx<'_, '_> {
    pub(super) fn call(&mut self, callee: &ast::Expr, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        match &callee.kind {
            ast::ExprKind::Name(id) if self.find_local(id.name).is_none() => {
                self.call_named(id, args, expected, span)
            }
            ast::ExprKind::Field(f) => {
                let (base, name) = (&f.base, &f.name);
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
                if b.ty == Ty::Error {
                    // The base is already reported; naming `name` unknown
                    // too would report one mistake twice.
                    for a in args {
                        self.expr(a, None);
                    }
                    return mk(ExprKind::Int(0), Ty::Error, span);
                }
                if let Ty::Struct(sid) = b.ty {
                    let fields = &self.ck.program.structs[sid].fields;
                    if let Some(i) = fields.iter().position(|(n, _)| *n == name.name) {
                        let fty = fields[i].1;
                        let f = mk(ExprKind::Field(Box::new(b), i), fty, callee.span);
                        return self.call_value(f, args, span);
                    }
                }
                let mut all = vec![base.clone()];
                all.extend(args.iter().cloned());
                self.call_named(name, &all, expected, span)
            }
            _ => {
                let f = self.expr(callee, None);
                self.call_value(f, args, span)
            }
        }
    }

    pub(super) fn call_value(&mut self, f: ir::Expr, args: &[ast::Expr], span: Span) -> ir::Expr {
        match f.ty {
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
    pub fn args(&mut self, callee: &str, params: &[Ty], args: &[ast::Expr], span: Span) -> ThinVec<ir::Expr> {
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
    pub(super) fn call_global(&mut self, global: Global, id: &ast::Ident, args: &[ast::Expr], span: Span) -> ir::Expr {
        match global {
            Global::Func(f) => {
                let func = &self.ck.program.funcs[f];
                let params: Vec<Ty> = func.params.iter().map(|&p| func.locals[p].ty).collect();
                let ret = func.ret;
                let needs = func.needs.clone();
                if !needs.is_empty() {
                    let what = match &func.kind {
                        ir::FuncKind::Top(name) => format!("`{}`", self.ck.display_in(span.file, name)),
                        _ => format!("`{}`", id.name),
                    };
                    self.check_needs(&what, &needs, span);
                }
                let args = self.args(&id.name, &params, args, span);
                mk(ExprKind::Call(f, args), ret, span)
            }
            Global::Extern(x) => {
                let ext = &self.ck.program.externs[x];
                let (params, ret) = (ext.params.clone(), ext.ret);
                let args = self.args(&id.name, &params, args, span);
                mk(ExprKind::CallExtern(x, args), ret, span)
            }
            Global::Handle(h) => self.handle_from_id(h, id, args, span),
            Global::Struct(_) | Global::Enum(_) | Global::Const(_) | Global::Actor(_) => {
                let f = self.global_value(global, id);
                self.call_value(f, args, span)
            }
        }
    }

    pub(super) fn call_named(&mut self, id: &ast::Ident, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        if let Some(f) = self.actor.and_then(|a| self.ck.actor_fns[a].get(&id.name).copied()) {
            return self.call_global(Global::Func(f), id, args, span);
        }
        if let Some((global, _)) = self.ck.lookup(self.ns, id.name) {
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
        if let Some(local) = self.find_local(id.name) {
            let f = mk(ExprKind::Local(local), self.locals[local].ty, id.span);
            return self.call_value(f, args, span);
        }
        self.name(id, None);
        for a in args {
            self.expr(a, None);
        }
        mk(ExprKind::Int(0), Ty::Error, span)
    }

    pub(super) fn conversion(&mut self, id: &ast::Ident, to: Ty, args: &[ast::Expr], span: Span) -> ir::Expr {
        if args.len() != 1 {
            self.error(SemaError::ArgCount { callee: id.name.to_string(), expected: 1, found: args.len(), span });
            return mk(ExprKind::Int(0), to, span);
        }
        // A literal argument is converted like any other value
        // (docs/language.md §3: `u8(1000) == 232`), so it is typed by its
        // own value: `i64`, or `u64` above `i64`'s range.
        let literal_ty = literal_value(&args[0]).map(|v| if v > i128::from(i64::MAX) { IntTy::U64 } else { IntTy::I64 });
        let v = self.expr(&args[0], literal_ty.map(Ty::Int).as_ref());
        // A handle's id, `i64(conn)`, is its namespace's own business.
        if let Ty::Handle(h) = v.ty {
            if to == Ty::Int(IntTy::I64) {
                self.check_handle_namespace(h, span);
                return mk(ExprKind::Cast(Box::new(v)), to, span);
            }
        }
        if !v.ty.is_numeric() && !matches!(v.ty, Ty::Error | Ty::Never) {
            let from = self.show(&v.ty);
            self.error(SemaError::InvalidConversion { from, to: id.name.to_string(), span });
        }
        mk(ExprKind::Cast(Box::new(v)), to, span)
    }

    /// `Conn(id)`: a handle from its id, only in the namespace that declares
    /// the `extern type` (like a newtype whose field is private).
    fn handle_from_id(&mut self, h: ir::HandleId, id: &ast::Ident, args: &[ast::Expr], span: Span) -> ir::Expr {
        self.check_handle_namespace(h, span);
        let args = self.args(&id.name, &[Ty::Int(IntTy::I64)], args, span);
        let v = args.into_iter().next().unwrap_or_else(|| mk(ExprKind::Int(0), Ty::Int(IntTy::I64), span));
        mk(ExprKind::Cast(Box::new(v)), Ty::Handle(h), span)
    }

    fn check_handle_namespace(&mut self, h: ir::HandleId, span: Span) {
        let name = self.ck.program.handles[h];
        if name.namespace != self.ns {
            let handle = self.ck.display_in(span.file, &name);
            self.error(SemaError::HandleConversion { handle, namespace: name.namespace.to_string(), span });
        }
    }

    /// `some(x)`, `ok(x)`, `err(e)`: the missing half of the type comes from
    /// the context.
    pub(super) fn wrap(&mut self, id: &ast::Ident, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> ir::Expr {
        if args.len() != 1 {
            self.error(SemaError::ArgCount { callee: id.name.to_string(), expected: 1, found: args.len(), span });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        match (id.name.as_str(), expected) {
            ("some", Some(Ty::Option(t))) => {
                let v = self.expect(&args[0], t);
                mk(ExprKind::OptionLit(Some(Box::new(v))), Ty::Option(*t), span)
            }
            ("some", _) => {
                let v = self.expr(&args[0], None);
                let ty = Ty::Option(v.ty.into());
                mk(ExprKind::OptionLit(Some(Box::new(v))), ty, span)
            }
            (name, Some(rt @ Ty::Result(t, e))) => {
                let ok = name == "ok";
                let v = self.expect(&args[0], if ok { t } else { e });
                mk(ExprKind::ResultLit(ok, Box::new(v)), *rt, span)
            }
            (name, _) => {
                self.expr(&args[0], None);
                self.error(SemaError::CannotInfer { what: format!("`{name}(...)`: the other half of its result type"), span });
                mk(ExprKind::Int(0), Ty::Error, span)
            }
        }
    }

    /// If `e` names an enum type, its id.
    pub(super) fn enum_named(&mut self, e: &ast::Expr) -> Option<ir::EnumId> {
        match &e.kind {
            ast::ExprKind::Name(id) if self.find_local(id.name).is_none() => match self.ck.lookup(self.ns, id.name) {
                Some((Global::Enum(eid), _)) => Some(eid),
                _ => None,
            },
            ast::ExprKind::Field(f) => match &f.base.kind {
                ast::ExprKind::Name(alias) if self.find_local(alias.name).is_none() => {
                    let ns = self.ck.alias(alias)?;
                    let Some((Global::Enum(eid), _)) = self.ck.lookup(ns, f.name.name) else { return None };
                    self.ck.check_visible(self.ns, ns, &f.name);
                    Some(eid)
                }
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn variant(&mut self, enum_id: ir::EnumId, name: &ast::Ident, args: Option<&[ast::Expr]>, span: Span) -> ir::Expr {
        let def = &self.ck.program.enums[enum_id];
        let Some(index) = def.variants.iter().position(|v| v.name == name.name) else {
            let ty = def.name.to_string();
            self.error(SemaError::UnknownVariant { ty, variant: name.name.to_string(), span: name.span });
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
                ThinVec::new()
            }
        };
        mk(ExprKind::Variant(enum_id, index as u32, args), Ty::Enum(enum_id), span)
    }
}

pub(super) fn f_name(f: &ir::Expr) -> String {
    match &f.kind {
        ExprKind::Local(_) | ExprKind::Field(..) => "this function value".to_string(),
        _ => "function".to_string(),
    }
}
