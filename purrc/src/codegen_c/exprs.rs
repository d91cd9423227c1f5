//! C for expressions. Each returns a [`Val`]: a plain C expression, or a
//! temporary that owns a reference.

use super::literals::{c_string, float_literal, int_literal};
use super::names::{helper, Helper};
use super::ownership::{is_pure, may_mutate};
use super::{FnGen, LevelKind, Val};
use crate::ir::{self, BinaryOp, ExprKind, FloatOp, IntOp, Pattern, Ty, UnaryOp};
use crate::source::Span;

impl FnGen<'_, '_> {
    pub(super) fn expr(&mut self, e: &ir::Expr) -> Val {
        match &e.kind {
            ExprKind::Int(v) => Val::Plain(int_literal(*v, &e.ty)),
            ExprKind::Float(f) => Val::Plain(float_literal(*f)),
            ExprKind::Bool(b) => Val::Plain(b.to_string()),
            ExprKind::Nil => Val::Plain("NULL".into()),
            ExprKind::Str(s) => Val::Plain(self.g.string_literal(s)),
            ExprKind::Local(id) => Val::Plain(self.names[*id].clone()),
            ExprKind::FnRef(id) => Val::Plain(self.g.names.func_id(*id).to_string()),
            ExprKind::Unary(op, operand) => {
                let v = self.expr(operand);
                Val::Plain(unary(*op, v.c()))
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e),
            ExprKind::Call(f, args) => {
                // An actor's own functions take the actor as their first argument.
                let callee = &self.g.program.funcs[*f];
                let self_arg = callee.actor.is_some();
                // A panic inside the standard library also names the line
                // of the program that called into it.
                let into_std = self.g.in_stdlib(callee.span) && !self.g.in_stdlib(self.f.span);
                let caller = into_std.then(|| self.loc(e.span));
                let owned = &self.g.owned_params[*f];
                self.call(self.g.names.func_id(*f), self_arg, args, owned, &e.ty, caller)
            }
            ExprKind::CallValue(f, args) => {
                let fv = self.expr(f);
                let fv = self.temp(&f.ty, fv.c());
                self.call(&format!("({})", fv.c()), false, args, &[], &e.ty, None)
            }
            ExprKind::CallExtern(x, args) => self.call_extern(*x, args, &e.ty),
            ExprKind::Builtin(b, args) => super::builtins::emit(self, *b, args, e),
            ExprKind::Cast(v) => {
                let c = self.expr(v);
                Val::Plain(cast(&v.ty, &e.ty, c.c()))
            }
            ExprKind::Field(base, i) => {
                let b = self.expr(base);
                let Ty::Struct(sid) = base.ty else { unreachable!("field of a struct") };
                Val::Plain(format!("{}.{}", b.c(), self.g.names.field(sid, *i)))
            }
            ExprKind::Index(base, index) => self.index(base, index, e),
            ExprKind::StructLit(sid, fields) => {
                let vals = self.exprs(&fields.iter().collect::<Vec<_>>());
                let inits: Vec<String> = fields
                    .iter()
                    .zip(vals)
                    .enumerate()
                    .map(|(i, (f, v))| {
                        let v = self.into_owned(v, &f.ty);
                        format!(".{} = {v}", self.g.names.field(*sid, i))
                    })
                    .collect();
                let init = if inits.is_empty() { "{0}".to_string() } else { format!("{{ {} }}", inits.join(", ")) };
                self.temp(&e.ty, &init)
            }
            ExprKind::Variant(eid, index, args) => self.variant(*eid, *index as usize, args, &e.ty),
            ExprKind::OptionLit(None) => {
                let ct = self.c(&e.ty);
                Val::Plain(format!("(({ct}){{ .some = false }})"))
            }
            ExprKind::OptionLit(Some(v)) => {
                let v = self.owned(v);
                self.temp(&e.ty, &format!("{{ .some = true, .value = {v} }}"))
            }
            ExprKind::ResultLit(ok, v) => {
                let v = self.owned(v);
                let init = if *ok { format!("{{ .is_ok = true, .u.ok = {v} }}") } else { format!("{{ .is_ok = false, .u.err = {v} }}") };
                self.temp(&e.ty, &init)
            }
            ExprKind::List(items) => self.list(items, &e.ty),
            ExprKind::Interp(parts) => self.interpolation(parts),
            ExprKind::If(if_) => self.if_expr(&if_.cond, &if_.then, if_.otherwise.as_ref(), &e.ty),
            ExprKind::Match(scrutinee, arms) => self.match_expr(scrutinee, arms, &e.ty, e.span),
            ExprKind::SelfActor => Val::Plain("self".into()),
            ExprKind::SelfState => Val::Plain(self.self_state()),
            ExprKind::Spawn(actor, fields) => self.spawn(*actor, fields, &e.ty),
            ExprKind::ToReply(target) => {
                let t = self.expr(target);
                self.temp(&e.ty, &format!("purr_reply_new({})", t.c()))
            }
            ExprKind::ProbeNew => {
                let Ty::Probe(m) = &e.ty else { unreachable!("probe<T>() has a probe type") };
                let desc = self.g.types.descriptor(m);
                let node = self.node_type(m);
                self.temp(&e.ty, &format!("purr_probe_new({desc}, offsetof({node}, payload))"))
            }
            ExprKind::Block(b) => {
                let result = self.result_var(&e.ty);
                self.open("");
                self.block_into(b, result.as_ref().map(|r| (r.as_str(), &e.ty)));
                self.close("");
                self.result_val(result, &e.ty)
            }
        }
    }

