"""Speed changes that must not change a result (issue 12, Speed): the ASCII fast
path of `values.fold`, the sorted-column WP29 predicate counts, and a table scan that reads Presidio's pattern recognizers without loading
a spaCy model. Each test checks the fast path against the slow one, not a time."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.detect import engine
from privsynth.detect.values import fold


def fold_reference(s: str) -> str:
    """`fold` as written before the fast path (every string through NFKD and the combining filter)."""
    s = unicodedata.normalize("NFKD", s.replace("ß", "ss").replace("ẞ", "ss"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fold_gives_the_reference_result_for_any_text(s):
    assert fold(s) == fold_reference(s)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_gives_the_reference_result_for_ascii_text(s):
    assert fold(s) == fold_reference(s)


def _signature(rec) -> tuple:
    pats = tuple((p.name, p.regex, p.score) for p in (getattr(rec, "patterns", None) or []))
    return (type(rec).__name__, rec.name, tuple(rec.supported_entities), rec.supported_language, pats,
            tuple(getattr(rec, "context", None) or []))


def test_pattern_recognizers_are_the_full_analyzers_recognizers_without_ner():
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from privsynth.policy.models import Policy

    policy = Policy()
    cells = engine.pattern_recognizers(policy)
    analyzer = engine.build_analyzer(policy)
    expected = [r for r in analyzer.registry.recognizers
                if not isinstance(r, SpacyRecognizer) and r.name not in {"PhoneRecognizer", "PhoneNumbersIntl"}]
    assert [_signature(r) for r in cells[:-1]] == [_signature(r) for r in expected]
    assert type(cells[-1]).__name__ == "PhoneCellRecognizer"


SCAN_NUMERIC_TABLE = """
import sys
import numpy as np
import pandas as pd
import pytest
from privsynth.detect import engine, scan_table
from privsynth.policy.models import Policy
df = pd.DataFrame({"age": [34, 51, 29, 62] * 50, "status": ["married", "single", "divorced", "single"] * 50,
                   "ssn": ["078-05-1120", "219-09-9999", "457-55-5462", "123-45-6789"] * 50})
scan = scan_table(df, Policy())
print(sorted(c.category for c in scan.columns), len(engine._nlp_engines))
"""


def test_scanning_a_table_without_text_loads_no_spacy_model():
    out = subprocess.run([sys.executable, "-c", SCAN_NUMERIC_TABLE], capture_output=True, text=True, check=True)
    categories, engines = out.stdout.strip().rsplit(" ", 1)
    assert engines == "0", out.stdout
    assert "direct_identifier" in categories


def match_counts_reference(preds, data, n):
    """Every predicate checked on every record (the WP29 counting before the sorted-column version)."""
    out = np.zeros(len(preds), dtype=np.int64)
    for i, p in enumerate(preds):
        mask = np.ones(n, dtype=bool)
        for col, op, v in p:
            x = data[col]
            if op == "==":
                mask &= x == v
            elif op == "<=":
                mask &= x <= v
            elif op == ">=":
                mask &= x >= v
            elif op == "isnan":
                mask &= np.isnan(x)
        out[i] = int(mask.sum())
    return out


def _random_case(seed: int, n: int):
    rng = np.random.default_rng(seed)
    num = np.round(rng.random(n), 2)
    num[rng.random(n) < 0.1] = np.nan
    data = {"num": num, "few": rng.integers(0, 3, n) * 0.5, "code": rng.integers(0, 7, n), "flag": rng.integers(0, 2, n)}
    ops = {"num": ["==", "<=", ">=", "isnan"], "few": ["==", "<=", ">="], "code": ["==", "isnan"], "flag": ["=="]}
    preds = [[]]
    for _ in range(300):
        cols = rng.choice(list(data), size=int(rng.integers(1, 5)), replace=False)
        p = []
        for c in cols:
            op = str(rng.choice(ops[c]))
            if c in ("code", "flag"):
                v = int(rng.integers(-1, 8))
            elif rng.random() < 0.5 and n:
                v = float(data[c][rng.integers(n)])  # a value that occurs (maybe NaN)
            else:
                v = float(rng.choice([rng.random(), -np.inf, np.inf, 0.0, -0.0, 1.0]))
            p.append((c, op, v))
        preds.append(p)
    return preds, data


@pytest.mark.parametrize("seed,n", [(0, 0), (1, 1), (2, 50), (3, 997), (4, 5000)])
def test_wp29_match_counts_equal_a_full_scan_of_every_record(seed, n):
    from privsynth.evaluate.wp29 import _match_counts

    preds, data = _random_case(seed, n)
    assert _match_counts(preds, data, n).tolist() == match_counts_reference(preds, data, n).tolist()
