//! C for blocks, statements, loops and assignments to places.

use super::exprs::parenthesized;
use super::names::OWNED_BASE;
use super::{FnGen, LevelKind, Val};
use crate::ir::{self, BinaryOp, ExprKind, LocalId, StmtKind, Ty};

impl FnGen<'_, '_> {
    /// Statements, then the value they end in.
    fn stmts_then(&mut self, stmts: &[ir::Stmt], value: Option<&ir::Expr>) -> Option<Val> {
        for s in stmts {
            self.stmt(s);
        }
        value.map(|v| {
            self.line_directive(v.span);
            self.expr(v)
        })
    }

    /// A block in its own C scope; its value (owned) is stored into `dest`.
    pub(super) fn block_into(&mut self, b: &ir::Block, dest: Option<(&str, &Ty)>) {
        self.scope_into(&b.stmts, b.value.as_deref(), dest);
    }

    /// Statements and the value they end in, in their own C scope; the value
    /// (owned) is stored into `dest`.
    pub(super) fn scope_into(&mut self, stmts: &[ir::Stmt], value: Option<&ir::Expr>, dest: Option<(&str, &Ty)>) {
        self.push_level(LevelKind::Scope);
        let v = self.stmts_then(stmts, value);
        if let (Some(v), Some((dest, ty))) = (v, dest) {
            if !matches!(value.map(|e| &e.ty), Some(Ty::Never)) {
                let v = self.into_owned(v, ty);
                self.line(format_args!("{dest} = {v};"));
            }
        }
        self.pop_level();
    }

    pub(super) fn stmt(&mut self, s: &ir::Stmt) {
        self.line_directive(s.span);
        match &s.kind {
            StmtKind::Let(id, e) => {
                self.push_level(LevelKind::Stmt);
                let ty = &self.f.locals[*id].ty;
                let v = if e.ty == Ty::Never {
                    self.expr(e);
                    self.zero(ty)
                } else if let Some(param) = self.owned_param(e) {
                    // Its one use: the parameter moves into the local.
                    self.take(&param);
                    param
                } else {
                    self.owned(e)
                };
                let (ct, name) = (self.c(ty), self.names[*id].clone());
                self.line(format_args!("{ct} {name} = {v};"));
                self.mark_unused(*id);
                self.pop_level();
                self.own(&name, ty);
            }
            StmtKind::Assign(place, op, value) => {
                self.push_level(LevelKind::Stmt);
                self.assign(place, *op, value);
                self.pop_level();
            }
            StmtKind::Expr(e) => {
                self.push_level(LevelKind::Stmt);
                let v = self.expr(e);
                self.discard(v);
                self.pop_level();
            }
            StmtKind::Return(value) => {
                self.push_level(LevelKind::Stmt);
                match value {
                    Some(e) if !matches!(e.ty, Ty::Void | Ty::Never) => {
                        let moved = self.owned_local(e);
                        let v = match &moved {
                            Some(name) => name.clone(),
                            None => {
                                let v = self.returned(e);
                                self.into_owned(v, &e.ty)
                            }
                        };
                        if self.nothing_to_unwind(moved.as_deref()) {
                            self.unwind_except(moved.as_deref());
                            self.line(format_args!("return {v};"));
                        } else {
                            let ct = self.c(&self.f.ret);
                            let t = self.fresh();
                            self.line(format_args!("{ct} {t} = {v};"));
                            self.unwind_except(moved.as_deref());
                            self.line(format_args!("return {t};"));
                        }
                        self.diverged = true;
                    }
                    Some(e) => {
                        self.expr(e);
                        self.unwind(false);
                        // `return f()` where f never returns, in a function
                        // with a result: C still wants a value here.
                        match &self.f.ret {
                            Ty::Void | Ty::Never => self.line("return;"),
                            ret => {
                                let zero = self.zero(&ret.clone());
                                self.line(format_args!("return {zero};"));
                            }
                        }
                    }
                    None => {
                        self.unwind(false);
                        self.line("return;");
                    }
                }
                self.diverged = true;
                self.drop_level();
            }
            StmtKind::Send(send) => {
                let (target, message) = &**send;
                self.push_level(LevelKind::Stmt);
                // The target is evaluated first; a read of it is pinned so
                // that evaluating the message cannot change it.
                let t = self.expr(target);
                let t = self.settle(t, target, &[message]);
                let node = self.message_node(message);
                match &target.ty {
                    Ty::Reply(_) => {
                        let loc = self.loc(s.span);
                        self.line(format_args!("purr_reply_send({}, {node}, {loc});", t.c()));
                    }
                    _ => self.line(format_args!("purr_send({}, {node});", t.c())),
                }
                self.pop_level();
            }
            StmtKind::Break | StmtKind::Continue => {
                self.unwind(true);
                self.line(if matches!(s.kind, StmtKind::Break) { "break;" } else { "continue;" });
                self.diverged = true;
            }
            StmtKind::Loop(body) => {
                self.open("for (;;)");
                self.loop_body(body);
                self.close("");
            }
            StmtKind::While(cond, body) => self.while_loop(cond, body),
            StmtKind::ForRange(id, start, end, body) => {
                self.push_level(LevelKind::Stmt);
                let vals = self.exprs(&[start, end]);
                let ty = &self.f.locals[*id].ty;
                let (ct, name) = (self.c(ty), self.names[*id].clone());
                // The bound is evaluated once, before the first iteration.
                let end = match &end.kind {
                    ExprKind::Int(_) => vals[1].c().to_string(),
                    _ => self.temp(ty, vals[1].c()).c().to_string(),
                };
                self.open(&format!("for ({ct} {name} = {}; {name} < {end}; {name}++)", vals[0].c()));
                self.loop_body(body);
                self.close("");
                self.pop_level();
            }
            StmtKind::ForEach(id, coll, body) => self.for_each(*id, coll, body),
            StmtKind::ForMap(key, val, coll, body) => self.for_map(*key, *val, coll, body),
        }
    }

