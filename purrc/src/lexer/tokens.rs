//! The tokens: a logos-generated scanner, with the hand-written scanners of
//! `literals.rs` as callbacks, and how tokens read in diagnostics.

use super::literals::{block_comment, char_literal, float_literal, int_literal, string_literal};
use super::Extras;
use logos::Logos;

/// One piece of a string literal.
#[derive(Debug, Clone, PartialEq)]
pub enum StrPiece<'s> {
    /// Literal text, escapes decoded, `{{`/`}}` turned into braces.
    Lit(String),
    /// The source of an interpolated expression (between `{` and `}`) and
    /// its byte offset in the file.
    Expr { offset: u32, src: &'s str },
}

/// A token. The parser sees the variants after [`Lexer`] has applied the
/// layout rules: it never sees `Semi` or `Shr` (turned into `Newline` and
/// `GtJoined Gt`), and sees `GtJoined`, `GenericLt` and `Error` which logos
/// never produces.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(extras = Extras)]
#[logos(skip r"[ \t\r\f]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Tok<'s> {
    #[token("namespace")]
    Namespace,
    #[token("use")]
    Use,
    #[token("fn")]
    Fn,
    #[token("extern")]
    Extern,
    #[token("priv")]
    Priv,
    #[token("needs")]
    Needs,
    #[token("const")]
    Const,
    #[token("struct")]
    Struct,
    #[token("enum")]
    Enum,
    #[token("message")]
    Message,
    #[token("actor")]
    Actor,
    #[token("state")]
    State,
    #[token("on")]
    On,
    #[token("spawn")]
    Spawn,
    #[token("send")]
    Send,
    #[token("spawn_test")]
    SpawnTest,
    #[token("send_test")]
    SendTest,
    #[token("test")]
    Test,
    #[token("bench")]
    Bench,
    #[token("var")]
    Var,
    #[token("let")]
    Let,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("return")]
    Return,
    #[token("match")]
    Match,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("nil")]
    Nil,
    #[token("self")]
    SelfKw,

    #[regex("[A-Za-z_][A-Za-z0-9_]*")]
    Ident(&'s str),
    #[regex("[0-9][0-9_]*", |lex| int_literal(lex, 10, 0))]
    #[regex("0x[0-9a-fA-F_]+", |lex| int_literal(lex, 16, 2))]
    #[regex("0b[01_]+", |lex| int_literal(lex, 2, 2))]
    Int(u64),
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9][0-9_]*)?", float_literal)]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9][0-9_]*", float_literal)]
    Float(f64),
    #[token("'", char_literal)]
    Char(u8),
    #[token("\"", string_literal)]
    Str(Vec<StrPiece<'s>>),

    #[token("/*", block_comment)]
    BlockComment,

    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("<<")]
    Shl,
    /// Only from logos; the layout pass splits it into `GtJoined Gt`.
    #[token(">>")]
    Shr,
    #[token("&")]
    Amp,
    #[token("^")]
    Caret,
    #[token("|")]
    Pipe,
    #[token("~")]
    Tilde,
    #[token("!")]
    #[token("not")]
    Bang,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("&&")]
    #[token("and")]
    AndAnd,
    #[token("||")]
    #[token("or")]
    OrOr,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    ShlEq,
    #[token(">>=")]
    ShrEq,
    #[token("=>")]
    FatArrow,
    #[token("..")]
    DotDot,
    #[token(".")]
    Dot,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    /// Only from logos; the layout pass turns it into `Newline`.
    #[token(";")]
    Semi,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("\n")]
    Newline,

    /// The first `>` of `>>`: closes a generic list, or with the `>` after it
    /// forms the shift operator.
    GtJoined,
    /// The `<` of `probe<T>()`.
    GenericLt,
    /// Stands for input the lexer already reported as an error.
    Error,
}

impl Tok<'_> {
    /// How the token reads in messages: `` `fn` ``, `identifier `x``, ….
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Int(v) => format!("integer `{v}`"),
            Tok::Float(_) => "a float literal".into(),
            Tok::Char(_) => "a char literal".into(),
            Tok::Str(_) => "a string".into(),
            Tok::Newline => "end of line".into(),
            Tok::Error => "an invalid token".into(),
            other => format!("`{}`", other.text()),
        }
    }

    /// The fixed spelling of a keyword or punctuation token (the first
    /// spelling for synonyms: `&&` for `and`).
    pub fn text(&self) -> &'static str {
        use Tok::*;
        match self {
            Namespace => "namespace",
            Use => "use",
            Fn => "fn",
            Extern => "extern",
            Priv => "priv",
            Needs => "needs",
            Const => "const",
            Struct => "struct",
            Enum => "enum",
            Message => "message",
            Actor => "actor",
            State => "state",
            On => "on",
            Spawn => "spawn",
            Send => "send",
            SpawnTest => "spawn_test",
            SendTest => "send_test",
            Test => "test",
            Bench => "bench",
            Var => "var",
            Let => "let",
            If => "if",
            Else => "else",
            For => "for",
            In => "in",
            Break => "break",
            Continue => "continue",
            Return => "return",
            Match => "match",
            True => "true",
            False => "false",
            Nil => "nil",
            SelfKw => "self",
            Ident(_) => "identifier",
            Int(_) => "integer",
            Float(_) => "float",
            Char(_) => "char",
            Str(_) => "string",
            BlockComment => "/*",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Shl => "<<",
            Shr => ">>",
            Amp => "&",
            Caret => "^",
            Pipe => "|",
            Tilde => "~",
            Bang => "!",
            EqEq => "==",
            NotEq => "!=",
            Lt | GenericLt => "<",
            Le => "<=",
            Gt | GtJoined => ">",
            Ge => ">=",
            AndAnd => "&&",
            OrOr => "||",
            Assign => "=",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            PercentEq => "%=",
            AmpEq => "&=",
            PipeEq => "|=",
            CaretEq => "^=",
            ShlEq => "<<=",
            ShrEq => ">>=",
            FatArrow => "=>",
            DotDot => "..",
            Dot => ".",
            Comma => ",",
            Colon => ":",
            Semi => ";",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Newline => "newline",
            Error => "error",
        }
    }
}
