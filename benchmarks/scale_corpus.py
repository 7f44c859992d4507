"""Scale corpora for the benchmark: N documents of real English text that ships inside installed packages.

Sources (no downloads): the shortened English Wikipedia dump and the Lee news corpus in gensim's test data,
and the help topics of Python's own documentation (``pydoc_data``). Every source paragraph of at least
``MIN_WORDS`` words is one document: a title line, then its text, split into two paragraphs at a sentence
boundary when it is long. The order is a fixed shuffle of the whole pool; a corpus larger than the pool
(about 6,000 paragraphs) repeats it, and ``metadata.csv`` marks every repeated document (column ``repeat``),
so the benchmark measures cost, not findings. The metadata ``group`` is the source.

Usage: python benchmarks/scale_corpus.py N OUTDIR
"""

from __future__ import annotations

import bz2
import random
import re
import sys
from functools import lru_cache
from pathlib import Path

import gensim
import pandas as pd

MIN_WORDS = 30
SPLIT_WORDS = 120
DATA = Path(gensim.__file__).parent / "test" / "test_data"
WIKI = DATA / "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _wikipedia() -> list[tuple[str, str, str]]:
    """(source, title, paragraph) for every long-enough prose paragraph of the Wikipedia sample."""
    from gensim.corpora.wikicorpus import extract_pages, filter_wiki

    out = []
    with bz2.open(WIKI) as stream:
        for title, text, _ in extract_pages(stream):
            if text.lower().startswith("#redirect"):
                continue
            for para in filter_wiki(text).split("\n"):
                para = " ".join(para.replace("'''", "").replace("''", "").split())
                if len(para.split()) >= MIN_WORDS and not para.startswith(("|", "{", "!", "*")):
                    out.append(("Wikipedia", title, para))
    return out


def _lee() -> list[tuple[str, str, str]]:
    """(source, title, article) for the Lee news articles (background and test sets)."""
    out = []
    for name in ("lee_background.cor", "lee.cor"):
        for i, line in enumerate((DATA / name).read_text(encoding="utf-8", errors="replace").splitlines()):
            if len(line.split()) >= MIN_WORDS:
                out.append(("Lee news", f"News article {name.split('.')[0]} {i + 1}", " ".join(line.split())))
    return out


def _python_docs() -> list[tuple[str, str, str]]:
    """(source, title, paragraph) for the prose paragraphs of Python's help topics."""
    from pydoc_data.topics import topics

    out = []
    for title, text in sorted(topics.items()):
        for para in re.split(r"\n\s*\n", text):
            if para.startswith((" ", "\t")):  # code and grammar blocks
                continue
            para = " ".join(para.split())
            if len(para.split()) >= MIN_WORDS:
                out.append(("Python docs", f"Python help: {title}", para))
    return out


@lru_cache(maxsize=1)
def pool() -> list[tuple[str, str, str]]:
    """Every source paragraph, in a fixed shuffled order."""
    items = _wikipedia() + _lee() + _python_docs()
    random.Random(20261122).shuffle(items)
    return items


def _body(text: str) -> str:
    """The paragraph, split in two at the sentence boundary nearest its middle when it is long."""
    if len(text.split()) < SPLIT_WORDS:
        return text
    cuts = [m.start() for m in SENTENCE_END.finditer(text)]
    if not cuts:
        return text
    cut = min(cuts, key=lambda c: abs(c - len(text) / 2))
    return text[:cut].strip() + "\n\n" + text[cut:].strip()


def build(n_docs: int, outdir: str | Path) -> pd.DataFrame:
    """Write ``n_docs`` documents and ``metadata.csv`` to ``outdir``; return the metadata."""
    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    items = pool()
    rows = []
    for i in range(n_docs):
        source, title, text = items[i % len(items)]
        doc_id = f"doc_{i:05d}"
        (folder / f"{doc_id}.txt").write_text(f"{title}\n\n{_body(text)}\n", encoding="utf-8")
        rows.append({"doc_id": doc_id, "label": title[:60], "group": source, "repeat": i >= len(items)})
    meta = pd.DataFrame(rows)
    meta.to_csv(folder / "metadata.csv", index=False)
    return meta


if __name__ == "__main__":
    n, out = int(sys.argv[1]), sys.argv[2]
    meta = build(n, out)
    print(f"{n} documents in {out} ({int(meta['repeat'].sum())} repeats of the pool of {len(pool())} paragraphs)")
