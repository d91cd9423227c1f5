//! Type rules of the prelude functions (docs/language.md §6). Most are generic over
//! their container's element type, which is why they are checked here rather
//! than declared as ordinary functions.

use super::body::FnCtx;
use super::SemaError;
use crate::ast;
use crate::intern::Symbol;
use crate::ir::{Arg, Builtin, Expr, ExprKind, IntTy, Ty};
use crate::source::Span;
use thin_vec::ThinVec;

const I64: Ty = Ty::Int(IntTy::I64);

fn list_of(t: Ty) -> Ty {
    Ty::List(t.into())
}

fn option_of(t: Ty) -> Ty {
    Ty::Option(t.into())
}

/// Accumulates the checked arguments of one builtin call.
struct Call<'x, 'c, 'a> {
    cx: &'x mut FnCtx<'c, 'a>,
    b: Builtin,
    args: &'x [ast::Expr],
    span: Span,
    out: ThinVec<Arg>,
}

impl Call<'_, '_, '_> {
    fn arg(&self, i: usize) -> Option<&ast::Expr> {
        self.args.get(i)
    }

    /// The next argument, checked against `ty`.
    fn value(&mut self, ty: &Ty) -> Ty {
        let Some(e) = self.arg(self.out.len()).cloned() else { return Ty::Error };
        let v = self.cx.expect(&e, ty);
        let t = v.ty;
        self.out.push(Arg::Value(v));
        t
    }

    /// The next argument, whatever its type (returned for the caller to judge).
    fn any(&mut self) -> Ty {
        let Some(e) = self.arg(self.out.len()).cloned() else { return Ty::Error };
        let v = self.cx.expr(&e, None);
        let t = v.ty;
        self.out.push(Arg::Value(v));
        t
    }

    /// The next argument as a variable the builtin mutates.
    fn place(&mut self) -> Ty {
        let Some(e) = self.arg(self.out.len()).cloned() else { return Ty::Error };
        match self.cx.place(&e) {
            Some(p) => {
                let t = *p.ty();
                self.out.push(Arg::Place(Box::new(p)));
                t
            }
            None => {
                self.out.push(Arg::Value(Expr { kind: ExprKind::Int(0), ty: Ty::Error, span: e.span }));
                Ty::Error
            }
        }
    }

    /// Reports that argument `i` has the wrong kind of type.
    fn wrong(&mut self, i: usize, ty: &Ty, wanted: &str) {
        if matches!(ty, Ty::Error | Ty::Never) {
            return;
        }
        let span = self.arg(i).map_or(self.span, |a| a.span);
        let found = self.cx.show(ty);
        self.cx.error(SemaError::TypeMismatch { expected: wanted.to_string(), found, span, hint: None });
    }

    /// The running actor, or an error for `what` outside actors.
    fn in_actor(&mut self, what: &str) -> Option<crate::ir::ActorId> {
        if self.cx.actor.is_none() {
            self.cx.error(SemaError::OutsideActor { what: what.to_string(), needs: vec![], span: self.span });
        }
        self.cx.actor
    }

    fn in_test(&mut self) {
        if !self.cx.test {
            let what = format!("`{}`", self.b.name());
            self.cx.error(SemaError::TestOnly { what, span: self.span, instead: None });
        }
    }

    fn list_elem(&mut self, i: usize, ty: &Ty) -> Ty {
        match ty {
            Ty::List(t) => **t,
            _ => {
                self.wrong(i, ty, "list<T>");
                Ty::Error
            }
        }
    }

    fn map_kv(&mut self, i: usize, ty: &Ty) -> (Ty, Ty) {
        match ty {
            Ty::Map(k, v) => ((**k), (**v)),
            _ => {
                self.wrong(i, ty, "map<K, V>");
                (Ty::Error, Ty::Error)
            }
        }
    }

    /// A function argument `fn(params) ret`; returns its actual return type.
    fn func(&mut self, params: &[Ty], ret: Option<&Ty>) -> Ty {
        let i = self.out.len();
        let t = self.any();
        match &t {
            Ty::Fn(ps, r) if **ps == *params && ret.is_none_or(|want| **r == *want) => **r,
            Ty::Error => Ty::Error,
            _ => {
                let names: Vec<String> = params.iter().map(|p| self.cx.show(p)).collect();
                let r = ret.map_or("R".to_string(), |r| self.cx.show(r));
                self.wrong(i, &t, &format!("fn({}) {r}", names.join(", ")));
                Ty::Error
            }
        }
    }
}

