"""The thank-you page, rendered once per consultation, language and kind, then filled in."""

from __future__ import annotations

import secrets

from flask import g, render_template, request

from intake.models import Consultation, ConsultationText

# Stands in for the reference while a page is rendered: hex digits pass HTML escaping and
# URL quoting unchanged, and a random string cannot occur in a consultation's texts.
_SLOT = "ref" + secrets.token_hex(12)
MOST_PAGES = 256
_pages: dict[tuple[object, ...], str] = {}


def thanks_page(
    consultation: Consultation,
    reference: str,
    *,
    contact: str | None,
    kiosk: bool,
    stay: bool,
    return_seconds: int,
    said: str | None = None,
) -> str:
    """Return the thank-you page for `reference`.

    Every resident of a consultation gets the same page but for the reference, and Jinja
    takes longer to render it than the rest of the request takes to store the text; so
    each variant is rendered once and the reference filled in. The page may therefore
    depend on nothing but the key below (no CSRF token, nothing from the session). The
    page with a form for the SMS code carries a token, so it is rendered each time.
    """
    texts = consultation.text_in(g.language)
    if contact == "code" or said is not None:
        return _render(consultation, texts, reference, contact, kiosk, stay, return_seconds, said)
    key = (
        consultation.id,
        consultation.slug,
        texts.language,
        texts.title,
        texts.question,
        texts.description,
        g.language,
        contact,
        kiosk,
        stay,
        return_seconds,
        request.script_root,
    )
    page = _pages.get(key)
    if page is None:
        if len(_pages) >= MOST_PAGES:  # texts edited many times: start again
            _pages.clear()
        page = _pages[key] = _render(
            consultation, texts, _SLOT, contact, kiosk, stay, return_seconds, None
        )
    return page.replace(_SLOT, reference)


def _render(
    consultation: Consultation,
    texts: ConsultationText,
    reference: str,
    contact: str | None,
    kiosk: bool,
    stay: bool,
    return_seconds: int,
    said: str | None,
) -> str:
    return render_template(
        "web/thanks.html",
        reference=reference,
        texts=texts,
        contact=contact,
        kiosk=kiosk,
        stay=stay,
        slug=consultation.slug,
        kiosk_return_seconds=return_seconds,
        said=said,
    )
