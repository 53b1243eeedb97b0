"""A Ctrl-C that a library swallowed (e.g. raised inside a finaliser) still stops every output commit."""

import os
import signal

import pandas as pd
import pytest

from privsynth import interrupts
from privsynth.io.writers import write_table, write_text


@pytest.fixture
def sigint_recorded(monkeypatch):
    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(interrupts, "_received", False)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupts.install()
    yield
    signal.signal(signal.SIGINT, previous)


class _SwallowsInFinaliser:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)  # the KeyboardInterrupt raised here is printed and dropped by Python


def test_a_sigint_swallowed_by_a_finaliser_still_stops_the_write(sigint_recorded, tmp_path):
    _SwallowsInFinaliser()  # collected at once: SIGINT arrives inside __del__
    assert interrupts.interrupted()
    with pytest.raises(KeyboardInterrupt):
        write_table(tmp_path / "release.csv", pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(KeyboardInterrupt):
        write_text(tmp_path / "report.html", "<p>x</p>")
    assert list(tmp_path.iterdir()) == []  # nothing committed, no temporary file left


def test_without_a_sigint_outputs_are_written(sigint_recorded, tmp_path):
    write_text(tmp_path / "a.txt", "x")
    assert (tmp_path / "a.txt").read_text() == "x" and not interrupts.interrupted()


def test_an_ignored_sigint_stays_ignored(monkeypatch):
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        interrupts.install()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_keyboard_interrupt_dropped_in_a_finaliser_is_not_printed_but_other_errors_are(monkeypatch, capsys):
    import sys

    from privsynth import interrupts

    monkeypatch.setattr(interrupts, "_received", True)
    monkeypatch.setattr(sys, "unraisablehook", interrupts._unraisable)

    class Raises:
        def __init__(self, exc):
            self.exc = exc

        def __del__(self):
            raise self.exc

    obj = Raises(KeyboardInterrupt())
    del obj
    assert capsys.readouterr().err == ""
    obj = Raises(ValueError("boom"))
    del obj
    assert "ValueError" in capsys.readouterr().err
