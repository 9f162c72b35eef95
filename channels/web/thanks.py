"""The thank-you page, rendered once per consultation, language and kind, then filled in."""

from __future__ import annotations

import secrets

from flask import g, render_template, request

from intake.models import Consultation

# Stands in for the reference while a page is rendered: hex digits pass HTML escaping and
# URL quoting unchanged, and a random string cannot occur in a consultation's texts.
_SLOT = "ref" + secrets.token_hex(12)
MOST_PAGES = 256
_pages: dict[tuple[object, ...], str] = {}


def thanks_page(
    consultation: Consultation,
    reference: str,
    *,
    contact: bool,
    kiosk: bool,
    stay: bool,
    return_seconds: int,
) -> str:
    """Return the thank-you page for `reference`.

    Every resident of a consultation gets the same page but for the reference, and Jinja
    takes longer to render it than the rest of the request takes to store the text; so
    each variant is rendered once and the reference filled in. The page may therefore
    depend on nothing but the key below (no CSRF token, nothing from the session).
    """
    texts = consultation.text_in(g.language)
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
        page = _pages[key] = render_template(
            "web/thanks.html",
            reference=_SLOT,
            texts=texts,
            contact=contact,
            kiosk=kiosk,
            stay=stay,
            slug=consultation.slug,
            kiosk_return_seconds=return_seconds,
        )
    return page.replace(_SLOT, reference)
