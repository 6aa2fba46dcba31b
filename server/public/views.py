"""Routes of the public page. See the package docstring for what they do and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from ..check_service import result_to_dict
from ..core import InvalidURL
from ..errors import wants_english
from ..limits import limit
from .blueprint import bp
from .links import MAX_LINKS, find_links
from .text import TEXT

#: The longest message the page reads (a pasted post with its links; longer is refused).
MAX_INPUT = 20_000
_LIB = Path(__file__).resolve().parents[2] / "extension" / "lib"
#: The extension's pure modules that the page and its service worker import.
_LIB_FILES = frozenset({"matcher.js", "urls.js", "share.js", "clean.js"})
_REPORT_KINDS = ("impersonation", "wrongly_listed", "missing", "other")


def _lang() -> str:
    return "en" if wants_english() else "vi"


def _service() -> Any:
    return current_app.extensions["khongvoi.checker"]


def _check_all(text: str, lang: str) -> tuple[list[dict[str, Any]], int]:
    """Every link in ``text`` checked (at most MAX_LINKS), and how many were skipped."""
    svc = _service()
    links = find_links(text)
    if not links and text.strip() and not any(c.isspace() for c in text.strip()):
        links = [text.strip()]  # one word that is not a web address: say why it is not
    items: list[dict[str, Any]] = []
    for link in links[:MAX_LINKS]:
        try:
            result = svc.check(link)
        except InvalidURL as exc:
            items.append({"url": link, "error": exc.message_for(lang)})
            continue
        svc.count(result.verdict, svc.stat_key(result))
        items.append(result_to_dict(result, lang, svc.tables))
    return items, max(0, len(links) - MAX_LINKS)


_RANK = {"official": 0, "unknown": 2, "suspicious": 3, "denied": 4}


def _strictest(items: list[dict[str, Any]]) -> str | None:
    """The strictest verdict among the links (an unreadable link counts as unknown)."""
    ranks = [_RANK.get(i.get("verdict", "unknown"), 2) for i in items]
    if not ranks:
        return None
    worst = max(ranks)
    return next(v for v, r in _RANK.items() if r == worst)


def _page(text: str, *, shared: bool = False, status: int = 200) -> tuple[str, int]:
    lang = _lang()
    t = TEXT[lang]
    error = None
    items: list[dict[str, Any]] = []
    skipped = 0
    if len(text) > MAX_INPUT:
        error = t["too_long"].format(n=MAX_INPUT)
        status = 400
    elif text.strip():
        items, skipped = _check_all(text, lang)
        if not items:
            error = t["no_links"]
    return render_template(
        "public/index.html",
        t=t,
        lang=lang,
        text=text,
        items=items,
        skipped=skipped,
        error=error,
        shared=shared,
        strictest=_strictest(items),
        kinds=_REPORT_KINDS,
        other_lang="vi" if lang == "en" else "en",
    ), status


@bp.route("/", methods=["GET", "POST"])
@limit("RATELIMIT_CHECK")
def index() -> tuple[str, int]:
    """The form, and the results when ``q`` (a link or a pasted message) is given.

    The form posts (a pasted message of thousands of Vietnamese characters does not fit in
    a request line: gunicorn refuses lines over 4 KiB); ``GET /?q=`` stays for links, so a
    result can be linked to. Checking changes nothing, so the POST needs no CSRF token
    (``create_app`` exempts it)."""
    values = request.form if request.method == "POST" else request.args
    return _page(values.get("q", "") or values.get("url", ""))


@bp.route("/share", methods=["GET", "POST"])
@limit("RATELIMIT_CHECK")
def share() -> tuple[str, int]:
    """The web app's share target: every link in the shared title, text and url (POST, as
    the manifest asks; GET also works). Nothing shared: the empty form."""
    values = request.form if request.method == "POST" else request.args
    parts = [values.get(k, "") for k in ("title", "text", "url")]
    text = "\n".join(p for p in parts if p)
    return _page(text, shared=bool(text.strip()))


@bp.post("/report")
@limit("RATELIMIT_REPORTS", deduct_when=lambda response: response.status_code < 400)
def report() -> tuple[str, int]:
    """Store a report from the page's form (CSRF-protected), then say so."""
    from ..api.reports import _client_hash

    lang = _lang()
    t = TEXT[lang]
    url = (request.form.get("url") or "").strip()
    kind = request.form.get("kind", "other")
    comment = (request.form.get("comment") or "").strip()
    error = None
    if not url or len(url) > 2048:
        error = t["report_bad_url"]
    elif kind not in _REPORT_KINDS:
        error = t["report_bad_kind"]
    elif len(comment) > 1000:
        error = t["report_long_comment"]
    elif any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in url + comment):
        error = t["report_control"]
    if error is None:
        svc = _service()
        try:
            result = svc.check(url)
        except InvalidURL as exc:
            error = exc.message_for(lang)
        else:
            svc.store.add_report(
                url=url,
                canonical_url=result.canonical_url,
                host=result.host,
                verdict_seen=request.form.get("verdict_seen", "")
                if request.form.get("verdict_seen", "") in _RANK
                else "",
                verdict_at_report=result.verdict,
                kind=kind,
                comment=comment,
                client_hash=_client_hash(),
            )
    return render_template(
        "public/reported.html",
        t=t,
        lang=lang,
        error=error,
        url=url,
        other_lang="vi" if lang == "en" else "en",
    ), 400 if error else 201


