"""Record-aware redaction: a row's identifier values (and the table's) never stay in its free text."""

import json
import os
import stat

import pandas as pd
import pytest
from click.testing import CliRunner
from leak_tables import identifier_columns, make_table, policy_columns, text_column
from leakcheck import check

from privsynth.pipeline import text_detector
from privsynth.policy.models import Policy
from privsynth.transform import anonymize_table, generate_key
from privsynth.transform.record import IdentifierColumn, RecordRedactor, variants

KEY = bytes(range(32))


def no_spans(texts):
    """A detector that finds nothing: isolates the record-aware layer."""
    return [[] for _ in texts]


def _anon(df, columns, detector=no_spans, **transform):
    pol = Policy.model_validate({"columns": columns, "transform": transform})
    return anonymize_table(df, None, pol, key=KEY, detector=detector)


def _table(rows):
    return pd.DataFrame(rows, columns=["name", "phone", "card", "email", "notes"])


COLS = {"name": {"category": "direct_identifier", "entity_type": "PERSON"},
        "phone": {"category": "direct_identifier", "entity_type": "PHONE_NUMBER"},
        "card": {"category": "direct_identifier", "entity_type": "CREDIT_CARD"},
        "email": {"category": "direct_identifier", "entity_type": "EMAIL_ADDRESS"},
        "notes": {"category": "free_text"}}


@pytest.mark.parametrize("note, gone", [
    ("Zahlung per Karte 503888139931 abgelehnt", "503888139931"),
    ("Karte 5038-8813-9931 gesperrt", "5038-8813-9931"),
    ("Rückruf bei Frau Kovacs unter 444 7846 vereinbart", "444 7846"),
    ("Rückruf bei Frau Kovacs unter 444 7846 vereinbart", "Kovacs"),
    ("Rückruf unter 030/444 78 46", "030/444 78 46"),
    ("Rückruf unter 0049304447846", "0049304447846"),
    ("Ansprechpartner Erzsebet", "Erzsebet"),
    ("Ansprechpartner Erzsébet", "Erzsébet"),
    ("Login erzsebet.kovacs7 gesperrt", "erzsebet.kovacs7"),
    ("Mail an erzsebet.kovacs7@web.example kam zurück", "erzsebet.kovacs7@web.example"),
])
def test_when_a_note_repeats_its_rows_identifier_in_another_format_then_it_is_replaced(note, gone):
    df = _table([["Erzsébet Kovacs", "+49 30 4447846", "5038 8813 9931", "erzsebet.kovacs7@web.example", note]])
    out = _anon(df, COLS, locale="de_DE")
    assert gone not in out.data["notes"][0]
    assert out.report.stats["columns"]["notes"]["record_redaction"]["values_replaced"] >= 1


def test_the_replacement_in_the_text_is_what_the_column_got():
    df = _table([["Erzsébet Kovacs", "+49 30 4447846", "5038 8813 9931 0004", "ek@web.example",
                  "Erzsébet Kovacs, Tel. +49 30 4447846, Karte 5038 8813 9931 0004"]])
    out = _anon(df, COLS, locale="de_DE")
    row = out.data.iloc[0]
    assert row["notes"] == f"{row['name']}, Tel. {row['phone']}, Karte {row['card']}"


def test_a_given_name_alone_gets_the_same_fake_given_name_as_in_the_full_name():
    df = _table([["Erzsébet Kovacs", None, None, None, "Ansprechpartner Erzsébet; Frau Kovacs informiert"]])
    out = _anon(df, COLS)
    fake_first, fake_last = out.data["name"][0].split(" ")
    assert out.data["notes"][0] == f"Ansprechpartner {fake_first}; Frau {fake_last} informiert"


def test_another_rows_full_name_in_a_note_is_replaced_too():
    df = _table([["Anna Schuster", None, None, None, "Empfohlen von Bruno Keller"],
                 ["Bruno Keller", None, None, None, "Keine Auffälligkeiten"]])
    out = _anon(df, COLS)
    assert "Bruno" not in out.data["notes"][0] and "Keller" not in out.data["notes"][0]
    assert out.data["notes"][0] == f"Empfohlen von {out.data['name'][1]}"


@pytest.mark.parametrize("name, note, kept", [
    ("Lisa Will", "We will call Will tomorrow", "We will call "),          # lower-case "will" is a word
    ("Tom Mai", "Rückruf im Mai", None),                                  # own row: "Mai" is this person
    ("Rosa Rose", "a rose for Rose", "a rose for "),
    ("Anna Maier", "Frau Maierhofer, nicht Maier", "Frau Maierhofer, nicht "),  # never inside a longer word
])
def test_common_word_surnames_are_matched_at_word_boundaries_only(name, note, kept):
    df = _table([[name, None, None, None, note]])
    out = _anon(df, COLS).data["notes"][0]
    last = name.split()[-1]
    assert last not in out.split(" ")[-1]
    if kept:
        assert out.startswith(kept)


