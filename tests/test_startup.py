"""privsynth.startup: in a one-shot process (the CLI's, a Forked child) a block of imports runs without the
cyclic garbage collector and leaves what it made frozen; anywhere else (this test process) nothing changes,
and garbage made after the block is still collected."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from privsynth import startup
from privsynth.forked import Forked

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    """`code` in a fresh interpreter (a one-shot process may freeze objects: never in the test process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_outside_a_one_shot_process_an_imports_phase_changes_nothing():
    assert not startup.is_one_shot()
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    with startup.imports_phase():
        assert gc.isenabled() == enabled
    assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, frozen)


def test_in_a_one_shot_process_the_collector_is_off_during_the_phase_and_what_it_made_is_frozen():
    out = _run("""
        import gc
        from privsynth import startup
        startup.mark_one_shot()
        before = gc.get_freeze_count()
        with startup.imports_phase():
            during = gc.isenabled()
            with startup.imports_phase():
                inner = gc.isenabled()
            after_inner = gc.isenabled()
            import json, decimal  # noqa: F401 - something to import
        print(during, inner, after_inner, gc.isenabled(), gc.get_freeze_count() > before)
    """)
    assert out == "False False False True True"


def test_garbage_made_after_the_phase_is_still_collected():
    out = _run("""
        import gc, weakref
        from privsynth import startup
        startup.mark_one_shot()
        with startup.imports_phase():
            import json  # noqa: F401
        class Node:
            pass
        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle: only the cyclic collector frees it
        ref = weakref.ref(a)
        del a, b
        gc.collect()
        print(ref() is None)
    """)
    assert out == "True"


def test_a_collector_that_was_off_stays_off_after_the_phase():
    out = _run("""
        import gc
        from privsynth import startup
        startup.mark_one_shot()
        gc.disable()
        with startup.imports_phase():
            pass
        print(gc.isenabled())
    """)
    assert out == "False"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_a_forked_child_is_one_shot_and_its_parent_is_not():
    assert Forked(startup.is_one_shot, fork=True).result() is True
    assert not startup.is_one_shot()


def test_the_command_line_process_is_one_shot():
    out = _run("""
        import atexit, sys
        from privsynth import cli, startup
        atexit.register(lambda: print(startup.is_one_shot()))
        sys.argv = ["privsynth", "--version"]
        cli.main()
    """)
    assert out.splitlines()[-1] == "True"
