"""The English catalogue (``server/locale/en/LC_MESSAGES/messages.po``, see ``server/i18n.py``):
every message the web layer raises is written once in Vietnamese and translated there.

Extraction is Babel's own (the keywords of ``babel.cfg``), so what the test checks is what a
translator's tooling sees."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from server.errors import ApiError
from server.i18n import CATALOGUE, english, render
from server.refusals import Refused

SERVER = Path(__file__).resolve().parents[2] / "server"
KEYWORDS = {
    "ApiError": (3,),
    "Refused": (3,),
    "json_error": (3,),
    "BackupError": (1,),
    "Refusal": (2,),
    "FieldRefused": (2,),
    "N_": None,
}
RAISERS = {"ApiError", "Refused", "json_error", "BackupError", "Refusal", "FieldRefused"}


def _extracted() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SERVER), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"server/{filename}:{lineno}")
    return found


def _catalogue() -> dict[str, str]:
    with CATALOGUE.open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_raised_message_has_its_english_with_the_same_placeholders() -> None:
    extracted, catalogue = _extracted(), _catalogue()
    assert len(extracted) > 10  # the extraction sees the code
    missing = {m: where for m, where in extracted.items() if not catalogue.get(m)}
    assert not missing, f"not in {CATALOGUE.name}: {missing}"
    for message in extracted:
        assert _fields(message) == _fields(catalogue[message]), message
        assert catalogue[message] != message, f"untranslated: {message}"


def test_the_catalogue_has_no_stale_entries() -> None:
    stale = set(_catalogue()) - set(_extracted())
    assert not stale, f"no longer in the code: {sorted(stale)}"


def test_no_literal_english_pairs_left_in_the_web_layer() -> None:
    """A raised message is Vietnamese only; a second literal (English) argument means a
    message kept out of the catalogue."""
    pairs = []
    for path in SERVER.rglob("*.py"):
        if "core" in path.relative_to(SERVER).parts:
            continue  # the pure core keeps its own table (server/core/messages.py)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in RAISERS
                and len(node.args) >= 4
                and isinstance(node.args[3], ast.Constant | ast.JoinedStr)
            ):
                pairs.append(f"{path.relative_to(SERVER)}:{node.lineno}")
    assert not pairs, pairs


def test_messages_render_in_both_languages_with_their_values() -> None:
    err = ApiError(404, "not_found", "Không có mục chờ duyệt số {entry_id}.", entry_id=7)
    assert err.message == "Không có mục chờ duyệt số 7."
    assert err.message_en == "No pending entry 7."
    refused = Refused(403, "forbidden", "Chỉ quản trị viên mới làm được việc này.")
    assert refused.message_en == "Only administrators may do this."
    assert str(refused) == "403 forbidden: Only administrators may do this."
    # passed through from the core, which has its own pair
    passed = ApiError(400, "invalid_url", "Liên kết sai.", "Bad link.")
    assert (passed.message, passed.message_en) == ("Liên kết sai.", "Bad link.")
    assert english("Câu chưa dịch.") == "Câu chưa dịch."  # unknown: Vietnamese, never an error
    assert render("{n} quy tắc", True, {"n": 3}) == "3 quy tắc"
