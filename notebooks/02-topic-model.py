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
# # 02 · Topic model: what do the articles talk about, and does the answer survive a change of seed?
#
# **Question.** Which themes run through the articles, how much of each article does each theme
# take up, and which of these findings hold whatever random seed the model starts from?
#
# **Inputs.** The corpus in `CORPUS` (default `seeds/`), read and tokenised by `corpus_utils` as in
# notebook 01; the codebook's frame indicators and (seed corpus only) the AI-produced reference coding in
# `validation/` for the keyword-assisted model.
#
# **Outputs.** `results/k_selection.csv` (every run of the K sweep), `results/topic_ensemble.json` (the
# consensus of many seeded runs, a keyed cache), `results/topic_models.csv` (the models compared),
# `results/topic_terms.csv`, `results/doc_topics.csv`, `results/topic_prevalence.csv`,
# `results/topic_effects.csv` and `results/topic_trends.csv` (topics on the metadata); `figures/ldavis.html`
# (self-contained, works offline), `figures/02_intertopic_map`, `figures/02_topic_flow`,
# `figures/02_topic_effects`, `figures/02_topic_trends`.
#
# **Method.** gensim `LdaModel` (single process, seeded), fitted many times: K is chosen by a rule whose
# choice is checked by resampling seeds, and the final topics are the consensus of `N_RUNS` runs whose
# seeds are drawn from `SEED` (topics matched across runs with the Hungarian algorithm and averaged).
# A collapsed Gibbs sampler (tomotopy) and a keyword-seeded model (keyATM-style) stand beside it.

# %% tags=["parameters"]
CORPUS = "../seeds"
OUTDIR = ".."
CACHE_DIR = "../.cache"  # the parsed corpus and tokenised text are kept here (keyed by their inputs)
VALIDATION = "../validation/blind"
SEED = 42  # master seed: every run seed below is drawn from it
N_RUNS = 30  # gensim runs behind the consensus topics
SWEEP_SEEDS = 20  # runs per (unit, K) candidate in the K sweep
COMPARE_SEEDS = 20  # runs per model in the comparison with tomotopy and the seeded model
OTHER_MASTERS = 3  # independent ensembles (master seeds SEED+1, ...) that measure seed dependence
K_MIN = 2
K_MAX = 8
MAX_DF = 0.6
MAX_DF_OPTIONS = [0.4, 0.5, 0.6, 0.8, 1.0]
NO_BELOW = 2
TOP_N = 10
LAMBDA = 0.6
RECUR_COS = 0.8  # a run "finds" a consensus topic when its matched topic has at least this cosine with it
SEEDED_BOOST = 5.0  # prior pseudo-count of a frame's indicators in its own topic (others: 1/K)
SEEDED_EXTRA = 2  # unseeded topics beside the nine frame topics
GIBBS_ITERATIONS = 1000
N_BOOT = 2000
N_PERM = 2000
N_SIMS = 1000  # coefficient draws of the method of composition (topic effects on the metadata)
N_JOBS = 2
SWEEP_MAX_UNITS = 400  # a larger corpus chooses K, and compares model families, on seeded samples of this size
SWEEP_BUDGET = 2500  # sweep passes: 20 up to 125 units, then SWEEP_BUDGET / units, at least 2
FINAL_BUDGET = 10000  # the same rule for the ensemble: 20 passes up to 500 units, 2 on a 5,000-unit sample
# (a consensus of 2-pass runs matched one of 4-pass runs more closely than another master seed did: README)
FIT_MAX_UNITS = 5000  # a larger corpus fits the ensemble's runs on a seeded sample of this size (every unit
# still gets its proportions under the consensus topics)
BOW_MAX_CELLS = 20_000_000  # a bag-of-words with more non-zero cells is kept on disk (gensim's MmCorpus)
REUSE = True  # reuse the keyed tables in results/ when their inputs match (False: refit everything)
TOPIC_LABELS = {  # anchor term -> label: a label goes to the topic whose top terms rank its anchor highest
    "joint": "Joint regional institutions and cross-border measures",
    "security_sector_reform": "Security sector reform and its evaluation",
}

