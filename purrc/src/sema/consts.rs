//! `const` declarations: evaluated at compile time to a literal scalar or
//! string, on first use (so declaration order does not matter), with
//! arithmetic folded as the program would compute it.

use super::body::{fits, FnCtx};
use super::names::resolve_type;
use super::{Checker, ConstState, SemaError};
use crate::ir::{BinaryOp, Expr, ExprKind, FloatOp, IntOp, IntTy, Ty, UnaryOp};
use crate::intern::Symbol;
use crate::source::Span;

pub(super) fn check_all(ck: &mut Checker) {
    for id in 0..ck.consts.len() {
        value(ck, id, Span::default());
    }
}

/// The value of const `id`; `used_at` locates a cycle error.
pub(super) fn value(ck: &mut Checker, id: usize, used_at: Span) -> Expr {
    let (decl, ns) = match std::mem::replace(&mut ck.consts[id], ConstState::InProgress) {
        ConstState::Done(v) => {
            ck.consts[id] = ConstState::Done(v.clone());
            return v;
        }
        ConstState::InProgress => {
            ck.error(SemaError::InvalidConst { span: used_at });
            return Expr { kind: ExprKind::Int(0), ty: Ty::Error, span: used_at };
        }
        ConstState::Pending(decl, ns) => (decl, ns),
    };
    let ty = decl.ty.as_ref().map(|t| resolve_type(ck, ns, t));
    let checked = FnCtx::new(ck, ns, Ty::Void, vec![]).expr(&decl.value, ty.as_ref());
    let folded = if checked.ty == Ty::Error {
        Some(checked.clone())
    } else {
        fold(ck, &checked)
    };
    let value = match folded {
        Some(v) => {
            if let Some(t) = &ty {
                if !fits(&v.ty, t) {
                    let (expected, found) = (ck.show(t), ck.show(&v.ty));
                    ck.error(SemaError::TypeMismatch { expected, found, span: decl.value.span, hint: None });
                }
            }
            v
        }
        None => {
            ck.error(SemaError::InvalidConst { span: decl.value.span });
            Expr { kind: ExprKind::Int(0), ty: Ty::Error, span: decl.value.span }
        }
    };
    ck.consts[id] = ConstState::Done(value.clone());
    value
}

fn lit(kind: ExprKind, ty: &Ty, span: Span) -> Option<Expr> {
    Some(Expr { kind, ty: *ty, span })
}

/// An integer literal of type `t` holding `v` wrapped into its range.
fn int(v: i128, t: IntTy, e: &Expr) -> Option<Expr> {
    lit(ExprKind::Int(wrap(v, t) as u64), &e.ty, e.span)
}

/// The value of a folded integer literal.
fn int_value(e: &Expr) -> Option<(i128, IntTy)> {
    match (&e.kind, &e.ty) {
        (ExprKind::Int(bits), Ty::Int(t)) => Some((t.value(*bits), *t)),
        _ => None,
    }
}

/// Folds an expression of literals, unary and binary operators into one
/// literal; `None` when it is not a compile-time value.
fn fold(ck: &mut Checker, e: &Expr) -> Option<Expr> {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) => Some(e.clone()),
        ExprKind::Cast(v) => {
            let v = fold(ck, v)?;
            match (int_value(&v), &v.kind, &e.ty) {
                (Some((n, _)), _, Ty::Int(t)) => int(n, *t, e),
                (Some((n, _)), _, Ty::F64) => lit(ExprKind::Float(n as f64), &e.ty, e.span),
                (None, ExprKind::Float(f), Ty::F64) => lit(ExprKind::Float(*f), &e.ty, e.span),
                _ => None,
            }
        }
        ExprKind::Unary(op, v) => {
            let v = fold(ck, v)?;
            match (op, int_value(&v), &v.kind) {
                (UnaryOp::IntNeg(_), Some((n, t)), _) => int(-n, t, e),
                (UnaryOp::BitNot(_), Some((n, t)), _) => int(!n, t, e),
                (UnaryOp::F64Neg, None, ExprKind::Float(f)) => lit(ExprKind::Float(-f), &e.ty, e.span),
                (UnaryOp::Not, None, ExprKind::Bool(b)) => lit(ExprKind::Bool(!b), &e.ty, e.span),
                _ => None,
            }
        }
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (fold(ck, a)?, fold(ck, b)?);
            binary(ck, *op, &a, &b, e)
        }
        _ => None,
    }
}

fn binary(ck: &mut Checker, op: BinaryOp, a: &Expr, b: &Expr, e: &Expr) -> Option<Expr> {
    use ExprKind::{Bool as B, Float as F, Str as S};
    if let (Some((x, t)), Some((y, _))) = (int_value(a), int_value(b)) {
        let shift = (y & (i128::from(t.bits()) - 1)) as u32;
        return match op {
            BinaryOp::Int(op, _) => match op {
                IntOp::Add => int(x + y, t, e),
                IntOp::Sub => int(x - y, t, e),
                IntOp::Mul => int(x.wrapping_mul(y), t, e),
                IntOp::Div | IntOp::Rem if y == 0 => {
                    ck.error(SemaError::InvalidConst { span: e.span });
                    None
                }
                IntOp::Div => int(x / y, t, e),
                IntOp::Rem => int(x % y, t, e),
                IntOp::Shl => int(x.wrapping_shl(shift), t, e),
                IntOp::Shr => int(x >> shift, t, e),
                IntOp::BitAnd => int(x & y, t, e),
                IntOp::BitOr => int(x | y, t, e),
                IntOp::BitXor => int(x ^ y, t, e),
            },
            BinaryOp::Scalar(c) => lit(B(c.holds(x.cmp(&y))), &e.ty, e.span),
            _ => None,
        };
    }
    let kind = match (op, &a.kind, &b.kind) {
        (BinaryOp::F64(op), F(x), F(y)) => F(match op {
            FloatOp::Add => x + y,
            FloatOp::Sub => x - y,
            FloatOp::Mul => x * y,
            FloatOp::Div => x / y,
            FloatOp::Rem => x % y,
        }),
        (BinaryOp::Scalar(c), F(x), F(y)) => B(c.holds(x.partial_cmp(y)?)),
        (BinaryOp::Scalar(c), B(x), B(y)) => B(c.holds(x.cmp(y))),
        (BinaryOp::StrConcat, S(x), S(y)) => S(Symbol::intern(&format!("{x}{y}"))),
        (BinaryOp::Str(c), S(x), S(y)) => B(c.holds(x.as_str().cmp(y.as_str()))),
        (BinaryOp::And, B(x), B(y)) => B(*x && *y),
        (BinaryOp::Or, B(x), B(y)) => B(*x || *y),
        _ => return None,
    };
    lit(kind, &e.ty, e.span)
}

/// Two's-complement wrap into `t`, as the program's arithmetic does.
fn wrap(v: i128, t: IntTy) -> i128 {
    let bits = t.bits();
    let m = v.rem_euclid(1i128 << bits);
    if t.signed() && m > t.max() {
        m - (1i128 << bits)
    } else {
        m
    }
}
