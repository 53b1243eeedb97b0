"""Surrogate pools when a large table's real names reach every generated entry (issue 15)."""
import re

from privsynth.transform.reserve import Reserve
from privsynth.transform.surrogates import SurrogateFactory, _generated_pool

_WORD = re.compile(r"[^\W\d_]+")


def test_when_every_generated_street_holds_a_real_name_then_street_surrogates_hold_none():
    pool = _generated_pool("fr_FR", "street")
    reserve = Reserve()
    # every capitalised word of the fr_FR street pool is some customer's name (3,000 French customers come close)
    reserve.name_tokens |= {w.casefold() for x in pool for w in _WORD.findall(x) if w[0].isupper()}
    f = SurrogateFactory(b"k" * 32, "fr_FR", reserve=reserve)
    out = [f.surrogate("STREET_ADDRESS", f"{n} rue Victor Hugo {n}") for n in range(1, 200)]
    assert all(not reserve.hit(s) for s in out), [s for s in out if reserve.hit(s)][:5]
    assert len(set(out)) > 150  # still varied, not one street for everybody
