//! The typed IR: the program after name resolution and type checking.
//!
//! Every expression carries its type and its source span; names are resolved
//! to ids (locals, functions, types); method-call sugar, constants and
//! which operation each operator performs (`+` on strings concatenates) are
//! already decided. Code generation reads only this.

mod dump;
pub mod visit;

pub use dump::dump;

use crate::intern::{Symbol, Table};
use crate::source::Span;
use std::fmt;
use thin_vec::ThinVec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntTy {
    pub const ALL: [IntTy; 8] =
        [IntTy::I8, IntTy::I16, IntTy::I32, IntTy::I64, IntTy::U8, IntTy::U16, IntTy::U32, IntTy::U64];

    pub fn name(self) -> &'static str {
        match self {
            IntTy::I8 => "i8",
            IntTy::I16 => "i16",
            IntTy::I32 => "i32",
            IntTy::I64 => "i64",
            IntTy::U8 => "u8",
            IntTy::U16 => "u16",
            IntTy::U32 => "u32",
            IntTy::U64 => "u64",
        }
    }

    pub fn signed(self) -> bool {
        matches!(self, IntTy::I8 | IntTy::I16 | IntTy::I32 | IntTy::I64)
    }

    /// The C type that represents this integer type (docs/language.md §3).
    pub fn c_type(self) -> &'static str {
        match self {
            IntTy::I8 => "int8_t",
            IntTy::I16 => "int16_t",
            IntTy::I32 => "int32_t",
            IntTy::I64 => "int64_t",
            IntTy::U8 => "uint8_t",
            IntTy::U16 => "uint16_t",
            IntTy::U32 => "uint32_t",
            IntTy::U64 => "uint64_t",
        }
    }

    pub fn bits(self) -> u32 {
        match self {
            IntTy::I8 | IntTy::U8 => 8,
            IntTy::I16 | IntTy::U16 => 16,
            IntTy::I32 | IntTy::U32 => 32,
            IntTy::I64 | IntTy::U64 => 64,
        }
    }

    pub fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }

    /// The value of an integer of this type stored as two's-complement bits.
    pub fn value(self, bits: u64) -> i128 {
        let shift = 64 - self.bits();
        if self.signed() {
            i128::from(((bits << shift) as i64) >> shift)
        } else {
            i128::from((bits << shift) >> shift)
        }
    }

    pub fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
}

pub type StructId = usize;
pub type EnumId = usize;
pub type FuncId = usize;
pub type LocalId = usize;
pub type ActorId = usize;
pub type HandleId = usize;

/// Message kind 0 is the runtime's `start`.
pub const FIRST_USER_MESSAGE_KIND: u32 = 1;

/// An IR type. Small and `Copy`: the types inside a type are interned
/// ([`TyRef`], [`TyList`]), so copying one, as every expression's type is
/// copied from its operands', never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    Int(IntTy),
    F64,
    Bool,
    Void,
    Str,
    Bytes,
    Ptr,
    List(TyRef),
    Map(TyRef, TyRef),
    Option(TyRef),
    Result(TyRef, TyRef),
    Fn(TyList, TyRef),
    Struct(StructId),
    Enum(EnumId),
    /// `mailbox<A>`: the address of an actor.
    Mailbox(ActorId),
    /// An `extern type`: an opaque handle the runtime gives out (an id).
    Handle(HandleId),
    /// `reply<T>`: a single-use channel for one message of type `T`.
    Reply(TyRef),
    /// `probe<T>` (tests): collects the `T` messages sent to it.
    Probe(TyRef),
    /// The type of expressions that never produce a value (`return`,
    /// `panic(..)`); it fits wherever a value is expected.
    Never,
    /// Stands in after an error so that one mistake is reported once.
    Error,
}

/// A type inside another (`T` in `list<T>`), interned (crate::intern): it
/// reads as a `&Ty`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TyRef(u32);

static INNER_TYPES: Table<Ty> = Table::new();

impl From<Ty> for TyRef {
    fn from(ty: Ty) -> TyRef {
        TyRef(INNER_TYPES.intern(&ty, || ty))
    }
}

impl std::ops::Deref for TyRef {
    type Target = Ty;

