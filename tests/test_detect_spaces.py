"""No-break and other Unicode spaces inside identifiers (trial finding C5, session 9).

Word processors and HTML group phone numbers, IBANs and cards with U+00A0; French typography uses
U+202F. Detection reads every Unicode space separator as a plain space, so such an identifier is
found where its space-grouped form is, with spans on the original text. All values are fictitious.
"""

from __future__ import annotations

import sys
import unicodedata

import pandas as pd
import pytest
from click.testing import CliRunner

from privsynth.cli import cli
from privsynth.detect import analyze_texts, scan_table
from privsynth.detect.values import SPACE_SEPARATORS, plain_spaces

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def test_the_table_is_every_unicode_space_separator_but_the_ascii_space():
    zs = {cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Zs"} - {0x20}
    assert set(SPACE_SEPARATORS) == zs
    s = f"06{NBSP}12{NNBSP}34{THIN}56 78"
    assert plain_spaces(s) == "06 12 34 56 78" and len(plain_spaces(s)) == len(s)
    assert plain_spaces("ascii only") == "ascii only"


CASES = [
    # (text, the identifier inside it, entity type)
    (f"Rappelez-moi au 06{NBSP}12{NBSP}34{NBSP}56{NBSP}78 svp.", f"06{NBSP}12{NBSP}34{NBSP}56{NBSP}78", "PHONE_NUMBER"),
    (f"Mon IBAN : FR76{NNBSP}3000{NNBSP}6000{NNBSP}0112{NNBSP}3456{NNBSP}7890{NNBSP}189, merci.",
     f"FR76{NNBSP}3000{NNBSP}6000{NNBSP}0112{NNBSP}3456{NNBSP}7890{NNBSP}189", "IBAN_CODE"),
    (f"Card 4111{NBSP}1111{NBSP}1111{NBSP}1111 was declined.", f"4111{NBSP}1111{NBSP}1111{NBSP}1111", "CREDIT_CARD"),
    (f"Call +44{NNBSP}7700{NNBSP}900123 today.", f"+44{NNBSP}7700{NNBSP}900123", "PHONE_NUMBER"),
    (f"Phone +44{NBSP}20{NBSP}7946{NBSP}0958 please.", f"+44{NBSP}20{NBSP}7946{NBSP}0958", "PHONE_NUMBER"),
    (f"Bitte unter 030{NBSP}1234{NBSP}5678 zurückrufen.", f"030{NBSP}1234{NBSP}5678", "PHONE_NUMBER"),
]


@pytest.mark.parametrize("text, value, entity", CASES)
def test_identifiers_grouped_with_unicode_spaces_are_found_whole_on_the_original_text(text, value, entity):
    spans = analyze_texts([text])[0]
    found = [(text[s.start:s.end], s.entity_type) for s in spans]
    assert (value, entity) in found, found


def test_a_column_grouped_with_no_break_spaces_is_classified_like_its_space_grouped_twin():
    ibans = ["FR76 3000 6000 0112 3456 7890 189", "DE89 3704 0044 0532 0130 00", "NL91 ABNA 0417 1643 00",
             "GB82 WEST 1234 5698 7654 32", "BE68 5390 0754 7034", "IT60 X054 2811 1010 0000 0123 456"] * 20
    spaced = pd.DataFrame({"compte": ibans, "montant": list(range(len(ibans)))})
    nbsp = spaced.assign(compte=spaced["compte"].str.replace(" ", NBSP))
    a = {c.name: (c.category, c.entity_type) for c in scan_table(spaced).columns}
    b = {c.name: (c.category, c.entity_type) for c in scan_table(nbsp).columns}
    assert a["compte"] == ("direct_identifier", "IBAN_CODE")
    assert b == a


def test_anonymize_removes_no_break_space_phones_and_ibans_from_notes(tmp_path):
    phones = [f"06{NBSP}12{NBSP}34{NBSP}{i:02d}{NBSP}{(7 * i) % 100:02d}" for i in range(10, 70)]
    notes = [f"Rappeler le client au {p}, IBAN FR76{NNBSP}3000{NNBSP}6000{NNBSP}0112{NNBSP}3456{NNBSP}7890{NNBSP}189."
             for p in phones]
    data = tmp_path / "clients.csv"
    pd.DataFrame({"id": range(len(notes)), "remarques": notes}).to_csv(data, index=False)
    key = tmp_path / "k.key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    out = tmp_path / "out.csv"
    r = CliRunner().invoke(cli, ["anonymize", str(data), "--out", str(out), "--key-file", str(key), "--quiet"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    released = " ".join(pd.read_csv(out, dtype=str, keep_default_na=False)["remarques"])
    flat = plain_spaces(released).replace(" ", "")
    assert not [p for p in phones if plain_spaces(p).replace(" ", "") in flat]
    assert "FR7630006000011234567890189" not in flat
