//! C for calls of prelude functions. Higher-order ones (`list_map`,
//! `list_filter`, `map_each`, ...) become inline loops, so the element type is
//! known to C and no generic callback is needed.

use super::{FnGen, Val};
use crate::ir::{Arg, Builtin, Expr, Place, Ty};
use std::fmt::Write;

/// The evaluated arguments of one builtin call.
struct Args {
    /// C expressions of the value arguments, in order.
    values: Vec<String>,
    /// Pointer to the mutated variable (`T *`), for mutating builtins.
    place: Option<String>,
}

fn elem(ty: &Ty) -> &Ty {
    match ty {
        Ty::List(t) => t,
        _ => unreachable!("sema checked a list"),
    }
}

fn key_val(ty: &Ty) -> (&Ty, &Ty) {
    match ty {
        Ty::Map(k, v) => (k, v),
        _ => unreachable!("sema checked a map"),
    }
}

impl FnGen<'_, '_> {
    /// Evaluates a builtin's arguments. For mutating builtins every value is
    /// pinned in a variable before the place is touched, so that C's
    /// unsequenced evaluation cannot observe the mutation half-done.
    fn builtin_args(&mut self, args: &[Arg], mutating: bool) -> Args {
        let exprs: Vec<&Expr> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Value(e) => Some(e),
                Arg::Place(_) => None,
            })
            .collect();
        let vals = self.exprs(&exprs);
        let mut values = vec![];
        for (e, v) in exprs.iter().zip(vals) {
            values.push(if mutating {
                match v {
                    Val::Plain(c) if self.has_rc(&e.ty) => {
                        let owned = self.into_owned(Val::Plain(c), &e.ty);
                        self.own(&owned, &e.ty);
                        owned
                    }
                    Val::Plain(c) => self.temp(&e.ty, &c).c().to_string(),
                    Val::Temp(t) => t,
                }
            } else {
                v.c().to_string()
            });
        }
        let place = args.iter().find_map(|a| match a {
            Arg::Place(p) => Some(&**p),
            Arg::Value(_) => None,
        });
        let place = place.map(|p: &Place| {
            let operands = self.place_operands(p);
            self.place_ptr(p, p.path.len(), &operands)
        });
        Args { values, place }
    }

    fn first_ty<'e>(args: &'e [Arg]) -> &'e Ty {
        match &args[0] {
            Arg::Value(e) => &e.ty,
            Arg::Place(p) => p.ty(),
        }
    }

    /// Moves the owned value `v` (a temp of this statement) out of the
    /// statement's cleanup, for storing into a container.
    fn give(&mut self, v: &str, ty: &Ty) -> String {
        if self.has_rc(ty) {
            self.take(v);
        }
        v.to_string()
    }

    /// An option value from a found-flag and a value (owned).
    fn option(&mut self, ty: &Ty, setup: &[String], some: &str, value: &str) -> Val {
        for s in setup {
            self.line(s);
        }
        let ct = self.c(ty);
        self.temp(ty, &format!("({ct}){{ .some = {some}, .value = {value} }}"))
    }
}

