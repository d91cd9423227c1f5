//! Shared helpers for the parser tests: a compact S-expression printer for
//! the AST (so tests compare short exact strings) and diagnostic rendering.
#![allow(dead_code)]

pub mod programs;
pub mod spec_examples;

use purrc::ast::*;
use purrc::diagnostics::render_plain;
use purrc::parse::{parse_expr, parse_file};
use purrc::source::SourceMap;
use std::fmt::Write;

/// Parses `src` as a file named `test.pu`; panics with the rendered errors.
pub fn parse_ok(src: &str) -> File {
    match parse_file(0, src) {
        Ok(f) => f,
        Err(d) => {
            let mut sm = SourceMap::default();
            sm.add("test.pu".into(), src.into());
            panic!("expected no errors, got:\n{}", render_plain(&d, &sm));
        }
    }
}

/// The rendered diagnostics for a source that must fail to parse.
pub fn parse_err(src: &str) -> String {
    let mut sm = SourceMap::default();
    let id = sm.add("test.pu".into(), src.into());
    match parse_file(id, src) {
        Ok(f) => panic!("expected errors, parsed:\n{}", file(&f)),
        Err(d) => render_plain(&d, &sm),
    }
}

/// The diagnostic ids for a source that must fail to parse.
pub fn error_ids(src: &str) -> Vec<&'static str> {
    match parse_file(0, src) {
        Ok(f) => panic!("expected errors, parsed:\n{}", file(&f)),
        Err(d) => d.iter().map(|d| d.id).collect(),
    }
}

/// One expression, printed compactly.
pub fn expr_str(src: &str) -> String {
    match parse_expr(0, src) {
        Ok(e) => expr(&e),
        Err(d) => {
            let mut sm = SourceMap::default();
            sm.add("expr.pu".into(), src.into());
            panic!("expected no errors for {src:?}, got:\n{}", render_plain(&d, &sm));
        }
    }
}

/// The statements of `fn f() { BODY }`, one per line.
pub fn stmts_str(body: &str) -> String {
    let f = parse_ok(&format!("fn f() {{{body}}}"));
    match &f.items[0] {
        Item::Fn(fd) => fd.body.stmts.iter().map(stmt).collect::<Vec<_>>().join("\n"),
        _ => unreachable!(),
    }
}

pub fn file(f: &File) -> String {
    f.items.iter().map(item).collect::<Vec<_>>().join("\n")
}

fn path(p: &[Ident]) -> String {
    p.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(".")
}

fn list<T>(xs: &[T], f: impl Fn(&T) -> String, sep: &str) -> String {
    xs.iter().map(f).collect::<Vec<_>>().join(sep)
}

pub fn ty(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named { path: p, .. } => path(p),
        TypeExpr::Generic { name, args, .. } => format!("{}<{}>", name.name, list(args, ty, ", ")),
        TypeExpr::Fn { params, ret, .. } => match ret {
            Some(r) => format!("fn({}) {}", list(params, ty, ", "), ty(r)),
            None => format!("fn({})", list(params, ty, ", ")),
        },
    }
}

fn params(ps: &[Param]) -> String {
    list(ps, |p| format!("{}: {}", p.name.name, ty(&p.ty)), ", ")
}

fn fn_decl(f: &FnDecl) -> String {
    let ret = f.ret.as_ref().map(|r| format!(" {}", ty(r))).unwrap_or_default();
    let needs = if f.needs.is_empty() { String::new() } else { format!(" needs {}", list(&f.needs, |p| path(p), ", ")) };
    format!("(fn {}({}){}{} {})", f.name.name, params(&f.params), ret, needs, block(&f.body))
}