    fn deref(&self) -> &Ty {
        INNER_TYPES.get(self.0)
    }
}

impl fmt::Debug for TyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// The parameter types of a function type, interned: it reads as a `&[Ty]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TyList(u32);

static TYPE_LISTS: Table<&'static [Ty]> = Table::new();

impl From<&[Ty]> for TyList {
    fn from(tys: &[Ty]) -> TyList {
        TyList(TYPE_LISTS.intern(tys, || Box::leak(Box::from(tys))))
    }
}

impl std::ops::Deref for TyList {
    type Target = [Ty];

    fn deref(&self) -> &[Ty] {
        TYPE_LISTS.get(self.0)
    }
}

impl fmt::Debug for TyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl Ty {
    pub fn is_int(&self) -> bool {
        matches!(self, Ty::Int(_))
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::F64)
    }

    /// Scalars are copied by value and own nothing.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Ty::Int(_) | Ty::F64 | Ty::Bool | Ty::Ptr | Ty::Handle(_))
    }

    /// The C type a value of this type has where it crosses into C through
    /// an `extern fn` of calling convention `abi` (docs/language.md §9), or
    /// `None` where it cannot cross. This is the one table of what may
    /// cross: sema checks `extern fn` declarations against it and code
    /// generation declares them with it.
    pub fn extern_c_type(&self, abi: Abi, position: ExternPosition) -> Option<&'static str> {
        use {Abi::*, ExternPosition::*};
        Some(match (self, abi, position) {
            (Ty::Int(i), ..) => i.c_type(),
            (Ty::F64, ..) => "double",
            (Ty::Bool, ..) => "bool",
            (Ty::Ptr, ..) => "void *",
            (Ty::Handle(_), ..) => "int64_t",
            (Ty::Void, _, Return) => "void",
            (Ty::Str, C, _) => "const char *",
            // NULL is `none`.
            (Ty::Option(t), C, Return) if **t == Ty::Str => "const char *",
            // The length of a returned buffer would be unknown.
            (Ty::Bytes, C, Param) => "uint8_t *",
            (Ty::Str, Runtime, _) => "purr_str *",
            (Ty::Bytes, Runtime, _) => "purr_bytes *",
            (Ty::Option(t), Runtime, Return) if **t == Ty::Str => "purr_str *",
            (Ty::Option(t), Runtime, Return) if **t == Ty::Bytes => "purr_bytes *",
            (Ty::Mailbox(_), Runtime, Param) => "purr_actor *",
            _ => return None,
        })
    }
}

/// The calling convention of an `extern fn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    /// C's (`extern fn`): strings as NUL-terminated `const char *`, byte
    /// buffers as a pointer the callee may write into.
    C,
    /// The runtime's (`extern "purr" fn`): the runtime's own values,
    /// borrowed as arguments and owned as results (runtime-c/include/purr.h).
    Runtime,
}

/// Where a type appears in an `extern fn` declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternPosition {
    Param,
    Return,
}

/// An integer operation. Arithmetic wraps; `/` and `%` panic on a zero
/// divisor; shift counts are taken modulo the width (docs/language.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
}

/// An IEEE 754 operation on `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What a binary operator does, chosen by sema from the operand types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Int(IntOp, IntTy),
    F64(FloatOp),
    /// Integers, `f64`, `bool` or `ptr` compared by value.
    Scalar(Cmp),
    StrConcat,
    /// Strings compared bytewise.
    Str(Cmp),
    BytesEq,
    BytesNe,
    /// `&&` and `||`: the right operand is evaluated only when needed.
    And,
    Or,
}

/// What a unary operator does, chosen by sema from the operand type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// Wrapping negation of a signed integer.
    IntNeg(IntTy),
    F64Neg,
    Not,
    BitNot(IntTy),
}

impl IntOp {
    pub fn symbol(self) -> &'static str {
        match self {
            IntOp::Add => "+",
            IntOp::Sub => "-",
            IntOp::Mul => "*",
            IntOp::Div => "/",
            IntOp::Rem => "%",
            IntOp::Shl => "<<",
            IntOp::Shr => ">>",
            IntOp::BitAnd => "&",
            IntOp::BitOr => "|",
            IntOp::BitXor => "^",
        }
    }
}

