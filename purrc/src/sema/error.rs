//! Errors of semantic analysis (names, types, exhaustiveness), as plain data,
//! and their conversion into diagnostics. Types are already rendered to text.

use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// What declared a name that cannot be assigned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Binding {
    /// `let x = …`: `var` would make it mutable.
    Let,
    Param,
    /// A loop variable or a name bound by a pattern.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SemaError {
    /// Two top-level declarations (or two fields, variants, parameters) share a name.
    Duplicate { what: &'static str, name: String, span: Span, previous: Span },
    /// A name that resolves to nothing in scope.
    UnknownName { name: String, span: Span, hint: Option<String> },
    /// A type name that resolves to no type.
    UnknownType { name: String, span: Span },
    /// A value of one type where another is required.
    TypeMismatch { expected: String, found: String, span: Span, hint: Option<String> },
    /// A call with the wrong number of arguments.
    ArgCount { callee: String, expected: usize, found: usize, span: Span },
    /// An integer literal that does not fit the type its context expects.
    IntOutOfRange { value: String, ty: String, span: Span },
    /// Not enough information to know a type (e.g. `let xs = []`).
    CannotInfer { what: String, span: Span },
    /// Assignment to a `let` binding, a parameter or a loop variable.
    Immutable { name: String, span: Span, declared: Span, binding: Binding },
    /// The left side of `=` is not a variable, field or element.
    InvalidAssignTarget { span: Span },
    /// `x.f` where the type has no field `f`.
    UnknownField { ty: String, field: String, span: Span },
    /// A struct literal that leaves fields out.
    MissingFields { ty: String, fields: Vec<String>, span: Span },
    /// `Enum.Variant` naming no variant.
    UnknownVariant { ty: String, variant: String, span: Span },
    /// A `match` that does not cover every value.
    NonExhaustive { missing: Vec<String>, span: Span },
    /// A non-void function whose end can be reached without `return`.
    MissingReturn { name: String, ret: String, span: Span },
    /// A lambda mentioning a local of an enclosing function.
    LambdaCapture { name: String, span: Span, declared: Span },
    /// An operator applied to operand types it does not accept.
    InvalidOperands { op: String, lhs: String, rhs: Option<String>, span: Span, hint: Option<String> },
    /// A call of something that is not a function.
    NotCallable { ty: String, span: Span },
    /// `break` or `continue` outside a loop.
    OutsideLoop { what: &'static str, span: Span },
    /// A non-scalar, non-string value inside `"{...}"`.
    InvalidInterpolation { ty: String, span: Span },
    /// A conversion the language does not define (`i32("x")`).
    InvalidConversion { from: String, to: String, span: Span },
    /// `Conn(id)` or `i64(conn)` outside the namespace that declares the
    /// `extern type`: only it turns ids into handles and back.
    HandleConversion { handle: String, namespace: String, span: Span },
    /// A struct that contains itself by value.
    RecursiveType { name: String, span: Span },
    /// A map key type other than integers, bool and string.
    InvalidMapKey { ty: String, span: Span },
    /// No `fn main()` (and no `actor Main`).
    MissingEntry { span: Span },
    /// `fn main` with parameters or a result.
    InvalidEntry { span: Span },
    /// A `const` whose value is not a compile-time scalar or string.
    InvalidConst { span: Span },
    /// A pattern that cannot match the scrutinee's type.
    InvalidPattern { message: String, span: Span },
    /// A `void` result used as a value.
    VoidValue { span: Span },
    /// A language feature this version of purrc does not compile yet.
    Unsupported { what: String, span: Span },
    /// A `for ... in` over something that is not a range, list, bytes or map.
    NotIterable { ty: String, span: Span },
    /// An `extern fn` parameter or result of a type C interop cannot pass.
    InvalidExternType { ty: String, span: Span, ret: bool },
    /// A `namespace` declaration that is not the file's first declaration.
    NamespaceNotFirst { span: Span },
    /// `use` of a namespace that no input file and no `std` module declares.
    UnknownNamespace { name: String, span: Span },
    /// Two `use` in one file binding the same name.
    DuplicateAlias { alias: String, span: Span, previous: Span, explicit: bool },
    /// Namespaces that `use` each other in a circle.
    UseCycle { cycle: Vec<String>, span: Span },
    /// A `priv` declaration named from another namespace.
    PrivateName { name: String, namespace: String, span: Span, declared: Span },
    /// A namespace alias where a value is expected.
    NamespaceAsValue { name: String, span: Span },
    /// A message field of a type that cannot travel between actors.
    InvalidMessageField { ty: String, span: Span },
    /// `mailbox<X>` where X is not an actor.
    NotAnActor { name: String, span: Span },
    /// `reply<T>`/`probe<T>` or a send of something that is not a message.
    NotAMessage { ty: String, span: Span },
    /// `send` to an actor that has no handler for the message.
    NotHandled { actor: String, message: String, handled: Vec<String>, span: Span },
    /// An actor-only construct (`self`, `stop()`, a call of a function that
    /// `needs` messages) outside an actor; `needs`: the messages the caller
    /// would have to handle.
    OutsideActor { what: String, needs: Vec<String>, span: Span },
    /// `spawn`/`send` in a test, or `spawn_test`/`send_test` outside one.
    WrongSpawnForm { used: String, expected: String, span: Span },
    /// A `spawn` that leaves out state fields without defaults.
    MissingState { actor: String, fields: Vec<String>, span: Span },
    /// Two handlers for one message in an actor.
    DuplicateHandler { message: String, span: Span, previous: Span },
    /// `fn main` and `actor Main` both.
    TwoEntries { span: Span, previous: Span },
    /// A test control (`drain`, `expect_eq`, `probe<T>()`, …) outside
    /// tests and benches; `instead` says what a program does instead.
    TestOnly { what: String, span: Span, instead: Option<&'static str> },
    /// `var x: T` without a value, where `T` has no zero value.
    NoInitialValue { name: String, ty: String, span: Span },
    /// An operation the element type does not support (`list_sort` of structs).
    UnsupportedElement { op: String, ty: String, span: Span },
}

crate::diagnostics::diagnostic_ids!(SemaError {
    Duplicate => "duplicate-definition",
    PrivateName => "private-name",
    UnknownName => "unknown-name",
    UnknownType => "unknown-type",
    TypeMismatch => "type-mismatch",
    ArgCount => "wrong-argument-count",
    IntOutOfRange => "int-out-of-range",
    CannotInfer => "cannot-infer",
    Immutable => "assign-to-immutable",
    InvalidAssignTarget => "invalid-assign-target",
    UnknownField => "unknown-field",
    MissingFields => "missing-field",
    UnknownVariant => "unknown-variant",
    NonExhaustive => "non-exhaustive-match",
    MissingReturn => "missing-return",
    LambdaCapture => "lambda-capture",
    InvalidOperands => "invalid-operands",
    NotCallable => "not-callable",
    OutsideLoop => "outside-loop",
    InvalidInterpolation => "invalid-interpolation",
    InvalidConversion => "invalid-conversion",
    HandleConversion => "handle-conversion",
    RecursiveType => "recursive-type",
    InvalidMapKey => "invalid-map-key",
    MissingEntry => "missing-entry",
    InvalidEntry => "invalid-entry",
    InvalidConst => "invalid-const",
    InvalidPattern => "invalid-pattern",
    VoidValue => "void-value",
    Unsupported => "unsupported",
    NotIterable => "not-iterable",
    InvalidExternType => "invalid-extern-type",
    NamespaceNotFirst => "namespace-not-first",
    UnknownNamespace => "unknown-namespace",
    DuplicateAlias => "duplicate-use",
    UseCycle => "use-cycle",
    NamespaceAsValue => "namespace-as-value",
    InvalidMessageField => "invalid-message-field",
    NotAnActor => "not-an-actor",
    NotAMessage => "not-a-message",
    NotHandled => "message-not-handled",
    OutsideActor => "outside-actor",
    WrongSpawnForm => "wrong-spawn-form",
    MissingState => "missing-state",
    DuplicateHandler => "duplicate-handler",
    TwoEntries => "two-entry-points",
    TestOnly => "test-only",
    NoInitialValue => "missing-initial-value",
    UnsupportedElement => "unsupported-element",
});

impl SemaError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        use SemaError::*;
        let id = self.id();
        match self {
            Duplicate { what, name, span, previous } => {
                Diagnostic::new(id, *span, format!("{what} `{name}` is defined twice"))
                    .label("defined again here")
                    .with_secondary(*previous, "first defined here")
            }
            UnknownName { name, span, hint } => {
                let d = Diagnostic::new(id, *span, format!("cannot find `{name}` in this scope"))
                    .label("not found");
                with_hint(d, hint)
            }
            UnknownType { name, span } => {
                Diagnostic::new(id, *span, format!("unknown type `{name}`")).label("not a type")
            }
            TypeMismatch { expected, found, span, hint } => {
                let d = Diagnostic::new(id, *span, format!("expected `{expected}`, found `{found}`"))
                    .label(format!("this is `{found}`"));
                with_hint(d, hint)
            }
            ArgCount { callee, expected, found, span } => Diagnostic::new(
                id,
                *span,
                format!("`{callee}` takes {expected} argument{}, but {found} {} given", plural(*expected), were(*found)),
            ),
            IntOutOfRange { value, ty, span } => {
                Diagnostic::new(id, *span, format!("integer literal {value} does not fit in `{ty}`"))
                    .label(format!("out of range for `{ty}`"))
            }
            CannotInfer { what, span } => {
                Diagnostic::new(id, *span, format!("cannot infer the type of {what}"))
                    .hint("add a type annotation, e.g. `var xs: list<i64> = []`")
            }
            Immutable { name, span, declared, binding } => {
                let (message, hint) = match binding {
                    Binding::Let => (
                        format!("cannot assign to `{name}`: it is not declared with `var`"),
                        format!("declare it with `var {name}` to make it mutable"),
                    ),
                    Binding::Param => (
                        format!("cannot assign to parameter `{name}`: parameters are immutable"),
                        format!("shadow it with a mutable copy: `var {name} = {name}`"),
                    ),
                    Binding::Other => (
                        format!("cannot assign to `{name}`: loop variables and pattern bindings are immutable"),
                        format!("shadow it with a mutable copy: `var {name} = {name}`"),
                    ),
                };
                Diagnostic::new(id, *span, message)
                    .label("assignment here")
                    .with_secondary(*declared, "declared here")
                    .hint(hint)
            }
            InvalidAssignTarget { span } => Diagnostic::new(
                id,
                *span,
                "only variables, fields and elements can be assigned to",
            ),
            UnknownField { ty, field, span } => {
                Diagnostic::new(id, *span, format!("`{ty}` has no field `{field}`")).label("unknown field")
            }
            MissingFields { ty, fields, span } => Diagnostic::new(
                id,
                *span,
                format!("missing field{} {} in `{ty}` literal", plural(fields.len()), quoted_list(fields)),
            ),
            UnknownVariant { ty, variant, span } => {
                Diagnostic::new(id, *span, format!("enum `{ty}` has no variant `{variant}`"))
            }
            NonExhaustive { missing, span } => Diagnostic::new(
                id,
                *span,
                format!("`match` does not cover every case: missing {}", quoted_list(missing)),
            )
            .label("not exhaustive")
            .hint("add arms for the missing cases, or a `_ =>` arm"),
            MissingReturn { name, ret, span } => {
                Diagnostic::new(id, *span, format!("function `{name}` must return `{ret}` on every path"))
                    .label("the end of the body can be reached without `return`")
            }
            LambdaCapture { name, span, declared } => {
                Diagnostic::new(id, *span, format!("lambdas cannot capture: `{name}` is a local of the enclosing function"))
                    .label("captured here")
                    .with_secondary(*declared, "declared here")
                    .hint("pass the value as a parameter instead")
            }
            InvalidOperands { op, lhs, rhs, span, hint } => {
                let msg = match rhs {
                    Some(r) => format!("operator `{op}` cannot be applied to `{lhs}` and `{r}`"),
                    None => format!("operator `{op}` cannot be applied to `{lhs}`"),
                };
                with_hint(Diagnostic::new(id, *span, msg), hint)
            }
            NotCallable { ty, span } => {
                Diagnostic::new(id, *span, format!("`{ty}` is not a function")).label("called here")
            }
            OutsideLoop { what, span } => {
                Diagnostic::new(id, *span, format!("`{what}` outside of a loop"))
            }
            InvalidInterpolation { ty, span } => Diagnostic::new(
                id,
                *span,
                format!("cannot interpolate a value of type `{ty}`"),
            )
            .hint("only scalars and strings can appear inside \"{...}\""),
            HandleConversion { handle, namespace, span } => Diagnostic::new(
                id,
                *span,
                format!("only namespace `{namespace}` converts between `{handle}` and `i64`"),
            )
            .label("not in that namespace")
            .hint(format!("use the functions of `{namespace}`; a handle's id for maps is what it offers for that (e.g. `net.conn_id`)")),
            InvalidConversion { from, to, span } => {
                Diagnostic::new(id, *span, format!("cannot convert `{from}` to `{to}`"))
            }
            RecursiveType { name, span } => {
                Diagnostic::new(id, *span, format!("struct `{name}` contains itself by value"))
                    .hint("use an enum (enums may be recursive) or a list to break the cycle")
            }
            InvalidMapKey { ty, span } => {
                Diagnostic::new(id, *span, format!("`{ty}` cannot be a map key"))
                    .hint("map keys are integers, bool or string")
            }
            MissingEntry { span } => Diagnostic::new(id, *span, "the program has no entry point")
                .hint("add `fn main() { ... }`"),
            InvalidEntry { span } => Diagnostic::new(id, *span, "`fn main` takes no parameters and returns nothing")
                .hint("read arguments with `args()` and set the exit status with `exit(code)`"),
            InvalidConst { span } => {
                Diagnostic::new(id, *span, "a `const` value must be a literal scalar or string")
            }
            InvalidPattern { message, span } => Diagnostic::new(id, *span, message.clone()),
            VoidValue { span } => {
                Diagnostic::new(id, *span, "this expression has no value (`void`)").label("used as a value")
            }
            Unsupported { what, span } => {
                Diagnostic::new(id, *span, format!("{what}: not supported by this version of purrc"))
            }
            NotIterable { ty, span } => Diagnostic::new(id, *span, format!("cannot iterate over `{ty}`"))
                .hint("`for` iterates over ranges `a..b`, lists, bytes and maps"),
            InvalidExternType { ty, span, ret } => Diagnostic::new(
                id,
                *span,
                format!("`{ty}` cannot be {} an `extern fn`", if *ret { "returned from" } else { "passed to" }),
            )
            .label("not a C interop type")
            .hint(if *ret {
                "extern functions return integers, f64, bool, ptr, string (a C string, copied) or nothing"
            } else {
                "extern functions take integers, f64, bool, ptr, string (as const char*) and bytes (as a writable buffer)"
            }),
            NamespaceNotFirst { span } => {
                Diagnostic::new(id, *span, "`namespace` must be the first declaration of the file")
                    .hint("move it above every `use` and declaration")
            }
            UnknownNamespace { name, span } => {
                Diagnostic::new(id, *span, format!("no file declares namespace `{name}`"))
                    .label("not found")
                    .hint("pass the file that declares it to purrc (or its directory with -I DIR), or check the spelling (standard library namespaces start with `std.`)")
            }
            DuplicateAlias { alias, span, previous, explicit } => {
                let d = Diagnostic::new(id, *span, format!("`{alias}` is bound by two `use` declarations"))
                    .label("bound again here")
                    .with_secondary(*previous, "first bound here");
                if *explicit {
                    d.hint("choose another alias")
                } else {
                    d.hint(format!("give one of them an alias: `use other_{alias} = ...`"))
                }
            }
            UseCycle { cycle, span } => Diagnostic::new(
                id,
                *span,
                format!("namespaces use each other in a cycle: {}", cycle.join(" → ")),
            )
            .label("this `use` closes the cycle")
            .hint("move what both need into a third namespace"),
            PrivateName { name, namespace, span, declared } => {
                Diagnostic::new(id, *span, format!("`{name}` is private to namespace `{namespace}`"))
                    .label("private")
                    .with_secondary(*declared, "declared `priv` here")
                    .hint(format!("only code in namespace `{namespace}` can use it"))
            }
            NamespaceAsValue { name, span } => {
                Diagnostic::new(id, *span, format!("`{name}` is a namespace, not a value"))
                    .hint(format!("name something inside it: `{name}.something`"))
            }
            InvalidMessageField { ty, span } => {
                Diagnostic::new(id, *span, format!("a message field cannot be of type `{ty}`"))
                    .hint("messages carry data between actors: no functions, `ptr` or probes")
            }
            NotAnActor { name, span } => Diagnostic::new(id, *span, format!("`{name}` is not an actor"))
                .hint("`mailbox<A>` takes the name of an `actor` declaration"),
            NotAMessage { ty, span } => Diagnostic::new(id, *span, format!("`{ty}` is not a message type"))
                .hint("only values of `message` types can be sent; declare it with `message` instead of `struct`"),
            NotHandled { actor, message, handled, span } => Diagnostic::new(
                id,
                *span,
                format!("actor `{actor}` has no handler for `{message}`"),
            )
            .hint(if handled.is_empty() {
                format!("add `on {message}(m) {{ ... }}` to `{actor}`")
            } else {
                format!("`{actor}` handles {}", quoted_list(handled))
            }),
            OutsideActor { what, needs, span } => {
                let d = Diagnostic::new(id, *span, format!("{what} is only available inside an actor"));
                match needs.as_slice() {
                    [] => d,
                    _ => d.hint(format!(
                        "the calling actor must handle {}: call it from one of its handlers or functions, \
                         or declare `needs {}` on this function",
                        quoted_list(needs),
                        needs.join(", ")
                    )),
                }
            }
            WrongSpawnForm { used, expected, span } => {
                Diagnostic::new(id, *span, format!("`{used}` cannot be used here"))
                    .hint(format!("use `{expected}`: tests and benches use `spawn_test`/`send_test`, programs `spawn`/`send`"))
            }
            MissingState { actor, fields, span } => Diagnostic::new(
                id,
                *span,
                format!("`spawn {actor}` must give state field{} {}", plural(fields.len()), quoted_list(fields)),
            )
            .hint("state fields without a default value must be given when spawning"),
            DuplicateHandler { message, span, previous } => {
                Diagnostic::new(id, *span, format!("`{message}` is handled twice"))
                    .label("handled again here")
                    .with_secondary(*previous, "first handled here")
            }
            TwoEntries { span, previous } => Diagnostic::new(id, *span, "the program has both `fn main` and `actor Main`")
                .label("second entry point")
                .with_secondary(*previous, "first entry point")
                .hint("keep one: `actor Main` starts with `on start()`"),
            TestOnly { what, span, instead } => {
                Diagnostic::new(id, *span, format!("{what} can only be used in a `test` or `bench`")).hint(
                    instead.unwrap_or("the deterministic scheduler runs a program by itself; tests drive it step by step"),
                )
            }
            NoInitialValue { name, ty, span } => Diagnostic::new(
                id,
                *span,
                format!("`{name}` needs an initial value: `{ty}` has no zero value"),
            )
            .hint(format!("write `var {name}: {ty} = ...`")),
            UnsupportedElement { op, ty, span } => {
                Diagnostic::new(id, *span, format!("`{op}` does not work on elements of type `{ty}`"))
            }
        }
    }
}

fn with_hint(d: Diagnostic, hint: &Option<String>) -> Diagnostic {
    match hint {
        Some(h) => d.hint(h.clone()),
        None => d,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn were(n: usize) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}

fn quoted_list(items: &[String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}
