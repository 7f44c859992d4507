"""Widgets: the explorer views and the coding and intrusion forms of notebook 05, built on ipywidgets.

Each function returns a ``Shown``: in JupyterLab it is the live widget; in a stored notebook read on nbviewer
or GitHub (where widgets do not render) it is an HTML counterpart of the widget's first view. The forms save
every answer at once through ``corpus_utils.coding``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import coding, explore, intrusion
from .framing import frame_names, function_names, load_codebook
from .validation import NONE, SALIENCE, salience_columns

WIDE = {"width": "100%"}


class Shown:
    """A widget with a static HTML counterpart: JupyterLab draws the widget (its renderer ranks first), a page
    without widget support shows the HTML; ``text/plain`` names the widget."""

    def __init__(self, widget: Any, static: str, name: str) -> None:
        self.widget, self.static, self.name = widget, static, name

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        data = dict(self.widget._repr_mimebundle_() or {})
        data["text/html"] = self.static
        data["text/plain"] = f"{self.name}: interactive in JupyterLab; stored here as the HTML of its first view"
        return data


def _ipw() -> Any:
    import ipywidgets

    return ipywidgets


def _live(view: Callable[..., str], controls: Mapping[str, Any]) -> tuple[Any, str]:
    """A box of ``controls`` over an HTML pane that shows ``view(**values)`` and follows every change."""
    ipw = _ipw()
    pane = ipw.HTML(layout=WIDE)

    def redraw(_change: object = None) -> None:
        pane.value = view(**{name: c.value for name, c in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return ipw.VBox([ipw.HBox(list(controls.values())), pane]), pane.value


def frame_explorer(scores: pd.DataFrame, sections: pd.DataFrame, codings: Mapping[str, pd.DataFrame],
                   n: int = 5, masked: Sequence[str] = ()) -> Shown:
    """Choose a frame: sections ranked by its score, indicator hits marked, every reference coding beside.

    Parameters
    ----------
    scores : frame scores per section with doc_id and section (results/frames_by_section.csv).
    sections : the corpus's sections.
    codings : who coded (say if an AI run) -> coding aligned to sections.
    n : sections shown at first.
    masked : phrases whose inner indicators do not count, as in the scores (``audit.title_ngrams``).
    """
    ipw = _ipw()
    frames = [f for f in frame_names() if f in scores]
    controls = {
        "frame": ipw.Dropdown(options=frames, value=explore.top_frame(scores, frames), description="Frame"),
        "n": ipw.IntSlider(value=n, min=1, max=max(len(sections), 1), description="Sections"),
    }
    box, first = _live(lambda frame, n: explore.frame_view(frame, scores, sections, codings, n,
                                                                                masked=masked), controls)
    box.add_class("cu-frame-explorer")
    return Shown(box, first, "Frame explorer")


def topic_explorer(terms: pd.DataFrame, doc_topics: pd.DataFrame, sections: pd.DataFrame, n: int = 3) -> Shown:
    """Choose a topic: its terms by relevance or FREX, and its most representative sections."""
    ipw = _ipw()
    labels = terms.drop_duplicates("topic").set_index("topic")["label"].fillna("")
    options = [(f"{t}: {label}" if label else f"topic {t}", int(t)) for t, label in labels.items()]
    controls = {
        "topic": ipw.Dropdown(options=options, value=options[0][1] if options else None, description="Topic"),
        "by": ipw.ToggleButtons(options=["relevance", "frex"], value="relevance", description="Order by"),
        "n": ipw.IntSlider(value=n, min=1, max=max(len(sections), 1), description="Sections"),
    }
    box, first = _live(lambda topic, by, n: explore.topic_view(topic, terms, doc_topics, sections, n, by), controls)
    box.add_class("cu-topic-explorer")
    return Shown(box, first, "Topic explorer")


def kwic_explorer(sections: pd.DataFrame, query: str, labels: Mapping[str, str] | None = None,
                  window: int = 8) -> Shown:
    """Type a word or phrase: every occurrence in context, with counts by article and section."""
    ipw = _ipw()
    controls = {
        "query": ipw.Text(value=query, description="Search", continuous_update=False),
        "window": ipw.IntSlider(value=window, min=1, max=30, description="Context"),
    }
    box, first = _live(lambda query, window: explore.kwic_view(sections, query, window, labels), controls)
    box.add_class("cu-kwic-explorer")
    return Shown(box, first, "Keyword in context")


def _definitions() -> str:
    """The codebook's frame and function definitions as HTML (what a coder reads beside each section)."""
    book = load_codebook()
    frames = "".join(f"<li><b>{html.escape(n)}</b>: {html.escape(f['definition'])}</li>"
                     for n, f in book["frames"].items())
    functions = "".join(f"<li><b>{html.escape(n)}</b>: {html.escape(f['definition'])}</li>"
                        for n, f in book["functions"].items())
    return (f"<b>Frames</b><ul>{frames}<li><b>{NONE}</b>: none of the frames fits</li></ul><b>Functions</b>"
            f"<ul>{functions}<li><b>{NONE}</b>: none of the functions fits</li></ul><b>Salience</b>: 0 absent, "
            "1 mentioned in passing, 2 developed (a sentence or more), 3 central (the section is mostly about it).")


