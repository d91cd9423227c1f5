#!/usr/bin/env python3
"""Summarises a `perf script` dump of purrc by compiler phase and by kind of leaf.

    perf record --call-graph dwarf,16384 -F 2000 -o perf.data \\
        target/release/purrc --emit c prog.pu > /dev/null
    perf script -i perf.data > stacks.txt
    python3 tools/perf_phases.py stacks.txt

Each sample is charged to one phase: the exit-time drops of the AST / IR if
they are on the stack, else the innermost phase frame (lexer, parser, sema,
codegen). Leaf kinds tell how much is allocation, copying and page faults.
"""
import collections
import re
import sys

DROPS = [("drop IR at exit", "drop_in_place<purrc::ir::Program>"),
         ("drop AST at exit", "drop_in_place<alloc::vec::Vec<purrc::ast::File>>")]
PHASES = [("lexer", "purrc::lexer::"), ("parser", "purrc::parse::"), ("sema", "purrc::sema::"),
          ("codegen C", "purrc::codegen_c::"), ("read input", "purrc::driver::read_")]
LEAVES = [("kernel (page faults, mm)", r"\[kernel|kallsyms"), ("memcpy/memmove", r"memmove|memcpy"),
          ("malloc/free/realloc", r"malloc|free|realloc|_int_|unlink_chunk|consolidate|tcache"),
          ("purrc code (incl. inlined std)", r"purrc|\(inlined\)")]


def samples(path):
    """Yields each sample's stack, innermost frame first."""
    stack = []
    for line in open(path, errors="replace"):
        if not line.strip():
            if stack:
                yield stack
            stack = []
        elif line[0] in " \t":
            stack.append(line.strip())
    if stack:
        yield stack


def phase_of(stack):
    for name, pat in DROPS:
        if any(pat in f for f in stack):
            return name
    for frame in stack:
        for name, pat in PHASES:
            if pat in frame:
                return name
    return "other"


def leaf_of(stack):
    for name, pat in LEAVES:
        if re.search(pat, stack[0]):
            return name
    return "other"


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    phases, leaves, n = collections.Counter(), collections.Counter(), 0
    for st in samples(sys.argv[1]):
        n += 1
        phases[phase_of(st)] += 1
        leaves[leaf_of(st)] += 1
    print(f"{n} samples\n\nby phase:")
    for k, v in phases.most_common():
        print(f"  {100 * v / n:5.1f}%  {k}")
    print("\nby leaf:")
    for k, v in leaves.most_common():
        print(f"  {100 * v / n:5.1f}%  {k}")


if __name__ == "__main__":
    main()
