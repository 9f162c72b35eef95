"""Split the pages of one file into forms by their QR codes."""

from __future__ import annotations

from ocr.reader import result as r


def group_pages(pages: list[r.PageRead]) -> list[r.FormRead]:
    """Group consecutive pages of one form (a repeated page starts a copy) or of one letter."""
    forms: list[r.FormRead] = []
    for page in pages:
        current = forms[-1] if forms else None
        if page.qr is None:
            if current is not None and current.qr is None:
                current.pages.append(page)
            else:
                forms.append(r.FormRead(None, [page]))
            continue
        if (
            current is not None
            and current.qr is not None
            and current.qr.form_key == page.qr.form_key
            and current.qr.pages == page.qr.pages
            and all(p.qr is not None and p.qr.page != page.qr.page for p in current.pages)
        ):
            current.pages.append(page)
        else:
            forms.append(r.FormRead(page.qr, [page]))
    for form in forms:
        form.pages.sort(key=lambda p: p.qr.page if p.qr else p.index)
        if form.qr is not None:
            form.qr = form.pages[0].qr
        form.reasons = _reasons(form)
    return forms


def _reasons(form: r.FormRead) -> list[str]:
    """Collect the pages' reasons, plus missing pages of a form."""
    reasons: list[str] = []
    for page in form.pages:
        reasons.extend(reason for reason in page.reasons if reason not in reasons)
    if form.qr is not None and len(form.pages) != form.qr.pages:
        reasons.append(r.MISSING_PAGES)
    # A box ticked twice on page 2 tells more than doubtful handwriting on page 1.
    order = {reason: n for n, reason in enumerate(r.FIELD_REASONS, start=1)}
    return sorted(reasons, key=lambda reason: order.get(reason, 0))
