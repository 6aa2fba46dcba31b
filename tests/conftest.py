"""Shared fixtures: the Flask app on a temporary SQLite database, its client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.live import LiveServer, make_test_app

#: Rules every API test can rely on, besides the default lists.
TEST_RULES = [
    ("allow", "tin-chinh-thong.vn", "Báo Thử Nghiệm", "press_central", "national", "test"),
    ("deny", "tin-gia-mao.com", "Giả mạo Báo Thử Nghiệm", "impersonation", "national", "test"),
    ("allow", "facebook.com/ubndthunghiem", "UBND Thử Nghiệm", "official_page", "national", "t"),
]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app with the default lists and TEST_RULES, rate limits off."""
    application = make_test_app(tmp_path, TEST_RULES)
    yield application
    application.extensions["khongvoi.checker"].wait_background()
    application.extensions["khongvoi.store"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """The CLI runner of ``app``."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """One real server on loopback for the whole session (default lists + TEST_RULES)."""
    server = LiveServer(extra_rules=TEST_RULES).start()
    yield server
    server.stop()
