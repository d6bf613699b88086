"""Preflight checks that ask the cluster: permissions (SSAR), capabilities, storage, collisions
and the server-side dry run. Each calls ``add(id, status, message, fix, rows=...)``."""

from __future__ import annotations

import base64

from jupyter_optiserve.errors import ClusterUnreachableError, NotFoundError, OptiServeError, PermissionDeniedError
from jupyter_optiserve.kube import Rule, check_access, grant_hint
from jupyter_optiserve.kube.probe import serves

KSERVE = "serving.kserve.io"
WRITE_VERBS = ("create", "get", "update", "patch", "delete")


def needed_rules(plan) -> tuple[list, list]:
    """(rules the deploy needs, rules only the live timeline needs)."""
    main = "llminferenceservices" if plan.target == "llmisvc" else "inferenceservices"
    plurals = [main] if plan.target == "llmisvc" else ["servingruntimes", main]
    must = [Rule(v, p, KSERVE) for p in plurals for v in WRITE_VERBS]
    if plan.auth:
        must += [
            Rule("create", r, g)
            for r, g in (
                ("serviceaccounts", ""),
                ("secrets", ""),
                ("roles", "rbac.authorization.k8s.io"),
                ("rolebindings", "rbac.authorization.k8s.io"),
            )
        ]
    nice = [
        Rule("watch", main, KSERVE),
        Rule("list", "pods"),
        Rule("watch", "pods"),
        Rule("list", "events"),
        Rule("get", "pods", subresource="log"),
    ]
    return must, nice


def permissions(add, plan, conn) -> None:
    must, nice = needed_rules(plan)
    answers = check_access(conn, must + nice, plan.namespace)
    ident = conn.identity
    missing = [r for r in must if answers.get(r) is False]
    if missing:
        add(
            "permissions",
            "fail",
            f"{ident.subject if ident else 'you'} may not " + ", ".join(r.describe(plan.namespace) for r in missing),
            grant_hint(ident, plan.namespace, missing, name="optiserve-deployer"),
        )
    else:
        unknown = [r for r in must if answers.get(r) is None]
        add(
            "permissions",
            "warn" if unknown else "pass",
            f"may create/update/delete the {'LLMInferenceService' if plan.target == 'llmisvc' else 'ServingRuntime and InferenceService'}"
            + (" (the server could not confirm: " + ", ".join(r.describe() for r in unknown) + ")" if unknown else ""),
        )
    lacking = [r for r in nice if answers.get(r) is False]
    if lacking:
        add(
            "follow-permissions",
            "warn",
            "the live timeline will show InferenceService status only: may not "
            + ", ".join(r.describe(plan.namespace) for r in lacking),
            grant_hint(ident, plan.namespace, lacking, name="optiserve-follow"),
        )


def capabilities(add, plan, conn) -> None:
    body = plan.body
    if body.source.startswith("cluster"):
        add(
            "runtime-template",
            "pass",
            f"runtime Template {body.template_name} from {body.source.split(':', 1)[1]} "
            f"(vLLM {body.version or '?'}, image {body.image})",
            rows=(15,),
        )
    else:
        add(
            "runtime-template",
            "warn",
            f"no runtime Template readable ({'; '.join(body.notes[:2])}); "
            f"using the catalog's image {body.image}, an upstream default",
            "on RHOAI check that the vLLM runtime is enabled; any identity may read Templates in redhat-ods-applications",
            rows=(15,),
        )
    if plan.target == "llmisvc":
        _llmisvc(add, plan, conn)


def _llmisvc(add, plan, conn) -> None:
    ns = plan.namespace
    found = {
        "llminferenceservices CRD": serves(conn, KSERVE, "v1alpha1", "llminferenceservices", ns),
        "InferencePool CRD": next(
            (
                r
                for r in (
                    serves(conn, "inference.networking.k8s.io", "v1", "inferencepools", ns),
                    serves(conn, "inference.networking.x-k8s.io", "v1alpha2", "inferencepools", ns),
                )
                if r is not False
            ),
            False,
        ),
        "GatewayClass": serves(conn, "gateway.networking.k8s.io", "v1", "gatewayclasses"),
    }
    absent = [k for k, v in found.items() if v is False]
    unknown = [k for k, v in found.items() if v is None]
    if absent:
        add(
            "llm-d",
            "fail",
            "llm-d unavailable: the cluster lacks " + ", ".join(absent),
            "use --deployment-kind kserve (RawDeployment), or ask the admin to install llm-d",
            rows=(18,),
        )
    else:
        add(
            "llm-d",
            "warn" if unknown else "pass",
            "LLMInferenceService prerequisites present"
            + (f" (could not check: {', '.join(unknown)})" if unknown else ""),
            rows=(18,),
        )


