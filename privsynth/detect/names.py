"""Column-name hints: multilingual synonyms -> entity type.

Names are normalised (camelCase split, accents stripped, separators to spaces, lower case) and
matched as whole phrases; the longest matching phrase wins, so "mothers maiden name" beats "name".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

# entity -> phrases (normalised form: lower case, no accents, single spaces)
SYNONYMS: dict[str, list[str]] = {
    "PERSON": ["name", "full name", "fullname", "person", "person name", "customer name", "client name", "patient name",
               "employee name", "contact name", "nom complet", "nombre completo", "nome completo", "naam", "imie i nazwisko",
               "mothers maiden", "mothers maiden name", "maiden name", "mother maiden", "nom", "nombre", "nome", "namn", "nimi",
               "contact", "customer", "patient", "employee", "owner", "holder", "cardholder", "account holder", "recipient", "sender",
               "author", "signatory", "beneficiary", "spouse", "guardian"],
    "FIRST_NAME": ["first name", "firstname", "given name", "givenname", "forename", "fname", "first", "vorname", "prenom",
                   "primer nombre", "nome proprio", "voornaam", "imie", "fornamn", "etunimi", "middle name", "middle initial", "middleinitial"],
    "LAST_NAME": ["last name", "lastname", "surname", "family name", "familyname", "lname", "last", "nachname", "familienname",
                  "nom de famille", "apellido", "apellidos", "cognome", "achternaam", "nazwisko", "efternamn", "sukunimi"],
    "EMAIL_ADDRESS": ["email", "e mail", "email address", "emailaddress", "mail", "courriel", "correo", "correo electronico",
                      "posta elettronica", "e post", "epost", "sahkoposti", "adresse email", "mail address"],
    "PHONE_NUMBER": ["phone", "telephone", "tel", "telefon", "telefono", "telephone number", "telephonenumber", "phone number",
                     "mobile", "mobile number", "cell", "cellphone", "handy", "portable", "movil", "cellulare", "fax", "gsm",
                     "telefoonnummer", "numer telefonu", "puhelin", "contact number", "phone no", "tel no"],
    "STREET_ADDRESS": ["address", "street", "street address", "streetaddress", "address line", "address line 1", "address1",
                       "address 1", "address2", "addr", "adresse", "anschrift", "strasse", "direccion", "calle", "indirizzo",
                       "via", "adres", "straat", "adress", "gatuadress", "osoite", "home address", "postal address", "residence"],
    "POSTCODE": ["zip", "zipcode", "zip code", "postcode", "post code", "postal code", "postalcode", "plz", "postleitzahl",
                 "code postal", "cp", "codigo postal", "cap", "postcode nl", "kod pocztowy", "postnummer", "postinumero"],
    "CITY": ["city", "town", "ville", "stadt", "ort", "wohnort", "ciudad", "citta", "comune", "stad", "miasto", "kaupunki",
             "municipality", "locality", "place of residence", "city of residence", "birthplace", "place of birth"],
    "LOCATION": ["state", "statefull", "state full", "province", "region", "county", "district", "country", "countryfull",
                 "country full", "land", "pays", "pais", "paese", "bundesland", "departement", "kanton", "canton", "geography",
                 "location", "lat", "latitude", "lon", "lng", "longitude", "neighbourhood", "neighborhood", "puma", "area",
                 "country code", "telephonecountrycode", "telephone country code", "domicile", "density"],
    "DATE_OF_BIRTH": ["dob", "birthdate", "birth date", "date of birth", "birthday", "born", "geburtsdatum", "geburtstag",
                      "date de naissance", "fecha de nacimiento", "data di nascita", "geboortedatum", "data urodzenia",
                      "fodelsedatum", "syntymaaika", "bday", "birth"],
    "AGE": ["age", "alter", "edad", "eta", "leeftijd", "wiek", "alder", "ika", "agep", "age years", "years old"],
    "GENDER": ["gender", "sex", "geschlecht", "sexe", "genre", "sexo", "genero", "sesso", "geslacht", "plec", "kon", "sukupuoli"],
    "NATIONALITY": ["nationality", "citizenship", "nationalitat", "staatsangehorigkeit", "nationalite", "nacionalidad",
                    "nazionalita", "nationaliteit", "native country", "country of birth", "nameset", "name set", "nativity"],
    "OCCUPATION": ["occupation", "job", "job title", "profession", "beruf", "metier", "profesion", "professione", "beroep",
                   "zawod", "yrke", "ammatti", "position", "role", "occp", "workclass", "work class", "indp",
                   "work experience", "experience", "experience years", "years of experience", "seniority",
                   "industry", "indp cat"],
    "EMPLOYMENT": ["hours per week", "hours worked", "working hours", "work hours", "weekly hours", "overtime",
                   "contract type", "employment status", "employment", "wkhp"],
    "EMPLOYER": ["employer", "company", "firm", "arbeitgeber", "employeur", "empresa", "organisation", "organization", "workplace"],
    "USERNAME": ["username", "user name", "user", "login", "user id", "userid", "handle", "screen name", "benutzername",
                 "nom d utilisateur", "nombre de usuario", "account name", "nickname", "alias"],
    "PASSWORD": ["password", "passwd", "pwd", "pass", "passwort", "mot de passe", "contrasena", "parola d ordine", "wachtwoord",
                 "haslo", "pin", "secret"],
    "CREDIT_CARD": ["credit card", "creditcard", "cc", "ccnumber", "cc number", "card number", "cardnumber", "card", "pan",
                    "kreditkarte", "carte bancaire", "numero de carte", "tarjeta", "numero tarjeta", "carta di credito"],
    "IBAN_CODE": ["iban", "bank account", "account number", "accountnumber", "kontonummer", "konto", "rib", "cuenta",
                  "numero de cuenta", "conto", "rekeningnummer", "bic", "swift"],
    "NATIONAL_ID": ["national id", "nationalid", "ssn", "social security", "social security number", "id number", "id card",
                    "passport", "passport number", "personalausweis", "ausweisnummer", "steuer id", "steuerid",
                    "steueridentifikationsnummer", "tax id", "taxid", "tin", "nino", "national insurance", "nhs", "nhs number",
                    "nir", "numero de securite sociale", "insee", "dni", "nie", "nif", "codice fiscale", "bsn",
                    "burgerservicenummer", "pesel", "personnummer", "henkilotunnus", "driver license", "drivers license",
                    "driving licence", "licence number", "license number", "medicare", "insurance number", "vat", "vat number",
                    "ust idnr", "partita iva"],
    "IP_ADDRESS": ["ip", "ip address", "ipaddress", "ipv4", "ipv6", "client ip", "remote addr", "source ip"],
    "MAC_ADDRESS": ["mac", "mac address", "macaddress", "hw address"],
    "IMEI": ["imei", "device id", "deviceid", "device", "udid", "advertising id", "idfa", "serial number"],
    "URL": ["url", "website", "web site", "homepage", "domain", "link", "profile url", "site web", "sitio web"],
    "GPS_COORDINATES": ["gps", "coordinates", "coords", "latlong", "lat long", "geo", "geolocation", "position gps"],
    "RECORD_ID": ["id", "record id", "customer id", "client id", "patient id", "employee id", "member id", "student id",
                  "account id", "person id", "uuid", "guid", "key", "identifier", "number", "no", "nr", "kundennummer",
                  "mrn", "medical record number", "case id", "serialno", "serial no", "ticket"],
    "DATE_TIME": ["date", "time", "timestamp", "datetime", "created", "created at", "updated", "start date", "end date",
                  "admission date", "discharge date", "visit date", "event date", "datum", "fecha", "data"],
    "HEALTH": ["diagnosis", "diagnose", "condition", "disease", "illness", "health", "medical", "icd", "icd10", "icd 10",
               "medication", "drug", "treatment", "symptom", "symptoms", "disability", "disabled", "allergy", "allergies",
               "blood type", "bmi", "pregnant", "pregnancy", "hiv", "mental health", "therapy", "dvet", "disability rating", "dphy", "deye", "dear", "drem",
               "dis", "hicov", "ddrs", "dout", "procedure", "prescription", "krankheit", "maladie", "enfermedad", "malattia"],
    "ETHNICITY": ["race", "ethnicity", "ethnic", "ethnic group", "ethnic origin", "rac1p", "rac2p", "hisp", "hispanic",
                  "origin", "ethnie", "etnia", "herkunft", "skin color", "racial"],
    "RELIGION": ["religion", "religious", "faith", "denomination", "church", "konfession", "religion affiliation", "belief"],
    "POLITICAL_OPINION": ["political", "political party", "party", "party affiliation", "vote", "voting", "politics", "partei"],
    "TRADE_UNION": ["trade union", "union", "union member", "union membership", "gewerkschaft", "syndicat", "sindicato"],
    "SEXUAL_ORIENTATION": ["sexual orientation", "orientation", "sexuality", "lgbt", "lgbtq"],
    "GENETIC": ["genotype", "gene", "genetic", "dna", "snp", "allele", "genome"],
    "BIOMETRIC": ["fingerprint", "biometric", "face", "iris", "retina", "voiceprint", "face embedding"],
    "CRIMINAL_RECORD": ["criminal record", "conviction", "convictions", "offence", "offense", "arrest", "criminal", "crime",
                        "sentence", "prison", "incarceration", "felony"],
    "INCOME": ["income", "salary", "wage", "wages", "pay", "earnings", "revenue", "pincp", "hincp", "fincp", "wagp",
               "capital gain", "capital loss", "capital gains", "einkommen", "gehalt", "lohn", "revenu", "salaire",
               "ingresos", "salario", "reddito", "stipendio", "inkomen", "povpip", "poverty", "pincp decile", "annual income"],
    "FINANCIAL": ["credit amount", "amount", "balance", "debt", "loan", "credit score", "credit", "saving accounts",
                  "savings", "checking account", "checking", "risk", "credit risk", "default", "mortgage", "cvv", "cvv2", "purpose",
                  "cvc", "cctype", "card type", "ccexpires", "card expiry", "expiry date", "expiration date", "bank", "net worth", "assets"],
    "ASSESSMENT": ["grade", "grades", "score", "perc", "percentage", "gpa", "marks", "exam", "test score", "placed", "placement",
                   "employability", "performance", "rating", "evaluation", "appraisal", "note", "noten"],
    "MARITAL_STATUS": ["marital status", "marital", "msp", "mar", "relationship", "civil status", "familienstand",
                       "etat civil", "estado civil", "spouse status", "family status"],
    "EDUCATION": ["education", "education num", "degree", "schooling", "edu", "schl", "qualification", "degree type",
                  "high spec", "mba spec", "school"],
    "HOUSEHOLD": ["household", "noc", "npf", "number of children", "children", "household size", "family size",
                  "dependents", "housing type", "housing", "own rent", "tenure", "home ownership"],
    "VETERAN": ["veteran", "veteran status", "military service", "mil"],
    "TITLE": ["title", "salutation", "anrede", "civilite", "honorific", "prefix"],
}

ENTITY_CATEGORY: dict[str, str] = {
    **{e: "direct_identifier" for e in (
        "PERSON", "FIRST_NAME", "LAST_NAME", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "CREDIT_CARD",
        "CREDIT_CARD_DAMAGED", "US_SSN", "UK_NINO", "UK_NHS", "DE_TAX_ID", "FR_NIR", "ES_NIF", "ES_NIE",
        "IT_FISCAL_CODE", "NL_BSN", "PL_PESEL", "SE_PERSONNUMMER", "EU_VAT", "NATIONAL_ID", "IP_ADDRESS",
        "MAC_ADDRESS", "IMEI", "GPS_COORDINATES", "URL", "STREET_ADDRESS", "USERNAME", "PASSWORD", "RECORD_ID",
        "US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER", "US_ITIN", "CRYPTO", "UUID", "MEDICAL_LICENSE",
    )},
    **{e: "quasi_identifier" for e in (
        "POSTCODE", "CITY", "LOCATION", "DATE_OF_BIRTH", "DATE_TIME", "AGE", "GENDER", "NATIONALITY", "NRP",
        "OCCUPATION", "EMPLOYER", "MARITAL_STATUS", "NAME_INITIAL", "EDUCATION", "HOUSEHOLD", "VETERAN", "TITLE",
    )},
    **{e: "special_category" for e in (
        "HEALTH", "ETHNICITY", "RELIGION", "POLITICAL_OPINION", "TRADE_UNION", "SEXUAL_ORIENTATION", "GENETIC",
        "BIOMETRIC", "CRIMINAL_RECORD",
    )},
    **{e: "sensitive" for e in ("INCOME", "FINANCIAL", "ASSESSMENT", "EMPLOYMENT")},
}


def category_of(entity: Optional[str]) -> str:
    if entity is None:
        return "non_personal"
    return ENTITY_CATEGORY.get(entity, "direct_identifier")


def normalise(name: str) -> str:
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
    for ent, phrases in SYNONYMS.items():
        for p in phrases:
            idx.setdefault(normalise(p), ent)
    return idx


def name_hint(column: str) -> Optional[tuple[str, str, bool]]:
    """(entity, matched phrase, exact) for a column name, or None.

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
        return None
    return best[0], best[1], False
