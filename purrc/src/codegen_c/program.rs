//! The program's entry: which functions are generated (those reachable
//! from the entry point, handlers, tests or benches), the function that
//! spawns `actor Main`, and the C `main` for each way of running.

use super::literals::c_string;
use super::names::{CNames, MESSAGE_NAMES};
use crate::ir::visit::{walk_block, walk_expr, Visitor};
use crate::ir::{self, ExprKind, Program, Ty};
use std::fmt::Write;
use thin_vec::ThinVec;

/// What the C program's `main` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Runs `fn main` or `actor Main`.
    Program,
    /// `purrc --test`: runs the `test` blocks.
    Test,
    /// `purrc --bench`: runs the `bench` blocks.
    Bench,
}

/// Which scheduler runs the program's actors, and its benches (`purrc
/// --scheduler`); tests always run on the deterministic one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheduler {
    /// Virtual clock, one message per step (`PURR_SCHED_DET`).
    Det,
    /// The event loop: monotonic clock, batches, fd readiness (`PURR_SCHED_EPOLL`).
    Epoll,
}

impl Scheduler {
    fn c_name(self) -> &'static str {
        match self {
            Scheduler::Det => "PURR_SCHED_DET",
            Scheduler::Epoll => "PURR_SCHED_EPOLL",
        }
    }
}

/// Which functions the program can call, starting from its entry point:
/// only those are generated (unused library functions would be dead C, and
/// unused `static` functions draw C compiler warnings).
pub(super) fn reachable_funcs(program: &Program, mode: Mode) -> Vec<bool> {
    struct Calls(Vec<ir::FuncId>);
    impl Visitor for Calls {
        fn expr(&mut self, e: &ir::Expr) {
            if let ExprKind::Call(f, _) | ExprKind::FnRef(f) = e.kind {
                self.0.push(f);
            }
        }
    }
    let mut live = vec![false; program.funcs.len()];
    let mut work: Vec<ir::FuncId> = program.entry.into_iter().collect();
    // Handlers run when messages arrive: every actor's are roots.
    for a in &program.actors {
        work.extend(a.start);
        work.extend(a.handlers.iter().map(|(_, f)| *f));
    }
    match mode {
        Mode::Program => {}
        Mode::Test => work.extend(program.tests.iter().map(|(_, f)| *f)),
        Mode::Bench => work.extend(program.benches.iter().map(|(_, f)| *f)),
    }
    if let Some(a) = program.main_actor {
        let defaults = &program.actors[a].defaults;
        let mut calls = Calls(vec![]);
        for d in defaults.iter().flatten() {
            walk_expr(&mut calls, d);
        }
        work.extend(calls.0);
    }
    while let Some(f) = work.pop() {
        if std::mem::replace(&mut live[f], true) {
            continue;
        }
        let mut calls = Calls(vec![]);
        walk_block(&mut calls, &program.funcs[f].body);
        work.extend(calls.0.into_iter().filter(|&g| !live[g]));
    }
    live
}

/// Whether the program has actors or messages at all (a plain sequential
/// program's C carries none of their machinery).
pub(super) fn uses_actors(program: &Program, mode: Mode) -> bool {
    mode != Mode::Program || !program.actors.is_empty()
}

/// The C `main` for `mode`.
pub(super) fn c_main(program: &Program, names: &CNames, mode: Mode, scheduler: Scheduler, spawn_main: Option<&str>) -> String {
    let sched = scheduler.c_name();
    let mut out = String::from("\nint main(int argc, char **argv) {\n    purr_init(argc, argv);\n");
    if uses_actors(program, mode) {
        writeln!(out, "    purr_register_messages({MESSAGE_NAMES}, sizeof {MESSAGE_NAMES} / sizeof *{MESSAGE_NAMES});").unwrap();
        out.push_str(&super::actors::message_ctor_registrations(program, names));
    }
    let cases = match mode {
        Mode::Program => None,
        Mode::Test => Some((&program.tests, "purr_test_main", String::new())),
        Mode::Bench => Some((&program.benches, "purr_bench_main", format!(", {sched}"))),
    };
    if let Some((cases, runner, sched_arg)) = cases {
        let entries: Vec<String> = cases
            .iter()
            .map(|(name, f)| format!("{{ {}, {} }}", c_string(name.as_bytes()), names.func_id(*f)))
            .collect();
        if entries.is_empty() {
            writeln!(out, "    int status = {runner}(argc, argv, NULL, 0{sched_arg});").unwrap();
        } else {
            writeln!(out, "    static const purr_test_case cases[] = {{\n        {}\n    }};", entries.join(",\n        ")).unwrap();
            writeln!(out, "    int status = {runner}(argc, argv, cases, sizeof cases / sizeof *cases{sched_arg});").unwrap();
        }
        out.push_str("    purr_shutdown();\n    return status;\n}\n");
        return out;
    }
    let actors = !program.actors.is_empty();
    if actors {
        writeln!(out, "    purr_sched_init({sched});").unwrap();
    }
    if let Some(spawn) = spawn_main {
        // The run ends with status 101 when `actor Main` died of a panic
        // (docs/actors.md, "Failure"); other actors' faults do not count.
        writeln!(out, "    purr_actor *entry = {spawn}();").unwrap();
        out.push_str("    purr_sched_run();\n");
        out.push_str("    int status = purr_actor_faulted(entry) ? 101 : 0;\n    purr_actor_release(entry);\n");
        out.push_str("    purr_sched_shutdown();\n    purr_shutdown();\n    return status;\n}\n");
        return out;
    }
    if let Some(entry) = program.entry {
        writeln!(out, "    {}();", names.func_id(entry)).unwrap();
    }
    if actors {
        out.push_str("    purr_sched_run();\n    purr_sched_shutdown();\n");
    }
    out.push_str("    purr_shutdown();\n    return 0;\n}\n");
    out
}

/// A function that spawns `actor Main` with its defaults and returns its
/// mailbox (the entry of an actor program); generated like any other
/// function.
pub(super) fn spawn_main_func(program: &Program) -> Option<ir::Func> {
    let a = program.main_actor?;
    let def = &program.actors[a];
    let fields: ThinVec<ir::Expr> = def.defaults.iter().flatten().cloned().collect();
    let span = def.span;
    let spawn = ir::Expr { kind: ir::ExprKind::Spawn(a, fields), ty: Ty::Mailbox(a), span };
    Some(ir::Func {
        kind: ir::FuncKind::SpawnMain,
        actor: None,
        params: vec![],
        ret: Ty::Mailbox(a),
        locals: vec![],
        needs: vec![],
        body: ir::Block { stmts: ThinVec::new(), value: Some(Box::new(spawn)), span },
        span,
    })
}
