"""``/api/v1/check`` and ``/api/v1/check/batch``."""

from __future__ import annotations

import collections
from typing import Any
from urllib.parse import parse_qsl

import orjson
from flask import Response, current_app, request

from ..check_service import result_to_dict
from ..core import InvalidURL
from ..errors import ApiError
from ..limits import limit
from . import bp
from .http import json_response, lang, parse_body, service
from .schemas import BatchRequest, CheckRequest

_MISSING_URL = CheckRequest.refusals["url:missing"]


def _query() -> dict[str, str]:
    """The query parameters, first value of each: the standard library's ``parse_qsl`` on
    the raw query string, a third of what building ``request.args`` costs on this route."""
    out: dict[str, str] = {}
    for key, value in parse_qsl(request.environ.get("QUERY_STRING", ""), keep_blank_values=True):
        out.setdefault(key, value)
    return out


def _url_from_request(query: dict[str, str]) -> str:
    if request.method not in ("GET", "HEAD"):  # Flask answers HEAD with the GET view
        return parse_body(CheckRequest).url
    url = query.get("url")
    if url is None:
        raise ApiError(400, _MISSING_URL.code, _MISSING_URL.vi, _MISSING_URL.en)
    return url


@bp.route("/check", methods=["GET", "POST"])
@limit("RATELIMIT_CHECK")
def check() -> Response:
    """Check one URL."""
    query = _query()
    url = _url_from_request(query)
    body = service().check_json(url, lang(query.get("lang")), orjson.dumps)  # InvalidURL: 400
    return json_response(None, raw=body)


def _batch_item(
    svc: Any, url: Any, language: str, counts: collections.Counter[tuple[str, str]]
) -> dict[str, Any]:
    if not isinstance(url, str):
        return {
            "url": url,
            "error": {
                "code": "invalid_url",
                "message": (
                    "URL must be a string." if language == "en" else "Liên kết phải là chuỗi ký tự."
                ),
            },
        }
    try:
        result = svc.check(url)
    except InvalidURL as exc:
        return {"url": url, "error": {"code": exc.code, "message": exc.message_for(language)}}
    counts[result.verdict, svc.stat_key(result)] += 1
    return result_to_dict(result, language, svc.tables)


@bp.route("/check/batch", methods=["POST"])
@limit("RATELIMIT_BATCH")
def check_batch() -> Response:
    """Check up to BATCH_MAX URLs; results in input order, a bad item gets its own error."""
    urls = parse_body(BatchRequest).urls
    most = current_app.config["BATCH_MAX"]
    if len(urls) > most:
        raise ApiError(
            400,
            "batch_too_large",
            f"Mỗi lần chỉ kiểm tra tối đa {most} liên kết.",
            f"At most {most} URLs per batch.",
        )
    svc, language = service(), lang()
    svc.checker()  # refresh once for the whole batch
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    results = [_batch_item(svc, u, language, counts) for u in urls]
    for (verdict, key), n in counts.items():  # counted once per verdict and source
        svc.count(verdict, key, n)
    return json_response({"results": results, "lists_version": svc.checker().version})