# %%
import pandas as pd
from IPython.display import HTML

import corpus_utils as cu
from corpus_utils import (
    effects,
    ensemble,
    framing,
    ldavis,
    notebook,
    outputs,
    plots,
    stats,
    tokens,
    topic_metrics,
    topics,
    validation,
)

FIGURES, RESULTS = notebook.setup(OUTDIR, CORPUS, CACHE_DIR)
SEEDS_RUN = notebook.is_seed_corpus(CORPUS)

# %% [markdown]
# ## 1. Units and vocabulary
# Two candidate units: sections (as in notebook 01) and paragraphs, with the same tokens: lemmas, curated
# entities, learned phrases, general stopwords removed, and corpus stopwords derived at section level (terms
# in more than `MAX_DF` of sections). The dictionary then drops terms found in fewer than `NO_BELOW` units.
# First, what each document-frequency cut-off would remove, and which of those are the codebook's frame words:

# %%
sections = cu.load_corpus(CORPUS)
paragraphs = cu.load_paragraphs(CORPUS)
labels = cu.doc_labels(CORPUS)
groups = cu.comparison_groups(CORPUS)  # the articles here; metadata groups on a corpus of many documents
frame_words = {f: ensemble.indicator_tokens(v["indicators"]) for f, v in framing.load_codebook()["frames"].items()}
all_section_tok = tokens.tokenize_units(sections["text"], max_df=1.0, cache_dir=CACHE_DIR)
tokens.max_df_choices(all_section_tok.tokens, MAX_DF_OPTIONS, {w for ws in frame_words.values() for w in ws})

# %% [markdown] tags=["seed-prose"]
# Terms found in most sections cannot tell topics apart, so the inductive model drops them; but at every
# cut-off below 1.0 this removes frame words too (*cooperation* above all, which the dictionary finds almost
# everywhere). We keep `MAX_DF` for the inductive model, say so here, and give the keyword-seeded model of
# section 5 the full vocabulary (no document-frequency cut), so that every frame word can carry its prior.

# %%
section_tok = tokens.tokenize_units(sections["text"], max_df=MAX_DF, cache_dir=CACHE_DIR)
paragraph_tok = tokens.tokenize_units(paragraphs["text"], max_df=MAX_DF,
                                      drop_terms=section_tok.corpus_stopwords["term"], cache_dir=CACHE_DIR)
units = {"sections": (sections, section_tok), "paragraphs": (paragraphs, paragraph_tok)}
vocabs = {name: topics.build_vocabulary(tok.tokens, no_below=NO_BELOW, max_cells=BOW_MAX_CELLS)
          for name, (_, tok) in units.items()}
KS = topics.k_range(K_MIN, K_MAX, n_units=len(sections))  # at least 4 sections per topic
pd.concat({name: v.summary for name, v in vocabs.items()}, axis=1)

# %% [markdown]
# A kind of unit with too few units or terms for two topics is not modelled; if neither can carry a model,
# the rest of this notebook is skipped (each cell says so) and notebooks 03 and 04 leave out their topic
# sections.

# %%
problems = topics.unit_problems(vocabs, K_MIN, topn=TOP_N)
for name, why in problems.items():
    print(f"{name} are not modelled: {why}")
vocabs = {name: v for name, v in vocabs.items() if name not in problems}
tables = [RESULTS / f"{name}.csv" for name in ("k_selection", "topic_terms", "doc_topics", "topic_prevalence",
                                               "topic_models", "topic_effects", "topic_trends")]
tables.append(RESULTS / "topic_ensemble.json")
figures = [FIGURES / "ldavis.html"] + [FIGURES / f"02_{n}.{f}" for n in ("intertopic_map", "topic_flow",
                                                                         "topic_effects", "topic_trends")
                                       for f in outputs.FORMATS]
notebook.skip_from_here("" if vocabs else "no kind of unit can carry a topic model on this corpus (see above)",
                        remove=tables + figures)
print(f"modelled: {', '.join(vocabs)}" if vocabs else "not modelled")

