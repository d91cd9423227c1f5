//! The standard library (`std.*` namespaces), written in Purr and embedded in
//! purrc at build time. A namespace is loaded when a program `use`s it.

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));
}

/// The namespace every program loads, whose names every namespace sees
/// unqualified (`ActorExited`).
pub const PRELUDE: &str = "std.prelude";

/// What the display paths of standard library files start with. The runtime
/// knows it too: a panic at such a path also reports the program's call
/// into the library (runtime-c/src/panic.c).
const DISPLAY_PREFIX: &str = "<stdlib>/";

/// The embedded file that declares namespace `ns` (`std.codec` →
/// `std/codec.pu`): its display path and text.
pub fn source_of(ns: &str) -> Option<(String, &'static str)> {
    let path = format!("{}.pu", ns.replace('.', "/"));
    embedded::FILES.iter().find(|(p, _)| *p == path).map(|(p, text)| (format!("{DISPLAY_PREFIX}{p}"), *text))
}

/// Whether a source file's display path is a standard library file's.
pub fn is_stdlib_file(name: &str) -> bool {
    name.starts_with(DISPLAY_PREFIX)
}
