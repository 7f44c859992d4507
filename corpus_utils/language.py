"""Language: is a text English (the language of the suite's lemmas, stopwords, gazetteer and codebook), and if
not, which language is it? simplemma's English lexicon and jusText's stopword lists ship in their wheels:
nothing is downloaded."""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import unicodedata
from importlib import resources
from typing import Any

ENGLISH_MIN_SHARE = 0.7  # share of sampled words an English lexicon knows: English news and the seeds score >= 0.96
MIN_WORDS = 30  # texts shorter than this are not judged: too few words to tell languages apart
SAMPLE_CHARS = 4000  # a text is judged on its opening (about 600 words): enough, and fast on 100,000 files
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def languages() -> dict[str, tuple[str, str]]:
    """Candidate languages from ``data/languages.csv``: code -> (name, script)."""
    text = resources.files("corpus_utils.data").joinpath("languages.csv").read_text(encoding="utf-8")
    return {row["code"]: (row["name"], row["script"]) for row in csv.DictReader(text.splitlines())}


@functools.cache
def _detector(codes: tuple[str, ...]) -> Any:
    """A simplemma language detector for ``codes``, built once (loading a lexicon takes about a second)."""
    from simplemma import LanguageDetector
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory(cache_max_size=len(codes))
    return LanguageDetector(lang=codes, lemmatization_strategy=_Remembered(DefaultStrategy(dictionary_factory=factory)))


class _Remembered:
    """A simplemma lemmatization strategy that looks each (word, language) up once: the same answers as the
    strategy it wraps (which is deterministic), without searching again for a word that recurs in many files."""

    def __init__(self, strategy: Any) -> None:
        self.get_lemma = functools.lru_cache(maxsize=1 << 18)(strategy.get_lemma)


@functools.cache
def stopwords(code: str) -> frozenset[str]:
    """jusText's stopword list of a language of ``languages()`` (a few hundred of its most common words)."""
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist(languages()[code][0]))


def english_share(text: str) -> float:
    """Share of the text's most common words that simplemma's English lexicon knows (1.0 for English prose)."""
    return float(_detector(("en",)).proportion_in_target_languages(text))


def script(text: str) -> str:
    """The writing system most letters of ``text`` belong to ("Latin", "Cyrillic", "Greek", "Arabic", ...)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return "none"
    best = max(sorted(counts), key=lambda k: counts[k])
    return {"CJK": "Han"}.get(best, best.title())


def detect_language(text: str) -> tuple[str, str]:
    """(code, name) of the language of ``languages()`` in the text's script whose stopword list covers most of
    its words (the first listed on a tie), or ("", "<script> script") when none covers any.

    Stopword lists, not lexicons: a lexicon holds about 100 MB in memory and takes a second to load, so naming
    the languages of a large corpus's foreign files with them would hold gigabytes (English is still judged
    on simplemma's lexicon, in ``english_share``)."""
    writing = script(text)
    candidates = [code for code, (_, s) in languages().items() if s == writing]
    if not candidates:
        return "", f"{writing} script"
    words = [w.lower() for w in _WORD.findall(text)]
    shares = {code: sum(w in stopwords(code) for w in words) / max(len(words), 1) for code in candidates}
    code = max(candidates, key=lambda c: (shares[c], -candidates.index(c)))
    return (code, languages()[code][0]) if shares[code] > 0 else ("", f"{writing} script")


def non_english(text: str) -> tuple[str, str]:
    """(language, reason) when ``text`` cannot go through the English pipeline; ("", "") when it is English
    or too short to judge. Judged on the opening ``SAMPLE_CHARS`` characters; verdicts are kept per text."""
    sample = text[:SAMPLE_CHARS]
    digest = hashlib.sha1(sample.encode("utf-8")).hexdigest()
    if digest not in _VERDICTS:
        _VERDICTS[digest] = _judge(sample)
    return _VERDICTS[digest]


_VERDICTS: dict[str, tuple[str, str]] = {}  # sample digest -> verdict: a file read again is not judged again


def _judge(text: str) -> tuple[str, str]:
    """The verdict of ``non_english`` on one sample."""
    if len(_WORD.findall(text)) < MIN_WORDS:
        return "", ""
    share = english_share(text)
    if share >= ENGLISH_MIN_SHARE:
        return "", ""
    code, name = detect_language(text)
    label = f"{name} ({code})" if code else name
    return label, (f"written in {label}, not English (the English lexicon knows {share:.0%} of its common "
                   "words): the suite's lemmas, stopwords, gazetteer and codebook are English, so it is not "
                   "analysed")
