"""The connection factory, error mapping and permission checks (kube/), against the fake server."""

import base64
import json

import pytest

from jupyter_optiserve.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from jupyter_optiserve.kube import Identity, NoCluster, Rule, can_i, check_access, connect, grant_commands
from jupyter_optiserve.kube import client as kclient
from jupyter_optiserve.testing.fakekube import write_kubeconfig


def jwt(sub: str) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    return f"{enc({'alg': 'RS256'})}.{enc({'sub': sub})}.c2ln"


def test_no_cluster_at_all():
    with pytest.raises(NoCluster):
        connect()


def test_explicit_kubeconfig_errors_are_input_errors(tmp_path, kube):
    with pytest.raises(InvalidInputError, match="no such file"):
        connect(str(tmp_path / "missing"))
    with pytest.raises(InvalidInputError, match="--context nope"):
        connect(str(kube.kubeconfig), context="nope")
    bad = tmp_path / "bad"
    bad.write_text("clusters: 12\n")
    with pytest.raises(InvalidInputError, match="unusable"):
        connect(str(bad))


def test_kubeconfig_from_env_and_namespace_sources(monkeypatch, kube, tmp_path):
    monkeypatch.setenv("KUBECONFIG", f"{tmp_path / 'absent'}:{kube.kubeconfig}")
    conn = connect()
    assert (conn.namespace, conn.namespace_source, conn.source) == ("demo", "kubeconfig", "kubeconfig")
    assert conn.server == kube.url and conn.timeout == 5.0
    assert connect(namespace="other").namespace_source == "configured"
    home = tmp_path / "home" / ".kube"
    home.mkdir(parents=True)
    (home / "config").write_text(kube.kubeconfig.read_text())
    monkeypatch.delenv("KUBECONFIG")
    assert connect().server == kube.url  # ~/.kube/config last


def test_two_connections_coexist(kube, tmp_path):
    other = write_kubeconfig(tmp_path / "kc2", "http://127.0.0.1:1", namespace="elsewhere")
    a, b = connect(str(kube.kubeconfig)), connect(str(other), timeout=1)
    assert a.api_client is not b.api_client and a.server != b.server
    assert a.get_json(a.core.list_namespace)["items"]  # a still talks to its own server


def test_in_cluster_service_account(monkeypatch, tmp_path):
    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text(jwt("system:serviceaccount:proj:my-workbench"))
    (sa / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    (sa / "namespace").write_text("proj\n")
    monkeypatch.setattr(kclient, "SA_DIR", sa)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    conn = connect()
    assert conn.source == "serviceaccount" and conn.server == "https://10.0.0.1:443"
    assert (conn.namespace, conn.namespace_source) == ("proj", "serviceaccount")
    assert conn.identity == Identity("serviceaccount", "my-workbench", "proj")
    assert "c2ln" not in json.dumps(conn.describe())  # the token never appears in output


def test_workbench_namespace_from_nb_prefix(monkeypatch, kube, tmp_path):
    path = write_kubeconfig(tmp_path / "kc", kube.url, namespace="")
    monkeypatch.setenv("NB_PREFIX", "/notebook/team-a/my-wb")
    conn = connect(str(path))
    assert (conn.namespace, conn.namespace_source) == ("team-a", "workbench")


def test_403_names_the_exact_grant(kube):
    kube.deny([{"verb": "list", "group": "", "resource": "secrets"}])
    conn = connect(str(kube.kubeconfig))
    with pytest.raises(PermissionDeniedError) as err:
        conn.call(conn.core.list_namespaced_secret, "demo")
    hint = err.value.hint
    assert "oc create role optiserve --verb=list --resource=secrets -n demo" in hint
    assert "oc create rolebinding optiserve --role=optiserve --serviceaccount=demo:workbench -n demo" in hint
    assert err.value.exit_code == 5


def test_404_is_not_found(kube):
    conn = connect(str(kube.kubeconfig))
    with pytest.raises(NotFoundError):
        conn.call(conn.core.read_node, "no-such-node")


def test_ssar_checks(kube):
    kube.deny(
        [
            {"verb": "list", "group": "", "resource": "nodes"},
            {"verb": "create", "group": "serving.kserve.io", "resource": "inferenceservices", "namespace": "demo"},
        ]
    )
    conn = connect(str(kube.kubeconfig))
    assert can_i(conn, "list", "nodes", namespace="") is False
    assert can_i(conn, "list", "pods") is True
    res = check_access(conn, [("create", "serving.kserve.io", "inferenceservices"), ("get", "", "pods")])
    assert res == {("create", "serving.kserve.io", "inferenceservices"): False, ("get", "", "pods"): True}


def test_grant_commands_for_users_and_cluster_scope():
    cmds = grant_commands(
        Identity("user", "alice@example.com"),
        "proj",
        [
            Rule("list", "nodes", cluster_wide=True),
            Rule("get", "pods", subresource="log"),
            Rule("list", "hardwareprofiles", "infrastructure.opendatahub.io", namespace="redhat-ods-applications"),
        ],
    )
    assert cmds == [
        "oc create clusterrole optiserve --verb=list --resource=nodes",
        "oc create clusterrolebinding optiserve-alice-example.com --clusterrole=optiserve --user=alice@example.com",
        "oc create role optiserve --verb=get --resource=pods/log -n proj",
        "oc create rolebinding optiserve --role=optiserve --user=alice@example.com -n proj",
        "oc create role optiserve --verb=list --resource=hardwareprofiles.infrastructure.opendatahub.io "
        "-n redhat-ods-applications",
        "oc create rolebinding optiserve --role=optiserve --user=alice@example.com -n redhat-ods-applications",
    ]
    assert "--user=<your-user>" in grant_commands(None, "proj", [Rule("list", "pods")])[1]