    /// A list literal. When every element is a constant, the elements are
    /// static data and the list is built by one call: C compilers take time
    /// per statement, and a literal of 30,000 numbers would otherwise be
    /// 30,000 statements (docs/performance.md).
    pub(super) fn list(&mut self, items: &[ir::Expr], ty: &Ty) -> Val {
        let Ty::List(elem) = ty else { unreachable!("list literal has a list type") };
        let desc = self.g.types.descriptor(elem);
        let ect = self.c(elem);
        if !items.is_empty() && items.iter().all(is_constant) {
            let values: Vec<String> = items.iter().map(|item| self.expr(item).c().to_string()).collect();
            let data = self.fresh();
            self.line(format_args!("static {ect} const {data}[] = {{"));
            for chunk in values.chunks(16) {
                self.line(format_args!("    {},", chunk.join(", ")));
            }
            self.line("};");
            return self.temp(ty, &format!("purr_list_from_array({desc}, {data}, {})", items.len()));
        }
        let list = self.temp(ty, &format!("purr_list_with_cap({desc}, {})", items.len()));
        for item in items {
            let v = self.owned(item);
            self.line(format_args!("*({ect}*)purr_list_push_slot(&{}) = {v};", list.c()));
        }
        list
    }

    /// Declares the variable that receives the value of an `if`, `match` or
    /// block expression (none when it has no value).
    pub(super) fn result_var(&mut self, ty: &Ty) -> Option<String> {
        if matches!(ty, Ty::Void | Ty::Never | Ty::Error) {
            return None;
        }
        let ct = self.c(ty);
        let t = self.fresh();
        let z = self.zero(ty);
        self.line(format_args!("{ct} {t} = {z};"));
        Some(t)
    }

    pub(super) fn result_val(&mut self, result: Option<String>, ty: &Ty) -> Val {
        match result {
            Some(r) if self.has_rc(ty) => {
                self.own(&r, ty);
                Val::Temp(r)
            }
            Some(r) => Val::Plain(r),
            None => Val::Plain(String::new()),
        }
    }