# %% [markdown]
# ## 2. Choosing the unit and K, and checking that the choice holds
# For each unit and each K from `K_MIN` to `K_MAX`, `SWEEP_SEEDS` models with seeds drawn from `SEED`.
# Each run is scored by **coherence** of its top-10 terms (c_v and c_npmi, against the same reference
# texts, the paragraphs, for both units), **stability** (its average Jaccard agreement with every other
# seed's run, topics matched with the Hungarian algorithm; Greene, O'Callaghan & Cunningham 2014) and
# **exclusivity** (stm's: FREX summed over a topic's top-10 terms, at most 10). The fits use small online
# batches (about 50 updates per pass; `topics.lda_chunksize`): with one batch per pass, as before, the seed
# corpus got ten updates in all and runs disagreed at random. The table is keyed by all its inputs
# and by the code that computes it (column `inputs`) and is refitted whenever any of them changes.

# %%
# NBVAL_IGNORE_OUTPUT
# (why: the progress line is updated in place, which nbval does not replay; the stored line is the same
# with or without the cache, and the next cells check the sweep itself)
sample = {name: topics.sample_indices(len(v.bow), SWEEP_MAX_UNITS, SEED) for name, v in vocabs.items()}
sweep = topics.k_sweep(
    {name: topics.subset(v, sample[name]) for name, v in vocabs.items()}, KS,
    ensemble.ensemble_seeds(SEED, SWEEP_SEEDS), [paragraph_tok.tokens[i] for i in sample["paragraphs"]],
    n_jobs=N_JOBS, path=RESULTS / "k_selection.csv", reuse=REUSE, passes_budget=SWEEP_BUDGET,
)
print(f"{len(sweep)} runs: {sweep['unit'].nunique()} units x {len(KS)} values of K x {SWEEP_SEEDS} seeds")

# %% [markdown]
# **The rule.** Average each criterion over seeds; scale each to 0–1 over all (unit, K) candidates
# (1 = best); the score is the mean of the four scaled criteria; the highest score wins, ties going to the
# smaller K. **Is the rule itself stable?** We resample the seeds with replacement 1,000 times, five at a
# time (the old sweep's size) and `SWEEP_SEEDS` at a time, and count how often each candidate wins. The
# choice is kept if it wins at least 60% of the resamples of `SWEEP_SEEDS`; otherwise the coarsest
# candidate that wins at least 10% of them is used (`topics.stable_choice`).

# %%
selection = topics.select_model(sweep, by=("unit", "k"), seed=SEED)
choice, held, scores, picks = (selection[key] for key in ("rule_choice", "held", "scores", "picks"))
UNIT, K = selection["choice"]["unit"], selection["choice"]["k"]
print(f"rule on all seeds: {choice['k']} topics on {choice['unit']}; kept: {K} topics on {UNIT} "
      f"({'the rule holds' if held else 'fallback: no candidate wins 60% of resamples'})")
scores.merge(picks, on=["unit", "k"]).sort_values("score", ascending=False).head(6)[
    ["unit", "k", "c_v_mean", "c_npmi_mean", "stability_mean", "exclusivity_mean", "score", "share", "share_of_5"]]

# %%
summary = topics.summarise_sweep(sweep, by=("unit", "k"))
plots.plot_k_selection(summary, {"unit": UNIT, "k": K}, picks=picks)

# %% [markdown] tags=["seed-prose"]
# What we see: coherence, stability and exclusivity all favour few topics (top row and first panel of the
# second); the chosen candidate wins the resamples of all seeds (`share`, fifth panel) and still most
# resamples of only five (`share_of_5`, last panel), so the choice does not hang on which seeds were drawn.
# The assertions below hold the stored conclusion to the evidence.

# %%
if SEEDS_RUN:  # the prose describes the seed corpus: fail loudly if the evidence changes
    top = picks.sort_values("share", ascending=False).iloc[0]
    assert held and (top["unit"], top["k"]) == (UNIT, K), "the K rule does not hold under resampled seeds"
    assert (UNIT, K) == ("paragraphs", 2), (UNIT, K)

