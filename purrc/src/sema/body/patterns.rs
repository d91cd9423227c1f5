//! Checking `match`: arms, patterns and their bindings (exhaustiveness is
//! `exhaustive.rs`).

use super::*;

impl FnCtx<'_, '_> {
    pub(super) fn match_expr(&mut self, scrutinee: &ast::Expr, arms: &[ast::MatchArm], want: Want, span: Span) -> ir::Expr {
        let s = self.expr(scrutinee, None);
        let sty = s.ty;
        let mut out = ThinVec::new();
        let mut result: Option<Ty> = match want {
            Want::Value(Some(t)) => Some(*t),
            _ => None,
        };
        for arm in arms {
            let (pattern, body) = self.with_scope(|cx| {
                let pattern = cx.pattern(&arm.pattern, &sty);
                let body = match (&want, &result) {
                    (Want::Stmt, _) => cx.expr_want(&arm.body, Want::Stmt),
                    (Want::Value(_), Some(t)) => {
                        let t = *t;
                        cx.expect(&arm.body, &t)
                    }
                    (Want::Value(_), None) => cx.expr(&arm.body, None),
                };
                (pattern, body)
            });
            if matches!(want, Want::Value(_)) && result.is_none() && !matches!(body.ty, Ty::Never | Ty::Error) {
                result = Some(body.ty);
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
                // Arms whose type is unknown (already reported) make the
                // match's type unknown, not `void`, so its uses are not
                // reported again.
                Want::Value(_) => result.unwrap_or(if out.iter().any(|a| a.body.ty == Ty::Error) { Ty::Error } else { Ty::Void }),
            }
        };
        mk(ExprKind::Match(Box::new(s), out), ty, span)
    }

    pub(super) fn pattern(&mut self, p: &ast::Pattern, ty: &Ty) -> ir::Pattern {
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
            (P::Binding(id), Ty::Option(_)) if id.name == "none" => ir::Pattern::Ctor(1, ThinVec::new()),
            (P::Binding(id), _) => match self.const_pattern(std::slice::from_ref(id), ty, p.span) {
                Some(pattern) => pattern,
                None => ir::Pattern::Bind(self.declare(id, *ty, false)),
            },
            (P::Int { negative, value }, Ty::Int(t)) => {
                let v = if *negative { -i128::from(*value) } else { i128::from(*value) };
                if v < t.min() || v > t.max() {
                    self.error(SemaError::IntOutOfRange { value: v.to_string(), ty: t.name().into(), span: p.span });
                }
                ir::Pattern::Int(v as u64)
            }
            (P::Char(c), Ty::Int(_)) => ir::Pattern::Int(u64::from(*c)),
            (P::Str(s), Ty::Str) => ir::Pattern::Str(*s),
            (P::Bool(b), Ty::Bool) => ir::Pattern::Bool(*b),
            (P::Ctor { path, args }, _) => self.ctor_pattern(p, path, args, ty),
            (P::Int { .. } | P::Char(_), _) => mismatch(self, "an integer pattern"),
            (P::Str(_), _) => mismatch(self, "a string pattern"),
            (P::Bool(_), _) => mismatch(self, "a bool pattern"),
        }
    }

    fn is_const(&mut self, path: &[ast::Ident]) -> bool {
        matches!(self.ck.resolve(self.ns, path), Some((Global::Const(_), _)))
    }

    /// A name that is a `const` (`DELETE`, `record.DELETE`) matches its
    /// value, as in Rust, rather than binding a new variable that would
    /// catch everything; `None` when `path` is not a const.
    fn const_pattern(&mut self, path: &[ast::Ident], ty: &Ty, span: Span) -> Option<ir::Pattern> {
        let Some((Global::Const(c), _)) = self.ck.resolve(self.ns, path) else { return None };
        let value = crate::sema::consts::value(self.ck, c, span);
        let pattern = match (&value.kind, &value.ty) {
            (_, Ty::Error) => return Some(ir::Pattern::Wildcard),
            (ExprKind::Int(bits), Ty::Int(_)) if value.ty == *ty => ir::Pattern::Int(*bits),
            (ExprKind::Str(s), Ty::Str) if *ty == Ty::Str => ir::Pattern::Str(*s),
            (ExprKind::Bool(b), Ty::Bool) if *ty == Ty::Bool => ir::Pattern::Bool(*b),
            _ => {
                let name = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
                let (found, t) = (self.show(&value.ty), self.show(ty));
                let message = format!("constant `{name}` of type `{found}` cannot match a value of type `{t}`");
                self.error(SemaError::InvalidPattern { message, span });
                ir::Pattern::Wildcard
            }
        };
        Some(pattern)
    }

    /// Declares the bindings of a pattern that could not be checked, so the
    /// arm body does not report them as unknown.
    pub(super) fn bind_all(&mut self, p: &ast::Pattern) {
        match &p.kind {
            ast::PatternKind::Binding(id) => {
                self.declare(id, Ty::Error, false);
            }
            ast::PatternKind::Ctor { args, .. } => args.iter().for_each(|a| self.bind_all(a)),
            _ => {}
        }
    }

    pub(super) fn ctor_pattern(&mut self, p: &ast::Pattern, path: &[ast::Ident], args: &[ast::Pattern], ty: &Ty) -> ir::Pattern {
        let names: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
        let (index, payload): (usize, Vec<Ty>) = match (names.as_slice(), ty) {
            (["some"], Ty::Option(t)) => (0, vec![(**t)]),
            (["none"], Ty::Option(_)) => (1, vec![]),
            (["ok"], Ty::Result(t, _)) => (0, vec![(**t)]),
            (["err"], Ty::Result(_, e)) => (1, vec![(**e)]),
            ([.., variant], Ty::Enum(eid))
                if path.len() >= 2 && self.ck.resolve(self.ns, &path[..path.len() - 1]).map(|(g, _)| g) == Some(Global::Enum(*eid)) =>
            {
                let def = &self.ck.program.enums[*eid];
                match def.variants.iter().position(|v| v.name == *variant) {
                    Some(i) => (i, def.variants[i].payload.clone()),
                    None => {
                        let ty = def.name.to_string();
                        self.error(SemaError::UnknownVariant { ty, variant: variant.to_string(), span: path[path.len() - 1].span });
                        self.bind_all(p);
                        return ir::Pattern::Wildcard;
                    }
                }
            }
            _ if args.is_empty() && self.is_const(path) => {
                return self.const_pattern(path, ty, p.span).unwrap_or(ir::Pattern::Wildcard);
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
        ir::Pattern::Ctor(index as u32, subs)
    }
}
