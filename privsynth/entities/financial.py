"""Payment, bank and tax identifiers, and financial circumstances.

One `register(EntityType(...))` per entity type; see privsynth/entities/model.py for the fields."""

from __future__ import annotations

from privsynth.entities import fakes
from privsynth.entities.fakes import faker_method
from privsynth.entities.model import (ANY_LANGUAGE, DIRECT, SENSITIVE, STRONG, EntityType, PatternSpec, RecognizerSpec, register)

CREDIT_CARD = register(EntityType(
    name='CREDIT_CARD',
    category=DIRECT,
    display_name='Payment card number',
    description='A payment card number (PAN).',
    source='ISO/IEC 7812-1; Luhn check digit',
    strength=STRONG,
    specificity=9,
    presidio=('CreditCardRecognizer',),
    header_hints={ANY_LANGUAGE: (
                      'credit card', 'creditcard', 'cc', 'ccnumber', 'cc number', 'card number', 'cardnumber', 'card',
                      'pan', 'kreditkarte', 'carte bancaire', 'numero de carte', 'tarjeta', 'numero tarjeta',
                      'carta di credito'
                  )},
    surrogate='card',
    fake=faker_method("credit_card_number"),
))

CREDIT_CARD_DAMAGED = register(EntityType(
    name='CREDIT_CARD_DAMAGED',
    category=DIRECT,
    display_name='Payment card number (damaged)',
    description='A card number a spreadsheet turned into scientific notation: still the leading digits of a real card.',
    source='ISO/IEC 7812-1',
    strength=STRONG,
    specificity=9,
    recognizers=(
        RecognizerSpec('CardScientificNotation', (PatternSpec('sci', r"(?<![\w.])[1-9]\.\d{1,14}[Ee]\+1[2-8](?![\w.])", 0.6),),
                       context=('card', 'credit', 'cc'), validator=None),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    digitless=True,
    surrogate='card',
    fake=fakes.card_damaged,
))

IBAN_CODE = register(EntityType(
    name='IBAN_CODE',
    category=DIRECT,
    display_name='IBAN',
    description='An international bank account number.',
    source='ISO 13616-1:2020; check digits ISO 7064 MOD 97-10',
    strength=STRONG,
    specificity=10,
    recognizers=(
        RecognizerSpec('IbanAllCountries', (PatternSpec('iban', r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", 0.5),),
                       context=('iban', 'account'), validator='iban'),
    ),
    presidio=('IbanRecognizer',),
    why_own="Replaces Presidio's IbanRecognizer: ours checks the country's length as well as ISO 7064 mod-97.",
    replaces_presidio=True,
    header_hints={ANY_LANGUAGE: (
                      'iban', 'bank account', 'account number', 'accountnumber', 'kontonummer', 'konto', 'rib', 'cuenta',
                      'numero de cuenta', 'conto', 'rekeningnummer', 'bic', 'swift'
                  )},
    surrogate='iban',
    fake=faker_method("iban"),
))

EU_VAT = register(EntityType(
    name='EU_VAT',
    category=DIRECT,
    display_name='EU VAT number',
    description='A VAT identification number; for sole traders it identifies a person.',
    source='Council Directive 2006/112/EC Art. 214-215; VIES national formats',
    strength=STRONG,
    specificity=8,
    recognizers=(
        RecognizerSpec('EuVatValidated', (PatternSpec('vat', r"\b(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|GB)[ ]?[A-Z0-9+*]{8,12}\b", 0.5),),
                       context=('vat', 'mwst', 'ust-idnr', 'tva', 'iva', 'btw'), validator='eu_vat'),
    ),
    why_own='presidio-analyzer 2.2 ships no recognizer for it.',
    fake=faker_method("ssn"),
))

US_BANK_NUMBER = register(EntityType(
    name='US_BANK_NUMBER',
    category=DIRECT,
    display_name='US bank account number',
    description="A US bank account number (Presidio's recognizer).",
    presidio=('UsBankRecognizer',),
))

CRYPTO = register(EntityType(
    name='CRYPTO',
    category=DIRECT,
    display_name='Crypto wallet address',
    description="A cryptocurrency wallet address (Presidio's recognizer).",
    source='Bitcoin base58check / bech32 (BIP 173)',
    strength=STRONG,
    specificity=7,
    presidio=('CryptoRecognizer',),
    digitless=True,
))

INCOME = register(EntityType(
    name='INCOME',
    category=SENSITIVE,
    display_name='Income',
    description='Income, salary or wages.',
    header_hints={ANY_LANGUAGE: (
                      'income', 'salary', 'wage', 'wages', 'pay', 'earnings', 'revenue', 'pincp', 'hincp', 'fincp',
                      'wagp', 'capital gain', 'capital loss', 'capital gains', 'einkommen', 'gehalt', 'lohn', 'revenu',
                      'salaire', 'ingresos', 'salario', 'reddito', 'stipendio', 'inkomen', 'povpip', 'poverty',
                      'pincp decile', 'annual income'
                  ),
                  'de': ('jahreseinkommen', 'bruttogehalt', 'nettogehalt', 'nettoeinkommen', 'bruttoeinkommen'),
                  'fr': ('revenus', 'revenu annuel', 'salaire annuel', 'remuneration'),
                  'es': ('sueldo', 'renta', 'ingresos anuales'),
                  'nl': ('salaris', 'loon', 'jaarinkomen', 'bruto salaris'),
                  'it': ('retribuzione', 'reddito annuo'),
              },
))

FINANCIAL = register(EntityType(
    name='FINANCIAL',
    category=SENSITIVE,
    display_name='Financial data',
    description='Balances, debts, credit scores and other financial circumstances.',
    header_hints={ANY_LANGUAGE: (
                      'credit amount', 'amount', 'balance', 'debt', 'loan', 'credit score', 'credit', 'saving accounts',
                      'savings', 'checking account', 'checking', 'risk', 'credit risk', 'default', 'mortgage', 'cvv',
                      'cvv2', 'purpose', 'cvc', 'cctype', 'card type', 'ccexpires', 'card expiry', 'expiry date',
                      'expiration date', 'bank', 'net worth', 'assets'
                  ),
                  'de': ('umsatz', 'kontostand', 'betrag', 'saldo', 'schulden', 'kredit', 'kreditbetrag', 'jahresumsatz'),
                  'fr': ('chiffre d affaires', 'solde', 'montant', 'dette'),
                  'es': ('facturacion', 'importe', 'deuda', 'saldo'),
                  'nl': ('omzet', 'bedrag', 'schuld', 'saldo'),
                  'it': ('fatturato', 'importo', 'debito', 'saldo'),
                  'en': ('spend', 'turnover', 'amount due'),
              },
))
