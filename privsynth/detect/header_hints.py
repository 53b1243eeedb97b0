"""Column-header hints: multilingual header phrases -> entity type.

The phrases are the `header_hints` of each declaration in `privsynth.entities`; this module only
normalises and matches them.

Names are normalised (camelCase split, accents stripped, separators to spaces, lower case) and
matched as whole phrases; the longest matching phrase wins, so "mothers maiden name" beats "name".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from privsynth import entities


def normalise(name: str) -> str:
    """A header (or value) in the form phrases are matched in: camelCase split, accents stripped,
    ß -> ss, lower case, runs of non-alphanumerics -> one space."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))  # camelCase -> camel Case
    s = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", s)  # CCNumber -> CC Number
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("ß", "ss").lower()
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    return s


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for et in entities.all_types():
        for p in et.header_phrases():
            idx.setdefault(normalise(p), et.name)
    return idx


def name_hint(column: str) -> Optional[tuple[str, str, bool]]:
    """(entity type, matched phrase, exact) for a column header, or None when no phrase matches.

    Exact: the whole normalised name (or its space-less form) is a synonym. Otherwise the longest
    synonym that occurs as whole words inside the name ("customer_email" -> email)."""
    idx = _phrase_index()
    n = normalise(column)
    if not n:
        return None
    for cand in (n, n.replace(" ", "")):
        if cand in idx:
            return idx[cand], cand, True
    words = n.split()
    best: Optional[tuple[str, str]] = None
    for i in range(len(words)):
        for j in range(len(words), i, -1):
            phrase = " ".join(words[i:j])
            # English compounds put the head noun last ("degree_perc" is a percentage):
            # prefer the match ending furthest right, then the longest
            if phrase in idx and (best is None or (j, len(phrase)) > best[2]):
                best = (idx[phrase], phrase, (j, len(phrase)))
    if best is None:
        best = _compound_head(words, idx)
    if best is None:
        return None
    return best[0], best[1], False


# German and Dutch write compounds as one word with the head last ("Anmeldedatum", "Jahreseinkommen",
# "klantadres"): these heads are matched at the end of a longer word. Only heads that cannot end an
# unrelated word are listed ("alter" ends "Verwalter", "name" ends "Firmenname").
COMPOUND_HEADS = (
    "datum", "einkommen", "gehalt", "adresse", "anschrift", "strasse", "telefon", "telefonnummer", "geschlecht", "beruf",
    "diagnose", "umsatz", "postleitzahl", "wohnort", "inkomen", "salaris", "adres", "straat", "telefoon",
    "telefoonnummer", "geslacht", "beroep", "omzet", "leeftijd", "postcode", "woonplaats", "geboortedatum",
    "geburtsdatum", "kundennummer", "klantnummer", "vorname", "nachname", "voornaam", "achternaam",
)


def _compound_head(words: list[str], idx: dict[str, str]) -> Optional[tuple[str, str, tuple[int, int]]]:
    best: Optional[tuple[str, str, tuple[int, int]]] = None
    for j, w in enumerate(words, start=1):
        for head in COMPOUND_HEADS:
            if len(w) >= len(head) + 3 and w.endswith(head) and head in idx and (best is None or (j, len(head)) > best[2]):
                best = (idx[head], head, (j, len(head)))
    return best