class _Form:
    """What the coding and intrusion forms share: the coder id asked first, a message line, and one item at a
    time with Back and Save-and-next; every save goes to the coder's file at once."""

    def __init__(self, n: int, start_label: str, css: str) -> None:
        ipw = _ipw()
        self.n, self.position, self.coder = n, 0, ""
        self.coder_box = ipw.Text(placeholder="e.g. your initials", description="Coder id")
        self.coder_box.add_class("cu-coder-id")
        self.start = ipw.Button(description=start_label, button_style="primary")
        self.start.add_class("cu-start")
        self.message = ipw.HTML()
        self.message.add_class("cu-message")
        self.progress = ipw.HTML()
        self.save_button = ipw.Button(description="Save and next", button_style="success")
        self.save_button.add_class("cu-save")
        self.back = ipw.Button(description="Back")
        self.back.add_class("cu-back")
        self.body = ipw.VBox([], layout={"display": "none"})
        self.box = ipw.VBox([ipw.HBox([self.coder_box, self.start]), self.message, self.body])
        self.box.add_class(css)
        self.start.on_click(lambda _b: self._begin())
        self.save_button.on_click(lambda _b: self._save())
        self.back.on_click(lambda _b: self._go(self.position - 1))

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b00020" if error else "#1b5e20"
        self.message.value = f"<span style='color:{colour}'>{html.escape(text)}</span>"

    def _begin(self) -> None:
        try:
            self.coder = coding.check_coder(self.coder_box.value)
            done = self.answered()
        except (ValueError, OSError) as exc:
            self._say(str(exc), error=True)
            return
        self.coder_box.disabled = self.start.disabled = True
        self.body.layout.display = "flex"
        first = next((i for i in range(self.n) if not done[i]), self.n)
        self._say(f"Coder {self.coder}: {sum(done)} of {self.n} answered already; answers go to {self.path().name}")
        self._go(first)

    def _go(self, position: int) -> None:
        self.position = max(0, min(position, self.n))
        self.back.disabled = self.position == 0
        if self.position >= self.n:
            self.progress.value = f"<b>All {self.n} answered.</b> Thank you. Back revisits an answer."
            self.show_done()
            return
        self.progress.value = f"<b>{self.position + 1} of {self.n}</b>"
        self.show(self.position)

    def _save(self) -> None:
        if self.position >= self.n:
            return
        try:
            self.store(self.position)
        except (ValueError, OSError) as exc:
            self._say(str(exc), error=True)
            return
        self._say(f"saved {self.position + 1} of {self.n} to {self.path().name}")
        self._go(self.position + 1)

    # filled in by the forms
    def path(self) -> Path:
        raise NotImplementedError

    def answered(self) -> list[bool]:
        raise NotImplementedError

    def show(self, position: int) -> None:
        raise NotImplementedError

    def show_done(self) -> None:
        raise NotImplementedError

    def store(self, position: int) -> None:
        raise NotImplementedError


