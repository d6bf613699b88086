"""Catalogs loaded from ``profiles/``: accelerators, models, quantized variants, runtimes, profiles.

Every file is validated when loaded; a broken one is a :class:`CatalogError` naming file and field.
Extra profile folders (``OPTISERVE_PROFILE_DIRS`` or ``extra_dirs``) add curated profiles,
accelerators or models next to the bundled ones.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jupyter_optiserve.catalog import accelerators as _acc
from jupyter_optiserve.catalog import models as _models
from jupyter_optiserve.catalog import profiles as _profiles
from jupyter_optiserve.catalog import runtimes as _runtimes
from jupyter_optiserve.catalog import variants as _variants
from jupyter_optiserve.catalog.accelerators import Accelerator, AcceleratorCatalog, normalize
from jupyter_optiserve.catalog.models import Model, from_hf_config, load_config_path
from jupyter_optiserve.catalog.paths import bundled_profiles_dir, extra_profile_dirs
from jupyter_optiserve.catalog.profiles import Profile
from jupyter_optiserve.catalog.runtimes import Runtime
from jupyter_optiserve.catalog.variants import Variant
from jupyter_optiserve.catalog.yamlio import load_yaml, validate
from jupyter_optiserve.errors import CatalogError, InvalidInputError, NotFoundError, closest
from jupyter_optiserve.userpath import expand

__all__ = [
    "Accelerator",
    "AcceleratorCatalog",
    "Catalog",
    "Model",
    "Profile",
    "Runtime",
    "Variant",
    "load_catalog",
    "normalize",
    "short_accelerator_name",
]

_T = TypeVar("_T")

__all__ = ["Catalog", "load_catalog", "Accelerator", "Model", "Profile", "Runtime", "Variant"]


def short_accelerator_name(acc_id: str) -> str:
    """``h100-sxm-80gb`` -> ``h100-80gb`` for profile names (form factor only when not SXM)."""
    return re.sub(r"-sxm\d?", "", acc_id)


class Catalog:
    def __init__(self, dirs: list[Path]):
        self.dirs = dirs
        acc: list[Accelerator] = []
        models: list[Model] = []
        variants: list[Variant] = []
        runtimes: list[Runtime] = []
        profiles: list[tuple[Path, dict[str, Any]]] = []
        for d in dirs:
            for path in sorted(d.glob("accelerators*.yaml")):
                acc += self._load(path, _acc.SCHEMA, Accelerator.from_dict)
            for path in sorted(d.glob("models*.yaml")):
                models += self._load(path, _models.SCHEMA, Model.from_dict)
            for path in sorted(d.glob("variants*.yaml")):
                variants += self._load(path, _variants.SCHEMA, Variant.from_dict)
            for path in sorted(d.glob("runtimes*.yaml")):
                runtimes += self._load(path, _runtimes.SCHEMA, Runtime.from_dict)
            for path in sorted(list(d.glob("curated/*.yaml")) + list(d.glob("profiles*.yaml"))):
                profiles += [(path, p) for p in self._load(path, _profiles.SCHEMA, dict)]
        self.accelerators = AcceleratorCatalog(acc)
        self.models = models
        self.variants = variants
        self.runtimes = {r.id: r for r in runtimes}
        self._model_index: dict[str, Model] = {}
        for m in models:
            for key in (m.id, m.hf_id, m.hf_id.split("/")[-1]):
                self._model_index.setdefault(key.lower(), m)
        self.variants_by_base: dict[str, list[Variant]] = {}
        for v in variants:
            if v.base:
                self.variants_by_base.setdefault(v.base.lower(), []).append(v)
        self._variant_index = {v.id.lower(): v for v in variants}
        self.profiles = [self._curated(path, d) for path, d in profiles]

    @staticmethod
    def _load(path: Path, schema: dict[str, Any], make: Callable[[dict[str, Any]], _T]) -> list[_T]:
        data = load_yaml(path) or []
        validate(path, data, schema)
        out: list[_T] = []
        for i, item in enumerate(data):
            try:
                out.append(make(item))
            except (TypeError, ValueError, KeyError) as exc:
                raise CatalogError(
                    f"{path}: entry {i} ('{item.get('id', '?')}'): {exc}", hint="fix this entry"
                ) from None
        return out

    def _curated(self, path: Path, d: dict[str, Any]) -> Profile:
        for field, lookup in (
            ("model", self.find_model),
            ("accelerator", self.accelerators.find),
            ("runtime", self.runtimes.get),
        ):
            if lookup(d[field]) is None:
                raise CatalogError(
                    f"{path}: field '{field}' of profile for {d['model']}: unknown {field} '{d[field]}'",
                    hint=f"use an id from `optiserve {field}s`",
                )
        model = self.find_model(d["model"])
        acc = self.accelerators.find(d["accelerator"])
        assert model is not None and acc is not None  # checked just above
        rt = self.runtimes[d["runtime"]]
        d = {**d, "model": model.id, "accelerator": acc.id, "provenance": d.get("provenance", "curated")}
        return Profile.from_dict(d).with_(
            accelerator_short=short_accelerator_name(acc.id),
            framework=rt.framework,
            engine_version=rt.default_engine_version,
        )

    # -- lookups ----------------------------------------------------------------------------------
    def find_model(self, name: str) -> Model | None:
        return self._model_index.get(str(name).lower())

    def find_variant(self, name: str) -> Variant | None:
        return self._variant_index.get(str(name).lower())

    def variants_for(self, model: Model) -> list[Variant]:
        return self.variants_by_base.get(model.hf_id.lower(), [])

    def resolve_model(self, name: str, allow_hub: bool = True, timeout: float = 5.0) -> tuple[Model, Variant | None]:
        """A catalog id, HF id, variant id (RedHatAI/...), local folder/config.json, or a Hub id."""
        if not name or not str(name).strip():
            raise NotFoundError(
                "no model given", hint="pass --model with a catalog id (`optiserve models`), a HF id or a path"
            )
        name = str(name).strip()
        model = self.find_model(name)
        if model:
            return model, None
        variant = self.find_variant(name)
        base = self.find_model(variant.base) if variant and variant.base else None
        if variant and base:
            return base, variant
        p = expand(name)
        if _exists(p) or name.endswith(".json") or name.startswith((".", "/", "~")):
            return load_config_path(p), None
        near = self.closest_models(name)
        if re.fullmatch(r"[\w.\-]+/[\w.\-]+", name) and allow_hub:
            from jupyter_optiserve.catalog.hub import fetch_config

            try:
                return from_hf_config(fetch_config(name, timeout=timeout), name, origin="hub"), None
            except (NotFoundError, InvalidInputError) as exc:
                if not near:
                    raise
                # a typo in a HF id is far likelier than a new model: name the catalog entries it resembles
                raise NotFoundError(
                    f"unknown model '{name}': {exc.message}",
                    hint="did you mean " + " or ".join(f"'{n}'" for n in near) + "? "
                    "(`optiserve models` lists the catalog)",
                    matches=near,
                ) from None
        raise NotFoundError(
            f"unknown model '{name}'",
            hint=("closest: " + ", ".join(near) + "; " if near else "")
            + "use a catalog id (`optiserve models`), a Hugging Face id or a folder with config.json",
            matches=near,
        )

    def closest_models(self, name: str, n: int = 3) -> list[str]:
        """Catalog ids or HF ids (whichever form ``name`` has) closest to a mistyped name."""
        ids = (
            [m.hf_id for m in self.models] + [v.id for v in self.variants]
            if "/" in name
            else [m.id for m in self.models]
        )
        return closest(name, ids, n=n)

    def runtime_for(self, acc: Accelerator, framework: str = "vllm") -> Runtime | None:
        for rt in self.runtimes.values():
            if rt.framework == framework and rt.supports(acc.vendor):
                return rt
        return None

    def get_runtime(self, rid: str) -> Runtime:
        if rid not in self.runtimes:
            raise NotFoundError(f"unknown runtime '{rid}'", hint="known: " + ", ".join(self.runtimes))
        return self.runtimes[rid]

    def curated_for(self, model: Model, acc: Accelerator | None = None) -> list[Profile]:
        return [p for p in self.profiles if p.model == model.id and (acc is None or p.accelerator == acc.id)]


_lock = threading.Lock()
_cache: dict[tuple[str, ...], Catalog] = {}


def load_catalog(extra_dirs: list[str | Path] | None = None) -> Catalog:
    """The catalog (cached per set of folders): bundled profiles/ plus any extra folders."""
    dirs = [bundled_profiles_dir(), *extra_profile_dirs(), *(expand(p) for p in (extra_dirs or []))]
    for d in dirs[1:]:
        if not d.is_dir():
            raise CatalogError(
                f"extra profile folder {d} does not exist", hint="fix OPTISERVE_PROFILE_DIRS or the configured folders"
            )
    key = tuple(str(d.resolve()) for d in dirs)
    with _lock:
        if key not in _cache:
            _cache[key] = Catalog(dirs)
        return _cache[key]


def _exists(p: Path) -> bool:
    """Path.exists() without OSError: a model string over 255 bytes is a bad name, not a crash."""
    try:
        return p.exists()
    except (OSError, ValueError):
        return False
