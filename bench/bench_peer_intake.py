"""Intake over HTTP beside its peers, in one run: the side-by-side harness peer_intake.

The harness lives outside this project, at ``../shared/measure/peer_intake`` from
the project root (or where ``PEER_INTAKE_DIR`` says). It POSTs a public form with
wrk to gunicorn (2 sync workers, DEBUG off) for each target in turn: a bare
Django view inserting one row (``baseline``), django-helpdesk's public ticket
form, and this project's form as a named report (``tuquan``) and an anonymous
tip (``tuquan_tip``). This module runs it and prints every target's POSTs per
second as a ratio to the bare insert of the same run, which is what a change is
judged by on a shared, noisy machine. When the harness is absent it says so and
measures nothing (bench/README.md).

Environment: PEER_INTAKE_DIR, PEER_INTAKE_ROUNDS (2), PEER_INTAKE_DURATION (15s),
PEER_INTAKE_DB (tuquan_perf: the database prepare_tuquan.sh recreates for it).
"""

import csv
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.harness import Context, Result

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["baseline", "helpdesk", "tuquan", "tuquan_tip"]
# What the issue asks of the intake, as ratios to the bare insert of the same run.
GOALS = {"tuquan": 0.35, "tuquan_tip": 0.05}


def harness_dir() -> Path:
    return Path(os.environ.get("PEER_INTAKE_DIR", ROOT.parent / "shared/measure/peer_intake"))


def run(context: Context) -> list[Result]:
    home = harness_dir()
    if not (home / "run.sh").is_file():
        print(f"peer_intake: no harness at {home}; the side-by-side intake is not measured")
        return []
    environment = {
        **os.environ,
        "TUQUAN_DIR": str(ROOT),
        "TUQUAN_DB": os.environ.get("PEER_INTAKE_DB", "tuquan_perf"),
        "TARGETS": " ".join(TARGETS),
        "ROUNDS": os.environ.get("PEER_INTAKE_ROUNDS", "2"),
        "DURATION": os.environ.get("PEER_INTAKE_DURATION", "15s"),
    }
    # The harness's own settings for its servers, not the benchmark database's.
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        environment.pop(name, None)
    pi_root = Path(environment.get("PI_ROOT", Path(tempfile.gettempdir()) / "peer-intake"))
    if not (pi_root / "venv-baseline/bin/python").exists():
        _step(home, "setup.sh", environment)
    _step(home, "prepare_tuquan.sh", environment)
    finished = _step(home, "run.sh", environment, check=False)
    found = re.search(r"run dir: (\S+)", finished.stderr)
    if not found or not (Path(found.group(1)) / "results.tsv").is_file():
        raise RuntimeError(f"peer_intake run.sh wrote no results:\n{finished.stderr[-2000:]}")
    rows = list(csv.DictReader((Path(found.group(1)) / "results.tsv").open(), delimiter="\t"))
    results = _results(rows)
    print(_ratio_table(rows))
    if finished.returncode:
        print("peer_intake: some checks FAILED (see the run folder); its figures are not valid")
    return results


def _step(home: Path, script: str, environment: dict, *, check: bool = True):
    print(f"peer_intake: {script}", flush=True)
    finished = subprocess.run(
        ["bash", str(home / script)],
        cwd=home,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and finished.returncode:
        raise RuntimeError(f"peer_intake {script} failed:\n{finished.stderr[-2000:]}")
    return finished


def _rates(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Target → round → POSTs per second."""
    rates: dict[str, dict[str, float]] = {}
    for row in rows:
        rates.setdefault(row["target"], {})[row["round"]] = float(row["req_s"])
    return rates


def _ratios(rates: dict, target: str) -> list[float]:
    base = rates.get("baseline", {})
    return [
        rate / base[round_]
        for round_, rate in sorted(rates.get(target, {}).items())
        if base.get(round_)
    ]


def _results(rows: list[dict]) -> list[Result]:
    rates = _rates(rows)
    results = []
    for target in TARGETS:
        per_round = rates.get(target, {})
        if not per_round:
            continue
        ratios = _ratios(rates, target)
        result = Result(
            f"peer intake: {target}, s per POST",
            [1 / rate for _, rate in sorted(per_round.items()) if rate],
            notes=f"{statistics.mean(ratios):.3f} of the bare insert" if ratios else "",
        )
        result.details = {
            "req_s": per_round,
            "ratio_to_baseline": [round(ratio, 3) for ratio in ratios],
        }
        results.append(result)
    return results


def _ratio_table(rows: list[dict]) -> str:
    rates = _rates(rows)
    lines = [
        "",
        "peer intake, POSTs/s and ratio to the bare insert of the same round:",
        f"{'target':<12} {'req/s (rounds)':>24} {'ratio (mean)':>13} {'goal':>6}",
    ]
    for target in TARGETS:
        per_round = rates.get(target, {})
        if not per_round:
            continue
        ratios = _ratios(rates, target)
        shown = " ".join(f"{rate:.1f}" for _, rate in sorted(per_round.items()))
        mean = f"{statistics.mean(ratios):.3f}" if ratios else "-"
        goal = f"{GOALS[target]:.2f}" if target in GOALS else ""
        lines.append(f"{target:<12} {shown:>24} {mean:>13} {goal:>6}")
    tuquan, helpdesk = _ratios(rates, "tuquan"), _ratios(rates, "helpdesk")
    if tuquan and helpdesk:
        times = statistics.mean(tuquan) / statistics.mean(helpdesk)
        lines.append(f"tuquan / helpdesk: {times:.2f}x (goal: 3x)")
    return "\n".join(lines)
