"""evaluate stage: verify a release with distances, attacks and residual-PII checks.

Entry point: `evaluate_release(original, release, holdout, scan, policy, progress=None,
treatments=None, release_kind="synthetic", text_detector=None) -> EvaluationReport`.
See docs/evaluate.md for every test.
"""

from privsynth.evaluate.battery import evaluate_release

__all__ = ["evaluate_release"]
