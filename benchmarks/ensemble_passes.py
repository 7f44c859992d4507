"""Does the consensus of a large corpus need 4 passes per run, or do 2 do? Fits the ensembles notebook 02 fits
on a corpus of more than FIT_MAX_UNITS paragraphs (30 gensim runs, K topics, on the seeded sample of 5,000),
with 2 and with 4 passes, for two master seeds, and compares the consensuses.

Writes two tables: per (passes, master seed), the fits' seconds and the single runs' agreement; per pair of
ensembles, the cosine of each matched consensus topic and the adjusted Rand index of the units' dominant topics.

Usage: python benchmarks/ensemble_passes.py CORPUS CACHE_DIR OUT_PREFIX [--k 2]
(e.g. a corpus from ``benchmarks/scale_corpus.py 100000 DIR``; notebook 02's tokenising and vocabulary settings.)
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import pandas as pd

from corpus_utils import ensemble, loading, tokens, topic_metrics, topics

SEED, N_RUNS, FIT_MAX_UNITS, MAX_DF, NO_BELOW = 42, 30, 5000, 0.6, 2  # notebook 02's parameters


def main() -> None:
    """Fit the four ensembles and write ``OUT_PREFIX_runs.csv`` and ``OUT_PREFIX_pairs.csv``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("cache_dir")
    parser.add_argument("out_prefix")
    parser.add_argument("--k", type=int, default=2, help="topics (the K notebook 02 chose on the corpus)")
    args = parser.parse_args()
    sections, paragraphs = loading.load_corpus(args.corpus), loading.load_paragraphs(args.corpus)
    section_tok = tokens.tokenize_units(sections["text"], max_df=MAX_DF, cache_dir=args.cache_dir)
    paragraph_tok = tokens.tokenize_units(paragraphs["text"], max_df=MAX_DF, cache_dir=args.cache_dir,
                                          drop_terms=section_tok.corpus_stopwords["term"])
    vocab = topics.build_vocabulary(paragraph_tok.tokens, no_below=NO_BELOW)
    sample = topics.sample_indices(len(vocab.bow), FIT_MAX_UNITS, SEED)
    fitted = topics.subset(vocab, sample, cut=False)
    found, rows = {}, []
    for passes, master in itertools.product((4, 2), (SEED, SEED + 1)):
        seeds = ensemble.ensemble_seeds(master, N_RUNS)
        start = time.perf_counter()
        runs = ensemble.fit_runs(fitted, args.k, seeds, passes=passes)
        seconds = time.perf_counter() - start
        found[passes, master] = ens = ensemble.consensus(runs, fitted, seeds, 1 / args.k)
        rows.append({"units": len(vocab.bow), "sample": len(sample), "passes": passes, "master_seed": master,
                     "fit_seconds": round(seconds, 1), "single_run_ari": round(ens.run_ari(), 3),
                     "stability": round(ens.stability(), 3),
                     "min_recurrence": round(float(ens.recurrence(0.8).min()), 3)})
        print(rows[-1], flush=True)
    pairs = []
    for a, b in itertools.combinations(found, 2):
        _, cosine = ensemble._match(found[a].phi, found[b].phi)
        pairs.append({"passes_a": a[0], "master_a": a[1], "passes_b": b[0], "master_b": b[1],
                      "min_topic_cosine": round(float(cosine.min()), 4),
                      "dominant_ari": round(topic_metrics.adjusted_rand(found[a].dominant(), found[b].dominant()), 3)})
    out = Path(args.out_prefix)
    pd.DataFrame(rows).to_csv(f"{out}_runs.csv", index=False)
    pd.DataFrame(pairs).to_csv(f"{out}_pairs.csv", index=False)
    print(pd.DataFrame(pairs).to_string(index=False))


if __name__ == "__main__":
    main()
