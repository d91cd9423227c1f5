//! C names for Purr's locals and fields: source names survive unless they
//! would collide with C or with the names purrc generates.

use crate::ir::Func;
use std::collections::HashMap;

/// Identifiers a Purr name must not become in C: keywords, and names that
/// the headers purr.h includes define.
pub(super) fn c_reserved(name: &str) -> bool {
    matches!(
        name,
        "auto" | "break" | "case" | "char" | "const" | "continue" | "default" | "do" | "double" | "else" | "enum"
            | "extern" | "float" | "for" | "goto" | "if" | "inline" | "int" | "long" | "register" | "restrict"
            | "return" | "short" | "signed" | "sizeof" | "static" | "struct" | "switch" | "typedef" | "union"
            | "unsigned" | "void" | "volatile" | "while" | "bool" | "true" | "false" | "NULL" | "errno" | "stdin"
            | "stdout" | "stderr" | "assert" | "main" | "EOF" | "offsetof" | "int8_t" | "int16_t" | "int32_t"
            | "int64_t" | "uint8_t" | "uint16_t" | "uint32_t" | "uint64_t" | "size_t" | "_Bool" | "_Noreturn"
            | "asm" | "typeof" | "unused_"
    )
}

/// A C identifier for a Purr local or field name: unchanged unless it would
/// collide with C or with generated names (which all contain `__` or start
/// with `purr`).
pub(super) fn c_ident(name: &str) -> String {
    if c_reserved(name) || name.contains("__") || name.starts_with("purr") || name.starts_with("PURR") {
        format!("{}_", name.replace("__", "_0_"))
    } else {
        name.to_string()
    }
}

/// The C names of a function's locals: the source name, suffixed `__2`,
/// `__3`, … for later locals with the same name (shadowing).
pub(super) fn local_names(f: &Func) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    f.locals
        .iter()
        .map(|l| {
            let n = seen.entry(l.name.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 {
                c_ident(&l.name)
            } else {
                format!("{}__{n}", c_ident(&l.name))
            }
        })
        .collect()
}