def test_a_common_word_surname_is_left_alone_in_other_rows_texts():
    df = _table([["Tom Mai", None, None, None, "Keine Angaben"],
                 ["Eva Roth", None, None, None, "Termin im Mai verschoben"]])
    out = _anon(df, COLS)
    assert out.data["notes"][1] == "Termin im Mai verschoben"


@pytest.mark.parametrize("value", ["", "  ", "A", "Li", "12", None])
def test_empty_and_one_or_two_character_values_are_never_looked_for(value):
    assert variants("PERSON", value or "") == [] or all(len(v[0]) >= 3 for v in variants("PERSON", value or ""))
    df = _table([[value, None, None, None, "Li and A went to 12 Main St"]])
    out = _anon(df, COLS)
    assert out.data["notes"][0] == "Li and A went to 12 Main St"


def test_short_digit_values_are_not_matched_inside_other_numbers():
    red = RecordRedactor([IdentifierColumn("pin", "PHONE_NUMBER", ["4447"], ["9999"])], "DE")
    assert red.find(0, "Rechnung 44471234 vom 4447") == []


def test_a_phone_is_matched_on_digit_groups_not_inside_a_longer_number():
    red = RecordRedactor([IdentifierColumn("phone", "PHONE_NUMBER", ["+49 30 4447846"], ["+49 31 5550000"])], "DE")
    assert red.find(0, "Vertrag 904447846") == []
    assert [m.replacement for m in red.find(0, "Tel 444 7846")] == ["+49 31 5550000"]


def test_the_report_counts_what_the_detector_missed():
    def finds_cards_only(texts):
        from privsynth.results import Span

        out = []
        for t in texts:
            i = t.find("5038")
            out.append([Span(start=i, end=i + 14, entity_type="CREDIT_CARD", score=0.9)] if i >= 0 else [])
        return out

    df = _table([["Erzsébet Kovacs", "+49 30 4447846", "5038 8813 9931", None, "Karte 5038 8813 9931; Erzsébet unter 444 7846"]])
    st = _anon(df, COLS, detector=finds_cards_only, locale="de_DE").report.stats["columns"]["notes"]["record_redaction"]
    assert st["values_replaced"] == 3 and st["missed_by_detector"] == 2
    assert st["missed_by_detector_by_column"] == {"name": 1, "phone": 1}


def test_record_redaction_can_be_switched_off_in_the_policy():
    df = _table([["Erzsébet Kovacs", None, None, None, "Ansprechpartner Erzsébet"]])
    out = _anon(df, COLS, record_redaction=False)
    assert out.data["notes"][0] == "Ansprechpartner Erzsébet"


def test_a_tokenized_identifier_is_replaced_by_its_token_in_the_text():
    cols = dict(COLS, email={"category": "direct_identifier", "entity_type": "EMAIL_ADDRESS", "operator": "tokenize"})
    df = _table([["Anna Schuster", None, None, "anna.s@web.example", "Mail an anna.s@web.example"]])
    out = _anon(df, cols)
    assert out.data["notes"][0] == f"Mail an {out.data['email'][0]}" and out.data["email"][0].startswith("email_")


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_with_the_real_detector_no_real_value_of_the_notes_rows_stays_in_the_notes(lang):
    df = make_table(lang, 60, seed=5, templates="heldout")
    pol = Policy.model_validate({"columns": policy_columns(lang), "transform": {"locale": {"de": "de_DE", "en": "en_GB", "fr": "fr_FR"}[lang]}})
    out = anonymize_table(df, None, pol, key=KEY, detector=text_detector(pol))
    rep = check(df, out.data, identifier_columns(lang), {"de": "DE", "en": "GB", "fr": "FR"}[lang])
    assert rep.total == 0, rep.leaks[:5]


