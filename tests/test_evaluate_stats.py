"""Statistics behind the tests."""

import numpy as np
import pytest
from scipy import stats as sps

from privsynth.evaluate import stats


@pytest.mark.parametrize("k, n", [(0, 10), (5, 10), (10, 10), (3, 1000)])
def test_wilson_interval_contains_the_estimate_and_stays_in_0_1(k, n):
    lo, hi = stats.wilson(k, n)
    assert 0 <= lo <= k / n <= hi <= 1


def test_clopper_pearson_matches_the_beta_quantiles():
    lo, hi = stats.clopper_pearson(np.array([3]), 20, 0.05)
    assert lo[0] == pytest.approx(sps.beta.ppf(0.025, 3, 18))
    assert hi[0] == pytest.approx(sps.beta.ppf(0.975, 4, 17))


def test_fisher_flags_more_copies_in_train_than_holdout_but_not_the_reverse():
    assert stats.fisher_greater(50, 5000, 0, 5000) < 1e-10
    assert stats.fisher_greater(0, 5000, 50, 5000) > 0.99


def test_auc_is_half_for_identical_scores_and_one_for_separated_scores():
    assert stats.auc(np.zeros(10), np.zeros(10)) == 0.5
    assert stats.auc(np.ones(10), np.zeros(10)) == 1.0


def test_epsilon_lower_bound_is_near_zero_without_signal_and_large_with_signal():
    rng = np.random.default_rng(0)
    sm, sn = rng.random(3000), rng.random(3000)
    _, tp, fp = stats.roc_counts(sm, sn)
    assert stats.epsilon_lower_bound(tp, fp, 3000, 3000) < 0.3
    sm2 = np.r_[np.full(600, 10.0), rng.random(2400)]
    _, tp, fp = stats.roc_counts(sm2, sn)
    assert stats.epsilon_lower_bound(tp, fp, 3000, 3000) > 2


def test_epsilon_lower_bound_false_alarm_rate_is_below_alpha_under_the_null():
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(40):
        sm, sn = rng.random(500), rng.random(500)
        _, tp, fp = stats.roc_counts(sm, sn)
        hits += stats.epsilon_lower_bound(tp, fp, 500, 500, alpha=0.05) > 0
    assert hits / 40 <= 0.1


def test_cluster_binomial_is_not_fooled_by_many_records_sharing_one_neighbour():
    # 100 release records all nearest to one training record: one piece of evidence, not 100
    labels = np.ones(100)
    clusters = np.zeros(100)
    _, p = stats.cluster_binomial_greater(labels, clusters, 0.8)
    assert p > 0.05
    _, p_ind = stats.cluster_binomial_greater(labels, np.arange(100), 0.8)
    assert p_ind < 1e-6


def test_roc_chart_is_downsampled_to_200_points():
    rng = np.random.default_rng(0)
    _, tp, fp = stats.roc_counts(rng.random(5000), rng.random(5000))
    ch = stats.roc_chart(tp, fp, 5000, 5000, 0.5)
    assert ch["type"] == "roc" and len(ch["fpr"]) <= 200 and len(ch["fpr"]) == len(ch["tpr"])
