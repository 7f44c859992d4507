# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Topic model: what do the articles talk about, and how stable is that answer?
#
# **Question.** Which themes run through the three articles, how much of each article does each theme
# take up, and can a topic model on a corpus this small be trusted at all?
#
# **Inputs.** The corpus in `CORPUS` (default `seeds/`), read and tokenised by `corpus_utils` exactly as
# in notebook 01.
#
# **Outputs.** `results/k_selection.csv` (every run of the K sweep), `results/topic_terms.csv`,
# `results/doc_topics.csv`, `results/topic_prevalence.csv`; `figures/ldavis.html` (self-contained, works
# offline), `figures/02_intertopic_map` and `figures/02_topic_flow` (PNG and SVG). The K-selection,
# topic-term and prevalence figures shown here are drawn for publication by notebook 04 from the tables.
#
# **Method.** gensim `LdaModel` (single process, fixed seed). Three articles are far too few documents
# for LDA, so we model sections or paragraphs, choosing the unit and the number of topics K by measured
# coherence and stability, then aggregate back to articles with bootstrap intervals.

# %% tags=["parameters"]
CORPUS = "../seeds"
OUTDIR = ".."
CACHE_DIR = "../.cache"
SEED = 42
SWEEP_SEEDS = [1, 2, 3, 4, 5]
K_MIN = 2
K_MAX = 12
MAX_DF = 0.6
NO_BELOW = 2
TOP_N = 10
LAMBDA = 0.6
N_BOOT = 2000
N_PERM = 2000
N_JOBS = 2
SWEEP_MAX_UNITS = 400  # a larger corpus chooses K on a seeded sample of this many units of each type
SWEEP_BUDGET = 2500  # sweep passes: 10 up to 250 units, then SWEEP_BUDGET / units, at least 2
FINAL_BUDGET = 20000  # the same rule for the final model, fitted on every unit
REUSE_SWEEP = True  # reuse results/k_selection.csv when its inputs key matches (False: refit every run)
TOPIC_LABELS = {
    1: "Partnerships, capacity and reform",
    2: "Threats and joint security measures",
    3: "External influence and obstacles",
}

# %%
import pandas as pd
from IPython.display import HTML

import corpus_utils as cu
from corpus_utils import notebook, plots, stats, tokens, topics

FIGURES, RESULTS = notebook.setup(OUTDIR)
SEEDS_RUN = notebook.is_seed_corpus(CORPUS)

# %% [markdown]
# ## 1. Units and vocabulary
# Two candidate units: sections (as in notebook 01) and paragraphs. Both get the same tokens: lemmas,
# curated entities, learned phrases, general stopwords removed, and the corpus stopwords that notebook 01
# derived at section level (terms in more than `MAX_DF` of sections). The dictionary then drops terms
# found in fewer than `NO_BELOW` units: a term that occurs in one unit only cannot tie units together.
# (The gensim tutorial's `no_below=20` would leave almost no vocabulary in ~8,000 words.)

# %%
sections = cu.load_corpus(CORPUS)
paragraphs = cu.load_paragraphs(CORPUS)
labels = cu.doc_labels(CORPUS)
groups = cu.doc_groups(CORPUS)  # the articles here; metadata groups on a corpus of many documents
section_tok = tokens.tokenize_units(sections["text"], max_df=MAX_DF, cache_dir=CACHE_DIR)
paragraph_tok = tokens.tokenize_units(paragraphs["text"], max_df=MAX_DF,
                                      drop_terms=section_tok.corpus_stopwords["term"], cache_dir=CACHE_DIR)
units = {"sections": (sections, section_tok), "paragraphs": (paragraphs, paragraph_tok)}
vocabs = {name: topics.build_vocabulary(tok.tokens, no_below=NO_BELOW) for name, (_, tok) in units.items()}
KS = topics.k_range(K_MIN, K_MAX, n_units=len(sections))  # at least 4 sections per topic
pd.concat({name: v.summary for name, v in vocabs.items()}, axis=1)

# %% [markdown]
# Filtering removes about 40% of the distinct terms but only about 10% of the tokens: the removed terms
# are one-off words. The most frequent of them:

