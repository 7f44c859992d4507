"""The runner on another corpus: the seed corpus's interpretation is replaced by a note, a corpus it cannot
analyse is refused before anything runs, and the console ends with the corpus's warnings."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from .conftest import ARTICLE
from .test_language import GERMAN

pytestmark = pytest.mark.slow  # runs notebooks or the whole pipeline

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.py"))


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tagged(nb):
    return [c.source for c in nb.cells if c.cell_type == "markdown" and "seed-prose" in c.metadata.get("tags", [])]


def test_seed_prose_is_replaced_by_a_one_line_note_naming_another_corpus(tmp_path):
    runner = _runner()
    for script in SCRIPTS:
        if script.name.startswith("05"):  # the explorer's prose is written for any corpus: it has no seed prose
            assert _tagged(runner.build(script, {})) == []
            continue
        notes = _tagged(runner.build(script, {"CORPUS": str(tmp_path / "mine")}))
        assert notes and all(n.startswith("*Interpretation written for the seed corpus") and "`mine`" in n
                             and "\n" not in n for n in notes), script.name


def test_seed_prose_is_kept_when_the_corpus_is_the_seeds():
    runner = _runner()
    for script in SCRIPTS:
        kept = _tagged(runner.build(script, {"CORPUS": str(ROOT / "seeds")}))
        assert kept == _tagged(runner.build(script, {})) and not any("left out here" in k for k in kept)


def test_a_corpus_in_another_language_is_refused_before_any_notebook_runs(make_corpus, tmp_path, capsys):
    folder = make_corpus({"a.txt": GERMAN, "b.txt": GERMAN.replace("Probleme", "Fragen")})
    code = _runner().main(["--corpus", str(folder), "--outdir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "written in German (de)" in err and "a.txt: skipped" in err
    assert not (tmp_path / "out").exists()


def test_the_run_summary_lists_each_corpus_warning_and_where_the_report_is(make_corpus, tmp_path):
    runner = _runner()
    folder = make_corpus({"a.txt": ARTICLE, "de.txt": GERMAN, "notes.docx": "# notes", "empty.txt": b""})
    error, notes = runner.check_corpus(folder)
    text = runner.summary(folder, notes, tmp_path / "out" / "notebooks")
    assert error == ""
    assert "1 ignored, 2 skipped" in text.splitlines()[0]
    for name in ("de.txt: skipped: written in German", "empty.txt: skipped: empty file", "notes.docx: ignored"):
        assert name in text
    assert text.splitlines()[-1].startswith(f"report: the executed notebooks in {tmp_path / 'out' / 'notebooks'}")


def test_the_run_summary_on_the_seeds_says_every_file_loaded():
    runner = _runner()
    error, notes = runner.check_corpus(ROOT / "seeds")
    assert (error, notes) == ("", [])
    assert runner.summary(ROOT / "seeds", notes, ROOT / "notebooks").splitlines()[0] == \
        "corpus seeds: every file loaded, no warning"


def test_overrides_that_cannot_change_results_leave_the_committed_notebook_byte_identical(repo_copy, tmp_path):
    import subprocess
    import sys

    copy = repo_copy
    committed = (copy / "notebooks" / "01-corpus-overview.ipynb").read_bytes()
    run = subprocess.run([sys.executable, "tools/run_notebooks.py", "--only", "01", "--param", "N_JOBS=1",
                          "--param", f"CACHE_DIR={tmp_path / 'cache'}"], cwd=copy, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (copy / "notebooks" / "01-corpus-overview.ipynb").read_bytes() == committed


def test_make_passes_paths_with_spaces_dollars_and_backticks_literally_and_runs_nothing(tmp_path):
    import os
    import subprocess
    import sys

    corpus = tmp_path / "my $HOME `touch pwned` corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GERMAN, encoding="utf-8")  # refused at once: nothing is run or written
    outdir = tmp_path / "out $(touch pwned2)"
    env = {**os.environ, "VIRTUAL_ENV": sys.prefix, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    run = subprocess.run(
        ["make", "-C", str(ROOT), "--no-print-directory", "figures", f"CORPUS={corpus}", f"OUTDIR={outdir}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert f"no readable documents in corpus folder {corpus}: the files are written in German" in run.stderr
    assert not list(tmp_path.rglob("pwned*")) and not list(ROOT.glob("pwned*")) and not outdir.exists()


def test_notebooks_01_and_02_and_04_and_05_run_side_by_side_and_the_rest_in_order():
    runner = _runner()
    assert [[s.name[:2] for s in stage] for stage in runner.stages(SCRIPTS)] == [["01", "02"], ["03"], ["04", "05"]]
    assert [[s.name[:2] for s in stage] for stage in runner.stages(SCRIPTS[1:])] == [["02"], ["03"], ["04", "05"]]


def test_notebook_03_starts_when_01_ends_and_waits_for_02_only_at_its_cells_tagged_after_02():
    runner = _runner()
    assert runner.prerequisites(SCRIPTS) == {"01": set(), "02": set(), "03": {"01"}, "04": {"01", "02", "03"},
                                             "05": {"01", "02", "03"}}
    assert runner.waits_for(SCRIPTS[2]) == {"02"} and runner.waits_for(SCRIPTS[1]) == set()
    assert runner.prerequisites(SCRIPTS[2:]) == {"03": set(), "04": {"03"}, "05": {"03"}}
    assert runner.overlapping(SCRIPTS) == dict.fromkeys(["01", "02", "03", "04", "05"], True)
    assert runner.overlapping(SCRIPTS[2:3]) == {"03": False}  # alone, it keeps its worker processes


def test_a_cell_that_would_wait_for_a_later_notebook_is_refused_naming_the_notebook(tmp_path):
    first, second = tmp_path / "02-first.py", tmp_path / "03-second.py"
    first.write_text('# %% tags=["after-03"]\nx = 1\n', encoding="utf-8")
    second.write_text("# %%\ny = 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"02-first\.py: a cell tagged after-03 would wait for a notebook that runs"):
        _runner().prerequisites([first, second])


def test_cells_of_notebook_03_before_the_one_tagged_after_02_read_nothing_notebook_02_writes():
    source = (ROOT / "notebooks" / "03-framing.py").read_text(encoding="utf-8")
    head = source[: source.index('tags=["after-02"]')]
    written_by_02 = ["doc_topics", "topic_terms", "topic_ensemble", "k_selection", "topic_prevalence",
                     "topic_models", "topic_effects", "topic_trends", "ldavis"]
    code = "\n".join(line for line in head.splitlines() if not line.startswith("#"))
    assert not [name for name in written_by_02 if name in code]


def test_a_cell_tagged_after_nn_runs_only_once_notebook_nn_has_ended(monkeypatch):
    import asyncio

    import nbformat
    from nbclient import NotebookClient

    runner = _runner()
    order = []

    async def execute(self, cell, index, execution_count=None, store_history=True):
        order.append(cell.source)
        return cell

    monkeypatch.setattr(NotebookClient, "async_execute_cell", execute)
    cells = [nbformat.v4.new_code_cell("a"), nbformat.v4.new_code_cell("b", metadata={"tags": ["after-02"]}),
             nbformat.v4.new_code_cell("c", metadata={"tags": ["after-09"]})]  # 09 is not in the run: no wait

    async def session():
        client = runner.GatedClient(nbformat.v4.new_notebook(cells=cells))
        ended = asyncio.Event()
        client.after = {"02": ended}

        async def notebook_02():
            await asyncio.sleep(0.05)
            order.append("02 ended")
            ended.set()

        async def notebook_03():
            for i, cell in enumerate(cells):
                await client.async_execute_cell(cell, i)

        await asyncio.gather(notebook_03(), notebook_02())

    asyncio.run(session())
    assert order == ["a", "02 ended", "b", "c"]


def test_metadata_warnings_reach_the_console_summary_and_a_bad_metadata_file_stops_the_run(make_corpus, tmp_path,
                                                                                           capsys):
    runner = _runner()
    folder = make_corpus({"a.txt": ARTICLE, "metadata.csv": "doc_id,label\na,A\na,B\nzz,ghost\n"})
    error, notes = runner.check_corpus(folder)
    text = runner.summary(folder, notes, tmp_path)
    assert error == "" and text.splitlines()[0].endswith("2 metadata warnings")
    assert "metadata.csv: doc_id listed more than once, first row kept: a" in text
    (folder / "metadata.csv").write_text("doc_id,label\na,A,extra\n")
    assert runner.main(["--corpus", str(folder), "--outdir", str(tmp_path / "out")]) == 2
    assert "metadata.csv, line 2: malformed CSV" in capsys.readouterr().err


def test_a_corpus_given_as_a_parameter_needs_an_outdir_like_any_other(make_corpus, capsys):
    folder = make_corpus({"a.txt": ARTICLE})
    assert _runner().main(["--param", f"CORPUS={folder}", "--only", "01"]) == 2
    assert "needs OUTDIR" in capsys.readouterr().err


def test_an_outdir_that_is_a_file_is_refused_with_a_message(make_corpus, tmp_path, capsys):
    folder = make_corpus({"a.txt": ARTICLE})
    (tmp_path / "afile").write_text("x")
    assert _runner().main(["--corpus", str(folder), "--outdir", str(tmp_path / "afile")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_table_corpus_is_checked_row_by_row_before_anything_runs(tmp_path):
    runner = _runner()
    table = tmp_path / "export.csv"
    table.write_text(f'doc_id,text\na,"{ARTICLE}"\nb,\n', encoding="utf-8")
    error, notes = runner.check_corpus(Path(f"{table}?text=text"))
    assert error == "" and notes == ["export.csv, row 3: skipped: empty text"]  # row 2 spans many lines


def test_a_missing_table_corpus_is_refused_naming_the_formats_read(tmp_path, capsys):
    code = _runner().main(["--corpus", str(tmp_path / "export.csv"), "--outdir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "corpus not found" in err and ".parquet" in err and not (tmp_path / "out").exists()


def test_the_corpus_is_checked_in_a_process_of_its_own_with_the_same_answer(make_corpus, monkeypatch):
    from corpus_utils import engine

    runner = _runner()
    folder = make_corpus({"a.txt": ARTICLE, "de.txt": GERMAN, "empty.txt": b""})
    expected = runner.check_corpus(folder)
    assert runner.checked_apart(folder) == expected
    assert runner.checked_apart(ROOT / "seeds") == ("", [])
    monkeypatch.setattr(engine, "LOCAL_MIN_ITEMS", 2)  # a large corpus: that process reads it with workers of its own
    monkeypatch.setenv(engine.JOBS_ENV, "2")
    assert runner.checked_apart(folder) == expected


def test_kernels_side_by_side_do_their_per_document_stages_in_their_own_process(monkeypatch):
    runner = _runner()
    monkeypatch.delenv("CORPUS_UTILS_JOBS", raising=False)
    beside = runner.client_for(SCRIPTS[0], {}, 60, side_by_side=True)
    alone = runner.client_for(SCRIPTS[2], {}, 60)
    assert beside.kernel_kwargs["env"]["CORPUS_UTILS_JOBS"] == "1" and "CORPUS_UTILS_JOBS" not in alone.kernel_kwargs[
        "env"]
    monkeypatch.setenv("CORPUS_UTILS_JOBS", "3")  # a setting of the user's own is left alone
    own = runner.client_for(SCRIPTS[0], {}, 60, side_by_side=True)
    assert own.kernel_kwargs["env"]["CORPUS_UTILS_JOBS"] == "3"
    for client in (beside, alone, own):  # no kernel was started: only the sockets' folders to remove
        shutil.rmtree(client.sockets)


def test_a_kernel_stopped_at_once_leaves_no_temporary_files_behind(tmp_path):
    import asyncio

    runner = _runner()
    told = tmp_path / "where.txt"
    code = f"import tempfile; d = tempfile.mkdtemp(prefix='bow-'); open({str(told)!r}, 'w').write(d)"

    async def session():
        client = runner.client_for(SCRIPTS[0], {}, 60)
        await runner.start_kernel(client)
        try:
            await client.async_wait_for_reply(client.kc.execute(code, silent=True))
        finally:
            await runner.stop_kernel(client)  # at once (no exit hooks run), as after every notebook

    asyncio.run(session())
    left = Path(told.read_text())
    assert left.name.startswith("bow-") and not left.exists() and not left.parent.exists()
