"""National identifiers: one declaration per country's number.

One `register(EntityType(...))` per entity type; see privsynth/entities/model.py for the fields."""

from __future__ import annotations

from privsynth.entities import fakes
from privsynth.entities.fakes import faker_method
from privsynth.entities.model import ANY_LANGUAGE, DIRECT, STRONG, EntityType, PatternSpec, RecognizerSpec, register

US_SSN = register(EntityType(
    name='US_SSN',
    category=DIRECT,
    display_name='US Social Security number',
    description='The US Social Security number.',
    source='US Social Security Administration (20 CFR 422.103); SSA randomization rules of 2011',
    strength=STRONG,
    specificity=8,
    recognizers=(
        RecognizerSpec('UsSsnValidated', (PatternSpec('ssn', r"\b\d{3}-\d{2}-\d{4}\b", 0.5), PatternSpec('ssn_spaced', r"\b\d{3} \d{2} \d{4}\b", 0.3),),
                       context=('ssn', 'social security'), validator='us_ssn'),
        # nine bare digits (`SSN 138731034`): only after its own word, and in free text only
        RecognizerSpec('UsSsnCompactInText', (PatternSpec('ssn_compact', r"\b\d{9}\b", 0.05),),
                       context=('ssn', 'social security', 'social security number'), validator='us_ssn',
                       context_required=True, text_only=True),
    ),
    presidio=('UsSsnRecognizer',),
    why_own="Presidio's UsSsnRecognizer is loaded for English and still runs; ours adds the validated score 1.0 (area, group, serial rules) that a column decision needs, and spaced forms with context.",
    national_id=True,
    fake=fakes.us_ssn,
))

UK_NINO = register(EntityType(
    name='UK_NINO',
    category=DIRECT,
    display_name='UK National Insurance number',
    description='The UK National Insurance number.',
    source='HMRC National Insurance Manual NIM39110',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('UkNinoValidated', (PatternSpec('nino', r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", 0.5),),
                       context=('national insurance', 'nino', 'ni number', 'insurance'), validator='uk_nino'),
    ),
    presidio=('UkNinoRecognizer',),
    why_own="Presidio's UkNinoRecognizer is disabled in its default configuration (conf/default_recognizers.yaml); ours enforces the HMRC prefix rules.",
    national_id=True,
    fake=faker_method("ssn"),
))

UK_NHS = register(EntityType(
    name='UK_NHS',
    category=DIRECT,
    display_name='NHS number',
    description='The patient number of the NHS in England, Wales and the Isle of Man.',
    source='NHS Data Dictionary: NHS number (mod-11 check digit)',
    strength=STRONG,
    checksum_collides=True,
    specificity=7,
    recognizers=(
        RecognizerSpec('UkNhsValidated', (PatternSpec('nhs', r"\b\d{3}[- ]?\d{3}[- ]?\d{4}\b", 0.3),),
                       context=('nhs', 'health service', 'patient'), validator='uk_nhs'),
    ),
    presidio=('NhsRecognizer',),
    why_own="Presidio's NhsRecognizer is loaded for English and still runs; ours adds context words (patient, health service) and was kept so figures stay comparable: dropping it is a measured follow-up.",
    national_id=True,
    fake=faker_method("ssn"),
))

DE_TAX_ID = register(EntityType(
    name='DE_TAX_ID',
    category=DIRECT,
    display_name='German tax ID (Steuer-IdNr)',
    description='The German Steueridentifikationsnummer.',
    source='§ 139b Abgabenordnung; check digit ISO 7064 MOD 11,10',
    strength=STRONG,
    checksum_collides=True,
    specificity=7,
    recognizers=(
        RecognizerSpec('DeTaxIdValidated', (PatternSpec('steuerid', r"\b[1-9]\d{1}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}\b", 0.3),),
                       context=('steuer', 'steuerid', 'steueridentifikationsnummer', 'idnr', 'tax id'), validator='de_tax_id'),
    ),
    presidio=('DeTaxIdRecognizer',),
    why_own="Presidio's DeTaxIdRecognizer is registered for language 'de' only; privsynth's analyzer is English, so it never runs.",
    national_id=True,
    fake=faker_method("ssn"),
))

FR_NIR = register(EntityType(
    name='FR_NIR',
    category=DIRECT,
    display_name='French social security number (NIR)',
    description="The French numéro d'inscription au répertoire (numéro de sécurité sociale).",
    source="INSEE, Répertoire national d'identification des personnes physiques; key 97 - (n mod 97)",
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('FrNirValidated', (PatternSpec('nir', r"\b[1-8][ ]?\d{2}[ ]?(?:0[1-9]|1[0-2]|[2-9]\d)[ ]?(?:\d{2}|2[AB])[ ]?\d{3}[ ]?\d{3}[ ]?\d{2}\b", 0.4),),
                       context=('sécurité sociale', 'securite sociale', 'nir', 'insee', 'numéro de sécu'), validator='fr_nir'),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    national_id=True,
    fake=faker_method("ssn"),
))

ES_NIF = register(EntityType(
    name='ES_NIF',
    category=DIRECT,
    display_name='Spanish DNI/NIF',
    description='The Spanish national identity document number.',
    source='Real Decreto 1553/2005 (DNI); control letter mod 23',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('EsDniValidated', (PatternSpec('dni', r"\b\d{8}[- ]?[A-Z]\b", 0.4),),
                       context=('dni', 'nif', 'documento'), validator='es_dni'),
    ),
    presidio=('EsNifRecognizer',),
    why_own="Presidio's EsNifRecognizer is registered for language 'es' only; privsynth's analyzer is English, so it never runs.",
    national_id=True,
    fake=faker_method("ssn"),
))

