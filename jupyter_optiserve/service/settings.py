"""What an operator configures (``c.OptiServeApp.*`` in Jupyter, flags in the CLI) and the caches
that belong to one configured instance (hardware inventory, deploy tasks)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jupyter_optiserve.errors import InvalidInputError, PermissionDeniedError

if TYPE_CHECKING:
    from jupyter_optiserve.benchmark.tasks import BenchmarkTasks

REQUEST_TIMEOUT = 10.0  # seconds per Kubernetes call: the one default of the CLI, the magic and the server


@dataclass
class Settings:
    namespace: str | None = None  # default namespace (else the workbench's / the context's)
    kubeconfig: str | None = None  # a path; never read back to clients beyond the path
    context: str | None = None  # kubeconfig context
    profile_dirs: list = field(default_factory=list)  # extra catalog folders (like OPTISERVE_PROFILE_DIRS)
    default_kpi: str | None = None  # used when a recommend request has no kpi
    allowed_runtimes: list = field(default_factory=list)  # empty: all
    allowed_accelerators: list = field(default_factory=list)  # empty: all
    offline: bool = False  # never contact a cluster
    request_timeout: float = REQUEST_TIMEOUT  # seconds per Kubernetes call
    deploy_timeout: float = 1800.0  # default bound on following a deploy
    prompt_timeout: float = 120.0  # seconds for one prompt to a deployment
    hardware_ttl: float = 300.0  # seconds an inventory stays cached
    max_tasks: int = 50  # finished deploy tasks kept in memory

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _inventory: tuple | None = field(default=None, repr=False, compare=False)  # (monotonic time, Inventory)
    _tasks: object = field(default=None, repr=False, compare=False)
    _generation: int = field(default=0, repr=False, compare=False)
    _benchmark_tasks: BenchmarkTasks | None = field(default=None, repr=False, compare=False)  # service.benchmarks

    # -- catalog ------------------------------------------------------------------------------------
    def catalog(self):
        from jupyter_optiserve.catalog import load_catalog

        return load_catalog(list(self.profile_dirs or []) or None)

    # -- cluster ------------------------------------------------------------------------------------
    def connect(self, namespace: str | None = None, required: bool = True):
        """A KubeConnection, or None (offline / nothing configured) when not ``required``."""
        if self.offline:
            if required:
                raise InvalidInputError(
                    "this server runs in offline mode: no cluster is contacted",
                    hint="set c.OptiServeApp.offline = False to deploy from here",
                )
            return None
        from jupyter_optiserve.kube import NoCluster, connect

        try:
            return connect(self.kubeconfig, self.context, namespace or self.namespace, timeout=self.request_timeout)
        except NoCluster:
            if required:
                raise
            return None

    # -- policy -------------------------------------------------------------------------------------
    def check_accelerator(self, acc_id: str | None) -> None:
        if acc_id and self.allowed_accelerators and acc_id not in self._allowed_accs():
            raise PermissionDeniedError(
                f"accelerator '{acc_id}' is not allowed on this server",
                hint="use one of: "
                + ", ".join(self.allowed_accelerators)
                + " (the administrator sets c.OptiServeApp.allowed_accelerators)",
                allowed=list(self.allowed_accelerators),
            )

    def check_runtime(self, runtime_id: str | None) -> None:
        if runtime_id and self.allowed_runtimes and runtime_id not in self.allowed_runtimes:
            raise PermissionDeniedError(
                f"runtime '{runtime_id}' is not allowed on this server",
                hint="allowed runtimes: "
                + ", ".join(self.allowed_runtimes)
                + " (the administrator sets c.OptiServeApp.allowed_runtimes)",
                allowed=list(self.allowed_runtimes),
            )

    def accelerator_allowed(self, acc_id: str) -> bool:
        return not self.allowed_accelerators or acc_id in self._allowed_accs()

    def runtime_allowed(self, runtime_id: str) -> bool:
        return not self.allowed_runtimes or runtime_id in self.allowed_runtimes

    def _allowed_accs(self) -> set:
        """Configured names may be aliases (``h100``): resolve them to catalog ids."""
        out = set()
        accs = self.catalog().accelerators
        for name in self.allowed_accelerators:
            try:
                out.add(accs.get(name).id)
            except Exception:
                out.add(name)
        return out

    # -- caches -------------------------------------------------------------------------------------
    def cached_inventory(self, refresh: bool = False):
        """The hardware inventory, detected at most once per ``hardware_ttl`` unless ``refresh``."""
        with self._lock:
            if not refresh and self._inventory and time.monotonic() - self._inventory[0] < self.hardware_ttl:
                return self._inventory[1]
            generation = self._generation
        from jupyter_optiserve.hardware import detect

        inv = detect(
            kubeconfig=self.kubeconfig,
            context=self.context,
            namespace=self.namespace,
            cluster=not self.offline,
            timeout=self.request_timeout,
            catalog=self.catalog(),
        )
        with self._lock:
            if generation == self._generation:  # not invalidated while detecting (it may predate a change)
                self._inventory = (time.monotonic(), inv)
        return inv

    def invalidate_inventory(self) -> None:
        """Forget the cached inventory: a deploy, stop or delete changes which GPUs are free."""
        with self._lock:
            self._inventory = None
            self._generation += 1

    @property
    def tasks(self):
        from jupyter_optiserve.events import TaskRegistry

        with self._lock:
            if self._tasks is None:
                self._tasks = TaskRegistry(max_finished=self.max_tasks)
            return self._tasks

    def public(self) -> dict:
        """The effective settings for ``GET /optiserve/config``: paths and names, never a secret."""
        from jupyter_optiserve import __version__
        from jupyter_optiserve.recommend.kpi import KPIS

        return {
            "namespace": self.namespace,
            "context": self.context,
            "kubeconfig": self.kubeconfig,
            "profile_dirs": [str(p) for p in self.profile_dirs or []],
            "default_kpi": self.default_kpi,
            "allowed_runtimes": list(self.allowed_runtimes or []),
            "allowed_accelerators": list(self.allowed_accelerators or []),
            "offline": bool(self.offline),
            "request_timeout": float(self.request_timeout),
            "deploy_timeout": float(self.deploy_timeout),
            "version": __version__,
            "kpis": list(KPIS),
        }
