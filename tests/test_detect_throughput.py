"""Execution of the detect stage (issue 14, throughput): what the speed work may change (imports,
models read once, recognizers built without a spaCy pipeline) and what it must not (the answers)."""

import json
import subprocess
import sys

import pytest

from privsynth.policy.models import PatternSpec, Policy, RecognizerSpec

_CHILD = """
import json, sys
from privsynth.detect import analyze_texts, scan_table
import pandas as pd
spans = analyze_texts(["Call Anna Berg on +44 20 7946 0958 in Leeds.", "mail anna.berg@example.org"])
scan = scan_table(pd.DataFrame({"email": ["anna.berg@example.org", "tom.li@example.com"] * 20,
                                "note": ["Anna Berg called about her invoice twice this week."] * 40}))
hidden = "torch" in sys.modules
import torch  # the hiding is over: SDV's import of torch still works
print(json.dumps({"torch_imported_by_detection": hidden, "torch_works": bool(torch.zeros(1).shape[0] == 1),
                  "types": [[s.entity_type for s in d] for d in spans], "email": scan.columns[0].category}))
"""


def _child(env_extra=None):
    import os

    env = dict(os.environ, **(env_extra or {}))
    out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_text_and_column_detection_run_without_importing_torch_and_torch_still_imports_afterwards():
    pytest.importorskip("torch")
    got = _child()
    assert got["torch_imported_by_detection"] is False
    assert got["torch_works"] is True
    assert got["types"] == [["PERSON", "PHONE_NUMBER", "LOCATION"], ["EMAIL_ADDRESS"]]
    assert got["email"] == "direct_identifier"


def test_privsynth_torch_1_keeps_torch_importable_by_spacy_and_presidio():
    pytest.importorskip("torch")
    got = _child({"PRIVSYNTH_TORCH": "1"})
    assert got["torch_imported_by_detection"] is True
    assert got["types"] == [["PERSON", "PHONE_NUMBER", "LOCATION"], ["EMAIL_ADDRESS"]]


@pytest.mark.parametrize("policy", [None, Policy(scan={"recognizers": [RecognizerSpec(
    name="member", entity_type="MEMBER_ID", category="direct_identifier", patterns=[PatternSpec(regex=r"\bMB-\d{6}\b", score=0.9)])]})],
    ids=["default", "with a policy recognizer"])
def test_cell_recognizers_are_the_analyzers_recognizers(policy):
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from privsynth.detect.engine import build_analyzer, pattern_recognizers

    cells = pattern_recognizers(policy)
    full = [r for r in build_analyzer(policy).registry.recognizers
            if not isinstance(r, SpacyRecognizer) and r.name not in ("PhoneRecognizer", "PhoneNumbersIntl")]
    assert [(r.name, type(r).__name__, r.supported_entities) for r in cells[:-1]] == \
           [(r.name, type(r).__name__, r.supported_entities) for r in full]
    assert cells[-1].name == "PhoneCell"


@pytest.mark.parametrize("text", ["Bonjour, je voudrais un rendez-vous demain matin.", "Hallo, wie geht es dir heute?",
                                  "No issues reported. Customer happy with the delivery.", "x", ""])
def test_the_shared_language_model_answers_as_py3langid_classify(text):
    import py3langid

    from privsynth.detect.language import classify_any_language

    assert classify_any_language(text) == py3langid.classify(text)


def test_repeated_cell_values_count_once_per_row_in_pattern_evidence():
    from privsynth.detect.columns import pattern_evidence
    from privsynth.detect.engine import pattern_recognizers

    recs = pattern_recognizers(None)
    values = ["anna.berg@example.org", "no mail", "tom.li@example.com"] * 70 + ["anna.berg@example.org"] * 10
    full, by_rec, partial, n = pattern_evidence(values, recs)
    assert n == 220 and full["EMAIL_ADDRESS"] == 150
    assert by_rec["EmailRecognizer:EMAIL_ADDRESS"] == 150
