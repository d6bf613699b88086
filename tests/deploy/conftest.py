"""Deploy tests run against the fake API server (``kube``) and never a real kubeconfig."""

import pytest

from jupyter_optiserve.testing.pytest_plugin import fake_kube, kube, kube_crds  # noqa: F401


@pytest.fixture(autouse=True)
def _isolated(no_ambient_cluster):
    """Never the developer's kubeconfig, service account or token (the plugin's fixture)."""


@pytest.fixture(scope="session")
def catalog():
    from jupyter_optiserve.catalog import load_catalog

    return load_catalog()


@pytest.fixture
def make_plan(catalog):
    """A Plan for a hand-written profile (no recommender involved)."""
    from jupyter_optiserve.catalog import Profile
    from jupyter_optiserve.deploy import plan_from_profile

    def make(
        model="granite-3.1-8b-instruct",
        accelerator="a100-sxm-80gb",
        tp=1,
        pp=1,
        precision="bf16",
        namespace="demo",
        name="granite",
        max_model_len=8192,
        conn=None,
        pool=None,
        **kw,
    ):
        prof_kw = {
            k: kw.pop(k)
            for k in list(kw)
            if k
            in (
                "replicas",
                "kv_cache_dtype",
                "variant",
                "max_num_seqs",
                "engine_version",
                "gpu_memory_utilization",
                "args",
            )
        }
        acc = catalog.accelerators.get(accelerator)
        runtime = catalog.runtime_for(acc).id
        prof_kw.setdefault("engine_version", "0.21.0")
        p = Profile(
            model=model,
            accelerator=acc.id,
            runtime=runtime,
            precision=precision,
            tp=tp,
            pp=pp,
            max_model_len=max_model_len,
            **prof_kw,
        )
        return plan_from_profile(p, name=name, namespace=namespace, catalog=catalog, conn=conn, pool=pool, **kw)

    return make


_warm = []


@pytest.fixture
def conn(kube):
    from jupyter_optiserve.kube import connect

    c = connect(str(kube.kubeconfig), namespace=kube.namespace, timeout=5.0)
    if not _warm:  # the client imports its models lazily (~1 s on the first list): not what tests time
        for fn in (c.core.list_namespaced_pod, c.core.list_namespaced_event):
            c.get_json(fn, kube.namespace)
            fn(kube.namespace)
        _warm.append(True)
    yield c
    c.close()
