"""The phone menu's TwiML: short spoken sentences in the caller's language, then `<Record>`."""

from __future__ import annotations

from collections.abc import Sequence

from twilio.twiml.voice_response import Gather, VoiceResponse

from intake.i18n import N_, using_language
from intake.i18n import gettext as _
from intake.models import ClosedQuestion, Consultation
from intake.references import spoken

# Belgian voices where Twilio has one (Google's nl-BE, Polly's fr-BE); English is British.
VOICES = {
    "nl": ("Google.nl-BE-Wavenet-A", "nl-BE"),
    "fr": ("Polly.Isabelle-Neural", "fr-BE"),
    "en": ("Polly.Amy-Neural", "en-GB"),
}
MAX_RECORDING_SECONDS = 180
# A spoken answer to a closed question is a word or two.
ANSWER_SECONDS = 5
ANSWER_SILENCE_SECONDS = 3
GATHER_TIMEOUT_SECONDS = 6
# Twilio stops recording after this much silence, so a caller who walks away is not billed.
SILENCE_TIMEOUT_SECONDS = 10


def say(target: VoiceResponse | Gather, language: str, *sentences: str) -> None:
    """Speak each sentence with the language's voice."""
    voice, code = VOICES.get(language, VOICES["nl"])
    for sentence in sentences:
        target.say(sentence, voice=voice, language=code)


def language_menu(action: str, fallback: str) -> VoiceResponse:
    """Greet and ask for a language; silence falls through to `fallback` (Dutch)."""
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=action, timeout=GATHER_TIMEOUT_SECONDS)
    with using_language("nl"):
        say(gather, "nl", _("Welkom bij Inspraak, de telefoonlijn van de gemeente."))
    for language, option in (
        ("nl", N_("Voor Nederlands, druk 1.")),
        ("fr", N_("Voor Frans, druk 2.")),
        ("en", N_("Voor Engels, druk 3.")),
    ):
        with using_language(language):
            say(gather, language, _(option))
    response.redirect(fallback)
    return response


def consultation_menu(
    language: str, consultations: Sequence[Consultation], action: str, again: str, *, retry: bool
) -> VoiceResponse:
    """Ask which consultation the caller wants to speak about, by its digit."""
    response = VoiceResponse()
    with using_language(language):
        gather = response.gather(num_digits=1, action=action, timeout=GATHER_TIMEOUT_SECONDS)
        if retry:
            say(gather, language, _("Die keuze bestaat niet."))
        say(gather, language, _("Over welk onderwerp wilt u iets zeggen?"))
        for consultation in consultations:
            title = consultation.text_in(language).title
            say(gather, language, _("Voor %(title)s, druk %(digit)s.", title=title,
                                    digit=consultation.phone_digit))  # fmt: skip
    response.redirect(again)
    return response


def question_and_record(
    language: str, consultation: Consultation, action: str, callback: str
) -> VoiceResponse:
    """Read the question, ask consent, and record the answer until # or the time limit."""
    texts = consultation.text_in(language)
    response = VoiceResponse()
    with using_language(language):
        say(
            response,
            language,
            _("Het onderwerp is: %(title)s.", title=texts.title),
            texts.question,
            _("Wij nemen uw antwoord op. De gemeente gebruikt het alleen voor deze inspraak."),
            _(
                "Spreek na de toon. U hebt %(minutes)s minuten. Druk op hekje als u klaar bent.",
                minutes=MAX_RECORDING_SECONDS // 60,
            ),
        )
        _record(response, language, action, callback)
    return response


def record_only(language: str, action: str, callback: str) -> VoiceResponse:
    """Record a message without reading a question: the menu needs the database, now away."""
    response = VoiceResponse()
    with using_language(language):
        say(
            response,
            language,
            _("Vertel ons wat u de gemeente wilt zeggen."),
            _("Wij nemen uw antwoord op. De gemeente gebruikt het alleen voor deze inspraak."),
            _(
                "Spreek na de toon. U hebt %(minutes)s minuten. Druk op hekje als u klaar bent.",
                minutes=MAX_RECORDING_SECONDS // 60,
            ),
        )
        _record(response, language, action, callback)
    return response


