"""Which typed phone numbers Inspraak may text: valid mobile numbers in the regions served."""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence

import phonenumbers
from babel import Locale
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from intake.i18n import current_language
from intake.i18n import gettext as _

# Only numbers that belong to one person's phone. Premium rate, shared cost, satellite,
# personal (forwarding), VoIP, pager and toll-free numbers are what an abuser picks to be
# paid per message or to hide; landlines cannot receive a text.
TEXTABLE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class NumberProblem(enum.Enum):
    """Why a typed number is refused."""

    INVALID = "invalid"
    NOT_TEXTABLE = "not_textable"


class NumberRefusedError(ValueError):
    """The typed number is not one Inspraak may text."""

    def __init__(self, problem: NumberProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def mobile_number(typed: str, regions: Sequence[str]) -> str:
    """Return `typed` as an E.164 number, or raise NumberRefusedError.

    A number without a country code is read as one of the first region's; the number must
    then be a valid mobile number of one of `regions`.
    """
    try:
        number = phonenumbers.parse(typed, regions[0])
    except phonenumbers.NumberParseException:
        raise NumberRefusedError(NumberProblem.INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise NumberRefusedError(NumberProblem.INVALID)
    region = phonenumbers.region_code_for_number(number)
    if region not in regions or phonenumbers.number_type(number) not in TEXTABLE:
        raise NumberRefusedError(NumberProblem.NOT_TEXTABLE)
    return str(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def region_names(regions: Sequence[str], language: str | None = None) -> str:
    """Name the regions in the reader's language: "België", "Belgique, France"."""
    return _names(tuple(regions), language or current_language())


@functools.lru_cache(maxsize=64)
def _names(regions: tuple[str, ...], language: str) -> str:
    # Every form page says it: look the names up once per language.
    locale = Locale.parse(language)
    return ", ".join(locale.territories.get(region, region) for region in regions)


def example_number(regions: Sequence[str]) -> str:
    """Return a mobile number of the first region, written the way people there write it."""
    example = phonenumbers.example_number_for_type(regions[0], PhoneNumberType.MOBILE)
    if example is None:
        return ""
    return str(phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL))


def what_we_text(regions: Sequence[str]) -> str:
    """Say, in the current language, which numbers Inspraak can text."""
    return _(
        "We sturen sms'jes alleen naar gsm-nummers uit: %(regions)s.",
        regions=region_names(regions),
    )


def refusal(problem: NumberProblem, regions: Sequence[str]) -> str:
    """Explain, in the current language, why a number was refused and what would work."""
    if problem is NumberProblem.INVALID:
        return _(
            "Dit telefoonnummer klopt niet. Schrijf het zo: %(example)s.",
            example=example_number(regions),
        )
    return _(
        "Naar dit nummer kunnen we geen sms sturen. %(which)s",
        which=what_we_text(regions),
    )
