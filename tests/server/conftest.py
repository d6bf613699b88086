"""The extension in an in-process Jupyter Server (pytest-jupyter), pointed at the fake cluster.

``pytest_jupyter.jupyter_server`` is registered in the root conftest.py; here ``jp_server_config``
enables the extension with ``allow_unauthenticated_access=False`` and the fake API server's
kubeconfig, so no test ever sees a real cluster or the developer's ~/.kube/config.
"""

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_optiserve.testing.pytest_plugin import fake_kube, kube  # noqa: F401


@pytest.fixture(autouse=True)
def no_ambient_cluster(monkeypatch, tmp_path):
    """The plugin's fixture minus HOME, which pytest-jupyter's own fixtures set for the server."""
    from jupyter_optiserve.kube import client

    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "NB_PREFIX", "OPTISERVE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(client, "SA_DIR", tmp_path / "no-serviceaccount")


@pytest.fixture
def jp_server_config(kube):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_optiserve": True}, "allow_unauthenticated_access": False},
        "OptiServeApp": {
            "kubeconfig": str(kube.kubeconfig),
            "namespace": kube.namespace,
            "sse_heartbeat": 0.2,
            "request_timeout": 5.0,
        },
    }


@pytest.fixture
def settings(jp_serverapp):
    """The live extension's Settings (tests may change fields; each test gets a fresh server)."""
    return jp_serverapp.web_app.settings["optiserve"]


@pytest.fixture
def api(jp_fetch):
    """``await api("POST", "recommend", body)`` -> (status, parsed JSON); never raises on 4xx/5xx."""

    async def call(method, *path, body=None, params=None, headers=None, raw=False, **kw):
        kwargs = {"method": method, "params": params or {}, **kw}
        if body is not None:
            kwargs["body"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
        elif method in ("POST", "PUT", "PATCH"):
            kwargs["body"] = b""
            kwargs["allow_nonstandard_methods"] = True
        if headers is not None:
            kwargs["headers"] = headers
        try:
            resp = await jp_fetch("optiserve", *path, **kwargs)
        except HTTPClientError as exc:
            resp = exc.response
            if resp is None:
                raise
        if raw:
            return resp
        data = resp.body
        ctype = resp.headers.get("Content-Type", "")
        return resp.code, (json.loads(data) if data and "json" in ctype else data)

    return call


@pytest.fixture(scope="module")
def live_server(fake_kube, tmp_path_factory):
    """A real ``jupyter server`` process on a free loopback port with a token, the extension enabled
    and pointed at the fake cluster. Yields (base_url, token)."""
    import os
    import secrets
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    tmp = tmp_path_factory.mktemp("live-server")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env.update(
        {
            "HOME": str(tmp),
            "JUPYTER_CONFIG_DIR": str(tmp / "config"),
            "JUPYTER_DATA_DIR": str(tmp / "data"),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
            "HF_ENDPOINT": "http://127.0.0.1:9",
            "OPTISERVE_CACHE_DIR": str(tmp / "cache"),
        }
    )
    config = tmp / "jupyter_server_config.json"
    config.write_text(
        json.dumps(
            {
                "ServerApp": {
                    "ip": "127.0.0.1",
                    "port": port,
                    "port_retries": 0,
                    "open_browser": False,
                    "allow_root": True,
                    "root_dir": str(tmp),
                    "jpserver_extensions": {"jupyter_optiserve": True},
                    "allow_unauthenticated_access": False,
                },
                "IdentityProvider": {"token": token},
                "OptiServeApp": {
                    "kubeconfig": str(fake_kube.kubeconfig),
                    "namespace": fake_kube.namespace,
                    "request_timeout": 3.0,
                },
            }
        )
    )
    cmd = [sys.executable, "-m", "jupyter_server", f"--config={config}"]
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            req = urllib.request.Request(f"{base}/optiserve/config", headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(req, timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    "jupyter server did not start:\n" + (tmp / "server.log").read_text()[-3000:]
                ) from None
            time.sleep(0.2)
    yield base, token
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
