use purrc::ast::*;
#[test]
fn sizes() {
    use std::mem::size_of;
    println!("Stmt {} StmtKind {} Item {} FnDecl {} ActorMember {} MatchArm {} Expr {} ExprKind {} TypeExpr {} Pattern {} Block {} Ident {} Tok {} ER {}",
      size_of::<Stmt>(), size_of::<StmtKind>(), size_of::<Item>(), size_of::<FnDecl>(), size_of::<ActorMember>(), size_of::<MatchArm>(), size_of::<Expr>(), size_of::<ExprKind>(), size_of::<TypeExpr>(), size_of::<Pattern>(), size_of::<Block>(), size_of::<Ident>(), size_of::<purrc::lexer::Tok>(),
      size_of::<lalrpop_util::ErrorRecovery<usize, purrc::lexer::Tok, std::convert::Infallible>>());
}
