"""A deterministic language guess for en/es/de/fr by counting each language's stop words."""

from __future__ import annotations

import re

from homesec_bench.graders.normalize import norm_text


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common function words; words shared by two languages (de, la, en, que...) count for both and so cancel.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is are was were be been to of in on at for with this that it you your we our they "
        "not no yes have has had will would can could should there here from by an or but if what "
        "which who when where how all any do does did just only also than then them their its my me "
        "i"
    ),
    "es": _words(
        "el la los las de del y es son está están en un una unos unas que por para con no sí se su "
        "sus al lo le les como más pero muy ya hay ha han fue este esta estos estas eso esa ese mi "
        "tu usted nos cuando donde porque también sin sobre entre hasta desde ahora a"
    ),
    "de": _words(
        "der die das den dem des und ist sind war waren ein eine einen einem einer nicht mit von zu "
        "auf für im in an bei es sie er wir ihr ich du sich auch aber oder wenn dass noch nur schon "
        "hat haben wird werden kann können wurde bitte ja nein kein keine nach vor um über"
    ),
    "fr": _words(
        "le la les de des du un une et est sont été être en dans que qui pour par avec pas ne sur "
        "au aux il elle ils elles nous vous je tu on se ce cette ces son sa ses leur mais ou où si "
        "plus très déjà aussi comme quand oui non votre vos mon ma mes lui y a"
    ),
}
LANGUAGES = tuple(STOP_WORDS)
# Letters and endings only one of the four languages uses; each occurrence counts like a stop word.
MARKERS: dict[str, re.Pattern[str]] = {
    "es": re.compile(r"[ñ¿¡]|ción\b|ciones\b"),
    "de": re.compile(r"[ßäöü]|ung\b|ungen\b|sch"),
    "fr": re.compile(r"[çèêëîœùû]|\bà\b|eux\b|tion\b"),
    "en": re.compile(r"\b(?:th\w+|\w+ing)\b"),
}
_TOKENS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def stop_word_counts(text: str) -> dict[str, int]:
    text = norm_text(text)
    counts = {lang: len(MARKERS[lang].findall(text)) for lang in LANGUAGES}
    for token in _TOKENS.findall(text):
        # French elision ("l'alarme", "qu'il") counts its article or pronoun.
        word = token.split("'")[0].split("’")[0] if ("'" in token or "’" in token) else token
        for lang, words in STOP_WORDS.items():
            if word in words or (word != token and word + "e" in words):
                counts[lang] += 1
    return counts


def detect_language(text: str) -> str | None:
    """The language with strictly the most stop words, or None when no language leads."""
    counts = stop_word_counts(text)
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
