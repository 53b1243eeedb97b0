"""The row's own given name or surname written alone in lower case (new-user trial 14, finding C6).

"spoke to linda today ... sabatini family moving" kept both names: record-aware matching of a
name alone required a capital letter. A lower-case word is now replaced when it is one of its own
row's name tokens, has 4 letters or more and is no common word of en/de/fr/es/nl/it
(`lower_case_blocklist`: spaCy's stop words, months and weekdays, Faker's lorem frequency lists).
All values are fictitious.
"""

import pandas as pd
import pytest

from privsynth.policy.models import Policy
from privsynth.transform import anonymize_table
from privsynth.transform.record import IdentifierColumn, RecordRedactor, lower_case_blocklist

KEY = bytes(range(32))
COLS = {"name": {"category": "direct_identifier", "entity_type": "PERSON"}, "notes": {"category": "free_text"}}


def no_spans(texts):
    return [[] for _ in texts]


def _anon(rows):
    df = pd.DataFrame(rows, columns=["name", "notes"])
    pol = Policy.model_validate({"columns": COLS})
    return anonymize_table(df, None, pol, key=KEY, detector=no_spans).data


@pytest.mark.parametrize("name, note, gone", [
    ("Rita Sabbadini", "spoke to rita today, she confirmed. sabbadini family moving.", ["rita", "sabbadini"]),
    ("Gerlinde Wimmelhuber", "gerlinde hat angerufen, wimmelhuber zieht um.", ["gerlinde", "wimmelhuber"]),
    ("Maxence Parmentel", "appel de maxence ce matin ; dossier parmentel complet.", ["maxence", "parmentel"]),
    ("Rocío Anzuátegui", "llamó rocío, la familia anzuategui se muda.", ["rocío", "anzuategui"]),
    ("Anneke Draaisma", "anneke vraagt om terugbellen, familie draaisma verhuist.", ["anneke", "draaisma"]),
    ("Ugo Brambillasca", "ha chiamato brambillasca per il rimborso.", ["brambillasca"]),
])
def test_the_rows_own_name_alone_in_lower_case_is_replaced(name, note, gone):
    out = _anon([[name, note]])
    new = out["notes"][0]
    for w in gone:
        assert w not in new.split() and w not in new.replace(",", " ").replace(".", " ").split(), new
    fake = out["name"][0].lower().split()
    assert any(f in new for f in fake), (new, fake)  # the same fake name, in lower case like the text


@pytest.mark.parametrize("name, note", [
    ("Will Rose", "we will send a rose."),
    ("Hans Klein", "ein klein wenig besser."),
    ("Rosa Blanco", "pared de color blanco."),
    ("Tom Grady", "tom called"),  # shorter than 4 letters: not looked for in lower case
])
def test_a_lower_case_common_or_short_word_stays_even_in_its_own_row(name, note):
    assert _anon([[name, note]])["notes"][0] == note


def test_a_lower_case_name_is_replaced_only_in_its_own_rows_text():
    out = _anon([["Rita Sabbadini", "No issues."], ["Ada Quillfeather", "the sabbadini file is closed"]])
    assert out["notes"][1] == "the sabbadini file is closed"


def test_capitalised_matching_is_unchanged_for_other_rows():
    out = _anon([["Rita Sabbadini", "No issues."], ["Ada Quillfeather", "Call Sabbadini back."]])
    assert "Sabbadini" not in out["notes"][1]


def test_the_blocklist_holds_common_words_of_the_six_languages():
    bl = lower_case_blocklist()
    for w in ("will", "rose", "green", "baker", "klein", "blanco", "bianco", "groot", "petit", "may", "mai"):
        assert w in bl, w
    for w in ("sabbadini", "gerlinde", "draaisma", "maxence"):
        assert w not in bl, w


def test_find_without_a_row_never_matches_lower_case_names():
    red = RecordRedactor([IdentifierColumn("name", "PERSON", ["Rita Sabbadini"], ["Karla Pruitt"])], "GB")
    assert red.find(None, "sabbadini family") == []
    # no name-token pseudonyms given: the column's replacement of the whole value, in lower case like the text
    assert [m.replacement for m in red.find(0, "sabbadini family")] == ["karla pruitt"]
