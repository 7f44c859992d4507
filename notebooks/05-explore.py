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
# # 05 · Explore and validate: the text behind every number, and coding by people
#
# **Question.** When a number in notebooks 02 and 03 looks doubtful, what text is behind it? And do people
# reading the sections agree with the dictionary and with the topic model? This notebook is for working in
# JupyterLab (`make lab`): choose a frame, a topic or a word and read the sections; code sections blind; take
# the topic model's intrusion test. Read elsewhere (nbviewer, GitHub), each view shows its first choice as a
# stored table instead of the widget.
#
# **Inputs.** The corpus in `CORPUS`; `results/frames_by_section.csv` (notebook 03), `results/topic_terms.csv`,
# `results/doc_topics.csv` and `results/topic_ensemble.json` (notebook 02); the blind reference coding in
# `REFERENCE` (made by AI runs, not people); people's codings and answers in `CODINGS`.
#
# **Outputs.** Nothing when the notebook is run headless. In JupyterLab, each answer given in the coding form
# is saved at once to `CODINGS/coding_<coder>.csv`, and each intrusion answer to `CODINGS/intrusion_<coder>.csv`.
# Notebook 03 reads every coding file it finds; this notebook scores the intrusion answers.

# %% tags=["parameters"]
CORPUS = "../seeds"
OUTDIR = ".."
CACHE_DIR = "../.cache"  # the parsed corpus is kept here (keyed by its files and the code)
REFERENCE = "../validation/blind"  # the blind reference coding (AI runs)
CODINGS = ""  # people's answers; "" = validation/ for the seed corpus, OUTDIR/validation for another corpus
SEED = 42  # seeds each coder's order of sections and the intrusion test
TOPIC_ITEMS = 10  # topic intrusion items (text units tested)
SECTIONS_SHOWN = 3

# %%
import pandas as pd
from IPython.display import display

import corpus_utils as cu
from corpus_utils import audit, coding, explore, intrusion, notebook, validation, widgets

FIGURES, RESULTS = notebook.setup(OUTDIR, CORPUS, CACHE_DIR)
ANSWERS = notebook.answers_folder(CODINGS, CORPUS, OUTDIR)
sections = cu.load_corpus(CORPUS)
labels = cu.doc_labels(CORPUS)
scores = pd.read_csv(RESULTS / "frames_by_section.csv", dtype={"doc_id": str})
explore.check_frame_results(sections, scores)  # a clear error if notebook 03 ran on other text
reference = validation.load_coding(REFERENCE, sections) or {}
people, coder_record = coding.people_codings(ANSWERS, sections)
codings = {**({"reference (AI runs, adjudicated)": reference["adjudicated"]} if reference else {}),
           **{f"{name} ({coding.kind_of(coder_record, name)})": table for name, table in people.items()}}
print(f"{len(sections)} sections of {len(labels)} articles; reference coding: "
      f"{'yes' if reference else 'none for this corpus'}; people's coding files: {len(coder_record)}")

# %% [markdown]
# ## 1. Frames: which sections carry a frame, and why the dictionary says so
# Sections ranked by the chosen frame's score (indicator hits per 100 words), the hits marked in the text, and
# every coding of the section beside it: the blind reference (AI runs) and each person's coding, labelled.

# %%
masked = audit.title_ngrams(sections.groupby("doc_id", sort=False)["title"].first())  # as notebook 03 scores
widgets.frame_explorer(scores, sections, codings, n=SECTIONS_SHOWN, masked=masked)

# %% [markdown]
# What we see: the first view is the frame with the highest mean score. A marked word is an indicator as the
# dictionary matched it (lemmas, longest phrase first), so a hit that reads wrong in context shows at once
# where the dictionary over-counts; the coding beside it says whether a reader called this frame primary.

# %% [markdown]
# ## 2. Keyword in context
# Every occurrence of a word or phrase in the original text (case-insensitive, whole words), with the words
# around it, counted by article and section. The stored view searches the first indicator of the commonest
# primary frame.

# %%
widgets.kwic_explorer(sections, explore.default_query(scores), labels)

