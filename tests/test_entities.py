"""The entity catalogue: a contract every declaration must pass, and the rules that keep entity
types declared in one place (checked on the source tree)."""

import ast
import random
import re
from pathlib import Path

import pytest
from faker import Faker

from privsynth import entities
from privsynth.detect.validators import VALIDATORS
from privsynth.transform.surrogates import SurrogateFactory

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "privsynth"
ALL = entities.all_types()


@pytest.mark.parametrize("et", ALL, ids=lambda et: et.name)
def test_every_declaration_says_what_it_is_for_the_report(et):
    assert re.fullmatch(r"[A-Z][A-Z0-9_]+", et.name)
    assert et.display_name and et.description.endswith((".", ")"))
    assert et.category in entities.ENTITY_CATEGORIES


@pytest.mark.parametrize("et", [et for et in ALL if et.recognizers], ids=lambda et: et.name)
def test_every_declared_recognizer_compiles_and_its_validator_resolves(et):
    for spec in et.recognizers:
        for p in spec.patterns:
            assert not re.fullmatch(p.regex, ""), (spec.name, p.name)
            assert 0 < p.score <= 1
        if isinstance(spec.validator, str):
            assert spec.validator in VALIDATORS
    assert et.source, "an entity with its own recognizer names the standard that defines its format"
    assert et.why_own, "say why privsynth declares its own recognizer"


@pytest.mark.parametrize("et", [et for et in ALL if et.fake is not None], ids=lambda et: et.name)
def test_every_fake_generator_returns_a_nonempty_string(et):
    f = Faker("en_US")
    f.seed_instance(0)
    v = et.fake(f, random.Random(0))
    assert isinstance(v, str) and v.strip()


@pytest.mark.parametrize("et", ALL, ids=lambda et: et.name)
def test_every_surrogate_kind_has_a_method_and_changes_the_value(et):
    assert et.surrogate == "format" or et.surrogate in SurrogateFactory._KINDS
    out = SurrogateFactory(b"x" * 32).surrogate(et.name, "Alice 1984-02-03 x7")
    assert isinstance(out, str) and out != "Alice 1984-02-03 x7"


def test_a_header_phrase_belongs_to_one_entity_type():
    from privsynth.detect.header_hints import normalise

    owner: dict[str, str] = {}
    for et in ALL:
        for p in et.header_phrases():
            assert owner.setdefault(normalise(p), et.name) == et.name, p


def test_lookups_resolve_aliases_and_treat_unknown_types_as_direct_identifiers():
    assert entities.get("gpe") is entities.LOCATION
    assert entities.category_of("SOMETHING_A_POLICY_DECLARED") == "direct_identifier"
    assert entities.category_of(None) == "non_personal"
    assert entities.specificity("SOMETHING_A_POLICY_DECLARED") == 1


def test_a_second_declaration_of_a_name_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        entities.register(entities.PERSON)


def test_a_declaration_that_shadows_presidio_must_say_why():
    with pytest.raises(ValueError, match="why_own"):
        entities.EntityType(name="X_ID", category="direct_identifier", display_name="x", description="x.",
                            presidio=("XRecognizer",),
                            recognizers=(entities.RecognizerSpec("X", (entities.PatternSpec("x", r"\d{5}", 0.5),)),))


# --------------------------------------------------------------------------- source rules


def _string_literals(path: Path) -> set[str]:
    """String constants of a module, docstrings excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.update(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", node.value))
    return out


def test_an_entity_type_name_is_spelled_in_at_most_two_source_files():
    names = set(entities.names())
    files: dict[str, list[str]] = {n: [] for n in names}
    for path in sorted(PKG.rglob("*.py")):
        for n in _string_literals(path) & names:
            files[n].append(str(path.relative_to(ROOT)))
    over = {n: fs for n, fs in files.items() if len(fs) > 2}
    assert not over, f"spell these through privsynth.entities instead: {over}"


STAGES = ("detect", "transform", "synthesize")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("privsynth"):
            yield node


@pytest.mark.parametrize("stage", STAGES)
def test_no_module_imports_a_private_name_from_another_module(stage):
    bad = []
    for path in sorted((PKG / stage).rglob("*.py")):
        for node in _imports(path):
            for alias in node.names:
                if alias.name.startswith("_"):
                    bad.append(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert not bad


@pytest.mark.parametrize("stage", STAGES + ("evaluate",))
def test_no_stage_imports_another_stage_inside_a_try_except_import_error(stage):
    bad = []
    for path in sorted((PKG / stage).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            catches_import = any(h.type is not None and "ImportError" in ast.dump(h.type) for h in node.handlers)
            for inner in node.body:
                for imp in ast.walk(inner):
                    if catches_import and isinstance(imp, ast.ImportFrom) and imp.module and imp.module.startswith("privsynth."):
                        other = imp.module.split(".")[1]
                        if other != stage and other in STAGES + ("evaluate",):
                            bad.append(f"{path.relative_to(ROOT)}: {imp.module}")
    assert not bad
