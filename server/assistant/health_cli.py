"""``flask sources health``: probe every allow rule's site and flag what needs review.

Run it on a schedule (cron or a systemd timer, see the README); exit 4 when rules were flagged.
"""

from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

__all__ = ["health_cmd", "make_health_checker"]


def make_health_checker(app, workers: int = 4):  # type: ignore[no-untyped-def]
    """The app's :class:`~server.assistant.health.HealthChecker`."""
    from .health import HealthChecker
    from .wiring import make_fetcher

    fetcher = make_fetcher(app.config, max_hops=5, hop_timeout=5.0, total_timeout=15.0)
    return HealthChecker(
        fetcher,
        app.extensions["khongvoi.feeds"].feeds,
        app.extensions["khongvoi.checker"].tables.platforms,
        ports=app.config.get("ASSISTANT_PORTS"),
        workers=workers,
    )


@click.command("health")
@click.option(
    "--workers",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="Sites probed at once.",
)
@click.option("--no-propose", is_flag=True, help="Record findings only; queue no proposal.")
@with_appcontext
def health_cmd(workers: int, no_propose: bool) -> None:
    """Check every allow-listed site (resolves, redirects, certificate, title)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    checker = make_health_checker(app, workers)
    rules = list(app.extensions["khongvoi.store"].export_rules("allow"))
    started = time.monotonic()
    run, results = checker.run(rules, propose=not no_propose)
    flagged = [r for r in results if r["flags"]]
    for r in flagged:
        click.echo(f"{r['pattern']} ({r['name']}):")
        for f in r["flags"]:
            click.echo(f"  [{f['code']}] {f['message']} / {f['message_en']}")
    proposals = [(r["pattern"], p) for r in results for p in r["proposals"] if p["pending_id"]]
    for origin, p in proposals:
        kind = "kế nhiệm/successor" if p["kind"] == "successor" else "trang chính thức/page"
        click.echo(
            f"  đề xuất/proposed #{p['pending_id']} {kind}: {p['pattern']} (từ/from {origin})"
        )
    click.echo(
        f"Lượt #{run}: đã kiểm tra {len(results)} quy tắc cho phép, {len(flagged)} cần "
        f"xem lại, {len(proposals)} đề xuất mới chờ duyệt "
        f"({time.monotonic() - started:.1f} s)."
    )
    click.echo(
        f"Run #{run}: {len(results)} allow rules checked, {len(flagged)} flagged for "
        f"review, {len(proposals)} new proposals pending."
    )
    if flagged:
        sys.exit(4)
