//! One function's C: its definition, the output helpers every part of code
//! generation writes through (indentation, `#line`, fresh names), and the
//! locals the body uses.

use super::names::{local_names, OWNED_BASE};
use super::{FnGen, Gen, LevelKind, Text, Val};
use crate::ir::visit::{walk_block, Visitor};
use crate::ir::{self, ExprKind, Func, LocalId, Ty};
use crate::source::Span;
use std::fmt::Write;

impl<'g, 'p> FnGen<'g, 'p> {
    /// `body` is `f`'s, which code generation has taken out of `f`.
    pub(super) fn new(g: &'g mut Gen<'p>, f: &'p Func, id: Option<ir::FuncId>, body: &ir::Block) -> Self {
        FnGen {
            g,
            f,
            id,
            out: String::new(),
            indent: 1,
            levels: vec![],
            temps: 0,
            line: None,
            diverged: false,
            used: used_locals(body, f.locals.len()),
            names: local_names(f),
            next_slot: 0,
            max_slots: 0,
            moving: None,
            moving_field: None,
            last_uses: vec![],
        }
    }

    /// Appends the C definition of the function, whose body is `body`, to `dest`.
    pub(super) fn generate(mut self, sig: &str, body: &ir::Block, dest: &mut Text) {
        let f = self.f;
        self.line_directive(f.span);
        let header = std::mem::take(&mut self.out);
        self.push_level(LevelKind::Scope);
        for (i, &p) in f.params.iter().enumerate() {
            self.mark_unused(p);
            if self.takes_owned(i) {
                let name = self.names[p].clone();
                self.own(&name, &f.locals[p].ty);
            }
        }
        if f.actor.is_some() {
            self.line("(void)self;");
        }
        for s in &body.stmts {
            self.stmt(s);
        }
        let value = body.value.as_deref().map(|v| {
            self.line_directive(v.span);
            self.returned(v)
        });
        let diverges = body.value.as_ref().is_some_and(|v| v.ty == Ty::Never);
        match value {
            Some(v) if !matches!(f.ret, Ty::Void | Ty::Never) && !diverges => {
                let moved = body.value.as_deref().and_then(|e| self.owned_local(e));
                let v = match moved {
                    Some(name) => {
                        self.take(&name);
                        name
                    }
                    None => self.into_owned(v, &f.ret),
                };
                if self.nothing_to_unwind(None) {
                    self.pop_owned_to(0);
                    self.drop_level();
                    self.line(format_args!("return {v};"));
                } else {
                    let ret = self.c(&f.ret);
                    let t = self.fresh();
                    self.line(format_args!("{ret} {t} = {v};"));
                    self.pop_level();
                    self.line(format_args!("return {t};"));
                }
            }
            _ => self.pop_level(),
        }
        dest.push_str(&header);
        dest.push_str(sig);
        dest.push_str(" {\n");
        // Registrations taken back at once leave none (see `take`).
        if self.out.contains(OWNED_BASE) {
            writeln!(dest, "    size_t {OWNED_BASE} = purr_owned_enter({});", self.max_slots).unwrap();
        }
        dest.push_str(&self.out);
        dest.push_str("}\n\n");
    }

    // ----- output -----

    /// Writes one indented line of C (formatted in place: no temporary string).
    pub(super) fn line(&mut self, s: impl std::fmt::Display) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        writeln!(self.out, "{s}").unwrap();
    }

    /// `#line` so that C diagnostics and debuggers point at the .pu source.
    pub(super) fn line_directive(&mut self, span: Span) {
        let (line, _) = self.g.sources.file(span.file).line_col(span.start);
        if self.line != Some((span.file, line)) {
            self.line = Some((span.file, line));
            writeln!(self.out, "#line {line} {}", self.g.file_names[span.file as usize]).unwrap();
        }
    }

    pub(super) fn open(&mut self, head: &str) {
        self.line(format_args!("{head} {{"));
        self.indent += 1;
    }

    pub(super) fn close(&mut self, tail: &str) {
        // The end of a C block is reachable from its other paths.
        self.diverged = false;
        self.indent -= 1;
        self.line(format_args!("}}{tail}"));
    }

    pub(super) fn fresh(&mut self) -> String {
        self.temps += 1;
        super::names::temp(self.temps)
    }

    pub(super) fn c(&mut self, ty: &Ty) -> String {
        self.g.types.c(ty)
    }

    /// A zero value of `ty` for variables assigned on every path later.
    pub(super) fn zero(&mut self, ty: &Ty) -> String {
        match ty {
            Ty::Struct(_) | Ty::Option(_) | Ty::Result(..) => format!("({}){{0}}", self.c(ty)),
            Ty::Enum(id) if !self.g.program.enums[*id].is_boxed() => "0".into(),
            Ty::Int(_) | Ty::F64 | Ty::Bool | Ty::Handle(_) => "0".into(),
            _ => "NULL".into(),
        }
    }

    pub(super) fn has_rc(&self, ty: &Ty) -> bool {
        self.g.types.has_rc(ty)
    }

    pub(super) fn loc(&mut self, span: Span) -> String {
        self.g.loc(span)
    }

    /// An expression statement's value is dropped: a temp holding a scalar
    /// result, or a read that may fault (`xs[i]`), is evaluated as `(void)`
    /// so C neither warns nor drops the check. Owned temps are released by
    /// the statement's level.
    pub(super) fn discard(&mut self, v: Val) {
        if let Val::Plain(c) = v {
            if !c.is_empty() {
                self.line(format_args!("(void){c};"));
            }
        }
    }

    /// Tells C that a local the program never reads is unused on purpose.
    pub(super) fn mark_unused(&mut self, id: LocalId) {
        if !self.used[id] {
            let name = self.names[id].clone();
            self.line(format_args!("(void){name};"));
        }
    }
}

/// Which of the function's `locals` its body reads or assigns, by id; the
/// others are declared `(void)` so that C does not warn about them.
pub(super) fn used_locals(body: &ir::Block, locals: usize) -> Vec<bool> {
    struct Uses(Vec<bool>);
    impl Visitor for Uses {
        fn expr(&mut self, e: &ir::Expr) {
            if let ExprKind::Local(id) = e.kind {
                self.0[id] = true;
            }
        }
        fn place(&mut self, p: &ir::Place) {
            if let ir::PlaceRoot::Local(id) = p.root {
                self.0[id] = true;
            }
        }
    }
    let mut uses = Uses(vec![false; locals]);
    walk_block(&mut uses, body);
    uses.0
}
