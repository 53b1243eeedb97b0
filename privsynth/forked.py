"""Run one function in a forked child process while this process does other work, and collect its
result (pickled through a pipe).

`privsynth evaluate` uses it to scan the original's columns (about 2 s of CPU, most of it importing
Presidio and compiling its patterns) while the parent reads the release and the holdout and imports
the verifier (scipy.stats, scikit-learn, FAISS: about 1 s): on a machine with two cores the two
overlap. The result is the one the function returns in-process: same code, same inputs, same seed;
the child only changes where it runs.

A fork is only made when it is safe and useful (POSIX `os.fork`, at least two CPUs, this process
has a single Python thread, stdout and stderr are the process's own streams, and neither FAISS nor
the verifier is imported yet, so no OpenMP runtime has been started); otherwise, when the environment variable `PRIVSYNTH_NO_FORK` is set,
or when the child fails to report (killed, result not picklable), the function simply runs
in-process. An exception raised by the function in the child is re-raised in the parent.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Any, Callable, Optional

#: modules whose presence means this process may hold OpenMP or other thread state a fork must not copy
_UNSAFE_MODULES = ("faiss", "privsynth.evaluate", "torch", "distributed")


def fork_useful() -> bool:
    """Whether `Forked` will really run its function in a child (see module docstring)."""
    return (hasattr(os, "fork") and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1
            and not os.environ.get("PRIVSYNTH_NO_FORK")
            # the child's messages must reach the same place: not when stdout/stderr are replaced in memory
            # (click's CliRunner, pytest's capture), whose contents a child could not hand back
            and sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__
            and not any(m in sys.modules for m in _UNSAFE_MODULES))


class Forked:
    """`fn(*args)` started in a forked child (or deferred to `result()` when forking is not useful).

    `result()` returns what `fn` returned, or raises what it raised; `cancel()` stops the child.
    `fork`: None = when `fork_useful()`; True/False to force (tests)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, fork: Optional[bool] = None) -> None:
        self._fn, self._args = fn, args
        self._pid: Optional[int] = None
        self._fd: Optional[int] = None
        if not (fork_useful() if fork is None else fork and hasattr(os, "fork")):
            return
        for stream in (sys.stdout, sys.stderr):  # nothing buffered may be written twice
            stream.flush()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send (ok, value) or (False, exception), leave without cleanup handlers
            code = 0
            try:
                os.close(r)
                from privsynth.startup import mark_one_shot

                mark_one_shot()  # it runs one function and leaves (privsynth/startup.py)
                try:
                    outcome: tuple = (True, fn(*args))
                except BaseException as exc:  # noqa: BLE001 - handed to the parent as is
                    outcome = (False, exc)
                try:
                    payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - a value that cannot be pickled: the parent reruns fn
                    payload, code = b"", 1
                with os.fdopen(w, "wb") as f:
                    f.write(payload)
                sys.stderr.flush()
            finally:
                os._exit(code)
        os.close(w)
        self._pid, self._fd = pid, r

    @property
    def forked(self) -> bool:
        """Whether `fn` runs in a child process (until `result()` or `cancel()`)."""
        return self._pid is not None

    def result(self) -> Any:
        if self._pid is None:
            return self._fn(*self._args)
        with os.fdopen(self._fd, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not data or status != 0:  # the child died or could not send its result: same work, in-process
            return self._fn(*self._args)
        ok, value = pickle.loads(data)
        if ok:
            return value
        raise value

    def cancel(self) -> None:
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGTERM)
            os.waitpid(self._pid, 0)
        except OSError:
            pass
        finally:
            if self._fd is not None:
                os.close(self._fd)
            self._pid = self._fd = None
