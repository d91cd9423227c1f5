//! `purrc --emit ir`: the typed IR as readable text. Each statement starts
//! with its source position; expressions show resolved names (`x#3` is local
//! 3), calls, conversions and the types of bindings.

use super::*;
use crate::source::SourceMap;
use std::fmt::Write;

pub fn dump(program: &Program, sources: &SourceMap) -> String {
    let mut d = Dumper { program, sources, out: String::new(), indent: 0, func: None };
    for s in program.structs.iter().filter(|s| s.name.namespace != crate::stdlib::PRELUDE) {
        let fields: Vec<String> = s.fields.iter().map(|(n, t)| format!("{n}: {}", d.ty(t))).collect();
        writeln!(d.out, "struct {} {{ {} }}", s.name, fields.join(", ")).unwrap();
    }
    for e in &program.enums {
        let vs: Vec<String> = e
            .variants
            .iter()
            .map(|v| {
                if v.payload.is_empty() {
                    v.name.to_string()
                } else {
                    let ps: Vec<String> = v.payload.iter().map(|t| d.ty(t)).collect();
                    format!("{}({})", v.name, ps.join(", "))
                }
            })
            .collect();
        writeln!(d.out, "enum {} {{ {} }}", e.name, vs.join(", ")).unwrap();
    }
    for x in &program.externs {
        let ps: Vec<String> = x.params.iter().map(|t| d.ty(t)).collect();
        writeln!(d.out, "extern fn {}({}) {}", x.name, ps.join(", "), d.ty(&x.ret)).unwrap();
    }
    for f in &program.funcs {
        d.func = Some(f);
        let ps: Vec<String> = f.params.iter().map(|&p| format!("{}: {}", d.local(p), d.ty(&f.locals[p].ty))).collect();
        writeln!(d.out, "\n{} fn {}({}) {} {{", d.pos(f.span), d.func_name(f), ps.join(", "), d.ty(&f.ret)).unwrap();
        d.indent = 1;
        d.block_body(&f.body);
        d.out.push_str("}\n");
    }
    d.out
}

struct Dumper<'p> {
    program: &'p Program,
    sources: &'p SourceMap,
    out: String,
    indent: usize,
    func: Option<&'p Func>,
}

