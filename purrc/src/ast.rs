//! The syntax tree produced by the parser: what the programmer wrote, with a
//! span on every node. Names are unresolved strings; sema turns this into IR.

use crate::intern::Symbol;
use crate::source::Span;
use thin_vec::ThinVec;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ident {
    pub name: Symbol,
    pub span: Span,
}

/// One source file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: ThinVec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Namespace(NamespaceDecl),
    Use(UseDecl),
    Const(ConstDecl),
    Struct(StructDecl),
    Enum(EnumDecl),
    Message(StructDecl),
    Fn(FnDecl),
    ExternFn(ExternFnDecl),
    ExternType(ExternTypeDecl),
    Actor(ActorDecl),
    Test(TestDecl),
    Bench(TestDecl),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamespaceDecl {
    pub path: ThinVec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UseDecl {
    pub alias: Option<Ident>,
    pub path: ThinVec<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConstDecl {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    /// Declared `priv`: visible only in its own namespace.
    pub private: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// `struct` and `message` declarations share this shape.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDecl {
    pub name: Ident,
    pub fields: ThinVec<Field>,
    /// Declared `priv`: visible only in its own namespace.
    pub private: bool,
    /// `extern message`: a message the runtime builds (docs/compiler.md).
    pub external: bool,
    pub span: Span,
}

/// `extern type Name`: an opaque handle the runtime gives out.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternTypeDecl {
    pub name: Ident,
    /// Declared `priv`: visible only in its own namespace.
    pub private: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: Ident,
    pub payload: ThinVec<TypeExpr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: ThinVec<Variant>,
    /// Declared `priv`: visible only in its own namespace.
    pub private: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    pub params: ThinVec<Param>,
    pub ret: Option<TypeExpr>,
    /// `needs M, ns.N`: the messages an actor that calls it must handle.
    pub needs: ThinVec<ThinVec<Ident>>,
    pub body: Block,
    /// Declared `priv`: visible only in its own namespace (an actor's own
    /// functions are never visible outside it).
    pub private: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExternFnDecl {
    pub name: Ident,
    /// `extern "purr" fn`: the runtime's own calling convention.
    pub runtime_abi: bool,
    pub params: ThinVec<Param>,
    pub ret: Option<TypeExpr>,
    /// Declared `priv`: visible only in its own namespace.
    pub private: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StateDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HandlerDecl {
    /// The message type's name, maybe qualified (`net.Data`); `None` for
    /// `on start()`.
    pub message: Option<ThinVec<Ident>>,
    pub param: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActorMember {
    State(StateDecl),
    Handler(HandlerDecl),
    Fn(FnDecl),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActorDecl {
    pub name: Ident,
    pub members: ThinVec<ActorMember>,
    /// Declared `priv`: visible only in its own namespace.
    pub private: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    pub name: String,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `i32`, `Point`, `geo.Point`
    Named { path: ThinVec<Ident>, span: Span },
    /// `list<T>`, `map<K, V>`, `option<T>`, `result<T, E>`, `mailbox<A>`, ...
    Generic { name: Ident, args: ThinVec<TypeExpr>, span: Span },
    /// `fn(A, B) R`
    Fn { params: ThinVec<TypeExpr>, ret: Option<Box<TypeExpr>>, span: Span },
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named { span, .. } | TypeExpr::Generic { span, .. } | TypeExpr::Fn { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stmts: ThinVec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Let { name: Ident, mutable: bool, ty: Option<Box<TypeExpr>>, value: Option<Expr> },
    Assign { target: Box<Expr>, op: AssignOp, value: Expr },
    Expr(Expr),
    Return(Option<Expr>),
    Break,
    Continue,
    /// `for { }`
    Loop(Block),
    /// `for cond { }`
    While { cond: Box<Expr>, body: Block },
    /// `for x in a..b { }`
    ForRange { var: Ident, start: Box<Expr>, end: Box<Expr>, body: Block },
    /// `for x in xs { }` / `for k, v in m { }`
    ForEach { first: Ident, second: Option<Box<Ident>>, iter: Box<Expr>, body: Block },
    /// `send target msg`
    Send { target: Box<Expr>, message: Expr },
    /// `send_test target msg`
    SendTest { target: Box<Expr>, message: Expr },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    BitAnd,
    BitXor,
    BitOr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitXor => "^",
            BinOp::BitOr => "|",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
    BitNot,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Lit(Symbol),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal; the value is unsigned, a leading `-` is a unary op.
    Int(u64),
    Float(f64),
    /// Char literal `'a'` (a `u8`).
    Char(u8),
    Str(ThinVec<StrPart>),
    Bool(bool),
    Nil,
    Name(Ident),
    SelfValue,
    Unary { op: UnOp, operand: Box<Expr> },
    Binary { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    Call { callee: Box<Expr>, args: ThinVec<Expr> },
    /// `probe<T>()`: the one call with an explicit type argument.
    GenericCall(Box<GenericCall>),
    Field(Box<FieldAccess>),
    Index { base: Box<Expr>, index: Box<Expr> },
    /// `Point { x: 1 }`, `geo.Point { .. }`, messages alike.
    StructLit { path: ThinVec<Ident>, fields: ThinVec<FieldInit> },
    List(ThinVec<Expr>),
    If(Box<If>),
    Match { scrutinee: Box<Expr>, arms: ThinVec<MatchArm> },
    Block(Box<Block>),
    Lambda(Box<Lambda>),
    /// `spawn A { .. }` / `spawn_test A { .. }`
    Spawn { test: bool, actor: ThinVec<Ident>, fields: ThinVec<FieldInit> },
}

// The larger or rarer expressions are boxed whole, so that every `Expr`
// stays at 40 bytes.

#[derive(Debug, Clone, PartialEq)]
pub struct GenericCall {
    pub name: Ident,
    pub ty_args: ThinVec<TypeExpr>,
    pub args: ThinVec<Expr>,
}

/// `base.name`
#[derive(Debug, Clone, PartialEq)]
pub struct FieldAccess {
    pub base: Expr,
    pub name: Ident,
}

#[derive(Debug, Clone, PartialEq)]
pub struct If {
    pub cond: Expr,
    pub then_block: Block,
    pub else_branch: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    pub params: ThinVec<Param>,
    pub ret: TypeExpr,
    pub body: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PatternKind {
    Wildcard,
    /// A lowercase-free single name is a binding, unless it is `none`.
    Binding(Ident),
    Int { negative: bool, value: u64 },
    Char(u8),
    Str(Symbol),
    Bool(bool),
    /// `Shape.Circle(r)`, `some(x)`, `ok(v)`, `err(e)`, `none`, `Shape.Empty`
    Ctor { path: ThinVec<Ident>, args: ThinVec<Pattern> },
}