impl FloatOp {
    pub fn symbol(self) -> &'static str {
        match self {
            FloatOp::Add => "+",
            FloatOp::Sub => "-",
            FloatOp::Mul => "*",
            FloatOp::Div => "/",
            FloatOp::Rem => "%",
        }
    }
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }

    /// Whether two operands that compare as `ord` satisfy this comparison.
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Ne => ord != Equal,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
        }
    }
}

impl BinaryOp {
    /// Integer division and remainder panic on a zero divisor; nothing else
    /// a binary operator does can fail.
    pub fn may_fault(self) -> bool {
        matches!(self, BinaryOp::Int(IntOp::Div | IntOp::Rem, _))
    }
}

/// A top-level declaration's name: the namespace that declares it and its
/// name there. (Code generation derives C names from these.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeclName {
    pub namespace: Symbol,
    pub name: Symbol,
}

impl fmt::Display for DeclName {
    /// As the programmer writes it: `Point` in namespace `main` and in the
    /// prelude (whose names every namespace sees), else qualified
    /// (`geo.Point`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace == "main" || self.namespace == crate::stdlib::PRELUDE {
            f.write_str(&self.name)
        } else {
            write!(f, "{}.{}", self.namespace, self.name)
        }
    }
}

/// Names of user types, for printing types in diagnostics and dumps.
pub trait TypeNames {
    fn struct_name(&self, id: StructId) -> &DeclName;
    fn enum_name(&self, id: EnumId) -> &DeclName;
    fn actor_name(&self, id: ActorId) -> &DeclName;
    fn handle_name(&self, id: HandleId) -> &DeclName;
}

pub struct DisplayTy<'a> {
    pub ty: &'a Ty,
    pub names: &'a dyn TypeNames,
}

