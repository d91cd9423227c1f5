//! Actors (docs/language.md §7) and tests/benches (§8): their state, handlers and
//! private functions become IR declarations whose bodies the body pass
//! checks like any function's.

use super::body::FnCtx;
use super::names::{resolve_message, resolve_type, Decls};
use super::{dotted, path_span, Checker, PendingBody, SemaError};
use crate::ast;
use crate::intern::{FxHashMap, Symbol};
use crate::ir::{self, Ty};
use crate::source::Span;
use thin_vec::ThinVec;

pub(super) fn declare<'a>(ck: &mut Checker<'a>, decls: &Decls<'a>) {
    ck.actor_fns = vec![FxHashMap::default(); decls.actors.len()];
    for (id, (actor, ns)) in decls.actors.iter().enumerate() {
        declare_actor(ck, id, actor, *ns);
    }
    for (i, (t, ns, bench)) in decls.tests.iter().enumerate() {
        let name = ast::Ident { name: Symbol::intern(&t.name), span: t.span };
        let (namespace, index) = (*ns, i);
        let kind = if *bench { ir::FuncKind::Bench { namespace, index } } else { ir::FuncKind::Test { namespace, index } };
        let f = add_func(ck, kind, None, vec![], Ty::Void, t.span);
        ck.fn_decls.push(Some(PendingBody { body: t.body.span, name, ns: *ns, actor: None, test: true }));
        let list = if *bench { &mut ck.program.benches } else { &mut ck.program.tests };
        list.push((t.name.clone(), f));
    }
}

fn declare_actor<'a>(ck: &mut Checker<'a>, id: ir::ActorId, actor: &'a ast::ActorDecl, ns: Symbol) {
    let state = state_struct(ck, id, actor, ns);
    ck.program.actors[id].state = state;
    let mut handled: Vec<(ir::StructId, Span)> = vec![];
    for member in &actor.members {
        match member {
            ast::ActorMember::State(_) => {}
            ast::ActorMember::Handler(h) => declare_handler(ck, id, h, ns, &mut handled),
            ast::ActorMember::Fn(f) => {
                let ret = f.ret.as_ref().map_or(Ty::Void, |t| resolve_type(ck, ns, t));
                let locals = f
                    .params
                    .iter()
                    .map(|p| ir::Local { name: p.name.name, ty: resolve_type(ck, ns, &p.ty), mutable: false, span: p.name.span })
                    .collect();
                let fid = add_func(ck, ir::FuncKind::ActorFn(id, f.name.name), Some(id), locals, ret, f.name.span);
                ck.fn_decls.push(Some(PendingBody { body: f.body.span, name: f.name, ns, actor: Some(id), test: false }));
                if let Some(previous) = ck.actor_fns[id].insert(f.name.name, fid) {
                    let previous = ck.program.funcs[previous].span;
                    ck.error(SemaError::Duplicate { what: "function", name: f.name.name.to_string(), span: f.name.span, previous });
                }
            }
        }
    }
}

/// The state struct and the checked default values of its fields.
fn state_struct(ck: &mut Checker, id: ir::ActorId, actor: &ast::ActorDecl, ns: Symbol) -> ir::StructId {
    let mut fields: Vec<(Symbol, Ty)> = vec![];
    let mut defaults = vec![];
    let mut seen: Vec<&ast::Ident> = vec![];
    for member in &actor.members {
        let ast::ActorMember::State(st) = member else { continue };
        if let Some(prev) = seen.iter().find(|p| p.name == st.name.name) {
            ck.error(SemaError::Duplicate { what: "state field", name: st.name.name.to_string(), span: st.name.span, previous: prev.span });
            continue;
        }
        seen.push(&st.name);
        let ty = resolve_type(ck, ns, &st.ty);
        let default = st.default.as_ref().map(|d| FnCtx::new(ck, ns, Ty::Void, vec![]).expect(d, &ty));
        fields.push((st.name.name, ty));
        defaults.push(default);
    }
    let sid = ck.program.structs.len();
    ck.program.structs.push(ir::StructDef {
        name: ir::DeclName { namespace: ns, name: Symbol::intern(&format!("{}.state", actor.name.name)) },
        fields,
        kind: ir::StructKind::State { actor: id },
        span: actor.name.span,
    });
    ck.program.actors[id].defaults = defaults;
    sid
}

fn declare_handler<'a>(
    ck: &mut Checker<'a>,
    id: ir::ActorId,
    h: &'a ast::HandlerDecl,
    ns: Symbol,
    handled: &mut Vec<(ir::StructId, Span)>,
) {
    let Some(message) = &h.message else {
        if let Some(previous) = ck.program.actors[id].start.map(|f| ck.program.funcs[f].span) {
            ck.error(SemaError::DuplicateHandler { message: "start".into(), span: h.span, previous });
            return;
        }
        let f = add_func(ck, ir::FuncKind::Start(id), Some(id), vec![], Ty::Void, h.span);
        let name = ast::Ident { name: Symbol::intern("start"), span: h.span };
        ck.fn_decls.push(Some(PendingBody { body: h.body.span, name, ns, actor: Some(id), test: false }));
        ck.program.actors[id].start = Some(f);
        return;
    };
    let Some(msg) = resolve_message(ck, ns, message) else { return };
    let span = path_span(message);
    if let Some((_, previous)) = handled.iter().find(|(m, _)| *m == msg) {
        ck.error(SemaError::DuplicateHandler { message: dotted(message).to_string(), span, previous: *previous });
        return;
    }
    handled.push((msg, span));
    let param = h.param.unwrap_or(ast::Ident { name: Symbol::intern("_message"), span });
    let local = ir::Local { name: param.name, ty: Ty::Struct(msg), mutable: false, span: param.span };
    let f = add_func(ck, ir::FuncKind::Handler(id, msg), Some(id), vec![local], Ty::Void, h.span);
    let name = ast::Ident { name: dotted(message), span };
    ck.fn_decls.push(Some(PendingBody { body: h.body.span, name, ns, actor: Some(id), test: false }));
    ck.program.actors[id].handlers.push((msg, f));
}

/// Adds a function shell (its body comes later) and returns its id.
fn add_func(ck: &mut Checker, kind: ir::FuncKind, actor: Option<ir::ActorId>, locals: Vec<ir::Local>, ret: Ty, span: Span) -> ir::FuncId {
    let params = (0..locals.len()).collect();
    ck.program.funcs.push(ir::Func {
        kind,
        actor,
        params,
        ret,
        locals,
        needs: vec![],
        body: ir::Block { stmts: ThinVec::new(), value: None, span },
        span,
    });
    ck.program.funcs.len() - 1
}
