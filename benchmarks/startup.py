"""Where the start-up of ``tariffs price`` goes, stage by stage, in fresh processes.

Run: ``python benchmarks/startup.py [--baseline PATH] [--rounds N]``. Each round starts
one child process per tree (the baseline first, then this checkout, as in
`before_after.py`, so that a slow minute falls on both), with ``PYTHONPATH=<tree>/src``
and the bytecode cached in a temporary ``PYTHONPYCACHEPREFIX`` (written by an untimed
first run). The child imports, in this order and each timed, what the command needs
from outside the package (the standard library modules, pydantic_core, pydantic,
``importlib.metadata`` and the scan of its entry points that pydantic's plugin loader
makes when the first validator is built, yaml), then the package with the ``price``
command (`tariffs.cli.main.command`), then runs ``tariffs price`` on the README's example
(``--format json``) in the same process. Within those two stages it sums the time spent
creating dataclasses, creating model classes and building models' validators (whether
at import or at first use).

The table gives, per stage and tree, the fastest and the median time over the rounds
[ms]; the host reference (a fixed pure-Python loop, `loads.reference_loop_ms`) is timed
before and after. Every child's bills are hashed (sha256 of stdout); if the trees' differ,
the script says so and exits 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loads import reference_loop_ms

ROOT = Path(__file__).resolve().parents[1]
PRICE_ARGS = (
    "price", "examples/readings.csv", "--tariff", "cn-sh-industrial-two-part",
    "--account", "examples/account.yaml", "--format", "json",
)  # fmt: skip
STAGES = (
    ("stdlib", "standard library (typing, re, dataclasses, ...)"),
    ("pydantic_core", "pydantic_core"),
    ("pydantic", "pydantic (main, fields, types, json_schema, ...)"),
    ("metadata", "importlib.metadata (pydantic's plugin loader)"),
    ("scan", "pydantic's scan of entry points"),
    ("yaml", "yaml"),
    ("package", "the package, with the price command"),
    ("command", "tariffs price (load, read, price, render)"),
)
PARTS = (
    ("dataclasses", "  of which: dataclasses created"),
    ("model_classes", "            model classes created"),
    ("model_builds", "            model validators built"),
)


def child() -> None:
    """Time the stages in this process; print them [ms] and the bills' digest as JSON."""
    marks = [time.perf_counter()]
    import argparse as _argparse  # noqa: F401
    import csv  # noqa: F401
    import dataclasses
    import datetime  # noqa: F401
    import decimal  # noqa: F401
    import enum  # noqa: F401
    import fractions  # noqa: F401
    import inspect  # noqa: F401
    import re  # noqa: F401
    import typing  # noqa: F401
    import zoneinfo  # noqa: F401

    marks.append(time.perf_counter())
    import pydantic_core  # noqa: F401

    marks.append(time.perf_counter())
    import pydantic.fields
    import pydantic.functional_serializers
    import pydantic.functional_validators
    import pydantic.json_schema
    import pydantic.main
    import pydantic.types  # noqa: F401

    marks.append(time.perf_counter())
    import importlib.metadata

    marks.append(time.perf_counter())
    importlib.metadata.entry_points(group="pydantic")
    import pydantic.plugin._loader  # noqa: F401

    marks.append(time.perf_counter())
    import yaml  # noqa: F401

    marks.append(time.perf_counter())
    parts = dict.fromkeys(("dataclasses", "model_classes", "model_builds"), 0.0)
    _count_parts(dataclasses, parts)
    import tariffs.cli.main

    main = sys.modules["tariffs.cli.main"]
    main.command("price")  # type: ignore[attr-defined]
    marks.append(time.perf_counter())
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main.main(list(PRICE_ARGS))  # type: ignore[attr-defined]
    marks.append(time.perf_counter())
    if code != 0:
        sys.exit(f"tariffs price exited with {code}")
    stages = {name: (marks[i + 1] - marks[i]) * 1e3 for i, (name, _) in enumerate(STAGES)}
    print(
        json.dumps(
            {
                "file": tariffs.__file__,
                "stages": stages | {name: seconds * 1e3 for name, seconds in parts.items()},
                "digest": hashlib.sha256(out.getvalue().encode("utf-8")).hexdigest(),
            }
        )
    )


