"""The pre-tests that spare the rule stage's regex scans (addresses, labelled numbers, phone context)
must never hide a match: each test compares the gated function with the same rules run ungated, on
texts built to sit on the gates' edges (case, the letters `re` pairs with another lower case, accents,
a street word without what its rule needs around it). Values are fictitious."""

from __future__ import annotations

import random
import re

import pytest

from privsynth.detect import addresses, codes, labelled

TEXTS = [
    "Send it to Hauptstr. 5a, 10115 Berlin or to Kerkstraat 12-3, 9508XP, Soest.",
    "Lange Gasse 12 and Am Alten Weg 3 are closed; the weg 4 is not a street.",
    "HAUPTSTRASSE 7 and hauptstraße 7 and Theo-Spieß-Weg 92 and Lexring 2.",
    "Writes from 12 rue de Poulain, 75011 Paris; via email 3 times; Via Roma 12.",
    "Calle Jacinta Villalonga 15 Puerta 6, Soria, 45477 and Vicolo Camuccini, 49 Appartamento 0, 22038, Tavernerio (CO).",
    "trivial 5 and Privia 7 and avenue Nguyen, 48236 Moreno-sur-Perrot.",
    "Hauptſtr. 5 and Kerkſtraat 9 (long s), Rıng 4 (dotless i), İstasyon Weg 8.",
    "AVENUE DE LA GARE 14, 1003 Lausanne; PIAZZA Duomo 1; the Park 5 is shut.",
    "Callejón del Gato 3 and Travesía Mayor 2, Cañada Real 7 and Straße 4.",
    "Postcode 8293 and D6W 1F3K, A65 F4E2, home to W233EC1, eircode H17 1VYC.",
    "8449 GZ Zwartewaal, 73662 Pößneck, A-1010 Wien, 2000 Canberra and 1999 Report.",
]


def _ungated_addresses(text: str, lang: str, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setattr(addresses, "_word_checks", lambda: (None, None, None))
        m.setattr(addresses, "_POSTCODE_CITY_GATE", re.compile(""))
        m.setattr(addresses, "_EIRCODE_RX", re.compile(rf"(?<![\w-]){addresses._EIRCODE}(?![\w-])"))
        return addresses.find_addresses(text, lang)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "nl", "it"])
def test_address_gates_hide_no_address(lang, monkeypatch):
    for text in TEXTS + [t.upper() for t in TEXTS] + [t.lower() for t in TEXTS]:
        assert addresses.find_addresses(text, lang) == _ungated_addresses(text, lang, monkeypatch), text


def test_street_word_checks_pass_every_match():
    rng = random.Random(14)
    parts = ["Weg", "weg", "WEG", "str", "Str.", "straat", "Straße", "ſtr", "rue", "Rue", "via", "VIA", "calle", "Rıng",
             "Haupt", "Kerk", "de", "la", "Poulain", "Roma", " ", " ", "\t", "-", ".", ",", "5", "12", "a"]
    checks = addresses._word_checks()
    for _ in range(20000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(2, 9)))
        lowered = addresses._lowered(text, addresses.fold_case(text))
        for rx, check in zip(addresses._rules(), checks):
            if rx.search(text) and lowered is not None:
                assert check(text, lowered), (text, rx.pattern[:40])


def test_eircode_regex_is_the_plain_one():
    plain = re.compile(rf"(?<![\w-]){addresses._EIRCODE}(?![\w-])")
    rng = random.Random(1414)
    alphabet = "AD6W CFHKNPRTVXY0123456789 -x\t_é"
    for _ in range(50000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in addresses._EIRCODE_RX.finditer(text)], text


def test_place_cue_regex_is_the_word_boundary_one():
    words = [x for w in addresses._PLACE_CUE.split("|") for x in (w, f"{w[0].upper()}{w[1:]}", w.upper())]
    plain = re.compile(r"\b(?:" + "|".join(words) + rf")[ \t]+(?:the[ \t]+)?(?={addresses._PLACE_WORD})")
    texts = TEXTS + ["moved to LEEDS, lives in Dover, from Grimsby, nach Passau, à Lyon, Àu Mans, desde Soria",
                     "into Bath, in to Bath, intoBath, xin Bath, 5in Bath, _at Rome, à la Rochelle, TOWARDS Ely"]
    for text in texts:
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in addresses._PLACE_CUE_RX.finditer(text)], text


def test_labelled_number_gates_hide_nothing(monkeypatch):
    texts = ["gave postcode 8293, PLZ 8010, code postal 1000, CAP 00184, cap 00184, código postal 28013",
             "POSTLEITZAHL 12345, Zip 90210, c.p. 28013, Poſtcode 8293", "Pt Davidson (42), Patientin (42 J.), 53 J. alt",
             "The claimant Lydia Gray (22) says; Patient, 42, seen today; PATİENT (33); Kind, 7, spielt", "nothing 12 here"]
    for text in texts:
        with monkeypatch.context() as m:
            m.setattr(labelled, "_gates", lambda: (None, None))
            ungated = sorted(labelled.find_labelled_numbers(text))
        assert sorted(labelled.find_labelled_numbers(text)) == ungated, text


def _phone_context_before(text: str, start: int, window: int = 40) -> bool:
    """codes.phone_context as written before its substring pre-tests."""
    before = text[max(0, start - window):start].lower()
    if any(w in before for w in codes.PHONE_WORDS) and any(w in codes._CODE_WORD_TEL.sub(" ", before) for w in codes.PHONE_WORDS):
        return True
    words = codes._WORD.findall(before)
    for k, w in enumerate(words):
        if any(w.startswith(n) or w.endswith(n) for n in codes.NUMBER_WORDS):
            if w not in codes.NUMBER_WORDS:
                continue
            near = words[max(0, k - 2):k] + words[k + 1:k + 3]
            if not any(x.strip(".:-") in codes.CODE_WORDS for x in near):
                return True
    return False


def test_phone_context_is_unchanged():
    texts = ["my number is 555 0142", "order number 12345", "Vertragsnummer 2231", "Bestellung 0815 tel", "Tel.: 030 1234567",
             "numéro de suivi 4411", "mi número es 612 345 678", "call me on 07700 900123", "Nummer 0171 2345678",
             "the numbers 1 2 3", "NUMBER: 555-0199", "Rückruf unter 08657 975432"]
    for text in texts:
        for start in range(len(text) + 1):
            for window in (15, 20, 25, 40):
                assert codes.phone_context(text, start, window) == _phone_context_before(text, start, window), (text, start)
