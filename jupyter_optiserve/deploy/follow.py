"""Follow a deployment live: watch the InferenceService, its pods and Events, build the timeline.

One thread per watch feeds a queue; each resumes from its last resourceVersion when the stream
drops and relists on 410 Gone. Pods and Events are optional: without the right to read them the
timeline degrades to InferenceService status with a note naming the grant. Bounded by ``timeout``.
"""

from __future__ import annotations

import json
import queue
import threading
import time

from kubernetes.client.rest import ApiException
from kubernetes.watch.watch import iter_resp_lines

from jupyter_optiserve.deploy.resources import ISVC
from jupyter_optiserve.deploy.timeline import Timeline, Tracker
from jupyter_optiserve.errors import ClusterUnreachableError, OptiServeError, PermissionDeniedError
from jupyter_optiserve.kube import Rule, grant_hint

WATCH_WINDOW_S = 30


class _Watch(threading.Thread):
    """list, then watch from the list's resourceVersion; resume after drops; stop on 403."""

    def __init__(self, label, conn, fn, args, kw, out: queue.Queue, stop: threading.Event, keep=None):
        super().__init__(name=f"optiserve-watch-{label}", daemon=True)
        self.label, self.conn, self.fn, self.args, self.kw = label, conn, fn, args, kw
        self.out, self.stop, self.keep = out, stop, keep or (lambda obj: True)
        self.drops = 0
        self.resp = None  # the open watch response, so close() can unblock a read
        self.failing_since: float | None = None  # first of the failures to reach the API server in a row
        self.last_error = ""

    def close(self) -> None:
        """Unblock a read in progress: the thread then sees ``stop`` and ends."""
        resp = self.resp
        if resp is not None:
            try:
                resp.shutdown()  # urllib3 >= 2.3: shuts the socket down under a blocked read
            except Exception:
                pass

    def _put(self, kind, obj=None):
        if kind in ("ADDED", "MODIFIED", "DELETED") and not self.keep(obj):
            return
        self.out.put((self.label, kind, obj))

    def run(self) -> None:
        rv = None
        while not self.stop.is_set():
            try:
                if rv is None:
                    body = self.conn.get_json(self.fn, *self.args, **self.kw)
                    self.failing_since = None
                    for item in body.get("items") or []:
                        self._put("ADDED", item)
                    rv = (body.get("metadata") or {}).get("resourceVersion")
                opened = time.monotonic()
                resp = self.fn(
                    *self.args,
                    **self.kw,
                    watch=True,
                    resource_version=rv,
                    allow_watch_bookmarks=True,
                    timeout_seconds=WATCH_WINDOW_S,
                    _preload_content=False,
                    _request_timeout=(self.conn.timeout, WATCH_WINDOW_S + 10),
                )
                self.resp = resp
                self.failing_since = None
                if self.stop.is_set():
                    resp.release_conn()
                    return
                try:
                    for line in iter_resp_lines(resp):
                        if self.stop.is_set():
                            return
                        ev = json.loads(line)
                        obj = ev.get("object") or {}
                        if ev.get("type") == "ERROR":
                            if obj.get("code") == 410:
                                rv = None  # too old: relist
                                break
                            raise OptiServeError(obj.get("message", "watch error"))
                        rv = (obj.get("metadata") or {}).get("resourceVersion") or rv
                        if ev.get("type") != "BOOKMARK":
                            self._put(ev.get("type"), obj)
                finally:
                    self.resp = None
                    resp.release_conn()
                if time.monotonic() - opened < WATCH_WINDOW_S - 1 and not self.stop.is_set():
                    self.drops += 1
                    self._put("DROPPED", rv)
            except PermissionDeniedError as exc:
                self._put("FORBIDDEN", exc)
                return
            except ApiException as exc:
                if exc.status == 403:
                    self._put("FORBIDDEN", exc)
                    return
                if exc.status == 410:
                    rv = None
                    continue
                self._put("DROPPED", rv)
                self.stop.wait(0.5)
            except (OSError, ValueError, OptiServeError, Exception) as exc:
                if self.stop.is_set():
                    return
                if self.failing_since is None:
                    self.failing_since = time.monotonic()
                self.last_error = getattr(exc, "message", None) or type(exc).__name__
                self.drops += 1
                self._put("DROPPED", f"{type(exc).__name__}")
                self.stop.wait(0.5)


