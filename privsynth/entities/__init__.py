"""The entity catalogue: one frozen declaration per entity type, read by every stage.

How to add an entity type: add one `register(EntityType(...))` to the file of its group
(`national_ids.py`, `financial.py`, `devices.py`, `contact.py`, `quasi.py`, `special.py`) and a
test; nothing else changes. See docs/entities.md.

Stages look things up here, never in tables of their own:

- `get(name)` -> `EntityType | None` (aliases resolve; unknown -> None)
- `category_of(name)`, `specificity(name)`, `is_strong(name)`, `is_national_id(name)`,
  `surrogate_kind(name)`, `fake_generator(name)`
- `names()`, `all_types()`; the declarations themselves as attributes (`entities.PERSON.name`)
"""

from __future__ import annotations

from typing import Optional

from privsynth.entities.model import (ANY_LANGUAGE, DIRECT, ENTITY_CATEGORIES, QUASI, REGISTRY, SENSITIVE, SPECIAL, STRONG,
                                      SURROGATE_KINDS, WEAK, EntityType, FakeGenerator, PatternSpec, RecognizerSpec,
                                      register)
# declaration modules, in the order their types are registered
from privsynth.entities.contact import *  # noqa: F401,F403,E402
from privsynth.entities.national_ids import *  # noqa: F401,F403,E402
from privsynth.entities.financial import *  # noqa: F401,F403,E402
from privsynth.entities.devices import *  # noqa: F401,F403,E402
from privsynth.entities.quasi import *  # noqa: F401,F403,E402
from privsynth.entities.special import *  # noqa: F401,F403,E402

__all__ = ["ANY_LANGUAGE", "DIRECT", "ENTITY_CATEGORIES", "QUASI", "REGISTRY", "SENSITIVE", "SPECIAL", "STRONG",
           "SURROGATE_KINDS", "WEAK", "EntityType", "FakeGenerator", "PatternSpec", "RecognizerSpec", "all_types",
           "category_of", "fake_generator", "get", "is_national_id", "is_strong", "names", "register", "specificity",
           "surrogate_kind"]

# what an entity type nobody declared is treated as: a direct identifier (the safe side)
UNKNOWN_CATEGORY = DIRECT


def get(name: Optional[str]) -> Optional[EntityType]:
    """The declaration of `name` (case-insensitive; aliases resolve), or None when undeclared."""
    return REGISTRY.get(name)


def names() -> list[str]:
    """Every declared entity type name, in declaration order."""
    return REGISTRY.names()


def all_types() -> list[EntityType]:
    """Every declaration, in declaration order."""
    return list(REGISTRY)


def category_of(name: Optional[str]) -> str:
    """The GDPR-oriented category of an entity type: "non_personal" for None, direct_identifier
    for an undeclared type (a policy's or Presidio's own: the safe default)."""
    if name is None:
        return "non_personal"
    et = REGISTRY.get(name)
    return et.category if et is not None else UNKNOWN_CATEGORY


def specificity(name: Optional[str], default: int = 1) -> int:
    """The one specificity rank (higher wins) used by column and span decisions; `default` for undeclared."""
    et = REGISTRY.get(name)
    return et.specificity if et is not None else default


def is_strong(name: Optional[str]) -> bool:
    """True when the type's recognizers are precise enough to decide a column from values."""
    et = REGISTRY.get(name)
    return et is not None and et.strength == STRONG


def is_national_id(name: Optional[str]) -> bool:
    """True for national identifiers (a column named "national id" accepts them)."""
    et = REGISTRY.get(name)
    return et is not None and et.national_id


def surrogate_kind(name: Optional[str]) -> str:
    """How the transform stage makes a keyed surrogate of the type ("format" when undeclared)."""
    et = REGISTRY.get(name)
    return et.surrogate if et is not None else "format"


def fake_generator(name: Optional[str]) -> Optional[FakeGenerator]:
    """The synthesis stage's fake generator for the type, None when it has none."""
    et = REGISTRY.get(name)
    return et.fake if et is not None else None


def catalogue_markdown() -> str:
    """The catalogue as the Markdown table of docs/entities.md (one row per declaration, in
    declaration order); tests/test_docs.py checks that the page holds exactly this table."""
    rows = ["| entity type | category | strength | rank | surrogate | Presidio recognizer | what it is | format defined by |",
            "|---|---|---|---|---|---|---|---|"]
    for et in REGISTRY:
        pres = ", ".join(et.presidio) or "-"
        own = ", ".join(spec.name for spec in et.recognizers)
        if own:
            pres = f"{pres}; own: {own}"
        desc = f"{et.display_name}: {et.description}".replace("|", "\\|")
        rows.append(f"| `{et.name}` | {et.category} | {et.strength} | {et.specificity} | {et.surrogate} | {pres} | {desc} | "
                    f"{(et.source or '-').replace('|', chr(92) + '|')} |")
    return "\n".join(rows) + "\n"