ES_NIE = register(EntityType(
    name='ES_NIE',
    category=DIRECT,
    display_name='Spanish NIE',
    description='The Spanish foreigner identity number.',
    source='Orden INT/2058/2008 (NIE); control letter mod 23',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('EsNieValidated', (PatternSpec('nie', r"\b[XYZ][- ]?\d{7}[- ]?[A-Z]\b", 0.5),),
                       context=('nie', 'extranjero'), validator='es_nie'),
    ),
    presidio=('EsNieRecognizer',),
    why_own="Presidio's EsNieRecognizer is registered for language 'es' only; privsynth's analyzer is English, so it never runs.",
    national_id=True,
    fake=faker_method("ssn"),
))

IT_FISCAL_CODE = register(EntityType(
    name='IT_FISCAL_CODE',
    category=DIRECT,
    display_name='Italian fiscal code',
    description='The Italian codice fiscale of a person.',
    source='DM 23 dicembre 1976 (codice fiscale); odd/even check character',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('ItFiscalCodeValidated', (PatternSpec('cf', r"(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b", 0.5),),
                       context=('codice fiscale', 'cf'), validator='it_fiscal_code'),
    ),
    presidio=('ItFiscalCodeRecognizer',),
    why_own="Presidio's ItFiscalCodeRecognizer is registered for language 'it' only; privsynth's analyzer is English, so it never runs.",
    national_id=True,
    digitless=True,
    fake=faker_method("ssn"),
))

