"""The re-identification mapping file: personal data, written like the key.

A mapping (`column, entity_type, original, replacement`) holds every real value next to its
pseudonym, so whoever has it can re-identify the release without the key. It is written only on
request (`--mapping-out`, `transform.write_mapping`), with file mode 600 from the moment it is
created, and with a sidecar `<mapping file>.personal-data.json` that says what it is, so that a
file found later on a share is recognisable as personal data (GDPR Art. 4(1)) to be guarded,
retained and deleted like the key (docs/operators.md, "Keys and the mapping file").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pandas as pd

MAPPING_PERMS = 0o600
SIDECAR_SUFFIX = ".personal-data.json"


def sidecar_path(path: Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + SIDECAR_SUFFIX)


def sidecar(mapping: pd.DataFrame, key_fingerprint: Optional[str]) -> dict:
    """The sidecar's content: what the file is and how to treat it (no value of the mapping)."""
    cols = sorted({str(c) for c in mapping["column"].dropna().unique()}) if "column" in mapping else []
    return {
        "personal_data": True,
        "kind": "privsynth re-identification mapping",
        "warning": ("This file pairs every real (original) value with its pseudonym: it is personal data "
                    "(GDPR Art. 4(1)) and re-identifies the pseudonymized output without the key. Store it "
                    "like the key (access-controlled, mode 600, never next to the release), and delete it "
                    "when re-identification is no longer needed."),
        "rows": int(len(mapping)),
        "columns": cols,
        "key_fingerprint": key_fingerprint,
    }


def write_mapping(path: Path, mapping: pd.DataFrame, key_fingerprint: Optional[str], sidecar_to: Optional[Path] = None) -> list[Path]:
    """Write the mapping (mode 600) and its personal-data sidecar (mode 600, at `sidecar_to`, default
    `sidecar_path(path)`); returns both paths."""
    from privsynth.io import write_table, write_text

    write_table(path, mapping, perms=MAPPING_PERMS)
    side = sidecar_to if sidecar_to is not None else sidecar_path(path)
    write_text(side, json.dumps(sidecar(mapping, key_fingerprint), indent=2) + "\n", perms=MAPPING_PERMS)
    return [Path(path), side]
