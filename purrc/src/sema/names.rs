//! Passes 1 and 2: top-level declarations get ids, then their types
//! (fields, payloads, signatures) are resolved.

use super::{dotted, namespace_of, path_span, Checker, ConstState, Declared, Global, PendingBody, SemaError};
use crate::ast::{self, TypeExpr};
use crate::intern::Symbol;
use crate::ir::{self, ExternPosition, IntTy, Ty};
use crate::source::Span;
use thin_vec::ThinVec;

/// The declarations of one program, grouped by kind, each with its namespace.
pub(super) struct Decls<'a> {
    /// Structs and messages (true for a message).
    pub structs: Vec<(&'a ast::StructDecl, Symbol, bool)>,
    pub enums: Vec<(&'a ast::EnumDecl, Symbol)>,
    pub funcs: Vec<(&'a ast::FnDecl, Symbol)>,
    pub externs: Vec<(&'a ast::ExternFnDecl, Symbol)>,
    pub consts: Vec<(&'a ast::ConstDecl, Symbol)>,
    pub actors: Vec<(&'a ast::ActorDecl, Symbol)>,
    /// Tests and benches (true for a bench).
    pub tests: Vec<(&'a ast::TestDecl, Symbol, bool)>,
}

pub(super) fn collect<'a>(ck: &mut Checker<'a>, files: &'a [ast::File]) -> Decls<'a> {
    let mut decls =
        Decls { structs: vec![], enums: vec![], funcs: vec![], externs: vec![], consts: vec![], actors: vec![], tests: vec![] };
    for file in files {
        let ns = namespace_of(file);
        for item in &file.items {
            match item {
                ast::Item::Struct(s) | ast::Item::Message(s) => {
                    define(ck, ns, &s.name, Global::Struct(decls.structs.len()), s.private);
                    decls.structs.push((s, ns, matches!(item, ast::Item::Message(_))));
                }
                ast::Item::ExternType(t) => {
                    define(ck, ns, &t.name, Global::Handle(ck.program.handles.len()), t.private);
                    ck.program.handles.push(decl_name(ns, &t.name));
                }
                ast::Item::Enum(e) => {
                    define(ck, ns, &e.name, Global::Enum(decls.enums.len()), e.private);
                    decls.enums.push((e, ns));
                }
                ast::Item::Fn(f) => {
                    define(ck, ns, &f.name, Global::Func(decls.funcs.len()), f.private);
                    decls.funcs.push((f, ns));
                }
                ast::Item::ExternFn(f) => {
                    define(ck, ns, &f.name, Global::Extern(decls.externs.len()), f.private);
                    decls.externs.push((f, ns));
                }
                ast::Item::Const(c) => {
                    define(ck, ns, &c.name, Global::Const(decls.consts.len()), c.private);
                    decls.consts.push((c, ns));
                }
                ast::Item::Actor(a) => {
                    define(ck, ns, &a.name, Global::Actor(decls.actors.len()), a.private);
                    decls.actors.push((a, ns));
                }
                ast::Item::Test(t) => decls.tests.push((t, ns, false)),
                ast::Item::Bench(b) => decls.tests.push((b, ns, true)),
                ast::Item::Namespace(_) | ast::Item::Use(_) => {}
            }
        }
    }
    decls
}

fn define(ck: &mut Checker, ns: Symbol, name: &ast::Ident, global: Global, private: bool) {
    let names = ck.globals.entry(ns).or_default();
    if let Some(previous) = names.get(&name.name) {
        let previous = previous.span;
        ck.error(SemaError::Duplicate { what: "name", name: name.name.to_string(), span: name.span, previous });
        return;
    }
    names.insert(name.name, Declared { global, span: name.span, private });
}

pub(super) fn resolve_signatures<'a>(ck: &mut Checker<'a>, decls: &Decls<'a>) {
    // Struct and enum shells first, so that field types can refer to any of them.
    let mut next_kind = ir::FIRST_USER_MESSAGE_KIND;
    for (s, ns, message) in &decls.structs {
        let kind = if *message {
            next_kind += 1;
            ir::StructKind::Message { kind: next_kind - 1, external: s.external }
        } else {
            ir::StructKind::Struct
        };
        ck.program.structs.push(ir::StructDef {
            name: decl_name(*ns, &s.name),
            fields: vec![],
            kind,
            span: s.name.span,
        });
    }
    // Actor shells, so that `mailbox<A>` resolves in any signature.
    for (a, ns) in &decls.actors {
        ck.program.actors.push(ir::ActorDef {
            name: decl_name(*ns, &a.name),
            state: 0,
            defaults: vec![],
            start: None,
            handlers: vec![],
            span: a.name.span,
        });
    }
    for (e, ns) in &decls.enums {
        ck.program.enums.push(ir::EnumDef {
            name: decl_name(*ns, &e.name),
            variants: vec![],
            span: e.name.span,
        });
    }
    for (id, (s, ns, message)) in decls.structs.iter().enumerate() {
        let mut fields: Vec<(Symbol, Ty)> = vec![];
        let mut seen: Vec<&ast::Ident> = vec![];
        for f in &s.fields {
            if let Some(prev) = seen.iter().find(|p| p.name == f.name.name) {
                ck.error(SemaError::Duplicate { what: "field", name: f.name.name.to_string(), span: f.name.span, previous: prev.span });
                continue;
            }
            seen.push(&f.name);
            let ty = resolve_type(ck, *ns, &f.ty);
            if *message && !sendable(&ty) {
                let t = ck.show(&ty);
                ck.error(SemaError::InvalidMessageField { ty: t, span: f.ty.span() });
            }
            fields.push((f.name.name, ty));
        }
        ck.program.structs[id].fields = fields;
    }
    for (id, (e, ns)) in decls.enums.iter().enumerate() {
        let mut variants: Vec<ir::VariantDef> = vec![];
        let mut seen: Vec<&ast::Ident> = vec![];
        for v in &e.variants {
            if let Some(prev) = seen.iter().find(|p| p.name == v.name.name) {
                ck.error(SemaError::Duplicate { what: "variant", name: v.name.name.to_string(), span: v.name.span, previous: prev.span });
                continue;
            }
            seen.push(&v.name);
            let payload = v.payload.iter().map(|t| resolve_type(ck, *ns, t)).collect();
            variants.push(ir::VariantDef { name: v.name.name, payload });
        }
        ck.program.enums[id].variants = variants;
    }
    check_recursive_structs(ck);

    for (f, ns) in &decls.funcs {
        let ret = f.ret.as_ref().map_or(Ty::Void, |t| resolve_type(ck, *ns, t));
        let needs = f.needs.iter().filter_map(|path| resolve_message(ck, *ns, path)).collect();
        let mut locals = vec![];
        let mut params = vec![];
        for p in &f.params {
            if let Some(prev) = locals.iter().find(|l: &&ir::Local| l.name == p.name.name) {
                ck.error(SemaError::Duplicate { what: "parameter", name: p.name.name.to_string(), span: p.name.span, previous: prev.span });
            }
            params.push(locals.len());
            let ty = resolve_type(ck, *ns, &p.ty);
            locals.push(ir::Local { name: p.name.name, ty, mutable: false, span: p.name.span });
        }
        ck.program.funcs.push(ir::Func {
            kind: ir::FuncKind::Top(decl_name(*ns, &f.name)),
            actor: None,
            params,
            ret,
            locals,
            needs,
            body: ir::Block { stmts: ThinVec::new(), value: None, span: f.body.span },
            span: f.name.span,
        });
        ck.fn_decls.push(Some(PendingBody { body: f.body.span, name: f.name, ns: *ns, actor: None, test: false }));
    }
    for (f, ns) in &decls.externs {
        let abi = if f.runtime_abi { ir::Abi::Runtime } else { ir::Abi::C };
        let mut params = vec![];
        for p in &f.params {
            let ty = resolve_type(ck, *ns, &p.ty);
            if ty != Ty::Error && ty.extern_c_type(abi, ExternPosition::Param).is_none() {
                let t = ck.show(&ty);
                ck.error(SemaError::InvalidExternType { ty: t, span: p.ty.span(), ret: false });
            }
            params.push(ty);
        }
        let ret = f.ret.as_ref().map_or(Ty::Void, |t| resolve_type(ck, *ns, t));
        if ret != Ty::Error && ret.extern_c_type(abi, ExternPosition::Return).is_none() {
            let t = ck.show(&ret);
            let span = f.ret.as_ref().map_or(f.name.span, |t| t.span());
            ck.error(SemaError::InvalidExternType { ty: t, span, ret: true });
        }
        ck.program.externs.push(ir::ExternFunc { name: decl_name(*ns, &f.name), abi, params, ret, span: f.name.span });
    }
    ck.consts = decls.consts.iter().map(|(c, ns)| ConstState::Pending(c, *ns)).collect();
}

/// The message type a path names (in a `needs` clause or a handler), or
/// the error that it names none.
pub(super) fn resolve_message(ck: &mut Checker, ns: Symbol, path: &[ast::Ident]) -> Option<ir::StructId> {
    match ck.resolve(ns, path) {
        Some((Global::Struct(sid), _)) if ck.program.structs[sid].message_kind().is_some() => Some(sid),
        Some((Global::Struct(sid), _)) => {
            let ty = ck.program.structs[sid].name.to_string();
            ck.error(SemaError::NotAMessage { ty, span: path_span(path) });
            None
        }
        Some(_) => {
            ck.error(SemaError::NotAMessage { ty: dotted(path).to_string(), span: path_span(path) });
            None
        }
        _ => {
            match path {
                [alias, _] if ck.alias(alias).is_none() => {
                    let hint = Some(format!("no `use` in this file binds `{}`", alias.name));
                    ck.error(SemaError::UnknownName { name: alias.name.to_string(), span: alias.span, hint });
                }
                _ => ck.error(SemaError::UnknownType { name: dotted(path).to_string(), span: path_span(path) }),
            }
            None
        }
    }
}

fn decl_name(ns: Symbol, name: &ast::Ident) -> ir::DeclName {
    ir::DeclName { namespace: ns, name: name.name }
}

/// Resolves a written type in the context of namespace `ns`.
pub(super) fn resolve_type(ck: &mut Checker, ns: Symbol, t: &TypeExpr) -> Ty {
    match t {
        TypeExpr::Named { path, span } => {
            if let [single] = path.as_slice() {
                if let Some(ty) = scalar_type(&single.name) {
                    return ty;
                }
            }
            match ck.resolve(ns, path) {
                Some((Global::Struct(id), _)) => return Ty::Struct(id),
                Some((Global::Enum(id), _)) => return Ty::Enum(id),
                Some((Global::Handle(id), _)) => return Ty::Handle(id),
                _ => {}
            }
            let name = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
            ck.error(SemaError::UnknownType { name, span: *span });
            Ty::Error
        }
        TypeExpr::Generic { name, args, span } => {
            let arity = match name.name.as_str() {
                "list" | "option" => 1,
                "map" | "result" => 2,
                "mailbox" | "reply" | "probe" => 1,
                _ => {
                    ck.error(SemaError::UnknownType { name: name.name.to_string(), span: name.span });
                    return Ty::Error;
                }
            };
            if args.len() != arity {
                ck.error(SemaError::ArgCount { callee: format!("{}<..>", name.name), expected: arity, found: args.len(), span: *span });
                return Ty::Error;
            }
            let targs = args;
            // An actor is not a type: `mailbox<A>` names it directly.
            let args: Vec<Ty> = if name.name == "mailbox" {
                vec![Ty::Void]
            } else {
                args.iter().map(|a| resolve_type(ck, ns, a)).collect()
            };
            match name.name.as_str() {
                "mailbox" => match (&args[0], &targs[0]) {
                    (Ty::Error, _) => Ty::Error,
                    (_, TypeExpr::Named { path, span }) => match ck.resolve(ns, path) {
                        Some((Global::Actor(a), _)) => Ty::Mailbox(a),
                        _ => {
                            let name = path.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".");
                            ck.error(SemaError::NotAnActor { name, span: *span });
                            Ty::Error
                        }
                    },
                    (_, t) => {
                        ck.error(SemaError::NotAnActor { name: "this type".into(), span: t.span() });
                        Ty::Error
                    }
                },
                "reply" | "probe" => {
                    let is_message = matches!(&args[0], Ty::Struct(id) if ck.program.structs[*id].message_kind().is_some());
                    if !is_message && args[0] != Ty::Error {
                        let t = ck.show(&args[0]);
                        ck.error(SemaError::NotAMessage { ty: t, span: targs[0].span() });
                    }
                    if name.name == "reply" { Ty::Reply(args[0].into()) } else { Ty::Probe(args[0].into()) }
                }
                "list" => Ty::List(args[0].into()),
                "option" => Ty::Option(args[0].into()),
                "result" => Ty::Result(args[0].into(), args[1].into()),
                _ => {
                    if !is_map_key(&args[0]) {
                        let ty = ck.show(&args[0]);
                        ck.error(SemaError::InvalidMapKey { ty, span: *span });
                    }
                    Ty::Map(args[0].into(), args[1].into())
                }
            }
        }
        TypeExpr::Fn { params, ret, .. } => {
            let params: Vec<Ty> = params.iter().map(|p| resolve_type(ck, ns, p)).collect();
            let ret = ret.as_ref().map_or(Ty::Void, |r| resolve_type(ck, ns, r));
            Ty::Fn(params.as_slice().into(), ret.into())
        }
    }
}

/// Whether a value of `ty` may travel in a message: not functions or
/// C pointers, anywhere inside it.
pub(super) fn sendable(ty: &Ty) -> bool {
    match ty {
        Ty::Fn(..) | Ty::Ptr | Ty::Probe(_) => false,
        Ty::List(t) | Ty::Option(t) | Ty::Reply(t) => sendable(t),
        Ty::Map(k, v) | Ty::Result(k, v) => sendable(k) && sendable(v),
        _ => true,
    }
}

pub(super) fn is_map_key(ty: &Ty) -> bool {
    matches!(ty, Ty::Int(_) | Ty::Bool | Ty::Str | Ty::Error)
}

pub(super) fn scalar_type(name: &str) -> Option<Ty> {
    Some(match name {
        "i8" => Ty::Int(IntTy::I8),
        "i16" => Ty::Int(IntTy::I16),
        "i32" => Ty::Int(IntTy::I32),
        "i64" => Ty::Int(IntTy::I64),
        "u8" => Ty::Int(IntTy::U8),
        "u16" => Ty::Int(IntTy::U16),
        "u32" => Ty::Int(IntTy::U32),
        "u64" => Ty::Int(IntTy::U64),
        "f64" => Ty::F64,
        "bool" => Ty::Bool,
        "void" => Ty::Void,
        "string" => Ty::Str,
        "bytes" => Ty::Bytes,
        "ptr" => Ty::Ptr,
        _ => return None,
    })
}

/// A struct may not contain itself by value (directly, through other structs,
/// or through option/result, which are stored inline). Enums, lists and maps
/// are references, so they break cycles.
fn check_recursive_structs(ck: &mut Checker) {
    fn reaches(program: &ir::Program, ty: &Ty, target: usize, seen: &mut Vec<usize>) -> bool {
        match ty {
            Ty::Struct(id) => {
                if *id == target {
                    return true;
                }
                if seen.contains(id) {
                    return false;
                }
                seen.push(*id);
                program.structs[*id].fields.iter().any(|(_, t)| reaches(program, t, target, seen))
            }
            Ty::Option(t) => reaches(program, t, target, seen),
            Ty::Result(t, e) => reaches(program, t, target, seen) || reaches(program, e, target, seen),
            _ => false,
        }
    }
    for id in 0..ck.program.structs.len() {
        let s = &ck.program.structs[id];
        if s.fields.iter().any(|(_, t)| reaches(&ck.program, t, id, &mut vec![])) {
            let (name, span) = (s.name.to_string(), s.span);
            ck.error(SemaError::RecursiveType { name, span });
        }
    }
}

/// The declaration `name` in namespace `main`, else the only one in any namespace.
fn find_unique(ck: &Checker, name: &str, wanted: impl Fn(&Global) -> bool) -> Option<(Global, Span)> {
    let name = Symbol::intern(name);
    if let Some(found) = ck.lookup(Symbol::intern("main"), name).filter(|(g, _)| wanted(g)) {
        return Some(found);
    }
    let mut all: Vec<(Global, Span)> =
        ck.globals.values().filter_map(|names| names.get(&name)).map(|d| (d.global, d.span)).filter(|(g, _)| wanted(g)).collect();
    all.sort_by_key(|(_, span)| (span.file, span.start));
    all.into_iter().next()
}

fn set_entry(ck: &mut Checker, id: usize, span: Span) {
    ck.program.entry = Some(id);
    let f = &ck.program.funcs[id];
    if !f.params.is_empty() || !matches!(f.ret, Ty::Void) {
        ck.error(SemaError::InvalidEntry { span });
    }
}

/// Records `fn main()` as the entry point: the one in namespace `main`, or
/// else the only `fn main` of the program; reports none or several.
pub(super) fn check_entry(ck: &mut Checker, required: bool) {
    let main_actor = find_unique(ck, "Main", |g| matches!(g, Global::Actor(_)));
    if let Some((Global::Actor(a), span)) = main_actor {
        ck.program.main_actor = Some(a);
        // `actor Main` is spawned with its defaults: every field needs one.
        let state = &ck.program.structs[ck.program.actors[a].state];
        let missing: Vec<String> = state
            .fields
            .iter()
            .zip(&ck.program.actors[a].defaults)
            .filter(|(_, d)| d.is_none())
            .map(|((n, _), _)| n.to_string())
            .collect();
        if !missing.is_empty() {
            ck.error(SemaError::MissingState { actor: "Main".into(), fields: missing, span });
        }
        if let Some((_, previous)) = find_unique(ck, "main", |g| matches!(g, Global::Func(_))) {
            ck.error(SemaError::TwoEntries { span, previous });
        }
        return;
    }
    if !required && find_unique(ck, "main", |g| matches!(g, Global::Func(_))).is_none() {
        return;
    }
    let main = Symbol::intern("main");
    if let Some((Global::Func(id), span)) = ck.lookup(main, main) {
        set_entry(ck, id, span);
        return;
    }
    let mut mains: Vec<(Symbol, usize, Span)> = ck
        .globals
        .iter()
        .filter_map(|(ns, names)| match names.get(&main) {
            Some(Declared { global: Global::Func(id), span, .. }) => Some((*ns, *id, *span)),
            _ => None,
        })
        .collect();
    mains.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    match mains.as_slice() {
        [(_, id, span)] => set_entry(ck, *id, *span),
        [] => ck.error(SemaError::MissingEntry { span: Span::default() }),
        [(_, _, first), (_, _, second), ..] => {
            let (first, second) = (*first, *second);
            ck.error(SemaError::Duplicate { what: "entry point", name: "main".into(), span: second, previous: first });
        }
    }
}

