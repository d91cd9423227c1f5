//! C interop (docs/language.md §9): extern declarations under private C
//! names, and calls that pass strings and byte buffers the C way, or, for
//! `extern "purr" fn`, as the runtime's own values.

use super::{FnGen, Gen, Val};
use crate::ir::{self, Abi, ExprKind, ExternPosition, Ty};
use std::fmt::Write;

impl Gen<'_> {
    /// Extern functions are declared under a private C name bound to the
    /// real symbol, so they never clash with prototypes in system headers.
    pub(super) fn extern_decls(&mut self) -> String {
        let mut out = String::new();
        for (i, x) in self.program.externs.iter().enumerate() {
            let name = self.names.extern_fn(i);
            let c_type = |ty: &Ty, position| ty.extern_c_type(x.abi, position).expect("sema checked extern types");
            let ret = c_type(&x.ret, ExternPosition::Return);
            let params: Vec<&str> = x.params.iter().map(|p| c_type(p, ExternPosition::Param)).collect();
            let params = if params.is_empty() { "void".to_string() } else { params.join(", ") };
            writeln!(out, "extern {ret} {name}({params}) __asm__(\"{}\");", x.name.name).unwrap();
        }
        out
    }
}

impl FnGen<'_, '_> {
    pub(super) fn call_extern(&mut self, x: usize, args: &[ir::Expr], ret: &Ty) -> Val {
        let vals = self.exprs(&args.iter().collect::<Vec<_>>());
        if self.g.program.externs[x].abi == Abi::Runtime {
            // Borrowed, as any call's arguments; the result is owned.
            let cargs: Vec<&str> = vals.iter().map(Val::c).collect();
            let call = format!("{}({})", self.g.names.extern_fn(x), cargs.join(", "));
            return self.extern_result(&call, ret, Abi::Runtime);
        }
        let mut cargs = vec![];
        for (a, v) in args.iter().zip(&vals) {
            cargs.push(match a.ty {
                Ty::Str => format!("{}->data", v.c()),
                Ty::Bytes => match &a.kind {
                    // The callee may write into the buffer. A `var` gets its
                    // own copy first, and sees what was written; any other
                    // value is copied, so that no other copy sees the writes.
                    ExprKind::Local(id) if self.f.locals[*id].mutable => {
                        let name = self.names[*id].clone();
                        self.line(format_args!("purr_bytes_make_unique(&{name});"));
                        format!("{name}->data")
                    }
                    _ => {
                        let copy = self.temp(&Ty::Bytes, &format!("purr_bytes_from({0}->data, {0}->len)", v.c()));
                        format!("{}->data", copy.c())
                    }
                },
                _ => v.c().to_string(),
            });
        }
        let call = format!("{}({})", self.g.names.extern_fn(x), cargs.join(", "));
        match ret {
            // A returned C string is copied; NULL reads as "".
            Ty::Str => {
                let p = self.fresh();
                self.line(format_args!("const char *{p} = {call};"));
                self.temp(ret, &format!("{p} ? purr_str_from_cstr({p}) : purr_str_empty()"))
            }
            _ => self.extern_result(&call, ret, Abi::C),
        }
    }

    /// The value of the extern call `call`, of result type `ret`. An
    /// `option` comes as a pointer, NULL for `none`: a C string, copied, or
    /// a runtime value, owned.
    fn extern_result(&mut self, call: &str, ret: &Ty, abi: Abi) -> Val {
        match ret {
            Ty::Void | Ty::Never => {
                self.line(format_args!("{call};"));
                Val::Plain(String::new())
            }
            Ty::Option(_) => {
                let pointer = ret.extern_c_type(abi, ExternPosition::Return).expect("sema checked extern types");
                let p = self.fresh();
                self.line(format_args!("{pointer}{p} = {call};"));
                let value = if abi == Abi::C { format!("purr_str_from_cstr({p})") } else { p.clone() };
                let ct = self.c(ret);
                self.temp(ret, &format!("{p} ? ({ct}){{ .some = true, .value = {value} }} : ({ct}){{ .some = false }}"))
            }
            _ => self.temp(ret, call),
        }
    }
}