    /// A call of a generated function; `owned`: which parameters it takes
    /// owned (params.rs); `std_caller`: the location to record as the
    /// program's call into the standard library.
    pub(super) fn call(
        &mut self,
        callee: &str,
        self_arg: bool,
        args: &[ir::Expr],
        owned: &[bool],
        ret: &Ty,
        std_caller: Option<String>,
    ) -> Val {
        let vals = self.exprs(&args.iter().collect::<Vec<_>>());
        let mut cargs: Vec<String> = Vec::with_capacity(args.len() + 1);
        if self_arg {
            cargs.push("self".into());
        }
        // A var (or state field) moving into this call is disowned before
        // the call line: an argument that could still fault there is
        // evaluated first.
        let vals: Vec<Val> = if self.moving.is_some() || self.moving_field.is_some() {
            args.iter()
                .zip(vals)
                .map(|(a, v)| match v {
                    Val::Plain(c) if !is_pure(a) => Val::Plain(self.pin(&a.ty, &c)),
                    v => v,
                })
                .collect()
        } else {
            vals
        };
        for (i, (a, v)) in args.iter().zip(vals).enumerate() {
            cargs.push(if owned.get(i).copied().unwrap_or(false) { self.lend(a, v) } else { v.c().to_string() });
        }
        if let Some(loc) = std_caller {
            self.line(format_args!("purr_std_caller = {loc};"));
        }
        let call = format!("{callee}({})", cargs.join(", "));
        if matches!(ret, Ty::Void | Ty::Never) {
            self.line(format_args!("{call};"));
            Val::Plain(String::new())
        } else {
            self.temp(ret, &call)
        }
    }

    pub(super) fn variant(&mut self, eid: usize, index: usize, args: &[ir::Expr], ty: &Ty) -> Val {
        let name = self.g.names.variant(eid, index);
        if !self.g.program.enums[eid].is_boxed() {
            return Val::Plain(name.to_string());
        }
        if args.is_empty() {
            return Val::Plain(format!("(&{})", helper(name, Helper::Node)));
        }
        let vals = self.exprs(&args.iter().collect::<Vec<_>>());
        let owned: Vec<String> = args.iter().zip(vals).map(|(a, v)| self.into_owned(v, &a.ty)).collect();
        self.temp(ty, &format!("{name}({})", owned.join(", ")))
    }

    pub(super) fn index(&mut self, base: &ir::Expr, index: &ir::Expr, e: &ir::Expr) -> Val {
        let vals = self.exprs(&[base, index]);
        let (b, i) = (vals[0].c(), vals[1].c());
        let loc = self.loc(e.span);
        match &base.ty {
            Ty::List(elem) => {
                let ct = self.c(elem);
                Val::Plain(format!("(*({ct}*)purr_list_at({b}, {i}, {loc}))"))
            }
            Ty::Bytes => Val::Plain(format!("purr_bytes_get({b}, {i}, {loc})")),
            Ty::Str => Val::Plain(format!("purr_str_byte_at({b}, {i}, {loc})")),
            Ty::Map(k, v) => {
                let (kt, vt) = (self.c(k), self.c(v));
                let key = self.fresh();
                self.line(format_args!("{kt} {key} = {i};"));
                Val::Plain(format!("(*({vt}*)purr_map_at({b}, &{key}, {loc}))"))
            }
            _ => unreachable!("sema only indexes lists, bytes, strings and maps"),
        }
    }