NL_BSN = register(EntityType(
    name='NL_BSN',
    category=DIRECT,
    display_name='Dutch BSN',
    description='The Dutch burgerservicenummer.',
    source='Wet algemene bepalingen burgerservicenummer; the 11-proef',
    strength=STRONG,
    checksum_collides=True,
    specificity=6,
    recognizers=(
        RecognizerSpec('NlBsnValidated', (PatternSpec('bsn', r"\b\d{4}\.?\d{2}\.?\d{3}\b", 0.2),),
                       context=('bsn', 'burgerservicenummer', 'sofinummer'), validator='nl_bsn'),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    national_id=True,
    fake=faker_method("ssn"),
))

PL_PESEL = register(EntityType(
    name='PL_PESEL',
    category=DIRECT,
    display_name='Polish PESEL',
    description='The Polish national identification number.',
    source='Ustawa o ewidencji ludności (PESEL); weighted check digit, encoded birth date',
    strength=STRONG,
    checksum_collides=True,
    specificity=8,
    recognizers=(
        RecognizerSpec('PlPeselValidated', (PatternSpec('pesel', r"\b\d{11}\b", 0.3),),
                       context=('pesel',), validator='pl_pesel'),
    ),
    presidio=('PlPeselRecognizer',),
    why_own="Presidio's PlPeselRecognizer is registered for language 'pl' only; privsynth's analyzer is English, so it never runs; ours also checks the encoded birth date.",
    national_id=True,
    fake=faker_method("ssn"),
))

SE_PERSONNUMMER = register(EntityType(
    name='SE_PERSONNUMMER',
    category=DIRECT,
    display_name='Swedish personnummer',
    description='The Swedish personal identity (or coordination) number.',
    source='Folkbokföringslagen (1991:481), Skatteverket SKV 704; Luhn check digit',
    strength=STRONG,
    checksum_collides=True,
    specificity=8,
    recognizers=(
        RecognizerSpec('SePersonnummerValidated', (PatternSpec('pnr', r"\b(?:19|20)?\d{6}[-+ ]?\d{4}\b", 0.3),),
                       context=('personnummer', 'personnr', 'samordningsnummer'), validator='se_personnummer'),
    ),
    presidio=('SePersonnummerRecognizer',),
    why_own="Presidio's SePersonnummerRecognizer is registered for language 'sv' only; privsynth's analyzer is English, so it never runs.",
    national_id=True,
    fake=faker_method("ssn"),
))

def _pt_nif_fake(f, r) -> str:
    """A valid NIF of a person (first digit 1-3), 9 digits without separators."""
    from privsynth.checksums import pt_nif_check_digit

    body = str(r.randint(1, 3)) + "".join(str(r.randrange(10)) for _ in range(7))
    return body + pt_nif_check_digit(body)


PT_NIF = register(EntityType(
    name='PT_NIF',
    category=DIRECT,
    display_name='Portuguese tax number (NIF)',
    description='The Portuguese número de identificação fiscal (NIF; NIPC for companies).',
    source='Autoridade Tributária e Aduaneira (Decreto-Lei 14/2013); first digit(s) by holder kind, mod-11 check digit',
    strength=STRONG,
    checksum_collides=True,
    specificity=6,
    recognizers=(
        RecognizerSpec('PtNifValidated', (PatternSpec('nif', r"\b[1-9]\d{2}[ ]?\d{3}[ ]?\d{3}\b", 0.2),),
                       # whole words (context_required): 'nif' everywhere; pt, es, en, fr, nl phrasings of "tax number"
                       context=('nif', 'contribuinte', 'identificação fiscal', 'identificacao fiscal', 'número fiscal',
                                'numero fiscal', 'número de identificação', 'contribuyente', 'fiscal number',
                                'portuguese tax', 'tax number', 'numéro fiscal', 'fiscaal nummer'),
                       validator='pt_nif', context_required=True),
    ),
    why_own='presidio-analyzer 2.2 ships no Portuguese recognizer.',
    header_hints={"pt": ("numero de contribuinte", "contribuinte", "numero de identificacao fiscal", "nif contribuinte",
                         "n contribuinte", "no contribuinte")},
    national_id=True,
    fake=_pt_nif_fake,
))

NATIONAL_ID = register(EntityType(
    name='NATIONAL_ID',
    category=DIRECT,
    display_name='National identifier',
    description='A national ID, passport, tax, insurance or licence number of an unspecified country.',
    header_hints={ANY_LANGUAGE: (
                      'national id', 'nationalid', 'ssn', 'social security', 'social security number', 'id number',
                      'id card', 'passport', 'passport number', 'personalausweis', 'ausweisnummer', 'steuer id',
                      'steuerid', 'steueridentifikationsnummer', 'tax id', 'taxid', 'tin', 'nino', 'national insurance',
                      'nhs', 'nhs number', 'nir', 'numero de securite sociale', 'insee', 'dni', 'nie', 'nif',
                      'codice fiscale', 'bsn', 'burgerservicenummer', 'pesel', 'personnummer', 'henkilotunnus',
                      'driver license', 'drivers license', 'driving licence', 'licence number', 'license number',
                      'medicare', 'insurance number', 'vat', 'vat number', 'ust idnr', 'partita iva'
                  )},
    national_id=True,
    fake=faker_method("ssn"),
))

US_DRIVER_LICENSE = register(EntityType(
    name='US_DRIVER_LICENSE',
    category=DIRECT,
    display_name="US driver's licence",
    description="A US driver's licence number (Presidio's recognizer).",
    source='US state DMV formats',
    presidio=('UsLicenseRecognizer',),
    national_id=True,
))

US_PASSPORT = register(EntityType(
    name='US_PASSPORT',
    category=DIRECT,
    display_name='US passport number',
    description="A US passport number (Presidio's recognizer).",
    source='US Department of State',
    presidio=('UsPassportRecognizer',),
    national_id=True,
))

US_ITIN = register(EntityType(
    name='US_ITIN',
    category=DIRECT,
    display_name='US ITIN',
    description="A US individual taxpayer identification number (Presidio's recognizer).",
    source='IRS (26 CFR 301.6109-1)',
    presidio=('UsItinRecognizer',),
    national_id=True,
))

MEDICAL_LICENSE = register(EntityType(
    name='MEDICAL_LICENSE',
    category=DIRECT,
    display_name='Medical licence',
    description="A medical licence number, e.g. a US DEA number (Presidio's recognizer).",
    source='US DEA registration',
    presidio=('MedicalLicenseRecognizer',),
))


def be_national_register_ok(text: str) -> bool:
    """Belgian national register number: 11 digits YYMMDD SSS CC; CC = 97 - (YYMMDDSSS mod 97),
    or, for people born from 2000, 97 - (2YYMMDDSSS mod 97). The month may be 00 (date unknown)
    or raised by 20/40 (bis numbers); the day 00-31. Separators (. - space) are ignored."""
    d = "".join(ch for ch in text if ch.isdigit())
    if len(d) != 11 or len(set(d)) == 1:
        return False
    month, day = int(d[2:4]) % 20, int(d[4:6])
    if int(d[2:4]) > 52 or month > 12 or day > 31:
        return False
    body, check = int(d[:9]), int(d[9:])
    return check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97)