# %% [markdown]
# ## 3. Consensus topics from many seeds
# `N_RUNS` models of the chosen unit and K, seeds drawn from `SEED`. Their topics are matched to each
# other (Hungarian algorithm on cosine similarity, starting from the run that agrees most with the others)
# and averaged into consensus topics, ordered by size; each unit's topic proportions are then estimated
# under the consensus topics by a concave fit that has no random start (`ensemble.fold_in`). A topic
# **recurs** in a run when the run's matched topic has cosine at least `RECUR_COS` with it. Seed dependence
# is measured twice: between single runs, and between this consensus and `OTHER_MASTERS` independent
# consensuses from other master seeds (adjusted Rand index of unit → dominant topic; 1 = identical).
# On a corpus of more than `FIT_MAX_UNITS` units every run is fitted on the same seeded sample of that many
# units (the whole vocabulary), so the fits cost the same at any size; every unit still gets its proportions
# under the consensus topics, and what rests on the runs (their own proportions, the other consensuses)
# uses the sampled units. A bag-of-words of more than `BOW_MAX_CELLS` non-zero cells is kept on disk
# (gensim's `MmCorpus`) and streamed through the fold-in, `ensemble.FOLD_BATCH` units at a time, with the
# same numbers as in memory.

# %%
unit_table, unit_tok = units[UNIT]
vocab = vocabs[UNIT]
ens, others = ensemble.robust_topics(
    vocab, K, SEED, N_RUNS, other_seeds=[SEED + i for i in range(1, OTHER_MASTERS + 1)], topn=TOP_N,
    n_jobs=N_JOBS, path=RESULTS / "topic_ensemble.json", reuse=REUSE, max_units=FIT_MAX_UNITS,
    passes=topics.lda_passes(min(len(vocab.bow), FIT_MAX_UNITS), FINAL_BUDGET))
run_rows = ens.run_rows()  # the units the runs were fitted on: every unit, or the seeded sample
print(f"runs fitted on {len(run_rows):,} of {len(vocab.bow):,} units"
      + (f" (a seeded sample: FIT_MAX_UNITS = {FIT_MAX_UNITS:,})" if len(run_rows) < len(vocab.bow) else ""))
consensus_ari = [topic_metrics.adjusted_rand(ens.dominant()[run_rows], p) for p in others.values()]
robustness = pd.DataFrame({"topic": range(1, K + 1), "recurrence": ens.recurrence(RECUR_COS),
                           "mean_cosine_with_runs": ens.match_cosine.mean(axis=0)}).round(3)
print(f"single runs: mean pairwise ARI {ens.run_ari():.2f}, stability {ens.stability():.2f} ({N_RUNS} runs)")
print(f"consensus against {len(others)} other master seeds: ARI " + ", ".join(f"{a:.2f}" for a in consensus_ari))
robustness

# %%
if SEEDS_RUN:  # on another corpus these are measured and shown above, not presumed
    assert min(consensus_ari, default=1.0) >= 0.7, consensus_ari  # the topics do not depend on the seed
    assert robustness["recurrence"].min() >= 0.8, robustness  # every topic recurs in most runs

# %% [markdown]
# **Terms and labels.** Terms are ranked by relevance at λ = `LAMBDA` (Sievert & Shirley 2014), which
# discounts words frequent everywhere; FREX (frequency-exclusivity, stm) is shown beside it. A label is
# given to the topic whose top terms rank its anchor term highest (`TOPIC_LABELS`), so labels follow
# content, not topic numbers; on another corpus, topics without an anchor are numbered.

# %%
counts = topics.term_counts(vocab)
relevance_top = [[ens.terms[i] for i in row] for row in topic_metrics.top_indices(
    topic_metrics.relevance(ens.phi, counts / counts.sum(), LAMBDA), TOP_N)]
topic_labels = topics.label_topics(relevance_top, TOPIC_LABELS if SEEDS_RUN else {})
terms = topics.topic_term_table(ens.phi, vocab, topic_labels, n=TOP_N, lam=LAMBDA)
shared = topic_metrics.shared_top_terms(relevance_top)
print("top-10 terms shared with another topic:", shared, "| exclusivity:",
      topic_metrics.exclusivity(ens.phi, TOP_N).round(2).tolist(), "| cosine between topics:",
      round(topic_metrics.mean_offdiagonal(topic_metrics.topic_cosines(ens.phi)), 2))
