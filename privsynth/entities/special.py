"""Special categories of personal data (GDPR Art. 9) and criminal-offence data (Art. 10).

One `register(EntityType(...))` per entity type; see privsynth/entities/model.py for the fields."""

from __future__ import annotations

from privsynth.entities.model import ANY_LANGUAGE, SPECIAL, EntityType, register

HEALTH = register(EntityType(
    name='HEALTH',
    category=SPECIAL,
    display_name='Health data',
    description='Data concerning health (GDPR Art. 4(15), Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: (
                      'diagnosis', 'diagnose', 'condition', 'disease', 'illness', 'health', 'medical', 'icd', 'icd10',
                      'icd 10', 'medication', 'drug', 'treatment', 'symptom', 'symptoms', 'disability', 'disabled',
                      'allergy', 'allergies', 'blood type', 'bmi', 'pregnant', 'pregnancy', 'hiv', 'mental health',
                      'therapy', 'dvet', 'disability rating', 'dphy', 'deye', 'dear', 'drem', 'dis', 'hicov', 'ddrs',
                      'dout', 'procedure', 'prescription', 'krankheit', 'maladie', 'enfermedad', 'malattia'
                  ),
                  'de': ('befund', 'erkrankung', 'hauptdiagnose'),
                  'fr': ('diagnostic', 'pathologie', 'code cim', 'cim 10'),
                  'es': ('diagnostico', 'patologia', 'codigo cie', 'cie 10'),
                  'nl': ('aandoening', 'icd code'),
                  'it': ('diagnosi', 'patologia', 'codice icd'),
                  'en': ('icd code', 'dx'),
              },
))

ETHNICITY = register(EntityType(
    name='ETHNICITY',
    category=SPECIAL,
    display_name='Racial or ethnic origin',
    description='Racial or ethnic origin (GDPR Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: (
                      'race', 'ethnicity', 'ethnic', 'ethnic group', 'ethnic origin', 'rac1p', 'rac2p', 'hisp',
                      'hispanic', 'origin', 'ethnie', 'etnia', 'herkunft', 'skin color', 'racial'
                  )},
))

RELIGION = register(EntityType(
    name='RELIGION',
    category=SPECIAL,
    display_name='Religion',
    description='Religious or philosophical beliefs (GDPR Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: (
                      'religion', 'religious', 'faith', 'denomination', 'church', 'konfession', 'religion affiliation',
                      'belief'
                  )},
))

POLITICAL_OPINION = register(EntityType(
    name='POLITICAL_OPINION',
    category=SPECIAL,
    display_name='Political opinion',
    description='Political opinions (GDPR Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: (
                      'political', 'political party', 'party', 'party affiliation', 'vote', 'voting', 'politics',
                      'partei'
                  )},
))

TRADE_UNION = register(EntityType(
    name='TRADE_UNION',
    category=SPECIAL,
    display_name='Trade-union membership',
    description='Trade-union membership (GDPR Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: (
                      'trade union', 'union', 'union member', 'union membership', 'gewerkschaft', 'syndicat',
                      'sindicato'
                  )},
))

SEXUAL_ORIENTATION = register(EntityType(
    name='SEXUAL_ORIENTATION',
    category=SPECIAL,
    display_name='Sexual orientation',
    description='Sex life or sexual orientation (GDPR Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: ('sexual orientation', 'orientation', 'sexuality', 'lgbt', 'lgbtq')},
))

GENETIC = register(EntityType(
    name='GENETIC',
    category=SPECIAL,
    display_name='Genetic data',
    description='Genetic data (GDPR Art. 4(13), Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: ('genotype', 'gene', 'genetic', 'dna', 'snp', 'allele', 'genome')},
))

BIOMETRIC = register(EntityType(
    name='BIOMETRIC',
    category=SPECIAL,
    display_name='Biometric data',
    description='Biometric data for identification (GDPR Art. 4(14), Art. 9).',
    source='GDPR Art. 9(1)',
    header_hints={ANY_LANGUAGE: ('fingerprint', 'biometric', 'face', 'iris', 'retina', 'voiceprint', 'face embedding')},
))

CRIMINAL_RECORD = register(EntityType(
    name='CRIMINAL_RECORD',
    category=SPECIAL,
    display_name='Criminal convictions',
    description='Criminal convictions and offences (GDPR Art. 10).',
    source='GDPR Art. 10',
    header_hints={ANY_LANGUAGE: (
                      'criminal record', 'conviction', 'convictions', 'offence', 'offense', 'arrest', 'criminal',
                      'crime', 'sentence', 'prison', 'incarceration', 'felony'
                  )},
))