impl Dumper<'_> {
    fn ty(&self, t: &Ty) -> String {
        DisplayTy { ty: t, names: self.program }.to_string()
    }

    fn func_name(&self, f: &Func) -> String {
        self.program.func_name(f)
    }

    fn pos(&self, span: Span) -> String {
        let (line, col) = self.sources.file(span.file).line_col(span.start);
        format!("[{line}:{col}]")
    }

    fn local(&self, id: LocalId) -> String {
        let name = self.func.map_or("?", |f| f.locals[id].name.as_str());
        format!("{name}#{id}")
    }

    fn line(&mut self, span: Span, text: &str) {
        let pos = self.pos(span);
        writeln!(self.out, "{}{pos} {text}", "  ".repeat(self.indent)).unwrap();
    }

    fn block_body(&mut self, b: &Block) {
        for s in &b.stmts {
            self.stmt(s);
        }
        if let Some(v) = &b.value {
            let text = format!("value {}", self.expr(v));
            self.line(v.span, &text);
        }
    }

    fn nested(&mut self, head: String, span: Span, b: &Block) {
        self.line(span, &format!("{head} {{"));
        self.indent += 1;
        self.block_body(b);
        self.indent -= 1;
        writeln!(self.out, "{}}}", "  ".repeat(self.indent)).unwrap();
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Let(id, e) => {
                let ty = self.func.map_or(String::new(), |f| self.ty(&f.locals[*id].ty));
                let text = format!("let {}: {ty} = {}", self.local(*id), self.expr(e));
                self.line(s.span, &text);
            }
            StmtKind::Assign(p, op, e) => {
                let op = op.map_or("=".to_string(), |o| format!("{}=", binary_op(o)));
                let text = format!("{} {op} {}", self.place(p), self.expr(e));
                self.line(s.span, &text);
            }
            StmtKind::Expr(e) => {
                let text = self.expr(e);
                self.line(s.span, &text);
            }
            StmtKind::Return(e) => {
                let text = e.as_ref().map_or("return".to_string(), |e| format!("return {}", self.expr(e)));
                self.line(s.span, &text);
            }
            StmtKind::Break => self.line(s.span, "break"),
            StmtKind::Send(send) => {
                let (t, m) = &**send;
                let text = format!("send {} {}", self.expr(t), self.expr(m));
                self.line(s.span, &text);
            }
            StmtKind::Continue => self.line(s.span, "continue"),
            StmtKind::Loop(b) => self.nested("loop".into(), s.span, b),
            StmtKind::While(c, b) => {
                let head = format!("while {}", self.expr(c));
                self.nested(head, s.span, b)
            }
            StmtKind::ForRange(id, a, z, b) => {
                let head = format!("for {} in {}..{}", self.local(*id), self.expr(a), self.expr(z));
                self.nested(head, s.span, b)
            }
            StmtKind::ForEach(id, c, b) => {
                let head = format!("for {} in {}", self.local(*id), self.expr(c));
                self.nested(head, s.span, b)
            }
            StmtKind::ForMap(k, v, c, b) => {
                let v = v.map_or(String::new(), |v| format!(", {}", self.local(v)));
                let head = format!("for {}{v} in {}", self.local(*k), self.expr(c));
                self.nested(head, s.span, b)
            }
        }
    }

    fn place(&self, p: &Place) -> String {
        let mut s = match p.root {
            PlaceRoot::Local(id) => self.local(id),
            PlaceRoot::State => "self".to_string(),
        };
        let mut ty = &p.root_ty;
        for (proj, next) in &p.path {
            match (proj, ty) {
                (Proj::Field(i), Ty::Struct(sid)) => write!(s, ".{}", self.program.structs[*sid].fields[*i].0).unwrap(),
                (Proj::Index(e, _) | Proj::Key(e, _), _) => write!(s, "[{}]", self.expr(e)).unwrap(),
                (Proj::Field(i), _) => write!(s, ".{i}").unwrap(),
            }
            ty = next;
        }
        s
    }

    fn exprs(&self, es: &[Expr]) -> String {
        es.iter().map(|e| self.expr(e)).collect::<Vec<_>>().join(", ")
    }

    /// Expressions print on one line; nested blocks print as `{ ...; value }`.
    fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(bits) => match &e.ty {
                Ty::Int(t) => format!("{}:{}", t.value(*bits), t.name()),
                other => format!("{bits}:{}", self.ty(other)),
            },
            ExprKind::Float(f) => format!("{f:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Nil => "nil".into(),
            ExprKind::Local(id) => self.local(*id),
            ExprKind::FnRef(f) => format!("&{}", self.func_name(&self.program.funcs[*f])),
            ExprKind::Unary(op, a) => format!("({} {})", unary_op(*op), self.expr(a)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", self.expr(a), binary_op(*op), self.expr(b)),
            ExprKind::Call(f, args) => format!("{}({})", self.func_name(&self.program.funcs[*f]), self.exprs(args)),
            ExprKind::CallExtern(x, args) => format!("extern {}({})", self.program.externs[*x].name, self.exprs(args)),
            ExprKind::CallValue(f, args) => format!("(*{})({})", self.expr(f), self.exprs(args)),
            ExprKind::Builtin(b, args) => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        Arg::Value(v) => self.expr(v),
                        Arg::Place(p) => format!("&{}", self.place(p)),
                    })
                    .collect();
                format!("{}({}): {}", b.name(), args.join(", "), self.ty(&e.ty))
            }
            ExprKind::Cast(v) => format!("{}({})", self.ty(&e.ty), self.expr(v)),
            ExprKind::Field(b, i) => match &b.ty {
                Ty::Struct(sid) => format!("{}.{}", self.expr(b), self.program.structs[*sid].fields[*i].0),
                _ => format!("{}.{i}", self.expr(b)),
            },
            ExprKind::Index(b, i) => format!("{}[{}]", self.expr(b), self.expr(i)),
            ExprKind::StructLit(_, fs) => format!("{} {{ {} }}", self.ty(&e.ty), self.exprs(fs)),
            ExprKind::Variant(eid, v, args) => {
                let def = &self.program.enums[*eid];
                format!("{}.{}({})", def.name, def.variants[*v as usize].name, self.exprs(args))
            }
            ExprKind::OptionLit(None) => format!("none: {}", self.ty(&e.ty)),
            ExprKind::OptionLit(Some(v)) => format!("some({})", self.expr(v)),
            ExprKind::ResultLit(ok, v) => format!("{}({}): {}", if *ok { "ok" } else { "err" }, self.expr(v), self.ty(&e.ty)),
            ExprKind::List(items) => format!("[{}]: {}", self.exprs(items), self.ty(&e.ty)),
            ExprKind::Interp(parts) => {
                let ps: Vec<String> = parts
                    .iter()
                    .map(|p| match p {
                        InterpPart::Lit(s) => format!("{s:?}"),
                        InterpPart::Value(v) => format!("{{{}}}", self.expr(v)),
                    })
                    .collect();
                format!("interp({})", ps.join(" "))
            }
            ExprKind::If(if_) => {
                let f = if_.otherwise.as_ref().map_or(String::new(), |f| format!(" else {}", self.inline_block(f)));
                format!("if {} {}{f}", self.expr(&if_.cond), self.inline_block(&if_.then))
            }
            ExprKind::Match(s, arms) => {
                let arms: Vec<String> =
                    arms.iter().map(|a| format!("{} => {}", self.pattern(&a.pattern), self.expr(&a.body))).collect();
                format!("match {} {{ {} }}: {}", self.expr(s), arms.join(", "), self.ty(&e.ty))
            }
            ExprKind::Block(b) => self.inline_block(b),
            ExprKind::SelfActor => "self".into(),
            ExprKind::SelfState => "self.state".into(),
            ExprKind::Spawn(a, fields) => format!("spawn {} {{ {} }}", self.program.actors[*a].name, self.exprs(fields)),
            ExprKind::ToReply(v) => format!("reply({})", self.expr(v)),
            ExprKind::ProbeNew => format!("{}()", self.ty(&e.ty)),
        }
    }

    fn inline_block(&self, b: &Block) -> String {
        let mut d = Dumper { program: self.program, sources: self.sources, out: String::new(), indent: 0, func: self.func };
        for s in &b.stmts {
            d.stmt(s);
        }
        let mut parts: Vec<String> = d.out.lines().map(|l| l.trim().to_string()).collect();
        if let Some(v) = &b.value {
            parts.push(self.expr(v));
        }
        format!("{{ {} }}", parts.join("; "))
    }

    fn pattern(&self, p: &Pattern) -> String {
        match p {
            Pattern::Wildcard => "_".into(),
            Pattern::Bind(id) => self.local(*id),
            Pattern::Int(bits) => (*bits as i64).to_string(),
            Pattern::Str(s) => format!("{s:?}"),
            Pattern::Bool(b) => b.to_string(),
            Pattern::Ctor(i, subs) => {
                let subs: Vec<String> = subs.iter().map(|s| self.pattern(s)).collect();
                format!("#{i}({})", subs.join(", "))
            }
        }
    }
}

/// An operator with the type it works on where that matters (`+:i64`,
/// `==:string`); comparisons of scalars and `&&`, `||` read as written.
fn binary_op(op: BinaryOp) -> String {
    match op {
        BinaryOp::Int(o, t) => format!("{}:{}", o.symbol(), t.name()),
        BinaryOp::F64(o) => format!("{}:f64", o.symbol()),
        BinaryOp::Scalar(c) => c.symbol().to_string(),
        BinaryOp::StrConcat => "+:string".into(),
        BinaryOp::Str(c) => format!("{}:string", c.symbol()),
        BinaryOp::BytesEq => "==:bytes".into(),
        BinaryOp::BytesNe => "!=:bytes".into(),
        BinaryOp::And => "&&".into(),
        BinaryOp::Or => "||".into(),
    }
}

fn unary_op(op: UnaryOp) -> String {
    match op {
        UnaryOp::IntNeg(t) => format!("-:{}", t.name()),
        UnaryOp::F64Neg => "-:f64".into(),
        UnaryOp::Not => "!".into(),
        UnaryOp::BitNot(t) => format!("~:{}", t.name()),
    }
}
