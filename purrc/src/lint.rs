//! Lints: checks of a well-typed program (the IR) for code that compiles
//! but cannot be what was meant. They produce warnings, which never stop a
//! build.
//!
//! The one lint so far is unconditional recursion: a function that cannot
//! return without calling itself, like `fn down(n: i64) i64 { return
//! down(n + 1) + 1 }`. At `-O2` gcc turns such a call into a jump, so the
//! program loops forever instead of overflowing its stack: without the
//! warning the mistake is silent.

use crate::diagnostics::Diagnostic;
use crate::ir::{self, Arg, Block, Builtin, Expr, ExprKind, FuncId, InterpPart, Proj, StmtKind};
use crate::source::Span;

/// A lint's finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Every path through the function calls the function itself again
    /// before it can return.
    UnconditionalRecursion { name: String, span: Span, call: Span },
}

crate::diagnostics::diagnostic_ids!(Warning {
    UnconditionalRecursion => "unconditional-recursion",
});

impl Warning {
    pub fn to_diagnostic(&self) -> Diagnostic {
        let id = self.id();
        match self {
            Warning::UnconditionalRecursion { name, span, call } => {
                Diagnostic::warning(id, *span, format!("function `{name}` cannot return without calling itself"))
                    .label("cannot return")
                    .with_secondary(*call, format!("`{name}` calls itself here"))
                    .hint(format!("give it a base case: a path that returns without calling `{name}`"))
            }
        }
    }
}

/// Runs every lint over the program.
pub fn check(program: &ir::Program) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (id, f) in program.funcs.iter().enumerate() {
        let mut walk = Paths { func: id, first_call: None };
        let ends = walk.block(&f.body);
        if ends == Ends::RECURSE {
            let call = walk.first_call.expect("a function that recurses has a recursive call");
            warnings.push(Warning::UnconditionalRecursion { name: program.func_name(f), span: f.span, call });
        }
    }
    warnings.iter().map(Warning::to_diagnostic).collect()
}

/// How the paths through a piece of code that have not yet called the
/// function itself can end: a set of the flags below. A function recurses
/// unconditionally when its body's only way to end is [`Ends::RECURSE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ends(u8);

impl Ends {
    const NONE: Ends = Ends(0);
    /// Falls through to the code after it.
    const NEXT: Ends = Ends(1);
    /// `return`, or ending the program (`panic`, `exit`).
    const RETURN: Ends = Ends(2);
    const BREAK: Ends = Ends(4);
    const CONTINUE: Ends = Ends(8);
    /// Reaches a call of the function itself.
    const RECURSE: Ends = Ends(16);

    fn has(self, other: Ends) -> bool {
        self.0 & other.0 != 0
    }

    fn or(self, other: Ends) -> Ends {
        Ends(self.0 | other.0)
    }

    fn without(self, other: Ends) -> Ends {
        Ends(self.0 & !other.0)
    }

    /// `self` then, on the paths that fall through, `next`.
    fn then(self, next: impl FnOnce() -> Ends) -> Ends {
        if self.has(Ends::NEXT) {
            self.without(Ends::NEXT).or(next())
        } else {
            self
        }
    }

    /// A loop around a body that may also run no time at all (`skippable`):
    /// the body's `break` ends the loop, its `continue` and fall-through
    /// go round again (the paths they take are already in the set).
    fn looped(body: Ends, skippable: bool) -> Ends {
        let out = body.without(Ends::NEXT.or(Ends::BREAK).or(Ends::CONTINUE));
        if body.has(Ends::BREAK) || skippable {
            out.or(Ends::NEXT)
        } else {
            out
        }
    }
}

/// The walk over one function's body, in evaluation order.
struct Paths {
    func: FuncId,
    /// The first recursive call met, for the warning.
    first_call: Option<Span>,
}

impl Paths {
    fn block(&mut self, b: &Block) -> Ends {
        let mut ends = Ends::NEXT;
        for s in &b.stmts {
            ends = ends.then(|| self.stmt(&s.kind));
        }
        match &b.value {
            Some(v) => ends.then(|| self.expr(v)),
            None => ends,
        }
    }

