"""A long fuzz run over the targets of tests/test_fuzz.py; prints what it saw.

Run from the repository root::

    python benchmarks/fuzz_campaign.py --minutes 10
    python benchmarks/fuzz_campaign.py --minutes 5 --targets price,csv-mutations --save fuzz-out

The targets, their input strategies and their checks are those of the test suite; here
each runs for many more examples, in turns of ``--slice`` examples until the time is up.
A failure does not stop the run: it is counted under a signature (the kind of failure,
its message with numbers and quoted values blanked, and the innermost frame of the
engine), and the first input of each signature is written under ``--save``.

The summary gives, per target, the examples run, the outcomes (accepted, or refused with
a message prefix) and the failures. Memory is capped (``--memory-gib``) so that an input
that makes the engine allocate without bound fails as a `MemoryError` instead of
exhausting the machine.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_fuzz  # noqa: E402  (the targets live in the test suite)


@dataclass
class Failure:
    """One kind of failure: how often it happened and where its first input was saved."""

    count: int = 0
    example: str = ""
    saved: str = ""


@dataclass
class TargetStats:
    """What one target did over the whole run."""

    examples: int = 0
    seconds: float = 0.0
    outcomes: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    failures: dict[str, Failure] = field(default_factory=dict)


def blank(text: str, width: int = 72) -> str:
    """A message with quoted values and numbers blanked, to group similar messages."""
    text = text.splitlines()[0] if text else ""
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r'"[^"]*"', '"…"', text)
    text = re.sub(r"\d+", "N", text)
    return text[:width]


def signature(error: BaseException) -> str:
    """The kind of a failure: type, blanked message, innermost frame of the engine."""
    frames = traceback.extract_tb(error.__traceback__)
    engine = [frame for frame in frames if "/src/tariffs/" in frame.filename.replace("\\", "/")]
    where = ""
    if engine:
        frame = engine[-1]
        where = f" at {Path(frame.filename).name}:{frame.lineno} {frame.name}"
    kind = "law or location" if isinstance(error, AssertionError) else type(error).__name__
    return f"{kind}: {blank(str(error))}{where}"


def save_case(case: Any, directory: Path) -> None:
    """Write an input's files so that the failure can be replayed by hand."""
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(case, test_fuzz.TariffCase):
        (directory / case.name).write_bytes(case.data)
    elif isinstance(case, test_fuzz.CsvCase):
        (directory / "readings.csv").write_bytes(case.data)
        (directory / "timezone.txt").write_text(case.timezone + "\n", encoding="utf-8")
    elif isinstance(case, test_fuzz.PriceCase):
        (directory / case.tariff.name).write_bytes(case.tariff.data)
        (directory / "readings.csv").write_bytes(case.readings)
        if case.account is not None:
            (directory / "account.yaml").write_bytes(case.account)
    elif isinstance(case, test_fuzz.CommandCase):
        for name, data in case.files:
            (directory / name).write_bytes(data)
        (directory / "options.txt").write_text(" ".join(case.options) + "\n", encoding="utf-8")
    elif isinstance(case, bytes):
        (directory / "input.bin").write_bytes(case)
    else:
        (directory / "input.txt").write_text(repr(case), encoding="utf-8")


def run_slice(name: str, examples: int, stats: TargetStats, save: Path) -> None:
    """Run one turn of a target, recording every outcome and failure."""
    target = test_fuzz.TARGETS[name]

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy)
    def one(case: Any) -> None:
        stats.examples += 1
        try:
            outcome = test_fuzz.run_target(name, case)
        except (Exception, MemoryError, RecursionError) as error:  # noqa: BLE001 - counted
            key = signature(error)
            failure = stats.failures.setdefault(key, Failure())
            failure.count += 1
            if failure.count == 1:
                failure.example = f"{type(error).__name__}: {str(error)[:300]}"
                folder = save / f"{name}-{len(stats.failures)}"
                save_case(case, folder)
                failure.saved = str(folder)
            return
        stats.outcomes[(outcome.kind, blank(outcome.message))] += 1

    began = time.perf_counter()
    try:
        one()
    except Exception as error:  # noqa: BLE001 - an input that cannot even be drawn
        key = f"input strategy failed: {signature(error)}"
        failure = stats.failures.setdefault(key, Failure())
        failure.count += 1
        failure.example = f"{type(error).__name__}: {str(error)[:300]}"
    stats.seconds += time.perf_counter() - began


def limit_memory(gib: float) -> None:
    try:
        import resource
    except ImportError:  # not on this platform
        return
    limit = int(gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def report(all_stats: dict[str, TargetStats], elapsed: float, top: int) -> str:
    lines = [f"fuzz campaign: {elapsed / 60:.1f} min"]
    total_examples = sum(stats.examples for stats in all_stats.values())
    total_failures = sum(
        failure.count for stats in all_stats.values() for failure in stats.failures.values()
    )
    lines.append(f"examples run: {total_examples}; failing examples: {total_failures}")
    for name, stats in all_stats.items():
        accepted = sum(count for (kind, _), count in stats.outcomes.items() if kind == "accepted")
        lines.append("")
        lines.append(
            f"== {name}: {stats.examples} examples in {stats.seconds:.0f} s, "
            f"{accepted} accepted, {len(stats.outcomes) - (1 if accepted else 0)} distinct "
            f"refusals, {sum(f.count for f in stats.failures.values())} failures"
        )
        refusals = [
            (count, kind, message)
            for (kind, message), count in stats.outcomes.items()
            if kind != "accepted"
        ]
        for count, kind, message in sorted(refusals, reverse=True)[:top]:
            lines.append(f"   {count:6d}  {kind}: {message}")
        if len(refusals) > top:
            lines.append(f"   ... and {len(refusals) - top} more distinct refusals")
        for key, failure in sorted(stats.failures.items(), key=lambda item: -item[1].count):
            lines.append(f"   FAIL {failure.count:5d}  {key}")
            lines.append(f"              first: {failure.example[:200]}")
            lines.append(f"              input: {failure.saved}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run")
    parser.add_argument(
        "--targets",
        default=",".join(test_fuzz.TARGETS),
        help=f"comma-separated targets (default all: {', '.join(test_fuzz.TARGETS)})",
    )
    parser.add_argument("--slice", type=int, default=50, help="examples per turn of a target")
    parser.add_argument("--save", help="directory for failing inputs (default: a new temp dir)")
    parser.add_argument("--memory-gib", type=float, default=3.0, help="address-space cap")
    parser.add_argument("--top", type=int, default=12, help="refusals listed per target")
    args = parser.parse_args(argv)

    names = [name.strip() for name in args.targets.split(",") if name.strip()]
    unknown = [name for name in names if name not in test_fuzz.TARGETS]
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    save = Path(args.save) if args.save else Path(tempfile.mkdtemp(prefix="tariffs-fuzz-"))
    limit_memory(args.memory_gib)

    all_stats = {name: TargetStats() for name in names}
    began = time.perf_counter()
    deadline = began + args.minutes * 60
    try:
        while time.perf_counter() < deadline:
            for name in names:
                if time.perf_counter() >= deadline:
                    break
                run_slice(name, args.slice, all_stats[name], save)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    print(report(all_stats, time.perf_counter() - began, args.top))
    print(f"\nfailing inputs saved under {save}")
    failed = any(stats.failures for stats in all_stats.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
