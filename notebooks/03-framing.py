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
# # 03 · Framing: how does each article frame security, and where do they differ?
#
# **Question.** Framing is selecting some aspects of a reality and making them salient (Entman 1993).
# Which frames does each article make salient, what does each section *do* (describe, diagnose, prescribe,
# assess), which words and actors set the articles apart, how much of them is shared template, and does
# the measurement agree with a careful reading of every section?
#
# **Inputs.** The corpus in `CORPUS`; the codebook `corpus_utils/data/codebook.yaml`; the topic
# proportions `results/doc_topics.csv` and labels `results/topic_terms.csv` written by notebook 02; the blind
# reference coding in `VALIDATION` (two independent runs of an AI model and an AI adjudicator; no person coded).
#
# **Outputs.** `results/frames_by_section.csv`, `results/frames_by_article.csv`, `results/keyness.csv`,
# `results/topic_frame_association.csv`, `results/actor_ties.csv`, `results/validation.csv`, `results/confusion.csv`,
# `results/frame_effects.csv`, `results/frame_trends.csv`; figures `03_frame_flow`, `03_frame_effects`,
# `03_frame_trends`, `03_actor_salience`, `03_formula_share` (PNG and SVG). Notebook 04 draws the publication
# versions of the other figures shown here from these tables.
#
# **Method.** A dictionary codebook scores every section; sections are aggregated to articles with block
# bootstrap intervals and permutation tests corrected for the number of tests; the dictionary is then
# audited indicator by indicator and validated against a blind reference coding of all sections made by
# AI runs, not people, in-sample and out-of-sample (Grimmer & Stewart 2013: validate, validate, validate).

# %% tags=["parameters"]
CORPUS = "../seeds"
OUTDIR = ".."
CACHE_DIR = "../.cache"  # the parsed corpus, tokens and actor mentions kept by 01 and 02 (keyed by their inputs)
VALIDATION = "../validation/blind"
OLD_VALIDATION = "../validation/earlier"  # the earlier, unblinded coding (article labels shown)
CODINGS = ""  # people's codings (notebook 05); "" = validation/ for the seed corpus, OUTDIR/validation for another
BLOCK = 3  # neighbouring sections resampled together
Q = 0.05  # false-discovery rate for every family of tests
SEED = 42
N_BOOT = 2000
N_PERM = 2000
MAX_SIMILAR_DOCS = 2000  # a larger corpus seeks near-identical sentence pairs within a seeded sample of documents
MAX_TIE_UNITS = 300  # a group with more sections naming an actor tests its ties on a seeded sample of this many
NGRAM = 4
SIMILARITY = 0.5
TOP_TERMS = 10

# %%
from pathlib import Path

import pandas as pd
from IPython.display import display

import corpus_utils as cu
from corpus_utils import actors, audit, effects, framing, notebook, outputs, plots, stats, tokens, topics, validation
from corpus_utils import coding as coder_files

FIGURES, RESULTS = notebook.setup(OUTDIR, CORPUS, CACHE_DIR)
SEEDS_RUN = notebook.is_seed_corpus(CORPUS)
FRAMES = framing.frame_names()
FUNCTIONS = framing.function_names()

# %% [markdown]
# ## 1. The codebook
# Nine substantive frames, each with a definition, indicator lemmas and phrases, and an example sentence.
# Indicators are matched on the same lemmas as the topic model uses (longest phrase first, no overlaps).
# **They were written after reading the three seed texts** (some are names found only in them), so an
# accuracy measured on the seed sections is in-sample; section 8 measures what generalises.

# %%
framing.codebook_table()

# %% [markdown]
# Four framing functions, after Entman. The **body decides**: each sentence votes for the function whose
# sentence cues it holds most (prescriptive modality such as *should, must, need to* for remedy; diagnosis
# such as *obstacle, hinder, lack* for problem; assessment of outcomes for evaluation; history and
# composition for background). A sentence with no cue describes and adds half a vote to background; a cue in
# the heading counts as one more sentence (the codebook's `function_rule`). Topic words that also describe
# (*strengthen, threat*) are not cues. Like the frame indicators, these cues were written after reading the
# texts. Phrases from the article titles that contain an indicator ("policy development" around
# *development*) do not count as evidence for a frame (`audit.title_ngrams`).

