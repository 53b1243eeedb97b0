"""Test families as registered classes: what the battery runs, in order (anonymeter's evaluators are the model).

A family declares its id, title, verdict role (``required``: its tests count toward the
anonymous_candidate verdict; ``complement``: a failure counts, an inconclusive result does not block;
``anonymized_only``: applies to row-level anonymized releases), the policy threshold keys it reads
(``evaluate.thresholds.<key>``) and ``run(prepared) -> list[TestResult]``. ``evaluate_release`` runs
every registered family in ``order``; adding a family is one module in this package that registers
a class (the battery imports every module of the package), plus its test and docs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Literal

from privsynth.registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from privsynth.evaluate.prepared import Prepared
    from privsynth.results import TestResult

VerdictRole = Literal["required", "complement", "anonymized_only"]


class Family(ABC):
    """One family of verification tests. Subclass, set the class attributes, implement `run`, decorate with
    `@register`."""

    id: ClassVar[str]
    title: ClassVar[str]
    verdict_role: ClassVar[VerdictRole] = "required"
    threshold_keys: ClassVar[tuple[str, ...]] = ()
    order: ClassVar[int] = 100

    @abstractmethod
    def run(self, prepared: "Prepared") -> "list[TestResult]":
        """The family's test results on the prepared tables."""


FAMILIES: Registry[type[Family]] = Registry("test family")


def register(cls: type[Family]) -> type[Family]:
    """Class decorator: register a family under its `id` (twice is an error)."""
    FAMILIES.register(cls.id)(cls)
    return cls


def ordered() -> list[type[Family]]:
    """Every registered family, in run order."""
    return sorted((FAMILIES.get(n) for n in FAMILIES), key=lambda c: (c.order, c.id))
