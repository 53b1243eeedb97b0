"""Presidio's own patterns skip their compile check while Presidio is imported
(`privsynth.detect.engine._presidio_patterns_unvalidated`): the check must hold for every one of
them, and every other `regex.compile` and every later `Pattern` must behave as before."""

import gc
import subprocess
import sys

import pytest
import regex


def test_every_presidio_pattern_compiles_and_later_patterns_are_checked():
    from privsynth.detect.engine import import_nlp_libraries, text_recognizers

    import_nlp_libraries()
    from presidio_analyzer import Pattern

    assert regex.compile.__module__ == "regex._main"  # the import's stand-in is gone
    text_recognizers(None)
    pats = [o for o in gc.get_objects() if isinstance(o, Pattern)]
    assert len(pats) > 100
    for p in pats:
        regex.compile(p.regex)  # what Presidio's check would have done: raises on a bad pattern
    with pytest.raises(ValueError):
        Pattern("bad", "(unclosed", 0.5)  # built after the import: checked as before


def test_check_skipped_only_during_the_import_and_results_equal():
    code = (
        "import regex, sys\n"
        "from privsynth.detect.engine import import_nlp_libraries\n"
        "import_nlp_libraries()\n"
        "from presidio_analyzer.predefined_recognizers import UrlRecognizer\n"
        "r = UrlRecognizer()\n"
        "print(len(r.analyze('see www.example.org or mail a@b.io', ['URL'])))\n"
        "print(regex.compile is regex._main.compile)\n"
    )
    outs = []
    for env in ({}, {"PRIVSYNTH_PRESIDIO_VALIDATE": "1"}):
        import os

        e = dict(os.environ, **env)
        outs.append(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=e, check=True).stdout)
    assert outs[0] == outs[1]
    assert outs[0].splitlines()[-1] == "True"
