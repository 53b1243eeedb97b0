"""Quasi-identifiers: attributes that single people out in combination (Sweeney 2002), and other non-special attributes.

One `register(EntityType(...))` per entity type; see privsynth/entities/model.py for the fields."""

from __future__ import annotations

from privsynth.entities import fakes
from privsynth.entities.fakes import faker_method
from privsynth.entities.model import ANY_LANGUAGE, DIRECT, QUASI, SENSITIVE, EntityType, register

POSTCODE = register(EntityType(
    name='POSTCODE',
    category=QUASI,
    display_name='Postcode',
    description='A postal code: narrows where a person lives.',
    source='Universal Postal Union postcode formats',
    specificity=2,
    header_hints={ANY_LANGUAGE: (
                      'zip', 'zipcode', 'zip code', 'postcode', 'post code', 'postal code', 'postalcode', 'plz',
                      'postleitzahl', 'code postal', 'cp', 'codigo postal', 'cap', 'postcode nl', 'kod pocztowy',
                      'postnummer', 'postinumero'
                  ),
                  'fr': ('c postal',),
                  'es': ('c postal', 'cod postal'),
                  'it': ('codice postale', 'codice di avviamento postale'),
              },
    fake=faker_method("postcode"),
))

CITY = register(EntityType(
    name='CITY',
    category=QUASI,
    display_name='City',
    description='A city or place of residence or birth.',
    header_hints={ANY_LANGUAGE: (
                      'city', 'town', 'ville', 'stadt', 'ort', 'wohnort', 'ciudad', 'citta', 'comune', 'stad', 'miasto',
                      'kaupunki', 'municipality', 'locality', 'place of residence', 'city of residence', 'birthplace',
                      'place of birth'
                  ),
                  'de': ('gemeinde', 'ortschaft', 'ortsname'),
                  'fr': ('commune', 'localite'),
                  'es': ('localidad', 'municipio', 'poblacion'),
                  'nl': ('woonplaats', 'plaats', 'gemeente', 'plaatsnaam'),
                  'it': ('localita', 'comune di residenza'),
                  'en': ('town city',),
              },
    surrogate='city',
    fake=faker_method("city"),
))

LOCATION = register(EntityType(
    name='LOCATION',
    category=QUASI,
    display_name='Location',
    description='A place: region, country or named location.',
    specificity=3,
    header_hints={ANY_LANGUAGE: (
                      'state', 'statefull', 'state full', 'province', 'region', 'county', 'district', 'country',
                      'countryfull', 'country full', 'land', 'pays', 'pais', 'paese', 'bundesland', 'departement',
                      'kanton', 'canton', 'geography', 'location', 'lat', 'latitude', 'lon', 'lng', 'longitude',
                      'neighbourhood', 'neighborhood', 'puma', 'area', 'country code', 'telephonecountrycode',
                      'telephone country code', 'domicile', 'density'
                  ),
                  'de': ('landervorwahl',),
                  'fr': ('indicatif pays',),
                  'es': ('prefijo pais',),
                  'nl': ('landcode',),
                  'it': ('prefisso internazionale',),
              },
    surrogate='city',
    fake=faker_method("city"),
    spacy_labels=('GPE', 'LOC', 'FAC'),
    aliases=('GPE',),
))

DATE_OF_BIRTH = register(EntityType(
    name='DATE_OF_BIRTH',
    category=QUASI,
    display_name='Date of birth',
    description='A date of birth: with postcode and gender it singles out most people (Sweeney 2000).',
    header_hints={ANY_LANGUAGE: (
                      'dob', 'birthdate', 'birth date', 'date of birth', 'birthday', 'born', 'geburtsdatum',
                      'geburtstag', 'date de naissance', 'fecha de nacimiento', 'data di nascita', 'geboortedatum',
                      'data urodzenia', 'fodelsedatum', 'syntymaaika', 'bday', 'birth'
                  ),
                  'de': ('geb datum', 'gebdat', 'geb dat', 'geboren am'),
                  'fr': ('date naissance', 'dt naissance', 'ne le', 'nee le'),
                  'es': ('fecha nacimiento', 'f nacimiento', 'fec nac', 'f nac'),
                  'nl': ('geb datum', 'geboren op'),
                  'it': ('data nascita', 'nato il', 'dt nascita'),
              },
    surrogate='date',
    fake=fakes.date_of_birth,
))

