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
# # 04 · Figures: the publication set, drawn from the tidy tables
#
# **Question.** What are the analysis's key results, in one consistent set of figures that anyone can
# regenerate without retraining anything?
#
# **Inputs.** Only tables: `results/*.csv` written by notebooks 01–03, the labels in the corpus's
# `metadata.csv`, and the reference coding (AI runs) in `VALIDATION`. No model is fitted here.
#
# **Outputs.** `figures/fig01_*` to `figures/fig11_*`, each as PNG and SVG, drawn with the plotting
# functions of `corpus_utils.plots` (the same ones the analysis notebooks show inline) in the suite's one
# style (`corpus_utils/data/corpus.mplstyle`: Okabe–Ito colours plus hatches and markers, so the figures
# read in greyscale and for colour-blind readers); and `figures/MANIFEST.csv` rows for them.

# %% tags=["parameters"]
CORPUS = "../seeds"
OUTDIR = ".."
CACHE_DIR = "../.cache"  # the parsed corpus is kept here (keyed by its files and the code)
VALIDATION = "../validation/blind"
SEED = 42
TOP_TERMS = 10
Q = 0.05  # false-discovery rate: cells and ties with q below it are marked

# %%

import pandas as pd
from IPython.display import display

import corpus_utils as cu
from corpus_utils import actors, framing, notebook, outputs, plots, topics, validation

FIGURES, RESULTS = notebook.setup(OUTDIR, CORPUS, CACHE_DIR)
labels = cu.doc_labels(CORPUS)
groups = cu.comparison_groups(CORPUS)  # the articles here; metadata groups on a corpus of many documents
names = ["corpus_sections", "actor_mentions", "k_selection", "topic_terms", "topic_prevalence", "frames_by_section",
         "frames_by_article", "keyness", "topic_frame_association", "actor_ties", "confusion"]
table = {name: pd.read_csv(RESULTS / f"{name}.csv") for name in names if (RESULTS / f"{name}.csv").exists()}
missing = [name for name in names if name not in table]  # sections an earlier notebook skipped (it says why)
print(f"not written for this corpus: {', '.join(missing)}" if missing else "every table is present")
topic_labels = topics.topic_labels_of(table["topic_terms"]) if "topic_terms" in table else {}
pd.Series({name: len(t) for name, t in table.items()}, name="rows").to_frame()

# %% [markdown]
# ## Figure 1 · The corpus

# %%
fig = plots.plot_section_lengths(table["corpus_sections"], labels, groups)
outputs.save_figure(fig, "fig01_corpus_overview", FIGURES,
                    "Words per section in reading order, one panel per article (dashed: median).")
fig

# %% [markdown]
# ## Figure 2 · Choosing the topic model: the K rule's criteria and how often it wins

# %%
notebook.skip_from_here("" if "topic_terms" in table else "notebook 02 fitted no topic model on this corpus",
                        remove=[FIGURES / f"fig0{i}_{n}.{f}" for i, n in ((2, "k_selection"), (3, "topic_terms"),
                                (4, "topic_prevalence")) for f in outputs.FORMATS])

# %%
sweep = table["k_selection"]
by = ("unit", "k") if "unit" in sweep else ("k",)
selection = topics.select_model(sweep, by=by, seed=SEED)
fig = plots.plot_k_selection(topics.summarise_sweep(sweep, by=by), selection["choice"], picks=selection["picks"])
outputs.save_figure(fig, "fig02_k_selection", FIGURES,
                    "The K rule's criteria against K (coherence c_v and c_npmi, stability across seeds, "
                    f"exclusivity): mean and range over {sweep['seed'].nunique()} seeds; the circle marks the "
                    "chosen unit and K. Last panels: how often the rule picks each candidate when the seeds are "
                    "resampled (1,000 resamples of all seeds, and of five).")
fig

# %% [markdown]
# ## Figure 3 · The topics

# %%
fig = plots.plot_topic_terms(table["topic_terms"], n=TOP_TERMS)
outputs.save_figure(fig, "fig03_topic_terms", FIGURES,
                    "Top terms of each consensus topic, ranked by relevance (lambda 0.6); bars show P(term | topic).")
fig

# %% [markdown]
# ## Figure 4 · Topics across the articles

# %%
fig = plots.plot_group_profiles(table["topic_prevalence"], labels, topic_labels,
                                "mean topic proportion (95% interval over units and seeds)", group="doc_id",
                                item="topic")
outputs.save_figure(fig, "fig04_topic_prevalence", FIGURES,
                    "Mean topic proportion per article with 95% intervals over units and seeds.")
fig

# %% [markdown]
# ## Figure 5 · Frame profiles

# %%
notebook.resume()  # the frame figures do not need the topics
frames = framing.frame_names()
frame_index = {i + 1: f for i, f in enumerate(frames)}
profiles = table["frames_by_article"].assign(number=lambda d: d["frame"].map({f: i for i, f in frame_index.items()}))
fig = plots.plot_group_profiles(profiles, labels, frame_index, "mean indicator hits per 100 words (95% bootstrap "
                                "interval)", group="doc_id", item="number")
