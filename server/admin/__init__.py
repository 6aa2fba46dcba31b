"""The web admin (``/admin``): server-rendered, Vietnamese first, no CDN, no build step.

Sessions carry the user id and the time the password was last changed: changing the password
logs out every other session. Every form has a CSRF token (Flask-WTF); the token API is exempt.
"""

from __future__ import annotations

from . import assistant_views, people_views, queue_views, views  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
