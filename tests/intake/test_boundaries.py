"""The intake core stays provider-free: it never imports channels, admin or the engines."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"channels", "admin", "transcription", "ocr"}
INTAKE = Path(__file__).resolve().parents[2] / "intake"


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_intake_imports_no_channel_or_engine() -> None:
    files = sorted(INTAKE.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(INTAKE)): sorted(_imported_roots(path) & FORBIDDEN)
        for path in files
        if _imported_roots(path) & FORBIDDEN
    }
    assert offenders == {}