outputs.save_figure(fig, "fig05_frame_profiles", FIGURES,
                    "Dictionary frame scores per article: mean over sections with 95% bootstrap intervals.")
fig

# %% [markdown]
# ## Figure 6 · What the sections do: framing functions

# %%
by_section = table["frames_by_section"]
unit_groups = by_section["doc_id"].map(groups).to_numpy()
coding = validation.load_coding(VALIDATION, by_section)  # None for a corpus without a reference coding
gold = coding["adjudicated"] if coding else None
sources = {"dictionary": by_section["function"]}
if gold is not None:
    sources["reference coding"] = gold["function"]
fig = plots.plot_function_mix(framing.function_mix(unit_groups, sources, labels), {})
outputs.save_figure(fig, "fig06_function_mix", FIGURES,
                    "Share of each article's sections per framing function, by the dictionary and by the "
                    "blind reference coding (two coders and an adjudicator, all independent runs of an AI model; "
                    "no person coded).")
fig

# %% [markdown]
# ## Figure 7 · Keyness

# %%
if len(table["keyness"]):
    fig = plots.plot_keyness(table["keyness"], labels, n=TOP_TERMS)
    outputs.save_figure(fig, "fig07_keyness", FIGURES,
                        "Most distinctive terms of each article against the others (signed log-likelihood G2).")
    display(fig)
else:
    print("one group of documents: no keyness comparison")

# %% [markdown]
# ## Figure 8 · Actors named together

# %%
notebook.skip_from_here("" if "actor_ties" in table else "notebook 03 found no actor to tie",
                        remove=[FIGURES / f"fig08_actor_network.{f}" for f in outputs.FORMATS])

# %%
nodes = actors.group_nodes(table["actor_mentions"], groups)
fig = plots.plot_group_networks(nodes, table["actor_ties"], labels, Q, seed=SEED)
outputs.save_figure(fig, "fig08_actor_network", FIGURES,
                    "Actors named in the same section, per article: node size = sections naming the actor, edge "
                    "width = Jaccard weight (sections naming both / naming either); dashed = the tie rests on one "
                    "section; dark = more co-mentions than a permutation null keeping each section's number of "
                    f"actors (BH q < {Q}).")
fig

# %% [markdown]
# ## Figure 9 · Topics and frames

# %%
notebook.resume()
notebook.skip_from_here("" if "topic_frame_association" in table else "notebook 02 fitted no topic model on this "
                        "corpus", remove=[FIGURES / f"fig09_topic_frame_heatmap.{f}" for f in outputs.FORMATS])

# %%
assoc, survives = framing.association_matrix(table["topic_frame_association"], Q)
fig = plots.plot_heatmap(assoc, "frame (dictionary score)", "topic (LDA proportion)", "Spearman correlation",
                         marks=survives)
outputs.save_figure(fig, "fig09_topic_frame_heatmap", FIGURES,
                    "Spearman correlation over sections between topic proportions and dictionary frame scores; "
                    f"* = survives the Benjamini-Hochberg correction over all topic x frame pairs (q < {Q}).")
fig

# %% [markdown]
# ## Figures 10 and 11 · The dictionary against the reference coding (made by AI runs, no person; see notebook 03)

# %%
notebook.resume()  # the validation figures do not need the topics
if "confusion" in table:  # built by notebook 03 (from the reference coding, when the corpus has one)
    confusion = validation.confusion_matrix(table["confusion"], "primary_frame")
    fig = plots.plot_heatmap(confusion, "dictionary", "reference coding", "sections", diverging=False, fmt="{:.0f}")
    outputs.save_figure(fig, "fig10_confusion_frames", FIGURES,
                        "Primary frame per section: blind reference coding by AI runs, no person (rows), against "
                        "the dictionary (in-sample).")
    display(fig)
    confusion = validation.confusion_matrix(table["confusion"], "function")
    fig = plots.plot_heatmap(confusion, "dictionary", "reference coding", "sections", diverging=False, fmt="{:.0f}")
    outputs.save_figure(fig, "fig11_confusion_functions", FIGURES,
                        "Framing function per section: blind reference coding by AI runs, no person (rows), "
                        "against the dictionary (in-sample).")
    display(fig)
else:
    print("no reference coding for this corpus: validation figures skipped")

# %% [markdown]
# ## The figures this notebook wrote
# Every file in `figures/` is listed in `figures/MANIFEST.csv` with its sha256, the notebook that writes it
# and its caption; these are this notebook's rows.

# %%
outputs.write_manifest(FIGURES, "04-figures")

# %% [markdown] tags=["seed-prose"]
# What the figures show is discussed in notebooks 02 and 03 and summarised in the README; this notebook
# only draws them. Limits: the figures inherit every limit of the analyses (three articles, small
# samples, a dictionary validated in-sample against a reference coding made by AI runs), and the vector
# files use the DejaVu Sans font that ships with matplotlib, drawn as paths so they look the same everywhere.

# %%
from importlib.metadata import version

for package in ["matplotlib", "pandas", "networkx", "numpy"]:
    print(f"{package}=={version(package)}")
