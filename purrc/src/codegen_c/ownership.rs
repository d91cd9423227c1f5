//! Ownership in generated C: which names own a reference at each point
//! (levels: scopes, statements, loops), releasing them when control leaves
//! a level, moving a temporary out, and evaluating operands left to right
//! without letting a later operand change an earlier one.
//!
//! Every owned name is also registered on the runtime's owned stack
//! (purr.h) while it owns, so that a panic that abandons the function's
//! frame releases it: `purr_own` when the name takes its value,
//! `purr_disown` when the value moves out, `purr_owned_pop` when its level
//! ends. Entries are numbered from the function's base `purr_fb` in the
//! order names are owned; a level's entries follow its parent's, so ending
//! a level is one store.

use super::names::OWNED_BASE;
use super::{FnGen, Level, LevelKind, Owned, Val};
use crate::ir::visit::{walk_expr, Visitor};
use crate::ir::{self, ExprKind, StmtKind, Ty};

impl FnGen<'_, '_> {
    pub(super) fn push_level(&mut self, kind: LevelKind) {
        self.levels.push(Level { kind, owned: vec![], first_slot: self.next_slot });
    }

    /// Ends the innermost level: releases what it owns.
    pub(super) fn pop_level(&mut self) {
        let level = self.levels.pop().expect("level stack balanced");
        self.release_all(&level.owned);
        self.pop_owned_to(level.first_slot);
    }

    /// Ends the innermost level where nothing is left to release (it owns
    /// nothing, or control cannot reach its end).
    pub(super) fn drop_level(&mut self) {
        let level = self.levels.pop().expect("level stack balanced");
        self.next_slot = level.first_slot;
    }

    pub(super) fn release_all(&mut self, owned: &[Owned]) {
        if self.diverged {
            return;
        }
        for o in owned.iter().rev() {
            let f = self.g.types.rc_fn(&o.ty, "release");
            self.line(format_args!("{f}({});", o.name));
        }
    }

    /// Drops the owned-stack entries from `slot` on (their values were
    /// released or moved) and makes `slot` the next free one.
    pub(super) fn pop_owned_to(&mut self, slot: usize) {
        if self.next_slot > slot && !self.diverged {
            if slot == 0 {
                self.line(format_args!("purr_owned_pop({OWNED_BASE});"));
            } else {
                self.line(format_args!("purr_owned_pop({OWNED_BASE} + {slot});"));
            }
        }
        self.next_slot = slot;
    }

    /// Records that the innermost level owns `name` (declared just before).
    pub(super) fn own(&mut self, name: &str, ty: &Ty) {
        if !self.has_rc(ty) {
            return;
        }
        let slot = self.next_slot;
        self.next_slot += 1;
        self.max_slots = self.max_slots.max(self.next_slot);
        let owned = Owned { name: name.to_string(), ty: *ty, slot };
        let line = self.own_line(&owned);
        self.out.push_str(&line);
        self.levels.last_mut().expect("inside a level").owned.push(owned);
    }

    /// The indented line that registers `o` on the owned stack.
    fn own_line(&mut self, o: &Owned) -> String {
        let desc = self.g.types.descriptor(&o.ty);
        format!("{}purr_own({OWNED_BASE} + {}, &{}, {desc});\n", "    ".repeat(self.indent), o.slot, o.name)
    }

    /// Declares the result of `init` as a temporary; owned when it holds references.
    pub(super) fn temp(&mut self, ty: &Ty, init: &str) -> Val {
        let ct = self.c(ty);
        let t = self.fresh();
        self.line(format_args!("{ct} {t} = {init};"));
        if self.has_rc(ty) {
            self.own(&t, ty);
            Val::Temp(t)
        } else {
            Val::Plain(t)
        }
    }

    /// Whether the current function takes its `i`th parameter owned
    /// (params.rs).
    pub(super) fn takes_owned(&self, i: usize) -> bool {
        self.id.is_some_and(|id| self.g.owned_params[id][i])
    }

    /// The owned parameter that `e` names (its one use moves it).
    pub(super) fn owned_param(&self, e: &ir::Expr) -> Option<String> {
        let ExprKind::Local(id) = e.kind else { return None };
        let i = self.f.params.iter().position(|&p| p == id)?;
        self.takes_owned(i).then(|| self.names[id].clone())
    }