# %%
vocabs["paragraphs"].removed.head(8)

# %% [markdown]
# ## 2. Choosing the unit and K by evidence
# For each unit and each K from `K_MIN` to `K_MAX` (capped at one topic per four sections on a small
# corpus), five models with different seeds. Each run is scored by
# **coherence** of its topics' top-10 terms (c_v and c_npmi, gensim `CoherenceModel`: how often a topic's
# top terms occur together in the texts, c_npmi on a -1..1 scale where 0 is chance), measured for both
# units against the same reference texts (the paragraphs), so the scores are comparable; and by
# **stability**: the average Jaccard agreement of its top-10 term rankings with each other seed's model,
# after matching topics with the Hungarian algorithm (Greene, O'Callaghan & Cunningham 2014).
#
# The runs of both units are fitted together in `N_JOBS` processes. On a corpus of more than
# `SWEEP_MAX_UNITS` units of a type, the sweep uses a seeded random sample of that many (the paragraph
# sample is then the reference) with fewer passes (`SWEEP_BUDGET`): K is chosen on the sample, the final
# model is fitted on every unit. Here every unit is used, with 10 passes (columns `units` and `passes`).
# The result is keyed by all its inputs (column `inputs`: a digest of the bags of words, reference texts,
# K values, seeds, LDA settings and gensim version): a rerun with the same inputs reuses the committed
# table or the cache in `CACHE_DIR` instead of refitting; any change refits.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: the progress line is updated in place, which nbval does not replay; the stored line is the same
# with or without the cache, and the next cells check the sweep itself)
sample = {name: topics.sample_indices(len(v.bow), SWEEP_MAX_UNITS, SEED) for name, v in vocabs.items()}
sweep = topics.k_sweep(
    None, {name: topics.subset(v, sample[name]) for name, v in vocabs.items()}, KS, SWEEP_SEEDS,
    reference=[paragraph_tok.tokens[i] for i in sample["paragraphs"]], n_jobs=N_JOBS, cache_dir=CACHE_DIR,
    passes_budget=SWEEP_BUDGET, published=RESULTS / "k_selection.csv" if REUSE_SWEEP else None,
)[["unit", "units", "passes", "k", "seed", "c_v", "c_npmi", "stability", "inputs"]]
sweep.to_csv(RESULTS / "k_selection.csv", index=False)
print(f"{len(sweep)} runs: {sweep['unit'].nunique()} units x {len(KS)} values of K x {len(SWEEP_SEEDS)} seeds")

# %% [markdown]
# **The rule.** Average each criterion over seeds; scale each to 0–1 over all (unit, K) candidates
# (1 = best candidate); the score is the mean of the three scaled criteria; the highest score wins, ties
# going to the smaller K. `topics.choose_k` applies it:

# %%
choice, scores = topics.choose_k(sweep, by=("unit", "k"))
UNIT, K = choice["unit"], choice["k"]
print(f"chosen: {K} topics on {UNIT}")
scores.sort_values("score", ascending=False).head(6)

# %%
summary = topics.summarise_sweep(sweep, by=("unit", "k"))
plots.plot_k_selection(summary, choice)

# %% [markdown]
# What we see: stability generally falls as K grows (more topics, less agreement between seeds; it is flat
# from about K = 8) and c_npmi falls with it; c_v is flat and noisy. Every score is low in absolute terms:
# c_npmi is near zero or negative (top terms co-occur hardly more than chance), and no candidate reaches an
# average Jaccard agreement of 0.5 between seeds. The two best candidates, 3 topics on sections and 2
# topics on paragraphs, score close to each other; the rule keeps the former.

# %%
if SEEDS_RUN:  # the prose above describes the seed corpus: fail loudly if the evidence changes
    assert (UNIT, K) == ("sections", 3), (UNIT, K)
    assert summary["stability_mean"].max() < 0.5

# %% [markdown]
# ## 3. The final model
# One `LdaModel` with the chosen unit and K and a fixed seed (`SEED`): the same topics on every run
# (10 passes here; fewer on a corpus of more than 2,000 units, by `FINAL_BUDGET`).
# Topics are numbered from 1, as in pyLDAvis (topic *t* is gensim's topic *t − 1*).

