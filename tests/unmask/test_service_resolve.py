"""The checker service follows a shortened link (guarded) and judges its real target."""

from __future__ import annotations

import dataclasses
import socket

from server.check_service import CheckerService
from server.core.tables import default_tables
from server.unmask import LinkResolver, describe_resolve_error
from tests.unmask.test_resolver import _Server


def test_shortened_link_resolved_to_official_target(app):
    server = _Server({})
    try:
        port = server.port
        server.httpd.RequestHandlerClass.routes["/s/x1"] = (
            301,
            f"http://baochinhphu.vn:{port}/tin-that",
            0.0,
        )

        def local_dns(host, p, **kw):  # baochinhphu.vn "is" the local test server
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))]

        resolver = LinkResolver(
            resolver=local_dns,
            allowed_ports=(port,),
            trusted=frozenset({f"127.0.0.1:{port}", f"baochinhphu.vn:{port}"}),
        )
        tables = dataclasses.replace(
            default_tables(), shorteners=default_tables().shorteners | {"127.0.0.1"}
        )
        service = CheckerService(app.extensions["khongvoi.store"], tables=tables, resolver=resolver)
        result = service.check(f"http://127.0.0.1:{port}/s/x1")
        assert result.verdict == "official"
        assert result.chain == (
            f"http://127.0.0.1:{port}/s/x1",
            f"http://baochinhphu.vn:{port}/tin-that",
        )
        assert [r.code for r in result.reasons][:2] == ["shortened_link", "resolved_redirect"]
        assert server.seen == ["HEAD /s/x1", "HEAD /tin-that"]
    finally:
        server.close()


def test_failed_resolution_stays_unknown_with_reason(app):
    tables = dataclasses.replace(
        default_tables(), shorteners=default_tables().shorteners | {"bit.ly"}
    )
    service = CheckerService(
        app.extensions["khongvoi.store"],
        tables=tables,
        resolver=LinkResolver(
            resolver=lambda *a, **k: [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443))
            ]
        ),
    )
    result = service.check("https://bit.ly/abc")
    assert result.verdict == "unknown"
    codes = [r.code for r in result.reasons]
    assert codes == ["shortened_link", "resolve_failed"]
    # users read plain words for the failure, never the resolver's code
    failed = result.reasons[1]
    vi, en = describe_resolve_error("resolve_forbidden_address")
    assert "resolve_" not in failed.message and vi in failed.message
    assert "resolve_" not in failed.message_en and en in failed.message_en