    pub(super) fn binary(&mut self, op: BinaryOp, l: &ir::Expr, r: &ir::Expr, e: &ir::Expr) -> Val {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return self.short_circuit(op, l, r);
        }
        let vals = self.exprs(&[l, r]);
        let (a, b) = (vals[0].c().to_string(), vals[1].c().to_string());
        match op {
            BinaryOp::StrConcat => self.temp(&Ty::Str, &format!("purr_str_concat({a}, {b})")),
            _ => Val::Plain(self.binary_value(op, &a, &b, e.span)),
        }
    }

    /// The C of an operation whose result owns nothing (all but string
    /// concatenation); `span` locates a division by zero.
    pub(super) fn binary_value(&mut self, op: BinaryOp, a: &str, b: &str, span: Span) -> String {
        match op {
            BinaryOp::Int(iop, i) => {
                let f = match iop {
                    IntOp::Add => "add",
                    IntOp::Sub => "sub",
                    IntOp::Mul => "mul",
                    IntOp::Shl => "shl",
                    IntOp::Shr => "shr",
                    IntOp::Div | IntOp::Rem => {
                        let f = if iop == IntOp::Div { "div" } else { "rem" };
                        let loc = self.loc(span);
                        return format!("purr_{f}_{}({a}, {b}, {loc})", i.name());
                    }
                    IntOp::BitAnd | IntOp::BitOr | IntOp::BitXor => {
                        return format!("(({})({a} {} {b}))", i.c_type(), iop.symbol());
                    }
                };
                format!("purr_{f}_{}({a}, {b})", i.name())
            }
            BinaryOp::F64(FloatOp::Rem) => format!("fmod({a}, {b})"),
            BinaryOp::F64(fop) => format!("({a} {} {b})", fop.symbol()),
            BinaryOp::Scalar(c) => format!("({a} {} {b})", c.symbol()),
            BinaryOp::Str(ir::Cmp::Eq) => format!("purr_str_eq({a}, {b})"),
            BinaryOp::Str(ir::Cmp::Ne) => format!("(!purr_str_eq({a}, {b}))"),
            BinaryOp::Str(c) => format!("(purr_str_cmp({a}, {b}) {} 0)", c.symbol()),
            BinaryOp::BytesEq => format!("purr_bytes_eq({a}, {b})"),
            BinaryOp::BytesNe => format!("(!purr_bytes_eq({a}, {b}))"),
            BinaryOp::StrConcat | BinaryOp::And | BinaryOp::Or => unreachable!("owned or short-circuit results"),
        }
    }

    /// `a && b` / `a || b`: `b` is evaluated only when needed; its
    /// statements (if any) go inside a C `if`.
    pub(super) fn short_circuit(&mut self, op: BinaryOp, l: &ir::Expr, r: &ir::Expr) -> Val {
        let a = self.expr(l);
        let saved = std::mem::take(&mut self.out);
        self.indent += 1;
        self.push_level(LevelKind::Stmt);
        let b = self.expr(r);
        if self.out.is_empty() && self.levels.last().is_some_and(|l| l.owned.is_empty()) {
            self.drop_level();
            self.indent -= 1;
            self.out = saved;
            let symbol = if op == BinaryOp::And { "&&" } else { "||" };
            return Val::Plain(format!("({} {symbol} {})", a.c(), b.c()));
        }
        let rhs_code = std::mem::replace(&mut self.out, saved);
        self.indent -= 1;
        let t = self.fresh();
        self.line(format_args!("bool {t} = {};", a.c()));
        let test = if op == BinaryOp::And { t.clone() } else { format!("!{t}") };
        self.open(&format!("if ({test})"));
        self.out.push_str(&rhs_code);
        self.line(format_args!("{t} = {};", b.c()));
        self.pop_level();
        self.close("");
        Val::Plain(t)
    }

    pub(super) fn interpolation(&mut self, parts: &[ir::InterpPart]) -> Val {
        let exprs: Vec<&ir::Expr> = parts
            .iter()
            .filter_map(|p| match p {
                ir::InterpPart::Value(e) => Some(e),
                ir::InterpPart::Lit(_) => None,
            })
            .collect();
        let mut vals = self.exprs(&exprs).into_iter();
        let buf = self.fresh();
        self.line(format_args!("purr_strbuf {buf};"));
        self.line(format_args!("purr_strbuf_init(&{buf});"));
        for p in parts {
            match p {
                ir::InterpPart::Lit(s) => {
                    self.line(format_args!("purr_strbuf_cstr(&{buf}, {}, {});", c_string(s.as_bytes()), s.len()))
                }
                ir::InterpPart::Value(e) => {
                    let v = vals.next().expect("one value per part");
                    let call = match &e.ty {
                        Ty::Int(i) if i.signed() => format!("purr_strbuf_i64(&{buf}, (int64_t){})", v.c()),
                        Ty::Int(_) => format!("purr_strbuf_u64(&{buf}, (uint64_t){})", v.c()),
                        Ty::F64 => format!("purr_strbuf_f64(&{buf}, {})", v.c()),
                        Ty::Bool => format!("purr_strbuf_bool(&{buf}, {})", v.c()),
                        Ty::Ptr => format!("purr_strbuf_u64(&{buf}, (uint64_t)(uintptr_t){})", v.c()),
                        _ => format!("purr_strbuf_str(&{buf}, {})", v.c()),
                    };
                    self.line(format_args!("{call};"));
                }
            }
        }
        self.temp(&Ty::Str, &format!("purr_strbuf_finish(&{buf})"))
    }

    pub(super) fn if_expr(&mut self, cond: &ir::Expr, then: &ir::Block, other: Option<&ir::Block>, ty: &Ty) -> Val {
        let c = self.expr(cond);
        let result = self.result_var(ty);
        let dest = result.as_ref().map(|r| (r.as_str(), ty));
        self.open(&format!("if {}", parenthesized(c.c())));
        self.block_into(then, dest);
        match other {
            Some(b) => {
                self.close(" else {");
                self.indent += 1;
                self.block_into(b, dest);
                self.close("");
            }
            None => self.close(""),
        }
        self.result_val(result, ty)
    }

    pub(super) fn match_expr(&mut self, scrutinee: &ir::Expr, arms: &[ir::MatchArm], ty: &Ty, span: Span) -> Val {
        // The scrutinee is pinned for the whole match: arm bindings borrow
        // from it, and an arm may assign to the variable it came from.
        let s = self.expr(scrutinee);
        let pinned = if arms.iter().any(|a| may_mutate(&a.body)) {
            let owned = self.into_owned(s, &scrutinee.ty);
            self.temp_owned(&scrutinee.ty, &owned)
        } else {
            let st = self.c(&scrutinee.ty);
            let t = self.fresh();
            self.line(format_args!("{st} {t} = {};", s.c()));
            t
        };
        let result = self.result_var(ty);
        let dest = result.as_ref().map(|r| (r.as_str(), ty));
        for (i, arm) in arms.iter().enumerate() {
            let mut tests = vec![];
            let mut binds = vec![];
            self.pattern(&arm.pattern, &pinned, &scrutinee.ty, &mut tests, &mut binds);
            let test = if tests.is_empty() { "1".to_string() } else { tests.join(" && ") };
            let head = if i == 0 { format!("if ({test})") } else { format!("else if ({test})") };
            self.open(&head);
            for b in &binds {
                self.line(b);
            }
            if matches!(arm.body.ty, Ty::Void | Ty::Never) || dest.is_none() {
                self.push_level(LevelKind::Scope);
                self.line_directive(arm.body.span);
                let v = self.expr(&arm.body);
                self.discard(v);
                self.pop_level();
            } else {
                self.scope_into(&[], Some(&arm.body), dest);
            }
            self.close("");
        }
        let loc = self.loc(span);
        self.line(format_args!("else purr_panic({loc}, \"no match arm matched\");"));
        self.result_val(result, ty)
    }

    pub(super) fn temp_owned(&mut self, ty: &Ty, owned: &str) -> String {
        let ct = self.c(ty);
        let t = self.fresh();
        self.line(format_args!("{ct} {t} = {owned};"));
        self.own(&t, ty);
        t
    }

    /// Appends the C tests that `p` matches `v` (of type `ty`) and the
    /// declarations of its bindings (borrowed from `v`).
    pub(super) fn pattern(&mut self, p: &Pattern, v: &str, ty: &Ty, tests: &mut Vec<String>, binds: &mut Vec<String>) {
        match p {
            Pattern::Wildcard => {}
            Pattern::Bind(id) => {
                let ct = self.c(ty);
                let name = self.names[*id].clone();
                binds.push(format!("{ct} {name} = {v};"));
                if !self.used[*id] {
                    binds.push(format!("(void){name};"));
                }
            }
            Pattern::Int(n) => tests.push(format!("{v} == {}", int_literal(*n, ty))),
            Pattern::Str(s) => {
                let lit = self.g.string_literal(s);
                tests.push(format!("purr_str_eq({v}, {lit})"));
            }
            Pattern::Bool(b) => tests.push(if *b { v.to_string() } else { format!("!{v}") }),
            Pattern::Ctor(index, subs) => match ty {
                Ty::Option(t) => {
                    tests.push(if *index == 0 { format!("{v}.some") } else { format!("!{v}.some") });
                    if let Some(sub) = subs.first() {
                        self.pattern(sub, &format!("{v}.value"), t, tests, binds);
                    }
                }
                Ty::Result(t, e) => {
                    tests.push(if *index == 0 { format!("{v}.is_ok") } else { format!("!{v}.is_ok") });
                    if let Some(sub) = subs.first() {
                        let (field, ty) = if *index == 0 { ("ok", t) } else { ("err", e) };
                        self.pattern(sub, &format!("{v}.u.{field}"), ty, tests, binds);
                    }
                }
                Ty::Enum(eid) => {
                    let (def, names) = (&self.g.program.enums[*eid], self.g.names);
                    if !def.is_boxed() {
                        tests.push(format!("{v} == {}", names.variant(*eid, *index as usize)));
                        return;
                    }
                    tests.push(format!("{v}->tag == {index}"));
                    let member = names.variant_member(*eid, *index as usize);
                    for (i, (sub, t)) in subs.iter().zip(&def.variants[*index as usize].payload).enumerate() {
                        self.pattern(sub, &format!("{v}->as.{member}.f{i}"), t, tests, binds);
                    }
                }
                _ => unreachable!("constructor patterns only match options, results and enums"),
            },
        }
    }
}

