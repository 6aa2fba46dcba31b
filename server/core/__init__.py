"""The pure checking core: URLs, domains, rules, matching, wrappers, verdicts.

No Flask, no requests, no database, no cachetools in here (a test enforces it)::

    from server.core import Checker, InvalidURL
    checker = Checker(allow=["baochinhphu.vn", "gov.vn"], deny=["tuoitre.com"])
    checker.check("https://l.facebook.com/l.php?u=https%3A%2F%2Fbaochinhphu.vn%2Fa").verdict
    # "official"
"""

from . import _native  # noqa: F401  # first: compiled or pure-Python hot path
from .checker import Checker, CheckResult, Imitates, LookalikeFinder, lookalike_detector
from .errors import InvalidRule, InvalidURL, KhongVoiError
from .messages import ADVICE, FIVE_KHONG, VERDICT_LABELS, VERDICTS, Advice, Reason
from .rules import LISTS, Rule, canonical_pattern, make_rule
from .urls import URL, parse_url

__all__ = [
    "ADVICE",
    "FIVE_KHONG",
    "LISTS",
    "URL",
    "VERDICTS",
    "VERDICT_LABELS",
    "Advice",
    "CheckResult",
    "Checker",
    "Imitates",
    "InvalidRule",
    "InvalidURL",
    "KhongVoiError",
    "LookalikeFinder",
    "Reason",
    "Rule",
    "canonical_pattern",
    "lookalike_detector",
    "make_rule",
    "parse_url",
]
