"""The shape of an entity-type declaration and the registry every stage reads.

One frozen `EntityType` holds everything privsynth knows about one kind of personal data
(model: presidio-analyzer's country-specific recognizers, one screen per identifier): its GDPR
category, how strong its recognizers are, its single specificity rank, the recognizers (patterns,
context words, validator), multilingual column-header hints, how the transform stage makes a
keyed surrogate of it, how the synthesis stage draws a fake, what the report calls it, and the
standard, regulation or registry that defines its format.

Stages never keep their own tables of entity types; they look things up here (`get`,
`category_of`, `specificity`, `is_strong`, `surrogate_kind`, `fake_generator`, ...).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Optional, Union

# GDPR-oriented column categories an entity type can carry (privsynth.results.CATEGORIES minus
# free_text and non_personal, which are properties of a column, not of an entity type).
DIRECT = "direct_identifier"
QUASI = "quasi_identifier"
SPECIAL = "special_category"
SENSITIVE = "sensitive"
ENTITY_CATEGORIES = (DIRECT, QUASI, SPECIAL, SENSITIVE)

# strength: how far the values alone can decide a column
STRONG = "strong"  # validators or strict formats: a column whose values match is that entity
WEAK = "weak"  # patterns that also match other things (dates, postcodes) or none at all

# surrogate kinds: the keyed-surrogate method of privsynth.transform.surrogates.SurrogateFactory
SURROGATE_KINDS = ("name", "email", "iban", "card", "phone", "ip", "date", "url", "city", "street_address",
                   "company", "nationality", "mac", "format")

# A fake generator takes a seeded Faker and a seeded random.Random and returns one value.
FakeGenerator = Callable[[Any, random.Random], str]
Validator = Callable[[str], bool]

# header-hint language key for phrases carried over from the mixed-language lists of earlier
# versions; new phrases go under their ISO 639-1 code ("de", "fr", ...).
ANY_LANGUAGE = "mul"


@dataclass(frozen=True)
class PatternSpec:
    """One regular expression of a recognizer: `score` in [0, 1] is Presidio's pattern score."""

    name: str
    regex: str
    score: float


@dataclass(frozen=True)
class RecognizerSpec:
    """A pattern recognizer privsynth adds to Presidio for an entity type.

    `validator` is a name in `privsynth.detect.validators.VALIDATORS` or a callable
    `str -> bool`; a match that fails it is dropped, one that passes is scored 1.0.

    `context_required`: in free text a match counts only with one of `context` as a whole word
    within the context window and no other long number between the word and the match (a
    9-digit mod-11 number is as often an order number: checksum AND context). Table cells have no
    sentence around them; the column scan uses the recognizer as it is.

    `text_only`: the recognizer runs on free text only, not on table cells (a form only its
    context word tells apart: nine bare digits are an SSN after "SSN" in a sentence, while a column
    of nine-digit numbers is usually record keys); it needs `context_required`."""

    name: str
    patterns: tuple[PatternSpec, ...]
    context: tuple[str, ...] = ()
    validator: Union[str, Validator, None] = None
    context_required: bool = False
    text_only: bool = False

    def __post_init__(self) -> None:
        if self.context_required and not self.context:
            raise ValueError(f"recognizer {self.name}: context_required needs context words")
        if self.text_only and not self.context_required:
            raise ValueError(f"recognizer {self.name}: text_only needs context_required (free text decides by context)")

    @property
    def validator_name(self) -> Optional[str]:
        v = self.validator
        if v is None or isinstance(v, str):
            return v
        return getattr(v, "__name__", None)


