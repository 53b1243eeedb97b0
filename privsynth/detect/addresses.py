"""Street addresses, postcodes and cities in European free text (rules + `lexicon.STREET_WORDS`).

* prefix languages (fr, es, it, and `rue`/`via`/`calle` anywhere): `[12, ]rue de Poulain`,
  `Pasadizo de Paula Falcó 84 Puerta 6`, `Incrocio Dossi, 298`, `Via Roma 12`;
* suffix languages (de, nl): a word ending in a street word and a house number:
  `Theo-Spieß-Weg 92`, `Hauptstr. 5a`, `Lexring 2`, `Kerkstraat 12-3`;
* a postcode followed by a capitalised place name: `73662 Pößneck`, `8449 GZ Zwartewaal`,
  `75011 Paris` -> POSTCODE + LOCATION, unless the number is labelled as a code;
* the rest of the address in the order the language writes it, joined to the street span
  (`_TAIL`): it `Vicolo Camuccini, 49 Appartamento 0, 22038, Tavernerio (CO)` (street, civic
  number, unit, CAP, comune, province code in brackets: Poste Italiane's addressing rules);
  es `Calle Jacinta Villalonga 15 Puerta 6, Soria, 45477` and `..., 45477 Soria` (Correos: street,
  number, floor/door, código postal + town; Faker writes town, postcode); de/fr `…, 54605 Forst`;
  nl `Marinussingel 678, 9508XP, Soest` and `9508 XP` (PostNL: four digits, two letters, with or
  without the space);
* UK blocks ending in a postcode (Royal Mail's format): `Flat 29b, Janet Circle, North Dawn,
  BA3V 3FG`, `Studio 3, Atkinson Lights, New Jenna, B2A 1PX`, `239 Jennings Mountains, West
  Janicechester, E2F 0HG`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from privsynth import entities as E
from privsynth.detect import lexicon
from privsynth.detect.codes import code_context
from privsynth.detect.engine import fold_case

_CAP = r"[A-ZÀ-ÖØ-Ý][\w'’.-]*"
_LINK = r"(?:de|del|de la|de las|de los|della|dello|delle|dei|degli|di|da|du|des|le|la|les|l'|d'|van|von|der|den|het|'t|y|e)"
# a unit after the house number: es Puerta/Piso/Escalera/Bajo/Apt., it Appartamento/Piano/Interno/Scala,
# fr Appartement/Bâtiment, de Whg./Etage/Stg., nl/be Bus
_UNIT_WORDS = (r"Puerta|Piso|Esc\.?|Escalera|Bajo|Apt\.?|App\.?|Appartamento|Appartement|Piano|Bus|Interno|Int\.?|Scala|"
               r"Stg\.?|Etage|Top|bis|ter|Whg\.?|Bâtiment|Bât\.?")
_UNIT = rf"(?:[ \t]*,?[ \t]*(?:{_UNIT_WORDS})(?!\w)[ \t]*\w{{1,4}})*"
# the town after a postcode: up to four capitalised words, with the links place names take
# ("Capelle aan den IJssel", "Pfaffenhofen an der Ilm", "Baia E Latina", "'s-Heer Hendrikskinderen")
_TOWN = (r"(?:'s-|'t[ ])?[A-ZÀ-ÖØ-Ý][\w'’-]*(?:[ \t-](?:(?:sur|sous|en|le|la|les|de|del|di|am|an|im|bei|aan|op|den|der|"
         r"E|e|y|sul|sulla|dei|delle|della)[ \t-])*[A-ZÀ-ÖØ-Ý][\w'’-]*){0,3}")
_POSTCODE = r"(?:\d{5}|[1-9]\d{3}[ ]?[A-Z]{2}(?![\w]))"
# continuation of a street span: ", CAP[,] Comune (PR)" / ", 9508XP, Soest" / ", Soria, 45477"
_TAIL = re.compile(rf"[ \t]*,?[ \t]*(?:{_POSTCODE}(?:[ \t]*,)?[ \t]+{_TOWN}(?:[ \t]*\([A-Z]{{2}}\))?"
                   rf"|{_POSTCODE}(?=[ \t]*[,;.)]|[ \t]*$)"
                   rf"|(?<=,)[ \t]*{_TOWN},[ \t]*\d{{5}}\b)")
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}\b"
_UK_POSTCODE_RX = re.compile(_UK_POSTCODE)
# a UK block: [Flat/Studio/Apartment/Unit n,] [number] Words, [Words,]{0,3} POSTCODE
_UK_BLOCK = re.compile(rf"\b(?:(?:Flat|Studio|Apartment|Apt\.?|Unit|Suite|Room)[ \t]+\d{{1,5}}[A-Za-z]?,?[ \t]+)?"
                       rf"(?:\d{{1,5}}[A-Za-z]?,?[ \t]+)?[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){{0,3}}"
                       rf"(?:,[ \t]*[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){{0,3}}){{0,3}},[ \t]*{_UK_POSTCODE}")


@lru_cache(maxsize=1)
def _rules():
    prefixes = sorted({w for lg in ("fr", "es", "it") for w in lexicon.STREET_WORDS[lg]} | {"rue", "via", "calle", "avenida", "avenue", "ctra"},
                      key=len, reverse=True)
    suffixes = sorted({w for lg in ("de", "nl") for w in lexicon.STREET_WORDS[lg]}, key=len, reverse=True)
    pre = "|".join(re.escape(p) for p in prefixes if len(p) > 2)
    suf = "|".join(re.escape(s) for s in suffixes)
    return [
        # [number,] prefix [link] Name Name [, number] [unit]
        re.compile(rf"(?:\b\d{{1,5}}(?:[ \t]?(?:bis|ter|[A-Za-z]))?,?[ \t]+)?\b(?i:{pre})\b\.?[ \t]+(?:(?i:{_LINK})[ \t]+){{0,2}}"
                   rf"{_CAP}(?:[ \t]+(?:(?i:{_LINK})[ \t]+)?{_CAP}){{0,3}}(?:,?[ \t]*\d{{1,5}}[a-zA-Z]?(?:[ \t]*[-/][ \t]*\d{{1,4}})?(?![\d\w]|[ \t]+(?!(?:{_UNIT_WORDS})\b)[A-ZÀ-ÖØ-Ý]))?{_UNIT}"),
        # Name-suffix number: Theo-Spieß-Weg 92, Hauptstr. 5a, Lexring 2
        re.compile(rf"\b(?:[A-ZÀ-ÖØ-Ý][\w'’-]*[ \t](?=[A-ZÀ-ÖØ-Ý][\w'’-]*?(?i:{suf})\.?[ \t]+\d))?[A-ZÀ-ÖØ-Ý][\w'’-]*?(?i:{suf})\.?[ \t]+\d{{1,5}}[a-zA-Z]?(?:[ \t]*[-/][ \t]*\d{{1,4}}[a-zA-Z]?)?{_UNIT}"),
        # separate suffix word: Am Alten Weg 3, Lange Gasse 12
        re.compile(rf"\b{_CAP}(?:[ \t]+{_CAP}){{0,2}}[ \t]+(?:{suf.title() if False else suf})\.?[ \t]+\d{{1,5}}[a-zA-Z]?\b", re.I),
    ]


@lru_cache(maxsize=1)
def rule_keywords() -> tuple:
    """For each of `_rules()`: the case-folded street words one of which every match holds
    (`engine.necessary_strings`: the rule's prefix or suffix words), or None."""
    from privsynth.detect.engine import KEYWORD_MIN_CHARS, necessary_strings

    out = []
    for rx in _rules():
        kws = necessary_strings(rx.pattern, rx.flags)
        out.append(kws if kws and min(map(len, kws)) >= KEYWORD_MIN_CHARS else None)
    return tuple(out)


@lru_cache(maxsize=1)
def _rule_gates() -> tuple:
    from privsynth.detect.engine import keyword_search

    return tuple(None if kws is None else keyword_search(kws) for kws in rule_keywords())


_POSTCODE_CITY = re.compile(
    r"(?<![\w#-])(\d{5}|\d{4}[ ]?[A-Z]{2}|[1-9]\d{3}|(?:[A-Z]{1,2}-)\d{4,5})[ \t]+"
    r"([A-ZÀ-ÖØ-Ý][\w'’-]*(?:[ \t-](?:(?:sur|sous|en|le|la|les|de|del|di|am|an|im|bei|aan|op|den|der)[ \t-])?[A-ZÀ-ÖØ-Ý][\w'’-]*){0,2})")


def find_addresses(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """(start, end, entity, score) for STREET_ADDRESS, POSTCODE and LOCATION spans."""
    out = []
    if not any(map(str.isdigit, text)):
        return out
    stop = lexicon.stop_words()
    folded = fold_case(text)
    for rx, keywords in zip(_rules(), _rule_gates()):
        if keywords is not None and not keywords(folded):
            continue  # every match of the rule holds one of its street words (`rule_keywords`): none is here
        for m in rx.finditer(text):
            seg = m.group(0).rstrip(" ,.")
            end = m.start() + len(seg)
            t = _TAIL.match(text, end)
            tail = t.end() if t and t.end() > end and not code_context(text, end) else None
            if not any(map(str.isdigit, seg)) and len(seg.split()) < 3 and tail is None:
                continue  # "rue Nguyen" alone is too weak; "avenue Nguyen, 48236 Moreno-sur-Perrot" is an address
            if tail is not None and (any(map(str.isdigit, seg)) or rx is _rules()[0]):
                end = tail
            # street rules outrank the NER labels (LOC, PER) models put on parts of an address
            out.append((m.start(), end, E.STREET_ADDRESS.name, 0.9))
    # (every block ends in a postcode: without one, in English too, there is nothing to look for)
    if _UK_POSTCODE_RX.search(text):
        for m in _UK_BLOCK.finditer(text):
            head = m.group(0)
            if not any(map(str.isdigit, head[:-8])):
                continue  # "Mrs Jones, London, SW1A 1AA" holds no house or flat number: leave it to the other rules
            start = m.start() + next(k for k, ch in enumerate(head) if ch.isdigit() or head.startswith(("Flat", "Studio", "Apartment", "Apt", "Unit", "Suite", "Room"), k))
            out.append((start, m.end(), E.STREET_ADDRESS.name, 0.9))
    for m in _POSTCODE_CITY.finditer(text):
        pc, city = m.group(1), m.group(2)
        if code_context(text, m.start(1)) or city.lower() in stop:
            continue
        if pc.isdigit() and len(pc) == 4 and lang not in ("nl", "de", "fr", "es", "it") and not re.search(r"[,\n]\s*$", text[:m.start(1)]):
            continue  # a bare 4-digit number before a capitalised word in English is usually a year
        out.append((m.start(1), m.end(1), E.POSTCODE.name, 0.6))
        out.append((m.start(2), m.end(2), E.LOCATION.name, 0.6))
    return out
