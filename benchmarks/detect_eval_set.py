"""Evaluation set for column detection (issue 13): seeded Faker customer tables in six locales,
plus the public tables of ../shared/data, each in three header variants, with ground truth.

Nothing large is committed: the tables are generated in memory from (template, locale, seed).

Split (fixed before any tuning, written down here and never changed after looking at results):
  * tune     = template family A (customer, telco) x locale family A (de_DE, fr_FR, en_GB),
               seeds 1 and 2; public tables fake_identities and german_credit.
  * heldout  = every other (template, locale) pair: A x B, B x A, B x B with locale family B =
               (es_ES, nl_NL, it_IT) and template family B = (patient, hr), seed 1000 + i;
               public tables adult, nist_acs ma2019 and student_placements.
  So a held-out table differs from every tuning table by its seed AND by its template or its
  locale (or both).
  * heldout2 = built on 30 Nov 2026 (fourth session) BEFORE any change of that session, because
               that session inspected the errors of `heldout` to work on coded columns: the same
               held-out (template, locale) pairs with new seeds (9000 + i, row counts shifted), and
               public files never used before: nist_acs tx2019 (Texas; the ma2019 codebook),
               adult_anonymeter_split/adults_control (the adult census extract under anonymeter's
               column names) and student_placements_synthetic. Caveat: these public files share their
               codebooks with heldout's public tables, so heldout2 tests other rows and other
               headers, not other codebooks. `heldout` is a development part from then on.

Header variants: `native` (the header a person in that country would write, including the
issue's hard cases: contact_no, mobile_no, Kontakt Nr, Kundennummer, Umsatz EUR), `blind`
(c1..cN) and `abbrev` (KD_NR / x_adr / fld_07 style: a per-language short form, or for public
tables a consonant abbreviation, and about a third of the columns `fld_NN`).

Ground truth per column: category (the score) and the expected entity (informative). Row
counts vary per table (6 to 400) because small exports are where uniqueness rules fail.

Library use:  tables(part) -> iterator of EvalTable(name, part, variant, df, truth)
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIRS = [ROOT / ".." / "shared" / "data", Path("/work/shared/data")]
GT_PUBLIC = Path(__file__).resolve().parent / "ground_truth" / "columns.yaml"

LOCALES_A = ("de_DE", "fr_FR", "en_GB")
LOCALES_B = ("es_ES", "nl_NL", "it_IT")
TEMPLATES_A = ("customer", "telco")
TEMPLATES_B = ("patient", "hr")
PUBLIC_TUNE = ("fake_identities", "german_credit")
PUBLIC_HELDOUT = ("adult", "nist_acs", "student_placements")
PUBLIC_HELDOUT2 = ("nist_acs_tx2019", "adults_control", "student_placements_synthetic")
PARTS = ("tune", "heldout", "heldout2")
VARIANTS = ("native", "blind", "abbrev")
LANG = {"de_DE": "de", "fr_FR": "fr", "en_GB": "en", "es_ES": "es", "nl_NL": "nl", "it_IT": "it"}

# ground truth per column key: (category, entity)
TRUTH = {
    "id": ("direct_identifier", "RECORD_ID"), "first": ("direct_identifier", "FIRST_NAME"),
    "last": ("direct_identifier", "LAST_NAME"), "name": ("direct_identifier", "PERSON"),
    "street": ("direct_identifier", "STREET_ADDRESS"), "postcode": ("quasi_identifier", "POSTCODE"),
    "city": ("quasi_identifier", "CITY"), "phone": ("direct_identifier", "PHONE_NUMBER"),
    "mobile": ("direct_identifier", "PHONE_NUMBER"), "fax": ("direct_identifier", "PHONE_NUMBER"),
    "email": ("direct_identifier", "EMAIL_ADDRESS"), "iban": ("direct_identifier", "IBAN_CODE"),
    "natid": ("direct_identifier", "NATIONAL_ID"), "dob": ("quasi_identifier", "DATE_OF_BIRTH"),
    "gender": ("quasi_identifier", "GENDER"), "age": ("quasi_identifier", "AGE"),
    "job": ("quasi_identifier", "OCCUPATION"), "income": ("sensitive", "INCOME"),
    "revenue": ("sensitive", "FINANCIAL"), "signup": ("quasi_identifier", "DATE_TIME"),
    "segment": ("non_personal", None), "newsletter": ("non_personal", None), "notes": ("free_text", None),
    "cc": ("quasi_identifier", "LOCATION"), "minutes": ("non_personal", None), "data_gb": ("non_personal", None),
    "tariff": ("non_personal", None), "contract_start": ("quasi_identifier", "DATE_TIME"),
    "diag_code": ("special_category", "HEALTH"), "diag_text": ("special_category", "HEALTH"),
    "admission": ("quasi_identifier", "DATE_TIME"), "los": ("non_personal", None), "lab": ("non_personal", None),
    "hire": ("quasi_identifier", "DATE_TIME"), "dept": ("non_personal", None), "scans": ("non_personal", None),
    "ip": ("direct_identifier", "IP_ADDRESS"), "salary": ("sensitive", "INCOME"),
}

COLUMNS = {
    "customer": ["id", "first", "last", "street", "postcode", "city", "phone", "email", "iban", "natid", "dob", "gender",
                 "job", "income", "signup", "segment", "newsletter", "notes"],
    "telco": ["id", "name", "contact_no", "mobile", "fax", "cc", "minutes", "revenue", "data_gb", "tariff",
              "contract_start", "age", "postcode", "city", "ip", "notes"],
    "patient": ["id", "last", "first", "dob", "gender", "postcode", "city", "street", "phone", "natid", "diag_code",
                "diag_text", "admission", "los", "lab", "notes"],
    "hr": ["id", "name", "email", "mobile", "dob", "age", "gender", "job", "salary", "iban", "street", "postcode", "city",
           "hire", "dept", "hours", "scans", "notes"],
}
TRUTH["contact_no"] = ("direct_identifier", "PHONE_NUMBER")
TRUTH["hours"] = ("sensitive", "EMPLOYMENT")

# native headers per language (issue 13's hard cases included)
H = {
    "id": {"de": "Kundennummer", "fr": "num_client", "en": "customer_no", "es": "num_cliente", "nl": "klantnummer", "it": "codice_cliente"},
    "first": {"de": "Vorname", "fr": "prénom", "en": "first_name", "es": "nombre", "nl": "voornaam", "it": "nome"},
    "last": {"de": "Nachname", "fr": "nom", "en": "surname", "es": "apellidos", "nl": "achternaam", "it": "cognome"},
    "name": {"de": "Name", "fr": "nom_complet", "en": "full_name", "es": "nombre_completo", "nl": "naam", "it": "nominativo"},
    "street": {"de": "Straße", "fr": "adresse", "en": "address_line1", "es": "dirección", "nl": "adres", "it": "indirizzo"},
    "postcode": {"de": "PLZ", "fr": "code_postal", "en": "postcode", "es": "código_postal", "nl": "postcode", "it": "CAP"},
    "city": {"de": "Ort", "fr": "ville", "en": "town", "es": "localidad", "nl": "woonplaats", "it": "città"},
    "phone": {"de": "Telefon", "fr": "téléphone", "en": "phone", "es": "teléfono", "nl": "telefoon", "it": "telefono"},
    "contact_no": {"de": "Kontakt Nr", "fr": "no_contact", "en": "contact_no", "es": "num_contacto", "nl": "contactnr", "it": "n_contatto"},
    "mobile": {"de": "Handynummer", "fr": "portable", "en": "mobile_no", "es": "móvil", "nl": "mobiel", "it": "cellulare"},
    "fax": {"de": "Fax Nr", "fr": "fax", "en": "fax_no", "es": "fax", "nl": "faxnummer", "it": "fax"},
    "email": {"de": "E-Mail", "fr": "courriel", "en": "email", "es": "correo", "nl": "e-mailadres", "it": "email"},
    "iban": {"de": "IBAN", "fr": "iban", "en": "bank_account", "es": "cuenta_bancaria", "nl": "rekeningnummer", "it": "iban"},
    "natid": {"de": "Steuer-ID", "fr": "numero_secu", "en": "ni_number", "es": "dni", "nl": "bsn", "it": "codice_fiscale"},
    "dob": {"de": "Geburtsdatum", "fr": "date_naissance", "en": "dob", "es": "fecha_nacimiento", "nl": "geboortedatum", "it": "data_nascita"},
    "gender": {"de": "Geschlecht", "fr": "sexe", "en": "gender", "es": "sexo", "nl": "geslacht", "it": "sesso"},
    "age": {"de": "Alter", "fr": "âge", "en": "age", "es": "edad", "nl": "leeftijd", "it": "età"},
    "job": {"de": "Beruf", "fr": "profession", "en": "occupation", "es": "profesión", "nl": "beroep", "it": "professione"},
    "income": {"de": "Einkommen", "fr": "revenu_annuel", "en": "annual_income", "es": "ingresos", "nl": "inkomen", "it": "reddito"},
    "salary": {"de": "Gehalt", "fr": "salaire", "en": "salary", "es": "salario", "nl": "salaris", "it": "stipendio"},
    "revenue": {"de": "Umsatz EUR", "fr": "chiffre_affaires", "en": "spend_gbp", "es": "facturación", "nl": "omzet", "it": "fatturato"},
    "signup": {"de": "Anmeldedatum", "fr": "date_inscription", "en": "signup_date", "es": "fecha_alta", "nl": "aanmelddatum", "it": "data_iscrizione"},
    "segment": {"de": "Segment", "fr": "segment", "en": "segment", "es": "segmento", "nl": "segment", "it": "segmento"},
    "newsletter": {"de": "Newsletter", "fr": "newsletter", "en": "newsletter", "es": "boletín", "nl": "nieuwsbrief", "it": "newsletter"},
    "notes": {"de": "Bemerkungen", "fr": "commentaire", "en": "notes", "es": "observaciones", "nl": "opmerkingen", "it": "note"},
    "cc": {"de": "Ländervorwahl", "fr": "indicatif_pays", "en": "ktk_cc", "es": "prefijo_pais", "nl": "landcode", "it": "prefisso_internazionale"},
    "minutes": {"de": "Minuten_Monat", "fr": "minutes_mensuelles", "en": "monthly_minutes", "es": "minutos_mes", "nl": "belminuten", "it": "minuti_mese"},
    "data_gb": {"de": "Datenvolumen_GB", "fr": "donnees_go", "en": "data_gb", "es": "datos_gb", "nl": "data_gb", "it": "traffico_gb"},
    "tariff": {"de": "Tarif", "fr": "forfait", "en": "plan", "es": "tarifa", "nl": "abonnement", "it": "piano_tariffario"},
    "contract_start": {"de": "Vertragsbeginn", "fr": "debut_contrat", "en": "contract_start", "es": "inicio_contrato", "nl": "startdatum", "it": "inizio_contratto"},
    "ip": {"de": "IP-Adresse", "fr": "adresse_ip", "en": "last_ip", "es": "ip", "nl": "ip_adres", "it": "indirizzo_ip"},
    "diag_code": {"de": "ICD", "fr": "code_cim", "en": "icd10", "es": "codigo_cie", "nl": "icd_code", "it": "codice_icd"},
    "diag_text": {"de": "Diagnose", "fr": "diagnostic", "en": "diagnosis", "es": "diagnóstico", "nl": "diagnose", "it": "diagnosi"},
    "admission": {"de": "Aufnahmedatum", "fr": "date_admission", "en": "admission_date", "es": "fecha_ingreso", "nl": "opnamedatum", "it": "data_ricovero"},
    "los": {"de": "Verweildauer", "fr": "duree_sejour", "en": "length_of_stay", "es": "estancia_dias", "nl": "ligduur", "it": "degenza_giorni"},
    "lab": {"de": "Laborwert", "fr": "valeur_labo", "en": "lab_value", "es": "valor_lab", "nl": "labwaarde", "it": "valore_lab"},
    "hire": {"de": "Eintrittsdatum", "fr": "date_embauche", "en": "hire_date", "es": "fecha_contratacion", "nl": "indienstdatum", "it": "data_assunzione"},
    "dept": {"de": "Abteilung", "fr": "service", "en": "department", "es": "departamento", "nl": "afdeling", "it": "reparto"},
    "hours": {"de": "Wochenstunden", "fr": "heures_semaine", "en": "weekly_hours", "es": "horas_semana", "nl": "uren_per_week", "it": "ore_settimanali"},
    "scans": {"de": "Zutritte", "fr": "badgeages", "en": "badge_scans", "es": "fichajes", "nl": "pasjesscans", "it": "timbrature"},
}
# abbreviated headers (KD_NR / x_adr style) per language; any column may also become fld_NN
A = {
    "id": {"de": "KD_NR", "fr": "NUM_CLI", "en": "cust_ref", "es": "N_CLI", "nl": "KLNR", "it": "COD_CLI"},
    "first": {"de": "VN", "fr": "pren", "en": "fnm", "es": "nom", "nl": "vnaam", "it": "nm"},
    "last": {"de": "NN", "fr": "nm_fam", "en": "snm", "es": "apell", "nl": "anaam", "it": "cogn"},
    "name": {"de": "KD_NAME", "fr": "nom_cpl", "en": "cust_nm", "es": "nom_cmp", "nl": "nm", "it": "nomin"},
    "street": {"de": "x_adr", "fr": "adr1", "en": "addr_l1", "es": "dir", "nl": "adr", "it": "ind"},
    "postcode": {"de": "x_plz", "fr": "cp", "en": "pc", "es": "c_post", "nl": "pc", "it": "cap"},
    "city": {"de": "x_ort", "fr": "vil", "en": "twn", "es": "loc", "nl": "wpl", "it": "cit"},
    "phone": {"de": "TEL_1", "fr": "tel", "en": "ph1", "es": "tfno", "nl": "tel", "it": "tel"},
    "contact_no": {"de": "ktk_nr", "fr": "ctc_no", "en": "ctc_no", "es": "ctc_num", "nl": "ctnr", "it": "ctt_n"},
    "mobile": {"de": "mob", "fr": "port", "en": "mob_no", "es": "mov", "nl": "mob", "it": "cell"},
    "fax": {"de": "fx", "fr": "fx", "en": "fx_no", "es": "fx", "nl": "fx", "it": "fx"},
    "email": {"de": "EML", "fr": "mel", "en": "eml", "es": "mail", "nl": "eml", "it": "eml"},
    "iban": {"de": "KTO", "fr": "rib", "en": "acct", "es": "cta", "nl": "rek", "it": "cc_banc"},
    "natid": {"de": "STID", "fr": "nss", "en": "nino", "es": "doc_id", "nl": "bsn_nr", "it": "cf"},
    "dob": {"de": "GEB_DAT", "fr": "dt_nais", "en": "dob", "es": "f_nac", "nl": "gebdat", "it": "dt_nasc"},
    "gender": {"de": "GESCHL", "fr": "sx", "en": "sx", "es": "sx", "nl": "gesl", "it": "sx"},
    "age": {"de": "ALT", "fr": "ag", "en": "ag", "es": "ed", "nl": "lft", "it": "eta_a"},
    "job": {"de": "BERUF_BEZ", "fr": "prof", "en": "occ", "es": "prof", "nl": "brp", "it": "prof"},
    "income": {"de": "EINK", "fr": "rev", "en": "inc", "es": "ingr", "nl": "ink", "it": "redd"},
    "salary": {"de": "GEH", "fr": "sal", "en": "sal", "es": "sal", "nl": "sal", "it": "stip"},
    "revenue": {"de": "UMS", "fr": "ca", "en": "spnd", "es": "fact", "nl": "omz", "it": "fatt"},
    "signup": {"de": "ANM_DT", "fr": "dt_insc", "en": "su_dt", "es": "f_alta", "nl": "aanm_dt", "it": "dt_isc"},
    "segment": {"de": "SEG", "fr": "seg", "en": "seg", "es": "seg", "nl": "seg", "it": "seg"},
    "newsletter": {"de": "NL_KZ", "fr": "nl", "en": "nl_flag", "es": "bol", "nl": "nb", "it": "nl"},
    "notes": {"de": "BEM", "fr": "cmt", "en": "nts", "es": "obs", "nl": "opm", "it": "nt"},
    "cc": {"de": "ktk_cc", "fr": "ind", "en": "ktk_cc", "es": "pref", "nl": "lc", "it": "pref_int"},
    "minutes": {"de": "MIN_M", "fr": "min_m", "en": "mins", "es": "min", "nl": "bmin", "it": "min"},
    "data_gb": {"de": "DV_GB", "fr": "go", "en": "gb", "es": "gb", "nl": "gb", "it": "gb"},
    "tariff": {"de": "TRF", "fr": "fft", "en": "pln", "es": "trf", "nl": "abo", "it": "pt"},
    "contract_start": {"de": "VB_DT", "fr": "dt_deb", "en": "cs_dt", "es": "f_ini", "nl": "st_dt", "it": "dt_ini"},
    "ip": {"de": "x_ip", "fr": "ip", "en": "ip_l", "es": "ip", "nl": "ip", "it": "ip"},
    "diag_code": {"de": "DX_CD", "fr": "cim", "en": "dx_cd", "es": "cie", "nl": "dx", "it": "icd"},
    "diag_text": {"de": "DX_TXT", "fr": "diag", "en": "dx", "es": "diag", "nl": "diag", "it": "diag"},
    "admission": {"de": "AUFN_DT", "fr": "dt_adm", "en": "adm_dt", "es": "f_ing", "nl": "opn_dt", "it": "dt_ric"},
    "los": {"de": "VWD", "fr": "dms", "en": "los", "es": "est", "nl": "ld", "it": "deg"},
    "lab": {"de": "LAB", "fr": "lab", "en": "lab_v", "es": "lab", "nl": "lab", "it": "lab"},
    "hire": {"de": "EINTR_DT", "fr": "dt_emb", "en": "hire_dt", "es": "f_cont", "nl": "ind_dt", "it": "dt_ass"},
    "dept": {"de": "ABT", "fr": "svc", "en": "dept", "es": "dpto", "nl": "afd", "it": "rep"},
    "hours": {"de": "WO_STD", "fr": "h_sem", "en": "wk_hrs", "es": "h_sem", "nl": "upw", "it": "ore_s"},
    "scans": {"de": "ZUTR", "fr": "badg", "en": "scans", "es": "fich", "nl": "scans", "it": "timb"},
}

# local words
GENDER_WORDS = {"de": ["männlich", "weiblich", "divers"], "fr": ["homme", "femme"], "en": ["Male", "Female"],
                "es": ["hombre", "mujer"], "nl": ["man", "vrouw"], "it": ["maschio", "femmina"]}
GENDER_CODES = {"de": ["M", "W", "D"], "fr": ["H", "F"], "en": ["M", "F"], "es": ["H", "M"], "nl": ["M", "V"], "it": ["M", "F"]}
SEGMENTS = ["A", "B", "C", "Gold", "Silver", "Bronze"]
TARIFFS = {"de": ["Basis", "Komfort", "Premium"], "fr": ["Essentiel", "Confort", "Intégral"], "en": ["Basic", "Plus", "Unlimited"],
           "es": ["Básica", "Plus", "Ilimitada"], "nl": ["Basis", "Plus", "Onbeperkt"], "it": ["Base", "Plus", "Illimitato"]}
DEPTS = {"de": ["Vertrieb", "Einkauf", "IT", "Personal", "Logistik"], "fr": ["Ventes", "Achats", "Informatique", "RH", "Logistique"],
         "en": ["Sales", "Purchasing", "IT", "HR", "Logistics"], "es": ["Ventas", "Compras", "Informática", "RRHH", "Logística"],
         "nl": ["Verkoop", "Inkoop", "ICT", "HR", "Logistiek"], "it": ["Vendite", "Acquisti", "Informatica", "Risorse umane", "Logistica"]}
YESNO = {"de": ["ja", "nein"], "fr": ["oui", "non"], "en": ["yes", "no"], "es": ["sí", "no"], "nl": ["ja", "nee"], "it": ["sì", "no"]}
# common ICD-10 (WHO) codes and the condition in each language (written for this benchmark)
DIAG = [
    ("E11.9", {"de": "Diabetes mellitus Typ 2", "fr": "Diabète de type 2", "en": "Type 2 diabetes mellitus", "es": "Diabetes mellitus tipo 2", "nl": "Diabetes mellitus type 2", "it": "Diabete mellito di tipo 2"}),
    ("I10", {"de": "Essentielle Hypertonie", "fr": "Hypertension essentielle", "en": "Essential hypertension", "es": "Hipertensión esencial", "nl": "Essentiële hypertensie", "it": "Ipertensione essenziale"}),
    ("J45.9", {"de": "Asthma bronchiale", "fr": "Asthme", "en": "Asthma", "es": "Asma", "nl": "Astma", "it": "Asma bronchiale"}),
    ("F32.1", {"de": "Mittelgradige depressive Episode", "fr": "Épisode dépressif moyen", "en": "Moderate depressive episode", "es": "Episodio depresivo moderado", "nl": "Matige depressieve episode", "it": "Episodio depressivo moderato"}),
    ("M54.5", {"de": "Kreuzschmerz", "fr": "Lombalgie basse", "en": "Low back pain", "es": "Lumbago", "nl": "Lage rugpijn", "it": "Lombalgia"}),
    ("J18.9", {"de": "Pneumonie, nicht näher bezeichnet", "fr": "Pneumopathie, sans précision", "en": "Pneumonia, unspecified", "es": "Neumonía, no especificada", "nl": "Pneumonie, niet gespecificeerd", "it": "Polmonite, non specificata"}),
    ("I21.9", {"de": "Akuter Myokardinfarkt", "fr": "Infarctus aigu du myocarde", "en": "Acute myocardial infarction", "es": "Infarto agudo de miocardio", "nl": "Acuut myocardinfarct", "it": "Infarto miocardico acuto"}),
    ("C50.9", {"de": "Bösartige Neubildung der Brustdrüse", "fr": "Tumeur maligne du sein", "en": "Malignant neoplasm of breast", "es": "Tumor maligno de la mama", "nl": "Maligne neoplasma van borst", "it": "Tumore maligno della mammella"}),
    ("K35.8", {"de": "Akute Appendizitis", "fr": "Appendicite aiguë", "en": "Acute appendicitis", "es": "Apendicitis aguda", "nl": "Acute appendicitis", "it": "Appendicite acuta"}),
    ("N39.0", {"de": "Harnwegsinfektion", "fr": "Infection des voies urinaires", "en": "Urinary tract infection", "es": "Infección de vías urinarias", "nl": "Urineweginfectie", "it": "Infezione delle vie urinarie"}),
    ("G43.9", {"de": "Migräne", "fr": "Migraine", "en": "Migraine", "es": "Migraña", "nl": "Migraine", "it": "Emicrania"}),
    ("E66.9", {"de": "Adipositas", "fr": "Obésité", "en": "Obesity", "es": "Obesidad", "nl": "Obesitas", "it": "Obesità"}),
    ("I48.9", {"de": "Vorhofflimmern", "fr": "Fibrillation auriculaire", "en": "Atrial fibrillation", "es": "Fibrilación auricular", "nl": "Atriumfibrilleren", "it": "Fibrillazione atriale"}),
    ("J44.9", {"de": "Chronische obstruktive Lungenkrankheit", "fr": "Bronchopneumopathie chronique obstructive", "en": "Chronic obstructive pulmonary disease", "es": "Enfermedad pulmonar obstructiva crónica", "nl": "Chronische obstructieve longziekte", "it": "Broncopneumopatia cronica ostruttiva"}),
    ("F41.1", {"de": "Generalisierte Angststörung", "fr": "Anxiété généralisée", "en": "Generalized anxiety disorder", "es": "Trastorno de ansiedad generalizada", "nl": "Gegeneraliseerde angststoornis", "it": "Disturbo d'ansia generalizzato"}),
    ("S72.0", {"de": "Schenkelhalsfraktur", "fr": "Fracture du col du fémur", "en": "Fracture of neck of femur", "es": "Fractura del cuello del fémur", "nl": "Collumfractuur", "it": "Frattura del collo del femore"}),
    ("A09", {"de": "Gastroenteritis", "fr": "Gastro-entérite", "en": "Gastroenteritis", "es": "Gastroenteritis", "nl": "Gastro-enteritis", "it": "Gastroenterite"}),
    ("N18.3", {"de": "Chronische Nierenkrankheit Stadium 3", "fr": "Maladie rénale chronique stade 3", "en": "Chronic kidney disease, stage 3", "es": "Enfermedad renal crónica estadio 3", "nl": "Chronische nierziekte stadium 3", "it": "Malattia renale cronica stadio 3"}),
]
NOTES = {
    "de": ["Kunde {name} hat am {date} angerufen, bitte Rückruf unter {phone}.",
           "Lastschrift von IBAN {iban} zurückgegeben, {name} per E-Mail an {email} informiert.",
           "Adresse geändert auf {street}, {postcode} {city}. Bestätigung an {email} geschickt.",
           "Keine Beanstandungen, Vertrag verlängert."],
    "fr": ["Le client {name} a appelé le {date}, merci de le rappeler au {phone}.",
           "Prélèvement rejeté sur l'IBAN {iban}, {name} prévenu par courriel à {email}.",
           "Nouvelle adresse : {street}, {postcode} {city}. Confirmation envoyée à {email}.",
           "Aucune réclamation, contrat renouvelé."],
    "en": ["{name} rang on {date} about the bill, please call back on {phone}.",
           "Direct debit from {iban} bounced; {name} was told by e-mail at {email}.",
           "Moved to {street}, {city} {postcode}. Confirmation sent to {email}.",
           "No complaints, contract renewed for another year."],
    "es": ["El cliente {name} llamó el {date}, devolver la llamada al {phone}.",
           "Recibo devuelto en la cuenta {iban}; se avisó a {name} por correo a {email}.",
           "Nueva dirección: {street}, {postcode} {city}. Confirmación enviada a {email}.",
           "Sin incidencias, contrato renovado por un año."],
    "nl": ["Klant {name} belde op {date}, graag terugbellen op {phone}.",
           "Incasso van rekening {iban} gestorneerd; {name} per mail ingelicht via {email}.",
           "Verhuisd naar {street}, {postcode} {city}. Bevestiging gestuurd naar {email}.",
           "Geen klachten, contract met een jaar verlengd."],
    "it": ["Il cliente {name} ha chiamato il {date}, richiamare al numero {phone}.",
           "Addebito respinto sull'IBAN {iban}; {name} avvisato via email a {email}.",
           "Nuovo indirizzo: {street}, {postcode} {city}. Conferma inviata a {email}.",
           "Nessun reclamo, contratto rinnovato per un anno."],
}
COUNTRY_CODES = {"de_DE": "+49", "fr_FR": "+33", "en_GB": "+44", "es_ES": "+34", "nl_NL": "+31", "it_IT": "+39"}
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _steuer_id(r: random.Random) -> str:
    from privsynth.detect.validators import de_tax_id

    while True:
        digits = r.sample("0123456789", 9)
        if digits[0] == "0":
            continue
        d = digits + [r.choice(digits)]
        r.shuffle(d)
        if d[0] == "0":
            continue
        for c in "0123456789":
            if de_tax_id("".join(d) + c):
                return "".join(d) + c


def _nino(r: random.Random) -> str:
    from privsynth.detect.validators import uk_nino

    while True:
        s = (r.choice("ABCEGHJKLMNOPRSTWXYZ") + r.choice("ABCEGHJKLMNPRSTWXYZ") + f"{r.randrange(10**6):06d}" + r.choice("ABCD"))
        if uk_nino(s):
            return f"{s[:2]} {s[2:4]} {s[4:6]} {s[6:8]} {s[8]}" if r.random() < 0.5 else s


def _ascii(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s.replace("ß", "ss"))
    return re.sub(r"[^a-z0-9.@_-]", "", "".join(ch for ch in s if not unicodedata.combining(ch)).lower())


def _money(x: float, lang: str, style: int) -> object:
    if style == 0:
        return round(x, 2)  # a float
    s = f"{x:,.2f}"  # 1,234.56
    if lang in ("de", "es", "it", "nl"):
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    elif lang == "fr":
        s = s.replace(",", "\u202f").replace(".", ",")
    if style == 2:
        s = (s + " €") if lang != "en" else ("£" + s)
    return s


def _date_store(d: dt.date, storage: str) -> object:
    if storage == "yyyymmdd":
        return int(d.strftime("%Y%m%d"))
    if storage == "excel":
        return (d - EXCEL_EPOCH).days
    if storage == "epoch":
        return int(dt.datetime(d.year, d.month, d.day, 12, 0).replace(tzinfo=dt.timezone.utc).timestamp())
    if storage == "dmy_dots":
        return d.strftime("%d.%m.%Y")
    if storage == "dmy_slash":
        return d.strftime("%d/%m/%Y")
    return d.isoformat()


def _record_ids(n: int, r: random.Random, style: int, prefix: str) -> list:
    if style == 0:
        start = r.randrange(1, 100_000)
        return list(range(start, start + n))
    if style == 1:
        return [f"{prefix}-{r.randrange(2015, 2025)}-{i:05d}" for i in r.sample(range(1, 99_999), n)]
    if style == 2:
        import uuid

        return [str(uuid.UUID(int=r.getrandbits(128), version=4)) for _ in range(n)]
    return r.sample(range(10_000_000, 99_999_999), n)  # fixed-width random account numbers


def make_table(template: str, locale: str, seed: int, n: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """One table (native headers) and its column -> key map."""
    from faker import Faker

    lang = LANG[locale]
    f = Faker(locale)
    f.seed_instance(seed)
    r = random.Random(seed * 7919 + sum(map(ord, template + locale)))
    keys = COLUMNS[template]
    date_storages = ["yyyymmdd", "excel", "epoch", "dmy_dots", "dmy_slash", "iso"]

    def natid() -> str:
        if locale == "de_DE":
            return _steuer_id(r)
        if locale == "en_GB":
            return _nino(r)
        if locale == "es_ES":
            return f.nif() if r.random() < 0.85 else f.nie()
        return f.ssn()

    people = []
    for _ in range(n):
        first, last = f.first_name(), f.last_name()
        born = f.date_of_birth(minimum_age=18, maximum_age=90)
        people.append({"first": first, "last": last, "born": born, "city": f.city(), "postcode": f.postcode(),
                       "street": f.street_address(), "phone": f.phone_number(),
                       "email": _ascii(f"{first}.{last}@{f.free_email_domain()}"), "iban": f.iban()})
    today = dt.date(2026, 11, 1)
    cols: dict[str, list] = {}
    dob_storage = r.choice(date_storages)
    other_storage = r.choice(date_storages)
    money_style = r.randrange(3)
    gender_words = GENDER_WORDS[lang] if r.random() < 0.5 else GENDER_CODES[lang]
    for k in keys:
        if k == "id":
            cols[k] = _record_ids(n, r, r.randrange(4), {"customer": "KD", "telco": "ACC", "patient": "PAT", "hr": "EMP"}[template])
        elif k in ("first", "last", "street", "postcode", "city", "email", "iban"):
            cols[k] = [p[k] for p in people]
        elif k == "name":
            cols[k] = [f"{p['first']} {p['last']}" for p in people]
        elif k in ("phone", "contact_no"):
            cols[k] = [p["phone"] for p in people]
        elif k in ("mobile", "fax"):
            cols[k] = [f.phone_number() for _ in range(n)]
        elif k == "natid":
            cols[k] = [natid() for _ in range(n)]
        elif k == "dob":
            cols[k] = [_date_store(p["born"], dob_storage) for p in people]
        elif k == "age":
            cols[k] = [(today - p["born"]).days // 365 for p in people]
        elif k == "gender":
            cols[k] = [r.choice(gender_words) for _ in range(n)]
        elif k == "job":
            cols[k] = [f.job() for _ in range(n)]
        elif k in ("income", "salary"):
            cols[k] = [_money(r.lognormvariate(10.5, 0.5), lang, money_style) for _ in range(n)]
        elif k == "revenue":
            cols[k] = [_money(r.lognormvariate(7.5, 1.0), lang, max(1, money_style)) for _ in range(n)]
        elif k in ("signup", "contract_start", "admission", "hire"):
            storage = other_storage if k != "contract_start" else "dmy_dots"
            cols[k] = [_date_store(f.date_between(dt.date(2010, 1, 1), today), storage) for _ in range(n)]
        elif k == "segment":
            segs = SEGMENTS[:3] if r.random() < 0.5 else SEGMENTS[3:]
            cols[k] = [r.choice(segs) for _ in range(n)]
        elif k == "newsletter":
            cols[k] = [r.choice(YESNO[lang]) for _ in range(n)]
        elif k == "notes":
            tpl = NOTES[lang]
            cols[k] = [r.choice(tpl).format(name=f"{p['first']} {p['last']}", date=f.date(pattern="%d.%m.%Y"), phone=p["phone"],
                                            iban=p["iban"], email=p["email"], street=p["street"], postcode=p["postcode"], city=p["city"])
                       for p in people]
        elif k == "cc":
            own = COUNTRY_CODES[locale]
            others = [c for c in COUNTRY_CODES.values() if c != own] + ["+41", "+43", "+32", "+48"]
            cols[k] = [own if r.random() < 0.7 else r.choice(others) for _ in range(n)]
        elif k == "minutes":
            cols[k] = [r.randrange(20, 900) for _ in range(n)]
        elif k == "data_gb":
            cols[k] = [round(r.uniform(0.1, 60), 1) for _ in range(n)]
        elif k == "tariff":
            cols[k] = [r.choice(TARIFFS[lang]) for _ in range(n)]
        elif k == "ip":
            cols[k] = [f.ipv4_public() if r.random() < 0.8 else f.ipv6() for _ in range(n)]
        elif k == "diag_code":
            cols[k] = [r.choice(DIAG)[0] for _ in range(n)]
        elif k == "diag_text":
            cols[k] = [r.choice(DIAG)[1][lang] for _ in range(n)]
        elif k == "los":
            cols[k] = [max(1, int(r.expovariate(1 / 5))) for _ in range(n)]
        elif k == "lab":
            cols[k] = [round(r.gauss(5.4, 1.2), 3) for _ in range(n)]
        elif k == "dept":
            cols[k] = [r.choice(DEPTS[lang]) for _ in range(n)]
        elif k == "hours":
            cols[k] = [r.choice([20, 25, 30, 35, 38, 39, 40]) for _ in range(n)]
        elif k == "scans":
            cols[k] = [r.randrange(100, 5000) for _ in range(n)]
        else:  # pragma: no cover
            raise KeyError(k)
    headers = [H[k][lang] for k in keys]
    df = pd.DataFrame({h: cols[k] for h, k in zip(headers, keys)})
    return df, dict(zip(headers, keys))


@dataclass
class EvalTable:
    name: str  # e.g. faker/customer/de_DE/1
    part: str  # tune | heldout
    variant: str  # native | blind | abbrev
    df: pd.DataFrame
    truth: dict[str, tuple[str, object]]  # column (as in df) -> (category, entity)
    source: str  # faker | public


def _abbrev_word(w: str) -> str:
    w = re.sub(r"[^a-z0-9]", "", w.lower())
    if len(w) <= 3:
        return w
    cons = w[0] + re.sub(r"[aeiou]", "", w[1:])
    return cons[:4]


def _abbrev_public(col: str, i: int, r: random.Random) -> str:
    if r.random() < 0.33:
        return f"fld_{i + 1:02d}"
    from privsynth.detect.header_hints import normalise

    words = normalise(col).split() or [col]
    out = "_".join(_abbrev_word(w) for w in words[:2])
    return (r.choice(["x_", "", ""]) + out) if out else f"fld_{i + 1:02d}"


def _variants(name: str, part: str, df: pd.DataFrame, truth: dict, source: str, abbrev: list[str]) -> Iterator[EvalTable]:
    cols = list(df.columns)
    yield EvalTable(name, part, "native", df, truth, source)
    blind = [f"c{i + 1}" for i in range(len(cols))]
    yield EvalTable(name, part, "blind", df.set_axis(blind, axis=1), {b: truth[c] for b, c in zip(blind, cols)}, source)
    # abbreviations must stay distinct column names
    seen: set[str] = set()
    ab = []
    for i, a in enumerate(abbrev):
        a = a if a not in seen else f"{a}_{i + 1}"
        seen.add(a)
        ab.append(a)
    yield EvalTable(name, part, "abbrev", df.set_axis(ab, axis=1), {b: truth[c] for b, c in zip(ab, cols)}, source)


def faker_specs() -> list[tuple[str, str, str, int]]:
    """(part, template, locale, seed), fixed."""
    specs = []
    for t in TEMPLATES_A:
        for loc in LOCALES_A:
            for s in (1, 2):
                specs.append(("tune", t, loc, s))
    i = 0
    for t in TEMPLATES_A + TEMPLATES_B:
        for loc in LOCALES_A + LOCALES_B:
            if t in TEMPLATES_A and loc in LOCALES_A:
                continue
            specs.append(("heldout", t, loc, 1000 + i))
            specs.append(("heldout2", t, loc, 9000 + i))
            i += 1
    return specs


ROWS = (6, 40, 80, 150, 400)


def faker_tables(part: str) -> Iterator[EvalTable]:
    for p, t, loc, seed in faker_specs():
        if part not in (p, "all"):
            continue
        n = ROWS[(seed * 3 + len(t) + (p == "heldout2")) % len(ROWS)]
        df, keys = make_table(t, loc, seed, n)
        truth = {c: TRUTH[k] for c, k in keys.items()}
        r = random.Random(seed)
        abbrev = [f"fld_{i + 1:02d}" if r.random() < 0.3 else A[k][LANG[loc]] for i, k in enumerate(keys.values())]
        yield from _variants(f"faker/{t}/{loc}/{seed}", p, df, truth, "faker", abbrev)


def data_dir() -> Path | None:
    for d in DATA_DIRS:
        if d.exists():
            return d
    return None


def public_tables(part: str, max_rows: int = 3000) -> Iterator[EvalTable]:
    from privsynth.io import read_table

    base = data_dir()
    if base is None:
        print("public tables absent: ../shared/data (not part of the repository); Faker tables only", file=sys.stderr)
        return
    gt = yaml.safe_load(GT_PUBLIC.read_text())
    for name, spec in gt.items():
        p = "tune" if name in PUBLIC_TUNE else "heldout2" if name in PUBLIC_HELDOUT2 else "heldout"
        if part not in (p, "all"):
            continue
        df = read_table(base / spec["path"])
        if len(df) > max_rows:  # same rows every run
            df = df.sample(n=max_rows, random_state=0).reset_index(drop=True)
        if "same_as" in spec:  # another file of the same codebook: the labels of that table, under this file's names
            base_cols = gt[spec["same_as"]]["columns"]
            spec_cols = {c: base_cols[spec.get("rename", {}).get(c, c)] for c in df.columns}
        else:
            spec_cols = spec["columns"]
        truth = {c: (lab["category"], lab.get("entity")) for c, lab in spec_cols.items()}
        r = random.Random(sum(map(ord, name)))
        abbrev = [_abbrev_public(c, i, r) for i, c in enumerate(df.columns)]
        yield from _variants(f"public/{name}", p, df, truth, "public", abbrev)


def tables(part: str) -> Iterator[EvalTable]:
    """Every evaluation table of a part ("tune", "heldout", "heldout2" or "all"), three header variants each."""
    yield from faker_tables(part)
    yield from public_tables(part)


if __name__ == "__main__":  # print the split and a preview
    for p, t, loc, seed in faker_specs():
        print(p, t, loc, seed, ROWS[(seed * 3 + len(t) + (p == "heldout2")) % len(ROWS)], "rows")
    for tb in tables(sys.argv[1] if len(sys.argv) > 1 else "tune"):
        if tb.variant != "native":
            continue
        print(f"\n== {tb.name} ({tb.part}) {tb.df.shape}")
        print(tb.df.head(3).to_string(max_colwidth=30))
