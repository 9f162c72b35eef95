"""The web channel's blueprint, and the allowance a shared kiosk gets over one browser."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("web", __name__, template_folder="templates")
# Everyone at a kiosk shares its network address: it may send more, though still not a flood.
KIOSK_RATE_FACTOR = 6