# %%
pd.DataFrame([{"function": name, "definition": f["definition"], "heading cues": ", ".join(f["heading_cues"]),
               "sentence cues": ", ".join(f["sentence_cues"])}
              for name, f in framing.load_codebook()["functions"].items()])

# %% [markdown]
# ## 2. Section scores
# Each frame's score is its indicator hits per 100 words of the section (heading included), so long and
# short sections are comparable. The primary frame is the highest score; the function the highest
# function score (votes per sentence); `body_function` is what the body alone decides.

# %%
sections = cu.load_corpus(CORPUS)
labels = cu.doc_labels(CORPUS)
groups = cu.comparison_groups(CORPUS)  # the articles here; metadata groups on a corpus of many documents
coding = validation.load_coding(VALIDATION, sections)  # None for a corpus without a reference coding
gold = coding["adjudicated"] if coding else None
masked = audit.title_ngrams(sections.groupby("doc_id", sort=False)["title"].first())
print("title n-grams that do not count as evidence:", masked)
scores = framing.frame_scores(sections, masked=masked)
functions = framing.function_scores(sections)
by_section = pd.concat([sections[["doc_id", "section", "heading"]], scores,
                        functions[["function", "body_function"]]], axis=1)
notebook.save_table(by_section, "frames_by_section", RESULTS)
by_section.head(6)

# %%
fig = plots.plot_unit_heatmap(scores[FRAMES].to_numpy(), sections["doc_id"], labels, FRAMES,
                              value_label="indicator hits per 100 words", vmax=None)
outputs.save_figure(fig, "03_frame_flow", FIGURES, "Dictionary frame scores along each article, section by section.")
fig

# %%
fired = (scores[FRAMES] > 0).mean().sort_values(ascending=False)
print("share of sections where each frame's indicators fire:", fired.round(2).to_dict())

# %% [markdown] tags=["seed-prose"]
# What we see: the most widespread frame's vocabulary fires in most sections (printed above); the others
# come in bursts of one or two sections.

# %% [markdown]
# ## 3. Article profiles
# Mean frame score per article with 95% **block bootstrap** intervals (runs of `BLOCK` neighbouring sections
# resampled together within each article, so dependence between neighbours widens the interval), a
# permutation test of whether the profiles differ at all (eta squared: share of the variance between
# articles), and, per article and frame, the difference from the other articles with a two-sided permutation
# p-value, adjusted over all article x frame tests (Benjamini-Hochberg `q_value` and Holm `p_holm`).

# %%
unit_groups = sections["doc_id"].map(groups).to_numpy()
comparable = len(set(unit_groups)) > 1
values = scores[FRAMES].to_numpy()
profile = stats.block_bootstrap_group_means(values, unit_groups, block=BLOCK, n_boot=N_BOOT, seed=SEED)
profile["column"] = [FRAMES[c - 1] for c in profile["column"]]
frame_test = stats.permutation_test(values, unit_groups, n_perm=N_PERM, seed=SEED) if comparable else None
frame_test

# %%
frame_index = {i + 1: f for i, f in enumerate(FRAMES)}
plots.plot_group_profiles(profile.assign(column=profile["column"].map({f: i for i, f in frame_index.items()})),
                          labels, frame_index, "mean indicator hits per 100 words (95% block bootstrap interval)")

# %%
names = {"group": "doc_id", "column": "frame"}
by_article = profile.rename(columns=names)
if comparable:
    distinct = stats.distinguishing(values, unit_groups, FRAMES, n_perm=N_PERM, seed=SEED).rename(columns=names)
    distinct["q_value"] = stats.benjamini_hochberg(distinct["p_value"])
    distinct["p_holm"] = stats.holm(distinct["p_value"])
    by_article = by_article.merge(distinct[["doc_id", "frame", "mean_others", "diff", "p_value", "q_value",
                                            "p_holm"]], on=["doc_id", "frame"])
by_article = by_article.round(4)
notebook.save_table(by_article, "frames_by_article", RESULTS)
if comparable:
    survivors = by_article[by_article["q_value"] < Q].sort_values("q_value")
    print(f"{len(survivors)} of {len(by_article)} article x frame differences survive the correction (q < {Q}); "
          f"{int((by_article['p_value'] < 0.05).sum())} had p < 0.05 before it")
    display(survivors.assign(article=survivors["doc_id"].map(labels))[
        ["article", "frame", "mean", "mean_others", "diff", "p_value", "q_value", "p_holm"]])

