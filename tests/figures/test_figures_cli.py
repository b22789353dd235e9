"""`backrelief figures --out DIR`: one SVG per step, named <technique>-<step>.svg."""

from __future__ import annotations

from pathlib import Path

from backrelief.core.catalog import default_catalog
from tests.conftest import RunCli


def test_writes_one_svg_per_step_of_a_technique(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "figs"
    result = run_cli("figures", "--out", str(out), "--technique", "bridge", "--static")
    assert result.returncode == 0, result.stderr
    technique = default_catalog().technique("bridge")
    expected = {f"bridge-{n}.svg" for n in range(1, len(technique.steps) + 1)}
    for variant in (*technique.variants, *technique.harder):
        expected |= {f"bridge-{variant.id}-{n}.svg" for n in range(1, len(variant.steps or []) + 1)}
    assert {p.name for p in out.iterdir()} == expected
    svg = (out / "bridge-2.svg").read_text()
    assert svg.startswith("<svg") and "@keyframes" not in svg
    assert f"wrote {len(expected)} figures" in result.stdout


def test_unknown_technique_exits_2_naming_the_option(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "figs"
    result = run_cli("figures", "--out", str(out), "--technique", "handstand")
    assert result.returncode == 2
    assert "--technique" in result.stderr and "handstand" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_out_is_required(run_cli: RunCli) -> None:
    result = run_cli("figures")
    assert result.returncode == 2 and "--out" in result.stderr
