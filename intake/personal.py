"""Which parts of a contribution are personal data: the one list the whole core goes by.

A name or a way to reach someone is personal wherever it sits: in the contribution's own
columns (`author_name`, the contributor's address), in its answers (a paper form's `name`
field, the helper of an assisted entry) or in the evidence (the crop of that field). Such
parts are left out of exports without personal data, shown to staff only in the audited
"show personal data" view, cleared by the retention rules and erased with the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Answer and form field names that hold a name or a contact. A field can also say so
# itself with `"personal": true` (printed forms flag their fields in their layout).
PERSONAL_FIELDS = frozenset(
    {"name", "author_name", "contact", "email", "phone", "address", "helper"}
)
# Where the fields a scanned or printed form read are kept inside `answers`.
FORM_FIELDS = "fields"


def is_personal(name: str, value: Any = None) -> bool:
    """Tell whether an answer or form field holds personal data."""
    flagged = isinstance(value, Mapping) and value.get("personal") is True
    return flagged or name in PERSONAL_FIELDS


def without_personal(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the answers with every personal field left out."""
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        if key == FORM_FIELDS and isinstance(value, Mapping):
            kept[key] = {n: v for n, v in value.items() if not is_personal(n, v)}
        elif not is_personal(key, value):
            kept[key] = value
    return kept


def only_personal(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return just the personal fields of the answers (form fields by their own name)."""
    found: dict[str, Any] = {}
    for key, value in answers.items():
        if key == FORM_FIELDS and isinstance(value, Mapping):
            found.update({n: v for n, v in value.items() if is_personal(n, v)})
        elif is_personal(key, value):
            found[key] = value
    return found


def is_personal_evidence(details: Mapping[str, Any]) -> bool:
    """Tell whether an attachment is the image of a personal field (a name's crop)."""
    field = details.get("field")
    return details.get("personal") is True or (isinstance(field, str) and field in PERSONAL_FIELDS)
