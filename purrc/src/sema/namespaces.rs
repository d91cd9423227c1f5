//! `namespace` and `use` (docs/language.md §1): each file's aliases, and the errors
//! of namespaces and imports — `namespace` not first, a `use` of a namespace
//! nobody declares, two `use` binding the same name, and `use` cycles.

use super::{dotted, namespace_of, Checker, SemaError};
use crate::ast;
use crate::intern::FxHashMap;
use crate::source::Span;
use std::collections::HashMap;

pub(super) fn check_uses(ck: &mut Checker, files: &[ast::File]) {
    let mut edges: HashMap<String, Vec<(String, Span)>> = HashMap::new();
    ck.uses = vec![FxHashMap::default(); files.len()];
    for (index, file) in files.iter().enumerate() {
        check_namespace_first(ck, file);
        let own = namespace_of(file);
        for item in &file.items {
            let ast::Item::Use(u) = item else { continue };
            let target = dotted(&u.path);
            let bound = u.alias.as_ref().unwrap_or_else(|| u.path.last().expect("a use names a namespace"));
            if !ck.globals.contains_key(&target) {
                ck.error(SemaError::UnknownNamespace { name: target.to_string(), span: path_span(&u.path) });
                continue;
            }
            if let Some((_, previous)) = ck.uses[index].get(&bound.name) {
                let previous = *previous;
                ck.error(SemaError::DuplicateAlias {
                    alias: bound.name.to_string(),
                    span: bound.span,
                    previous,
                    explicit: u.alias.is_some(),
                });
                continue;
            }
            ck.uses[index].insert(bound.name, (target, bound.span));
            edges.entry(own.to_string()).or_default().push((target.to_string(), u.span));
        }
    }
    report_cycles(ck, &edges);
}

/// `namespace` must be the file's first declaration, and there is one.
fn check_namespace_first(ck: &mut Checker, file: &ast::File) {
    for (i, item) in file.items.iter().enumerate() {
        if let ast::Item::Namespace(ns) = item {
            if i > 0 {
                ck.error(SemaError::NamespaceNotFirst { span: ns.span });
            }
        }
    }
}

fn path_span(path: &[ast::Ident]) -> Span {
    let first = path.first().expect("a path has a segment").span;
    first.to(path.last().expect("a path has a segment").span)
}

/// Reports each cycle of namespaces that `use` each other once, at the
/// `use` that closes it.
fn report_cycles(ck: &mut Checker, edges: &HashMap<String, Vec<(String, Span)>>) {
    let mut names: Vec<&String> = edges.keys().collect();
    names.sort();
    let mut reported: Vec<Vec<String>> = vec![];
    for start in names {
        let mut path = vec![start.clone()];
        if let Some((cycle, span)) = find_cycle(edges, start, &mut path) {
            // The same cycle is found from each of its members.
            let mut key = cycle[1..].to_vec();
            key.sort();
            if !reported.contains(&key) {
                reported.push(key);
                ck.error(SemaError::UseCycle { cycle, span });
            }
        }
    }
}

/// Depth-first search for a path back to `path[0]`.
fn find_cycle(edges: &HashMap<String, Vec<(String, Span)>>, start: &str, path: &mut Vec<String>) -> Option<(Vec<String>, Span)> {
    let here = path.last().expect("path starts at start").clone();
    for (next, span) in edges.get(&here).map_or(&[][..], |v| v.as_slice()) {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(start.to_string());
            return Some((cycle, *span));
        }
        if !path.contains(next) {
            path.push(next.clone());
            if let Some(found) = find_cycle(edges, start, path) {
                return Some(found);
            }
            path.pop();
        }
    }
    None
}
