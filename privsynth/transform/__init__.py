"""transform stage — see docs/architecture.md for the entry points."""