DATE_TIME = register(EntityType(
    name='DATE_TIME',
    category=QUASI,
    display_name='Date or time',
    description='A date or time of an event about a person.',
    source='ISO 8601 and common national formats',
    specificity=2,
    presidio=('DateRecognizer',),
    header_hints={ANY_LANGUAGE: (
                      'date', 'time', 'timestamp', 'datetime', 'created', 'created at', 'updated', 'start date',
                      'end date', 'admission date', 'discharge date', 'visit date', 'event date', 'datum', 'fecha',
                      'data'
                  ),
                  'de': ('erstellt am', 'geandert am'),
              },
    surrogate='date',
    fake=fakes.date_time,
    spacy_labels=('DATE', 'TIME'),
))

AGE = register(EntityType(
    name='AGE',
    category=QUASI,
    display_name='Age',
    description="A person's age in years.",
    specificity=3,
    header_hints={ANY_LANGUAGE: (
                      'age', 'alter', 'edad', 'eta', 'leeftijd', 'wiek', 'alder', 'ika', 'agep', 'age years',
                      'years old'
                  ),
                  'de': ('alter in jahren', 'lebensalter'),
                  'fr': ('age ans',),
                  'es': ('anos',),
                  'it': ('anni',),
              },
    fake=fakes.age,
))

GENDER = register(EntityType(
    name='GENDER',
    category=QUASI,
    display_name='Gender',
    description="A person's sex or gender.",
    header_hints={ANY_LANGUAGE: (
                      'gender', 'sex', 'geschlecht', 'sexe', 'genre', 'sexo', 'genero', 'sesso', 'geslacht', 'plec',
                      'kon', 'sukupuoli'
                  ),
                  'it': ('genere',),
              },
))

NATIONALITY = register(EntityType(
    name='NATIONALITY',
    category=QUASI,
    display_name='Nationality',
    description="A person's nationality or country of birth.",
    header_hints={ANY_LANGUAGE: (
                      'nationality', 'citizenship', 'nationalitat', 'staatsangehorigkeit', 'nationalite', 'nacionalidad',
                      'nazionalita', 'nationaliteit', 'native country', 'country of birth', 'nameset', 'name set',
                      'nativity'
                  )},
    surrogate='nationality',
    fake=faker_method("country"),
))

NRP = register(EntityType(
    name='NRP',
    category=QUASI,
    display_name='Nationality, religious or political group',
    description="spaCy's NORP label: nationalities, religious or political groups.",
    specificity=2,
    surrogate='nationality',
    spacy_labels=('NORP',),
))

OCCUPATION = register(EntityType(
    name='OCCUPATION',
    category=QUASI,
    display_name='Occupation',
    description='Job, profession or industry.',
    header_hints={ANY_LANGUAGE: (
                      'occupation', 'job', 'job title', 'profession', 'beruf', 'metier', 'profesion', 'professione',
                      'beroep', 'zawod', 'yrke', 'ammatti', 'position', 'role', 'occp', 'workclass', 'work class',
                      'indp', 'work experience', 'experience', 'experience years', 'years of experience', 'seniority',
                      'industry', 'indp cat'
                  ),
                  'de': ('berufsbezeichnung', 'tatigkeit', 'berufsgruppe'),
                  'fr': ('emploi', 'poste', 'categorie socioprofessionnelle'),
                  'es': ('ocupacion', 'puesto', 'cargo', 'oficio'),
                  'nl': ('functie', 'functietitel'),
                  'it': ('occupazione', 'mansione', 'qualifica', 'impiego'),
              },
    fake=faker_method("job"),
))