terms.pivot(index="rank", columns="topic", values="term").rename(columns=topic_labels)

# %%
if SEEDS_RUN:
    assert sum(shared) / K <= 1, shared  # distinct topics: at most one shared top-10 term on average
    assert set(topic_labels.values()) == set(TOPIC_LABELS.values()), topic_labels

# %% [markdown]
# The most representative units of each topic (highest consensus proportion), which the labels rest on:

# %%
theta = ens.theta
examples = topics.representative_units(theta, unit_table, n=2)
examples.assign(doc=examples["doc_id"].map(labels), text=examples["text"].str.slice(0, 260) + " ...")[
    ["topic", "proportion", "doc", "heading", "text"]]

# %%
plots.plot_topic_terms(terms, n=TOP_N)

# %%
notebook.save_table(terms, "topic_terms", RESULTS)
doc_topics = topics.unit_topic_table(unit_table, theta, UNIT[:-1])
notebook.save_table(doc_topics, "doc_topics", RESULTS)
doc_topics.head(3)

# %% [markdown]
# ## 4. pyLDAvis, offline
# The interactive view of the consensus topics keeps this notebook's topic numbers, has a fixed element id
# and carries d3 and LDAvis inlined from the pyLDAvis wheel: it needs no network. The same view is saved as
# `figures/ldavis.html`; GitHub shows no JavaScript, so a static intertopic map sits beside it. (In
# JupyterLab, trust the notebook to see the live view.)

# %%
vis = ldavis.prepare(ens.phi, theta, vocab)
page = ldavis.page(vis, f"Topic model of {len(labels)} articles: {K} consensus topics on {UNIT}")
outputs.save_text(page, "ldavis.html", FIGURES, "Interactive pyLDAvis view of the consensus topics (self-contained).")
fig = plots.plot_intertopic_map(vis.topic_coordinates, topic_labels)
outputs.save_figure(fig, "02_intertopic_map", FIGURES,
                    "Intertopic distance map (pyLDAvis PCoA coordinates): static stand-in for ldavis.html.")
fig

# %%
HTML(ldavis.fragment(vis))

# %% [markdown]
# ## 5. Beside the chosen model: a Gibbs sampler and a keyword-seeded model
# Each family is fitted `COMPARE_SEEDS` times (seeds drawn from `SEED`) and scored alike (means over runs);
# on a corpus of more than `SWEEP_MAX_UNITS` units, on seeded samples of that many units, as in the K sweep:
# * **gensim (chosen)**: the unit and K chosen above, single runs.
# * **tomotopy Gibbs (reference)**: collapsed Gibbs LDA on the same units and vocabulary, same priors (1/K).
# * **gensim seeded** (keyATM-style; Eshima, Imai & Sasaki 2024): sections, one topic per codebook frame whose
#   indicators get prior `SEEDED_BOOST` in it (1/K elsewhere), plus `SEEDED_EXTRA` unseeded topics, on the
#   full section vocabulary.
# * **gensim unseeded**: the same sections, vocabulary and K, no seeding.
#
# For the two section models, agreement of section → dominant topic with the reference coding's primary
# frames (AI runs, see notebook 03): accuracy and kappa where topics are named by their frame (unseeded
# topics count as "other"), ARI and NMI for any grouping.

# %%
# a corpus of more than SWEEP_MAX_UNITS units compares the families on seeded samples of that size (the K
# sweep's), and measures their coherence on as many paragraphs: the comparison is about methods, not the corpus
chosen_units = topics.sample_indices(len(vocab.bow), SWEEP_MAX_UNITS, SEED)
section_units = topics.sample_indices(len(all_section_tok.tokens), SWEEP_MAX_UNITS, SEED)
all_vocab = topics.subset(
    topics.build_vocabulary(all_section_tok.tokens, no_below=NO_BELOW, max_cells=BOW_MAX_CELLS), section_units)