class CodingForm(_Form):
    """Blind coding of sections, one at a time in the coder's own shuffled order (no article, title or score
    shown), with the codebook's definitions beside: primary frame, function, 0-3 salience per frame."""

    def __init__(self, sections: pd.DataFrame, folder: str | Path, seed: int) -> None:
        super().__init__(len(sections), "Start coding", "cu-coding")
        ipw = _ipw()
        self.sections, self.folder, self.seed = sections.reset_index(drop=True), Path(folder), seed
        self.titles = dict(zip(self.sections["doc_id"], self.sections.get("title", self.sections["heading"]),
                               strict=False))
        self.order = np.arange(self.n)
        self.text = ipw.HTML(layout={"width": "60%", "max_height": "34em", "overflow": "auto"})
        self.text.add_class("cu-text")
        rules = ipw.HTML(_definitions(), layout={"width": "40%", "max_height": "34em", "overflow": "auto"})
        self.frame = ipw.RadioButtons(options=[*frame_names(), NONE], value=None, description="Primary frame",
                                      style={"description_width": "initial"})
        self.frame.add_class("cu-primary-frame")
        self.function = ipw.RadioButtons(options=[*function_names(), NONE], value=None, description="Function",
                                         style={"description_width": "initial"})
        self.function.add_class("cu-function")
        self.salience = {c: ipw.ToggleButtons(options=list(SALIENCE), value=0, description=c[len("salience_"):],
                                              style={"description_width": "13em", "button_width": "2.2em"})
                         for c in salience_columns()}
        self.body.children = [self.progress, ipw.HBox([self.text, rules]),
                              ipw.HBox([self.frame, self.function]),
                              ipw.HTML("<b>Salience of each frame</b> (0 absent ... 3 central)"),
                              ipw.GridBox(list(self.salience.values()),
                                          layout={"grid_template_columns": "repeat(3, 1fr)"}),
                              ipw.HBox([self.back, self.save_button])]

    def path(self) -> Path:
        return coding.coding_path(self.folder, self.coder)

    def _saved(self) -> pd.DataFrame:
        return coding.coded_units(coding.read_answers(self.path(), coding.CODING_COLUMNS), self.sections)

    def answered(self) -> list[bool]:
        self.order = coding.coder_order(self.n, self.coder, self.seed)
        coded = self._saved()["primary_frame"].notna().to_numpy()
        return [bool(coded[i]) for i in self.order]

    def show(self, position: int) -> None:
        row = self.sections.iloc[int(self.order[position])]
        heading = str(row["heading"])
        if heading.strip() == str(self.titles.get(row["doc_id"], "")).strip():
            heading = "[heading not shown: it is the article's title]"
        body = html.escape(str(row["text"])).replace("\n\n", "<br><br>").replace("\n", "<br>")
        self.text.value = f"<h4>{html.escape(heading)}</h4><p>{body}</p>"
        saved = self._saved().iloc[int(self.order[position])]
        known = pd.notna(saved["primary_frame"])
        self.frame.value = saved["primary_frame"] if known else None
        self.function.value = saved["function"] if known and saved["function"] in self.function.options else None
        for column, toggle in self.salience.items():
            toggle.value = int(saved[column]) if known and pd.notna(saved[column]) else 0

    def show_done(self) -> None:
        self.text.value = ""

    def store(self, position: int) -> None:
        if self.frame.value is None or self.function.value is None:
            raise ValueError("choose a primary frame and a function (none_other if none fits) before saving")
        answer = {"primary_frame": self.frame.value, "function": self.function.value,
                  **{c: int(t.value) for c, t in self.salience.items()}}
        unit = self.sections.iloc[int(self.order[position])]
        coding.save_coding(self.folder, self.coder, unit.to_dict(), answer, order=position + 1)