    /// The argument `a` (evaluated to `v`) for a parameter the callee takes
    /// owned: the `var` being moved into this call (its entry disowned: the
    /// callee's own entry releases it should the call panic), or a
    /// reference of its own.
    pub(super) fn lend(&mut self, a: &ir::Expr, v: Val) -> String {
        if let Some((field, taken)) = self.moving_field.clone() {
            if is_state_field(a, field) {
                self.take(&taken);
                return taken;
            }
        }
        match (self.moving, &a.kind) {
            (Some(x), ExprKind::Local(id)) if x == *id => {
                let name = self.names[x].clone();
                let slot = self.slot_of(&name).expect("a moved var is owned");
                self.line(format_args!("purr_disown({OWNED_BASE} + {slot});"));
                name
            }
            // An owned parameter's one use, or a local's last in a returned
            // value: the reference moves on.
            (_, ExprKind::Local(id)) if self.owned_param(a).is_some() || self.last_uses.contains(id) => {
                let name = self.names[*id].clone();
                if self.slot_of(&name).is_none() {
                    return self.into_owned(v, &a.ty);
                }
                self.take(&name);
                name
            }
            _ => self.into_owned(v, &a.ty),
        }
    }

    /// The value a `return` (or the body's last expression) hands back:
    /// the locals it reads once are read for the last time, so an owned
    /// parameter of a call in it takes them over instead of a copy.
    pub(super) fn returned(&mut self, e: &ir::Expr) -> Val {
        struct Reads(Vec<(ir::LocalId, usize)>);
        impl Visitor for Reads {
            fn expr(&mut self, e: &ir::Expr) {
                if let ExprKind::Local(l) = e.kind {
                    match self.0.iter_mut().find(|(id, _)| *id == l) {
                        Some((_, n)) => *n += 1,
                        None => self.0.push((l, 1)),
                    }
                }
            }
        }
        let mut reads = Reads(vec![]);
        walk_expr(&mut reads, e);
        self.last_uses = reads.0.into_iter().filter(|&(_, n)| n == 1).map(|(l, _)| l).collect();
        let v = self.expr(e);
        self.last_uses.clear();
        v
    }

    /// In `x = f(…x…)`, the `var` x when it can move into the call (f takes
    /// that parameter owned and x appears once among the arguments, none of
    /// which can change it): the old value then has one owner throughout.
    /// Also `x = if c { f(…x…) } else { g(…x…) }` (else-ifs too), each
    /// branch only such a call and c not reading x: whichever branch runs
    /// moves x into its call.
    pub(super) fn moves_into_call(&self, place: &ir::Place, value: &ir::Expr) -> Option<ir::LocalId> {
        let ir::PlaceRoot::Local(x) = place.root else { return None };
        if !place.path.is_empty() || value.ty != place.root_ty || self.slot_of(&self.names[x]).is_none() {
            return None;
        }
        self.hands_on(value, x).then_some(x)
    }

    /// In `self.f = g(…self.f…)`, the field f when its value can move into
    /// the call: g is a top-level fn (an actor's own fn could read the
    /// state while the field is lent), it takes that parameter owned, and
    /// self.f is read once among the arguments, none of which can change
    /// anything. The field holds an immortal stand-in meanwhile.
    pub(super) fn moves_state_field(&self, place: &ir::Place, value: &ir::Expr) -> Option<usize> {
        let [(ir::Proj::Field(field), _)] = place.path.as_slice() else { return None };
        let ExprKind::Call(f, args) = &value.kind else { return None };
        let top = matches!(self.g.program.funcs[*f].kind, ir::FuncKind::Top(_));
        if place.root != ir::PlaceRoot::State || !top || value.ty != *place.ty() || vacant(place.ty()).is_none() {
            return None;
        }
        let calls_in = args.iter().any(|a| self.calls_actor_fn(a));
        let lent = self.lends_once(*f, args, |a| is_state_field(a, *field), |a| state_field_reads(a, *field));
        (lent && !calls_in).then_some(*field)
    }

    /// Whether the call f(args) takes over a value: one argument is it
    /// (`is_it`), for a parameter f takes owned; no argument reads it
    /// besides (`reads`); and none can change anything.
    fn lends_once(
        &self,
        f: ir::FuncId,
        args: &[ir::Expr],
        is_it: impl Fn(&ir::Expr) -> bool,
        reads: impl Fn(&ir::Expr) -> usize,
    ) -> bool {
        let owned = &self.g.owned_params[f];
        let lent = args.iter().zip(owned).any(|(a, &o)| o && is_it(a));
        lent && args.iter().map(reads).sum::<usize>() == 1 && !args.iter().any(may_mutate)
    }

