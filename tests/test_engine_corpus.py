"""The corpus scan's corpus-wide steps, without a cluster: the language prior computed from hashes
of the distinct texts of all blocks is `languages_with_prior`'s, and surnames propagated in two
rounds (a block's own, then the corpus's) give what one round with all of them gives. The scan on
a LocalCluster is tested in test_engine_dask.py."""

from __future__ import annotations

import pandas as pd
import pytest

from privsynth.detect.language import PRIOR_CONFIDENT, classify, languages_with_prior
from privsynth.detect.language import language_given_prior
from privsynth.engine.corpus import _propagate, corpus_prior

ENGLISH = [f"Customer {i} called about invoice {1000 + i} and asked for a refund of the late delivery fee." for i in range(25)]
FRENCH = [f"Le client {i} a appelé au sujet de la facture {1000 + i} et demande un remboursement rapide." for i in range(25)]
UNSURE = ["Marie Dubois habite rue de la Paix à Lyon.", "Madame Claire Fontaine, tel 0612345678.",
          "Dorothea von Schlegel was born in 1764 in Berlin.", "ok", "", "Herr Schmidt kommt morgen."]


def _engine_languages(blocks: list[list[str]]) -> list[str]:
    """The engine's rule: classify per block, union the hashes of surely identified distinct texts."""
    sure: dict[str, set] = {}
    found = []
    for block in blocks:
        for t in block:
            lang, p = classify(t) if t.strip() else (None, 0.0)
            found.append((lang, p))
            if lang and p >= PRIOR_CONFIDENT:
                sure.setdefault(lang, set()).update(pd.util.hash_pandas_object(pd.Series([t], dtype=object), index=False).tolist())
    prior = corpus_prior({k: list(v) for k, v in sure.items()})
    return [language_given_prior(lang, p, prior) for lang, p in found]


@pytest.mark.parametrize("name,blocks", [
    ("an English corpus lends its prior to a block of unsure notes", [ENGLISH, UNSURE]),
    ("duplicates across blocks count once towards the prior", [ENGLISH[:12], ENGLISH[:12] + UNSURE]),
    ("a corpus with two languages has no prior", [ENGLISH, FRENCH, UNSURE]),
    ("a corpus too small to have a prior", [UNSURE, ENGLISH[:3]]),
    ("a French corpus lends its prior", [FRENCH, UNSURE]),
])
def test_the_corpus_language_prior_is_the_local_detectors_over_all_blocks(name, blocks):
    flat = [t for b in blocks for t in b]
    distinct = list(dict.fromkeys(t for t in flat if t.strip()))
    local = dict(zip(distinct, languages_with_prior(distinct)))
    want = [local.get(t) for t in flat]
    got = _engine_languages(blocks)
    assert [g for g, t in zip(got, flat) if t.strip()] == [w for w, t in zip(want, flat) if t.strip()]


def test_surnames_propagated_in_two_rounds_equal_one_round_with_all_of_them():
    from privsynth.detect.text import analyze_texts

    texts = ["Carlo Citrone called about the refund.", "Grace Okafor asked for a callback.",
             "Citrone and Okafor both wrote again; OKAFOR signed.", "Nothing about Citrone here, says Okafor."]
    spans = analyze_texts(texts)
    known = frozenset({"Citrone", "Okafor"})
    once = [list(s) for s in spans]
    _propagate(texts, once, known)
    twice = [list(s) for s in spans]
    _propagate(texts, twice, frozenset({"Okafor"}))
    _propagate(texts, twice, known)
    assert twice == once
    assert once != [list(s) for s in spans]  # the case propagates something
