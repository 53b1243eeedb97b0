"""Ctrl-C that a library swallowed is still honoured before any output is committed.

Python turns SIGINT into a KeyboardInterrupt wherever the main thread happens to be. Raised inside
a finaliser (`__del__`, e.g. the `regex` package's during garbage collection) the exception is
printed as "Exception ignored" and dropped; raised inside a library's own `except` it can become
another error. A run could then go on and write its outputs although the user interrupted it.

`install()` (called by the CLI) keeps Python's behaviour and also records that SIGINT arrived;
`check()` raises KeyboardInterrupt when it did. Every atomic output (`privsynth.io.writers`, the
dask engine's shard directories, key files) calls `check()` just before its final rename, so an
interrupted run commits nothing, whatever swallowed the first KeyboardInterrupt. A SIGINT that
is ignored when the process starts (`nohup`, a background job) stays ignored. A KeyboardInterrupt
dropped in a finaliser is not printed (Python's "Exception ignored ... Traceback" on stderr): it was
recorded, and the run stops with its one-line "interrupted" message.
"""

from __future__ import annotations

import signal
import sys
import threading

_received = False


def _on_sigint(signum, frame) -> None:
    global _received
    _received = True
    signal.default_int_handler(signum, frame)  # raises KeyboardInterrupt, as Python's own handler


def _unraisable(unraisable) -> None:
    """`sys.unraisablehook`: a KeyboardInterrupt raised in a finaliser is dropped silently (recorded by
    `_on_sigint`; `check()` stops the run); anything else goes to Python's own hook."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _received:
        return
    sys.__unraisablehook__(unraisable)


def install() -> None:
    """Record SIGINT (main thread only; a no-op when SIGINT is ignored or handled by someone else)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)
        if sys.unraisablehook is sys.__unraisablehook__:
            sys.unraisablehook = _unraisable


def interrupted() -> bool:
    """Whether SIGINT arrived since `install()`."""
    return _received


def check() -> None:
    """Raise KeyboardInterrupt if SIGINT arrived (even if the first KeyboardInterrupt was swallowed)."""
    if _received:
        raise KeyboardInterrupt
