"""The public check page (``/``), its share target (``/share``) and the installable web app.

Server-rendered, so that it works without JavaScript: a link, or a whole pasted message, is
checked with the same service as ``/api/v1/check`` and each link found gets its verdict, the
source's name, legal basis and evidence, the reasons, the unwrapped chain, the imitated
source, the 5 không and the clean link to copy. JavaScript only adds: copying, "Chia sẻ tiếp"
through the Web Share API after the same confirmation the extension's gate asks for, and,
through the service worker, offline decisions for listed links with the extension's own
matcher (``extension/lib/matcher.js``, served read-only from ``/public/lib/``).

Nothing typed here is logged or stored beyond the counters the stats already keep; a report
is stored only when the user sends one. Decisions: checking is a GET (a link to a result can
be shared and reloaded, and no session is needed); only the report form, which writes, is a
POST with a CSRF token; a pasted message is read for at most :data:`links.MAX_LINKS` links.
"""

from __future__ import annotations

from . import views  # noqa: F401  (routes register on bp)
from .blueprint import bp

__all__ = ["bp"]