# %% [markdown]
# What we see: the overall test says whether the articles' profiles differ at all; the table lists the
# article x frame differences that survive the false-discovery correction, with their rates (hits per 100
# words) in the article and in the other articles. A difference that is large but rests on a few sections can
# fail the correction: whether it is detectable depends on how much the frame varies between sections.

# %% [markdown]
# **Frames and the metadata** (as stm's `estimateEffect`, with a bootstrap). Each section's frame scores
# modelled on its document's group and, when the documents are dated, a smooth trend in time (restricted
# cubic spline); intervals from `N_BOOT` refits on resamples of documents within their group (of sections,
# independently, when each group is one article, as here: narrower than the block bootstrap above);
# p-values Holm-adjusted over the table (`effects.bootstrap_effects`).

# %%
dates = cu.loading.doc_dates(CORPUS)  # None when the documents carry no dates
frame_design = effects.design(sections["doc_id"], groups, dates)
frame_effects, frame_trends = effects.bootstrap_effects(values, frame_design, FRAMES, n_boot=N_BOOT, seed=SEED)
notebook.save_table(frame_effects.round(4), "frame_effects", RESULTS)
notebook.save_table(frame_trends.round(4), "frame_trends", RESULTS)
print(frame_design.note or f"terms: {', '.join(frame_design.terms)}")
held = frame_effects[frame_effects["p_holm"] < Q]
print(f"{len(held)} of {len(frame_effects)} effects hold after Holm's correction (p < {Q})")
held.round(3).drop(columns=["uncertainty"])

# %%
fig = plots.plot_effects(frame_effects, {}, labels, "difference in indicator hits per 100 words")
outputs.save_figure(fig, "03_frame_effects", FIGURES, "Effect of the metadata on each frame's score: each group "
                    "against the reference (and the change over time when dated), 95% bootstrap intervals; filled: "
                    "holds after Holm's correction.")
fig

# %%
fig = plots.plot_trends(frame_trends, {}, labels, "expected hits per 100 words")
outputs.save_figure(fig, "03_frame_trends", FIGURES, "Expected frame score over time by group, 95% bootstrap bands "
                    "(drawn when the documents are dated).")
fig

# %% [markdown] tags=["seed-prose"]
# On the seeds (no dates, so no trend: the figure says so) the model points the same way as the permutation
# tests above for every article x frame difference that survived them (asserted below): where an article
# stands out on a frame, its contrast with the reference article has the same sign, or, for the reference
# article itself, both other articles' contrasts have the opposite sign. Its intervals treat sections as
# independent, so it finds a few more differences than the block bootstrap; read those with its caution.

# %%
if SEEDS_RUN:
    reference = frame_design.levels[0]
    for row in by_article[by_article["p_holm"] < Q].itertuples():
        estimates = frame_effects[frame_effects["outcome"] == row.frame].set_index("group")["estimate"]
        sign = 1 if row.diff > 0 else -1
        same_way = (sign * estimates < 0).all() if row.doc_id == reference else sign * estimates[row.doc_id] > 0
        assert same_way, (row.doc_id, row.frame, estimates.to_dict())

# %% [markdown]
# **Function mix.** What the sections of each article do, by the dictionary and, where the corpus has one, by
# the reference coding (read here ahead of its validation in section 8; for the seeds it was made by AI runs,
# not people):

# %%
sources = {"dictionary": functions["function"]}
if gold is not None:
    sources["reference coding"] = gold["function"]
mix = framing.function_mix(unit_groups, sources, labels)
display(plots.plot_function_mix(mix, {}))
mix.round(2)

# %% [markdown] tags=["seed-prose"]
# The two sources agree on most sections but not all (section 8 measures by how much, in and out of
# sample), so where they differ the function profile of each article is read from the reference-coding rows.

# %% [markdown]
# ## 4. Keyness: the words that set each article apart
# Each article against the other articles, on content lemmas with phrases (general stopwords removed, corpus
# stopwords kept, since they are what we compare): the signed Rayson-Garside log-likelihood G2 and
# Hardie's log ratio (`corpus_utils.keyness`), a Benjamini-Hochberg q-value over all the terms of the
# article, and Gries' DP, the dispersion of the term over the article's sections (near 1: one section
# carries it). The figure hatches terms whose q-value is at least `Q`.

