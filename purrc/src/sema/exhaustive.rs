//! Match exhaustiveness, by the usefulness algorithm of Maranget ("Warnings
//! for pattern matching", 2007): a match is exhaustive when a wildcard row is
//! not useful after its arms; when it is, the witness names a missing case.

use crate::ir::{Pattern, Program, Ty};

/// A pattern reduced to what exhaustiveness cares about.
#[derive(Debug, Clone, PartialEq)]
enum Pat {
    Any,
    /// Constructor `index` of a finite type (enum variant, option, result,
    /// bool) with sub-patterns.
    Ctor(usize, Vec<Pat>),
    /// An integer or string literal: one value of an infinite type.
    Lit(String),
}

fn lower(p: &Pattern) -> Pat {
    match p {
        Pattern::Wildcard | Pattern::Bind(_) => Pat::Any,
        Pattern::Int(v) => Pat::Lit(v.to_string()),
        Pattern::Str(s) => Pat::Lit(format!("{s:?}")),
        Pattern::Bool(b) => Pat::Ctor(usize::from(!*b), vec![]),
        Pattern::Ctor(i, args) => Pat::Ctor(*i as usize, args.iter().map(lower).collect()),
    }
}

/// The constructors of a finite type: (display name, payload types).
fn ctors(program: &Program, ty: &Ty) -> Option<Vec<(String, Vec<Ty>)>> {
    Some(match ty {
        Ty::Bool => vec![("true".into(), vec![]), ("false".into(), vec![])],
        Ty::Option(t) => vec![("some".into(), vec![(**t)]), ("none".into(), vec![])],
        Ty::Result(t, e) => vec![("ok".into(), vec![(**t)]), ("err".into(), vec![(**e)])],
        Ty::Enum(id) => {
            let def = &program.enums[*id];
            def.variants.iter().map(|v| (format!("{}.{}", def.name, v.name), v.payload.clone())).collect()
        }
        _ => return None,
    })
}

/// The cases that the patterns leave uncovered (at most a few, rendered as
/// patterns such as `Shape.Rect(_, _)` or `some(_)`); empty when exhaustive.
pub(super) fn missing<'p>(program: &Program, ty: &Ty, arms: impl Iterator<Item = &'p Pattern>) -> Vec<String> {
    let mut rows: Vec<Vec<Pat>> = arms.map(|p| vec![lower(p)]).collect();
    let mut out = vec![];
    while out.len() < 8 {
        let Some(mut witness) = useful(program, &rows, &[Pat::Any], std::slice::from_ref(ty)) else { break };
        let w = witness.remove(0);
        out.push(render(program, ty, &w));
        if !has_ctor(&w) {
            break; // a wildcard witness: nothing more specific to say
        }
        rows.push(vec![w]);
    }
    out
}

fn has_ctor(p: &Pat) -> bool {
    matches!(p, Pat::Ctor(..))
}

fn render(program: &Program, ty: &Ty, p: &Pat) -> String {
    match p {
        Pat::Any | Pat::Lit(_) => "_".into(),
        Pat::Ctor(i, args) => {
            let cs = ctors(program, ty).expect("constructor patterns have finite types");
            let (name, tys) = &cs[*i];
            if args.is_empty() {
                name.clone()
            } else {
                let parts: Vec<String> = args.iter().zip(tys).map(|(a, t)| render(program, t, a)).collect();
                format!("{name}({})", parts.join(", "))
            }
        }
    }
}

/// If `q` matches some value no row matches, a witness row; else None.
fn useful(program: &Program, rows: &[Vec<Pat>], q: &[Pat], tys: &[Ty]) -> Option<Vec<Pat>> {
    let Some(head) = q.first() else {
        return rows.is_empty().then(Vec::new);
    };
    let ty = &tys[0];
    match head {
        Pat::Ctor(c, args) => {
            let arity = args.len();
            let sub_tys = ctor_tys(program, ty, *c, arity, &tys[1..]);
            let rows = specialize(rows, *c, arity);
            let mut q2 = args.clone();
            q2.extend_from_slice(&q[1..]);
            useful(program, &rows, &q2, &sub_tys).map(|w| rebuild(*c, arity, w))
        }
        Pat::Lit(l) => {
            let rows: Vec<Vec<Pat>> = rows
                .iter()
                .filter(|r| matches!(&r[0], Pat::Any) || r[0] == Pat::Lit(l.clone()))
                .map(|r| r[1..].to_vec())
                .collect();
            useful(program, &rows, &q[1..], &tys[1..]).map(|mut w| {
                w.insert(0, Pat::Lit(l.clone()));
                w
            })
        }
        Pat::Any => {
            let used: Vec<usize> = rows.iter().filter_map(|r| if let Pat::Ctor(c, _) = &r[0] { Some(*c) } else { None }).collect();
            let all = ctors(program, ty);
            if let Some(all) = all.as_ref().filter(|all| (0..all.len()).all(|c| used.contains(&c))) {
                // Every constructor appears: try each one.
                for (c, (_, payload)) in all.iter().enumerate() {
                    let mut q2 = vec![Pat::Any; payload.len()];
                    q2.extend_from_slice(&q[1..]);
                    let sub_tys = ctor_tys(program, ty, c, payload.len(), &tys[1..]);
                    if let Some(w) = useful(program, &specialize(rows, c, payload.len()), &q2, &sub_tys) {
                        return Some(rebuild(c, payload.len(), w));
                    }
                }
                return None;
            }
            let default: Vec<Vec<Pat>> = rows.iter().filter(|r| matches!(r[0], Pat::Any)).map(|r| r[1..].to_vec()).collect();
            let mut w = useful(program, &default, &q[1..], &tys[1..])?;
            let first = match all {
                Some(all) => {
                    let c = (0..all.len()).find(|c| !used.contains(c)).expect("some constructor is unused");
                    Pat::Ctor(c, vec![Pat::Any; all[c].1.len()])
                }
                None => Pat::Any,
            };
            w.insert(0, first);
            Some(w)
        }
    }
}

fn ctor_tys(program: &Program, ty: &Ty, c: usize, arity: usize, rest: &[Ty]) -> Vec<Ty> {
    let mut out = ctors(program, ty).and_then(|cs| cs.get(c).map(|x| x.1.clone())).unwrap_or_else(|| vec![Ty::Error; arity]);
    out.extend_from_slice(rest);
    out
}

/// Rows whose head matches constructor `c`, with its sub-patterns spliced in.
fn specialize(rows: &[Vec<Pat>], c: usize, arity: usize) -> Vec<Vec<Pat>> {
    rows.iter()
        .filter_map(|r| {
            let mut out = match &r[0] {
                Pat::Ctor(c2, args) if *c2 == c => args.clone(),
                Pat::Any => vec![Pat::Any; arity],
                _ => return None,
            };
            out.extend_from_slice(&r[1..]);
            Some(out)
        })
        .collect()
}

/// Folds the first `arity` witness columns back under constructor `c`.
fn rebuild(c: usize, arity: usize, mut w: Vec<Pat>) -> Vec<Pat> {
    let rest = w.split_off(arity);
    let mut out = vec![Pat::Ctor(c, w)];
    out.extend(rest);
    out
}