def _count_parts(dataclasses: object, parts: dict[str, float]) -> None:
    """Wrap the creation of dataclasses and of pydantic models, adding up their times.

    A model's build (`complete_model_class`, at class creation or at first use) counts
    as a build, not as class creation; a build within a build counts once.
    """
    from pydantic._internal import _model_construction as construction

    process_class = dataclasses._process_class  # type: ignore[attr-defined]

    def timed_dataclass(cls: type, *args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return process_class(cls, *args, **kwargs)
        finally:
            parts["dataclasses"] += time.perf_counter() - started

    dataclasses._process_class = timed_dataclass  # type: ignore[attr-defined]
    complete = construction.complete_model_class
    depth = [0]

    def timed_build(*args: object, **kwargs: object) -> object:
        depth[0] += 1
        started = time.perf_counter()
        try:
            return complete(*args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                parts["model_builds"] += time.perf_counter() - started

    construction.complete_model_class = timed_build
    new = construction.ModelMetaclass.__new__

    def timed_class(mcs: type, *args: object, **kwargs: object) -> object:
        started, builds = time.perf_counter(), parts["model_builds"]
        cls = new(mcs, *args, **kwargs)
        spent = time.perf_counter() - started - (parts["model_builds"] - builds)
        parts["model_classes"] += spent
        return cls

    construction.ModelMetaclass.__new__ = timed_class  # type: ignore[method-assign]


def run_child(tree: Path, pycache: Path) -> dict[str, object]:
    """One child process of ``tree``: its stages and digest (checked to be that tree's)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree / "src")
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--child"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the child of {tree} failed:\n{done.stderr}")
    found: dict[str, object] = json.loads(done.stdout)
    if not Path(str(found["file"])).resolve().is_relative_to(tree.resolve() / "src"):
        sys.exit(f"the child of {tree} imported tariffs from {found['file']}")
    return found


def main() -> None:
    """Measure the trees and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="root of the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=10, help="child processes per tree")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    trees = {"current": ROOT}
    if args.baseline is not None:
        trees = {"baseline": args.baseline.resolve(), "current": ROOT}
    samples: dict[str, list[dict[str, float]]] = {label: [] for label in trees}
    digests: dict[str, set[str]] = {label: set() for label in trees}
    with tempfile.TemporaryDirectory(prefix="tariffs-startup-") as scratch:
        caches = {label: Path(scratch) / label for label in trees}
        for label, tree in trees.items():  # untimed: writes the bytecode
            run_child(tree, caches[label])
        reference_before = reference_loop_ms()
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        for _ in range(args.rounds):
            for label, tree in trees.items():
                found = run_child(tree, caches[label])
                samples[label].append(found["stages"])  # type: ignore[arg-type]
                digests[label].add(str(found["digest"]))
        reference_after = reference_loop_ms()
    if len(set().union(*digests.values())) != 1:
        sys.exit(f"the bills differ: {digests}")
    print(
        f"start-up of tariffs price, {started}; rounds: {args.rounds}; host reference "
        f"{reference_before:.0f} ms before, {reference_after:.0f} ms after"
    )
    for label, tree in trees.items():
        print(f"{label}: {tree}")
    head = "".join(f"{label + ' min / median':>24}" for label in trees)
    print(f"{'stage, ms':52}{head}")
    print("-" * (52 + 24 * len(trees)))
    for name, title in (*STAGES, ("total", "total of the stages"), *PARTS):
        cells = []
        for label in trees:
            if name == "total":
                values = [sum(s[stage] for stage, _ in STAGES) for s in samples[label]]
            else:
                values = [s[name] for s in samples[label]]
            cells.append(f"{min(values):15.1f} / {statistics.median(values):6.1f}")
        print(f"{title:52}{''.join(cells)}")
    print(f"bills identical in every child: {next(iter(digests['current']))[:12]}")


if __name__ == "__main__":
    main()
