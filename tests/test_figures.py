"""Figures: saved through one helper that writes the same bytes on every run."""

from __future__ import annotations

import hashlib

from matplotlib.figure import Figure

from corpus_utils import plots


def _figure() -> Figure:
    plots.use_style()
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [2, 0, 1], label="line")
    ax.set_xlabel("x (units)")
    ax.legend()
    return fig


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_figure_writes_png_and_svg(tmp_path):
    written = plots.save_figure(_figure(), "demo", tmp_path)
    assert [p.name for p in written] == ["demo.png", "demo.svg"]


def test_saving_twice_gives_identical_bytes(tmp_path):
    first = [_digest(p) for p in plots.save_figure(_figure(), "a", tmp_path / "one")]
    second = [_digest(p) for p in plots.save_figure(_figure(), "a", tmp_path / "two")]
    assert first == second


def test_saved_files_carry_no_date_or_software_version(tmp_path):
    png, svg = plots.save_figure(_figure(), "meta", tmp_path)
    assert b"Software" not in png.read_bytes()
    assert b"<dc:date>" not in svg.read_bytes()
    assert b"Matplotlib v" not in svg.read_bytes()
