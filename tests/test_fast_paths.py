"""Speed changes that must not change a result (issue 12, Speed): the ASCII fast
path of `values.fold`, and a table scan that reads Presidio's pattern recognizers without loading
a spaCy model. Each test checks the fast path against the slow one, not a time."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata

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
import pandas as pd
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



def _mixed_tables():
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(5)

    def table(n, seed):
        r = np.random.default_rng(seed)
        return pd.DataFrame({
            "age": r.integers(18, 90, n),
            "income": np.where(r.random(n) < 0.1, np.nan, r.normal(3e4, 1e4, n)),
            "city": r.choice(["Oslo", "Lima", "Pune", "Kyiv", "Quito"], n),
            "user": [f"u{v}" for v in r.integers(0, 10 * n, n)],  # near-unique text
            "flag": r.random(n) < 0.5,
        })

    return table(300, 1), table(280, 2), table(150, 3), rng


def test_record_tables_are_encoded_as_one_fit_over_all_columns_would_encode_them():
    import numpy as np

    from privsynth.evaluate import records
    from privsynth.evaluate.encoding import GowerEncoder

    orig, rel, hold, _ = _mixed_tables()
    rel["age"] = rel["age"].astype(str)  # int vs text of the same values: still readable
    rel["income"] = rel["income"].astype(object)
    rel.loc[:200, "income"] = "n/a"  # most values unreadable as numbers: the column is left out
    rt = records.prepare(orig, rel, hold, ["age", "city"], seed=0, max_rows=10_000, backend="faiss",
                         approximate_above=200_000)
    assert rt.notes["columns_of_another_type_in_release_or_holdout"] == ["income"]
    ref = GowerEncoder.fit(orig, rt.columns, [rel, hold])
    assert (rt.enc.columns, rt.enc.numeric, rt.enc.numeric_with_missing, rt.enc.categories, rt.enc.dim) == \
        (ref.columns, ref.numeric, ref.numeric_with_missing, ref.categories, ref.dim)
    assert list(rt.enc.categories["user"]) == list(ref.categories["user"])  # slot order too
    for got, want in ((rt.X_release, ref.transform(rel, "release")), (rt.X_holdout, ref.transform(hold, "holdout")),
                      (rt.X_train, ref.transform(orig, "original"))):
        assert got.dtype == want.dtype and got.flags.c_contiguous
        assert np.array_equal(got, want)


def test_masked_fingerprints_equal_the_fingerprints_of_the_masked_rows():
    import numpy as np

    from privsynth.evaluate.fingerprints import masked_fingerprints, row_fingerprints

    rng = np.random.default_rng(3)
    for d in (1, 7, 40, 5000):  # 5000: beyond the fixed multiplier table
        X = rng.choice(np.float32([0.0, -0.0, 0.5, -0.5, 0.25, 1.0, -0.25]), size=(300, d))
        X[:, 0] = rng.random(300, dtype=np.float32)
        keys = row_fingerprints(X)
        for sl in (slice(0, 1), slice(d // 2, d), slice(0, d), slice(d, d)):
            Y = X.copy()
            Y[:, sl] = 0.0
            assert np.array_equal(masked_fingerprints(X, keys, sl), row_fingerprints(Y))


def test_records_equal_on_all_columns_but_one_are_found_as_with_masked_copies():
    import numpy as np

    from privsynth.evaluate import records
    from privsynth.evaluate.fingerprints import RowLookup, row_fingerprints

    orig, rel, hold, rng = _mixed_tables()
    rel.iloc[:40] = orig.iloc[:40].to_numpy()  # copies
    rel.iloc[40:80] = orig.iloc[40:80].to_numpy()
    rel.loc[40:59, "age"] = 99  # equal but one column
    rel.loc[60:79, "city"] = "Oslo"
    hold.iloc[:10] = rel.iloc[100:110].to_numpy()
    hold.loc[:4, "user"] = "u0"
    rt = records.prepare(orig, rel, hold, ["age", "city"], seed=0, max_rows=10_000, backend="faiss",
                         approximate_above=200_000)

    def reference(X):  # as equal_but_one was written before the masked fingerprints
        hit = np.zeros(len(X), bool)
        for _, sl in rt.enc.slices().items():
            def masked(A):
                B = A.copy()
                B[:, sl] = 0.0
                return B
            R = masked(rt.X_release)
            hit |= RowLookup(R, row_fingerprints(R)).contains(masked(X), row_fingerprints(masked(X)))
        return hit

    got_t, got_h = rt.equal_but_one
    assert np.array_equal(got_t, reference(rt.X_train)) and np.array_equal(got_h, reference(rt.X_holdout))
    assert got_t[:80].all() and got_h[:10].all()
