"""``flask sources health``: probe every allow rule's site and flag what needs review."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

__all__ = ["health_cmd"]


@click.command("health")
@with_appcontext
def health_cmd() -> None:
    """Check every allow-listed site (resolves, redirects, certificate, title)."""
    raise click.ClickException("not yet")