EMPLOYER = register(EntityType(
    name='EMPLOYER',
    category=QUASI,
    display_name='Employer',
    description='The organisation a person works for.',
    header_hints={ANY_LANGUAGE: (
                      'employer', 'company', 'firm', 'arbeitgeber', 'employeur', 'empresa', 'organisation',
                      'organization', 'workplace'
                  )},
))

ORGANIZATION = register(EntityType(
    name='ORGANIZATION',
    category=DIRECT,
    display_name='Organisation',
    description='An organisation named in text.',
    surrogate='company',
))

MARITAL_STATUS = register(EntityType(
    name='MARITAL_STATUS',
    category=QUASI,
    display_name='Marital status',
    description='Marital or civil status.',
    header_hints={ANY_LANGUAGE: (
                      'marital status', 'marital', 'msp', 'mar', 'relationship', 'civil status', 'familienstand',
                      'etat civil', 'estado civil', 'spouse status', 'family status'
                  )},
))

NAME_INITIAL = register(EntityType(
    name='NAME_INITIAL',
    category=QUASI,
    display_name='Name initials',
    description="Initials of a person's name: narrows who a record is about.",
))

EDUCATION = register(EntityType(
    name='EDUCATION',
    category=QUASI,
    display_name='Education',
    description='Education level, degree or school.',
    header_hints={ANY_LANGUAGE: (
                      'education', 'education num', 'degree', 'schooling', 'edu', 'schl', 'qualification', 'degree type',
                      'high spec', 'mba spec', 'school'
                  )},
))

HOUSEHOLD = register(EntityType(
    name='HOUSEHOLD',
    category=QUASI,
    display_name='Household',
    description='Household composition or housing.',
    header_hints={ANY_LANGUAGE: (
                      'household', 'noc', 'npf', 'number of children', 'children', 'household size', 'family size',
                      'dependents', 'housing type', 'housing', 'own rent', 'tenure', 'home ownership'
                  )},
))

VETERAN = register(EntityType(
    name='VETERAN',
    category=QUASI,
    display_name='Veteran status',
    description='Military service or veteran status.',
    header_hints={ANY_LANGUAGE: ('veteran', 'veteran status', 'military service', 'mil')},
))

TITLE = register(EntityType(
    name='TITLE',
    category=QUASI,
    display_name='Title',
    description='A form of address (Mr, Dr, Frau): hints at gender or profession.',
    header_hints={ANY_LANGUAGE: ('title', 'salutation', 'anrede', 'civilite', 'honorific', 'prefix')},
))

EMPLOYMENT = register(EntityType(
    name='EMPLOYMENT',
    category=SENSITIVE,
    display_name='Employment',
    description='Working hours, contract type or employment status.',
    header_hints={ANY_LANGUAGE: (
                      'hours per week', 'hours worked', 'working hours', 'work hours', 'weekly hours', 'overtime',
                      'contract type', 'employment status', 'employment', 'wkhp'
                  ),
                  'de': ('wochenstunden', 'arbeitszeit', 'stunden pro woche'),
                  'fr': ('heures semaine', 'temps de travail'),
                  'es': ('horas semana', 'jornada'),
                  'nl': ('uren per week', 'werkuren'),
                  'it': ('ore settimanali', 'orario di lavoro'),
              },
))

ASSESSMENT = register(EntityType(
    name='ASSESSMENT',
    category=SENSITIVE,
    display_name='Assessment',
    description='Grades, scores, ratings or appraisals of a person.',
    header_hints={ANY_LANGUAGE: (
                      'grade', 'grades', 'score', 'perc', 'percentage', 'gpa', 'marks', 'exam', 'test score', 'placed',
                      'placement', 'employability', 'performance', 'rating', 'evaluation', 'appraisal', 'note', 'noten'
                  )},
))
