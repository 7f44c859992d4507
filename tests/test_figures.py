"""Figures: saved through one helper that writes the same bytes on every run."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import nbformat
from matplotlib.figure import Figure

from corpus_utils import outputs, plots


def _figure() -> Figure:
    outputs.use_style()
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.plot([0, 1, 2], [2, 0, 1], label="line")
    ax.set_xlabel("x (units)")
    ax.legend()
    return fig


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_save_figure_writes_png_and_svg(tmp_path):
    written = outputs.save_figure(_figure(), "demo", tmp_path, "A demo figure.")
    assert [p.name for p in written] == ["demo.png", "demo.svg"]


def test_saving_twice_gives_identical_bytes(tmp_path):
    first = [_digest(p) for p in outputs.save_figure(_figure(), "a", tmp_path / "one", "A.")]
    second = [_digest(p) for p in outputs.save_figure(_figure(), "a", tmp_path / "two", "A.")]
    assert first == second


def test_saved_files_carry_no_date_or_software_version(tmp_path):
    png, svg = outputs.save_figure(_figure(), "meta", tmp_path, "Meta.")
    assert b"Software" not in png.read_bytes()
    assert b"<dc:date>" not in svg.read_bytes()
    assert b"Matplotlib v" not in svg.read_bytes()


def test_manifest_records_each_saved_file_with_hash_notebook_and_caption(tmp_path):
    outputs.save_figure(_figure(), "one", tmp_path, "First figure.")
    table = outputs.write_manifest(tmp_path, "99-demo")
    manifest = (tmp_path / "MANIFEST.csv").read_text()
    assert table["file"].tolist() == ["one.png", "one.svg"]
    assert manifest.count("99-demo") == 2 and _digest(tmp_path / "one.png") in manifest


def test_manifest_keeps_other_notebooks_rows(tmp_path):
    outputs.save_figure(_figure(), "a", tmp_path, "From A.")
    outputs.write_manifest(tmp_path, "01-a")
    outputs.save_text("<p>hi</p>", "b.html", tmp_path, "From B.")
    outputs.write_manifest(tmp_path, "02-b")
    lines = (tmp_path / "MANIFEST.csv").read_text().splitlines()
    assert [ln.split(",")[0] for ln in lines[1:]] == ["a.png", "a.svg", "b.html"]


def test_saved_figure_keeps_the_bytes_of_its_png_for_display(tmp_path):
    fig = _figure()
    png, _ = outputs.save_figure(fig, "demo", tmp_path, "caption")
    assert fig.saved_png == png.read_bytes()


def test_notebooks_show_the_saved_png_files_themselves():
    root = Path(__file__).resolve().parent.parent
    files = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "figures").glob("fig*.png")}
    shown = {hashlib.sha256(base64.b64decode(out["data"]["image/png"])).hexdigest()
             for cell in nbformat.read(root / "notebooks" / "04-figures.ipynb", as_version=4).cells
             for out in cell.get("outputs", []) if "image/png" in out.get("data", {})}
    assert files and files <= shown


def test_k_selection_figure_draws_every_rule_criterion_and_the_resampled_wins():
    import pandas as pd

    criteria = ("c_v", "c_npmi", "stability", "exclusivity")
    summary = pd.DataFrame({"k": [2, 3]} | {f"{m}_{s}": [0.5, 0.4] for m in criteria for s in ("mean", "min", "max")})
    picks = pd.DataFrame({"k": [2, 3], "share": [0.9, 0.1], "share_of_5": [0.7, 0.3]})
    fig = plots.plot_k_selection(summary, {"k": 2}, picks=picks)
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.axison]
    assert titles == ["coherence c_v", "coherence c_npmi", "stability (avg. Jaccard)", "exclusivity (FREX, top 10)",
                      "rule wins, resampling all seeds", "rule wins, resampling 5 seeds"]
    assert [bar.get_height() for bar in fig.axes[4].patches] == [0.9, 0.1]
