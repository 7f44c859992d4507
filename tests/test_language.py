"""Language and encoding: English runs; another language is named and never goes through the English
pipeline; a legacy encoding is detected, not assumed, and a doubtful decoding is named per file."""

from __future__ import annotations

import pytest

import corpus_utils as cu
from corpus_utils import language

from .conftest import ARTICLE

GERMAN = ("Sicherheit in Zentralasien\n\nDie Sicherheit in Zentralasien hängt von der Zusammenarbeit zwischen den "
          "Staaten ab. Die Regierung hat neue Maßnahmen beschlossen, um die Grenzen zu schützen. Die Staaten der "
          "Region arbeiten seit vielen Jahren in der Organisation zusammen, aber es gibt noch viele Probleme.\n")
RUSSIAN = ("Безопасность в Центральной Азии\n\nБезопасность в Центральной Азии зависит от сотрудничества между "
           "государствами. Правительство приняло новые меры для защиты границ. Государства региона много лет "
           "работают вместе в организации, но проблем ещё много.\n")


def test_the_seed_articles_are_judged_english(seeds):
    for path in sorted(seeds.glob("*.txt")):
        assert language.non_english(path.read_text(encoding="utf-8")) == ("", ""), path.name


def test_german_and_russian_text_are_named():
    assert language.detect_language(GERMAN) == ("de", "German")
    assert language.detect_language(RUSSIAN) == ("ru", "Russian")


NEIGHBOURS = {  # close languages of one script, each a sentence with the same content
    "da": "Regeringen besluttede mandag, at grænserne til nabolandene skal åbnes igen, fordi sikkerhedssituationen "
          "er blevet bedre, og borgerne ønsker det.",
    "sv": "Regeringen beslutade i måndags att gränserna till grannländerna ska öppnas igen, eftersom säkerhetsläget "
          "har förbättrats och medborgarna vill det.",
    "nl": "De regering heeft maandag besloten dat de grenzen met de buurlanden weer open gaan, omdat de "
          "veiligheidssituatie is verbeterd en de burgers dat willen.",
    "uk": "Уряд у понеділок вирішив, що кордони з сусідніми країнами будуть знову відкриті, тому що ситуація з "
          "безпекою покращилася і громадяни цього хочуть.",
    "bg": "Правителството реши в понеделник, че границите със съседните страни ще бъдат отворени отново, защото "
          "ситуацията със сигурността се подобри и гражданите го искат.",
}


@pytest.mark.parametrize("code", sorted(NEIGHBOURS))
def test_close_languages_of_one_script_are_told_apart(code):
    assert language.detect_language(NEIGHBOURS[code])[0] == code


def test_naming_a_language_loads_no_lexicon_beyond_english():
    language._detector.cache_clear()
    for text in [GERMAN, RUSSIAN, *NEIGHBOURS.values()]:
        language.detect_language(text)
    assert language._detector.cache_info().currsize == 0  # a lexicon holds about 100 MB; stopword lists a few kB


def test_a_text_too_short_to_judge_is_not_refused():
    assert language.non_english("Die Sicherheit der Region.") == ("", "")


def test_a_german_file_is_skipped_with_a_warning_naming_the_language_and_the_rest_loads(make_corpus):
    folder = make_corpus({"good.txt": ARTICLE, "de.txt": GERMAN})
    with pytest.warns(cu.CorpusWarning, match=r"de\.txt: skipped: written in German \(de\), not English"):
        sections = cu.load_corpus(folder)
    assert set(sections["doc_id"]) == {"good"}


def test_a_corpus_in_german_stops_with_an_error_naming_the_language(make_corpus):
    folder = make_corpus({"a.txt": GERMAN, "b.txt": GERMAN.replace("Probleme", "Fragen")})
    with pytest.warns(cu.CorpusWarning), pytest.raises(cu.CorpusError, match="written in German"):
        cu.load_corpus(folder)


def test_russian_in_cp1251_is_detected_as_cp1251_not_read_as_windows_1252(make_corpus):
    folder = make_corpus({"good.txt": ARTICLE, "ru.txt": RUSSIAN.encode("cp1251")})
    row = cu.corpus_report(folder).set_index("file").loc["ru.txt"]
    assert row["encoding"] == "cp1251"
    assert "decoded as cp1251" in row["reason"] and "written in Russian (ru)" in row["reason"]


def test_a_decoding_that_other_encodings_read_differently_is_named_doubtful(make_corpus):
    text = ("Caf\u00e9 diplomacy\n\nThe minister\u2019s visit \u2013 a \u201cbreakthrough\u201d \u2013 was brief, "
            "and na\u00efve observers called it a d\u00e9tente.\n")
    folder = make_corpus({"good.txt": ARTICLE, "legacy.txt": text.encode("cp1252")})
    reason = cu.corpus_report(folder).set_index("file").loc["legacy.txt", "reason"]
    assert "decoded as Windows-1252" in reason
    assert "doubtful: cp1250" in reason  # Central European Windows reads the ï of naïve as another letter


def test_a_legacy_file_that_every_plausible_encoding_reads_alike_is_not_called_doubtful(make_corpus):
    folder = make_corpus({"good.txt": ARTICLE, "legacy.txt": "The minister\u2019s visit was brief.\n".encode("cp1252")})
    reason = cu.corpus_report(folder).set_index("file").loc["legacy.txt", "reason"]
    assert "decoded as Windows-1252" in reason and "doubtful" not in reason


def test_bytes_no_encoding_reads_with_confidence_are_skipped_not_guessed(make_corpus):
    folder = make_corpus({"good.txt": ARTICLE, "mangled.txt": b"Border \x81\x8d\x8f\x90\x9d talks"})
    with pytest.warns(cu.CorpusWarning, match=r"mangled\.txt: skipped: not decodable"):
        sections = cu.load_corpus(folder)
    assert set(sections["doc_id"]) == {"good"}


def test_the_english_share_is_simplemmas_own_share(seeds):
    from simplemma import in_target_language

    texts = [GERMAN, ARTICLE, *(p.read_text(encoding="utf-8")[:4000] for p in sorted(seeds.glob("*.txt")))]
    assert [language.english_share(t) for t in texts] == [in_target_language(t, "en") for t in texts]
