"""Stats: small descriptive comparisons between documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pandas as pd


def vocabulary_overlap(tokens_by_doc: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Per document: types, types shared by all documents, by some other, and its own only."""
    vocab = {doc: set(toks) for doc, toks in tokens_by_doc.items()}
    common = set.intersection(*vocab.values()) if vocab else set()
    rows = []
    for doc, types in vocab.items():
        others = set().union(*(v for d, v in vocab.items() if d != doc))
        own = types - others
        rows.append({"doc_id": doc, "types": len(types), "shared_all": len(types & common),
                     "shared_some": len((types & others) - common), "own": len(own),
                     "own_share": round(len(own) / len(types), 3) if types else 0.0})
    return pd.DataFrame(rows, columns=["doc_id", "types", "shared_all", "shared_some", "own", "own_share"])


def distinct_terms(tokens_by_doc: Mapping[str, Sequence[str]], n: int = 10) -> pd.DataFrame:
    """Each document's most frequent terms that no other document uses: doc_id, rank, term, count."""
    counts = {doc: Counter(toks) for doc, toks in tokens_by_doc.items()}
    rows = []
    for doc, counter in counts.items():
        others = set().union(*(set(c) for d, c in counts.items() if d != doc))
        own = sorted(((c, t) for t, c in counter.items() if t not in others), key=lambda x: (-x[0], x[1]))
        rows += [{"doc_id": doc, "rank": i + 1, "term": t, "count": c} for i, (c, t) in enumerate(own[:n])]
    return pd.DataFrame(rows, columns=["doc_id", "rank", "term", "count"])


def corpus_summary(sections: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per document: label, title, sections, words and median words per section."""
    grouped = sections.groupby("doc_id", sort=False)
    table = pd.DataFrame({
        "label": [labels.get(d, d) for d in grouped.groups],
        "title": grouped["title"].first(),
        "sections": grouped.size(),
        "words": grouped["n_words"].sum(),
        "median_section_words": grouped["n_words"].median().round(0).astype(int),
    })
    return table.reset_index()


def pool_by_doc(doc_ids: Sequence[str], unit_tokens: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Concatenate the tokens of units (sections, paragraphs) per document, keeping document order."""
    pooled: dict[str, list[str]] = {}
    for doc, toks in zip(doc_ids, unit_tokens, strict=True):
        pooled.setdefault(doc, []).extend(toks)
    return pooled
