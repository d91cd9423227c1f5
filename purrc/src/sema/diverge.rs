//! Operands that never produce a value: in `1 + panic("x")`, `f(a, return)`
//! or `send t M { n: fail() }` the operation never runs, because control
//! leaves while its operands are evaluated. Such an expression becomes a
//! block that evaluates the operands before the diverging one (for their
//! effects), then the diverging one, and has type `never`; a statement
//! whose operand diverges becomes that block as an expression statement.
//! So no later phase ever needs the value of a `never` operand.

use crate::ir::{self, Arg, Block, Expr, ExprKind, InterpPart, Stmt, StmtKind, Ty};
use thin_vec::ThinVec;

pub(super) fn block(b: &mut Block) {
    for s in &mut b.stmts {
        stmt(s);
    }
    if let Some(v) = &mut b.value {
        expr(v);
    }
}

fn stmt(s: &mut Stmt) {
    match &mut s.kind {
        StmtKind::Let(_, e) | StmtKind::Expr(e) | StmtKind::Return(Some(e)) => expr(e),
        StmtKind::Assign(place, _, e) => {
            place_operands(place).into_iter().for_each(expr);
            expr(e);
        }
        StmtKind::Loop(b) => block(b),
        StmtKind::While(c, b) => {
            expr(c);
            block(b);
        }
        StmtKind::ForRange(_, a, z, b) => {
            expr(a);
            expr(z);
            block(b);
        }
        StmtKind::ForEach(_, c, b) | StmtKind::ForMap(_, _, c, b) => {
            expr(c);
            block(b);
        }
        StmtKind::Send(send) => {
            expr(&mut send.0);
            expr(&mut send.1);
        }
        StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue => {}
    }
    // `let`, assignment and `return` already do without the value of a
    // `never` expression; the statements below would need it.
    let operands: Vec<&mut Expr> = match &mut s.kind {
        StmtKind::Send(send) => vec![&mut send.0, &mut send.1],
        StmtKind::While(c, _) => vec![&mut **c],
        StmtKind::ForEach(_, c, _) | StmtKind::ForMap(_, _, c, _) => vec![&mut **c],
        StmtKind::ForRange(_, a, z, _) => vec![&mut **a, &mut **z],
        _ => return,
    };
    if let Some(e) = diverging_block(operands, s.span) {
        s.kind = StmtKind::Expr(e);
    }
}

fn expr(e: &mut Expr) {
    match &mut e.kind {
        ExprKind::If(if_) => {
            expr(&mut if_.cond);
            block(&mut if_.then);
            if let Some(b) = &mut if_.otherwise {
                block(b);
            }
        }
        ExprKind::Match(s, arms) => {
            expr(s);
            arms.iter_mut().for_each(|a| expr(&mut a.body));
        }
        ExprKind::Block(b) => block(b),
        // `b` of `a && b` runs only sometimes: it is its own matter.
        ExprKind::Binary(ir::BinaryOp::And | ir::BinaryOp::Or, a, b) => {
            expr(a);
            expr(b);
        }
        _ => operands(e).into_iter().for_each(expr),
    }
    let span = e.span;
    if let Some(b) = diverging_block(operands(e), span) {
        *e = b;
    }
}

/// The operands of `e` that always run, in evaluation order (for `if` and
/// `match`, the condition and the scrutinee; for `a && b`, `a`).
fn operands(e: &mut Expr) -> Vec<&mut Expr> {
    match &mut e.kind {
        ExprKind::Unary(_, a)
        | ExprKind::Cast(a)
        | ExprKind::Field(a, _)
        | ExprKind::ToReply(a)
        | ExprKind::OptionLit(Some(a))
        | ExprKind::ResultLit(_, a)
        | ExprKind::Match(a, _)
        | ExprKind::Binary(ir::BinaryOp::And | ir::BinaryOp::Or, a, _) => vec![a],
        ExprKind::If(if_) => vec![&mut if_.cond],
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => vec![a, b],
        ExprKind::Call(_, args)
        | ExprKind::CallExtern(_, args)
        | ExprKind::StructLit(_, args)
        | ExprKind::Variant(_, _, args)
        | ExprKind::List(args)
        | ExprKind::Spawn(_, args) => args.iter_mut().collect(),
        ExprKind::CallValue(f, args) => std::iter::once(&mut **f).chain(args.iter_mut()).collect(),
        ExprKind::Builtin(_, args) => args
            .iter_mut()
            .flat_map(|a| match a {
                Arg::Value(v) => vec![v],
                Arg::Place(p) => place_operands(p),
            })
            .collect(),
        ExprKind::Interp(parts) => parts
            .iter_mut()
            .filter_map(|p| match p {
                InterpPart::Value(v) => Some(v),
                InterpPart::Lit(_) => None,
            })
            .collect(),
        _ => vec![],
    }
}

fn place_operands(p: &mut ir::Place) -> Vec<&mut Expr> {
    p.path
        .iter_mut()
        .filter_map(|(proj, _)| match proj {
            ir::Proj::Index(i, _) | ir::Proj::Key(i, _) => Some(&mut **i),
            ir::Proj::Field(_) => None,
        })
        .collect()
}

/// When one of `operands` (in evaluation order) diverges: a block that
/// evaluates those before it and then it, of type `never`.
fn diverging_block(operands: Vec<&mut Expr>, span: crate::source::Span) -> Option<Expr> {
    let k = operands.iter().position(|o| o.ty == Ty::Never)?;
    let mut taken = operands.into_iter().take(k + 1).map(|o| {
        let placeholder = Expr { kind: ExprKind::Nil, ty: Ty::Void, span: o.span };
        std::mem::replace(o, placeholder)
    });
    let stmts: ThinVec<Stmt> = taken.by_ref().take(k).map(|o| Stmt { span: o.span, kind: StmtKind::Expr(o) }).collect();
    let value = taken.next().expect("the diverging operand");
    Some(Expr { kind: ExprKind::Block(Box::new(Block { stmts, value: Some(Box::new(value)), span })), ty: Ty::Never, span })
}