def follow(
    conn,
    name: str,
    namespace: str | None = None,
    *,
    timeout: float = 1800,
    pending_grace: float = 300,
    on_update=None,
    kind=ISVC,
    include_pods: bool = True,
    unreachable_after: float = 60.0,
) -> Timeline:
    """Watch until Ready, a terminal failure, a stop, or ``timeout`` seconds; return the timeline.
    ClusterUnreachableError when the API server has not answered for ``unreachable_after`` seconds
    (or at the timeout): a dead API server is not a deployment that is merely slow."""
    ns = namespace or conn.namespace
    tl = Timeline(name, ns)
    tl.advance("submitted", f"{kind.kind}/{name}")
    logs_ok = [True]

    def fetch_logs(pod, container, previous):
        if not logs_ok[0]:
            return None
        try:
            return conn.call(
                conn.core.read_namespaced_pod_log, pod, ns, container=container, previous=previous, tail_lines=40
            )
        except PermissionDeniedError:
            logs_ok[0] = False
            tl.notes.append(
                "pod logs not readable: the failure cause comes from status only (grant get pods/log for log lines)"
            )
        except OptiServeError:
            return None
        return None

    tracker = Tracker(tl, fetch_logs, pending_grace)
    q: queue.Queue = queue.Queue()
    stop = threading.Event()
    watches = [
        _Watch(
            "isvc",
            conn,
            conn.custom.list_namespaced_custom_object,
            (kind.group, kind.version, ns, kind.plural),
            {"field_selector": f"metadata.name={name}"},
            q,
            stop,
        )
    ]
    if include_pods and kind is ISVC:
        watches.append(
            _Watch(
                "pod",
                conn,
                conn.core.list_namespaced_pod,
                (ns,),
                {"label_selector": f"serving.kserve.io/inferenceservice={name}"},
                q,
                stop,
            )
        )
        prefix = f"{name}-predictor"
        watches.append(
            _Watch(
                "event",
                conn,
                conn.core.list_namespaced_event,
                (ns,),
                {},
                q,
                stop,
                keep=lambda ev: (ev.get("involvedObject") or {}).get("name", "").startswith((prefix, name)),
            )
        )
    elif kind is not ISVC:
        tl.notes.append(f"{kind.kind}: following status conditions only")
    for w in watches:
        w.start()
    deadline = time.monotonic() + timeout
    forbidden = []
    try:
        while tl.outcome is None:
            left = deadline - time.monotonic()
            lost = watches[0].failing_since
            if lost is not None and (time.monotonic() - lost >= unreachable_after or left <= 0):
                raise ClusterUnreachableError(
                    f"lost the API server while following {name}: no answer for {time.monotonic() - lost:.0f} s "
                    f"({watches[0].last_error}); the deployment may still be progressing",
                    hint=f"check the cluster (VPN, `oc login`), then `optiserve status {name} -n {ns}`",
                )
            if left <= 0:
                tl.outcome = "timeout"
                tl.note(
                    f"gave up after {timeout:g} s in phase {tl.current} (the deployment keeps going; "
                    f"`optiserve status {name}` shows it later)"
                )
                break
            try:
                label, typ, obj = q.get(timeout=min(0.5, left))
            except queue.Empty:
                tracker.check_pending()
                continue
            if typ == "FORBIDDEN":
                forbidden.append(label)
                if label == "isvc":
                    raise obj if isinstance(obj, OptiServeError) else PermissionDeniedError(str(obj))
                continue
            if typ == "DROPPED":
                tl.note(f"{label} watch dropped; resumed from resourceVersion {obj}")
                continue
            if label == "isvc":
                if typ == "DELETED":
                    tl.outcome = "failed"
                    tl.note("the InferenceService was deleted")
                else:
                    tracker.on_isvc(obj)
            elif label == "pod" and typ != "DELETED":
                tracker.on_pod(obj)
            elif label == "event" and typ != "DELETED":
                tracker.on_event(obj)
            tracker.check_pending()
            if on_update:
                on_update(tl)
        if tl.outcome == "failed":  # pod updates queued behind the ISVC's may name a better cause
            end = time.monotonic() + 1.0
            while time.monotonic() < end:
                try:
                    label, typ, obj = q.get(timeout=min(0.2, max(0.01, end - time.monotonic())))
                except queue.Empty:
                    break
                if label == "pod" and typ in ("ADDED", "MODIFIED"):
                    tracker.on_pod(obj)
    finally:
        # join the watches: a daemon thread still reading at interpreter exit can abort the process
        stop.set()
        for w in watches:
            w.close()
        for w in watches:
            w.join(timeout=5)
    if forbidden:
        rules = [Rule("list", "pods"), Rule("watch", "pods"), Rule("list", "events"), Rule("watch", "events")]
        tl.notes.append(
            "showing InferenceService status only: pods/events are not readable. "
            + grant_hint(conn.identity, ns, rules, name="optiserve-follow")
        )
    return tl
