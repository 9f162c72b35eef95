"""Printable paper forms: what they ask, where each field sits, and the PDF itself."""

from ocr.forms.layout import FieldLayout, FormLayout, Rect
from ocr.forms.render import form_layout, render_form_pdf
from ocr.forms.spec import FormSpec, PageId

__all__ = [
    "FieldLayout",
    "FormLayout",
    "FormSpec",
    "PageId",
    "Rect",
    "form_layout",
    "render_form_pdf",
]