@dataclass(frozen=True)
class EntityType:
    """Everything about one entity type. Frozen: declared once, read by every stage.

    Fields:
      name: the entity type as it appears in scan results, policies and evidence.
      category: one of ENTITY_CATEGORIES (GDPR Art. 4(1)/9/10 and Recital 26 reading, docs/detect.md).
      display_name, description: what the report shows to a data-protection officer.
      source: the standard, regulation or registry defining the format (or "" for free-form data).
      strength: STRONG when its recognizers alone may decide a column, else WEAK.
      specificity: ONE rank, used when several entity types cover the same column (table scan) and
        when spans of equal score overlap (text scan); higher wins.
      recognizers: privsynth's own pattern recognizers for it (may be empty).
      presidio: names of presidio-analyzer predefined recognizers that detect it, when any.
      why_own: why privsynth declares its own recognizer although Presidio has one (required then).
      replaces_presidio: remove the Presidio recognizers named in `presidio` from the analyzer.
      header_hints: language code -> column-header phrases (normalised: lower case, no accents).
      national_id: a national identifier, accepted where a column is named "national id".
      digitless: its values may contain no digit (other recognizers are skipped on digit-free cells).
      checksum_collides: its check digit is passed by random digits often (mod 11, Luhn on short
        numbers: about 1 in 10): in free text a match outranks a valid phone number on the same
        digits only next to one of its context words, and is dropped in a code context
        (order/invoice numbers).
      surrogate: one of SURROGATE_KINDS: how the transform stage makes a keyed surrogate of it.
      fake: how the synthesis stage draws a fake value (None: an opaque token of the type).
      reserved_range: where fakes come from when that is a reserved range (e.g. RFC 2606 example.com).
      spacy_labels: spaCy NER labels that mean this entity type.
      aliases: other names that resolve to this entity type (labels of other tools).
    """

    name: str
    category: str
    display_name: str
    description: str
    source: str = ""
    strength: str = WEAK
    specificity: int = 1
    recognizers: tuple[RecognizerSpec, ...] = ()
    presidio: tuple[str, ...] = ()
    why_own: str = ""
    replaces_presidio: bool = False
    header_hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    national_id: bool = False
    digitless: bool = False
    checksum_collides: bool = False
    surrogate: str = "format"
    fake: Optional[FakeGenerator] = None
    reserved_range: str = ""
    spacy_labels: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.category not in ENTITY_CATEGORIES:
            raise ValueError(f"entity {self.name}: category {self.category!r} is not one of {ENTITY_CATEGORIES}")
        if self.strength not in (STRONG, WEAK):
            raise ValueError(f"entity {self.name}: strength {self.strength!r} is not strong or weak")
        if self.surrogate not in SURROGATE_KINDS:
            raise ValueError(f"entity {self.name}: surrogate {self.surrogate!r} is not one of {SURROGATE_KINDS}")
        if self.presidio and self.recognizers and not self.why_own:
            raise ValueError(f"entity {self.name}: Presidio has {self.presidio[0]}; say in why_own why privsynth declares its own")

    def header_phrases(self) -> tuple[str, ...]:
        """Every header phrase of every language, in declaration order."""
        out: list[str] = []
        for phrases in self.header_hints.values():
            out.extend(phrases)
        return tuple(out)


class EntityRegistry:
    """Entity types by name, in declaration order (order matters where a header phrase is
    declared by two types: the first declared wins)."""

    def __init__(self) -> None:
        self._items: dict[str, EntityType] = {}
        self._aliases: dict[str, str] = {}

    def register(self, et: EntityType) -> EntityType:
        """Add a declaration; raises ValueError when the name (or an alias) is taken."""
        for n in (et.name, *et.aliases):
            if n in self._items or n in self._aliases:
                raise ValueError(f"entity type {n!r} is declared twice")
        self._items[et.name] = et
        for a in et.aliases:
            self._aliases[a] = et.name
        return et

    def get(self, name: Optional[str]) -> Optional[EntityType]:
        """The declaration of `name` (or of the type it is an alias of), None when unknown."""
        if name is None:
            return None
        n = str(name).upper()
        return self._items.get(n) or self._items.get(self._aliases.get(n, ""))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[EntityType]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        """Registered names in declaration order."""
        return list(self._items)


REGISTRY = EntityRegistry()


def register(et: EntityType) -> EntityType:
    """Declare an entity type (module level, in a file of privsynth/entities/)."""
    return REGISTRY.register(et)
