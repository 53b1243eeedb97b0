"""synthesize stage — see docs/architecture.md for the entry points and docs/synthesize.md for users.

Direct identifiers and free text are never given to a model: identifiers are regenerated as fake
values of the same type (or dropped), free text is dropped or rewritten by the transform stage.
The holdout is split off before fitting and its hash recorded. Engines (SDV 2.0, Business Source
License 1.1) sit behind privsynth's own interface (``SYNTHESIZERS``), so another can be added.
"""

from privsynth.synthesize.engines import SYNTHESIZERS, load_synthesizer, save_synthesizer
from privsynth.synthesize.identifiers import fake_values
from privsynth.synthesize.single import (
    MODEL_NOTE,
    SynthesisOutput,
    canonical_csv,
    split_holdout,
    synthesize_table,
    table_sha256,
)

__all__ = [
    "MODEL_NOTE",
    "SYNTHESIZERS",
    "SynthesisOutput",
    "canonical_csv",
    "fake_values",
    "load_synthesizer",
    "save_synthesizer",
    "split_holdout",
    "synthesize_table",
    "table_sha256",
]

from privsynth.synthesize.multi import MultiTableOutput, synthesize_tables  # noqa: E402

__all__ += ["MultiTableOutput", "synthesize_tables"]
