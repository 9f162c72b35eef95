"""Who may import whom: the core knows no provider, a channel knows the core and itself only.

A channel may also import the engines it feeds (`ocr`, `transcription`); the channels Twilio
carries share `channels.twilio` (its client and signature check), which is no channel and
imports the core only. Staff pages reach channels through the registry, never by import.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / "intake"
CHANNELS = ROOT / "channels"
ADMIN = ROOT / "admin"
OURS = {"intake", "channels", "admin", "transcription", "ocr"}
ENGINES = {"ocr", "transcription"}
TWILIO = "channels.twilio"
CARRIED_BY_TWILIO = {"sms", "voice"}


def _module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path) -> set[str]:
    """Return the full names of the modules `path` imports, relative imports resolved."""
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path)[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.add(".".join([*base, *(node.module or "").split(".")]).strip("."))
    return names


def _ours(path: Path) -> set[str]:
    return {name for name in _imported(path) if name.split(".")[0] in OURS}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _channel_may_import(channel: str, name: str) -> bool:
    if _within(name, "intake") or _within(name, f"channels.{channel}"):
        return True
    if name.split(".")[0] in ENGINES:
        return True
    return channel in CARRIED_BY_TWILIO and _within(name, TWILIO)


def _sources(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.py"))
    assert len(files) > 3, folder
    return files


def test_intake_imports_no_channel_or_engine() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _ours(path) if not _within(n, "intake"))
        for path in _sources(INTAKE)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_a_channel_imports_the_core_itself_and_the_engines_it_feeds_only() -> None:
    channels = sorted(p for p in CHANNELS.iterdir() if (p / "__init__.py").exists())
    assert {"sms", "voice", "telegram", "web", "paper"} <= {p.name for p in channels}
    offenders = {}
    for folder in channels:
        if folder.name == TWILIO.split(".")[1]:
            continue
        for path in _sources(folder):
            refused = sorted(n for n in _ours(path) if not _channel_may_import(folder.name, n))
            if refused:
                offenders[str(path.relative_to(ROOT))] = refused
    assert offenders == {}


def test_the_shared_twilio_package_imports_the_core_only() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in _ours(path) if not (_within(n, "intake") or _within(n, TWILIO))
        )
        for path in sorted((CHANNELS / "twilio").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_admin_imports_no_channel() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _ours(path) if _within(n, "channels"))
        for path in _sources(ADMIN)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_rule_refuses_a_channel_importing_another() -> None:
    assert not _channel_may_import("voice", "channels.sms.signature")
    assert not _channel_may_import("telegram", "channels.twilio.client")
    assert not _channel_may_import("paper", "admin.views")
    assert _channel_may_import("voice", "channels.twilio.signature")
    assert _channel_may_import("paper", "ocr.record")
    assert _channel_may_import("sms", "channels.sms.texts")
