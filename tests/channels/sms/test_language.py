"""Replies in the resident's language: read from the text, else their last language."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from intake.language import detect
from intake.runtime import Runtime
from tests.channels.sms.conftest import text
from tests.channels.sms.helpers import contributions, reference_in, reply_of

NUMBER = "+32470444555"


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("Ik zou graag meer bomen zien in het park", "nl"),
        ("Wij willen een speeltuin voor de kinderen", "nl"),
        ("Je voudrais plus d'arbres dans le parc, merci", "fr"),
        ("Il faut une aire de jeux pour les enfants", "fr"),
        ("I would like more trees in the park", "en"),
        ("Please add benches for the elderly", "en"),
        ("Ça serait génial", "fr"),
    ],
)
def test_the_language_is_read_from_common_words(body: str, language: str) -> None:
    assert detect(body) == language


@pytest.mark.parametrize("body", ["DEMO", "ok", "Bomen!", "🌳🌳🌳", "Больше деревьев", "12 34"])
def test_short_or_unknown_texts_give_no_language(body: str) -> None:
    assert detect(body) is None


@pytest.mark.parametrize(
    ("body", "language", "opening"),
    [
        ("DEMO Ik wil graag een hondenweide in het park", "nl", "Bedankt!"),
        ("DEMO Je voudrais un espace pour les chiens dans le parc", "fr", "Merci !"),
        ("DEMO I would like a dog park with a fence", "en", "Thank you!"),
    ],
)
def test_the_reply_speaks_the_language_of_the_text(
    sms_client: FlaskClient, sms_runtime: Runtime, body: str, language: str, opening: str
) -> None:
    reply = reply_of(text(sms_client, body))
    assert reply and reply.startswith(opening)
    assert contributions(sms_runtime)[0].language == language


def test_a_short_text_is_answered_in_the_senders_last_language(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    reference_in(reply_of(text(sms_client, "DEMO Je voudrais plus de bancs", number=NUMBER)))
    reply = reply_of(text(sms_client, "Bancs!", number=NUMBER))
    assert reply and reply.startswith("Merci !")
    assert [c.language for c in contributions(sms_runtime)] == ["fr", "fr"]
    fresh = reply_of(text(sms_client, "Bancs!", number="+32470999888"))
    assert fresh and fresh.startswith("Bedankt!")


def test_the_last_language_follows_the_resident_when_they_switch(
    sms_client: FlaskClient, sms_runtime: Runtime
) -> None:
    texts = [
        ("DEMO Je voudrais plus de bancs dans le parc", "Merci !"),
        ("DEMO Ik wil graag meer bomen in het park", "Bedankt!"),
        ("Bomen!", "Bedankt!"),  # too short to tell: the language just used
        ("I would like a dog park with a fence", "Thank you!"),
        ("Dogs!", "Thank you!"),
        ("STATUT", "Envoyez STATUT"),  # a French command word: French from now on
        ("Bancs!", "Merci !"),
    ]
    for body, opening in texts:
        reply = reply_of(text(sms_client, body, number=NUMBER))
        assert reply and reply.startswith(opening), (body, reply)
    languages = [c.language for c in contributions(sms_runtime)]
    assert languages == ["fr", "nl", "nl", "en", "en", "fr"]