    pub(super) fn loop_body(&mut self, body: &ir::Block) {
        self.push_level(LevelKind::Loop);
        self.block_into(body, None);
        self.drop_level();
    }

    pub(super) fn while_loop(&mut self, cond: &ir::Expr, body: &ir::Block) {
        // Generate the condition aside: if it needs no statements it goes in
        // the loop head, else it is evaluated at the top of each iteration.
        let saved = std::mem::take(&mut self.out);
        self.indent += 1;
        self.push_level(LevelKind::Stmt);
        let c = self.expr(cond);
        let simple = self.out.is_empty() && self.levels.last().is_some_and(|l| l.owned.is_empty());
        if simple {
            self.drop_level();
            self.indent -= 1;
            self.out = saved;
            self.open(&format!("while {}", parenthesized(c.c())));
        } else {
            let c = self.temp(&Ty::Bool, c.c());
            self.pop_level();
            self.line(format_args!("if (!{}) break;", c.c()));
            self.indent -= 1;
            let cond_code = std::mem::replace(&mut self.out, saved);
            self.open("for (;;)");
            self.out.push_str(&cond_code);
        }
        self.loop_body(body);
        self.close("");
    }

    pub(super) fn for_each(&mut self, id: LocalId, coll: &ir::Expr, body: &ir::Block) {
        self.push_level(LevelKind::Scope);
        let it = self.owned(coll);
        let it_name = self.fresh();
        let ct = self.c(&coll.ty);
        self.line(format_args!("{ct} {it_name} = {it};"));
        self.own(&it_name, &coll.ty);
        let idx = self.fresh();
        let (ety, name) = (self.f.locals[id].ty, self.names[id].clone());
        let ect = self.c(&ety);
        self.open(&format!("for (int64_t {idx} = 0; {idx} < {it_name}->len; {idx}++)"));
        let elem = match coll.ty {
            Ty::Bytes => format!("{it_name}->data[{idx}]"),
            _ => format!("(({ect}*){it_name}->data)[{idx}]"),
        };
        self.line(format_args!("{ect} {name} = {elem};"));
        self.mark_unused(id);
        self.loop_body(body);
        self.close("");
        self.pop_level();
    }

    pub(super) fn for_map(&mut self, key: LocalId, val: Option<LocalId>, coll: &ir::Expr, body: &ir::Block) {
        self.push_level(LevelKind::Scope);
        let it = self.owned(coll);
        let it_name = self.fresh();
        self.line(format_args!("purr_map *{it_name} = {it};"));
        self.own(&it_name, &coll.ty);
        let i = self.fresh();
        self.open(&format!(
            "for (int64_t {i} = purr_map_next({it_name}, -1); {i} >= 0; {i} = purr_map_next({it_name}, {i}))"
        ));
        let kt = self.c(&self.f.locals[key].ty);
        self.line(format_args!("{kt} {} = *({kt}*)purr_map_key_at({it_name}, {i});", self.names[key].clone()));
        self.mark_unused(key);
        if let Some(v) = val {
            let vt = self.c(&self.f.locals[v].ty);
            self.line(format_args!("{vt} {} = *({vt}*)purr_map_val_at({it_name}, {i});", self.names[v].clone()));
            self.mark_unused(v);
        }
        self.loop_body(body);
        self.close("");
        self.pop_level();
    }

