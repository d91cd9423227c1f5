//! C text for literal values: strings (any bytes), integers of each width
//! and doubles.

use crate::ir::{IntTy, Ty};
use std::fmt::Write;

/// A C string literal for arbitrary bytes (octal escapes keep it portable).
pub(super) fn c_string(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' => out.push_str("\\?"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => write!(out, "\\{b:03o}").unwrap(),
        }
    }
    out.push('"');
    out
}

pub(super) fn int_literal(bits: u64, ty: &Ty) -> String {
    let Ty::Int(t) = ty else { return bits.to_string() };
    let v = t.value(bits);
    match t {
        IntTy::I64 if v == i128::from(i64::MIN) => "INT64_MIN".into(),
        IntTy::I64 => format!("INT64_C({v})"),
        IntTy::U64 => format!("UINT64_C({v})"),
        IntTy::I32 if v == i128::from(i32::MIN) => "INT32_MIN".into(),
        IntTy::U32 => format!("{v}u"),
        _ => v.to_string(),
    }
}

pub(super) fn float_literal(f: f64) -> String {
    // C has no literal for these; a folded constant (`0.0 / 0.0`) can be one.
    if f.is_nan() {
        "(0.0/0.0)".into()
    } else if f.is_infinite() {
        if f > 0.0 { "(1.0/0.0)".into() } else { "(-1.0/0.0)".into() }
    } else {
        let s = format!("{f:?}");
        if s.contains('.') || s.contains('e') { s } else { format!("{s}.0") }
    }
}
