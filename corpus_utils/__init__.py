"""corpus_utils: load, clean, tokenise and analyse a small corpus of policy articles."""

from .cleaning import clean_text, normalize_text
from .errors import CorpusError, CorpusWarning, install_warning_format
from .framing import keyness
from .loading import comparison_groups, doc_labels, load_corpus, load_metadata, load_paragraphs
from .reports import cleaning_audit, corpus_report

install_warning_format()

__all__ = [
    "CorpusError",
    "CorpusWarning",
    "clean_text",
    "cleaning_audit",
    "comparison_groups",
    "corpus_report",
    "doc_labels",
    "keyness",
    "load_corpus",
    "load_metadata",
    "load_paragraphs",
    "normalize_text",
]
