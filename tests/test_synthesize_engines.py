import pandas as pd
import pytest
from _synth_data import people, policy, scan_for

from privsynth.synthesize import SYNTHESIZERS, synthesize_table
from privsynth.synthesize.engines import SDVSingleTable


def _tiny():
    return people(120, seed=1)[["customer_id", "name", "age", "sex", "diagnosis", "churned"]]


def test_the_registry_names_the_four_sdv_engines_behind_one_interface():
    assert SYNTHESIZERS.names() == ["copula_gan", "ctgan", "gaussian_copula", "tvae"]
    for name in SYNTHESIZERS:
        cls = SYNTHESIZERS.get(name)
        assert issubclass(cls, SDVSingleTable)
        assert callable(cls.fit) and callable(cls.sample)


def test_another_engine_can_be_registered_and_used_by_name(monkeypatch):
    """A plugin engine that resamples training rows' columns independently (a marginal baseline)."""
    from privsynth.registry import Registry

    reg: Registry = Registry("synthesizer")
    for n in SYNTHESIZERS:
        reg.register(n)(SYNTHESIZERS.get(n))

    @reg.register("marginals")
    class Marginals:
        def __init__(self, settings):
            self.params, self.native = {"kind": "independent marginals"}, None

        def fit(self, df, metadata, seed, progress=None):
            self.df = df

        def sample(self, n, seed):
            return pd.DataFrame({c: self.df[c].sample(n, replace=True, random_state=seed + i).to_numpy()
                                 for i, c in enumerate(self.df.columns)})

    import privsynth.synthesize.engines as eng

    monkeypatch.setattr(eng, "SYNTHESIZERS", reg)
    df = _tiny()
    res = synthesize_table(df, scan_for(df), policy(model="marginals"))
    assert res.report.model == "marginals" and res.report.params["kind"] == "independent marginals"
    assert len(res.release) == 96


@pytest.mark.parametrize("model", ["tvae", pytest.param("ctgan", marks=pytest.mark.slow), pytest.param("copula_gan", marks=pytest.mark.slow)])
def test_neural_engines_train_for_the_policy_epochs_with_progress_and_are_seeded(model):
    df = _tiny()
    pol = policy(model=model, epochs=2, batch_size=20, seed=2)
    calls = []
    a = synthesize_table(df, scan_for(df), pol, progress=lambda *x: calls.append(x))
    fit = [c for c in calls if c[0] == f"synthesize.fit[{model}]"]
    assert [c[1] for c in fit if c[1] > 0] == [1, 2] and fit[0][1] == 0 and all(c[2] == 2 for c in fit)
    assert a.report.params["epochs"] == 2 and a.report.params["batch_size"] == 20
    b = synthesize_table(df, scan_for(df), pol)
    pd.testing.assert_frame_equal(a.release, b.release)
    assert not set(a.release.name) & set(df.name)


def test_the_epoch_progress_hook_is_removed_after_fitting():
    import ctgan.synthesizers.ctgan as m
    import tqdm

    df = _tiny()
    synthesize_table(df, scan_for(df), policy(model="tvae", epochs=1, batch_size=20))
    assert m.tqdm is tqdm.tqdm
