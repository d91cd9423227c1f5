//! C representations of Purr types, and the per-type helpers generated code
//! needs: struct/option/result definitions, retain/release functions, enum
//! constructors and container element descriptors.
//!
//! Representation (see also runtime-c/include/purr.h):
//! - scalars are C scalars; `string`, `bytes`, `list`, `map` are pointers to
//!   reference-counted runtime objects;
//! - structs, options and results are C structs held by value; copying one
//!   retains the heap values inside it;
//! - enums without payloads are `uint32_t` tags; other enums are pointers to
//!   immutable reference-counted nodes (so they may be recursive);
//! - function values are C function pointers.

use crate::ir::{self, Program, Ty};
use std::collections::HashSet;
use std::fmt::Write;

/// Collects the types a program uses and emits their definitions in an order
/// C accepts (a by-value member is defined before its container).
pub struct TypeTable<'p> {
    program: &'p Program,
    /// Option/result/fn types in first-use order, by mangled name.
    instances: Vec<Ty>,
    seen: HashSet<String>,
    /// Types whose element descriptor is needed.
    descriptors: Vec<Ty>,
    descriptor_seen: HashSet<String>,
}

impl<'p> TypeTable<'p> {
    pub fn new(program: &'p Program) -> Self {
        TypeTable { program, instances: vec![], seen: HashSet::new(), descriptors: vec![], descriptor_seen: HashSet::new() }
    }

    /// Adds the types another table registered (for code generated in
    /// parallel), keeping first-use order.
    pub fn absorb(&mut self, other: TypeTable) {
        for ty in other.instances {
            self.register(&ty);
        }
        for ty in other.descriptors {
            self.descriptor(&ty);
        }
    }

    /// A C-identifier-safe name of the C representation of `ty`.
    pub fn mangle(&self, ty: &Ty) -> String {
        match ty {
            Ty::Int(i) => i.name().to_string(),
            Ty::F64 => "f64".into(),
            Ty::Bool => "bool".into(),
            Ty::Void | Ty::Never | Ty::Error => "void".into(),
            Ty::Str => "str".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Ptr => "ptr".into(),
            Ty::List(_) => "list".into(),
            Ty::Map(..) => "map".into(),
            Ty::Option(t) => format!("opt_{}", self.mangle(t)),
            Ty::Result(t, e) => format!("res_{}_{}", self.mangle(t), self.mangle(e)),
            Ty::Fn(ps, r) => {
                let ps: Vec<String> = ps.iter().map(|p| self.mangle(p)).collect();
                format!("fn_{}_to_{}", ps.join("_"), self.mangle(r))
            }
            Ty::Struct(id) => self.program.structs[*id].c_name.clone(),
            Ty::Enum(id) => self.program.enums[*id].c_name.clone(),
            Ty::Mailbox(_) => "mailbox".into(),
            Ty::Reply(_) => "reply".into(),
            Ty::Probe(_) => "probe".into(),
        }
    }