n_frames = len(frame_words)
eta, seeded_names, found = ensemble.seeded_prior(all_vocab, frame_words, SEEDED_EXTRA, 1 / (n_frames + SEEDED_EXTRA),
                                                 SEEDED_BOOST)
coding = validation.load_coding(VALIDATION, sections) if SEEDS_RUN else None
chosen_vocab = topics.subset(vocab, chosen_units)
models = {
    "gensim (chosen)": ("gensim", chosen_vocab, K, {"passes": topics.lda_passes(len(chosen_units), FINAL_BUDGET)}),
    "tomotopy Gibbs (reference)": ("tomotopy", chosen_vocab, K, {"iterations": GIBBS_ITERATIONS}),
    "gensim seeded, sections": ("gensim", all_vocab, len(seeded_names), {"eta": eta}),
    "gensim unseeded, sections": ("gensim", all_vocab, len(seeded_names), {}),
}
reference = tokens.tokenize_units(paragraphs["text"], max_df=1.0, cache_dir=CACHE_DIR).tokens  # every term
reference = [reference[i] for i in topics.sample_indices(len(reference), SWEEP_MAX_UNITS, SEED)]
compared = ensemble.compare_models(
    models, ensemble.ensemble_seeds(SEED, COMPARE_SEEDS), reference, topn=TOP_N,
    names={"gensim seeded, sections": [n if n in frame_words else "other" for n in seeded_names]},
    frames=coding["adjudicated"]["primary_frame"].tolist() if coding else None, n_jobs=N_JOBS,
    path=RESULTS / "topic_models.csv", reuse=REUSE)
print(f"seed terms in the vocabulary: {sum(map(len, found.values()))} of "
      f"{sum(map(len, frame_words.values()))} indicators")
compared.drop(columns=["inputs", "engine"]).set_index("model").T

# %%
chosen, gibbs = compared.set_index("model").loc[["gensim (chosen)", "tomotopy Gibbs (reference)"]].to_dict("records")
gap = {m: round(gibbs[m] - chosen[m], 3) for m in ["stability", "c_v"]}
print(f"Gibbs minus gensim: stability {gap['stability']:+.3f}, c_v {gap['c_v']:+.3f} (goal: at most +0.05)")

# %% [markdown] tags=["seed-prose"]
# What we see. **The reference:** on the same units and vocabulary the Gibbs sampler does not beat the
# chosen fit: its c_v is about the same and its runs agree far less with each other (the gaps above), because
# each tomotopy run reports one draw of the sampler's last sweep, while the variational fit reports a
# posterior mean; the old gensim settings (one batch per pass) were the ones that fell short of it. **The
# seeded model:** seeding the nine frames makes its topics distinct and more stable than the unseeded model
# with the same K, but its sections agree with the reference frames only weakly (accuracy and kappa in the
# table): the frames of the codebook are not what LDA finds as word co-occurrence in 53 sections.

# %%
seeded = compared.set_index("model").loc["gensim seeded, sections"]
print(f"seeded model against the reference frames: accuracy {seeded['frames_accuracy']:.2f}, "
      f"kappa {seeded['frames_kappa']:.2f}" if coding else "no reference coding for this corpus")
if SEEDS_RUN:
    assert gap["stability"] <= 0.05 and gap["c_v"] <= 0.05, gap  # the sampler does not beat the chosen fit
if SEEDS_RUN and coding:
    assert seeded["frames_kappa"] < 0.4 and seeded["stability"] > compared.set_index("model").loc[
        "gensim unseeded, sections", "stability"] - 0.1, seeded

# %% [markdown]
# ## 6. How much is only which article a unit comes from?
# Normalised mutual information between a unit's article and its dominant topic (0 = unrelated, 1 = the
# topic is the article), and the share of variance in topic proportions that lies between articles (eta
# squared). What remains within articles: per article, the share of its units whose dominant topic is not
# the article's most common one.

