"""`python -m privsynth.entities` prints the catalogue table that docs/entities.md holds."""

from privsynth.entities import catalogue_markdown

print(catalogue_markdown(), end="")
