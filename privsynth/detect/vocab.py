"""Small value vocabularies (normalised) that reveal a column's meaning when names do not."""

from __future__ import annotations

from functools import lru_cache

GENDER = {
    "m", "f", "male", "female", "man", "woman", "men", "women", "w", "d", "x", "nb", "non binary", "nonbinary", "diverse",
    "other", "unknown", "mannlich", "weiblich", "divers", "homme", "femme", "hombre", "mujer", "masculino", "femenino",
    "maschio", "femmina", "man", "vrouw", "v", "mezczyzna", "kobieta", "kvinna", "mies", "nainen", "boy", "girl", "h",
}
ETHNICITY = {
    "white", "black", "asian", "hispanic", "latino", "latina", "latinx", "caucasian", "african american", "black or african american",
    "amer indian eskimo", "asian pac islander", "american indian", "alaska native", "american indian or alaska native",
    "native hawaiian", "pacific islander", "native hawaiian or other pacific islander", "two or more races", "mixed",
    "multiracial", "arab", "middle eastern", "south asian", "east asian", "indigenous", "aboriginal", "roma",
    "white british", "white other", "black african", "black caribbean", "chinese", "indian", "pakistani", "bangladeshi",
    "other", "not hispanic", "non hispanic", "hispanic or latino", "not hispanic or latino",
}
RELIGION = {
    "christian", "christianity", "catholic", "roman catholic", "protestant", "orthodox", "evangelical", "lutheran", "anglican",
    "baptist", "methodist", "muslim", "islam", "sunni", "shia", "jewish", "judaism", "hindu", "hinduism", "buddhist",
    "buddhism", "sikh", "sikhism", "atheist", "agnostic", "none", "no religion", "mormon", "jehovah s witness", "other",
}
MARITAL = {
    "married", "single", "divorced", "widowed", "separated", "never married", "married civ spouse", "married spouse absent",
    "married af spouse", "civil partnership", "domestic partner", "partnered", "unmarried", "ledig", "verheiratet",
    "geschieden", "verwitwet", "celibataire", "marie", "mariee", "divorce", "soltero", "casado", "divorciado", "viudo",
}
HEALTH = {
    "diabetes", "type 2 diabetes", "type 1 diabetes", "asthma", "hypertension", "cancer", "breast cancer", "lung cancer",
    "depression", "anxiety", "covid 19", "covid", "influenza", "pneumonia", "hiv", "aids", "hepatitis", "hepatitis b",
    "hepatitis c", "copd", "arthritis", "obesity", "stroke", "heart disease", "heart failure", "migraine", "epilepsy",
    "schizophrenia", "bipolar disorder", "dementia", "alzheimer s", "alzheimer", "parkinson s", "multiple sclerosis",
    "autism", "adhd", "tuberculosis", "malaria", "chronic kidney disease", "ptsd", "eczema", "psoriasis", "allergy",
    "healthy", "positive", "negative", "pregnant", "disabled", "with a disability", "without a disability",
}
POLITICAL = {
    "democrat", "democratic", "republican", "independent", "labour", "conservative", "liberal democrat", "green", "greens",
    "cdu", "spd", "fdp", "afd", "die linke", "left", "right", "centre", "center", "socialist", "communist", "libertarian",
}
SEXUAL_ORIENTATION = {"heterosexual", "straight", "gay", "lesbian", "bisexual", "asexual", "pansexual", "queer", "homosexual"}
# words that fill any column ("unknown", "other", "none"): they count towards a vocabulary's share only when the
# vocabulary's own terms are at least VOCAB_SPECIFIC_MIN of the values ("unknown" beside e-mails is no gender term)
GENERIC = {"unknown", "other", "none", "not known", "not stated", "n a", "na"}
VOCAB_SPECIFIC_MIN = 0.1
YES_NO = {"yes", "no", "y", "n", "true", "false", "0", "1", "t", "f"}
TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mx", "herr", "frau", "m", "mme", "mlle", "sr", "sra", "sig", "dott"}


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Country names (English, from Faker's bundled list) plus common demonyms; cached between processes
    (privsynth.detect.artefacts: a cold scan need not import Faker's address providers)."""
    from privsynth.detect import artefacts, header_hints

    return artefacts.cached_strings("countries", ("faker",), (__file__, header_hints.__file__), _build_countries)


def _build_countries() -> set[str]:
    from privsynth.detect.header_hints import normalise

    names: set[str] = set()
    from faker.providers.address.en_US import Provider  # faker is required and ships this list

    names |= {normalise(c) for c in Provider.countries}
    names |= {normalise(c) for c in (
        "United States", "United-States", "USA", "US", "UK", "Great Britain", "England", "Scotland", "Wales", "Germany",
        "France", "Spain", "Italy", "Netherlands", "Holland", "Poland", "Sweden", "Outlying-US(Guam-USVI-etc)", "South",
        "Hong", "Columbia", "Trinadad&Tobago", "Holand-Netherlands", "Yugoslavia", "Scotland",
        "American", "British", "English", "German", "French", "Spanish", "Italian", "Dutch", "Polish", "Swedish", "Czech",
        "Danish", "Finnish", "Norwegian", "Icelandic", "Irish", "Portuguese", "Greek", "Hungarian", "Austrian", "Swiss",
        "Belgian", "Chinese", "Japanese", "Korean", "Indian", "Brazilian", "Mexican", "Canadian", "Australian", "Russian",
        "Ukrainian", "Greenlander", "Hispanic", "Arabic", "Slovenian", "Croatian", "Estonian", "Australian", "Vietnamese",
        "Chinese-Traditional", "Thai", "Turkish", "Japanese (Anglicized)", "Hobbit", "Klingon", "Ninja", "Persian", "Eritrean",
        "Somali", "Tibetan", "Berber",
    )}
    return names
