"""Names, contact details and record keys (direct identifiers).

One `register(EntityType(...))` per entity type; see privsynth/entities/model.py for the fields."""

from __future__ import annotations

from privsynth.entities import fakes
from privsynth.entities.fakes import faker_method
from privsynth.entities.model import ANY_LANGUAGE, DIRECT, STRONG, EntityType, register

PERSON = register(EntityType(
    name='PERSON',
    category=DIRECT,
    display_name='Person name',
    description="A person's full name.",
    specificity=4,
    header_hints={ANY_LANGUAGE: (
                      'name', 'full name', 'fullname', 'person', 'person name', 'customer name', 'client name',
                      'patient name', 'employee name', 'contact name', 'nom complet', 'nombre completo', 'nome completo',
                      'naam', 'imie i nazwisko', 'mothers maiden', 'mothers maiden name', 'maiden name', 'mother maiden',
                      'nom', 'nombre', 'nome', 'namn', 'nimi', 'contact', 'customer', 'patient', 'employee', 'owner',
                      'holder', 'cardholder', 'account holder', 'recipient', 'sender', 'author', 'signatory',
                      'beneficiary', 'spouse', 'guardian'
                  ),
                  'de': ('vollstandiger name', 'kundenname'),
                  'fr': ('nom prenom',),
                  'es': ('nombre y apellidos',),
                  'nl': ('volledige naam', 'klantnaam'),
                  'it': ('nominativo', 'nome e cognome'),
              },
    surrogate='name',
    fake=faker_method("name"),
    spacy_labels=('PERSON', 'PER'),
))

FIRST_NAME = register(EntityType(
    name='FIRST_NAME',
    category=DIRECT,
    display_name='First name',
    description="A person's given name(s).",
    header_hints={ANY_LANGUAGE: (
                      'first name', 'firstname', 'given name', 'givenname', 'forename', 'fname', 'first', 'vorname',
                      'prenom', 'primer nombre', 'nome proprio', 'voornaam', 'imie', 'fornamn', 'etunimi', 'middle name',
                      'middle initial', 'middleinitial'
                  ),
                  'de': ('rufname',),
                  'es': ('nombre de pila',),
                  'nl': ('roepnaam',),
                  'it': ('nome di battesimo',),
              },
    surrogate='name',
    fake=faker_method("first_name"),
))

LAST_NAME = register(EntityType(
    name='LAST_NAME',
    category=DIRECT,
    display_name='Last name',
    description="A person's family name.",
    header_hints={ANY_LANGUAGE: (
                      'last name', 'lastname', 'surname', 'family name', 'familyname', 'lname', 'last', 'nachname',
                      'familienname', 'nom de famille', 'apellido', 'apellidos', 'cognome', 'achternaam', 'nazwisko',
                      'efternamn', 'sukunimi'
                  ),
                  'de': ('zuname',),
                  'fr': ('nom famille',),
                  'es': ('primer apellido',),
                  'nl': ('familienaam',),
              },
    surrogate='name',
    fake=faker_method("last_name"),
))

EMAIL_ADDRESS = register(EntityType(
    name='EMAIL_ADDRESS',
    category=DIRECT,
    display_name='E-mail address',
    description='An e-mail address; usually names one person.',
    source='RFC 5322 (addr-spec)',
    strength=STRONG,
    specificity=10,
    presidio=('EmailRecognizer',),
    header_hints={ANY_LANGUAGE: (
                      'email', 'e mail', 'email address', 'emailaddress', 'mail', 'courriel', 'correo',
                      'correo electronico', 'posta elettronica', 'e post', 'epost', 'sahkoposti', 'adresse email',
                      'mail address'
                  ),
                  'de': ('e mail adresse', 'email adresse', 'mailadresse'),
                  'fr': ('adresse electronique', 'adresse mail', 'adresse e mail', 'mel'),
                  'es': ('direccion de correo',),
                  'nl': ('e mailadres', 'emailadres', 'mailadres'),
                  'it': ('indirizzo email', 'indirizzo e mail', 'pec'),
                  'en': ('eml', 'e mail address'),
              },
    digitless=True,
    surrogate='email',
    fake=fakes.email,
    reserved_range="RFC 2606/6761 domains: example.com/.net/.org, .example, .test",
))

PHONE_NUMBER = register(EntityType(
    name='PHONE_NUMBER',
    category=DIRECT,
    display_name='Phone number',
    description='A telephone number.',
    source='ITU-T E.164; parsed with the phonenumbers library (libphonenumber metadata)',
    strength=STRONG,
    specificity=5,
    presidio=('PhoneRecognizer',),
    header_hints={ANY_LANGUAGE: (
                      'phone', 'telephone', 'tel', 'telefon', 'telefono', 'telephone number', 'telephonenumber',
                      'phone number', 'mobile', 'mobile number', 'cell', 'cellphone', 'handy', 'portable', 'movil',
                      'cellulare', 'fax', 'gsm', 'telefoonnummer', 'numer telefonu', 'puhelin', 'contact number',
                      'phone no', 'tel no'
                  ),
                  'en': ('mobile no', 'mobile phone', 'fax no', 'fax number', 'landline', 'cell no', 'cell phone', 'tel no 1', 'phone 1', 'phone 2', 'contact phone'),
                  'de': ('telefonnummer', 'telefon nr', 'tel nr', 'handynummer', 'handy nr', 'mobilnummer', 'mobil', 'mobiltelefon', 'festnetz', 'rufnummer', 'fax nr', 'faxnummer', 'kontakt nr', 'kontaktnummer', 'kontakttelefon'),
                  'fr': ('numero de telephone', 'num tel', 'no tel', 'tel portable', 'telephone portable', 'telephone fixe', 'telecopie', 'numero portable', 'no contact', 'numero contact'),
                  'es': ('tfno', 'tlf', 'telf', 'celular', 'numero de telefono', 'num telefono', 'telefono movil', 'telefono fijo', 'num contacto', 'telefono contacto'),
                  'nl': ('telefoon', 'telefoon nr', 'tel nr', 'mobiel', 'mobiel nummer', 'mobiele telefoon', 'faxnummer', 'contactnummer', 'contactnr'),
                  'it': ('numero di telefono', 'num tel', 'telefono cellulare', 'telefono fisso', 'n contatto', 'numero contatto', 'recapito telefonico'),
              },
    surrogate='phone',
    fake=fakes.fiction_phone,
    reserved_range="numbers set aside for drama: Ofcom (GB), NANPA 555-0100..0199 (US/CA), ACMA 5550 xxxx (AU); elsewhere a GB drama number",
))

