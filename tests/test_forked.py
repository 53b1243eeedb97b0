"""privsynth.forked: a function run in a forked child gives what it gives in-process (value or exception),
and falls back to running in-process when the child cannot report."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from privsynth.errors import InputError
from privsynth.forked import Forked


def _pid_and_sum(xs: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(xs)


def _raise_input_error(name: str) -> None:
    raise InputError(f"{name}: duplicate column name 'a'")


def _unpicklable():
    return lambda: 1  # a lambda cannot be pickled: the child cannot send it


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_a_forked_function_returns_its_value_computed_in_another_process():
    pid, total = Forked(_pid_and_sum, [1, 2, 3], fork=True).result()
    assert total == 6 and pid != os.getpid()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_an_exception_in_the_child_is_raised_in_the_parent_with_its_message():
    with pytest.raises(InputError, match="original: duplicate column name 'a'"):
        Forked(_raise_input_error, "original", fork=True).result()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_a_result_the_child_cannot_send_is_computed_in_process_instead():
    assert Forked(_unpicklable, fork=True).result()() == 1


def test_without_a_fork_the_function_runs_in_process_when_the_result_is_asked():
    pid, total = Forked(_pid_and_sum, [4, 5], fork=False).result()
    assert (pid, total) == (os.getpid(), 9)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_a_cancelled_child_is_reaped_and_its_result_never_asked():
    f = Forked(_pid_and_sum, [1], fork=True)
    pid = f._pid
    assert pid is not None
    f.cancel()
    f.cancel()  # twice is harmless
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # this child is reaped (other tests' children, e.g. a cluster's, may still run)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")
def test_a_scan_in_a_child_equals_the_scan_in_process():
    from privsynth.detect import scan_table
    from privsynth.policy.models import Policy

    df = pd.DataFrame({"email": [f"user{i}@example.org" for i in range(60)], "age": range(60),
                       "city": ["Oslo", "Lima", "Pune"] * 20})
    assert Forked(scan_table, df, Policy(), fork=True).result() == scan_table(df, Policy())
