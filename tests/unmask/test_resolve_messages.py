"""What users read when a shortened link cannot be followed: plain words in both languages,
never the resolver's code (review 9, finding 15a)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

import server.unmask
from server.unmask import RESOLVE_ERRORS, LinkResolver, describe_resolve_error

_SOURCE = Path(server.unmask.__file__).read_text(encoding="utf-8")
PRODUCED = sorted(set(re.findall(r'"(resolve_[a-z_]+)"', _SOURCE)))


def test_every_code_the_resolver_can_produce_has_words():
    assert {
        "resolve_failed",
        "resolve_timeout",
        "resolve_forbidden_address",
        "resolve_dns_failed",
        "resolve_too_many_hops",
    } <= set(PRODUCED)
    assert set(PRODUCED) <= set(RESOLVE_ERRORS)


@pytest.mark.parametrize("code", PRODUCED)
def test_words_are_plain_and_in_both_languages(code):
    vi, en = describe_resolve_error(code)
    for text in (vi, en):
        assert text and "_" not in text and "resolve" not in text
    assert vi != en
    assert re.search(
        r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", vi
    ), vi  # Vietnamese with its diacritics
    assert en.isascii()


def test_unknown_code_gets_the_general_words():
    assert describe_resolve_error("resolve_something_new") == RESOLVE_ERRORS["resolve_failed"]


def test_dns_failure_has_its_own_code():
    def no_dns(host, port, **kw):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    res = LinkResolver(resolver=no_dns).resolve("https://bit.ly/abc")
    assert res.error == "resolve_dns_failed"
    assert describe_resolve_error(res.error)[0] == "không tìm thấy tên miền"
    res = LinkResolver(resolver=lambda *a, **k: []).resolve("https://bit.ly/abc")
    assert res.error == "resolve_dns_failed"