STREET_ADDRESS = register(EntityType(
    name='STREET_ADDRESS',
    category=DIRECT,
    display_name='Street address',
    description='A postal address down to the street or house.',
    source='Universal Postal Union address formats (S42)',
    strength=STRONG,
    specificity=6,
    header_hints={ANY_LANGUAGE: (
                      'address', 'street', 'street address', 'streetaddress', 'address line', 'address line 1',
                      'address1', 'address 1', 'address2', 'addr', 'adresse', 'anschrift', 'strasse', 'direccion',
                      'calle', 'indirizzo', 'via', 'adres', 'straat', 'adress', 'gatuadress', 'osoite', 'home address',
                      'postal address', 'residence'
                  ),
                  'en': ('address line1', 'address line 2', 'addr1', 'addr line1', 'street name', 'house number'),
                  'de': ('strasse hausnummer', 'str', 'hausnummer', 'hausnr', 'wohnadresse', 'strasse und hausnummer'),
                  'fr': ('adresse postale', 'rue', 'voie', 'adresse 1', 'numero et rue'),
                  'es': ('domicilio', 'direccion postal', 'via publica', 'calle y numero'),
                  'nl': ('straatnaam', 'huisnummer', 'woonadres', 'straat en huisnummer'),
                  'it': ('residenza', 'indirizzo di residenza', 'via e numero civico', 'numero civico'),
              },
    digitless=True,
    surrogate='street_address',
    fake=faker_method("street_address"),
))

USERNAME = register(EntityType(
    name='USERNAME',
    category=DIRECT,
    display_name='User name',
    description='An account name or handle.',
    header_hints={ANY_LANGUAGE: (
                      'username', 'user name', 'user', 'login', 'user id', 'userid', 'handle', 'screen name',
                      'benutzername', 'nom d utilisateur', 'nombre de usuario', 'account name', 'nickname', 'alias'
                  )},
    fake=fakes.username,
))

PASSWORD = register(EntityType(
    name='PASSWORD',
    category=DIRECT,
    display_name='Password',
    description='A secret credential.',
    header_hints={ANY_LANGUAGE: (
                      'password', 'passwd', 'pwd', 'pass', 'passwort', 'mot de passe', 'contrasena', 'parola d ordine',
                      'wachtwoord', 'haslo', 'pin', 'secret'
                  )},
    fake=faker_method("password", length=12),
))

URL = register(EntityType(
    name='URL',
    category=DIRECT,
    display_name='URL',
    description='A web address; profile or personal pages point at one person.',
    source='RFC 3986',
    strength=STRONG,
    specificity=4,
    presidio=('UrlRecognizer',),
    header_hints={ANY_LANGUAGE: ('url', 'website', 'web site', 'homepage', 'domain', 'link', 'profile url', 'site web', 'sitio web')},
    digitless=True,
    surrogate='url',
    fake=faker_method("url"),
))

RECORD_ID = register(EntityType(
    name='RECORD_ID',
    category=DIRECT,
    display_name='Record identifier',
    description='A key that is unique per person or record (customer number, MRN).',
    header_hints={ANY_LANGUAGE: (
                      'id', 'record id', 'customer id', 'client id', 'patient id', 'employee id', 'member id',
                      'student id', 'account id', 'person id', 'uuid', 'guid', 'key', 'identifier', 'number', 'no', 'nr',
                      'kundennummer', 'mrn', 'medical record number', 'case id', 'serialno', 'serial no', 'ticket'
                  ),
                  'en': ('customer no', 'customer ref', 'cust ref', 'cust no', 'client no', 'member no', 'reference no', 'ref no', 'record no', 'case no', 'patient no', 'employee no', 'emp no', 'staff no'),
                  'de': ('kunden nr', 'kundennr', 'kd nr', 'kdnr', 'mitgliedsnummer', 'personalnummer', 'personal nr', 'pers nr', 'vertragsnummer', 'vertrags nr', 'fallnummer', 'patientennummer', 'patienten nr', 'aktenzeichen', 'lfd nr', 'laufende nummer'),
                  'fr': ('numero client', 'num client', 'no client', 'n client', 'id client', 'identifiant', 'numero dossier', 'num dossier', 'matricule', 'numero adherent', 'numero patient'),
                  'es': ('numero cliente', 'num cliente', 'n cliente', 'id cliente', 'numero de cliente', 'expediente', 'numero expediente', 'identificador', 'numero empleado', 'numero paciente', 'historia clinica'),
                  'nl': ('klantnummer', 'klantnr', 'klant nr', 'klant id', 'dossiernummer', 'personeelsnummer', 'relatienummer', 'patientnummer', 'lidnummer'),
                  'it': ('codice cliente', 'cod cliente', 'numero cliente', 'id cliente', 'matricola', 'numero pratica', 'codice paziente', 'numero tessera'),
              },
    fake=fakes.record_id,
))