def test_the_mapping_file_is_mode_600_with_a_personal_data_sidecar(tmp_path):
    from privsynth.cli import cli

    df = make_table("en", 30, seed=2)
    data = tmp_path / "c.csv"
    df.to_csv(data, index=False)
    pol = tmp_path / "p.yaml"
    pol.write_text(json.dumps({"columns": policy_columns("en"), "transform": {"locale": "en_GB"}}))
    key = tmp_path / "k.key"
    key.write_text(KEY.hex())
    out, mapping = tmp_path / "anon.csv", tmp_path / "map.csv"
    res = CliRunner().invoke(cli, ["anonymize", str(data), "--out", str(out), "--policy", str(pol), "--key-file", str(key),
                                   "--mapping-out", str(mapping), "-q"], catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    assert stat.S_IMODE(os.stat(mapping).st_mode) == 0o600
    side = tmp_path / "map.csv.personal-data.json"
    assert stat.S_IMODE(os.stat(side).st_mode) == 0o600
    meta = json.loads(side.read_text())
    assert meta["personal_data"] is True and "re-identifies" in meta["warning"]
    assert meta["rows"] == len(pd.read_csv(mapping)) and "full_name" in meta["columns"]
    assert not any(v in side.read_text() for v in df["full_name"])


# An e-mail's local part (`iban76@...`) yields name parts; a common word there is no name, and
# replacing it in every row's text turned "cambiare IBAN in IT..." into "cambiare Molly in IT..."
# (new-user finding, Italian notes). The same holds for the other languages' words.
@pytest.mark.parametrize("email, text, word", [
    ("iban76@example.net", "Ha chiamato dal numero 3755597267, chiede di cambiare IBAN in IT18R0067459066444849352430.", "IBAN"),
    ("iban.lopez@example.es", "El cliente pide cambiar el IBAN a ES9121000418450200051332.", "IBAN"),
    ("bic7@example.de", "Der Kunde möchte die BIC ändern.", "BIC"),
    ("client.dupont@example.fr", "Le client demande un rappel.", "client"),
    ("iban12@example.nl", "De klant vraagt om het IBAN te wijzigen.", "IBAN"),
    ("customer99@example.com", "The customer asks to change the IBAN.", "customer"),
    ("ticket5@example.it", "Il cliente chiede lo stato del ticket.", "ticket"),
])
def test_a_common_word_in_an_e_mail_local_part_is_not_replaced_in_any_row(email, text, word):
    red = RecordRedactor([IdentifierColumn("email", "EMAIL_ADDRESS", [email, "x@example.org"], ["a@b.org", "c@d.org"])], "IT")
    for row in (0, 1, None):
        assert not any(text[m.start:m.end].lower() == word.lower() for m in red.find(row, text)), (row, red.find(row, text))


def test_a_name_in_an_e_mail_local_part_is_still_replaced_in_its_own_row():
    red = RecordRedactor([IdentifierColumn("email", "EMAIL_ADDRESS", ["ammaniti.cristina@example.it"], ["a@b.org"])], "IT")
    text = "Richiamare la signora Ammaniti domani."
    assert [text[m.start:m.end] for m in red.find(0, text)] == ["Ammaniti"]


# New-user finding (session 8): the row's surname inside ANOTHER e-mail address in its note
# ("h.mueller@<real provider>") was replaced by the fake surname and the rest kept, leaving a fake
# local part on a real domain. The detected e-mail span now wins over a record match inside it.
@pytest.mark.parametrize("note", [
    "Bitte an h.mueller@privatmail-abc.de schreiben",
    "Profil unter https://social-xyz.de/in/hans-mueller ansehen",
])
def test_a_row_value_inside_another_e_mail_or_url_gives_way_to_the_whole_span(note):
    from privsynth.policy.models import Policy as P

    df = _table([["Hans Mueller", None, None, "hans.mueller@firma-xyz.de", note]])
    pol = P.model_validate({"columns": COLS, "transform": {"locale": "de_DE"}})
    out = anonymize_table(df, None, pol, key=KEY, detector=text_detector(pol))
    new = out.data["notes"][0]
    assert "privatmail-abc.de" not in new and "social-xyz.de" not in new, new
    assert "mueller" not in new.lower(), new



NAME_COLS = {"vorname": {"category": "direct_identifier", "entity_type": "FIRST_NAME"},
             "nachname": {"category": "direct_identifier", "entity_type": "LAST_NAME"},
             "notiz": {"category": "free_text"}}


@pytest.mark.parametrize("last", ["Otto", "Will", "Mai", "Rose"])
def test_another_rows_given_and_common_word_family_name_from_two_columns_are_replaced_together(last):
    # trial F-X1: "Ehepartner von <given> Otto (Kunde ...)" kept the real "Otto": the word is a common word (Italian
    # "otto", eight) and a token of another row's double given name, so alone it is replaced only in those rows' texts
    df = pd.DataFrame([[f"Hans {last}", "Schuster", "Keine Angaben"],
                       ["Grete", last, "Keine Auffälligkeiten"],
                       ["Anna", "Keller", f"Ehepartner von Grete {last} (Kunde K2)"],
                       ["Eva", "Roth", f"Termin im {last} verschoben"]], columns=["vorname", "nachname", "notiz"])
    out = _anon(df, NAME_COLS).data
    assert "Grete" not in out["notiz"][2] and last not in out["notiz"][2].split(), out["notiz"][2]
    assert out["notiz"][2] == f"Ehepartner von {out['vorname'][1]} {out['nachname'][1]} (Kunde K2)"
    assert out["notiz"][3] == f"Termin im {last} verschoben"  # the word alone in another row stays a word