def _secret(conn, ns, name):
    """(secret | None, error message | None); forbidden -> (None, None) meaning 'cannot tell'."""
    try:
        return conn.get_json(conn.core.read_namespaced_secret, name, ns), None
    except NotFoundError:
        return None, f"Secret '{name}' does not exist in {ns}"
    except PermissionDeniedError:
        return None, None


def storage(add, plan, conn) -> None:
    st, ns = plan.storage, plan.namespace
    if plan.multinode and st.kind != "pvc":
        add(
            "storage",
            "fail",
            "multi-node serving needs the model on a ReadWriteMany PVC (KServe requirement)",
            "copy the model to an RWX PVC and pass --storage-uri pvc://<claim>/<path>",
            rows=(8,),
        )
        return
    if st.kind == "s3" and st.key:
        _s3(add, plan, conn)
    elif st.kind == "hf" and st.secret:
        sec, err = _secret(conn, ns, st.secret)
        if err or (sec and st.secret_key not in (sec.get("data") or {})):
            add(
                "storage",
                "fail",
                err or f"Secret '{st.secret}' has no key {st.secret_key}",
                f"oc create secret generic {st.secret} --from-literal={st.secret_key}=<token> -n {ns}",
                rows=(9,),
            )
        else:
            add(
                "storage",
                "pass" if sec else "warn",
                f"{st.uri} with token Secret {st.secret}"
                + ("" if sec else " (cannot read Secrets to confirm it exists)"),
                rows=(9,),
            )
    elif st.kind == "pvc":
        _pvc(add, plan, conn)
    elif st.kind == "oci":
        if st.secret:
            sec, err = _secret(conn, ns, st.secret)
            add(
                "storage",
                "fail" if err else "pass",
                err or f"modelcar {st.uri} with pull secret {st.secret}",
                "create the pull secret (type kubernetes.io/dockerconfigjson)" if err else "",
                rows=(14,),
            )
        else:
            registry = st.uri[len("oci://") :].split("/", 1)[0]
            add(
                "storage",
                "pass",
                f"modelcar {st.uri}: pulled with the cluster's pull secrets for {registry}",
                rows=(8, 14),
            )
    else:
        add("storage", "skip", f"{st.uri}: not checked", rows=(8,))