    fn stmt(&mut self, s: &StmtKind) -> Ends {
        match s {
            StmtKind::Let(_, e) | StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign(place, _, e) => self.exprs(place_exprs(place).chain([e])),
            StmtKind::Return(e) => self.exprs(e.iter()).then(|| Ends::RETURN),
            StmtKind::Break => Ends::BREAK,
            StmtKind::Continue => Ends::CONTINUE,
            StmtKind::Send(send) => self.exprs([&send.0, &send.1]),
            StmtKind::Loop(body) => Ends::looped(self.block(body), false),
            StmtKind::While(cond, body) => self.expr(cond).then(|| Ends::looped(self.block(body), true)),
            StmtKind::ForRange(_, from, to, body) => {
                self.exprs([&**from, &**to]).then(|| Ends::looped(self.block(body), true))
            }
            StmtKind::ForEach(_, items, body) | StmtKind::ForMap(_, _, items, body) => {
                self.expr(items).then(|| Ends::looped(self.block(body), true))
            }
        }
    }

    /// Expressions evaluated one after another.
    fn exprs<'e>(&mut self, es: impl IntoIterator<Item = &'e Expr>) -> Ends {
        let mut ends = Ends::NEXT;
        for e in es {
            ends = ends.then(|| self.expr(e));
        }
        ends
    }

    fn expr(&mut self, e: &Expr) -> Ends {
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_)
            | ExprKind::Nil
            | ExprKind::Local(_)
            // A function value is not a call; calls through one are not
            // followed (this lint looks at direct recursion only).
            | ExprKind::FnRef(_)
            | ExprKind::OptionLit(None)
            | ExprKind::SelfActor
            | ExprKind::SelfState
            | ExprKind::ProbeNew => Ends::NEXT,
            ExprKind::Call(f, args) if *f == self.func => self.exprs(args).then(|| {
                self.first_call.get_or_insert(e.span);
                Ends::RECURSE
            }),
            ExprKind::Builtin(Builtin::Panic | Builtin::Exit, args) => self.args(args).then(|| Ends::RETURN),
            ExprKind::Builtin(_, args) => self.args(args),
            ExprKind::Call(_, args)
            | ExprKind::CallExtern(_, args)
            | ExprKind::StructLit(_, args)
            | ExprKind::Variant(_, _, args)
            | ExprKind::List(args)
            | ExprKind::Spawn(_, args) => self.exprs(args),
            ExprKind::CallValue(callee, args) => self.exprs(std::iter::once(&**callee).chain(args)),
            ExprKind::Unary(_, a)
            | ExprKind::Cast(a)
            | ExprKind::Field(a, _)
            | ExprKind::ResultLit(_, a)
            | ExprKind::OptionLit(Some(a))
            | ExprKind::ToReply(a) => self.expr(a),
            // The right operand of `&&` and `||` may not run.
            ExprKind::Binary(ir::BinaryOp::And | ir::BinaryOp::Or, lhs, rhs) => {
                self.expr(lhs).then(|| Ends::NEXT.or(self.expr(rhs)))
            }
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => self.exprs([&**a, &**b]),
            ExprKind::Interp(parts) => self.exprs(parts.iter().filter_map(|p| match p {
                InterpPart::Value(v) => Some(v),
                InterpPart::Lit(_) => None,
            })),
            ExprKind::If(if_) => self.expr(&if_.cond).then(|| {
                let then = self.block(&if_.then);
                then.or(if_.otherwise.as_ref().map_or(Ends::NEXT, |b| self.block(b)))
            }),
            ExprKind::Match(scrutinee, arms) => self
                .expr(scrutinee)
                .then(|| arms.iter().fold(Ends::NONE, |ends, arm| ends.or(self.expr(&arm.body)))),
            ExprKind::Block(b) => self.block(b),
        }
    }

    fn args(&mut self, args: &[Arg]) -> Ends {
        let mut ends = Ends::NEXT;
        for a in args {
            ends = ends.then(|| match a {
                Arg::Value(v) => self.expr(v),
                Arg::Place(p) => self.exprs(place_exprs(p)),
            });
        }
        ends
    }
}

/// The index and key expressions of a place, in evaluation order.
fn place_exprs(place: &ir::Place) -> impl Iterator<Item = &Expr> {
    place.path.iter().filter_map(|(proj, _)| match proj {
        Proj::Index(e, _) | Proj::Key(e, _) => Some(&**e),
        Proj::Field(_) => None,
    })
}