    // ----- places -----

    /// Evaluates the index and key expressions along a place, in order.
    pub(super) fn place_operands(&mut self, place: &ir::Place) -> Vec<String> {
        let mut out = vec![];
        for (proj, _) in &place.path {
            match proj {
                ir::Proj::Field(_) => {}
                ir::Proj::Index(e, _) => {
                    let v = self.expr(e);
                    let v = self.temp(&e.ty, v.c());
                    out.push(v.c().to_string());
                }
                ir::Proj::Key(e, _) => {
                    let v = self.expr(e);
                    let ct = self.c(&e.ty);
                    let t = self.fresh();
                    self.line(format_args!("{ct} {t} = {};", v.c()));
                    out.push(t);
                }
            }
        }
        out
    }

    /// The C lvalue a place starts from: a local, or the actor's state.
    pub(super) fn root_lvalue(&mut self, place: &ir::Place) -> String {
        match place.root {
            ir::PlaceRoot::Local(id) => self.names[id].clone(),
            ir::PlaceRoot::State => self.self_state(),
        }
    }

    /// The running actor's state struct as a C lvalue.
    pub(super) fn self_state(&mut self) -> String {
        let actor = self.f.actor.expect("state is only used in actor functions");
        let state = Ty::Struct(self.g.program.actors[actor].state);
        format!("(*({}*)self->state)", self.c(&state))
    }

    /// A C pointer to the place after its first `upto` steps, making every
    /// container on the way unique (copy-on-write).
    pub(super) fn place_ptr(&mut self, place: &ir::Place, upto: usize, operands: &[String]) -> String {
        let mut ptr = format!("&{}", self.root_lvalue(place));
        let mut ty = place.root_ty;
        let mut ops = operands.iter();
        for (proj, next) in &place.path[..upto] {
            ptr = match (proj, &ty) {
                (ir::Proj::Field(i), Ty::Struct(sid)) => format!("&({ptr})->{}", self.g.names.field(*sid, *i)),
                (ir::Proj::Index(_, span), Ty::Bytes) => {
                    let loc = self.loc(*span);
                    format!("purr_bytes_at_mut({ptr}, {}, {loc})", ops.next().expect("operand"))
                }
                (ir::Proj::Index(_, span), _) => {
                    let (ct, loc) = (self.c(next), self.loc(*span));
                    format!("(({ct}*)purr_list_at_mut({ptr}, {}, {loc}))", ops.next().expect("operand"))
                }
                (ir::Proj::Key(_, span), _) => {
                    let (ct, loc) = (self.c(next), self.loc(*span));
                    format!("(({ct}*)purr_map_at_mut({ptr}, &{}, {loc}))", ops.next().expect("operand"))
                }
                (ir::Proj::Field(_), _) => unreachable!("sema only projects fields of structs"),
            };
            ty = *next;
        }
        ptr
    }

    pub(super) fn assign(&mut self, place: &ir::Place, op: Option<BinaryOp>, value: &ir::Expr) {
        let ty = *place.ty();
        if value.ty == Ty::Never {
            self.expr(value);
            return;
        }
        let Some(op) = op else {
            if let Some(x) = self.moves_into_call(place, value) {
                return self.assign_moved(x, value);
            }
            if let Some(field) = self.moves_state_field(place, value) {
                return self.assign_state_moved(place, field, value);
            }
            let v = self.owned(value);
            let operands = self.place_operands(place);
            return self.store(place, &operands, &v, &ty);
        };
        let rhs = self.expr(value);
        let operands = self.place_operands(place);
        let p = if place.path.is_empty() {
            self.root_lvalue(place)
        } else {
            let ptr = self.place_ptr(place, place.path.len(), &operands);
            let ct = self.c(&ty);
            let p = self.fresh();
            self.line(format_args!("{ct}*{p} = {ptr};"));
            format!("(*{p})")
        };
        if op == BinaryOp::StrConcat {
            let old = self.fresh();
            self.line(format_args!("purr_str *{old} = {p};"));
            self.line(format_args!("{p} = purr_str_concat({old}, {});", rhs.c()));
            self.line(format_args!("purr_str_release({old});"));
        } else {
            let combined = self.binary_value(op, &p, rhs.c(), place.span);
            self.line(format_args!("{p} = {combined};"));
        }
    }

