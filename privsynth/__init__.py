"""privsynth: detect personal data, transform or synthesize it, verify the release, report evidence."""

__version__ = "0.1.0"
