"""Registries map names used in policies to components (operators, synthesizers, attacks, ...).

Built-in components register themselves through the same decorator a plugin would use, so a
policy refers to every component by name and the pipeline has no special cases.
"""

from __future__ import annotations

from typing import Callable, Generic, Iterator, TypeVar

from privsynth.errors import PolicyError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def deco(obj: T) -> T:
            if name in self._items:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = obj
            return obj

        return deco

    def get(self, name: str, where: str = "") -> T:
        try:
            return self._items[name]
        except KeyError:
            at = f"{where}: " if where else ""
            raise PolicyError(
                f"{at}unknown {self.kind} {name!r} (known: {', '.join(sorted(self._items))})"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def names(self) -> list[str]:
        return sorted(self._items)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))