pub(super) fn emit(g: &mut FnGen, b: Builtin, args: &[Arg], e: &Expr) -> Val {
    use Builtin::*;
    let ty = &e.ty;
    if b == SendAfter {
        return send_after(g, args, ty);
    }
    let a = g.builtin_args(args, b.mutates_first_arg());
    let v = &a.values;
    let plain = |s: String| Val::Plain(s);
    let none = Val::Plain(String::new());
    match b {
        Print | Println | Eprintln => {
            let f = match b {
                Print => "purr_print",
                Println => "purr_println",
                _ => "purr_eprintln",
            };
            g.line(format_args!("{f}({});", v[0]));
            none
        }
        Str => {
            let arg_ty = *FnGen::first_ty(args);
            let call = match arg_ty {
                Ty::Int(i) if i.signed() => format!("purr_str_of_i64((int64_t){})", v[0]),
                Ty::Int(_) => format!("purr_str_of_u64((uint64_t){})", v[0]),
                Ty::Ptr => format!("purr_str_of_u64((uint64_t)(uintptr_t){})", v[0]),
                Ty::F64 => format!("purr_str_of_f64({})", v[0]),
                Ty::Bool => format!("purr_str_of_bool({})", v[0]),
                _ => return plain(v[0].clone()),
            };
            g.temp(ty, &call)
        }
        Exit => {
            g.line(format_args!("purr_exit({});", v[0]));
            g.diverged = true;
            none
        }
        Panic => {
            let loc = g.loc(e.span);
            g.line(format_args!("purr_panic({loc}, {}->data);", v[0]));
            g.diverged = true;
            none
        }
        Args => g.temp(ty, "purr_args()"),
        NowMs => g.temp(ty, "purr_now_ms()"),
        Assert => {
            let loc = g.loc(e.span);
            g.line(format_args!("if (!({})) purr_panic({loc}, \"assertion failed\");", v[0]));
            none
        }
        Len => match FnGen::first_ty(args) {
            Ty::Map(..) => plain(format!("purr_map_len({})", v[0])),
            _ => plain(format!("({})->len", v[0])),
        },
        Substr => {
            let loc = g.loc(e.span);
            g.temp(ty, &format!("purr_str_substr({}, {}, {}, {loc})", v[0], v[1], v[2]))
        }
        Find => {
            let t = g.fresh();
            let setup = [format!("int64_t {t} = purr_str_find({}, {});", v[0], v[1])];
            g.option(ty, &setup, &format!("{t} >= 0"), &t)
        }
        Split => g.temp(ty, &format!("purr_str_split({}, {})", v[0], v[1])),
        Join => g.temp(ty, &format!("purr_str_join({}, {})", v[0], v[1])),
        StartsWith => plain(format!("purr_str_starts_with({}, {})", v[0], v[1])),
        EndsWith => plain(format!("purr_str_ends_with({}, {})", v[0], v[1])),
        Trim => g.temp(ty, &format!("purr_str_trim({})", v[0])),
        ToBytes => g.temp(ty, &format!("purr_str_to_bytes({})", v[0])),
        FromBytes => g.temp(ty, &format!("purr_str_from_bytes({})", v[0])),
        ParseI64 | ParseF64 => {
            let (ct, f) = if b == ParseI64 { ("int64_t", "purr_parse_i64") } else { ("double", "purr_parse_f64") };
            let (val, ok) = (g.fresh(), g.fresh());
            let setup = [format!("{ct} {val} = 0;"), format!("bool {ok} = {f}({}, &{val});", v[0])];
            g.option(ty, &setup, &ok, &val)
        }
        ListNew => {
            let desc = g.g.types.descriptor(elem(ty));
            g.temp(ty, &format!("purr_list_new({desc})"))
        }
        ListPush => {
            let et = *elem(FnGen::first_ty(args));
            let ct = g.c(&et);
            let val = g.give(&v[0], &et);
            g.line(format_args!("*({ct}*)purr_list_push_slot({}) = {val};", place(&a)));
            none
        }
        ListPop => {
            let ct = g.c(ty);
            let t = g.fresh();
            g.line(format_args!("{ct} {t} = {{0}};"));
            g.line(format_args!("{t}.some = purr_list_pop({}, &{t}.value);", place(&a)));
            g.own(&t, ty);
            owned_or_plain(g, t, ty)
        }
        ListInsert => {
            let et = *elem(FnGen::first_ty(args));
            let val = g.give(&v[1], &et);
            let ct = g.c(&et);
            let t = g.fresh();
            g.line(format_args!("{ct} {t} = {val};"));
            let loc = g.loc(e.span);
            g.line(format_args!("purr_list_insert({}, {}, &{t}, {loc});", place(&a), v[0]));
            none
        }
        ListRemove => {
            let z = g.zero(ty);
            let ct = g.c(ty);
            let t = g.fresh();
            g.line(format_args!("{ct} {t} = {z};"));
            let loc = g.loc(e.span);
            g.line(format_args!("purr_list_remove({}, {}, &{t}, {loc});", place(&a), v[0]));
            g.own(&t, ty);
            owned_or_plain(g, t, ty)
        }
        ListClear => {
            g.line(format_args!("purr_list_clear({});", place(&a)));
            none
        }
        ListSlice => {
            let loc = g.loc(e.span);
            g.temp(ty, &format!("purr_list_slice({}, {}, {}, {loc})", v[0], v[1], v[2]))
        }
        ListContains => {
            let et = *elem(FnGen::first_ty(args));
            let ct = g.c(&et);
            let t = g.fresh();
            g.line(format_args!("{ct} {t} = {};", v[1]));
            plain(format!("purr_list_contains({}, &{t})", v[0]))
        }
        ListEach | ListMap | ListFilter => list_loop(g, b, args, v, ty),
        ListSort => {
            g.line(format_args!("purr_list_sort({});", place(&a)));
            none
        }
        ListSortBy => {
            let et = *elem(FnGen::first_ty(args));
            let adapter = g.sort_adapter(&et);
            let fty = Ty::Fn([et, et].as_slice().into(), Ty::Bool.into());
            let fct = g.c(&fty);
            let f = g.fresh();
            g.line(format_args!("{fct} {f} = {};", v[0]));
            g.line(format_args!("purr_list_sort_with({}, {adapter}, &{f});", place(&a)));
            none
        }
        MapNew => {
            let (k, val) = key_val(ty);
            let (kd, vd) = (g.g.types.descriptor(k), g.g.types.descriptor(val));
            g.temp(ty, &format!("purr_map_new({kd}, {vd})"))
        }
        MapGet => {
            let (k, val) = key_val(FnGen::first_ty(args));
            let (k, val) = (*k, *val);
            let kt = g.pin(&k, &v[1]);
            let (ct, vct) = (g.c(ty), g.c(&val));
            let (p, t) = (g.fresh(), g.fresh());
            g.line(format_args!("{vct}*{p} = purr_map_get({}, &{kt});", v[0]));
            g.line(format_args!("{ct} {t} = {{0}};"));
            let retain = if g.has_rc(&val) { format!(" {}({t}.value);", g.g.types.rc_fn(&val, "retain")) } else { String::new() };
            g.line(format_args!("if ({p}) {{ {t}.some = true; {t}.value = *{p};{retain} }}"));
            g.own(&t, ty);
            owned_or_plain(g, t, ty)
        }
        MapSet => {
            let (k, val) = key_val(FnGen::first_ty(args));
            let (k, val) = (*k, *val);
            let (kv, vv) = (g.give(&v[0], &k), g.give(&v[1], &val));
            let kt = g.pin(&k, &kv);
            let vt = g.pin(&val, &vv);
            g.line(format_args!("purr_map_set({}, &{kt}, &{vt});", place(&a)));
            none
        }
        MapHas => {
            let k = *key_val(FnGen::first_ty(args)).0;
            let kt = g.pin(&k, &v[1]);
            plain(format!("purr_map_has({}, &{kt})", v[0]))
        }
        MapRemove => {
            let k = *key_val(FnGen::first_ty(args)).0;
            let kt = g.pin(&k, &v[0]);
            let ct = g.c(ty);
            let t = g.fresh();
            g.line(format_args!("{ct} {t} = {{0}};"));
            g.line(format_args!("{t}.some = purr_map_remove({}, &{kt}, &{t}.value);", place(&a)));
            g.own(&t, ty);
            owned_or_plain(g, t, ty)
        }
        MapKeys => g.temp(ty, &format!("purr_map_keys({})", v[0])),
        MapValues => g.temp(ty, &format!("purr_map_values({})", v[0])),
        MapEach => {
            let (k, val) = key_val(FnGen::first_ty(args));
            let (kct, vct) = (g.c(&k.clone()), g.c(&val.clone()));
            let (m, i) = (g.fresh(), g.fresh());
            g.line(format_args!("purr_map *{m} = {};", v[0]));
            g.line(format_args!(
                "for (int64_t {i} = purr_map_next({m}, -1); {i} >= 0; {i} = purr_map_next({m}, {i})) ({})(*({kct}*)purr_map_key_at({m}, {i}), *({vct}*)purr_map_val_at({m}, {i}));",
                v[1]
            ));
            none
        }
        MapClear => {
            g.line(format_args!("purr_map_clear({});", place(&a)));
            none
        }
        BytesNew => {
            let loc = g.loc(e.span);
            g.temp(ty, &format!("purr_bytes_new({}, {loc})", v[0]))
        }
        BytesPush => {
            g.line(format_args!("purr_bytes_push({}, {});", place(&a), v[0]));
            none
        }
        BytesAppend => {
            g.line(format_args!("purr_bytes_append({}, {});", place(&a), v[0]));
            none
        }
        BytesAppendU16be | BytesAppendU32be | BytesAppendU64be => {
            let n = match b {
                BytesAppendU16be => 2,
                BytesAppendU32be => 4,
                _ => 8,
            };
            g.line(format_args!("purr_bytes_append_be({}, {}, {n});", place(&a), v[0]));
            none
        }
        BytesAppendU64 => {
            g.line(format_args!("purr_bytes_append_u64({}, {});", place(&a), v[0]));
            none
        }
        BytesAppendRange => {
            let loc = g.loc(e.span);
            g.line(format_args!("purr_bytes_append_range({}, {}, {}, {}, {loc});", place(&a), v[0], v[1], v[2]));
            none
        }
        BytesSlice => {
            let loc = g.loc(e.span);
            g.temp(ty, &format!("purr_bytes_slice({}, {}, {}, {loc})", v[0], v[1], v[2]))
        }
        BytesFind => {
            let (t, loc) = (g.fresh(), g.loc(e.span));
            let setup = [format!("int64_t {t} = purr_bytes_find({}, {}, {}, {loc});", v[0], v[1], v[2])];
            g.option(ty, &setup, &format!("{t} >= 0"), &t)
        }
        BytesParseI64 => {
            let (val, ok, loc) = (g.fresh(), g.fresh(), g.loc(e.span));
            let setup =
                [format!("int64_t {val} = 0;"), format!("bool {ok} = purr_bytes_parse_i64({}, {}, {}, &{val}, {loc});", v[0], v[1], v[2])];
            g.option(ty, &setup, &ok, &val)
        }
        BytesTruncate => {
            let loc = g.loc(e.span);
            g.line(format_args!("purr_bytes_truncate({}, {}, {loc});", place(&a), v[0]));
            none
        }
        GetU16be | GetU32be | GetU64be => {
            let w = match b {
                GetU16be => 16,
                GetU32be => 32,
                _ => 64,
            };
            let loc = g.loc(e.span);
            plain(format!("purr_bytes_get_u{w}be({}, {}, {loc})", v[0], v[1]))
        }
        PutU16be | PutU32be | PutU64be => {
            let w = match b {
                PutU16be => 16,
                PutU32be => 32,
                _ => 64,
            };
            let loc = g.loc(e.span);
            g.line(format_args!("purr_bytes_put_u{w}be({}, {}, {}, {loc});", place(&a), v[0], v[1]));
            none
        }
        Crc32c => plain(format!("purr_crc32c({})", v[0])),
        BytesCrc32c => {
            let loc = g.loc(e.span);
            g.temp(ty, &format!("purr_bytes_crc32c({}, {}, {}, {loc})", v[0], v[1], v[2]))
        }
        Stop => {
            g.line("purr_stop(self);");
            none
        }
        SendAfter => unreachable!("handled above"),
        CancelTimer => g.temp(ty, &format!("purr_cancel_timer({})", v[0])),
        Monitor => {
            g.line(format_args!("purr_monitor(self, {});", v[0]));
            none
        }
        ActorId => plain(format!("purr_actor_id({})", v[0])),
        Drain => {
            g.line("purr_drain();");
            none
        }
        DrainSteps => g.temp(ty, &format!("purr_drain_steps({})", v[0])),
        AdvanceMs => {
            g.line(format_args!("purr_advance_ms({});", v[0]));
            none
        }
        Expect => {
            let loc = g.loc(e.span);
            g.line(format_args!("purr_expect({}, {loc});", v[0]));
            none
        }
        ExpectEq => {
            let loc = g.loc(e.span);
            let (f, cast) = match FnGen::first_ty(args) {
                Ty::Int(i) if i.signed() => ("i64", "(int64_t)"),
                Ty::Int(_) => ("u64", "(uint64_t)"),
                Ty::F64 => ("f64", ""),
                Ty::Bool => ("bool", ""),
                Ty::Bytes => ("bytes", ""),
                _ => ("str", ""),
            };
            g.line(format_args!("purr_expect_eq_{f}({cast}{}, {cast}{}, {loc});", v[0], v[1]));
            none
        }
        ExpectOutput => {
            let loc = g.loc(e.span);
            g.line(format_args!("purr_expect_output({}, {loc});", v[0]));
            none
        }
        ProbeReceived => g.temp(ty, &format!("purr_probe_received({})", v[0])),
    }
}

