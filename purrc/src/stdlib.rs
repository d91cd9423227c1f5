//! The standard library (`std.*` namespaces), written in Purr and embedded in
//! purrc at build time. A namespace is loaded when a program `use`s it.

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));
}

/// The embedded file that declares namespace `ns` (`std.codec` →
/// `std/codec.pu`): its display path and text.
pub fn source_of(ns: &str) -> Option<(String, &'static str)> {
    let path = format!("{}.pu", ns.replace('.', "/"));
    embedded::FILES.iter().find(|(p, _)| *p == path).map(|(p, text)| (format!("<stdlib>/{p}"), *text))
}