    /// `x = f(…x…)` where x moves into the call: its old value belongs to
    /// the callee, so x takes the result without releasing anything, and
    /// owns again.
    fn assign_moved(&mut self, x: ir::LocalId, value: &ir::Expr) {
        self.moving = Some(x);
        let v = self.owned(value);
        self.moving = None;
        let name = self.names[x].clone();
        self.line(format_args!("{name} = {v};"));
        let slot = self.slot_of(&name).expect("a moved var is owned");
        self.line(format_args!("purr_reown({OWNED_BASE} + {slot}, &{name});"));
    }

    /// `self.f = g(…self.f…)` where the field's value moves into the call:
    /// a temporary owns it until the call takes it over, and the field
    /// holds an immortal stand-in meanwhile, so a fault on the way (in an
    /// argument, or in g) releases the value once and leaves the dying
    /// actor's state nothing to release twice.
    fn assign_state_moved(&mut self, place: &ir::Place, field: usize, value: &ir::Expr) {
        let ty = *place.ty();
        let ptr = self.place_ptr(place, 1, &[]);
        let ct = self.c(&ty);
        let p = self.fresh();
        self.line(format_args!("{ct}*{p} = {ptr};"));
        let Val::Temp(taken) = self.temp(&ty, &format!("*{p}")) else { unreachable!("a counted value") };
        let stand_in = super::ownership::vacant(&ty).expect("checked by moves_state_field");
        self.line(format_args!("*{p} = {stand_in};"));
        self.moving_field = Some((field, taken));
        let v = self.owned(value);
        self.moving_field = None;
        self.line(format_args!("*{p} = {v};"));
    }

    /// Stores the owned value `v` into `place`, releasing what was there.
    pub(super) fn store(&mut self, place: &ir::Place, operands: &[String], v: &str, ty: &Ty) {
        let n = place.path.len();
        match place.path.last() {
            Some((ir::Proj::Key(..), _)) => {
                let map = self.place_ptr(place, n - 1, operands);
                let key = operands.last().expect("key operand");
                let ct = self.c(ty);
                let t = self.fresh();
                self.line(format_args!("{ct} {t} = {v};"));
                // The key was evaluated as a borrowed value: the map keeps its own reference.
                let kty = match &place.path[..n - 1].last().map_or(&place.root_ty, |(_, t)| t) {
                    Ty::Map(k, _) => **k,
                    _ => unreachable!("key projection on a map"),
                };
                let k = self.into_owned(Val::Plain(key.clone()), &kty);
                let kt = self.fresh();
                let kct = self.c(&kty);
                self.line(format_args!("{kct} {kt} = {k};"));
                self.line(format_args!("purr_map_set({map}, &{kt}, &{t});"));
            }
            Some((ir::Proj::Index(_, span), _)) if is_bytes_parent(place) => {
                let bytes = self.place_ptr(place, n - 1, operands);
                let loc = self.loc(*span);
                self.line(format_args!("purr_bytes_set({bytes}, {}, {v}, {loc});", operands.last().expect("index")));
            }
            None if !self.has_rc(ty) => {
                let name = self.root_lvalue(place);
                self.line(format_args!("{name} = {v};"));
            }
            _ => {
                let ptr = self.place_ptr(place, n, operands);
                if self.has_rc(ty) {
                    let ct = self.c(ty);
                    let (p, old) = (self.fresh(), self.fresh());
                    self.line(format_args!("{ct}*{p} = {ptr};"));
                    self.line(format_args!("{ct} {old} = *{p};"));
                    self.line(format_args!("*{p} = {v};"));
                    let release = self.g.types.rc_fn(ty, "release");
                    self.line(format_args!("{release}({old});"));
                } else {
                    self.line(format_args!("*{ptr} = {v};"));
                }
            }
        }
    }
}

pub(super) fn is_bytes_parent(place: &ir::Place) -> bool {
    let n = place.path.len();
    let parent = if n >= 2 { &place.path[n - 2].1 } else { &place.root_ty };
    *parent == Ty::Bytes
}
