"""The bad-input corpus (tests/bad_input_corpus.py) through the library and every command that
reads each kind of file: each case read right, warned about, or refused in one line with exit 2;
never a traceback, a partial output or a modified input. docs/inputs.md is this, as a matrix."""

from __future__ import annotations

import pytest

import bad_input_corpus as B

CASES = B.cases()
RUNS = [(c.name, cmd) for c in CASES for cmd in B.COMMANDS[c.kind] if B.applies(c, cmd)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    return {c.name: c for c in B.build(root)}, tmp_path_factory.mktemp("runs")


def test_the_corpus_has_at_least_60_cases_of_every_kind():
    assert len(CASES) >= 60
    assert {c.kind for c in CASES} == {"table", "text", "policy", "evidence", "key"}
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.expect for c in CASES} == {"read", "warn", "refuse"}


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_the_library_reads_each_case_right_warns_or_refuses_as_expected(corpus, name):
    cases, _ = corpus
    assert B.check_read(cases[name]) == []


@pytest.mark.parametrize("name,command", [pytest.param(n, c, marks=pytest.mark.slow) if c in B.HEAVY else (n, c) for n, c in RUNS])
def test_every_command_on_each_case_has_no_traceback_no_silent_misread_no_partial_output(corpus, name, command):
    cases, work = corpus
    outcome = B.run(cases[name], command, work)
    assert B.problems(cases[name], outcome) == []
