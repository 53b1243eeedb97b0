"""Issue 14, trial14 findings C3, M4, M5, M7, m3, m4 (session 9): each fixed case with the span it
must give, in several languages. All values are fictitious.

`FOUND`: (text, piece, entity type) that must be found as exactly that span.
`NOT_FOUND`: (text, piece) that no span may overlap (reference codes are not personal data).
"""

import pytest

from privsynth.detect import analyze_texts
from privsynth.detect.dates import find_written_dates, month_names
from privsynth.detect.phones import find_phones


def _spans(text):
    return {(text[s.start:s.end], s.entity_type) for s in analyze_texts([text])[0]}


def _covering(text, piece):
    a = text.index(piece)
    b = a + len(piece)
    return {s.entity_type for s in analyze_texts([text])[0] if s.start < b and a < s.end}


FOUND = [
    # C3: Spanish phones written with dots (before: nothing, DATE_TIME `10.20.42`, IP_ADDRESS)
    ("Estimado colega: le remito a la paciente para un estudio cardiológico completo. Tel. 927.10.20.42",
     "927.10.20.42", "PHONE_NUMBER"),
    ("Por favor, a partir de ahora usar el número 878.30.43.12 para llamar a la familia.", "878.30.43.12", "PHONE_NUMBER"),
    ("Puede llamar a la oficina al 912.345.678 durante la mañana, gracias por su paciencia.", "912.345.678", "PHONE_NUMBER"),
    ("Mi número nuevo es 91.234.56.78 y el de mi hermana es el 612.34.56.78, gracias.", "91.234.56.78", "PHONE_NUMBER"),
    ("Mi número nuevo es 91.234.56.78 y el de mi hermana es el 612.34.56.78, gracias.", "612.34.56.78", "PHONE_NUMBER"),
    # M4: dates with the month written out (CLDR month names), after a birth word: DATE_OF_BIRTH
    ("Sehr geehrte Kollegin, ich überweise Herrn Albert Bien (geb. 4. Juni 1955) zur kardiologischen Abklärung.",
     "4. Juni 1955", "DATE_OF_BIRTH"),
    ("Schadensmeldung: Versicherungsnehmer Tania Sölzer, geb. 5. Dezember 1986, Wasserschaden in der Küche.",
     "5. Dezember 1986", "DATE_OF_BIRTH"),
    ("Sinistre : assuré Lucas Martin, né le 14 février 1952, dégât des eaux dans la cuisine.", "14 février 1952", "DATE_OF_BIRTH"),
    ("Cher confrère, j'adresse Madame Joséphine Godard (née le 23 avril 1952) pour bilan cardiologique.",
     "23 avril 1952", "DATE_OF_BIRTH"),
    ("Siniestro: asegurado René Blanch, nacido el 16 de abril de 1955, daños por agua en la cocina.",
     "16 de abril de 1955", "DATE_OF_BIRTH"),
    ("Sinistro: assicurato Baldassare Gagliano, nato il 14 aprile 1974, danni da acqua in cucina.", "14 aprile 1974", "DATE_OF_BIRTH"),
    ("Schadeclaim: verzekerde Bibi van der Meer, geboren 21 augustus 1947, waterschade in de keuken.",
     "21 augustus 1947", "DATE_OF_BIRTH"),
    ("Alumno Olivia Abella, recogido el 24 de junio de 2025 por su abuela Ascensión.", "24 de junio de 2025", "DATE_TIME"),
    ("Leerling Lois van Geest is op 31 oktober 2026 opgehaald door Mohammed Lips.", "31 oktober 2026", "DATE_TIME"),
    # m3: an English date of birth with the month written out is a date, not a street address
    ("Patient note: DOB 9 March 1936, lives alone, walks with a stick.", "9 March 1936", "DATE_OF_BIRTH"),
    ("Loss adjuster visited georgia morris at home on 27 January 2026; form completed.", "27 January 2026", "DATE_TIME"),
    ("Pupil Teresa Smith was collected early by her father Dylan Edwards on 2 July 2025.", "2 July 2025", "DATE_TIME"),
    # M7: 4-digit postcodes after a postcode word; ages in brackets / between commas
    ("The caller gave postcode 8293 and hung up before we could confirm.", "8293", "POSTCODE"),
    ("Please update the address, postcode: 2000, before Friday.", "2000", "POSTCODE"),
    ("Caller from Switzerland gave postcode 2036 and hung up.", "2036", "POSTCODE"),
    ("Caller from Brazil gave postcode 64000-150 and hung up.", "64000-150", "POSTCODE"),
    ("Caller from Sweden gave postcode 510 53 and hung up.", "510 53", "POSTCODE"),
    ("Die Sendung ging an PLZ 8010, Graz.", "8010", "POSTCODE"),
    ("Pt Mlađenka Sitar, 70, lives alone, daughter visits daily.", "70", "AGE"),
    ("The claimant Lydia Gray (22) says the car was parked outside.", "22", "AGE"),
    ("Pt Davidson (42) seen today, discharged home.", "42", "AGE"),
    ("Pt Houston (94) seen today, discharged home.", "94", "AGE"),
    ("Pt rose-murray (80) seen today, discharged home.", "80", "AGE"),
    ("Paziente Lippomano (71) dimesso oggi a domicilio.", "71", "AGE"),
    ("Patient, 42, seen today, discharged home with antibiotics.", "42", "AGE"),
    ("Die Patientin (42 J.) wurde heute nach Hause entlassen.", "42", "AGE"),
    ("Pat. Eckbauer-Holt, 53 J., entlassen nach Hause; Hausarzt informiert.", "53", "AGE"),
]


