//! C for actors (docs/actors.md). Everything goes through the actor API of
//! purr.h, so the scheduler behind it can change without changes here.
//!
//! Per message type: a node type `{ purr_msg hdr; M payload; }`, its kind
//! number and a `drop` for undelivered or handled messages. Per actor: the
//! state struct (generated with the other structs), a dispatch function
//! that calls the handler for a message's kind, and a `purr_actor_type`.

use super::names::{helper, CNames, Helper, MESSAGE_NAMES};
use super::program::{uses_actors, Mode};
use super::{FnGen, Val};
use crate::ir::{self, Program, Ty};
use std::fmt::Write;

impl FnGen<'_, '_> {
    /// The node type of message type `ty`.
    pub(super) fn node_type(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Struct(sid) => helper(self.g.names.struct_prefix(*sid), Helper::Node),
            _ => unreachable!("messages are structs"),
        }
    }

    /// Evaluates a message and moves it into a new node; returns the
    /// `purr_msg *` to send.
    pub(super) fn message_node(&mut self, message: &ir::Expr) -> String {
        let Ty::Struct(sid) = message.ty else { unreachable!("sema checked a message") };
        let payload = self.owned(message);
        let prefix = self.g.names.struct_prefix(sid);
        let (node, kind, drop) = (helper(prefix, Helper::Node), helper(prefix, Helper::Kind), helper(prefix, Helper::DropNode));
        let n = self.fresh();
        self.line(format_args!("{node} *{n} = ({node} *)purr_msg_alloc(sizeof({node}), {kind}, {drop});"));
        self.line(format_args!("{n}->payload = {payload};"));
        format!("&{n}->hdr")
    }

    /// `spawn A { .. }`: the state is built here and moved into the actor.
    pub(super) fn spawn(&mut self, actor: ir::ActorId, fields: &[ir::Expr], ty: &Ty) -> Val {
        let def = &self.g.program.actors[actor];
        let (state, has_start) = (def.state, def.start.is_some());
        let names = self.g.names;
        let vals = self.exprs(&fields.iter().collect::<Vec<_>>());
        let inits: Vec<String> = fields
            .iter()
            .zip(vals)
            .enumerate()
            .map(|(i, (f, v))| {
                let v = self.into_owned(v, &f.ty);
                format!(".{} = {v}", names.field(state, i))
            })
            .collect();
        let init = if inits.is_empty() { "{0}".to_string() } else { format!("{{ {} }}", inits.join(", ")) };
        let state_c = self.c(&Ty::Struct(state));
        let s = self.fresh();
        self.line(format_args!("{state_c} {s} = {init};"));
        let actor_type = helper(names.actor(actor), Helper::Type);
        self.temp(ty, &format!("purr_spawn(&{actor_type}, &{s}, {has_start})"))
    }
}

/// Node types, kinds and drops of every message type, and the table of
/// message names the runtime prints in panic messages.
pub(super) fn message_decls(program: &Program, names: &CNames, types: &mut super::TypeTable, mode: Mode) -> String {
    if !uses_actors(program, mode) {
        return String::new();
    }
    let mut out = String::from("\n/* ---- messages ---- */\n");
    let mut message_names: Vec<(u32, String)> = vec![(ir::FIRST_USER_MESSAGE_KIND - 1, "start".into())];
    for (sid, s) in program.structs.iter().enumerate() {
        let Some(kind) = s.message_kind() else { continue };
        message_names.push((kind, s.name.to_string()));
        let (ct, prefix) = (names.struct_c(sid), names.struct_prefix(sid));
        let (node, kind_name, drop) = (helper(prefix, Helper::Node), helper(prefix, Helper::Kind), helper(prefix, Helper::DropNode));
        writeln!(out, "typedef struct {{ purr_msg hdr; {ct} payload; }} {node};").unwrap();
        writeln!(out, "enum {{ {kind_name} = {kind} }};").unwrap();
        if types.has_rc(&Ty::Struct(sid)) {
            let release = types.rc_fn(&Ty::Struct(sid), "release");
            writeln!(out, "static inline void {drop}(purr_msg *m) {{ {release}((({node} *)m)->payload); purr_msg_free(m); }}").unwrap();
        } else {
            writeln!(out, "static inline void {drop}(purr_msg *m) {{ purr_msg_free(m); }}").unwrap();
        }
        if matches!(s.kind, ir::StructKind::Message { external: true, .. }) {
            out.push_str(&message_ctor(program, names, types, sid));
        }
    }
    message_names.sort();
    let list: Vec<String> = message_names.iter().map(|(_, n)| super::literals::c_string(n.as_bytes())).collect();
    writeln!(out, "static const char *const {MESSAGE_NAMES}[] = {{ {} }};", list.join(", ")).unwrap();
    out
}