# %%
unit_groups = unit_table["doc_id"].map(groups).to_numpy()
dominant = ens.dominant()
article_nmi = topic_metrics.normalized_mutual_information(unit_groups, dominant)
print(f"NMI(article, dominant topic) = {article_nmi:.2f}; eta squared = "
      f"{stats.between_group_share(theta, unit_groups):.2f}")
topics.dominant_by_group(unit_table["doc_id"], dominant, groups, labels, topic_labels)

# %% [markdown] tags=["seed-prose"]
# What we see: the two topics run through all three articles in similar proportions; a unit's topic says
# next to nothing about its article (NMI near 0). The earlier model's topics partly restated each article's
# title vocabulary; with more updates per fit and paragraphs as units, what recurs across seeds is a theme
# shared by the articles, not their identity.

# %%
if SEEDS_RUN:
    assert article_nmi < 0.1, article_nmi

# %% [markdown]
# ## 7. Topics across the articles
# Mean consensus proportion per article with 95% intervals whose replicates each draw one of the `N_RUNS`
# runs and resample units within the article (`stats.bootstrap_over_runs`): the interval carries the
# variation between seeds as well as between units. A permutation test asks whether the articles differ at
# all (statistic: eta squared, `N_PERM` relabellings). On a corpus of more than `FIT_MAX_UNITS` units the
# intervals rest on the seeded sample the runs were fitted on (section 3), the test on every unit.

# %%
prevalence = stats.bootstrap_over_runs(theta[run_rows], ens.run_theta, unit_groups[run_rows], n_boot=N_BOOT,
                                       seed=SEED).rename(
    columns={"group": "doc_id", "column": "topic"}).round(4)
notebook.save_table(prevalence, "topic_prevalence", RESULTS)
comparable = len(set(unit_groups)) > 1
test = stats.permutation_test(theta, unit_groups, n_perm=N_PERM, seed=SEED) if comparable else None
test

# %%
plots.plot_group_profiles(prevalence, labels, topic_labels, "mean topic proportion (95% interval over units and seeds)",
                          group="doc_id", item="topic")

# %%
fig = plots.plot_unit_heatmap(theta, unit_table["doc_id"], labels,
                              list(topics.topic_column_names(topic_labels).values()), unit_name=UNIT[:-1])
outputs.save_figure(fig, "02_topic_flow", FIGURES,
                    "Topic proportions along each article, unit by unit in reading order.")
fig

# %% [markdown]
# ## 8. Topic prevalence and the metadata (as stm's `estimateEffect`)
# Each topic's proportion in a unit is modelled on its document's metadata: the group (here each article is
# its own group; on a corpus with `metadata.csv` or table columns, the outlet or any `group`) and, when the
# documents are dated, a smooth trend in time (a restricted cubic spline). The uncertainty is the method of
# composition: for each of the `N_RUNS` runs of the ensemble the model is refitted and its coefficients
# drawn from their sampling distribution, so the intervals carry the disagreement between runs as well as
# the regression's error (`effects.composition_effects`). Units are independent here (one document per group);
# with several documents per group they are clustered by document. p-values are Holm-adjusted over the
# whole table. Like the intervals above, the regressions use the units the runs were fitted on.

# %%
dates = cu.loading.doc_dates(CORPUS)  # None when the documents carry no dates
topic_design = effects.design(unit_table["doc_id"].iloc[run_rows], groups, dates)
topic_effects, topic_trends = effects.composition_effects(
    ens.run_theta, topic_design, [str(t) for t in range(1, K + 1)], n_sims=N_SIMS, seed=SEED)
notebook.save_table(topic_effects.round(4), "topic_effects", RESULTS)
notebook.save_table(topic_trends.round(4), "topic_trends", RESULTS)
print(topic_design.note or f"terms: {', '.join(topic_design.terms)}")
topic_effects.round(3).drop(columns=["uncertainty"])

# %%
names = {str(t): lab for t, lab in topic_labels.items()}
fig = plots.plot_effects(topic_effects, names, labels, "difference in topic proportion")
outputs.save_figure(fig, "02_topic_effects", FIGURES, "Effect of the metadata on each topic's proportion: each group "
                    "against the reference (and the change over time when dated), 95% intervals by the method of "
                    "composition over the ensemble's runs; filled: holds after Holm's correction.")
