"""What a resident wrote, without the history and signatures mail programs add."""

from __future__ import annotations

import pytest

from channels.email.cleaning import html_to_text, without_history


@pytest.mark.parametrize(
    "header",
    [
        "On Wed, 2 Dec 2026 at 10:00, Gemeente Inspraak <inspraak@gemeente.be> wrote:",
        "Op wo 2 dec. 2026 om 10:00 schreef Gemeente Inspraak <inspraak@gemeente.be>:",
        "Le mer. 2 déc. 2026 à 10:00, Gemeente Inspraak <inspraak@gemeente.be> a écrit :",
        "-----Original Message-----",
        "Van: Gemeente Inspraak <inspraak@gemeente.be>",
    ],
)
def test_the_quoted_mail_is_cut_at_its_header(header: str) -> None:
    text = f"Ja, graag.\n\n{header}\nBedankt voor uw e-mail.\nUw code is K7M-4PQ.\n"
    assert without_history(text) == "Ja, graag."


def test_a_header_wrapped_over_two_lines_is_recognised() -> None:
    text = (
        "Oui.\n\nLe mer. 2 déc. 2026 à 10:00, Gemeente Inspraak\n<inspraak@gemeente.be> a écrit :\n"
    )
    assert without_history(text) == "Oui."


def test_quote_marks_signatures_and_sent_from_lines_are_left_out() -> None:
    text = (
        "> eerdere tekst\nMijn antwoord.\n>> nog ouder\nTweede regel.\n\n"
        "Envoyé de mon iPhone\nSent from my Galaxy\n-- \nAn Peeters\n0470 11 11 11\n"
    )
    assert without_history(text) == "Mijn antwoord.\nTweede regel."


def test_html_gives_the_visible_text_only() -> None:
    markup = (
        "<p>Een <a href='https://x.example'>link</a>&nbsp;en tekst</p>"
        "<script>document.write('nee')</script><style>p{}</style><br>Regel twee"
    )
    assert html_to_text(markup) == "Een link en tekst\n\nRegel twee"
