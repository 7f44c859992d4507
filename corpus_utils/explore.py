"""Explore: the tables and HTML behind the explorer views (frame, topic, keyword in context), for any corpus.

The widgets in ``corpus_utils.widgets`` draw these; each view is also an HTML table stored in the notebook, so a
reader on nbviewer or GitHub (where widgets do not render) sees the same content for the default choice.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import tokens
from .caching import read_checked
from .ensemble import Ensemble
from .framing import frame_indicators, iter_matches
from .text import _PLAIN_WORD_RE, _SENTENCE_END

KWIC_COLUMNS = ["doc_id", "article", "section", "heading", "left", "match", "right"]
Span = tuple[str, int, int]  # (lemma token, start, end) of a word in the text; "," tokens have no span (-1, -1)


def _segments(text: str, pattern: re.Pattern[str], start: int = 0) -> list[tuple[int, str]]:
    """(offset, piece) of the pieces of ``text`` between matches of ``pattern``, offsets from ``start``."""
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append((start + last, text[last : m.start()]))
        last = m.end()
    out.append((start + last, text[last:]))
    return out


def _merged_spans(found: list[tuple[str, int, int]]) -> list[Span]:
    """Words of one clause (stripped of possessives) with curated entities merged, as ``tokens.merge_entities``
    merges them, each token with the span of the words it took."""
    merged = tokens.merge_entities([w for w, _, _ in found])
    table = tokens.curated_entities()
    entity_tokens = set(table.values())
    out, i = [], 0
    for token in merged:
        size = 1
        if token != found[i][0]:  # an entity: the longest key starting here that gives this token
            for n in range(len(found) - i, 0, -1):
                window = tuple(w for w, _, _ in found[i : i + n])
                if table.get(window) == token or table.get(tuple(w.lower() for w in window)) == token:
                    size = n
                    break
        lem = token if token in entity_tokens else tokens.lemma(token)
        out.append((lem, found[i][1], found[i + size - 1][2]))
        i += size
    return out


def lemma_spans(text: str) -> list[list[Span]]:
    """``tokens.lemma_sentences`` of ``text`` with the character span of every token (so hits can be marked
    in the original text); the lemmas are the same, token for token."""
    sentence_end, clause_break = _SENTENCE_END, tokens._CLAUSE_BREAK
    word, possessive = _PLAIN_WORD_RE, tokens._POSSESSIVE
    out = []
    for offset, piece in _segments(text, sentence_end):
        stripped = piece.strip()
        if not stripped:
            continue
        offset += len(piece) - len(piece.lstrip())
        spans: list[Span] = []
        for c_off, clause in _segments(stripped, clause_break, offset):
            found = [(possessive.sub("", m.group()), c_off + m.start(), c_off + m.end()) for m in word.finditer(clause)]
            spans.extend([*(_merged_spans(found) if found else []), (",", -1, -1)])
        out.append(spans[:-1])
    return out


def hit_spans(text: str, phrases: Sequence[str], masked: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, indicator) of every indicator occurrence in ``text``, matched as ``framing`` matches it
    (indicators inside a ``masked`` phrase do not count)."""
    sents = lemma_spans(text)
    hits = []
    for s, i, phrase in iter_matches([[t for t, _, _ in sent] for sent in sents], phrases, masked):
        n = len(phrase.split())
        hits.append((sents[s][i][1], sents[s][i + n - 1][2], phrase))
    return hits


def highlight(text: str, phrases: Sequence[str], masked: Sequence[str] = ()) -> str:
    """``text`` as HTML (escaped, paragraphs kept) with each counted indicator occurrence in ``<mark>``."""
    parts, last = [], 0
    for start, end, phrase in hit_spans(text, phrases, masked):
        parts += [html.escape(text[last:start]),
                  f'<mark title="{html.escape(phrase)}">{html.escape(text[start:end])}</mark>']
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts).replace("\n\n", "<br><br>").replace("\n", "<br>")