    /// Whether evaluating `e` may call one of the actor's own fns (directly
    /// or through a function value), which could read a state field while
    /// it is lent.
    fn calls_actor_fn(&self, e: &ir::Expr) -> bool {
        struct Finder<'p>(&'p ir::Program, bool);
        impl Visitor for Finder<'_> {
            fn expr(&mut self, e: &ir::Expr) {
                match e.kind {
                    ExprKind::Call(f, _) => self.1 |= !matches!(self.0.funcs[f].kind, ir::FuncKind::Top(_)),
                    ExprKind::CallValue(..) => self.1 = true,
                    _ => {}
                }
            }
        }
        let mut finder = Finder(self.g.program, false);
        walk_expr(&mut finder, e);
        finder.1
    }

    /// Whether evaluating `value` moves x into exactly one call whatever
    /// path it takes (moves_into_call).
    fn hands_on(&self, value: &ir::Expr, x: ir::LocalId) -> bool {
        match &value.kind {
            ExprKind::Call(f, args) => {
                self.lends_once(*f, args, |a| matches!(a.kind, ExprKind::Local(l) if l == x), |a| local_reads(a, x))
            }
            ExprKind::If(i) => {
                let branch = |b: &ir::Block| b.stmts.is_empty() && b.value.as_deref().is_some_and(|v| self.hands_on(v, x));
                local_reads(&i.cond, x) == 0 && !may_mutate(&i.cond) && branch(&i.then) && i.otherwise.as_ref().is_some_and(branch)
            }
            _ => false,
        }
    }

    /// The owned-stack entry of owned `name`.
    pub(super) fn slot_of(&self, name: &str) -> Option<usize> {
        self.levels.iter().flat_map(|l| &l.owned).find(|o| o.name == name).map(|o| o.slot)
    }

    /// Removes a temporary from the levels: its reference moves to the caller.
    pub(super) fn take(&mut self, name: &str) {
        let Some((l, i)) = self
            .levels
            .iter()
            .enumerate()
            .rev()
            .find_map(|(l, level)| level.owned.iter().position(|o| o.name == name).map(|i| (l, i)))
        else {
            return;
        };
        let owned = self.levels[l].owned.remove(i);
        let slot = owned.slot;
        // Taken right after it was owned (`T t = f(); T x = t;`): nothing
        // could panic in between, so it need not have been registered.
        let own_line = self.own_line(&owned);
        if slot + 1 == self.next_slot && self.out.ends_with(&own_line) {
            self.out.truncate(self.out.len() - own_line.len());
            self.next_slot = slot;
        } else {
            self.line(format_args!("purr_disown({OWNED_BASE} + {slot});"));
        }
    }

    /// Releases what a jump out of the innermost loop (or, with
    /// `to_loop = false`, out of the function) leaves behind.
    pub(super) fn unwind(&mut self, to_loop: bool) {
        self.unwind_levels(to_loop, None);
    }

    /// Releases everything the function owns except `moved` (returned).
    pub(super) fn unwind_except(&mut self, moved: Option<&str>) {
        self.unwind_levels(false, moved);
    }

    pub(super) fn nothing_to_unwind(&self, moved: Option<&str>) -> bool {
        self.levels.iter().all(|l| l.owned.iter().all(|o| Some(o.name.as_str()) == moved))
    }

    /// Releases what the levels up to the innermost loop (or all of them)
    /// own, except `moved`, and drops their owned-stack entries. The levels
    /// stay: code after the jump is unreachable.
    pub(super) fn unwind_levels(&mut self, to_loop: bool, moved: Option<&str>) {
        let mut owned = vec![];
        let mut boundary = 0;
        for level in self.levels.iter().rev() {
            if to_loop && level.kind == LevelKind::Loop {
                boundary = level.first_slot;
                break;
            }
            owned.extend(level.owned.iter().rev().filter(|o| Some(o.name.as_str()) != moved).cloned());
        }
        owned.reverse();
        self.release_all(&owned);
        let next = self.next_slot;
        self.pop_owned_to(boundary);
        self.next_slot = next;
    }

    /// If `e` is a local the function owns, its name: a returned local moves
    /// out instead of being retained and then released.
    pub(super) fn owned_local(&self, e: &ir::Expr) -> Option<String> {
        let ExprKind::Local(id) = e.kind else { return None };
        let name = self.names[id].clone();
        let owned = self.levels.iter().any(|l| l.owned.iter().any(|o| o.name == name));
        owned.then_some(name)
    }

    /// Makes `v` an owned C expression (one reference the caller must store
    /// or release).
    pub(super) fn into_owned(&mut self, v: Val, ty: &Ty) -> String {
        match v {
            Val::Temp(t) => {
                self.take(&t);
                t
            }
            Val::Plain(c) if self.has_rc(ty) => {
                let ct = self.c(ty);
                let t = self.fresh();
                let retain = self.g.types.rc_fn(ty, "retain");
                self.line(format_args!("{ct} {t} = {c};"));
                self.line(format_args!("{retain}({t});"));
                t
            }
            Val::Plain(c) => c,
        }
    }

    pub(super) fn owned(&mut self, e: &ir::Expr) -> String {
        let v = self.expr(e);
        self.into_owned(v, &e.ty)
    }

    /// Evaluates expressions left to right. A borrowed value is pinned (given
    /// its own reference, or copied if scalar) when a later expression could
    /// change the variable it was read from.
    pub(super) fn exprs(&mut self, es: &[&ir::Expr]) -> Vec<Val> {
        let mut out = vec![];
        for (i, e) in es.iter().enumerate() {
            let v = self.expr(e);
            out.push(self.settle(v, e, &es[i + 1..]));
        }
        out
    }

    /// Makes the value of `e` safe to use after evaluating `later`: a
    /// borrowed read gets its own reference (or a copy, if scalar) when a
    /// later expression could change the variable it came from, and a read
    /// that can fault (`xs[i]`) runs now, before the operands to its right,
    /// as Purr's evaluation order says.
    pub(super) fn settle(&mut self, v: Val, e: &ir::Expr, later: &[&ir::Expr]) -> Val {
        match v {
            _ if matches!(e.ty, Ty::Void | Ty::Never) => v,
            Val::Plain(c) if later.iter().any(|l| may_mutate(l)) => {
                let owned = self.into_owned(Val::Plain(c), &e.ty);
                if self.has_rc(&e.ty) {
                    self.own(&owned, &e.ty);
                    Val::Temp(owned)
                } else {
                    self.temp(&e.ty, &owned)
                }
            }
            Val::Plain(c) if !is_pure(e) && !later.iter().all(|l| is_pure(l)) => {
                let ct = self.c(&e.ty);
                let t = self.fresh();
                self.line(format_args!("{ct} {t} = {c};"));
                Val::Plain(t)
            }
            v => v,
        }
    }
}

