"""Hearing a spoken closed answer with the real Korean model, restricted to the options."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transcription.speech import said_on_phone
from transcription.choices import hear_choice
from transcription.speech_models import ModelRegistry, NoModelError

LIBRARY, BICYCLE, PLAYGROUND = "도서관", "자전거", "놀이터"


@pytest.fixture(scope="module")
def said(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each word said by espeak-ng on a phone line (8 kHz WAV)."""
    folder = tmp_path_factory.mktemp("said")
    return {word: said_on_phone(word, folder) for word in (BICYCLE, PLAYGROUND)}


def test_the_option_said_is_heard(said: dict[str, Path], registry: ModelRegistry) -> None:
    heard = hear_choice(said[BICYCLE], "ko", registry, {"1": [LIBRARY], "2": [BICYCLE]})
    assert (heard.option, heard.words) == ("2", BICYCLE)
    assert heard.confidence is not None and heard.confidence >= 0.6


def test_a_word_outside_the_options_is_never_returned(
    said: dict[str, Path], registry: ModelRegistry
) -> None:
    # The model can hear "playground" when an option holds it...
    with_it = hear_choice(said[PLAYGROUND], "ko", registry, {"1": [LIBRARY], "2": [PLAYGROUND]})
    assert (with_it.option, with_it.words) == ("2", PLAYGROUND)
    # ...but restricted to other options it is no answer, neither the word nor a near option.
    without = hear_choice(said[PLAYGROUND], "ko", registry, {"1": [LIBRARY], "2": [BICYCLE]})
    assert (without.option, without.words, without.confidence) == (None, "", None)


def test_words_shared_by_two_options_answer_neither(
    said: dict[str, Path], registry: ModelRegistry
) -> None:
    options = {"1": [f"{BICYCLE} {LIBRARY}"], "2": [f"{BICYCLE} {PLAYGROUND}"]}
    heard = hear_choice(said[BICYCLE], "ko", registry, options)
    assert heard.option is None and heard.words == BICYCLE


def test_options_the_model_cannot_say_are_no_answer(
    said: dict[str, Path], registry: ModelRegistry
) -> None:
    heard = hear_choice(said[BICYCLE], "ko", registry, {"1": ["zzqx"], "2": ["qqzx"]})
    assert heard.option is None
    with pytest.raises(NoModelError):
        hear_choice(said[BICYCLE], "nl", registry, {"1": [LIBRARY]})