impl fmt::Display for DisplayTy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |ty: &Ty| DisplayTy { ty, names: self.names }.to_string();
        match self.ty {
            Ty::Int(i) => f.write_str(i.name()),
            Ty::F64 => f.write_str("f64"),
            Ty::Bool => f.write_str("bool"),
            Ty::Void => f.write_str("void"),
            Ty::Str => f.write_str("string"),
            Ty::Bytes => f.write_str("bytes"),
            Ty::Ptr => f.write_str("ptr"),
            Ty::Handle(h) => write!(f, "{}", self.names.handle_name(*h)),
            Ty::List(t) => write!(f, "list<{}>", show(t)),
            Ty::Map(k, v) => write!(f, "map<{}, {}>", show(k), show(v)),
            Ty::Option(t) => write!(f, "option<{}>", show(t)),
            Ty::Result(t, e) => write!(f, "result<{}, {}>", show(t), show(e)),
            Ty::Fn(params, ret) => {
                let ps: Vec<String> = params.iter().map(show).collect();
                write!(f, "fn({}) {}", ps.join(", "), show(ret))
            }
            Ty::Struct(id) => write!(f, "{}", self.names.struct_name(*id)),
            Ty::Mailbox(id) => write!(f, "mailbox<{}>", self.names.actor_name(*id)),
            Ty::Reply(t) => write!(f, "reply<{}>", show(t)),
            Ty::Probe(t) => write!(f, "probe<{}>", show(t)),
            Ty::Enum(id) => write!(f, "{}", self.names.enum_name(*id)),
            Ty::Never => f.write_str("never"),
            Ty::Error => f.write_str("{error}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructKind {
    Struct,
    /// A `message`: sendable; its kind number is `kind`. `external`: an
    /// `extern message`, which the runtime builds (through a constructor
    /// code generation registers).
    Message { kind: u32, external: bool },
    /// The state fields of `actor` (reached as `self.field`).
    State { actor: ActorId },
}

#[derive(Debug, Clone)]
pub struct StructDef {
    /// `Counter.state` for the state of actor `Counter`.
    pub name: DeclName,
    pub fields: Vec<(Symbol, Ty)>,
    pub kind: StructKind,
    pub span: Span,
}

impl StructDef {
    /// The message kind number, for messages.
    pub fn message_kind(&self) -> Option<u32> {
        match self.kind {
            StructKind::Message { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

/// One `actor` declaration.
#[derive(Debug, Clone)]
pub struct ActorDef {
    pub name: DeclName,
    /// The state, as a struct of kind `State`.
    pub state: StructId,
    /// Default values of state fields, by field index (`None`: spawn gives it).
    pub defaults: Vec<Option<Expr>>,
    /// `on start()`.
    pub start: Option<FuncId>,
    /// `on Msg(m)`: the message struct and the handler.
    pub handlers: Vec<(StructId, FuncId)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub name: Symbol,
    pub payload: Vec<Ty>,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: DeclName,
    pub variants: Vec<VariantDef>,
    pub span: Span,
}

impl EnumDef {
    /// Enums without payloads are plain integers; the rest are immutable
    /// reference-counted heap values (which also makes recursive enums work).
    pub fn is_boxed(&self) -> bool {
        self.variants.iter().any(|v| !v.payload.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: Symbol,
    pub ty: Ty,
    pub mutable: bool,
    pub span: Span,
}

/// What a function is in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FuncKind {
    /// A top-level `fn`.
    Top(DeclName),
    /// An actor's own `fn name`.
    ActorFn(ActorId, Symbol),
    /// An actor's `on start()`.
    Start(ActorId),
    /// An actor's handler of a message type.
    Handler(ActorId, StructId),
    /// A lambda written in `namespace`; `index` tells the lambdas apart.
    Lambda { namespace: Symbol, index: usize },
    /// The body of the `index`th test or bench of the program.
    Test { namespace: Symbol, index: usize },
    Bench { namespace: Symbol, index: usize },
    /// The entry of an actor program, made by code generation: spawns
    /// `actor Main` with its defaults.
    SpawnMain,
}

#[derive(Debug, Clone)]
pub struct Func {
    pub kind: FuncKind,
    /// Handlers and private functions of an actor take the actor (`self`).
    pub actor: Option<ActorId>,
    pub params: Vec<LocalId>,
    pub ret: Ty,
    pub locals: Vec<Local>,
    /// Messages an actor that calls this function must handle (`needs`).
    pub needs: Vec<StructId>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ExternFunc {
    /// `name.name` is also the C symbol.
    pub name: DeclName,
    pub abi: Abi,
    pub params: Vec<Ty>,
    pub ret: Ty,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Program {
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
    /// The `extern type`s: opaque handles, by HandleId.
    pub handles: Vec<DeclName>,
    pub funcs: Vec<Func>,
    pub externs: Vec<ExternFunc>,
    pub actors: Vec<ActorDef>,
    /// The user's `fn main()`.
    pub entry: Option<FuncId>,
    /// `actor Main`, the other kind of entry point.
    pub main_actor: Option<ActorId>,
    pub tests: Vec<(String, FuncId)>,
    pub benches: Vec<(String, FuncId)>,
}

impl Program {
    /// A function as the source names it: `area`, `geo.area`,
    /// `Counter.on Add`, `lambda#7`.
    pub fn func_name(&self, f: &Func) -> String {
        let actor = |a: ActorId| self.actors[a].name.to_string();
        match &f.kind {
            FuncKind::Top(name) => name.to_string(),
            FuncKind::ActorFn(a, name) => format!("{}.{name}", actor(*a)),
            FuncKind::Start(a) => format!("{}.on start", actor(*a)),
            FuncKind::Handler(a, m) => format!("{}.on {}", actor(*a), self.structs[*m].name),
            FuncKind::Lambda { index, .. } => format!("lambda#{index}"),
            FuncKind::Test { index, .. } => format!("test#{index}"),
            FuncKind::Bench { index, .. } => format!("bench#{index}"),
            FuncKind::SpawnMain => "spawn Main".into(),
        }
    }
}

impl TypeNames for Program {
    fn struct_name(&self, id: StructId) -> &DeclName {
        &self.structs[id].name
    }
    fn enum_name(&self, id: EnumId) -> &DeclName {
        &self.enums[id].name
    }
    fn actor_name(&self, id: ActorId) -> &DeclName {
        &self.actors[id].name
    }
    fn handle_name(&self, id: HandleId) -> &DeclName {
        &self.handles[id]
    }
}

#[derive(Debug, Clone)]
pub struct Block {
    pub stmts: ThinVec<Stmt>,
    /// The block's value when it ends in an expression.
    pub value: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum StmtKind {
    Let(LocalId, Expr),
    /// `place op= value`; `op` is `None` for plain `=`.
    Assign(Box<Place>, Option<BinaryOp>, Expr),
    Expr(Expr),
    Return(Option<Expr>),
    Break,
    Continue,
    Loop(Block),
    /// `send target message`: target is a mailbox, reply or probe.
    Send(Box<(Expr, Expr)>),
    While(Box<Expr>, Block),
    ForRange(LocalId, Box<Expr>, Box<Expr>, Block),
    /// Iterates a list (element) or bytes (u8).
    ForEach(LocalId, Box<Expr>, Block),
    /// Iterates a map in insertion order: key, optional value.
    ForMap(LocalId, Option<LocalId>, Box<Expr>, Block),
}

/// An assignable location: a `var` local and a path into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRoot {
    Local(LocalId),
    /// The running actor's state (`self.field`).
    State,
}

#[derive(Debug, Clone)]
pub struct Place {
    pub root: PlaceRoot,
    pub root_ty: Ty,
    /// Each step with the type it yields.
    pub path: ThinVec<(Proj, Ty)>,
    pub span: Span,
}

impl Place {
    pub fn ty(&self) -> &Ty {
        self.path.last().map_or(&self.root_ty, |(_, t)| t)
    }
}

#[derive(Debug, Clone)]
pub enum Proj {
    Field(usize),
    /// `xs[i]` on a list or bytes; span of the index for bounds panics.
    Index(Box<Expr>, Span),
    /// `m[k]`
    Key(Box<Expr>, Span),
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

/// `if cond { then } else { otherwise }`, in one allocation.
#[derive(Debug, Clone)]
pub struct If {
    pub cond: Expr,
    pub then: Block,
    pub otherwise: Option<Block>,
}

#[derive(Debug, Clone)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub body: Expr,
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Wildcard,
    Bind(LocalId),
    /// Two's-complement bits, as `ExprKind::Int`.
    Int(u64),
    Str(Symbol),
    Bool(bool),
    /// Enum variant (by index), `some`/`ok` (0) and `none`/`err` (1) on
    /// options and results.
    Ctor(u32, ThinVec<Pattern>),
}

#[derive(Debug, Clone)]
pub enum InterpPart {
    Lit(Symbol),
    Value(Expr),
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// Two's-complement bits; `IntTy::value` reads them in the literal's type.
    Int(u64),
    Float(f64),
    Bool(bool),
    Str(Symbol),
    Nil,
    Local(LocalId),
    FnRef(FuncId),
    Unary(UnaryOp, Box<Expr>),
    /// Both operands have the type the operation works on.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call(FuncId, ThinVec<Expr>),
    CallExtern(usize, ThinVec<Expr>),
    CallValue(Box<Expr>, ThinVec<Expr>),
    Builtin(Builtin, ThinVec<Arg>),
    /// Numeric conversion to `self.ty`.
    Cast(Box<Expr>),
    Field(Box<Expr>, usize),
    /// Indexing a list, bytes, string or map (by the base's type).
    Index(Box<Expr>, Box<Expr>),
    StructLit(StructId, ThinVec<Expr>),
    Variant(EnumId, u32, ThinVec<Expr>),
    /// `some(x)` (1 arg) or `none` (0 args) of `self.ty`.
    OptionLit(Option<Box<Expr>>),
    /// `ok(x)` (true) or `err(x)` (false) of `self.ty`.
    ResultLit(bool, Box<Expr>),
    List(ThinVec<Expr>),
    Interp(ThinVec<InterpPart>),
    If(Box<If>),
    Match(Box<Expr>, ThinVec<MatchArm>),
    Block(Box<Block>),
    /// `self` as a value: the running actor (`mailbox<Self>`).
    SelfActor,
    /// The running actor's state, as a struct (`self.x` is a field of it).
    SelfState,
    /// `spawn A { .. }`: state field values in declaration order.
    Spawn(ActorId, ThinVec<Expr>),
    /// A mailbox or probe used where a `reply<T>` is expected.
    ToReply(Box<Expr>),
    /// `probe<T>()`.
    ProbeNew,
}

/// An argument of a builtin: most are values; mutating builtins take the
/// variable (place) they change.
#[derive(Debug, Clone)]
pub enum Arg {
    Value(Expr),
    Place(Box<Place>),
}

macro_rules! builtins {
    ($($variant:ident = $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Builtin { $($variant,)* }

        impl Builtin {
            pub fn from_name(name: &str) -> Option<Builtin> {
                match name { $($name => Some(Builtin::$variant),)* _ => None }
            }
            pub fn name(self) -> &'static str {
                match self { $(Builtin::$variant => $name,)* }
            }
            /// Every builtin's name, for suggestions.
            pub const NAMES: &'static [&'static str] = &[$($name,)*];
        }
    };
}

builtins! {
    Print = "print",
    Println = "println",
    Eprintln = "eprintln",
    Str = "str",
    Exit = "exit",
    Panic = "panic",
    Args = "args",
    NowMs = "now_ms",
    Assert = "assert",
    Len = "len",
    Substr = "substr",
    Find = "find",
    Split = "split",
    Join = "join",
    StartsWith = "starts_with",
    EndsWith = "ends_with",
    Trim = "trim",
    ToBytes = "to_bytes",
    FromBytes = "from_bytes",
    ParseI64 = "parse_i64",
    ParseF64 = "parse_f64",
    ListNew = "list_new",
    ListPush = "list_push",
    ListPop = "list_pop",
    ListInsert = "list_insert",
    ListRemove = "list_remove",
    ListClear = "list_clear",
    ListSlice = "list_slice",
    ListContains = "list_contains",
    ListEach = "list_each",
    ListMap = "list_map",
    ListFilter = "list_filter",
    ListSort = "list_sort",
    ListSortBy = "list_sort_by",
    MapNew = "map_new",
    MapGet = "map_get",
    MapSet = "map_set",
    MapHas = "map_has",
    MapRemove = "map_remove",
    MapKeys = "map_keys",
    MapValues = "map_values",
    MapEach = "map_each",
    MapClear = "map_clear",
    BytesNew = "bytes_new",
    BytesPush = "bytes_push",
    BytesAppend = "bytes_append",
    BytesAppendRange = "bytes_append_range",
    BytesAppendU64 = "bytes_append_u64",
    BytesAppendU16be = "bytes_append_u16be",
    BytesAppendU32be = "bytes_append_u32be",
    BytesAppendU64be = "bytes_append_u64be",
    BytesSlice = "bytes_slice",
    BytesFind = "bytes_find",
    BytesParseI64 = "bytes_parse_i64",
    BytesTruncate = "bytes_truncate",
    GetU16be = "get_u16be",
    GetU32be = "get_u32be",
    GetU64be = "get_u64be",
    PutU16be = "put_u16be",
    PutU32be = "put_u32be",
    PutU64be = "put_u64be",
    Crc32c = "crc32c",
    BytesCrc32c = "bytes_crc32c",
    Stop = "stop",
    SendAfter = "send_after",
    CancelTimer = "cancel_timer",
    Monitor = "monitor",
    ActorId = "actor_id",
    Drain = "drain",
    DrainSteps = "drain_steps",
    AdvanceMs = "advance_ms",
    Expect = "expect",
    ExpectEq = "expect_eq",
    ExpectOutput = "expect_output",
    ProbeReceived = "probe_received",
}

impl Builtin {
    /// Builtins that change the variable passed as their first argument.
    pub fn mutates_first_arg(self) -> bool {
        use Builtin::*;
        matches!(
            self,
            ListPush
                | ListPop
                | ListInsert
                | ListRemove
                | ListClear
                | ListSort
                | ListSortBy
                | MapSet
                | MapRemove
                | MapClear
                | BytesPush
                | BytesAppend
                | BytesAppendRange
                | BytesAppendU64
                | BytesAppendU16be
                | BytesAppendU32be
                | BytesAppendU64be
                | BytesTruncate
                | PutU16be
                | PutU32be
                | PutU64be
        )
    }
}