pub fn item(i: &Item) -> String {
    match i {
        Item::Namespace(n) => format!("(namespace {})", path(&n.path)),
        Item::Use(u) => match &u.alias {
            Some(a) => format!("(use {} = {})", a.name, path(&u.path)),
            None => format!("(use {})", path(&u.path)),
        },
        Item::Const(c) => {
            let t = c.ty.as_ref().map(|t| format!(": {}", ty(t))).unwrap_or_default();
            format!("(const {}{} {})", c.name.name, t, expr(&c.value))
        }
        Item::Struct(s) => format!("(struct {} {})", s.name.name, fields(&s.fields)),
        Item::Message(s) if s.external => format!("(extern message {} {})", s.name.name, fields(&s.fields)),
        Item::Message(s) => format!("(message {} {})", s.name.name, fields(&s.fields)),
        Item::ExternType(t) => format!("(extern type {})", t.name.name),
        Item::Enum(e) => format!(
            "(enum {} {})",
            e.name.name,
            list(
                &e.variants,
                |v| if v.payload.is_empty() {
                    v.name.name.to_string()
                } else {
                    format!("{}({})", v.name.name, list(&v.payload, ty, ", "))
                },
                " "
            )
        ),
        Item::Fn(f) => fn_decl(f),
        Item::ExternFn(f) => {
            let ret = f.ret.as_ref().map(|r| format!(" {}", ty(r))).unwrap_or_default();
            let abi = if f.runtime_abi { " \"purr\"" } else { "" };
            format!("(extern{abi} fn {}({}){})", f.name.name, params(&f.params), ret)
        }
        Item::Actor(a) => format!("(actor {} {})", a.name.name, list(&a.members, member, " ")),
        Item::Test(t) => format!("(test {:?} {})", t.name, block(&t.body)),
        Item::Bench(t) => format!("(bench {:?} {})", t.name, block(&t.body)),
    }
}

fn fields(fs: &[Field]) -> String {
    format!("[{}]", list(fs, |f| format!("{}: {}", f.name.name, ty(&f.ty)), ", "))
}

fn member(m: &ActorMember) -> String {
    match m {
        ActorMember::State(s) => match &s.default {
            Some(d) => format!("(state {}: {} = {})", s.name.name, ty(&s.ty), expr(d)),
            None => format!("(state {}: {})", s.name.name, ty(&s.ty)),
        },
        ActorMember::Handler(h) => format!(
            "(on {}({}) {})",
            h.message.as_ref().map_or("start".to_string(), |m| path(m)),
            h.param.as_ref().map_or("", |p| p.name.as_str()),
            block(&h.body)
        ),
        ActorMember::Fn(f) => fn_decl(f),
    }
}

pub fn block(b: &Block) -> String {
    format!("{{{}}}", list(&b.stmts, stmt, "; "))
}

pub fn stmt(s: &Stmt) -> String {
    match &s.kind {
        StmtKind::Let { name, mutable, ty: t, value } => {
            let mut out = format!("({} {}", if *mutable { "var" } else { "let" }, name.name);
            if let Some(t) = t {
                write!(out, ": {}", ty(t)).unwrap();
            }
            if let Some(v) = value {
                write!(out, " = {}", expr(v)).unwrap();
            }
            out + ")"
        }
        StmtKind::Assign { target, op, value } => {
            let op = match op {
                AssignOp::Set => "=",
                AssignOp::Add => "+=",
                AssignOp::Sub => "-=",
                AssignOp::Mul => "*=",
                AssignOp::Div => "/=",
                AssignOp::Rem => "%=",
                AssignOp::BitAnd => "&=",
                AssignOp::BitOr => "|=",
                AssignOp::BitXor => "^=",
                AssignOp::Shl => "<<=",
                AssignOp::Shr => ">>=",
            };
            format!("({op} {} {})", expr(target), expr(value))
        }
        StmtKind::Expr(e) => expr(e),
        StmtKind::Return(Some(e)) => format!("(return {})", expr(e)),
        StmtKind::Return(None) => "(return)".into(),
        StmtKind::Break => "break".into(),
        StmtKind::Continue => "continue".into(),
        StmtKind::Loop(b) => format!("(loop {})", block(b)),
        StmtKind::While { cond, body } => format!("(while {} {})", expr(cond), block(body)),
        StmtKind::ForRange { var, start, end, body } => {
            format!("(for {} in {}..{} {})", var.name, expr(start), expr(end), block(body))
        }
        StmtKind::ForEach { first, second, iter, body } => match second {
            Some(s) => format!("(for {}, {} in {} {})", first.name, s.name, expr(iter), block(body)),
            None => format!("(for {} in {} {})", first.name, expr(iter), block(body)),
        },
        StmtKind::Send { target, message } => format!("(send {} {})", expr(target), expr(message)),
        StmtKind::SendTest { target, message } => format!("(send_test {} {})", expr(target), expr(message)),
    }
}

