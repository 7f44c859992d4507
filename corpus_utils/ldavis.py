"""pyLDAvis export: the interactive topic view prepared from topic and unit arrays, as a self-contained
notebook fragment or page (d3 and LDAvis inlined from the pyLDAvis wheel: no request leaves the page)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np

from .profiling import stage
from .topics import Vocabulary, term_counts


@stage("pyLDAvis")
def prepare(phi: np.ndarray, theta: np.ndarray, vocab: Vocabulary, lambda_step: float = 0.01) -> Any:
    """pyLDAvis PreparedData of topics ``phi`` (topics x terms) and unit proportions ``theta``, in the given
    topic order (pyLDAvis topic t + 1 is row t), PCoA map, one process."""
    import pyLDAvis

    counts = term_counts(vocab)
    lengths = np.array([sum(c for _, c in doc) for doc in vocab.bow], dtype=float)
    keep = lengths > 0  # pyLDAvis divides by unit length
    terms = [vocab.dictionary[i] for i in range(len(vocab.dictionary))]
    return pyLDAvis.prepare(phi / phi.sum(axis=1, keepdims=True), theta[keep], lengths[keep], terms, counts,
                            sort_topics=False, mds="pcoa", n_jobs=1, lambda_step=lambda_step)


def _assets() -> tuple[str, str, str]:
    """The d3, LDAvis and CSS sources shipped in the pyLDAvis wheel."""
    js = resources.files("pyLDAvis").joinpath("js")
    return (js.joinpath("d3.v5.min.js").read_text(encoding="utf-8"),
            js.joinpath("ldavis.v3.0.0.js").read_text(encoding="utf-8"),
            js.joinpath("ldavis.v1.0.0.css").read_text(encoding="utf-8"))


@stage("pyLDAvis")
def fragment(prepared: Any, visid: str = "ldavis_topics") -> str:
    """Self-contained HTML for a notebook output: d3, LDAvis and CSS inlined, a fixed element id, no network.

    d3 is loaded with AMD ``define`` hidden, so it sets the global ``d3`` even where require.js is present.
    """
    d3, ldavis, css = _assets()
    data = prepared.to_json()
    return (
        f'<style>{css}</style>\n<div id="{visid}" style="background-color:white;"></div>\n'
        f"<script>(function(define, exports, module) {{\n{d3}\n}}).call(window);</script>\n"
        f"<script>if (typeof LDAvis === 'undefined') {{\n{ldavis}\nwindow.LDAvis = LDAvis;\n}}</script>\n"
        f'<script>new LDAvis("#{visid}", {data});</script>\n'
    )


@stage("pyLDAvis")
def page(prepared: Any, title: str, visid: str = "ldavis_topics") -> str:
    """A complete self-contained HTML page of the pyLDAvis view (no request leaves the page)."""
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"</head>\n<body>\n<h1 style=\"font-family:sans-serif;font-size:18px\">{title}</h1>\n"
        f"{fragment(prepared, visid)}</body>\n</html>\n"
    )