@pytest.mark.parametrize("text,piece,etype", FOUND)
def test_found_with_the_right_span(text, piece, etype):
    assert (piece, etype) in _spans(text)


NOT_FOUND = [
    # M5: claim and order numbers are no phones, whatever a region's numbering plan says
    ("Schadeclaim 58-3677535-05: verzekerde Maarten van Arkel, waterschade in de keuken.", "58-3677535-05"),
    ("Schadensmeldung 61-7751876-04: Versicherungsnehmer Milos Nerger, Wasserschaden in der Küche.", "61-7751876-04"),
    ("Siniestro 59-1186917-07: asegurado Fabio Pellicer, daños por agua en la cocina.", "59-1186917-07"),
    ("Sinistro 79-2997998-32: assicurato Michelotto Bonaventura, danni da acqua in cucina.", "79-2997998-32"),
    # a phone word inside a code word is no phone word (the `tel` of Bestellung / bestelling)
    ("Notfallkontakt Robin Freudenberger, Handy +49 3608 912120, Bestellung 3767-7822-75.", "3767-7822-75"),
    ("Contactpersoon Dina Brisee, mobiel 0580 068316, bestelling 3854-8456-79.", "3854-8456-79"),
    ("Pakbon voor Stijn de Hul. Track & trace 9151 7336 1907.", "9151 7336 1907"),
    ("Pakbon voor Stijn de Hul. Track & trace 1Z925RR9078877609.", "9078877609"),
    # m4 / M5: an order number's Luhn-passing tail is no card; a letter-prefixed code no date; a school class no date
    ("Contactpersoon Fabian Heinrichs, bestelling #097-5397273-6444791.", "5397273-6444791"),
    ("Contatto di emergenza Rosalia Solari, ordine #118-5018718-4206203.", "5018718-4206203"),
    ("Absence note for Gregory Payne: doctor's certificate attached (INV-8469-18809).", "INV-8469-18809"),
    ("He is in Year 9 at the local school and doing well.", "Year 9"),
]


@pytest.mark.parametrize("text,piece", NOT_FOUND)
def test_codes_are_not_personal_data(text, piece):
    assert _covering(text, piece) == set()


def test_month_names_come_from_cldr_for_each_language():
    assert month_names("de")["dezember"] == (12, "wide")
    assert month_names("fr")["févr"] == (2, "abbreviated")
    assert month_names("es")["abril"][0] == 4
    assert month_names("nl")["mrt"][0] == 3
    assert month_names("it")["settembre"][0] == 9
    assert month_names("xx") == {}


@pytest.mark.parametrize("text,lang,piece", [
    ("am 5. Dez. 1986 geboren", "de", "5. Dez. 1986"),
    ("le 1er févr. 1952", "fr", "1er févr. 1952"),
    ("el 1º de mayo de 2001", "es", "1º de mayo de 2001"),
    ("il 1° aprile 1974", "it", "1° aprile 1974"),
    ("sinds mei 2020", "nl", "mei 2020"),
])
def test_written_dates_per_language(text, lang, piece):
    got = [text[a:b] for a, b, _, _ in find_written_dates(text, lang)]
    assert got == [piece]


def test_a_bracketed_number_after_a_patient_word_and_lower_case_words_is_no_age():
    from privsynth.detect.labelled import find_labelled_numbers
    assert find_labelled_numbers("the patient in bed (3) is asleep") == []
    assert find_labelled_numbers("a cap of 2000 rows") == []


def test_short_month_words_alone_are_not_dates():
    # `mar`, `set` are words too: a day + abbreviation needs a year
    assert find_written_dates("ho visto 12 set di carte", "it") == []
    assert find_written_dates("tengo 3 mar", "es") == []


def test_dotted_ipv4_is_a_phone_only_in_the_main_regions_grouping():
    assert find_phones("Server 192.168.10.120 down", "en") == []
    assert find_phones("Server 192.168.10.120 down", "es") == []
    assert [(s, e) for s, e, _, _ in find_phones("Llame al 912.345.678 hoy", "es")] == [(9, 20)]


@pytest.mark.parametrize("text,lang,number", [
    ("En caso de siniestro llame al 900 123 456 por favor.", "es", "900 123 456"),
    ("Bei Schaden bitte 0800 1234567 anrufen.", "de", "0800 1234567"),
])
def test_a_claim_word_labels_only_the_number_right_after_it(text, lang, number):
    got = [text[s:e] for s, e, _, _ in find_phones(text, lang)]
    assert got == [number]
