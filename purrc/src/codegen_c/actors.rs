//! C for actors (docs/actors.md). Everything goes through the actor API of
//! purr.h, so the scheduler behind it can change without changes here.
//!
//! Per message type: a node type `{ purr_msg hdr; M payload; }`, its kind
//! number and a `drop` for undelivered or handled messages. Per actor: the
//! state struct (generated with the other structs), a dispatch function
//! that calls the handler for a message's kind, and a `purr_actor_type`.

use super::program::{uses_actors, Mode};
use super::{FnGen, Val};
use crate::ir::{self, Program, Ty};
use std::fmt::Write;


/// Message kinds are numbered by the checker; C names them `M__KIND`.
fn node_name(program: &Program, sid: ir::StructId) -> String {
    format!("{}__node", program.structs[sid].c_name)
}

impl FnGen<'_, '_> {
    /// The node type of message type `ty`.
    pub(super) fn node_type(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Struct(sid) => node_name(self.g.program, *sid),
            _ => unreachable!("messages are structs"),
        }
    }

    /// Evaluates a message and moves it into a new node; returns the
    /// `purr_msg *` to send.
    pub(super) fn message_node(&mut self, message: &ir::Expr) -> String {
        let Ty::Struct(sid) = message.ty else { unreachable!("sema checked a message") };
        let payload = self.owned(message);
        let node = node_name(self.g.program, sid);
        let c_name = self.g.program.structs[sid].c_name.clone();
        let n = self.fresh();
        self.line(format_args!(
            "{node} *{n} = ({node} *)purr_msg_alloc(sizeof({node}), {c_name}__KIND, {c_name}__drop_node);"
        ));
        self.line(format_args!("{n}->payload = {payload};"));
        format!("&{n}->hdr")
    }

    /// `spawn A { .. }`: the state is built here and moved into the actor.
    pub(super) fn spawn(&mut self, actor: ir::ActorId, fields: &[ir::Expr], ty: &Ty) -> Val {
        let def = &self.g.program.actors[actor];
        let (prefix, state, has_start) = (def.c_name.clone(), def.state, def.start.is_some());
        let vals = self.exprs(&fields.iter().collect::<Vec<_>>());
        let names: Vec<String> = self.g.program.structs[state].fields.iter().map(|(n, _)| super::names::c_ident(n)).collect();
        let inits: Vec<String> = fields
            .iter()
            .zip(vals)
            .zip(&names)
            .map(|((f, v), name)| {
                let v = self.into_owned(v, &f.ty);
                format!(".{name} = {v}")
            })
            .collect();
        let init = if inits.is_empty() { "{0}".to_string() } else { format!("{{ {} }}", inits.join(", ")) };
        let state_c = self.c(&Ty::Struct(state));
        let s = self.fresh();
        self.line(format_args!("{state_c} {s} = {init};"));
        self.temp(ty, &format!("purr_spawn(&{prefix}__type, &{s}, {has_start})"))
    }
}

/// Node types, kinds and drops of every message type, and the table of
/// message names the runtime prints in panic messages.
pub(super) fn message_decls(program: &Program, types: &mut super::TypeTable, mode: Mode) -> String {
    if !uses_actors(program, mode) {
        return String::new();
    }
    let mut out = String::from("\n/* ---- messages ---- */\n");
    let mut names: Vec<(u32, &str)> = vec![(ir::FIRST_USER_MESSAGE_KIND - 1, "start")];
    for (sid, s) in program.structs.iter().enumerate() {
        let Some(kind) = s.message_kind() else { continue };
        names.push((kind, s.name.as_str()));
        if s.kind == ir::StructKind::ActorExited && program.actors.is_empty() {
            continue; // only actors receive it
        }
        let node = node_name(program, sid);
        let ct = &s.c_name;
        writeln!(out, "typedef struct {{ purr_msg hdr; {ct} payload; }} {node};").unwrap();
        writeln!(out, "enum {{ {ct}__KIND = {kind} }};").unwrap();
        if types.has_rc(&Ty::Struct(sid)) {
            let release = types.rc_fn(&Ty::Struct(sid), "release");
            writeln!(
                out,
                "static inline void {ct}__drop_node(purr_msg *m) {{ {release}((({node} *)m)->payload); purr_msg_free(m); }}"
            )
            .unwrap();
        } else {
            writeln!(out, "static inline void {ct}__drop_node(purr_msg *m) {{ purr_msg_free(m); }}").unwrap();
        }
    }
    names.sort();
    let list: Vec<String> = names.iter().map(|(_, n)| super::literals::c_string(n.as_bytes())).collect();
    writeln!(out, "static const char *const purr_message_names[] = {{ {} }};", list.join(", ")).unwrap();
    out
}

/// Each actor's state release, dispatch and `purr_actor_type`.
pub(super) fn actor_decls(program: &Program, types: &mut super::TypeTable, live: &[bool]) -> String {
    if program.actors.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n/* ---- actors ---- */\n");
    for a in &program.actors {
        let p = &a.c_name;
        let state = Ty::Struct(a.state);
        let state_c = types.c(&state);
        if types.has_rc(&state) {
            let release = types.rc_fn(&state, "release");
            writeln!(out, "static void {p}__drop_state(void *state) {{ {release}(*({state_c} *)state); }}").unwrap();
        } else {
            writeln!(out, "static void {p}__drop_state(void *state) {{ (void)state; }}").unwrap();
        }
        writeln!(out, "static void {p}__dispatch(purr_actor *self, purr_msg *m) {{\n    switch (m->kind) {{").unwrap();
        if let Some(f) = a.start.filter(|f| live[*f]) {
            writeln!(out, "    case PURR_KIND_START: {}(self); break;", program.funcs[f].c_name).unwrap();
        }
        for (sid, f) in &a.handlers {
            if !live[*f] {
                continue;
            }
            let s = &program.structs[*sid];
            writeln!(
                out,
                "    case {}__KIND: {}(self, (({} *)m)->payload); break;",
                s.c_name,
                program.funcs[*f].c_name,
                node_name(program, *sid)
            )
            .unwrap();
        }
        writeln!(out, "    default: break;\n    }}\n}}").unwrap();
        writeln!(
            out,
            "static PURR_UNUSED const purr_actor_type {p}__type = {{ {}, sizeof({state_c}), {p}__dispatch, {p}__drop_state }};",
            super::literals::c_string(a.name.as_bytes())
        )
        .unwrap();
    }
    out
}
