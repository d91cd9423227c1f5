//! Checking actor operations (docs/actors.md): `spawn`/`send` and their
//! test forms, messages a target handles, `probe<T>()` and coercions of
//! mailboxes and probes to `reply<T>`.

use super::*;

impl FnCtx<'_, '_> {
    /// `spawn` in programs, `spawn_test` in tests and benches.
    pub(super) fn check_form(&mut self, test_form: bool, word: &str, span: Span) {
        if test_form != self.test {
            let (used, expected) = if test_form { (format!("{word}_test"), word.to_string()) } else { (word.to_string(), format!("{word}_test")) };
            self.error(SemaError::WrongSpawnForm { used, expected, span });
        }
    }

    pub(super) fn spawn(&mut self, test: bool, path: &[ast::Ident], fields: &[ast::FieldInit], span: Span) -> ir::Expr {
        self.check_form(test, "spawn", span);
        let Some((Global::Actor(a), _)) = self.ck.resolve(self.ns, path) else {
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
        let actor = self.ck.program.actors[a].name.to_string();
        let (values, missing) = self.field_values(&actor, "state field", &decl, defaults, fields);
        if !missing.is_empty() {
            self.error(SemaError::MissingState { actor, fields: missing, span });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        let values = values.into_iter().map(|v| v.expect("every field given or defaulted")).collect();
        mk(ExprKind::Spawn(a, values), Ty::Mailbox(a), span)
    }

    /// The message types actor `a` handles, by name.
    pub(super) fn handled_names(&self, a: ir::ActorId) -> Vec<String> {
        self.ck.program.actors[a].handlers.iter().map(|(m, _)| self.ck.program.structs[*m].name.to_string()).collect()
    }

    pub(super) fn handles(&self, a: ir::ActorId, msg: ir::StructId) -> bool {
        self.ck.program.actors[a].handlers.iter().any(|(m, _)| *m == msg)
    }

    /// Checks `message` as what `target` accepts; returns the message.
    pub fn message_for(&mut self, target: &ir::Expr, message: &ast::Expr) -> ir::Expr {
        let expected = match &target.ty {
            Ty::Reply(t) | Ty::Probe(t) => Some(**t),
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
                    let actor = self.ck.program.actors[*a].name.to_string();
                    let message = self.ck.program.structs[*sid].name.to_string();
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

    pub(super) fn send(&mut self, test: bool, target: &ast::Expr, message: &ast::Expr, span: Span) -> StmtKind {
        self.check_form(test, "send", span);
        let t = self.expr(target, None);
        let m = self.message_for(&t, message);
        StmtKind::Send(Box::new((t, m)))
    }

    /// `probe<T>()`, the one call with a type argument.
    pub(super) fn generic_call(&mut self, name: &ast::Ident, ty_args: &[ast::TypeExpr], args: &[ast::Expr], span: Span) -> ir::Expr {
        for a in args {
            self.expr(a, None);
        }
        if name.name != "probe" || ty_args.len() != 1 || !args.is_empty() {
            self.error(SemaError::UnknownName { name: format!("{}<..>", name.name), span: name.span, hint: Some("the only call with a type argument is `probe<T>()`".into()) });
            return mk(ExprKind::Int(0), Ty::Error, span);
        }
        if !self.test {
            self.error(SemaError::TestOnly {
                what: "`probe<T>()`".into(),
                span,
                instead: Some(
                    "a probe stands in for an actor in tests; in a program, the actor that wants the answer \
                     passes itself as the reply (`send c Get { reply: self }`) and handles it with `on`",
                ),
            });
        }
        let t = resolve_type(self.ck, self.ns, &ty_args[0]);
        let is_message = matches!(&t, Ty::Struct(id) if self.ck.program.structs[*id].message_kind().is_some());
        if !is_message && t != Ty::Error {
            let ty = self.show(&t);
            self.error(SemaError::NotAMessage { ty, span: ty_args[0].span() });
        }
        mk(ExprKind::ProbeNew, Ty::Probe(t.into()), span)
    }

    /// A mailbox or probe where a `reply<T>` is expected (§7, §8).
    pub(super) fn coerce_to_reply(&self, v: ir::Expr, expected: &Ty) -> ir::Expr {
        let Ty::Reply(t) = expected else { return v };
        let ok = match (&v.ty, &**t) {
            (Ty::Mailbox(a), Ty::Struct(m)) => self.handles(*a, *m),
            (Ty::Probe(p), t) => **p == *t,
            _ => false,
        };
        if ok {
            let span = v.span;
            mk(ExprKind::ToReply(Box::new(v)), *expected, span)
        } else {
            v
        }
    }

    /// A call of `what`, which needs the calling actor to handle `needs`
    /// (`monitor`, `net.listen`, …: they create events that come back as
    /// those messages): the call must be inside an actor that handles
    /// them, or inside a function that declares it needs them too.
    pub fn check_needs(&mut self, what: &str, needs: &[ir::StructId], span: Span) {
        let show = |cx: &Self, m: ir::StructId| cx.ck.display_in(span.file, &cx.ck.program.structs[m].name);
        let Some(a) = self.actor else {
            let missing: Vec<String> = needs.iter().filter(|m| !self.needs.contains(m)).map(|&m| show(self, m)).collect();
            if !missing.is_empty() {
                self.error(SemaError::OutsideActor { what: what.to_string(), needs: missing, span });
            }
            return;
        };
        for &m in needs {
            if !self.handles(a, m) {
                let actor = self.ck.program.actors[a].name.to_string();
                let message = show(self, m);
                let handled = self.handled_names(a);
                self.error(SemaError::NotHandled { actor, message, handled, span });
            }
        }
    }
}
