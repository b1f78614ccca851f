"""What a benchmark module gets and gives back.

A benchmark is a file ``bench/bench_<name>.py`` with ``run(context) -> list[Result]``;
bench/run.py finds it, runs it against the province-scale data and reports it.
"""

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Result:
    name: str
    seconds: list[float]  # one entry per measured run
    # What the measured value should stay under, if the benchmark has a target; the
    # ratio compares the 95th percentile (a single run: the run itself) with it.
    target_seconds: float | None = None
    notes: str = ""
    # Anything else worth keeping: query plans, row counts, … (JSON-serialisable)
    details: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return len(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        # Nearest rank: the value below which 95 % of the runs fall.
        ordered = sorted(self.seconds)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    @property
    def ratio(self) -> float | None:
        return self.p95 / self.target_seconds if self.target_seconds else None

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "runs": self.runs,
            "median_ms": round(self.median * 1000, 3),
            "p95_ms": round(self.p95 * 1000, 3),
            "min_ms": round(min(self.seconds) * 1000, 3),
            "max_ms": round(max(self.seconds) * 1000, 3),
            "target_ms": self.target_seconds * 1000 if self.target_seconds else None,
            "ratio": round(self.ratio, 3) if self.ratio is not None else None,
            "notes": self.notes,
            "details": self.details,
        }


@dataclass
class Context:
    """The run's setting, shared by every benchmark."""

    database: str
    parameters: dict  # what generate_data made: groups, reports, years, seed
    results_dir: Path
    stamp: str  # names this run's files in results_dir

    def measure(
        self,
        name: str,
        action: Callable[[], object],
        *,
        runs: int,
        warmup: int = 3,
        target_seconds: float | None = None,
        notes: str = "",
    ) -> Result:
        """Time ``runs`` calls of ``action`` after ``warmup`` untimed ones."""
        for _ in range(warmup):
            action()
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            action()
            seconds.append(time.perf_counter() - started)
        return Result(name, seconds, target_seconds=target_seconds, notes=notes)

    def save_text(self, name: str, text: str) -> str:
        """Keep a longer text (a query plan) beside the run's JSON; returns its file name."""
        path = self.results_dir / f"{self.stamp}-{name}.txt"
        path.write_text(text, encoding="utf-8")
        return path.name


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