fn inits(fs: &[FieldInit]) -> String {
    list(fs, |f| format!(" {}: {}", f.name.name, expr(&f.value)), "")
}

pub fn pattern(p: &Pattern) -> String {
    match &p.kind {
        PatternKind::Wildcard => "_".into(),
        PatternKind::Binding(i) => format!("${}", i.name),
        PatternKind::Int { negative, value } => format!("{}{value}", if *negative { "-" } else { "" }),
        PatternKind::Char(c) => format!("{:?}", *c as char),
        PatternKind::Str(s) => format!("{s:?}"),
        PatternKind::Bool(b) => b.to_string(),
        PatternKind::Ctor { path: p, args } if args.is_empty() => path(p),
        PatternKind::Ctor { path: p, args } => format!("{}({})", path(p), list(args, pattern, ", ")),
    }
}

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(v) => v.to_string(),
        ExprKind::Float(v) => format!("{v:?}"),
        ExprKind::Char(c) => format!("{:?}", *c as char),
        ExprKind::Str(parts) => format!(
            "\"{}\"",
            list(
                parts,
                |p| match p {
                    StrPart::Lit(s) => s.escape_debug().to_string(),
                    StrPart::Expr(e) => format!("{{{}}}", expr(e)),
                },
                ""
            )
        ),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Nil => "nil".into(),
        ExprKind::Name(i) => i.name.to_string(),
        ExprKind::SelfValue => "self".into(),
        ExprKind::Unary { op, operand } => {
            let op = match op {
                UnOp::Neg => "-",
                UnOp::Not => "!",
                UnOp::BitNot => "~",
            };
            format!("({op} {})", expr(operand))
        }
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.symbol(), expr(lhs), expr(rhs)),
        ExprKind::Call { callee, args } => format!("(call {}{})", expr(callee), list(args, |a| format!(" {}", expr(a)), "")),
        ExprKind::GenericCall(g) => format!(
            "(call {}<{}>{})",
            g.name.name,
            list(&g.ty_args, ty, ", "),
            list(&g.args, |a| format!(" {}", expr(a)), "")
        ),
        ExprKind::Field(f) => format!("(. {} {})", expr(&f.base), f.name.name),
        ExprKind::Index { base, index } => format!("([] {} {})", expr(base), expr(index)),
        ExprKind::StructLit { path: p, fields } => format!("(lit {}{})", path(p), inits(fields)),
        ExprKind::List(items) => format!("[{}]", list(items, expr, " ")),
        ExprKind::If(if_) => match &if_.else_branch {
            Some(e) => format!("(if {} {} else {})", expr(&if_.cond), block(&if_.then_block), expr(e)),
            None => format!("(if {} {})", expr(&if_.cond), block(&if_.then_block)),
        },
        ExprKind::Match { scrutinee, arms } => format!(
            "(match {}{})",
            expr(scrutinee),
            list(arms, |a| format!(" [{} => {}]", pattern(&a.pattern), expr(&a.body)), "")
        ),
        ExprKind::Block(b) => block(b),
        ExprKind::Lambda(l) => format!("(lambda ({}) {} {})", params(&l.params), ty(&l.ret), expr(&l.body)),
        ExprKind::Spawn { test, actor, fields } => {
            format!("({} {}{})", if *test { "spawn_test" } else { "spawn" }, path(actor), inits(fields))
        }
    }
}