class IntrusionForm(_Form):
    """Word and topic intrusion items, one at a time: pick the word (or topic) that does not belong."""

    def __init__(self, items: Sequence[Mapping[str, Any]], describe: Mapping[str, str], unit_text: Sequence[str],
                 folder: str | Path) -> None:
        super().__init__(len(items), "Start the intrusion test", "cu-intrusion")
        ipw = _ipw()
        self.items, self.describe, self.unit_text, self.folder = list(items), describe, unit_text, Path(folder)
        self.question = ipw.HTML(layout=WIDE)
        self.question.add_class("cu-question")
        self.choice = ipw.RadioButtons(options=[], value=None, layout=WIDE)
        self.choice.add_class("cu-choice")
        self.body.children = [self.progress, self.question, self.choice, ipw.HBox([self.back, self.save_button])]

    def path(self) -> Path:
        return coding.intrusion_path(self.folder, self.coder)

    def _saved(self) -> dict[str, str]:
        table = coding.read_answers(self.path(), coding.INTRUSION_COLUMNS)
        return {f"{r.item}/{r.item_digest}": str(r.chosen) for r in table.itertuples()}

    def answered(self) -> list[bool]:
        saved = self._saved()
        return [f"{i['item']}/{i['digest']}" in saved for i in self.items]

    def show(self, position: int) -> None:
        item = self.items[position]
        if item["kind"] == intrusion.WORD:
            self.question.value = "<b>Which word does not belong with the others?</b>"
            options = [(w, w) for w in item["options"]]
        else:
            text = html.escape(self.unit_text[int(item["row"])])
            self.question.value = ("<b>Which topic does not belong to this text?</b> Each topic is shown by its "
                                   f"most probable words.<blockquote>{text}</blockquote>")
            options = [(self.describe[o], o) for o in item["options"]]
        self.choice.options = options
        saved = self._saved().get(f"{item['item']}/{item['digest']}")
        self.choice.value = saved if saved in item["options"] else None

    def show_done(self) -> None:
        self.question.value = ""
        self.choice.options = []

    def store(self, position: int) -> None:
        if self.choice.value is None:
            raise ValueError("choose an answer before saving")
        coding.save_intrusion(self.folder, self.coder, self.items[position], str(self.choice.value))


def coding_form(sections: pd.DataFrame, folder: str | Path, seed: int) -> Shown:
    """The blind coding form (``CodingForm``); its static counterpart says what it does and where answers go."""
    form = CodingForm(sections, folder, seed)
    static = (f"<p><b>Coding form</b> (interactive in JupyterLab): {len(sections)} sections, one at a time in "
              "each coder's own shuffled order, without article, title or score, with the codebook's definitions "
              f"beside; every answer is saved at once to <code>{html.escape(Path(folder).name)}/coding_&lt;coder&gt;"
              ".csv</code>.</p>")
    return Shown(form.box, static, "Coding form")


def intrusion_form(items: Sequence[Mapping[str, Any]], describe: Mapping[str, str], unit_text: Sequence[str],
                   folder: str | Path) -> Shown:
    """The intrusion test form (``IntrusionForm``); its static counterpart lists the items without answers."""
    form = IntrusionForm(items, describe, unit_text, folder)
    kinds = pd.Series([i["kind"] for i in items]).value_counts().to_dict() if items else {}
    static = (f"<p><b>Intrusion test</b> (interactive in JupyterLab): {kinds.get(intrusion.WORD, 0)} word and "
              f"{kinds.get(intrusion.TOPIC, 0)} topic intrusion items; answers are saved at once to "
              f"<code>{html.escape(Path(folder).name)}/intrusion_&lt;coder&gt;.csv</code>.</p>")
    return Shown(form.box, static, "Intrusion test")