def _pvc(add, plan, conn) -> None:
    from kubernetes.utils import parse_quantity

    claim, ns = plan.storage.pvc, plan.namespace
    try:
        pvc = conn.get_json(conn.core.read_namespaced_persistent_volume_claim, claim, ns)
    except NotFoundError:
        add(
            "storage",
            "fail",
            f"PVC '{claim}' does not exist in {ns}",
            "create it and copy the model into it",
            rows=(8,),
        )
        return
    except PermissionDeniedError:
        add("storage", "warn", f"cannot read PVC '{claim}' to check its size and access mode", rows=(8,))
        return
    modes = (pvc.get("spec") or {}).get("accessModes") or []
    size = ((pvc.get("status") or {}).get("capacity") or {}).get("storage") or (
        ((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}
    ).get("storage")
    size_gib = float(parse_quantity(size)) / 2**30 if size else None
    rwx = "ReadWriteMany" in modes or "ReadOnlyMany" in modes
    if plan.multinode and not rwx:
        add(
            "storage",
            "fail",
            f"PVC '{claim}' is {','.join(modes)}; multi-node needs ReadWriteMany",
            "use an RWX storage class",
            rows=(8,),
        )
    elif size_gib is not None and size_gib < plan.weights_gib:
        add(
            "storage",
            "fail",
            f"PVC '{claim}' holds {size_gib:.0f} GiB; the weights alone need {plan.weights_gib:.0f} GiB",
            "use a larger PVC",
            rows=(8,),
        )
    elif not rwx and plan.profile.replicas > 1:
        add(
            "storage",
            "warn",
            f"PVC '{claim}' is ReadWriteOnce and {plan.profile.replicas} replicas will mount it: "
            "pods on other nodes fail with Multi-Attach",
            "use an RWX PVC or one replica",
            rows=(8,),
        )
    else:
        add("storage", "pass", f"PVC '{claim}' ({','.join(modes)}, {size or '?'})", rows=(8,))


def _s3(add, plan, conn) -> None:
    from jupyter_optiserve.deploy import s3check

    st, ns = plan.storage, plan.namespace
    sec, err = _secret(conn, ns, st.key)
    if err:
        add(
            "storage",
            "fail",
            err,
            "create the data connection in the dashboard (Connections) or pass another --connection",
            rows=(8,),
        )
        return
    if sec is None:
        add("storage", "warn", f"cannot read Secret '{st.key}' to test the S3 connection", rows=(8,))
        return
    data = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (sec.get("data") or {}).items()}
    missing = [
        k for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_S3_ENDPOINT", "AWS_S3_BUCKET") if not data.get(k)
    ]
    if missing:
        add("storage", "fail", f"connection '{st.key}' lacks {', '.join(missing)}", "edit the connection", rows=(8,))
        return
    if st.bucket and st.bucket != data["AWS_S3_BUCKET"]:
        add(
            "storage",
            "fail",
            f"--storage-uri names bucket '{st.bucket}' but connection '{st.key}' uses '{data['AWS_S3_BUCKET']}'",
            f"use s3://{data['AWS_S3_BUCKET']}/{st.path}",
            rows=(8,),
        )
        return
    probe = s3check.probe(
        data["AWS_S3_ENDPOINT"],
        data["AWS_S3_BUCKET"],
        st.path,
        data["AWS_ACCESS_KEY_ID"],
        data["AWS_SECRET_ACCESS_KEY"],
        data.get("AWS_DEFAULT_REGION") or "us-east-1",
        session_token=data.get("AWS_SESSION_TOKEN") or "",
        tls=s3check.tls_from(data, _ca_bundles(conn, ns)),
    )
    add("storage", probe.status, probe.message, probe.fix, rows=(8,))


# The bundles RHOAI mounts into the storage initializer: the KServe one the model controller builds
# from odh-trusted-ca-bundle, then odh-trusted-ca-bundle itself (cluster CAs + the admin's custom CA).
_CA_CONFIGMAPS = (
    ("odh-kserve-custom-ca-bundle", ("cabundle.crt",)),
    ("odh-trusted-ca-bundle", ("ca-bundle.crt", "odh-ca-bundle.crt")),
)


def _ca_bundles(conn, ns) -> list[str]:
    """PEM texts of the namespace's CA ConfigMaps; the first that exists wins, none readable -> []."""
    for name, keys in _CA_CONFIGMAPS:
        try:
            cm = conn.get_json(conn.core.read_namespaced_config_map, name, ns)
        except (NotFoundError, PermissionDeniedError):
            continue
        pems = [(cm.get("data") or {}).get(k) or "" for k in keys]
        if any("-----BEGIN" in p for p in pems):
            return pems
    return []


def collision(add, plan, objs, conn) -> None:
    from jupyter_optiserve.deploy.deployer import Deployer

    clashes = Deployer(conn).collisions(objs)
    if clashes:
        add("name", "fail", "; ".join(clashes), f"pick another --name (e.g. {plan.name}-2)")
    else:
        add("name", "pass", f"'{plan.name}' is free or was created by OptiServe")


def server_dry_run(add, objs, conn) -> None:
    from jupyter_optiserve.deploy.deployer import Deployer

    try:
        result = Deployer(conn).apply(objs, dry_run=True)
    except OptiServeError as exc:
        if isinstance(exc, ClusterUnreachableError):
            raise
        add("server-dry-run", "fail", f"the API server rejected the objects: {exc.message}", exc.hint)
        return
    add("server-dry-run", "pass", "dryRun=All accepted: " + ", ".join(f"{a} {k}/{n}" for k, n, a in result.actions))