/// Whether the C of `e` is a constant expression that needs no statements:
/// a literal (a negative float is a negated one), or a variant without
/// payload (a tag, or the address of a static node).
fn is_constant(e: &ir::Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Nil => true,
        ExprKind::Unary(UnaryOp::F64Neg, v) => is_constant(v),
        ExprKind::Variant(_, _, args) => args.is_empty(),
        _ => false,
    }
}

/// `(c)`, without doubling parentheses that already enclose all of `c`.
pub(super) fn parenthesized(c: &str) -> String {
    let mut depth = 0;
    let enclosed = c.starts_with('(')
        && c.char_indices().all(|(i, ch)| {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth > 0 || i == c.len() - 1
        });
    if enclosed {
        c.to_string()
    } else {
        format!("({c})")
    }
}

pub(super) fn unary(op: UnaryOp, a: &str) -> String {
    match op {
        UnaryOp::IntNeg(i) => format!("purr_neg_{}({a})", i.name()),
        UnaryOp::F64Neg => format!("(-{a})"),
        UnaryOp::Not => format!("(!{a})"),
        UnaryOp::BitNot(i) => format!("(({})~{a})", i.c_type()),
    }
}

pub(super) fn cast(from: &Ty, to: &Ty, a: &str) -> String {
    match (from, to) {
        _ if from == to => a.to_string(),
        (Ty::F64, Ty::Int(i)) => format!("purr_f64_to_{}({a})", i.name()),
        (_, Ty::Int(i)) => format!("(({})({a}))", i.c_type()),
        (_, Ty::F64) => format!("((double)({a}))"),
        _ => a.to_string(),
    }
}