/// `send_after(target, delay, message)`: the message goes into a node that
/// the timer owns until it fires.
fn send_after(g: &mut FnGen, args: &[Arg], ty: &Ty) -> Val {
    let [Arg::Value(target), Arg::Value(delay), Arg::Value(message)] = args else {
        unreachable!("send_after takes three values")
    };
    let vals = g.exprs(&[target, delay]);
    let vals: Vec<Val> = vals.into_iter().zip([target, delay]).map(|(v, e)| g.settle(v, e, &[message])).collect();
    let node = g.message_node(message);
    g.temp(ty, &format!("purr_send_after({}, {}, {node})", vals[0].c(), vals[1].c()))
}

fn place(a: &Args) -> &str {
    a.place.as_deref().expect("mutating builtins take a place")
}

fn owned_or_plain(g: &mut FnGen, t: String, ty: &Ty) -> Val {
    if g.has_rc(ty) {
        Val::Temp(t)
    } else {
        Val::Plain(t)
    }
}

/// `list_each`, `list_map`, `list_filter` as loops over the list.
fn list_loop(g: &mut FnGen, b: Builtin, args: &[Arg], v: &[String], ty: &Ty) -> Val {
    let et = *elem(FnGen::first_ty(args));
    let ect = g.c(&et);
    let (l, i) = (g.fresh(), g.fresh());
    g.line(format_args!("purr_list *{l} = {};", v[0]));
    let f = &v[1];
    let item = format!("(({ect}*){l}->data)[{i}]");
    let head = format!("for (int64_t {i} = 0; {i} < {l}->len; {i}++)");
    match b {
        Builtin::ListEach => {
            g.line(format_args!("{head} ({f})({item});"));
            Val::Plain(String::new())
        }
        Builtin::ListMap => {
            let out_elem = *elem(ty);
            let desc = g.g.types.descriptor(&out_elem);
            let oct = g.c(&out_elem);
            let out = g.temp(ty, &format!("purr_list_with_cap({desc}, {l}->len)"));
            g.line(format_args!("{head} *({oct}*)purr_list_push_slot(&{}) = ({f})({item});", out.c()));
            out
        }
        _ => {
            let desc = g.g.types.descriptor(&et);
            let out = g.temp(ty, &format!("purr_list_new({desc})"));
            let mut body = format!("if (({f})({item})) {{ ");
            if g.has_rc(&et) {
                let retain = g.g.types.rc_fn(&et, "retain");
                write!(body, "{retain}({item}); ").unwrap();
            }
            write!(body, "*({ect}*)purr_list_push_slot(&{}) = {item}; }}", out.c()).unwrap();
            g.line(format_args!("{head} {{ {body} }}"));
            out
        }
    }
}

impl FnGen<'_, '_> {
    /// Stores `c` in a fresh variable (so its address can be taken, or so
    /// it is computed now).
    pub(super) fn pin(&mut self, ty: &Ty, c: &str) -> String {
        let ct = self.c(ty);
        let t = self.fresh();
        self.line(format_args!("{ct} {t} = {c};"));
        t
    }

    /// A comparator for `purr_list_sort_with` that calls a Purr
    /// "comes before" function `fn(T, T) bool` passed through `ctx`.
    fn sort_adapter(&mut self, et: &Ty) -> String {
        let name = super::names::sort_adapter(self.g.names, et);
        if self.g.adapters.iter().any(|(n, _)| *n == name) {
            return name;
        }
        let ct = self.c(et);
        let fct = self.c(&Ty::Fn([*et, *et].as_slice().into(), Ty::Bool.into()));
        let decl = format!(
            "static int {name}(const void *a, const void *b, void *ctx) {{\n    {fct} before = *({fct}*)ctx;\n    {ct} x = *({ct} const *)a;\n    {ct} y = *({ct} const *)b;\n    return before(x, y) ? -1 : before(y, x) ? 1 : 0;\n}}\n"
        );
        self.g.adapters.push((name.clone(), decl));
        name
    }
}
