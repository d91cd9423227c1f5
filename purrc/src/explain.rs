//! `purrc --explain ID`: the long form of a diagnostic — what it means, a
//! short wrong example, the fix. The texts are `docs/diagnostics/ID.md`,
//! embedded at build time, so they read the same on the web and in a
//! terminal.

use crate::driver::BuildError;
use crate::lexer::LexError;
use crate::lint::Warning;
use crate::parse::ParseError;
use crate::sema::SemaError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/explanations.rs"));
}

/// Every diagnostic id purrc can report, sorted: each phase's error enum
/// lists its own (`IDS`, generated with `fn id()`, so they cannot drift).
pub fn all_ids() -> Vec<&'static str> {
    let phases = [LexError::IDS, ParseError::IDS, SemaError::IDS, BuildError::IDS, Warning::IDS];
    let mut ids: Vec<&'static str> = phases.concat();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The ids that have an explanation.
pub fn explained_ids() -> impl Iterator<Item = &'static str> {
    embedded::FILES.iter().filter_map(|(file, _)| file.strip_suffix(".md"))
}

/// The explanation of `id`, if it is one.
pub fn explanation(id: &str) -> Option<&'static str> {
    embedded::FILES.iter().find(|(file, _)| file.strip_suffix(".md") == Some(id)).map(|(_, text)| *text)
}