@bp.errorhandler(CSRFError)
def _expired(exc: CSRFError) -> tuple[str, int]:
    """A report form whose token expired or was lost: say what to do."""
    lang = _lang()
    return render_template(
        "public/reported.html",
        t=TEXT[lang],
        lang=lang,
        error=TEXT[lang]["report_expired"],
        url="",
        other_lang="vi" if lang == "en" else "en",
    ), 400


@bp.get("/offline")
def offline() -> str:
    """The page the service worker answers with when the network is gone: it decides listed
    links with the cached lists snapshot and the extension's matcher."""
    lang = _lang()
    return render_template(
        "public/offline.html", t=TEXT[lang], lang=lang, other_lang="vi" if lang == "en" else "en"
    )


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest: installable, standalone, a share target for links."""
    body = {
        "name": "Không Vội — kiểm tra nguồn tin",
        "short_name": "Không Vội",
        "description": "Kiểm tra một liên kết có đến từ nguồn chính thống trước khi chia sẻ.",
        "lang": "vi",
        "start_url": url_for("public.index", source="pwa"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#12355b",
        "icons": [
            {
                "src": url_for("public.static", filename=f"icon-{n}.png"),
                "sizes": f"{n}x{n}",
                "type": "image/png",
                "purpose": "any maskable" if n == 512 else "any",
            }
            for n in (192, 512)
        ],
        "share_target": {
            "action": url_for("public.share"),
            "method": "POST",
            "enctype": "application/x-www-form-urlencoded",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }
    import orjson

    return Response(orjson.dumps(body), mimetype="application/manifest+json")


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, at the root so that its scope is the whole site."""
    return _script(Path(bp.static_folder or "") / "sw.js")


@bp.get("/public/lib/<name>")
def extension_lib(name: str) -> Response:
    """The extension's pure modules (matcher, URL parser, link finder), read-only: the page
    decides offline with exactly the extension's code."""
    if name not in _LIB_FILES:
        from werkzeug.exceptions import NotFound

        raise NotFound()
    return _script(_LIB / name)


def _script(path: Path) -> Response:
    """A small script, revalidated on every use (the service worker keeps its own copy)."""
    resp = Response(path.read_bytes(), mimetype="text/javascript")
    resp.headers["Cache-Control"] = "no-cache"
    resp.add_etag()
    return resp.make_conditional(request)


#: The page loads nothing from elsewhere and cannot be framed.
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@bp.after_request
def _headers(resp: Response) -> Response:
    resp.headers.setdefault("Content-Security-Policy", _CSP)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Cache-Control", "no-store")  # results are the user's own
    return resp