/// Checks a call of builtin `b` and returns its IR.
pub(super) fn check(cx: &mut FnCtx, b: Builtin, id: &ast::Ident, args: &[ast::Expr], expected: Option<&Ty>, span: Span) -> Expr {
    let arity = arity(b);
    if args.len() != arity {
        cx.error(SemaError::ArgCount { callee: id.name.to_string(), expected: arity, found: args.len(), span });
        for a in args {
            cx.expr(a, None);
        }
        return Expr { kind: ExprKind::Int(0), ty: Ty::Error, span };
    }
    let mut c = Call { cx, b, args, span, out: ThinVec::new() };
    let ty = result_type(&mut c, expected);
    Expr { kind: ExprKind::Builtin(c.b, c.out), ty, span }
}

fn arity(b: Builtin) -> usize {
    use Builtin::*;
    match b {
        Args | NowMs | ListNew | MapNew | Stop | Drain => 0,
        Print | Println | Eprintln | Str | Exit | Panic | Assert | Len | Trim | ToBytes | FromBytes | ParseI64
        | ParseF64 | ListPop | ListClear | ListSort | MapKeys | MapValues | MapClear | BytesNew | Crc32c | CancelTimer
        | Monitor | ActorId | DrainSteps | AdvanceMs | Expect | ExpectOutput | ProbeReceived => 1,
        Find | Split | Join | StartsWith | EndsWith | ListPush | ListRemove | ListContains | ListEach | ListMap
        | ListFilter | ListSortBy | MapGet | MapHas | MapRemove | MapEach | BytesPush | BytesAppend | BytesAppendU64
        | BytesAppendU16be | BytesAppendU32be | BytesAppendU64be | BytesTruncate | GetU16be | GetU32be | GetU64be | ExpectEq => 2,
        Substr | ListInsert | ListSlice | MapSet | BytesSlice | BytesFind | BytesParseI64 | BytesCrc32c | PutU16be
        | PutU32be | PutU64be | SendAfter => 3,
        BytesAppendRange => 4,
    }
}