    /// The C type of a value of `ty`; registers any generated type it needs.
    pub fn c(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Int(i) => i.c_type().into(),
            Ty::F64 => "double".into(),
            Ty::Bool => "bool".into(),
            Ty::Void | Ty::Never | Ty::Error => "void".into(),
            Ty::Str => "purr_str*".into(),
            Ty::Bytes => "purr_bytes*".into(),
            Ty::Ptr => "void*".into(),
            Ty::List(_) => "purr_list*".into(),
            Ty::Map(..) => "purr_map*".into(),
            Ty::Mailbox(_) | Ty::Probe(_) => "purr_actor*".into(),
            Ty::Reply(_) => "purr_reply*".into(),
            Ty::Struct(id) => self.program.structs[*id].c_name.clone(),
            Ty::Enum(id) => {
                let e = &self.program.enums[*id];
                if e.is_boxed() {
                    format!("{}*", e.c_name)
                } else {
                    e.c_name.clone()
                }
            }
            Ty::Option(_) | Ty::Result(..) | Ty::Fn(..) => {
                let name = format!("purr_{}", self.mangle(ty));
                self.register(ty);
                name
            }
        }
    }

    fn register(&mut self, ty: &Ty) {
        let name = self.mangle(ty);
        if !self.seen.insert(name) {
            return;
        }
        match ty {
            Ty::Option(t) => {
                self.c(t);
            }
            Ty::Result(t, e) => {
                self.c(t);
                self.c(e);
            }
            Ty::Fn(ps, r) => {
                for p in ps {
                    self.c(p);
                }
                self.c(r);
            }
            _ => {}
        }
        self.instances.push(ty.clone());
    }

    /// Whether values of `ty` hold references that copies must retain.
    pub fn has_rc(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Str | Ty::Bytes | Ty::List(_) | Ty::Map(..) => true,
            Ty::Mailbox(_) | Ty::Probe(_) | Ty::Reply(_) => true,
            Ty::Enum(id) => self.program.enums[*id].is_boxed(),
            Ty::Struct(id) => self.program.structs[*id].fields.iter().any(|(_, t)| self.has_rc(t)),
            Ty::Option(t) => self.has_rc(t),
            Ty::Result(t, e) => self.has_rc(t) || self.has_rc(e),
            _ => false,
        }
    }

    /// The function that adds (`retain`) or drops (`release`) one reference
    /// to everything a value of `ty` holds.
    pub fn rc_fn(&mut self, ty: &Ty, op: &str) -> String {
        match ty {
            Ty::Str => format!("purr_str_{op}"),
            Ty::Bytes => format!("purr_bytes_{op}"),
            Ty::List(_) => format!("purr_list_{op}"),
            Ty::Map(..) => format!("purr_map_{op}"),
            Ty::Mailbox(_) | Ty::Probe(_) => format!("purr_actor_{op}"),
            Ty::Reply(_) => format!("purr_reply_{op}"),
            _ => {
                self.c(ty);
                format!("{}__{op}", self.type_prefix(ty))
            }
        }
    }

    fn type_prefix(&self, ty: &Ty) -> String {
        match ty {
            Ty::Struct(_) | Ty::Enum(_) => self.mangle(ty),
            _ => format!("purr_{}", self.mangle(ty)),
        }
    }

    /// A pointer expression to the runtime descriptor of element type `ty`.
    pub fn descriptor(&mut self, ty: &Ty) -> String {
        let builtin = match ty {
            Ty::Int(i) => Some(format!("purr_type_{}", i.name())),
            Ty::F64 => Some("purr_type_f64".into()),
            Ty::Bool => Some("purr_type_bool".into()),
            Ty::Ptr | Ty::Fn(..) => Some("purr_type_ptr".into()),
            Ty::Str => Some("purr_type_str".into()),
            Ty::Bytes => Some("purr_type_bytes".into()),
            Ty::List(_) => Some("purr_type_list".into()),
            Ty::Map(..) => Some("purr_type_map".into()),
            Ty::Enum(id) if !self.program.enums[*id].is_boxed() => Some("purr_type_u32".into()),
            _ => None,
        };
        if let Some(b) = builtin {
            return format!("&{b}");
        }
        self.c(ty);
        let name = format!("{}__type", self.type_prefix(ty));
        if self.descriptor_seen.insert(name.clone()) {
            self.descriptors.push(ty.clone());
        }
        format!("&{name}")
    }

    /// Emits every type definition and helper, in dependency order.
    pub fn emit(&mut self) -> String {
        let mut out = String::new();
        let p = self.program;
        out.push_str("/* ---- types ---- */\n");
        for s in &p.structs {
            // The runtime declares ActorExited's payload itself.
            if s.kind != ir::StructKind::ActorExited {
                writeln!(out, "typedef struct {0} {0};", s.c_name).unwrap();
            }
        }
        for e in &p.enums {
            if e.is_boxed() {
                writeln!(out, "typedef struct {0} {0};", e.c_name).unwrap();
            } else {
                writeln!(out, "typedef uint32_t {};", e.c_name).unwrap();
                let names: Vec<String> =
                    e.variants.iter().enumerate().map(|(i, v)| format!("{}__{} = {i}", e.c_name, v.name)).collect();
                writeln!(out, "enum {{ {} }};", names.join(", ")).unwrap();
            }
        }
        // Instances may register more instances while being emitted; loop to a fixpoint.
        let mut i = 0;
        let mut fn_typedefs = String::new();
        while i < self.instances.len() {
            let ty = self.instances[i].clone();
            i += 1;
            let name = format!("purr_{}", self.mangle(&ty));
            match &ty {
                Ty::Fn(ps, r) => {
                    let ps: Vec<String> = ps.iter().map(|t| self.c(t)).collect();
                    let ps = if ps.is_empty() { "void".to_string() } else { ps.join(", ") };
                    let r = self.c(r);
                    writeln!(fn_typedefs, "typedef {r} (*{name})({ps});").unwrap();
                }
                _ => writeln!(out, "typedef struct {0} {0};", name).unwrap(),
            }
        }
        out.push_str(&fn_typedefs);
        out.push_str(&self.definitions());
        out.push_str(&self.helpers());
        out
    }

    /// Struct bodies of structs, options, results and enum nodes, each after
    /// the types it contains by value.
    fn definitions(&mut self) -> String {
        let mut order: Vec<Ty> = vec![];
        let mut done: HashSet<String> = HashSet::new();
        let roots: Vec<Ty> = (0..self.program.structs.len())
            .map(Ty::Struct)
            .chain((0..self.program.enums.len()).map(Ty::Enum))
            .chain(self.instances.iter().filter(|t| !matches!(t, Ty::Fn(..))).cloned())
            .collect();
        for t in roots {
            self.visit(&t, &mut done, &mut order);
        }
        let mut out = String::new();
        for ty in order {
            out.push_str(&self.definition(&ty));
        }
        out
    }

    fn visit(&mut self, ty: &Ty, done: &mut HashSet<String>, order: &mut Vec<Ty>) {
        let by_value: Vec<Ty> = match ty {
            Ty::Struct(id) => self.program.structs[*id].fields.iter().map(|(_, t)| t.clone()).collect(),
            Ty::Enum(id) => self.program.enums[*id].variants.iter().flat_map(|v| v.payload.clone()).collect(),
            Ty::Option(t) => vec![(**t).clone()],
            Ty::Result(t, e) => vec![(**t).clone(), (**e).clone()],
            _ => return,
        };
        if !done.insert(self.mangle(ty)) {
            return;
        }
        for t in &by_value {
            // A boxed enum payload is only a pointer: its node is not needed first.
            if !matches!(t, Ty::Enum(_)) {
                self.visit(t, done, order);
            }
        }
        order.push(ty.clone());
    }

    fn definition(&mut self, ty: &Ty) -> String {
        let mut out = String::new();
        match ty {
            Ty::Struct(id) if self.program.structs[*id].kind == ir::StructKind::ActorExited => {}
            Ty::Struct(id) => {
                let s = &self.program.structs[*id];
                writeln!(out, "struct {} {{", s.c_name).unwrap();
                if s.fields.is_empty() {
                    out.push_str("    char unused_;\n");
                }
                for (name, t) in s.fields.clone() {
                    let ct = self.c(&t);
                    writeln!(out, "    {ct} {};", super::names::c_ident(&name)).unwrap();
                }
                out.push_str("};\n");
            }
            Ty::Enum(id) => {
                let e = self.program.enums[*id].clone();
                if !e.is_boxed() {
                    return out;
                }
                writeln!(out, "struct {} {{\n    int64_t rc;\n    uint32_t tag;\n    union {{", e.c_name).unwrap();
                for v in &e.variants {
                    if v.payload.is_empty() {
                        continue;
                    }
                    let fields: Vec<String> =
                        v.payload.iter().enumerate().map(|(i, t)| format!("{} f{i};", self.c(t))).collect();
                    writeln!(out, "        struct {{ {} }} {};", fields.join(" "), v.name).unwrap();
                }
                out.push_str("    } as;\n};\n");
            }
            Ty::Option(t) => {
                let (name, ct) = (format!("purr_{}", self.mangle(ty)), self.c(t));
                writeln!(out, "struct {name} {{ bool some; {ct} value; }};").unwrap();
            }
            Ty::Result(t, e) => {
                let (name, ct, ce) = (format!("purr_{}", self.mangle(ty)), self.c(t), self.c(e));
                writeln!(out, "struct {name} {{ bool is_ok; union {{ {ct} ok; {ce} err; }} u; }};").unwrap();
            }
            _ => {}
        }
        out
    }

    /// retain/release functions, enum constructors and element descriptors.
    fn helpers(&mut self) -> String {
        let mut protos = String::new();
        let mut bodies = String::new();
        // ActorExited's helpers only matter to programs with actors.
        let has_actors = !self.program.actors.is_empty();
        let mut types: Vec<Ty> = (0..self.program.structs.len())
            .filter(|&id| has_actors || self.program.structs[id].kind != ir::StructKind::ActorExited)
            .map(Ty::Struct)
            .chain((0..self.program.enums.len()).map(Ty::Enum))
            .collect();
        types.extend(self.instances.iter().filter(|t| !matches!(t, Ty::Fn(..))).cloned());
        for ty in &types {
            if let Ty::Enum(id) = ty {
                self.enum_helpers(*id, &mut protos, &mut bodies);
            } else if self.has_rc(ty) {
                self.value_rc_helpers(ty, &mut protos, &mut bodies);
            }
        }
        let mut descs = String::new();
        let mut i = 0;
        while i < self.descriptors.len() {
            let ty = self.descriptors[i].clone();
            i += 1;
            descs.push_str(&self.descriptor_def(&ty, &mut protos, &mut bodies));
        }
        format!("/* ---- helpers ---- */\n{protos}{descs}{bodies}")
    }

    /// retain/release of a struct, option or result: by value, through its members.
    fn value_rc_helpers(&mut self, ty: &Ty, protos: &mut String, bodies: &mut String) {
        let ct = self.c(ty);
        let prefix = self.type_prefix(ty);
        for op in ["retain", "release"] {
            writeln!(protos, "static inline void {prefix}__{op}({ct} v);").unwrap();
            let mut body = String::new();
            match ty {
                Ty::Struct(id) => {
                    for (name, t) in self.program.structs[*id].fields.clone() {
                        if self.has_rc(&t) {
                            let f = self.rc_fn(&t, op);
                            writeln!(body, "    {f}(v.{});", super::names::c_ident(&name)).unwrap();
                        }
                    }
                }
                Ty::Option(t) => {
                    let f = self.rc_fn(t, op);
                    writeln!(body, "    if (v.some) {f}(v.value);").unwrap();
                }
                Ty::Result(t, e) => {
                    let ok = if self.has_rc(t) { format!("{}(v.u.ok);", self.rc_fn(t, op)) } else { ";".into() };
                    let err = if self.has_rc(e) { format!("{}(v.u.err);", self.rc_fn(e, op)) } else { ";".into() };
                    writeln!(body, "    if (v.is_ok) {ok} else {err}").unwrap();
                }
                _ => {}
            }
            writeln!(bodies, "static inline void {prefix}__{op}({ct} v) {{\n{body}}}").unwrap();
        }
    }

    /// Boxed enums: retain/release/free and one constructor per variant
    /// (nullary variants are immortal static nodes).
    fn enum_helpers(&mut self, id: usize, protos: &mut String, bodies: &mut String) {
        let e = self.program.enums[id].clone();
        if !e.is_boxed() {
            return;
        }
        let n = &e.c_name;
        writeln!(protos, "static inline void {n}__retain({n} *v);\nstatic inline void {n}__release({n} *v);").unwrap();
        writeln!(bodies, "static inline void {n}__retain({n} *v) {{ if (v->rc >= 0) v->rc++; }}").unwrap();
        let mut free = format!("static inline void {n}__free({n} *v) {{\n    switch (v->tag) {{\n");
        for (tag, v) in e.variants.iter().enumerate() {
            let mut releases = String::new();
            for (i, t) in v.payload.iter().enumerate() {
                if self.has_rc(t) {
                    let f = self.rc_fn(t, "release");
                    write!(releases, " {f}(v->as.{}.f{i});", v.name).unwrap();
                }
            }
            if !releases.is_empty() {
                writeln!(free, "    case {tag}:{releases} break;").unwrap();
            }
        }
        writeln!(free, "    default: break;\n    }}\n    purr_free(v, sizeof *v);\n}}").unwrap();
        bodies.push_str(&free);
        writeln!(bodies, "static inline void {n}__release({n} *v) {{ if (v->rc > 0 && --v->rc == 0) {n}__free(v); }}").unwrap();
        for (tag, v) in e.variants.iter().enumerate() {
            if v.payload.is_empty() {
                writeln!(bodies, "static PURR_UNUSED {n} {n}__{}__node = {{ .rc = -1, .tag = {tag} }};", v.name).unwrap();
                continue;
            }
            let params: Vec<String> = v.payload.iter().enumerate().map(|(i, t)| format!("{} f{i}", self.c(t))).collect();
            let sets: String = (0..v.payload.len()).map(|i| format!(" p->as.{}.f{i} = f{i};", v.name)).collect();
            writeln!(
                bodies,
                "static inline {n} *{n}__{}({}) {{\n    {n} *p = purr_alloc(sizeof *p);\n    p->rc = 1;\n    p->tag = {tag};{sets}\n    return p;\n}}",
                v.name,
                params.join(", ")
            )
            .unwrap();
        }
    }

    fn descriptor_def(&mut self, ty: &Ty, protos: &mut String, bodies: &mut String) -> String {
        let ct = self.c(ty);
        let prefix = self.type_prefix(ty);
        let (dup, drop) = if self.has_rc(ty) {
            let (retain, release) = (self.rc_fn(ty, "retain"), self.rc_fn(ty, "release"));
            writeln!(protos, "static void {prefix}__dup_any(void *dst, const void *src);\nstatic void {prefix}__drop_any(void *v);").unwrap();
            writeln!(
                bodies,
                "static void {prefix}__dup_any(void *dst, const void *src) {{ *({ct}*)dst = *({ct} const *)src; {retain}(*({ct}*)dst); }}\n\
                 static void {prefix}__drop_any(void *v) {{ {release}(*({ct}*)v); }}"
            )
            .unwrap();
            (format!("{prefix}__dup_any"), format!("{prefix}__drop_any"))
        } else {
            ("NULL".to_string(), "NULL".to_string())
        };
        format!("static const purr_type {prefix}__type = {{ sizeof({ct}), {dup}, {drop}, NULL, NULL, NULL }};\n")
    }
}
