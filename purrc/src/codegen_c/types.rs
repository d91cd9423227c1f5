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

use super::names::{self, helper, CNames, Helper};
use crate::intern::FxHashSet;
use crate::ir::{Program, Ty};
use std::collections::HashSet;
use std::fmt::Write;

/// Collects the types a program uses and emits their definitions in an order
/// C accepts (a by-value member is defined before its container).
pub struct TypeTable<'p> {
    program: &'p Program,
    names: &'p CNames<'p>,
    /// Option/result/fn types in first-use order, one per C name.
    instances: Vec<Ty>,
    seen: FxHashSet<Ty>,
    /// The C names of `instances`. Distinct types can share one: every
    /// `mailbox<A>` is the same `purr_actor*` (and so is a probe, every
    /// `reply<T>` the same `purr_reply*`), so `option<mailbox<A>>` and
    /// `option<mailbox<B>>` are one C type, defined once.
    instance_names: HashSet<String>,
    /// Types whose element descriptor is needed.
    descriptors: Vec<Ty>,
    descriptor_seen: HashSet<String>,
}

impl<'p> TypeTable<'p> {
    pub fn new(program: &'p Program, names: &'p CNames<'p>) -> Self {
        TypeTable {
            program,
            names,
            instances: vec![],
            seen: FxHashSet::default(),
            instance_names: HashSet::new(),
            descriptors: vec![],
            descriptor_seen: HashSet::new(),
        }
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

    /// The C type of a value of `ty`; registers any generated type it needs.
    pub fn c(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Int(i) => i.c_type().into(),
            // A handle is the runtime's id for it.
            Ty::Handle(_) => "int64_t".into(),
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
            Ty::Struct(id) => self.names.struct_c(*id).to_string(),
            Ty::Enum(id) => {
                let name = self.names.enum_c(*id);
                if self.program.enums[*id].is_boxed() {
                    format!("{name}*")
                } else {
                    name.to_string()
                }
            }
            Ty::Option(_) | Ty::Result(..) | Ty::Fn(..) => {
                self.register(ty);
                names::instance(self.names, ty)
            }
        }
    }