# %%
content = tokens.tokenize_units(sections["text"], max_df=1.0, cache_dir=CACHE_DIR).tokens
keyness_table = framing.group_keyness(content, unit_groups).round(4)
notebook.save_table(keyness_table, "keyness", RESULTS)
plots.plot_keyness(keyness_table, labels, n=TOP_TERMS) if comparable else "one group: nothing to compare"

# %%
if comparable:
    top_key = keyness_table[keyness_table["g2"] > 0].groupby("doc_id", sort=False).head(TOP_TERMS)
    summary = top_key.groupby("doc_id", sort=False).agg(
        terms_tested=("term", lambda t: int((keyness_table["doc_id"] == t.name).sum())),
        top_surviving=("q_value", lambda q: int((q < Q).sum())),
        top_concentrated=("dp", lambda d: int((d >= 0.8).sum())))
    display(summary.rename(index=labels))
    display(top_key.assign(article=top_key["doc_id"].map(labels))[
        ["article", "term", "freq_target", "g2", "q_value", "dp"]].head(2 * TOP_TERMS))

# %% [markdown]
# What we see, per article: how many terms were tested, how many of the top terms survive the correction,
# and how many of them are concentrated in one section (DP at least 0.8): such a term marks a section, not
# the article.

# %% [markdown]
# ## 5. Actors
# Mentions per 1,000 words by actor type (gazetteer of notebook 01; demonyms counted as the state), and a
# network of actors named in the same section, drawn per article. Tie weights are normalised (Jaccard:
# sections naming both / sections naming either), and each tie is compared with a permutation null that
# redraws the article's section x actor table keeping how many actors each section names and how many
# sections name each actor (curveball algorithm): a section that lists many actors creates many ties under
# the null too. One-sided p-values, Benjamini-Hochberg q-values over each article's ties.

# %%
mentions = actors.actor_mentions(sections, cache_dir=CACHE_DIR)
words = sections.groupby(unit_groups)["n_words"].sum().to_dict()
salience = actors.actor_salience(mentions.assign(doc_id=mentions["doc_id"].map(groups)), words)
fig = plots.plot_actor_salience(salience, labels)
outputs.save_figure(fig, "03_actor_salience", FIGURES, "Actor mentions per 1,000 words by actor type, per article.")
fig