fn result_type(c: &mut Call, expected: Option<&Ty>) -> Ty {
    use Builtin::*;
    match c.b {
        Print | Println | Eprintln => {
            c.value(&Ty::Str);
            Ty::Void
        }
        Str => {
            let t = c.any();
            if !(t.is_scalar() || t == Ty::Str) {
                c.wrong(0, &t, "a scalar or string");
            }
            Ty::Str
        }
        Exit => {
            c.value(&Ty::Int(IntTy::I32));
            Ty::Never
        }
        Panic => {
            c.value(&Ty::Str);
            Ty::Never
        }
        Args => list_of(Ty::Str),
        NowMs => I64,
        Assert => {
            c.value(&Ty::Bool);
            Ty::Void
        }
        Len => {
            let t = c.any();
            if !matches!(t, Ty::Str | Ty::Bytes | Ty::List(_) | Ty::Map(..)) {
                c.wrong(0, &t, "string, bytes, list or map");
            }
            I64
        }
        Substr => {
            c.value(&Ty::Str);
            c.value(&I64);
            c.value(&I64);
            Ty::Str
        }
        Find => {
            c.value(&Ty::Str);
            c.value(&Ty::Str);
            option_of(I64)
        }
        Split => {
            c.value(&Ty::Str);
            c.value(&Ty::Str);
            list_of(Ty::Str)
        }
        Join => {
            c.value(&list_of(Ty::Str));
            c.value(&Ty::Str);
            Ty::Str
        }
        StartsWith | EndsWith => {
            c.value(&Ty::Str);
            c.value(&Ty::Str);
            Ty::Bool
        }
        Trim => {
            c.value(&Ty::Str);
            Ty::Str
        }
        ToBytes => {
            c.value(&Ty::Str);
            Ty::Bytes
        }
        FromBytes => {
            c.value(&Ty::Bytes);
            Ty::Str
        }
        ParseI64 => {
            c.value(&Ty::Str);
            option_of(I64)
        }
        ParseF64 => {
            c.value(&Ty::Str);
            option_of(Ty::F64)
        }
        ListNew => match expected {
            Some(t @ Ty::List(_)) => *t,
            _ => {
                c.cx.error(SemaError::CannotInfer { what: "`list_new()`".into(), span: c.span });
                Ty::Error
            }
        },
        ListPush => {
            let l = c.place();
            let e = c.list_elem(0, &l);
            c.value(&e);
            Ty::Void
        }
        ListPop => {
            let l = c.place();
            option_of(c.list_elem(0, &l))
        }
        ListInsert => {
            let l = c.place();
            let e = c.list_elem(0, &l);
            c.value(&I64);
            c.value(&e);
            Ty::Void
        }
        ListRemove => {
            let l = c.place();
            let e = c.list_elem(0, &l);
            c.value(&I64);
            e
        }
        ListClear => {
            let l = c.place();
            c.list_elem(0, &l);
            Ty::Void
        }
        ListSlice => {
            let l = c.any();
            c.list_elem(0, &l);
            c.value(&I64);
            c.value(&I64);
            l
        }
        ListContains => {
            let l = c.any();
            let e = c.list_elem(0, &l);
            if !(e.is_scalar() || matches!(e, Ty::Str | Ty::Bytes | Ty::Error)) {
                c.cx.error(SemaError::UnsupportedElement { op: "list_contains".into(), ty: c.cx.show(&e), span: c.span });
            }
            c.value(&e);
            Ty::Bool
        }
        ListEach => {
            let l = c.any();
            let e = c.list_elem(0, &l);
            c.func(&[e], Some(&Ty::Void));
            Ty::Void
        }
        ListMap => {
            let l = c.any();
            let e = c.list_elem(0, &l);
            let r = c.func(&[e], None);
            if r == Ty::Void {
                c.wrong(1, &Ty::Void, "a function returning a value");
            }
            list_of(r)
        }
        ListFilter => {
            let l = c.any();
            let e = c.list_elem(0, &l);
            c.func(&[e], Some(&Ty::Bool));
            l
        }
        ListSort => {
            let l = c.place();
            let e = c.list_elem(0, &l);
            if !matches!(e, Ty::Int(_) | Ty::F64 | Ty::Str | Ty::Error) {
                c.cx.error(SemaError::UnsupportedElement { op: "list_sort".into(), ty: c.cx.show(&e), span: c.span });
            }
            Ty::Void
        }
        ListSortBy => {
            let l = c.place();
            let e = c.list_elem(0, &l);
            c.func(&[e, e], Some(&Ty::Bool));
            Ty::Void
        }
        MapNew => match expected {
            Some(t @ Ty::Map(..)) => *t,
            _ => {
                c.cx.error(SemaError::CannotInfer { what: "`map_new()`".into(), span: c.span });
                Ty::Error
            }
        },
        MapGet => {
            let m = c.any();
            let (k, v) = c.map_kv(0, &m);
            c.value(&k);
            option_of(v)
        }
        MapSet => {
            let m = c.place();
            let (k, v) = c.map_kv(0, &m);
            c.value(&k);
            c.value(&v);
            Ty::Void
        }
        MapHas => {
            let m = c.any();
            let (k, _) = c.map_kv(0, &m);
            c.value(&k);
            Ty::Bool
        }
        MapRemove => {
            let m = c.place();
            let (k, v) = c.map_kv(0, &m);
            c.value(&k);
            option_of(v)
        }
        MapKeys => {
            let m = c.any();
            list_of(c.map_kv(0, &m).0)
        }
        MapValues => {
            let m = c.any();
            list_of(c.map_kv(0, &m).1)
        }
        MapEach => {
            let m = c.any();
            let (k, v) = c.map_kv(0, &m);
            c.func(&[k, v], Some(&Ty::Void));
            Ty::Void
        }
        MapClear => {
            let m = c.place();
            c.map_kv(0, &m);
            Ty::Void
        }
        BytesNew => {
            c.value(&I64);
            Ty::Bytes
        }
        BytesPush => {
            bytes_place(c);
            c.value(&Ty::Int(IntTy::U8));
            Ty::Void
        }
        BytesAppend => {
            bytes_place(c);
            c.value(&Ty::Bytes);
            Ty::Void
        }
        BytesAppendU64 => {
            bytes_place(c);
            c.value(&Ty::Int(IntTy::U64));
            Ty::Void
        }
        BytesAppendU16be | BytesAppendU32be | BytesAppendU64be => {
            bytes_place(c);
            c.value(&Ty::Int(be_width(c.b)));
            Ty::Void
        }
        BytesAppendRange => {
            bytes_place(c);
            c.value(&Ty::Bytes);
            c.value(&I64);
            c.value(&I64);
            Ty::Void
        }
        BytesSlice => {
            c.value(&Ty::Bytes);
            c.value(&I64);
            c.value(&I64);
            Ty::Bytes
        }
        BytesFind => {
            c.value(&Ty::Bytes);
            c.value(&Ty::Int(IntTy::U8));
            c.value(&I64);
            option_of(I64)
        }
        BytesParseI64 => {
            c.value(&Ty::Bytes);
            c.value(&I64);
            c.value(&I64);
            option_of(I64)
        }
        BytesTruncate => {
            bytes_place(c);
            c.value(&I64);
            Ty::Void
        }
        GetU16be | GetU32be | GetU64be => {
            c.value(&Ty::Bytes);
            c.value(&I64);
            Ty::Int(be_width(c.b))
        }
        PutU16be | PutU32be | PutU64be => {
            bytes_place(c);
            c.value(&I64);
            c.value(&Ty::Int(be_width(c.b)));
            Ty::Void
        }
        Crc32c => {
            c.value(&Ty::Bytes);
            Ty::Int(IntTy::U32)
        }
        BytesCrc32c => {
            c.value(&Ty::Bytes);
            c.value(&I64);
            c.value(&I64);
            Ty::Int(IntTy::U32)
        }
        Stop => {
            c.in_actor("`stop()`");
            Ty::Void
        }
        SendAfter => {
            let t = c.any();
            if !matches!(t, Ty::Mailbox(_) | Ty::Error) {
                c.wrong(0, &t, "a mailbox");
            }
            c.value(&I64);
            let target = match &c.out[0] {
                Arg::Value(e) => e.clone(),
                Arg::Place(_) => unreachable!("send_after takes values"),
            };
            let message = c.args[2].clone();
            let m = c.cx.message_for(&target, &message);
            c.out.push(Arg::Value(m));
            I64
        }
        CancelTimer => {
            c.value(&I64);
            Ty::Bool
        }
        Monitor => {
            let t = c.any();
            if !matches!(t, Ty::Mailbox(_) | Ty::Error) {
                c.wrong(0, &t, "a mailbox");
            }
            // Faults of the target come back as the prelude's ActorExited.
            if c.in_actor("`monitor`").is_some() {
                let exited = c.cx.ck.lookup(Symbol::intern(crate::stdlib::PRELUDE), Symbol::intern("ActorExited"));
                if let Some((super::Global::Struct(m), _)) = exited {
                    c.cx.check_needs("`monitor`", &[m], c.span);
                }
            }
            Ty::Void
        }
        ActorId => {
            let t = c.any();
            if !matches!(t, Ty::Mailbox(_) | Ty::Error) {
                c.wrong(0, &t, "a mailbox");
            }
            I64
        }
        Drain => {
            c.in_test();
            Ty::Void
        }
        DrainSteps => {
            c.in_test();
            c.value(&I64);
            I64
        }
        AdvanceMs => {
            c.in_test();
            c.value(&I64);
            Ty::Void
        }
        Expect => {
            c.in_test();
            c.value(&Ty::Bool);
            Ty::Void
        }
        ExpectEq => {
            c.in_test();
            let t = if c.args.first().is_some_and(|a| super::body::is_untyped_literal(a)) && c.args.len() == 2 {
                // `expect_eq(5, x)`: the literal takes x's type.
                let right = c.cx.expr(&c.args[1].clone(), None);
                let left = c.cx.expect(&c.args[0].clone(), &right.ty);
                let t = right.ty;
                c.out.push(Arg::Value(left));
                c.out.push(Arg::Value(right));
                t
            } else {
                let t = c.any();
                c.value(&t);
                t
            };
            if !(matches!(t, Ty::Int(_) | Ty::F64 | Ty::Bool | Ty::Str | Ty::Bytes | Ty::Error)) {
                c.wrong(0, &t, "an integer, f64, bool, string or bytes");
            }
            Ty::Void
        }
        ExpectOutput => {
            c.in_test();
            c.value(&Ty::Str);
            Ty::Void
        }
        ProbeReceived => {
            let t = c.any();
            match t {
                Ty::Probe(m) => list_of(*m),
                other => {
                    c.wrong(0, &other, "a probe<T>");
                    Ty::Error
                }
            }
        }
    }
}

fn bytes_place(c: &mut Call) {
    let t = c.place();
    if t != Ty::Bytes {
        c.wrong(0, &t, "bytes");
    }
}

fn be_width(b: Builtin) -> IntTy {
    match b {
        Builtin::GetU16be | Builtin::PutU16be | Builtin::BytesAppendU16be => IntTy::U16,
        Builtin::GetU32be | Builtin::PutU32be | Builtin::BytesAppendU32be => IntTy::U32,
        _ => IntTy::U64,
    }
}
