"""Discovery documents (/version, /api, /apis, /api/v1, /apis/{g}[/{v}]) built from the registry.

Every field the strict v37 client models require is filled (a missing VersionInfo.buildDate
makes `VersionApi().get_code()` raise).
"""

from __future__ import annotations

from typing import Any

from .resources import Registry, Resource

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.4+fakekube",
    "gitCommit": "0" * 40,
    "gitTreeState": "clean",
    "buildDate": "2025-04-22T00:00:00Z",
    "goVersion": "go1.23.8",
    "compiler": "gc",
    "platform": "linux/amd64",
    "emulationMajor": "1",
    "emulationMinor": "32",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "31",
}


def _api_resources(res: Resource) -> list[dict[str, Any]]:
    main: dict[str, Any] = {
        "name": res.plural,
        "singularName": res.singular,
        "namespaced": res.namespaced,
        "kind": res.kind,
        "verbs": list(res.verbs),
    }
    if res.short_names:
        main["shortNames"] = list(res.short_names)
    if res.categories:
        main["categories"] = list(res.categories)
    out = [main]
    for sub in res.subresources:
        verbs = ["get"] if sub == "log" else ["get", "patch", "update"]
        out.append(
            {
                "name": f"{res.plural}/{sub}",
                "singularName": "",
                "namespaced": res.namespaced,
                "kind": res.kind,
                "verbs": verbs,
            }
        )
    return out


def _group(name: str, versions: list[str]) -> dict[str, Any]:
    gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}


def document(registry: Registry, path: str, host: str) -> dict[str, Any] | None:
    """The discovery document for `path`, or None when the path is not a discovery path."""
    parts = [p for p in path.split("/") if p]
    if parts == ["version"]:
        return dict(VERSION_INFO)
    if parts == ["api"]:
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
        }
    if parts == ["apis"]:
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [_group(g, vs) for g, vs in registry.group_versions().items()],
        }
    if len(parts) == 2 and parts[0] == "apis" and parts[1] in registry.group_versions():
        return {"kind": "APIGroup", "apiVersion": "v1", **_group(parts[1], registry.group_versions()[parts[1]])}
    gv = None
    if parts == ["api", "v1"]:
        gv = ("", "v1")
    elif len(parts) == 3 and parts[0] == "apis":
        gv = (parts[1], parts[2])
    if gv is None:
        return None
    resources = registry.in_group_version(*gv)
    if not resources:
        return None
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": "/".join(p for p in gv if p),
        "resources": [d for r in resources for d in _api_resources(r)],
    }


def crd_object(res: Resource) -> dict[str, Any]:
    """A CustomResourceDefinition that says the resource exists. The schema is a placeholder
    (the real one is used for validation, not served: the ISVC CRD alone is 2 MB)."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{res.plural}.{res.group}"},
        "spec": {
            "group": res.group,
            "names": {
                "kind": res.kind,
                "listKind": res.list_kind,
                "plural": res.plural,
                "singular": res.singular,
                **({"shortNames": list(res.short_names)} if res.short_names else {}),
            },
            "scope": "Namespaced" if res.namespaced else "Cluster",
            "versions": [
                {
                    "name": v,
                    "served": True,
                    "storage": i == 0,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                    **({"subresources": {"status": {}}} if res.status_subresource else {}),
                }
                for i, v in enumerate(res.versions)
            ],
        },
        "status": {
            "acceptedNames": {"kind": res.kind, "plural": res.plural},
            "storedVersions": [res.versions[0]],
            "conditions": [
                {
                    "type": "Established",
                    "status": "True",
                    "reason": "InitialNamesAccepted",
                    "message": "the initial names have been accepted",
                }
            ],
        },
    }
