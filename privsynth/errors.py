"""Library exceptions. The library never imports Click; the CLI maps these to exit code 2.

Messages are one line and name the file, column or policy path concerned. They must never
contain a record value or key material.
"""

from __future__ import annotations


class PrivsynthError(Exception):
    """Base class: a usage, input or internal error (exit code 2)."""


class InputError(PrivsynthError):
    """A data file cannot be read or is not usable (missing, empty, malformed, wrong encoding)."""


class PolicyError(PrivsynthError):
    """A policy is malformed or refers to something that does not exist."""


class KeyMaterialError(PrivsynthError):
    """A keyed operator has no usable key (missing, unreadable, malformed)."""


class OutputError(PrivsynthError):
    """An output cannot be written (e.g. it would overwrite an input)."""