    fn register(&mut self, ty: &Ty) {
        if !self.seen.insert(*ty) {
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
                for p in ps.iter() {
                    self.c(p);
                }
                self.c(r);
            }
            _ => {}
        }
        if self.instance_names.insert(names::instance(self.names, ty)) {
            self.instances.push(*ty);
        }
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
                let h = if op == "retain" { Helper::Retain } else { Helper::Release };
                helper(&self.type_prefix(ty), h)
            }
        }
    }

    /// What the names of a type's helpers start with.
    fn type_prefix(&self, ty: &Ty) -> String {
        match ty {
            Ty::Struct(id) => self.names.struct_prefix(*id).to_string(),
            Ty::Enum(id) => self.names.enum_c(*id).to_string(),
            _ => names::instance(self.names, ty),
        }
    }

    /// A pointer expression to the runtime descriptor of element type `ty`.
    pub fn descriptor(&mut self, ty: &Ty) -> String {
        let builtin = match ty {
            Ty::Int(i) => Some(format!("purr_type_{}", i.name())),
            Ty::Handle(_) => Some("purr_type_i64".into()),
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
        let name = helper(&self.type_prefix(ty), Helper::Type);
        if self.descriptor_seen.insert(name.clone()) {
            self.descriptors.push(*ty);
        }
        format!("&{name}")
    }

    /// Emits every type definition and helper, in dependency order.
    pub fn emit(&mut self) -> String {
        let mut out = String::new();
        let p = self.program;
        out.push_str("/* ---- types ---- */\n");
        for id in 0..p.structs.len() {
            writeln!(out, "typedef struct {0} {0};", self.names.struct_c(id)).unwrap();
        }
        for (id, e) in p.enums.iter().enumerate() {
            let name = self.names.enum_c(id);
            if e.is_boxed() {
                writeln!(out, "typedef struct {name} {name};").unwrap();
            } else {
                writeln!(out, "typedef uint32_t {name};").unwrap();
                let tags: Vec<String> = (0..e.variants.len()).map(|i| format!("{} = {i}", self.names.variant(id, i))).collect();
                writeln!(out, "enum {{ {} }};", tags.join(", ")).unwrap();
            }
        }
        // Instances may register more instances while being emitted; loop to a fixpoint.
        let mut i = 0;
        let mut fn_typedefs = String::new();
        while i < self.instances.len() {
            let ty = self.instances[i];
            i += 1;
            let name = names::instance(self.names, &ty);
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
            Ty::Struct(id) => self.program.structs[*id].fields.iter().map(|(_, t)| *t).collect(),
            Ty::Enum(id) => self.program.enums[*id].variants.iter().flat_map(|v| v.payload.clone()).collect(),
            Ty::Option(t) => vec![(**t)],
            Ty::Result(t, e) => vec![(**t), (**e)],
            _ => return,
        };
        if !done.insert(names::type_code(self.names, ty)) {
            return;
        }
        for t in &by_value {
            // A boxed enum payload is only a pointer: its node is not needed first.
            if !matches!(t, Ty::Enum(_)) {
                self.visit(t, done, order);
            }
        }
        order.push(*ty);
    }

    fn definition(&mut self, ty: &Ty) -> String {
        let mut out = String::new();
        match ty {
            Ty::Struct(id) => {
                let s = &self.program.structs[*id];
                writeln!(out, "struct {} {{", self.names.struct_c(*id)).unwrap();
                if s.fields.is_empty() {
                    out.push_str("    char unused_;\n");
                }
                for (i, (_, t)) in s.fields.iter().enumerate() {
                    let ct = self.c(t);
                    writeln!(out, "    {ct} {};", self.names.field(*id, i)).unwrap();
                }
                out.push_str("};\n");
            }
            Ty::Enum(id) => {
                let e = self.program.enums[*id].clone();
                if !e.is_boxed() {
                    return out;
                }
                writeln!(out, "struct {} {{\n    int64_t rc;\n    uint32_t tag;\n    union {{", self.names.enum_c(*id)).unwrap();
                for (index, v) in e.variants.iter().enumerate() {
                    if v.payload.is_empty() {
                        continue;
                    }
                    let fields: Vec<String> =
                        v.payload.iter().enumerate().map(|(i, t)| format!("{} f{i};", self.c(t))).collect();
                    writeln!(out, "        struct {{ {} }} {};", fields.join(" "), self.names.variant_member(*id, index)).unwrap();
                }
                out.push_str("    } as;\n};\n");
            }
            Ty::Option(t) => {
                let (name, ct) = (names::instance(self.names, ty), self.c(t));
                writeln!(out, "struct {name} {{ bool some; {ct} value; }};").unwrap();
            }
            Ty::Result(t, e) => {
                let (name, ct, ce) = (names::instance(self.names, ty), self.c(t), self.c(e));
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
        let mut types: Vec<Ty> = (0..self.program.structs.len())
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
            let ty = self.descriptors[i];
            i += 1;
            descs.push_str(&self.descriptor_def(&ty, &mut protos, &mut bodies));
        }
        format!("/* ---- helpers ---- */\n{protos}{descs}{bodies}")
    }

    /// retain/release of a struct, option or result: by value, through its members.
    fn value_rc_helpers(&mut self, ty: &Ty, protos: &mut String, bodies: &mut String) {
        let ct = self.c(ty);
        let prefix = self.type_prefix(ty);
        for (op, h) in [("retain", Helper::Retain), ("release", Helper::Release)] {
            let name = helper(&prefix, h);
            writeln!(protos, "static inline void {name}({ct} v);").unwrap();
            let mut body = String::new();
            match ty {
                Ty::Struct(id) => {
                    for (i, (_, t)) in self.program.structs[*id].fields.iter().enumerate() {
                        if self.has_rc(t) {
                            let f = self.rc_fn(t, op);
                            writeln!(body, "    {f}(v.{});", self.names.field(*id, i)).unwrap();
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
            writeln!(bodies, "static inline void {name}({ct} v) {{\n{body}}}").unwrap();
        }
    }

    /// Boxed enums: retain/release/free and one constructor per variant
    /// (nullary variants are immortal static nodes).
    fn enum_helpers(&mut self, id: usize, protos: &mut String, bodies: &mut String) {
        let e = &self.program.enums[id];
        if !e.is_boxed() {
            return;
        }
        let names = self.names;
        let n = names.enum_c(id);
        let (retain, release, free) = (helper(n, Helper::Retain), helper(n, Helper::Release), helper(n, Helper::Free));
        writeln!(protos, "static inline void {retain}({n} *v);\nstatic inline void {release}({n} *v);").unwrap();
        writeln!(bodies, "static inline void {retain}({n} *v) {{ if (v->rc >= 0) v->rc++; }}").unwrap();
        let mut free_fn = format!("static inline void {free}({n} *v) {{\n    switch (v->tag) {{\n");
        for (tag, v) in e.variants.iter().enumerate() {
            let mut releases = String::new();
            for (i, t) in v.payload.iter().enumerate() {
                if self.has_rc(t) {
                    let f = self.rc_fn(t, "release");
                    write!(releases, " {f}(v->as.{}.f{i});", names.variant_member(id, tag)).unwrap();
                }
            }
            if !releases.is_empty() {
                writeln!(free_fn, "    case {tag}:{releases} break;").unwrap();
            }
        }
        writeln!(free_fn, "    default: break;\n    }}\n    purr_free(v, sizeof *v);\n}}").unwrap();
        bodies.push_str(&free_fn);
        writeln!(bodies, "static inline void {release}({n} *v) {{ if (v->rc > 0 && --v->rc == 0) {free}(v); }}").unwrap();
        for (tag, v) in e.variants.iter().enumerate() {
            let variant = names.variant(id, tag);
            if v.payload.is_empty() {
                writeln!(bodies, "static PURR_UNUSED {n} {} = {{ .rc = -1, .tag = {tag} }};", helper(variant, Helper::Node)).unwrap();
                continue;
            }
            let member = names.variant_member(id, tag);
            let params: Vec<String> = v.payload.iter().enumerate().map(|(i, t)| format!("{} f{i}", self.c(t))).collect();
            let sets: String = (0..v.payload.len()).map(|i| format!(" p->as.{member}.f{i} = f{i};")).collect();
            writeln!(
                bodies,
                "static inline {n} *{variant}({}) {{\n    {n} *p = purr_alloc(sizeof *p);\n    p->rc = 1;\n    p->tag = {tag};{sets}\n    return p;\n}}",
                params.join(", ")
            )
            .unwrap();
        }
    }

    /// Unused when the only registration that named it was taken back
    /// (`FnGen::take`), hence PURR_UNUSED.
    fn descriptor_def(&mut self, ty: &Ty, protos: &mut String, bodies: &mut String) -> String {
        let ct = self.c(ty);
        let prefix = self.type_prefix(ty);
        let (dup, drop) = if self.has_rc(ty) {
            let (retain, release) = (self.rc_fn(ty, "retain"), self.rc_fn(ty, "release"));
            let (dup, drop) = (helper(&prefix, Helper::DupAny), helper(&prefix, Helper::DropAny));
            writeln!(protos, "static void {dup}(void *dst, const void *src);\nstatic void {drop}(void *v);").unwrap();
            writeln!(
                bodies,
                "static void {dup}(void *dst, const void *src) {{ *({ct}*)dst = *({ct} const *)src; {retain}(*({ct}*)dst); }}\n\
                 static void {drop}(void *v) {{ {release}(*({ct}*)v); }}"
            )
            .unwrap();
            (dup, drop)
        } else {
            ("NULL".to_string(), "NULL".to_string())
        };
        format!("static PURR_UNUSED const purr_type {} = {{ sizeof({ct}), {dup}, {drop}, NULL, NULL, NULL }};\n", helper(&prefix, Helper::Type))
    }
}
