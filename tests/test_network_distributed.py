"""Past one machine: the dask path on a dask.distributed cluster equals the pandas path.

A LocalCluster with two worker *processes* (loopback only, no dashboard) stands in for a
cluster: the partitions are pickled to the workers, analysed there and gathered back, as
they would be on remote machines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow


def _network() -> pd.DataFrame:
    """Twelve unreplicated farms (pooled as blocks) of three strips, one strip missing."""
    rng = np.random.default_rng(3)
    rows = [
        (f"farm{s:02d}", t, 450 + 40 * rng.normal() + e + rng.normal(0, 10))
        for s in range(12)
        for t, e in (("CK1", 0.0), ("CK2", -12.0), ("T", 9.0))
    ]
    df = pd.DataFrame(rows, columns=["site", "treatment", "yield_kg_mu"])
    return df.drop(index=7).reset_index(drop=True)


def _regional() -> pd.DataFrame:
    rng = np.random.default_rng(9)
    rows = [
        (f"L{j}", f"R{b}", f"V{i}", 7000 + 300 * i + 800 * j * (1 + 0.1 * i) + rng.normal(0, 150))
        for j in range(5)
        for b in range(2)
        for i in range(4)
    ]
    return pd.DataFrame(rows, columns=["site", "rep", "variety", "yield_kg_ha"])


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        scheduler_port=0,
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_analyze_many_on_a_cluster_equals_pandas(client):
    """Per-trial, per-treatment and pooled across-site tables are identical (dtypes too)."""
    df = _network()
    kw = dict(by="site", response="yield_kg_mu", treatment="treatment", control="CK1")
    expected = yt.analyze_many(df, design="crd", **kw)
    got = yt.analyze_many(dd.from_pandas(df, npartitions=3), design="crd", **kw)
    assert client.run(lambda: True)  # the workers are separate processes and alive
    pd.testing.assert_frame_equal(got.per_trial, expected.per_trial)
    pd.testing.assert_frame_equal(got.per_treatment, expected.per_treatment)
    pd.testing.assert_frame_equal(got.summary.treatments, expected.summary.treatments)
    pd.testing.assert_frame_equal(got.summary.anova, expected.summary.anova)


def test_stability_on_a_cluster_equals_pandas(client):
    """yt.stability on a dask frame (cluster) gives the pandas path's tables."""
    df = _regional()
    kw = dict(env="site", treatment="variety", response="yield_kg_ha", block="rep", blup=None)
    expected = yt.stability(df, **kw)
    got = yt.stability(dd.from_pandas(df, npartitions=2), **kw)
    pd.testing.assert_frame_equal(got.table, expected.table, rtol=1e-12)
    pd.testing.assert_frame_equal(got.ammi.anova, expected.ammi.anova, rtol=1e-12)
    np.testing.assert_allclose(got.gge.singular_values, expected.gge.singular_values, rtol=1e-12)