# %%
unit_table, unit_tok = units[UNIT]
vocab = vocabs[UNIT]
model = topics.fit_lda(vocab, K, SEED, passes=topics.lda_passes(len(vocab.bow), FINAL_BUDGET))
# the labels below were written for the seed model; any other corpus or K gets numbers until someone reads it
topic_labels = TOPIC_LABELS if SEEDS_RUN and len(TOPIC_LABELS) == K else {t: f"topic {t}" for t in range(1, K + 1)}
terms = topics.topic_term_table(model, vocab, topic_labels, n=TOP_N, lam=LAMBDA)
terms.pivot(index="rank", columns="topic", values="term")

# %% [markdown]
# The most representative units of each topic (highest topic proportion), which the labels are based on:

# %%
theta = topics.unit_topics(model, vocab)
examples = topics.representative_units(theta, unit_table, n=2)
examples.assign(doc=examples["doc_id"].map(labels), text=examples["text"].str.slice(0, 260) + " ...")[
    ["topic", "proportion", "doc", "heading", "text"]]

# %% [markdown]
# **Labels** (written after reading the terms and the units above; they are the `TOPIC_LABELS`
# parameter, so a run on another corpus, or with another K, falls back to numbers):
#
# 1. *Partnerships, capacity and reform*: strategies for partnerships, capacity-building, components
#    and evaluations of security sector reform, alliances and exercises.
# 2. *Threats and joint security measures*: threat perceptions, terrorism, trafficking, border
#    operations, cyber security and confidence-building; the sections that name threats and joint responses.
# 3. *External influence and obstacles*: external powers (Russia above all), national interests,
#    sovereignty and the "challenges" sections of all three articles.

# %%
pd.Series(topic_labels, name="label").rename_axis("topic").to_frame()

# %%
plots.plot_topic_terms(terms, n=TOP_N)

# %%
terms.to_csv(RESULTS / "topic_terms.csv", index=False)
key_cols = [c for c in ["doc_id", "section", "paragraph", "heading"] if c in unit_table]
doc_topics = unit_table[key_cols].assign(unit=UNIT[:-1]).join(
    pd.DataFrame(theta.round(4), columns=[f"topic_{t}" for t in range(1, K + 1)], index=unit_table.index))
doc_topics.to_csv(RESULTS / "doc_topics.csv", index=False)
doc_topics.head(3)

# %% [markdown]
# ## 4. pyLDAvis, offline
# The interactive view below keeps the notebook's topic numbers (`sort_topics=False`), has a fixed element
# id, and carries d3 and LDAvis inlined from the files that ship in the pyLDAvis wheel: it needs no network.
# The same view is saved as the self-contained page `figures/ldavis.html`; GitHub shows no JavaScript,
# so a static intertopic map sits beside it. (In JupyterLab, trust the notebook to see the live view.)

# %%
vis = topics.prepare_ldavis(model, vocab)
page = topics.ldavis_page(vis, f"Topic model of {len(labels)} articles: {K} topics on {UNIT}")
plots.save_text(page, "ldavis.html", FIGURES, "Interactive pyLDAvis view of the final topic model (self-contained).")
fig = plots.plot_intertopic_map(vis.topic_coordinates, topic_labels)
plots.save_figure(fig, "02_intertopic_map", FIGURES,
                  "Intertopic distance map (pyLDAvis PCoA coordinates): static stand-in for ldavis.html.")
fig

# %%
HTML(topics.ldavis_fragment(vis))

# %% [markdown]
# ## 5. Topics across the articles
# Mean topic proportion per article, with 95% bootstrap intervals (units resampled within each article,
# `N_BOOT` times), and a permutation test of whether the articles differ at all: the statistic is the share
# of variance in the units' topic proportions that lies between articles (eta squared), compared with
# `N_PERM` random reassignments of units to articles.

# %%
unit_groups = unit_table["doc_id"].map(groups).to_numpy()
prevalence = stats.bootstrap_group_means(theta, unit_groups, n_boot=N_BOOT, seed=SEED).rename(
    columns={"group": "doc_id", "column": "topic"}).round(4)
