"""``/api/v1/check`` and ``/api/v1/check/batch``."""

from __future__ import annotations

from urllib.parse import parse_qsl

import orjson
from flask import Response, current_app, request

from ..core import InvalidURL
from ..errors import ApiError
from ..limits import limit
from . import bp
from .http import json_response, lang, read_json, require_object, service


def _missing_url() -> ApiError:
    return ApiError(400, "missing_url", "Thiếu tham số “url”.", "The “url” parameter is missing.")


def _query() -> dict[str, str]:
    """The query parameters, first value of each: the standard library's ``parse_qsl`` on
    the raw query string, a third of what building ``request.args`` costs on this route."""
    out: dict[str, str] = {}
    for key, value in parse_qsl(request.environ.get("QUERY_STRING", ""), keep_blank_values=True):
        out.setdefault(key, value)
    return out


def _url_from_request(query: dict[str, str]) -> str:
    if request.method in ("GET", "HEAD"):  # Flask answers HEAD with the GET view
        url = query.get("url")
    else:
        url = require_object(read_json()).get("url")
    if url is None:
        raise _missing_url()
    if not isinstance(url, str):
        raise ApiError(400, "invalid_url", "“url” phải là chuỗi ký tự.", "“url” must be a string.")
    return url


@bp.route("/check", methods=["GET", "POST"])
@limit("RATELIMIT_CHECK")
def check() -> Response:
    """Check one URL."""
    query = _query()
    url = _url_from_request(query)
    try:
        body = service().check_json(url, lang(query.get("lang")), orjson.dumps)
    except InvalidURL as exc:
        raise ApiError(400, exc.code, exc.message, exc.message_en) from None
    return json_response(None, raw=body)


@bp.route("/check/batch", methods=["POST"])
@limit("RATELIMIT_BATCH")
def check_batch() -> Response:
    """Check up to BATCH_MAX URLs; results in input order, a bad item gets its own error."""
    urls = require_object(read_json()).get("urls")
    if urls is None:
        raise ApiError(
            400, "missing_urls", "Thiếu danh sách “urls”.", "The “urls” list is missing."
        )
    if not isinstance(urls, list):
        raise ApiError(
            400,
            "invalid_urls",
            "“urls” phải là một danh sách liên kết.",
            "“urls” must be a list of links.",
        )
    most = current_app.config["BATCH_MAX"]
    if len(urls) > most:
        raise ApiError(
            400,
            "batch_too_large",
            f"Mỗi lần chỉ kiểm tra tối đa {most} liên kết.",
            f"At most {most} URLs per batch.",
        )
    svc, language = service(), lang()
    answers = svc.check_json_many(urls, language, orjson.dumps)
    # each answer is the single check's serialised response (shared with its cache)
    results = [a if isinstance(a, dict) else orjson.Fragment(a) for a in answers]
    return json_response({"results": results, "lists_version": svc.checker().version})
