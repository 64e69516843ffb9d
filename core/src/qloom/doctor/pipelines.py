"""Whether a pipeline part, or a backend's default pipeline, has every pass it needs.

Run by ``qloom plugins doctor`` without ``--check``: resolving a pipeline imports its
passes and builds them with their options, which is cheap, and a missing one is the most
common reason a backend that loads cannot transpile.
"""

from __future__ import annotations

from qloom.backend import Backend
from qloom.config import get_pipeline, resolve_default_pipeline
from qloom.doctor.checks import build_example_backend, one_line
from qloom.doctor.report import ERROR, Problem
from qloom.errors import MissingPartsError, QloomError
from qloom.plugins import DISABLE_ENV, Registry, use_registry

__all__ = ["pipeline_problems"]


def pipeline_problems(registry: Registry, kind: str, name: str) -> list[Problem]:
    """Problems of a part that loads: for a pipeline, its missing passes; for a backend,
    the missing parts of its default pipeline (built on an example device if it needs one).
    """
    with use_registry(registry):
        try:
            if kind == "pipelines":
                get_pipeline(name, registry)
            elif kind == "backends":
                backend, _ = build_example_backend(registry, name)
                if isinstance(backend, Backend):
                    resolve_default_pipeline(backend, backend.default_pipeline)
        except MissingPartsError as exc:
            return [_missing(exc)]
        except QloomError:
            return []  # it needs options or is broken: reported elsewhere
        except Exception as exc:  # a backend that crashes when built: --check reports it
            return [Problem(ERROR, f"building it failed: {one_line(exc)}", "run with --check")]
    return []


def _missing(exc: MissingPartsError) -> Problem:
    """One problem naming every missing part, with one ``pip install`` for all of them."""
    marker = ": pip install "
    targets = sorted({h.split(marker, 1)[1] for _, h in exc.missing if h and marker in h})
    advice = [f"pip install {' '.join(targets)}"] if targets else []
    if any(h and DISABLE_ENV in h for _, h in exc.missing):
        advice.append(f"take them out of {DISABLE_ENV}")
    if not advice:
        advice.append("install the plugins that provide them (`qloom plugins` lists the rest)")
    return Problem(ERROR, str(exc), "; ".join(advice))