# %% [markdown]
# ## 3. Code sections yourself (blind)
# Type a coder id (letters, digits, `_` or `-`) and start. Sections come one at a time in an order of your
# own (seeded by `SEED` and your id), without article, title or any score; the codebook's definitions are
# beside the text. Choose the primary frame and the function (*none_other* when nothing fits) and rate each
# frame's salience 0-3. **Every answer is saved at once** to `CODINGS/coding_<coder>.csv` (written to a
# temporary file and renamed, so nothing is half-written); close the browser at any time and start again
# with the same id to resume where you stopped, or go back to change an answer. Notebook 03 picks up every
# coding file and reports agreement between all coders and of the dictionary with each.

# %%
widgets.coding_form(sections, ANSWERS, SEED)

# %% [markdown]
# Codings found for this corpus (one line per file; rows coding other text, from another corpus or an
# edited section, are set aside and counted, never used or deleted):

# %%
coder_record if len(coder_record) else print("no coding file in the answers folder yet")

# %% [markdown]
# ## 4. Topics: what a topic is made of, and where it is strongest
# The chosen topic's terms ordered by relevance (λ as in notebook 02) or by FREX, and the sections with the
# highest mean proportion of the topic over their units.

# %%
notebook.skip_from_here("" if (RESULTS / "topic_ensemble.json").exists() and (RESULTS / "topic_terms.csv").exists()
                        else "notebook 02 fitted no topic model on this corpus")

# %%
terms = pd.read_csv(RESULTS / "topic_terms.csv")
doc_topics = pd.read_csv(RESULTS / "doc_topics.csv", dtype={"doc_id": str})
model = explore.saved_model(RESULTS / "topic_ensemble.json")
explore.check_topic_results(sections, doc_topics, model)  # a clear error if notebook 02 ran on other text
print(f"{model.phi.shape[0]} topics on {len(doc_topics)} units")

# %%
widgets.topic_explorer(terms, doc_topics, sections, n=SECTIONS_SHOWN)

# %% [markdown]
# ## 5. Does the topic model make sense to a reader? Intrusion tests
# After Chang et al. (2009). **Word intrusion**: a topic's five most probable words and one intruder (a word
# improbable in this topic, probable in another); if the topic is coherent, the intruder stands out.
# **Topic intrusion**: a text unit and the topics most probable in it plus one improbable intruder, each topic
# shown by its most probable words. The test is generated from the saved model with `SEED`, so everyone gets
# the same items. A model of two topics can show only two topics per item: chance is then one in two (the
# `chance` column says it for each score).

# %%
unit_ids = (doc_topics["doc_id"] + "/" + doc_topics["section"].astype(str)
            + ("/" + doc_topics["paragraph"].astype(str) if "paragraph" in doc_topics else "")).tolist()
items = (intrusion.word_items(model.phi, model.terms, SEED)
         + intrusion.topic_items(model.theta, unit_ids, SEED, n_items=TOPIC_ITEMS))
unit_text = explore.unit_texts(doc_topics, sections, cu.load_paragraphs(CORPUS))
describe = explore.topic_descriptions(model.phi, model.terms)
widgets.intrusion_form(items, describe, unit_text, ANSWERS)

# %% [markdown]
# **Scores.** Model precision per topic: the share of word intrusion answers that found the intruder (chance
# beside it). Topic log odds per tested unit: the mean of log θ(intruder) − log θ(chosen), 0 when the intruder
# is found and more negative the more probable the topic wrongly picked. Only answers to these very items count.

# %%
answers, answer_record = coding.intrusion_answers(ANSWERS)
precision = intrusion.model_precision(items, answers)
log_odds = intrusion.topic_log_odds(items, answers, model.theta)
print(f"{len(items)} items; {len(answers)} answers in {len(answer_record)} files, "
      f"{intrusion.stale_answers(items, answers)} to items of another model or seed (set aside)")
if precision.empty and log_odds.empty:
    print("no person has taken this test yet: no score to report (nothing is imputed)")
else:
    display(precision, log_odds)

# %% [markdown]
# ## What this notebook gives, and its limits
# * Every frame score, topic and word count of notebooks 02 and 03 can be traced to the sentences behind it,
#   on any corpus (`CORPUS=`); the stored tables show the first choice of each view.
# * People can code blind and take the intrusion test in the browser; their answers are saved one by one and
#   picked up by notebook 03 (agreement) and here (intrusion scores). The scores above are empty until people
#   answer: the reference coding in `REFERENCE` was made by AI runs, and no AI run's answer is counted as a
#   person's.
# * The coding form shows the heading of a section unless it repeats the article's title; a heading can still
#   hint at the article. With few topics, intrusion items have few options and chance is high: read each score
#   against its `chance` column.