def _be_national_register_fake(f, r) -> str:
    """A valid number in the printed form YY.MM.DD-SSS.CC (born 1940-1999)."""
    body = f"{r.randrange(40, 100):02d}{r.randrange(1, 13):02d}{r.randrange(1, 29):02d}{r.randrange(1, 998):03d}"
    cc = 97 - int(body) % 97
    return f"{body[:2]}.{body[2:4]}.{body[4:6]}-{body[6:9]}.{cc:02d}"


BE_NATIONAL_REGISTER = register(EntityType(
    name="BE_NATIONAL_REGISTER",
    category=DIRECT,
    display_name="Belgian national register number",
    description="The Belgian rijksregisternummer / numéro de registre national (INSZ/NISS) of a person.",
    source="Wet van 8 augustus 1983 tot regeling van een Rijksregister van de natuurlijke personen; "
           "check digits 97 - (n mod 97), with 2 prefixed to n for births from 2000",
    strength=STRONG,
    specificity=8,
    recognizers=(
        RecognizerSpec("BeNationalRegisterValidated",
                       (PatternSpec("be_nrn", r"\b\d{2}\.?\d{2}\.?\d{2}[- ]?\d{3}\.?\d{2}\b", 0.3),),
                       context=("rijksregisternummer", "rijksregister", "registre national", "national register",
                                "insz", "niss", "numéro national"),
                       validator=be_national_register_ok),
    ),
    why_own="presidio-analyzer 2.2 ships no Belgian recognizer.",
    header_hints={
        "nl": ("rijksregisternummer", "rijksregister nummer", "rijksregister", "insz", "insz nummer"),
        "fr": ("numero de registre national", "registre national", "numero national", "niss"),
        "de": ("nationalregisternummer", "nationalnummer"),
        "en": ("national register number", "belgian national number"),
    },
    national_id=True,
    fake=_be_national_register_fake,
))