/// Whether evaluating `e` may assign to a local variable of the current
/// function (only assignments inside blocks and mutating builtins can).
pub(super) fn may_mutate(e: &ir::Expr) -> bool {
    struct Finder(bool);
    impl Visitor for Finder {
        fn stmt(&mut self, s: &ir::Stmt) {
            self.0 |= matches!(s.kind, StmtKind::Assign(..));
        }
        fn expr(&mut self, e: &ir::Expr) {
            self.0 |= matches!(e.kind, ExprKind::Builtin(b, _) if b.mutates_first_arg());
        }
    }
    let mut finder = Finder(false);
    walk_expr(&mut finder, e);
    finder.0
}

/// Expressions whose C form has no effect and cannot fault, so it does not
/// matter when C evaluates them.
pub(super) fn is_pure(e: &ir::Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::Nil
        | ExprKind::Local(_)
        | ExprKind::FnRef(_)
        | ExprKind::SelfActor
        | ExprKind::SelfState => true,
        ExprKind::Field(b, _) | ExprKind::Unary(_, b) | ExprKind::Cast(b) => is_pure(b),
        ExprKind::Binary(op, a, b) => !op.may_fault() && is_pure(a) && is_pure(b),
        _ => false,
    }
}

/// The immortal stand-in for a state field of type `ty` while its value is
/// lent (purr.h), for the types a callee takes owned.
pub(super) fn vacant(ty: &Ty) -> Option<&'static str> {
    match ty {
        Ty::Str => Some("&purr__vacant_str"),
        Ty::Bytes => Some("&purr__vacant_bytes"),
        Ty::List(_) => Some("&purr__vacant_list"),
        Ty::Map(..) => Some("&purr__vacant_map"),
        _ => None,
    }
}

/// Whether `e` is `self.field`.
fn is_state_field(e: &ir::Expr, field: usize) -> bool {
    matches!(&e.kind, ExprKind::Field(base, i) if *i == field && matches!(base.kind, ExprKind::SelfState))
}

/// How many times `e` reads the state field `field`; a read of the whole
/// state (anything but one of its fields) counts too.
fn state_field_reads(e: &ir::Expr, field: usize) -> usize {
    struct Reads {
        field: usize,
        of_field: usize,
        of_any_field: usize,
        of_state: usize,
    }
    impl Visitor for Reads {
        fn expr(&mut self, e: &ir::Expr) {
            match &e.kind {
                ExprKind::Field(base, i) if matches!(base.kind, ExprKind::SelfState) => {
                    self.of_any_field += 1;
                    self.of_field += usize::from(*i == self.field);
                }
                ExprKind::SelfState => self.of_state += 1,
                _ => {}
            }
        }
    }
    let mut reads = Reads { field, of_field: 0, of_any_field: 0, of_state: 0 };
    walk_expr(&mut reads, e);
    reads.of_field + (reads.of_state - reads.of_any_field)
}

/// How many times `e` reads local `x`.
pub(super) fn local_reads(e: &ir::Expr, x: ir::LocalId) -> usize {
    struct Count(ir::LocalId, usize);
    impl Visitor for Count {
        fn expr(&mut self, e: &ir::Expr) {
            if matches!(e.kind, ExprKind::Local(l) if l == self.0) {
                self.1 += 1;
            }
        }
    }
    let mut count = Count(x, 0);
    walk_expr(&mut count, e);
    count.1
}
