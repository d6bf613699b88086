"""Kernel-cost backends: measured per-operation tables where installed and covered, else roofline."""

from jupyter_optiserve.estimate.kernels.base import PATHS, KernelBackend, Provenance

__all__ = ["PATHS", "KernelBackend", "Provenance"]
