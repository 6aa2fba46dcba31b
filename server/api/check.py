"""``/api/v1/check`` and ``/api/v1/check/batch``."""

from __future__ import annotations

from urllib.parse import parse_qsl

import orjson
from flask import Response, current_app, request

from ..errors import ApiError
from ..limits import limit
from .blueprint import bp
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


@bp.route("/check/batch", methods=["POST"])
@limit("RATELIMIT_BATCH")
def check_batch() -> Response:
    """Check up to BATCH_MAX URLs; results in input order, a bad item gets its own error."""
    urls = parse_body(BatchRequest).urls
    most = current_app.config["BATCH_MAX"]
    if len(urls) > most:
        raise ApiError(
            400, "batch_too_large", "Mỗi lần chỉ kiểm tra tối đa {most} liên kết.", most=most
        )
    svc, language = service(), lang()
    answers = svc.check_json_many(urls, language, orjson.dumps)
    # each answer is the single check's serialised response (shared with its cache), joined
    # as it is in one copy (the body of a big batch is megabytes); an item's error is
    # serialised here
    parts = [a if isinstance(a, bytes) else orjson.dumps(a) for a in answers]
    head, tail = b'{"results":[', b'],"lists_version":%d}' % svc.checker().version
    if parts:
        parts[0] = head + parts[0]
        parts[-1] += tail
    else:
        parts = [head + tail]
    return json_response(None, raw=b",".join(parts))
