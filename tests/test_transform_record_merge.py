"""Record-aware matches inside or overlapping a larger detected span (new-user trial 14, finding C1).

"Emergency contact: John Carter." with "John" some customer's given name became "Tanner Carter.":
the detector's span was dropped for the match, so the rest of a third party's name stayed. A
detected span must never keep a character as written: the matches keep their column's
replacement and the rest of a detected name gets the name surrogate the whole span would give it;
a detected non-name span (an address) becomes one surrogate of its type. All values are fictitious.
"""

import re

import pandas as pd
import pytest

from privsynth.policy.models import Policy
from privsynth.results import Span
from privsynth.transform import anonymize_table
from privsynth.transform.record import Match
from privsynth.transform.surrogates import SurrogateFactory
from privsynth.transform.text import merged_edits, rewrite_merged

KEY = bytes(range(32))
COLS = {"name": {"category": "direct_identifier", "entity_type": "PERSON"},
        "notes": {"category": "free_text"}}


def fixed_detector(found: dict):
    """A detector that reports, per text, the given (substring, entity type) pairs: the merge rule is
    tested on its own, whatever a language model finds."""
    def detect(texts):
        out = []
        for t in texts:
            sp = []
            for sub, et in found.get(t, ()):
                i = t.index(sub)
                sp.append(Span(start=i, end=i + len(sub), entity_type=et, score=0.85))
            out.append(sp)
        return out
    return detect


def _anon(rows, found, locale="en_GB"):
    df = pd.DataFrame(rows, columns=["name", "notes"])
    pol = Policy.model_validate({"columns": COLS, "transform": {"locale": locale}})
    return anonymize_table(df, None, pol, key=KEY, detector=fixed_detector(found), want_mapping=True)


def _words(s):
    return set(re.findall(r"[^\W\d_]+", s))


# (a customer's name, another row's note naming a third party who shares one of its words, the detected name)
THIRD_PARTY = [
    ("John Fielding", "Emergency contact: John Carrow.", "John Carrow"),
    ("Gerda Vollbrecht", "Notfallkontakt: Gerda Wimmelhuber, Tochter.", "Gerda Wimmelhuber"),
    ("Odile Parmentel", "Personne à prévenir : Maxence Parmentel.", "Maxence Parmentel"),
    ("Rocío Ybarrondo", "Contacto de emergencia: Rocío Anzuátegui.", "Rocío Anzuátegui"),
    ("Femke Oosterwold", "Contactpersoon: Femke Draaisma.", "Femke Draaisma"),
    ("Ugo Tavernaro", "Contatto di emergenza: Ugo Brambillasca.", "Ugo Brambillasca"),
]


@pytest.mark.parametrize("customer, note, detected", THIRD_PARTY)
def test_when_a_customers_name_is_one_word_of_a_detected_third_party_name_then_no_word_of_it_stays(customer, note, detected):
    out = _anon([[customer, "Keine Angaben"], ["Ada Quillfeather", note]], {note: [(detected, "PERSON")]})
    new = out.data["notes"][1]
    assert not (_words(detected) & _words(new)), new
    # the shared word gets what the customer's column gave that word: the record's pseudonyms stay consistent
    shared = (_words(customer) & _words(detected)).pop()
    pseudo = out.data["name"][0].split()
    assert pseudo[customer.split().index(shared)] in _words(new), (new, pseudo)


@pytest.mark.parametrize("name, note, detected, own", [
    ("Tom Barrowclough", "New contact; his wife Jane Barrowclough-Fenwick will sign.", "Jane Barrowclough-Fenwick", "Barrowclough"),
    ("Hugo Brandtner", "Herr H. Brandtner rief an.", "Herr H. Brandtner", "Brandtner"),
    ("Anneke Kloosterboer", "Haar zus Marloes Kloosterboer belde.", "Marloes Kloosterboer", "Kloosterboer"),
])
def test_when_the_rows_own_surname_is_inside_a_longer_detected_name_then_the_rest_is_replaced_and_the_surname_keeps_its_pseudonym(name, note, detected, own):
    out = _anon([[name, note]], {note: [(detected, "PERSON")]})
    new = out.data["notes"][0]
    # every word of the detected name is replaced but the title; the initial too
    assert _words(detected) & _words(new) <= {"Herr"}, new
    assert out.data["name"][0].split()[-1] in new, (new, out.data["name"][0])
    assert own not in new


def test_when_an_address_holds_a_customers_surname_then_the_whole_address_gets_an_address_surrogate():
    note = "Moved to 12 Farrowdale Street last week."
    out = _anon([["Ella Farrowdale", note]], {note: [("12 Farrowdale Street", "STREET_ADDRESS")]})
    new = out.data["notes"][0]
    assert "Farrowdale" not in new and "12 " not in new and "Street last" not in new, new
    assert new.startswith("Moved to ") and new.endswith(" last week."), new


def test_when_a_match_covers_the_detected_span_then_the_columns_replacement_is_used():
    note = "Spoke to Ella Farrowdale today."
    out = _anon([["Ella Farrowdale", note]], {note: [("Farrowdale", "LOCATION")]})
    assert out.data["notes"][0] == f"Spoke to {out.data['name'][0]} today."


def test_the_mapping_of_the_text_column_holds_what_the_release_holds():
    rows = [["John Fielding", "No issues."], ["Ada Quillfeather", "Emergency contact: John Carrow."],
            ["Bea Marchetti", "Call back Lionel Sprake."]]
    found = {"Emergency contact: John Carrow.": [("John Carrow", "PERSON")], "Call back Lionel Sprake.": [("Lionel Sprake", "PERSON")]}
    out = _anon(rows, found)
    m = out.mapping[out.mapping["column"] == "notes"]
    originals = set(m["original"])
    assert {"John Carrow", "Lionel Sprake"} <= originals, m
    for orig, rep in zip(m["original"], m["replacement"]):
        i = next(k for k, r in enumerate(rows) if orig in r[1])
        assert out.data["notes"][i] == rows[i][1].replace(orig, rep), (orig, rep, out.data["notes"][i])


def test_merged_edits_are_one_region_per_group_of_overlapping_matches_and_spans():
    f = SurrogateFactory(KEY, "en_GB")
    text = "Letter to Rita Dawson and Paul Venn."
    ms = [Match(10, 14, "PERSON", "name", "Linda"), Match(31, 35, "PERSON", "name", "Hart")]
    sp = [Span(start=10, end=21, entity_type="PERSON", score=0.85), Span(start=26, end=35, entity_type="PERSON", score=0.85)]
    regions = merged_edits(text, ms, sp, f)
    assert [(a, b) for a, b, _, _ in regions] == [(10, 21), (26, 35)]
    rec: list = []
    out = rewrite_merged(text, ms, sp, f, rec)
    assert out.startswith("Letter to Linda ") and out.endswith(" Hart.") and "Dawson" not in out and "Paul" not in out, out
    assert [r[1] for r in rec] == ["Rita Dawson", "Paul Venn"]
