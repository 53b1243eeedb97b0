"""The start-up of a one-shot `privsynth` process: its imports run without the cyclic garbage collector.

Importing pandas, scipy, scikit-learn, FAISS or Presidio creates about a million objects that live until
the process ends. Python's cyclic garbage collector walks them again and again while they are created
(each full collection walks every tracked object) and after (the young generations the imports leave
behind are walked on the next collections): in a `privsynth evaluate` of the 2,428-row survey table,
collections took 0.34 CPU s of the main process's 2.7 and 0.25 s of the scan child's 0.9, and 0.07 s and
0.08 s with this module (measured with `gc.callbacks`, docs/benchmarks.md session 8). Python's documentation describes the remedy for a
process that keeps what it imports (`gc.freeze`, https://docs.python.org/3/library/gc.html#gc.freeze):
collect nothing while the long-lived objects are made, then move them to the permanent generation, which
no collection walks. `imports_phase()` does that around a block that imports libraries (reading the inputs
stays outside: it makes few objects the collector tracks, and a large input must never be read without it).

Only in a process that runs one command and exits (`mark_one_shot()`: the CLI's `main`, and the child of
`privsynth.forked.Forked`, which runs one function and leaves): frozen objects are never collected, so a
cycle among them that became garbage would stay until the process ends, which a long-running process
using the library (a notebook, a server, the test suite) must not accept. Anywhere else `imports_phase()`
changes nothing. Garbage that is not in a reference cycle is freed by reference counting as always;
no result depends on when the collector runs.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_one_shot = False


def mark_one_shot() -> None:
    """Declare this process one-shot: it runs one command (or one function) and exits."""
    global _one_shot
    _one_shot = True


def is_one_shot() -> bool:
    return _one_shot


@contextmanager
def imports_phase() -> Iterator[None]:
    """In a one-shot process: the cyclic garbage collector off for the block, every object alive at its
    end frozen (`gc.freeze`), then the collector back in the state it was in. Nested blocks are fine (the
    inner one leaves the collector off). Elsewhere: nothing."""
    if not _one_shot:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