prevalence.to_csv(RESULTS / "topic_prevalence.csv", index=False)
comparable = len(set(unit_groups)) > 1
test = stats.permutation_test(theta, unit_groups, n_perm=N_PERM, seed=SEED) if comparable else None
test

# %%
plots.plot_group_profiles(prevalence.rename(columns={"doc_id": "group", "topic": "column"}),
                          labels, topic_labels, "mean topic proportion (95% bootstrap interval)")

# %% [markdown]
# The articles' mixes differ by more than chance (permutation p well below 0.05; the statistic, eta
# squared, is the share of the variance of the topic proportions that lies between articles), but the
# intervals are wide. Two contrasts have intervals that do not overlap: topic 1, *partnerships, capacity
# and reform*, carries about half of the partnerships and sector-reform articles but little of the
# policy-development article, and topic 2, *threats and joint security measures*, carries about half of
# the policy-development article but little of the reform article. The other differences overlap. Part of
# this is by construction: the topics' top terms include each article's own title vocabulary
# (*security policy* and *development* for the policy-development article; *partnership*, *strategic* and
# *reform* for the other two), so topic shares partly restate which article a section comes from.
#
# Along each article (below; sections numbered from 0 as in the tables), three-quarters of the sections are
# dominated by one topic (proportion above 0.9): with a symmetric prior and sections of about 150 words,
# LDA tends to give each section one theme. The "challenges" sections of all three articles fall into
# topic 3, the closing sections mostly into topic 1.

# %%
fig = plots.plot_flow(theta, unit_table["doc_id"], labels, [f"{t}: {lab}" for t, lab in topic_labels.items()],
                      unit_name=UNIT[:-1])
plots.save_figure(fig, "02_topic_flow", FIGURES, "Topic proportions along each article, unit by unit in reading order.")
fig

# %% [markdown]
# ## 6. What the topics do and do not tell us
# Measured here, not assumed:

# %%
best = scores.set_index(["unit", "k"]).loc[(UNIT, K)]
runner_up = scores.sort_values("score", ascending=False).iloc[1]
print(f"Chosen model: {K} topics on {len(unit_table)} {UNIT}.")
print(f"Mean over seeds: c_v = {best['c_v_mean']:.3f}, c_npmi = {best['c_npmi_mean']:.3f}, "
      f"stability = {best['stability_mean']:.2f} (average Jaccard agreement of the top-10 terms between seeds).")
print(f"Runner-up: {runner_up['k']} topics on {runner_up['unit']} (score {runner_up['score']:.2f} "
      f"against {best['score']:.2f}).")
if test:
    print(f"Articles differ in topic mix: eta squared = {test['eta_squared']:.2f}, "
          f"permutation p = {test['p_value']:.4f} ({test['n_perm']} permutations).")

# %% [markdown]
# * **What they tell us.** A few broad themes, and the articles' relative weight on them, are measurable:
#   the permutation test shows that the articles' topic mixes differ by more than chance, and the heatmap
#   shows where in each article a theme takes over.
# * **What they do not.** The evidence for any finer structure is weak. Coherence is low (c_npmi near
#   zero), stability is below 0.5 at every K, and the best two candidate models score almost alike: with
#   53 sections of templated prose, LDA finds the vocabulary of whichever article dominates a theme as
#   much as a theme itself (topics 1 and 2 partly track the articles' own title vocabulary). Topics are therefore a
#   coarse map of the corpus, not a measurement of framing; notebook 03 measures framing directly with a validated
#   codebook.
# * **Limits.** The choice of unit and K depends on a written rule over three criteria; another reasonable
#   rule (e.g. stability alone) would pick 2 topics. Bootstrap intervals treat sections as independent,
#   which neighbouring sections of one article are not, so the intervals are if anything too narrow.

# %%
plots.write_manifest(FIGURES, "02-topic-model")

# %%
from importlib.metadata import version

for package in ["gensim", "pyLDAvis", "pandas", "numpy", "scipy", "matplotlib"]:
    print(f"{package}=={version(package)}")