fig

# %%
fig = plots.plot_trends(topic_trends, names, labels, "expected topic proportion")
outputs.save_figure(fig, "02_topic_trends", FIGURES, "Expected topic proportion over time by group, with 95% bands by "
                    "the method of composition (drawn when the documents are dated).")
fig

# %% [markdown] tags=["seed-prose"]
# On the seeds the documents carry no dates, so no trend is drawn (the figure says so), and every interval
# of an article against the first includes zero: the model agrees with the permutation test above (asserted
# below).

# %%
if SEEDS_RUN:
    assert topic_trends.empty and (topic_effects["p_holm"] > 0.05).all(), topic_effects

# %% [markdown]
# ## 9. What the topics do and do not tell us
# Every number below is computed in this run; the assertions above hold the claims to them.

# %%
best = scores.set_index(["unit", "k"]).loc[(UNIT, K)]
share = picks.set_index(["unit", "k"]).loc[(UNIT, K), "share"]
print(f"Chosen: {K} topics on {len(unit_table)} {UNIT}, picked in {share:.0%} of seed resamples; "
      f"sweep means c_v {best['c_v_mean']:.3f}, c_npmi {best['c_npmi_mean']:.3f}, "
      f"stability {best['stability_mean']:.2f}, exclusivity {best['exclusivity_mean']:.2f}.")
print(f"Consensus of {N_RUNS} runs: every topic recurs in at least {robustness['recurrence'].min():.0%} of runs; "
      f"ARI with independent consensuses {min(consensus_ari, default=float('nan')):.2f}-"
      f"{max(consensus_ari, default=float('nan')):.2f}; "
      f"single runs {ens.run_ari():.2f}.")
print(f"Article identity: NMI {article_nmi:.2f}.")
if test:
    print(f"Difference in topic mix between the compared groups: eta squared {test['eta_squared']:.2f}, "
          f"permutation p {test['p_value']:.4f}.")

# %% [markdown] tags=["seed-prose"]
# What we see: each article gives each topic between two fifths and three fifths of its paragraphs, and the
# permutation test finds no difference in topic mix beyond chance (p printed above, asserted below): on this
# evidence the articles do not differ in *what* they talk about at the level a topic model can see.

# %%
if SEEDS_RUN and test:
    assert test["p_value"] > 0.05, test

# %% [markdown] tags=["seed-prose"]
# * **What holds for any seed.** The unit and K (the rule wins nearly every resample of seeds), the consensus
#   topics and their labels (independent consensuses agree, ARI at least 0.7), every topic's recurrence in
#   most single runs, and the findings below: each is asserted in this notebook, so a rerun with another
#   `SEED` either confirms it or stops.
# * **What the topics are.** Two broad themes shared by all three articles: joint regional institutions and
#   cross-border measures (the SCO, transparency, capacity), and security sector reform and its evaluation
#   (progress, external evaluation, international organisations). They are distinct (no shared top-10 term
#   by relevance) and not a proxy for the article (NMI near 0).
# * **What they do not show.** A difference between the articles: their topic mixes are alike within
#   the intervals, which now carry the variation between seeds as well as between units. Finer themes
#   (three or more topics) do not recur across seeds on three articles. The earlier single-seed model's
#   "articles differ" result did not survive a change of seed and is withdrawn.
# * **Limits.** Three articles by one site, written with AI help (notebook 01); 183 paragraphs of templated
#   prose. Intervals resample paragraphs as if independent within an article. Frame words found in most
#   sections are outside the inductive model's vocabulary (section 1); the seeded model is where frames and
#   topics meet, and it agrees only weakly with the reference frames; notebook 03 measures framing directly.

# %%
notebook.resume()  # this cell runs whether or not a topic model was fitted
outputs.write_manifest(FIGURES, "02-topic-model")

# %%
from importlib.metadata import version

for package in ["gensim", "tomotopy", "pyLDAvis", "pandas", "numpy", "scipy", "scikit-learn", "matplotlib"]:
    print(f"{package}=={version(package)}")