def _record(response: VoiceResponse, language: str, action: str, callback: str) -> None:
    response.record(
        action=action,
        method="POST",
        max_length=MAX_RECORDING_SECONDS,
        timeout=SILENCE_TIMEOUT_SECONDS,
        finish_on_key="#",
        play_beep=True,
        recording_status_callback=callback,
        recording_status_callback_method="POST",
        recording_status_callback_event="completed absent",
    )
    # <Record> falls through to here only when nothing was recorded.
    say(response, language, _("We hebben niets gehoord. U kunt altijd opnieuw bellen."))
    say(response, language, _("Tot ziens."))
    response.hangup()


def thanks(language: str, reference: str) -> VoiceResponse:
    """Thank the caller and read the reference character by character, twice."""
    response = VoiceResponse()
    letters = spoken(reference)
    with using_language(language):
        say(
            response,
            language,
            _("Bedankt. Wij hebben uw bericht goed ontvangen."),
            _("Uw referentie is: %(reference)s.", reference=letters),
            _("Nog een keer: %(reference)s.", reference=letters),
            _("Met die referentie volgt u uw bericht op de website van de gemeente."),
            _("Tot ziens."),
        )
    response.hangup()
    return response


def ask(
    language: str,
    question: ClosedQuestion,
    place: tuple[int, int],
    urls: tuple[str, str, str],
    *,
    first: bool,
    retry: bool,
) -> VoiceResponse:
    """Read a closed question with a key per option; no key: record a spoken answer.

    `place` is the question's number and how many there are; `urls` are where a key goes,
    where the spoken answer goes, and where silence goes.
    """
    on_key, on_speech, on_silence = urls
    response = VoiceResponse()
    with using_language(language):
        gather = response.gather(
            input="dtmf", num_digits=1, action=on_key, timeout=GATHER_TIMEOUT_SECONDS
        )
        if first:
            say(gather, language, _("Bedankt voor uw bericht. Nu nog enkele korte vragen."))
        if retry:
            say(gather, language, _("Dat hebben we niet begrepen."))
        say(
            gather,
            language,
            _("Vraag %(number)s van %(total)s.", number=place[0], total=place[1]),
            question.text_in(language),
        )
        for key, label in question.labels_in(language):
            say(gather, language, _("Voor %(title)s, druk %(digit)s.", title=label, digit=key))
        if not question.required:
            say(gather, language, _("Overslaan? Druk op sterretje."))
        say(response, language, _("U mag uw antwoord ook zeggen, na de toon."))
        response.record(
            action=on_speech,
            method="POST",
            max_length=ANSWER_SECONDS,
            timeout=ANSWER_SILENCE_SECONDS,
            finish_on_key="#",
            play_beep=True,
        )
    # <Record> falls through to here only when nothing was said.
    response.redirect(on_silence)
    return response


def kept(language: str) -> VoiceResponse:
    """Thank the caller for a message kept until the database is back: no reference yet."""
    response = VoiceResponse()
    with using_language(language):
        say(
            response,
            language,
            _("Bedankt. Wij hebben uw bericht goed ontvangen."),
            _("Tot ziens."),
        )
    response.hangup()
    return response


def goodbye(language: str, reason: str) -> VoiceResponse:
    """Say why the call ends here (a message marked with N_), then hang up."""
    response = VoiceResponse()
    with using_language(language):
        say(response, language, _(reason), _("Bedankt voor uw oproep. Tot ziens."))
    response.hangup()
    return response


def too_many_calls(window: str) -> VoiceResponse:
    """Tell a caller over the call limit, in every language (none was chosen yet); hang up."""
    if window == "hour":
        reason = N_("U belde het afgelopen uur al vaak. Probeer het later opnieuw.")
    else:
        reason = N_("U belde vandaag al vaak. Probeer het morgen opnieuw.")
    response = VoiceResponse()
    for language in VOICES:
        with using_language(language):
            say(response, language, _(reason))
    response.hangup()
    return response


def reject() -> VoiceResponse:
    """Refuse the call before it is answered: the caller hears it is busy; nobody pays."""
    response = VoiceResponse()
    response.reject(reason="busy")
    return response
