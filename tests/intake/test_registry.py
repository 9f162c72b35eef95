"""The registry routes replies to a sender that can deliver them, and refuses muddles."""

from __future__ import annotations

import pytest

from intake.plugins import Channel, DuplicateRegistrationError, Plugin, Registry, Upload
from intake.runtime import Runtime


def _send(runtime: Runtime, address: str, body: str) -> str:
    return "id"


TEXTS = Plugin(
    name="texts",
    senders={"texts": _send},
    channels=[Channel("texts", "Sms", answers_here=True, delivers=("phone",))],
)
CALLS = Plugin(name="calls", channels=[Channel("calls", "Telefoon", addresses={"caller": "Nr"})])
FORM = Plugin(
    name="form",
    channels=[Channel("form", "Website", addresses={"phone": "Tel", "email": "Mail"})],
)


def test_a_reply_goes_back_where_it_came_or_where_the_address_leads() -> None:
    registry = Registry([TEXTS, CALLS, FORM])
    assert registry.reply_channel("texts", "phone") == "texts"
    assert registry.reply_channel("form", "phone") == "texts"
    # Nobody sends e-mail or rings back here: no reply is routed, so none is offered.
    assert registry.reply_channel("form", "email") is None
    assert registry.reply_channel("calls", "caller") is None
    assert registry.reply_channel("gone", "phone") == "texts"
    assert registry.deliverers == {"phone": "texts"}
    assert registry.address_kinds == {"caller": "Nr", "phone": "Tel", "email": "Mail"}


def test_a_channel_that_replies_needs_a_sender_and_names_are_unique() -> None:
    mute = Plugin(name="mute", channels=[Channel("mute", "Stil", delivers=("phone",))])
    with pytest.raises(TypeError, match="no sender"):
        Registry([mute])
    twin = Plugin(name="twin", channels=[Channel("calls", "Bellen")])
    with pytest.raises(DuplicateRegistrationError, match="declared twice"):
        Registry([CALLS, twin])


def test_a_reason_may_be_declared_twice_only_with_the_same_label() -> None:
    first = Plugin(name="a", reasons={"lost": "Verloren"})
    same = Plugin(name="b", reasons={"lost": "Verloren"})
    other = Plugin(name="c", reasons={"lost": "Weg"})
    assert Registry([first, same]).reasons == {"lost": "Verloren"}
    with pytest.raises(DuplicateRegistrationError, match="two labels"):
        Registry([first, other])


def test_an_upload_is_read_by_its_own_plugins_job_and_named_once() -> None:
    def queue(*_args: object) -> int:
        return 1

    def scans(kind: str) -> Upload:
        return Upload("Scans", (".pdf",), kind, queue, lambda *_: None, lambda *_: None)

    def handle(*_args: object) -> None:
        return None

    reader = Plugin(name="reader", job_handlers={"read": handle}, uploads={"scans": scans("read")})
    assert Registry([reader]).uploads["scans"].job_kind == "read"
    stray = Plugin(name="stray", uploads={"scans": scans("read")})
    with pytest.raises(TypeError, match="does not handle"):
        Registry([stray])
    again = Plugin(name="again", job_handlers={"other": handle}, uploads={"scans": scans("other")})
    with pytest.raises(DuplicateRegistrationError, match="declared twice"):
        Registry([reader, again])
