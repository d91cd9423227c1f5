//! A read-only walk over IR bodies: a `Visitor` sees every statement,
//! expression and place, in evaluation order.

use super::*;

pub trait Visitor {
    fn stmt(&mut self, _s: &Stmt) {}
    fn expr(&mut self, _e: &Expr) {}
    fn place(&mut self, _p: &Place) {}
}

pub fn walk_block(v: &mut dyn Visitor, b: &Block) {
    for s in &b.stmts {
        walk_stmt(v, s);
    }
    if let Some(e) = &b.value {
        walk_expr(v, e);
    }
}

pub fn walk_stmt(v: &mut dyn Visitor, s: &Stmt) {
    v.stmt(s);
    match &s.kind {
        StmtKind::Let(_, e) | StmtKind::Expr(e) => walk_expr(v, e),
        StmtKind::Assign(p, _, e) => {
            walk_expr(v, e);
            walk_place(v, p);
        }
        StmtKind::Return(e) => {
            if let Some(e) = e {
                walk_expr(v, e);
            }
        }
        StmtKind::Break | StmtKind::Continue => {}
        StmtKind::Send(send) => {
            walk_expr(v, &send.0);
            walk_expr(v, &send.1);
        }
        StmtKind::Loop(b) => walk_block(v, b),
        StmtKind::While(c, b) => {
            walk_expr(v, c);
            walk_block(v, b);
        }
        StmtKind::ForEach(_, c, b) | StmtKind::ForMap(_, _, c, b) => {
            walk_expr(v, c);
            walk_block(v, b);
        }
        StmtKind::ForRange(_, a, z, b) => {
            walk_expr(v, a);
            walk_expr(v, z);
            walk_block(v, b);
        }
    }
}

pub fn walk_place(v: &mut dyn Visitor, p: &Place) {
    v.place(p);
    for (proj, _) in &p.path {
        if let Proj::Index(e, _) | Proj::Key(e, _) = proj {
            walk_expr(v, e);
        }
    }
}

pub fn walk_expr(v: &mut dyn Visitor, e: &Expr) {
    v.expr(e);
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Str(_)
        | ExprKind::Nil
        | ExprKind::Local(_)
        | ExprKind::FnRef(_)
        | ExprKind::OptionLit(None)
        | ExprKind::SelfActor
        | ExprKind::SelfState
        | ExprKind::ProbeNew => {}
        ExprKind::ToReply(a) => walk_expr(v, a),
        ExprKind::Spawn(_, args) => args.iter().for_each(|a| walk_expr(v, a)),
        ExprKind::Unary(_, a) | ExprKind::Cast(a) | ExprKind::Field(a, _) | ExprKind::ResultLit(_, a) => walk_expr(v, a),
        ExprKind::OptionLit(Some(a)) => walk_expr(v, a),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            walk_expr(v, a);
            walk_expr(v, b);
        }
        ExprKind::Call(_, args)
        | ExprKind::CallExtern(_, args)
        | ExprKind::StructLit(_, args)
        | ExprKind::Variant(_, _, args)
        | ExprKind::List(args) => args.iter().for_each(|a| walk_expr(v, a)),
        ExprKind::CallValue(f, args) => {
            walk_expr(v, f);
            args.iter().for_each(|a| walk_expr(v, a));
        }
        ExprKind::Builtin(_, args) => {
            for a in args {
                match a {
                    Arg::Value(e) => walk_expr(v, e),
                    Arg::Place(p) => walk_place(v, p),
                }
            }
        }
        ExprKind::Interp(parts) => {
            for p in parts {
                if let InterpPart::Value(e) = p {
                    walk_expr(v, e);
                }
            }
        }
        ExprKind::If(if_) => {
            walk_expr(v, &if_.cond);
            walk_block(v, &if_.then);
            if let Some(f) = &if_.otherwise {
                walk_block(v, f);
            }
        }
        ExprKind::Match(s, arms) => {
            walk_expr(v, s);
            arms.iter().for_each(|a| walk_expr(v, &a.body));
        }
        ExprKind::Block(b) => walk_block(v, b),
    }
}