# %%
graph = actors.cooccurrence_graph(mentions)
ties = actors.tie_sources(mentions)
group_ties = actors.group_ties(mentions, groups, N_PERM // 2, SEED, max_units=MAX_TIE_UNITS)
sampled = actors.naming_units(mentions, groups) > MAX_TIE_UNITS
if sampled.any():
    print(f"ties of {int(sampled.sum())} groups counted on a seeded sample of {MAX_TIE_UNITS} of their sections "
          "that name an actor (MAX_TIE_UNITS)")
notebook.save_table(group_ties, "actor_ties", RESULTS)
plots.plot_group_networks(actors.group_nodes(mentions, groups), group_ties, labels, Q, seed=SEED)

# %%
naming = mentions.groupby(["doc_id", "section"]).ngroups
print(f"pooled: {graph.number_of_nodes()} actors, {graph.number_of_edges()} ties; {naming} of {len(sections)} "
      f"sections name an actor; {int((ties['weight'] == 1).sum())} ties rest on a single section, "
      f"{int(ties['from_largest'].sum())} of them on the one section that names the most actors")
tie_summary = group_ties.groupby("group", sort=False).agg(
    ties=("sections", "size"), single_section=("single_section", "sum"),
    p_below_05=("p_value", lambda p: int((p < 0.05).sum())), q_below_Q=("q_value", lambda q: int((q < Q).sum())))
display(tie_summary.rename(index=labels))
single = group_ties[group_ties["single_section"]]
print("ties that rest on a single section:", "; ".join(
    f"{labels.get(g, g)}: " + ", ".join(f"{actors.short_name(a)}-{actors.short_name(b)}"
                                         for a, b in zip(part["actor_a"], part["actor_b"], strict=True))
    for g, part in single.groupby("group", sort=False)))
group_ties.sort_values("p_value").head(8)

# %% [markdown] tags=["seed-prose"]
# What we see: in every article half or more of the ties rest on a single section (dashed in the figure; the list above
# names them), and once each section's number of actors is held fixed no tie is named together more often
# than chance after the correction (the table counts them; the strongest, at the bottom, are pairs of
# Central Asian states listed together). The networks show which actors are named together, not a
# structure of relations between them.

# %% [markdown]
# ## 6. Shared language: formula versus each article's own wording
# Texts from one site may share templates. We count word 4-grams that recur across
# articles and the share of each article's words covered by them, and list near-identical sentence pairs
# (Jaccard similarity of word 3-shingles of at least `SIMILARITY`).

# %%
doc_words = framing.DocWords(sections)  # each document's words, computed when needed
ngrams = framing.shared_ngrams(doc_words, n=NGRAM, top=12)
share = framing.formula_share(doc_words, n=NGRAM)
share = framing.pool_shares(share, groups)
share.assign(article=[labels.get(g, g) for g in share["doc_id"]])

# %%
ngrams

# %%
fig = plots.plot_formula_share(share, labels)
outputs.save_figure(fig, "03_formula_share", FIGURES,
                    f"Share of each article's words inside word {NGRAM}-grams shared with another article.")
fig

# %%
similar = framing.similar_sentences(framing.DocTexts(sections), threshold=SIMILARITY, max_docs=MAX_SIMILAR_DOCS,
                                    seed=SEED)
if len(doc_words) > MAX_SIMILAR_DOCS:
    print(f"sentence pairs sought within a seeded sample of {MAX_SIMILAR_DOCS} of {len(doc_words):,} documents")
print(f"{len(similar)} sentence pairs across articles with similarity >= {SIMILARITY}; formula share per "
      f"article {share['formula_share'].min():.2f}-{share['formula_share'].max():.2f}")
similar.head(5)

# %% [markdown] tags=["seed-prose"]
# What we see: stock phrases recur across articles and cover the share of each article's words printed
# above; near-identical sentence pairs across articles are counted above. The articles may share a
# template of structure (headings, short sections, closing summaries) more than of text.

# %% [markdown]
# ## 7. Frames meet topics
# Spearman correlation, over sections, between the topic proportions of notebook 02 (read from
# `results/doc_topics.csv`; paragraph-level proportions are averaged per section) and the frame scores,
# with two-sided p-values and Benjamini-Hochberg q-values over all topic x frame pairs. Starred cells in the
# heatmap survive the correction (q < `Q`).

# %% tags=["after-02"]
# (tag: the runner starts this notebook beside 02; this cell, the first that reads 02's tables, waits for 02 to end)
notebook.skip_from_here("" if (RESULTS / "doc_topics.csv").exists() else "notebook 02 fitted no topic model on "
                        "this corpus (its output says why)", remove=[RESULTS / "topic_frame_association.csv"])

# %%
topic_names = topics.topic_column_names(topics.topic_labels_of(pd.read_csv(RESULTS / "topic_terms.csv")))
association = framing.topic_frame_association(pd.read_csv(RESULTS / "doc_topics.csv"), by_section, FRAMES,
                                              topic_names)
notebook.save_table(association.round(4), "topic_frame_association", RESULTS)
assoc, significant = framing.association_matrix(association, Q)
plots.plot_heatmap(assoc, "frame (dictionary score)", "topic (LDA proportion)", "Spearman correlation",
                   marks=significant)

# %%
print(f"{int(significant.to_numpy().sum())} of {significant.size} topic x frame correlations survive the "
      f"false-discovery correction (smallest q = {association['q_value'].min():.3f})")
association.sort_values("p_value").head(4).round(3)

# %% [markdown] tags=["seed-prose"]
# With two topics whose proportions sum to one, the two rows mirror each other (and Benjamini-Hochberg
# q-values are unchanged by the duplication). Only the starred correlations are evidence of a link between
# an inductive topic and a deductive frame; the others describe this corpus and are not claimed.

# %% [markdown]
# ## 8. Validation

# %% [markdown] tags=["seed-prose"]
# **The reference coding and who made it.** Every section was coded blind: in a packet that shuffles the
# sections under opaque codes and hides which article each comes from (`validation/blind/coding_packet.md`),
# with a primary frame (or *none / other*), a function (or *none / other*) and a 0-3 salience rating for
# each of the nine frames. **The two coders and the adjudicator were independent runs of an AI model, not
# people**: each saw only the packet (and the adjudicator only the disagreements), never the code, the
# indicators, any score or each other's work. Two runs of one model make correlated judgements, so their
# agreement is an upper bound on what two human coders would reach; a human coding is the next step.

# %%
notebook.resume()  # validation does not need the topics
if coding is None:
    print(f"no reference coding in {Path(VALIDATION).name}/ for this corpus: validation is skipped, not faked")
agreement = validation.agreement_table({k: coding[k] for k in ("coder_a", "coder_b")}, N_BOOT, SEED) if coding else None
agreement

# %% [markdown] tags=["seed-prose"]
# What we see: agreement between the two AI runs with 95% bootstrap intervals over sections; Krippendorff's
# alpha is nominal for the primary frame and function and ordinal for the salience ratings (each section x
# frame rating one item). Agreement this high between two runs of one model says that the model reads the
# packet consistently, not that the codes are right.

# %%
old = validation.load_coding(OLD_VALIDATION, sections, names=("adjudicated",)) if coding else None
if old:
    blind_vs_open = {col: round(float((old["adjudicated"][col] == gold[col]).mean()), 3)
                     for col in ("primary_frame", "function")}
    print("blind reference against the earlier coding that showed article labels (share of sections with the "
          f"same code): {blind_vs_open}")

# %% [markdown]
# **Every coder, people included.** The coding form of notebook 05 saves each person's blind coding to
# `coding_<coder>.csv` in the answers folder (`CODINGS`); every such file is read here, and rows that code
# other text (another corpus, an edited section) are set aside and counted. Below: Krippendorff's alpha among
# all coders at once (the two AI runs and every person; a coder who coded some sections counts where they
# coded), then the dictionary against each coder in turn, on the sections that coder coded, with 95%
# bootstrap intervals over sections.

# %%
people, coder_record = coder_files.people_codings(notebook.answers_folder(CODINGS, CORPUS, OUTDIR), sections)
coders = {**({"AI run A (blind)": coding["coder_a"], "AI run B (blind)": coding["coder_b"]} if coding else {}),
          **{f"{name} ({coder_files.kind_of(coder_record, name)})": table for name, table in people.items()}}
files = [f"{r.coder}: {r.used} sections, {r.set_aside} rows set aside" + (f" ({r.problem})" if r.problem else "")
         for r in coder_record.itertuples()]
print(f"coders: {len(coders)}; coding files: " + ("; ".join(files) or "none yet"))
every_coder = validation.all_coder_agreement(coders, N_BOOT, SEED) if len(coders) >= 2 else None
dictionary_vs = validation.against_each(pd.concat([scores["primary_frame"], functions["function"]], axis=1),
                                        coders, N_BOOT, SEED) if coders else None
display(every_coder, dictionary_vs)

# %% [markdown] tags=["seed-prose"]
# **What generalises.** The tuned dictionary's accuracy on these sections is in-sample, since its
# indicators were written after reading them. Beside it: (a) a frozen *definitions-only* dictionary whose
# indicators are the content words of each frame's definition, nothing read from the corpus; (b) a
# supervised classifier (logistic regression on tf-idf of the section's lemmas) trained on the reference
# coding and evaluated **leave-one-article-out** (it never sees the article it predicts); (c) the tuned
# dictionary per article. The same for the framing functions: the rebuilt sentence cues (in-sample), the
# body alone (heading ignored), the cue rule with only the words of each function's definition, and a
# logistic regression on the cue features (vote shares, heading flags) trained leave-one-article-out.
# Accuracy, macro-F1 and Cohen's kappa with 95% bootstrap intervals over sections.

# %%
if coding:
    definitions = audit.definition_indicators()
    predictions = {
        "tuned dictionary (in-sample)": scores["primary_frame"],
        "definitions-only dictionary": framing.frame_scores(sections, indicators=definitions)["primary_frame"],
        "classifier, leave one article out": validation.leave_one_group_out(
            content, gold["primary_frame"], unit_groups, lambda x, y: validation.term_classifier(x, y, seed=SEED)),
    }
    methods = validation.method_table(gold["primary_frame"], predictions, N_BOOT, SEED).assign(target="primary frame")
    per_article = audit.per_group_reports(gold["primary_frame"], scores["primary_frame"], unit_groups,
                                          lambda t, p: validation.classification_scores(t, p, N_BOOT, SEED))
    function_definitions = audit.definition_indicators("functions")
    function_predictions = {
        "function cues (in-sample)": functions["function"],
        "function cues, body only (in-sample)": functions["body_function"],
        "definitions-only function cues": framing.function_scores(
            sections, function_definitions, function_definitions)["function"],
        "cue-feature classifier, leave one article out": validation.leave_one_group_out(
            list(framing.function_feature_matrix(framing.function_features(sections))), gold["function"],
            unit_groups, lambda x, y: validation.feature_classifier(x, y, seed=SEED)),
    }
    function_report = validation.method_table(gold["function"], function_predictions, N_BOOT, SEED
                                              ).assign(target="function")
    report = pd.concat([methods, function_report], ignore_index=True)
    notebook.save_table(report, "validation", RESULTS)
    display(report)
    display(per_article.assign(article=per_article["group"].map(labels)).drop(columns="group"))

# %% [markdown] tags=["seed-prose"]
# What we see: the tuned dictionary agrees best with the reference, but that number is in-sample; what can
# be expected on new texts lies between it and the out-of-sample rows. The definitions-only dictionary shows
# how much the tuning adds; the classifier, trained on two articles only, shows that 53 sections are too few
# to learn frames from (it falls back on the commonest frame: kappa near 0). Per article, the tuned
# dictionary does best where an article's vocabulary is its frame. Functions generalise better than frames:
# the cue features carry across articles (a classifier trained on two articles predicts the third), because
# what a sentence does (prescribe, diagnose, assess) is written alike whatever it is about. The printed
# line below says how far each function result is from the 0.8 target and how often the heading changes
# the body's decision.

# %%
if coding:
    fn = report[report["target"] == "function"].set_index("method")
    print(f"function cues: kappa {fn.loc['function cues (in-sample)', 'kappa']:.2f} in-sample, "
          f"{fn.loc['function cues, body only (in-sample)', 'kappa']:.2f} from the body alone, "
          f"{fn.loc['cue-feature classifier, leave one article out', 'kappa']:.2f} out-of-sample (classifier, "
          f"95% interval {fn.loc['cue-feature classifier, leave one article out', 'kappa_low']:.2f}-"
          f"{fn.loc['cue-feature classifier, leave one article out', 'kappa_high']:.2f}); target 0.8 reached "
          f"out-of-sample: {fn.loc['cue-feature classifier, leave one article out', 'kappa'] >= 0.8}")
    changed = int((functions["function"] != functions["body_function"]).sum())
    print(f"the heading changes the body's decision in {changed} of {len(functions)} sections")

# %%
if coding:  # built once here; notebook 04 draws figures 10 and 11 from results/confusion.csv
    confusion = validation.confusion_tables(
        gold, pd.DataFrame({"primary_frame": scores["primary_frame"], "function": functions["function"]}),
        {"primary_frame": FRAMES, "function": FUNCTIONS})
    notebook.save_table(confusion, "confusion", RESULTS)
    for column in ("primary_frame", "function"):
        display(plots.plot_heatmap(validation.confusion_matrix(confusion, column), "dictionary", "reference coding",
                                   "sections", diverging=False, fmt="{:.0f}"))
else:  # no reference coding for this corpus: no confusion table of an earlier run is left for notebook 04
    (RESULTS / "confusion.csv").unlink(missing_ok=True)

# %% [markdown]
# **Scores, not only the winner.** Does each frame's dictionary score rise with the salience the coders gave
# it (mean of the two ratings)? Spearman rho over sections per frame, with q-values over the nine frames.

# %%
salience_check = validation.score_salience(scores, gold, FRAMES).round(3) if coding else None
salience_check

# %% [markdown]
# **The errors**, and which way they lean:

# %%
if coding:
    errors = gold.assign(dictionary=scores["primary_frame"].to_numpy(), heading=sections["heading"].to_numpy())
    errors = errors[errors["dictionary"] != errors["primary_frame"]]
    lean = errors["dictionary"].value_counts()
    print(f"{len(errors)} of {len(gold)} sections differ; the dictionary's code in them: {lean.to_dict()}; "
          f"sections given {lean.index[0]}: dictionary {int((scores['primary_frame'] == lean.index[0]).sum())}, "
          f"reference {int((gold['primary_frame'] == lean.index[0]).sum())}")
    display(errors.assign(article=errors["doc_id"].map(labels)).rename(columns={"primary_frame": "reference"})[
        ["article", "section", "heading", "reference", "dictionary"]])

# %% [markdown]
# **Auditing the indicators.** Every hit of every indicator with its context (keyword in context), how many
# sections it fires in, its share of its frame's hits, and its precision against the reference: the share of
# its hits in sections whose reference includes the frame (primary, or mean salience at least 2,
# "developed"). `misfires`: at least three hits and precision below one half.

# %%
hits = audit.kwic(sections, masked=masked)
indicators = audit.indicator_table(hits, sections, gold)
print(f"{len(hits)} hits of {len(indicators)} indicators; " + (
    f"{int(indicators['misfires'].sum())} flagged as misfiring" if "misfires" in indicators
    else "no reference coding, so no precision and no misfire flags"))
indicators[indicators["misfires"]] if "misfires" in indicators else indicators.head(10)

# %%
if len(indicators):  # the keyword-in-context lines of the indicator with the most hits
    display(hits[hits["indicator"] == indicators.sort_values("hits", ascending=False)["indicator"].iloc[0]].head(5))
else:
    print("no indicator of the codebook occurs in this corpus: nothing to show in context")

# %% [markdown] tags=["seed-prose"]
# What we see: the misfiring indicators are words that occur in most sections of this genre whatever the
# section is about; they inflate their frame's score everywhere. They are flagged, not removed: removing
# them after seeing the reference would tune the dictionary to the reference and make every accuracy above
# in-sample twice over.

# %%
if SEEDS_RUN:  # the prose above describes the seed corpus: fail loudly if the evidence changes
    rep = report.set_index("method")
    assert rep.loc["tuned dictionary (in-sample)", "kappa"] > rep.loc["definitions-only dictionary", "kappa"]
    assert rep.loc["classifier, leave one article out", "kappa"] < 0.2
    assert rep.loc["function cues (in-sample)", "kappa"] < rep.loc["tuned dictionary (in-sample)", "kappa"]
    assert rep.loc["definitions-only function cues", "kappa"] < rep.loc["function cues (in-sample)", "kappa"]
    assert rep.loc["cue-feature classifier, leave one article out", "kappa"] > 0.6  # functions carry over
    assert (functions["function"] == functions["body_function"]).mean() > 0.8  # the body decides
    assert frame_test["p_value"] < 0.05
    assert lean.index[0] == "regional_cooperation"
    assert indicators["misfires"].any()
    reference_mix = pd.crosstab(gold["doc_id"], gold["function"], normalize="index")
    assert reference_mix.idxmax(axis=1).tolist() == ["remedy", "background", "background"]  # README's claim
    assert int((by_article["q_value"] < Q).sum()) == 9 and len(by_article) == 27  # README's count
    assert (tie_summary["single_section"] >= tie_summary["ties"] / 2).all()  # half or more rest on one section
    assert tie_summary["q_below_Q"].sum() == 0  # no tie beats the permutation null after correction

# %% [markdown]
# ## What we found, and the limits

# %% [markdown] tags=["seed-prose"]
# * **Frames.** The articles' frame profiles differ as a whole (section 3's permutation test); the article x
#   frame differences that survive the false-discovery correction are listed there, and only those are
#   claimed. *Regional cooperation* vocabulary is the common ground of the three texts.
# * **Validation.** Against a blind reference coding made by AI runs (no person), the tuned dictionary's
#   primary frame agrees well, but in-sample; a definitions-only dictionary and a leave-one-article-out
#   classifier do much worse (section 8, with intervals). The dictionary's errors lean towards regional
#   cooperation, so article profiles overstate that frame. Function cues, rebuilt so that body sentences
#   decide, carry across articles better than frame indicators do (section 8 prints their kappa in and out
#   of sample beside the 0.8 target); where they fall short, function profiles come from the reference coding.
# * **Limits.** Three articles from one site, which themselves carry a notice that parts were generated
#   with AI help (removed as boilerplate in notebook 01): they may read alike because of how they were
#   written. A codebook written after reading them; a reference coding by runs of one AI model, not people;
#   a small number of sections per article, so only large differences are detectable.

# %%
outputs.write_manifest(FIGURES, "03-framing")

# %%
from importlib.metadata import version

for package in ["pandas", "numpy", "scipy", "networkx", "matplotlib", "simplemma", "PyYAML", "scikit-learn"]:
    print(f"{package}=={version(package)}")
