"""Which kernel-cost backend answers for an accelerator: measured tables when installed and
covering the configuration's compute path, else the built-in roofline."""

from __future__ import annotations

import functools
import importlib.util
from typing import TYPE_CHECKING

from jupyter_optiserve.estimate.kernels.roofline import RooflineBackend

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.estimate.constants import EngineConstants
    from jupyter_optiserve.estimate.kernels.aic import MeasuredBackend

BACKENDS = ("auto", "roofline", "measured")


@functools.lru_cache(maxsize=1)
def measured_installed() -> bool:
    """aiconfigurator-core is an optional extra (``pip install jupyter_optiserve[measured]``)."""
    return importlib.util.find_spec("aiconfigurator_core") is not None


_ROOFLINES: dict[tuple[int, int], tuple[object, object, RooflineBackend]] = {}


def _roofline(acc: Accelerator, const: EngineConstants) -> RooflineBackend:
    # Keyed by identity (catalog objects are unhashable); the entry keeps them alive.
    hit = _ROOFLINES.get((id(acc), id(const)))
    if hit is None or hit[0] is not acc or hit[1] is not const:
        hit = (acc, const, RooflineBackend(acc, const))
        _ROOFLINES[(id(acc), id(const))] = hit
    return hit[2]


def backend_for(
    acc: Accelerator, const: EngineConstants, path: str, engine_version: str, prefer: str = "auto"
) -> RooflineBackend | MeasuredBackend:
    """``prefer``: auto (measured where covered), roofline, or measured (falls back with the reason
    in the provenance when not covered)."""
    if prefer != "roofline" and acc.vendor == "nvidia" and measured_installed():
        measured = _measured(acc, engine_version, _roofline(acc, const))
        if measured is not None and measured.covers(path):
            return measured
    return _roofline(acc, const)


_MEASURED: dict[tuple[int, str, int], tuple[Accelerator, MeasuredBackend | None]] = {}


def _measured(acc: Accelerator, engine_version: str, roofline: RooflineBackend) -> MeasuredBackend | None:
    """One measured backend per accelerator, version and roofline (which answers the operations
    the tables lack, and says so in the provenance)."""
    key = (id(acc), engine_version, id(roofline))
    hit = _MEASURED.get(key)
    if hit is not None and hit[0] is acc:
        return hit[1]
    try:
        from jupyter_optiserve.estimate.kernels import aic
    except ImportError:  # the extra is installed but broken: the roofline still answers
        return None
    backend = aic.backend_for(acc, engine_version, fallback=roofline)
    _MEASURED[key] = (acc, backend)
    return backend
