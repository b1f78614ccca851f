"""bench/bench_peer_intake.py: ratios to the bare insert of the same round, and a
checkout without the harness beside it."""

import pytest

from bench import bench_peer_intake
from bench.harness import Context

ROWS = [
    {"round": "1", "target": "baseline", "req_s": "1000.0"},
    {"round": "1", "target": "helpdesk", "req_s": "120.0"},
    {"round": "1", "target": "tuquan", "req_s": "400.0"},
    {"round": "1", "target": "tuquan_tip", "req_s": "60.0"},
    {"round": "2", "target": "baseline", "req_s": "500.0"},
    {"round": "2", "target": "helpdesk", "req_s": "60.0"},
    {"round": "2", "target": "tuquan", "req_s": "190.0"},
    {"round": "2", "target": "tuquan_tip", "req_s": "30.0"},
]


def test_each_target_is_a_ratio_to_the_bare_insert_of_its_own_round():
    results = {result.name: result for result in bench_peer_intake._results(ROWS)}

    tuquan = results["peer intake: tuquan, s per POST"]
    assert tuquan.details["ratio_to_baseline"] == [0.4, 0.38]
    assert tuquan.notes == "0.390 of the bare insert"
    assert tuquan.seconds == pytest.approx([1 / 400, 1 / 190])
    table = bench_peer_intake._ratio_table(ROWS)
    assert "tuquan / helpdesk: 3.25x (goal: 3x)" in table
    assert "0.060" in table  # the tip, in both rounds


def test_without_the_harness_nothing_is_measured_and_it_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PEER_INTAKE_DIR", str(tmp_path))
    context = Context(database="x", parameters={}, results_dir=tmp_path, stamp="s")

    assert bench_peer_intake.run(context) == []

    assert "the side-by-side intake is not measured" in capsys.readouterr().out
