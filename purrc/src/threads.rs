//! Threads of the compiler. Every phase recurses over the syntax tree, and a
//! long statement (`a + b + …`, up to `lexer::MAX_EXPR_OPERATORS` operators)
//! is a tree as deep as it is long, so every compiler thread gets a stack
//! far larger than the default 2 MiB. It is only reserved address space:
//! pages are touched only as deep as the recursion goes.

use std::thread::{Scope, ScopedJoinHandle};

/// Stack size of every compiler thread.
pub const STACK_BYTES: usize = 512 << 20;

/// `scope.spawn(f)` with the compiler's stack size.
pub fn spawn_scoped<'scope, T: Send + 'scope>(
    scope: &'scope Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(scope, f).expect("spawning a compiler thread")
}