def frame_ranking(scores: pd.DataFrame, frame: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` sections with the highest score of ``frame`` (ties in corpus order); sections without a hit
    are left out."""
    ranked = scores[scores[frame] > 0].sort_values(frame, ascending=False, kind="stable")
    return ranked.head(n)


def references_of(unit: tuple[str, int], codings: Mapping[str, pd.DataFrame], frame: str) -> str:
    """One line per coding of a unit: who coded (the mapping's key says), primary frame and the frame's salience."""
    lines = []
    for who, table in codings.items():
        row = table[(table["doc_id"] == unit[0]) & (table["section"] == unit[1])]
        if row.empty or pd.isna(row.iloc[0].get("primary_frame")):
            continue
        first = row.iloc[0]
        salience = first.get(f"salience_{frame}")
        rated = "" if salience is None or pd.isna(salience) else f", salience of this frame {float(salience):g} of 3"
        lines.append(f"<b>{html.escape(who)}</b>: primary frame {html.escape(str(first['primary_frame']))}, "
                     f"function {html.escape(str(first.get('function', '')))}{rated}")
    return "<br>".join(lines) or "<i>no reference coding for this section</i>"


def frame_view(frame: str, scores: pd.DataFrame, sections: pd.DataFrame, codings: Mapping[str, pd.DataFrame],
               n: int = 5, indicators: Mapping[str, Sequence[str]] | None = None, masked: Sequence[str] = ()) -> str:
    """HTML of the frame view: the ``n`` sections ranked by ``frame``'s score, each with its heading and text
    (indicator hits marked) and, beside it, every reference coding of the section.

    Parameters
    ----------
    frame : a frame of the codebook.
    scores : ``framing.frame_scores`` of the sections with doc_id and section (results/frames_by_section.csv).
    sections : the corpus's sections (``load_corpus``): doc_id, section, heading, text.
    codings : who coded -> coding with doc_id, section, primary_frame, function, salience_<frame>.
    n : how many sections to show.
    indicators : frame -> indicator phrases; default the codebook's.
    masked : phrases whose inner indicators do not count, as in the scores (``audit.title_ngrams``).
    """
    phrases = (frame_indicators() if indicators is None else indicators)[frame]
    text = sections.set_index(["doc_id", "section"])
    rows = []
    for rank, row in enumerate(frame_ranking(scores, frame, n).itertuples(), start=1):
        unit = (row.doc_id, int(row.section))
        heading, body = text.loc[unit, "heading"], text.loc[unit, "text"]
        rows.append(
            f"<tr><td style='vertical-align:top'>{rank}</td>"
            f"<td style='vertical-align:top'>{getattr(row, frame):.2f}</td>"
            f"<td style='text-align:left;vertical-align:top;max-width:46em'>"
            f"<b>{highlight(heading, phrases, masked)}</b><br><small>{html.escape(row.doc_id)}, section {unit[1]}"
            f"</small><br>{highlight(body, phrases, masked)}</td>"
            f"<td style='text-align:left;vertical-align:top;max-width:22em'>{references_of(unit, codings, frame)}</td>"
            "</tr>")
    if not rows:
        return f"<p>No section has a hit of an indicator of <b>{html.escape(frame)}</b>.</p>"
    return (f"<p>Sections ranked by the score of <b>{html.escape(frame)}</b> (indicator hits per 100 words); "
            "counted hits are <mark>marked</mark> (hover for the indicator; words inside an article title's "
            "phrases do not count).</p>"
            "<table><thead><tr><th>rank</th><th>score</th><th style='text-align:left'>section</th>"
            "<th style='text-align:left'>reference coding</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def section_topics(doc_topics: pd.DataFrame) -> pd.DataFrame:
    """Topic proportions per section: the mean over a section's units (paragraphs), or the table itself when
    its units are sections."""
    cols = [c for c in doc_topics.columns if c.startswith("topic_")]
    return doc_topics.groupby(["doc_id", "section"], sort=False)[cols].mean().reset_index()


def topic_view(topic: int, terms: pd.DataFrame, doc_topics: pd.DataFrame, sections: pd.DataFrame, n: int = 3,
               by: str = "relevance", excerpt: int = 600) -> str:
    """HTML of the topic view: the topic's terms ranked by relevance or FREX, and its ``n`` most representative
    sections (highest mean proportion of the topic), each with the start of its text.

    Parameters
    ----------
    topic : topic number (1-based, as in results/topic_terms.csv).
    terms : results/topic_terms.csv (topic, label, rank, term, probability, relevance, frex).
    doc_topics : results/doc_topics.csv (doc_id, section, ..., topic_1 ... topic_K).
    sections : the corpus's sections (``load_corpus``).
    n : how many sections to show.
    by : "relevance" or "frex": how the terms are ordered.
    excerpt : characters of each section's text shown.
    """
    mine = terms[terms["topic"] == topic].sort_values(by, ascending=False, kind="stable")
    label = mine["label"].iloc[0] if len(mine) else f"topic {topic}"
    term_rows = "".join(f"<tr><td>{html.escape(r.term)}</td><td>{r.probability:.3f}</td><td>{r.relevance:.2f}</td>"
                        f"<td>{r.frex:.2f}</td></tr>" for r in mine.itertuples())
    shares = section_topics(doc_topics)
    top = shares.sort_values(f"topic_{topic}", ascending=False, kind="stable").head(n)
    text = sections.set_index(["doc_id", "section"])
    sec_rows = []
    for row in top.itertuples():
        unit = (row.doc_id, int(row.section))
        if unit not in text.index:
            continue
        body = str(text.loc[unit, "text"])
        cut = body[:excerpt] + (" ..." if len(body) > excerpt else "")
        sec_rows.append(f"<tr><td style='vertical-align:top'>{getattr(row, f'topic_{topic}'):.2f}</td>"
                        f"<td style='text-align:left;max-width:52em'><b>{html.escape(str(text.loc[unit, 'heading']))}"
                        f"</b><br><small>{html.escape(row.doc_id)}, section {unit[1]}</small><br>"
                        f"{html.escape(cut)}</td></tr>")
    return (f"<p><b>Topic {topic}: {html.escape(str(label))}</b>. Terms ordered by {html.escape(by)}.</p>"
            "<table><thead><tr><th>term</th><th>probability</th><th>relevance</th><th>FREX</th></tr></thead><tbody>"
            + term_rows + "</tbody></table><p>Most representative sections (mean proportion of the topic over "
            "the section's units):</p><table><thead><tr><th>proportion</th><th style='text-align:left'>section"
            "</th></tr></thead><tbody>" + "".join(sec_rows) + "</tbody></table>")


def _phrase_pattern(query: str) -> re.Pattern[str] | None:
    """Case-insensitive pattern for a word or phrase (whitespace between words flexible, whole words only; a
    word ending in ``*`` matches any ending, as in quanteda's glob patterns); None for a query without a word."""
    parts = []
    for piece in query.split():
        words = tokens.words(piece)
        if words:
            ending = r"[^\W_]*(?:['\u2019\-][^\W_]+)*" if piece.endswith("*") else ""
            parts.append(r"\W+".join(re.escape(w) for w in words) + ending)
    if not parts:
        return None
    # a hyphen or apostrophe joins the parts of one word ("cross-border"): no match starts or ends at one,
    # except before a possessive ("SCO's" is an occurrence of "SCO", as the tokeniser strips the 's)
    start = r"(?<![^\W_])(?<![^\W_]['\u2019\-])"
    end = r"(?![^\W_])(?!-[^\W_])(?!['\u2019](?!s(?![^\W_]))[^\W_])"
    return re.compile(start + r"\s+".join(parts) + end, re.IGNORECASE)


def kwic_search(sections: pd.DataFrame, query: str, window: int = 8,
                labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Keyword in context on the original text (as quanteda's ``kwic``): every occurrence of a word or phrase
    (case-insensitive, whole words; ``secur*`` for any ending) with ``window`` words left and right, by
    article and section.

    Parameters
    ----------
    sections : the corpus's sections (``load_corpus``): doc_id, section, heading, text.
    query : a word or phrase, as typed.
    window : words of context on each side.
    labels : doc_id -> short article label (default the doc_id).
    """
    pattern = _phrase_pattern(query)
    rows = []
    if pattern is not None:
        for rec in sections.to_dict("records"):
            text = str(rec["text"])
            for m in pattern.finditer(text):
                left = tokens.words(text[: m.start()])[-window:] if window else []
                right = tokens.words(text[m.end() :])[:window] if window else []
                rows.append((rec["doc_id"], (labels or {}).get(rec["doc_id"], rec["doc_id"]), int(rec["section"]),
                             rec["heading"], " ".join(left), m.group(), " ".join(right)))
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def kwic_counts(hits: pd.DataFrame) -> pd.DataFrame:
    """Occurrences per article and section of a ``kwic_search`` result (most first, then corpus order)."""
    counts = hits.groupby(["article", "section", "heading"], sort=False).size().rename("occurrences").reset_index()
    return counts.sort_values("occurrences", ascending=False, kind="stable", ignore_index=True)


def kwic_view(sections: pd.DataFrame, query: str, window: int = 8, labels: Mapping[str, str] | None = None,
              limit: int = 200) -> str:
    """HTML of the keyword-in-context view: counts by article and section, then each occurrence (first
    ``limit``) with its context."""
    hits = kwic_search(sections, query, window, labels)
    if hits.empty:
        return f"<p>No occurrence of <b>{html.escape(query)}</b> in {len(sections)} sections.</p>"
    per_article = hits.groupby("article", sort=False).size()
    counts = kwic_counts(hits)
    lines = "".join(
        f"<tr><td>{html.escape(str(r.article))}</td><td>{r.section}</td>"
        f"<td style='text-align:right'>{html.escape(r.left)}</td><td><mark>{html.escape(r.match)}</mark></td>"
        f"<td style='text-align:left'>{html.escape(r.right)}</td></tr>" for r in hits.head(limit).itertuples())
    more = f"<p>First {limit} of {len(hits)} shown.</p>" if len(hits) > limit else ""
    return (f"<p><b>{html.escape(query)}</b>: {len(hits)} occurrences in {counts.shape[0]} sections of "
            f"{len(per_article)} articles (" + ", ".join(f"{html.escape(str(a))} {c}" for a, c in per_article.items())
            + ").</p>" + counts.to_html(index=False, escape=True, border=0)
            + "<table><thead><tr><th>article</th><th>section</th><th style='text-align:right'>left</th><th>match</th>"
            "<th style='text-align:left'>right</th></tr></thead><tbody>" + lines + "</tbody></table>" + more)


def default_query(scores: pd.DataFrame, indicators: Mapping[str, Sequence[str]] | None = None) -> str:
    """A query to show when none is typed: the first indicator of the corpus's most frequent primary frame."""
    indicators = frame_indicators() if indicators is None else indicators
    frames = [f for f in scores["primary_frame"].value_counts().index if f in indicators] or list(indicators)
    return indicators[frames[0]][0].replace("_", " ")


def top_frame(scores: pd.DataFrame, frames: Sequence[str]) -> str:
    """The frame with the highest mean score over the sections (the default choice of the frame view)."""
    means = scores[list(frames)].mean().to_numpy()
    return list(frames)[int(np.argmax(means))]


def saved_model(path: str | Path) -> Ensemble:
    """The consensus topic model notebook 02 saved (results/topic_ensemble.json), its content digest checked."""
    return Ensemble.from_json(read_checked(path)["ensemble"])


def unit_texts(doc_topics: pd.DataFrame, sections: pd.DataFrame, paragraphs: pd.DataFrame) -> list[str]:
    """The text of each topic-model unit (a row of results/doc_topics.csv): its paragraph, or its section."""
    table = paragraphs if "paragraph" in doc_topics else sections
    keys = [k for k in ("doc_id", "section", "paragraph") if k in doc_topics]
    found = doc_topics[keys].merge(table[[*keys, "text"]], on=keys, how="left")
    return found["text"].fillna("(text not found in this corpus)").astype(str).tolist()


def topic_descriptions(phi: np.ndarray, terms: Sequence[str], n: int = 8) -> dict[str, str]:
    """Topic number (as a string, 1-based) -> "topic t: its n most probable words", as a coder sees a topic."""
    top = np.argsort(-phi, axis=1, kind="stable")[:, :n]
    return {str(t + 1): f"topic {t + 1}: " + ", ".join(terms[i] for i in row) for t, row in enumerate(top)}


def _units(table: pd.DataFrame) -> set[tuple[str, int]]:
    """The (doc_id, section) pairs of a table."""
    return set(zip(table["doc_id"], table["section"].astype(int), strict=True))


def check_frame_results(sections: pd.DataFrame, scores: pd.DataFrame) -> None:
    """ValueError saying what to rerun when results/frames_by_section.csv does not score these sections."""
    units, scored = _units(sections), _units(scores)
    if scored != units:
        raise ValueError(f"results/frames_by_section.csv scores {len(scored & units)} of the {len(units)} sections of "
                         "this corpus: run make figures with this CORPUS (and an OUTDIR) first")


def check_topic_results(sections: pd.DataFrame, doc_topics: pd.DataFrame, model: Ensemble) -> None:
    """ValueError saying what to rerun when the saved topic model was not fitted on these sections."""
    units, topical = _units(sections), _units(doc_topics)
    problems = []
    if not topical <= units:
        problems.append(f"results/doc_topics.csv has {len(topical - units)} sections not in this corpus")
    if len(doc_topics) != model.theta.shape[0]:
        problems.append(f"results/doc_topics.csv has {len(doc_topics)} units, results/topic_ensemble.json "
                        f"{model.theta.shape[0]}")
    if problems:
        raise ValueError("the saved topic model is not that of this corpus (" + "; ".join(problems) + "): run "
                         "make figures with this CORPUS (and an OUTDIR) first")