/// The constructor the runtime calls to build `extern message` `sid`: the
/// fields in declaration order (owned) into a new node.
fn message_ctor(program: &Program, names: &CNames, types: &mut super::TypeTable, sid: ir::StructId) -> String {
    let prefix = names.struct_prefix(sid);
    let (node, kind, drop) = (helper(prefix, Helper::Node), helper(prefix, Helper::Kind), helper(prefix, Helper::DropNode));
    let fields = &program.structs[sid].fields;
    let params: Vec<String> =
        fields.iter().enumerate().map(|(i, (_, t))| format!("{} {}", types.c(t), names.field(sid, i))).collect();
    let inits: Vec<String> = (0..fields.len()).map(|i| format!("n->payload.{0} = {0};", names.field(sid, i))).collect();
    format!(
        "static purr_msg *{}({}) {{\n    {node} *n = ({node} *)purr_msg_alloc(sizeof *n, {kind}, {drop});\n    {}\n    return &n->hdr;\n}}\n",
        helper(prefix, Helper::New),
        if params.is_empty() { "void".to_string() } else { params.join(", ") },
        inits.join("\n    ")
    )
}

/// The generated main's registrations of the constructors of the
/// `extern message`s, by qualified name (runtime-c/src/rtmsg.c).
pub(super) fn message_ctor_registrations(program: &Program, names: &CNames) -> String {
    let mut out = String::new();
    for (sid, s) in program.structs.iter().enumerate() {
        if matches!(s.kind, ir::StructKind::Message { external: true, .. }) {
            let qualified = format!("{}.{}", s.name.namespace, s.name.name);
            let ctor = helper(names.struct_prefix(sid), Helper::New);
            writeln!(out, "    purr_register_message_ctor({}, (purr_msg_ctor){ctor});", super::literals::c_string(qualified.as_bytes())).unwrap();
        }
    }
    out
}

/// Each actor's state release, dispatch and `purr_actor_type`.
pub(super) fn actor_decls(program: &Program, names: &CNames, types: &mut super::TypeTable, live: &[bool]) -> String {
    if program.actors.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n/* ---- actors ---- */\n");
    for (id, a) in program.actors.iter().enumerate() {
        let p = names.actor(id);
        let (drop_state, dispatch) = (helper(p, Helper::DropState), helper(p, Helper::Dispatch));
        let state = Ty::Struct(a.state);
        let state_c = types.c(&state);
        if types.has_rc(&state) {
            let release = types.rc_fn(&state, "release");
            writeln!(out, "static void {drop_state}(void *state) {{ {release}(*({state_c} *)state); }}").unwrap();
        } else {
            writeln!(out, "static void {drop_state}(void *state) {{ (void)state; }}").unwrap();
        }
        writeln!(out, "static void {dispatch}(purr_actor *self, purr_msg *m) {{\n    switch (m->kind) {{").unwrap();
        if let Some(f) = a.start.filter(|f| live[*f]) {
            writeln!(out, "    case PURR_KIND_START: {}(self); break;", names.func_id(f)).unwrap();
        }
        for (sid, f) in &a.handlers {
            if !live[*f] {
                continue;
            }
            let prefix = names.struct_prefix(*sid);
            let (kind, node) = (helper(prefix, Helper::Kind), helper(prefix, Helper::Node));
            writeln!(out, "    case {kind}: {}(self, (({node} *)m)->payload); break;", names.func_id(*f)).unwrap();
        }
        writeln!(out, "    default: break;\n    }}\n}}").unwrap();
        writeln!(
            out,
            "static PURR_UNUSED const purr_actor_type {} = {{ {}, sizeof({state_c}), {dispatch}, {drop_state} }};",
            helper(p, Helper::Type),
            super::literals::c_string(a.name.to_string().as_bytes())
        )
        .unwrap();
    }
    out
}
