"""Word data of the lookalike detector (:mod:`server.core.lookalike`): reason texts, the
government and agency words, filler words around brands, keyboard neighbours and look-alike
letter pairs, free-hosting platforms. Data only: how they are used is in the detector."""

from __future__ import annotations

import re

from .vietnamese import _ONSETS, _RHYMES, is_vietnamese

REASONS: dict[str, tuple[str, str]] = {
    "lookalike_homograph": (
        "Tên miền {shown} dùng ký tự trông giống chữ của nguồn chính thống {domain} (giả mạo "
        "bằng ký tự đồng dạng).",
        "The domain {shown} uses characters that look like those of the official {domain} "
        "(homograph).",
    ),
    "lookalike_mixed_script": (
        "Tên miền {shown} trộn chữ Latinh với chữ của bảng chữ cái khác trông giống hệt (như "
        "chữ Kirin), để đọc thành {domain}: dấu hiệu giả mạo.",
        "The domain {shown} mixes Latin letters with look-alike letters of another script "
        "(such as Cyrillic), to read as {domain}: a sign of imitation.",
    ),
    "lookalike_page": (
        "Trang “{shown}” có tên gần giống trang chính thống {domain}: dấu hiệu trang giả mạo.",
        "The page “{shown}” is named like the official page {domain}: a sign of a fake page.",
    ),
    "lookalike_tld_swap": (
        "Tên giống nguồn chính thống {domain} nhưng đuôi tên miền khác: dấu hiệu giả mạo.",
        "Same name as the official {domain} under another ending: a sign of imitation.",
    ),
    "lookalike_typosquat": (
        "Tên miền gần giống nguồn chính thống {domain} (sai, thừa hoặc đảo một ký tự).",
        "The domain is one typo away from the official {domain}.",
    ),
    "lookalike_combosquat": (
        "Tên miền ghép tên nguồn chính thống {domain} với chữ khác: dấu hiệu giả mạo.",
        "The domain combines the name of the official {domain} with other words.",
    ),
    "lookalike_embedded_domain": (
        "Tên nguồn chính thống {domain} chỉ là phần đầu của một tên miền khác: trang thật "
        "không nằm ở đây.",
        "The official {domain} is only a prefix of another domain: the real site is not here.",
    ),
    "lookalike_gov_token": (
        "Tên miền mang chữ của cơ quan nhà nước nhưng không thuộc gov.vn: cơ quan nhà nước chỉ "
        "dùng tên miền .gov.vn.",
        "The domain uses state-agency words but is not under gov.vn, which state agencies use.",
    ),
}

#: Distinctive agency words found anywhere in a label.
GOV_SUBSTRINGS = (
    "govvn",
    "chinhphu",
    "dichvucong",
    "bocongan",
    "congan",
    "congthongtin",
    "baohiemxahoi",
    "bhxh",
    "tongcucthue",
    "cucthue",
    "thuedientu",
    "bocongthuong",
    "nopthue",
    "hoanthue",
    "tracuuthue",
    "quyettoanthue",
    # the apps, ministries, courts and national databases scams name
    "vneid",
    "vssid",
    "botaichinh",
    "boytevn",
    "bogiaoduc",
    "botuphap",
    "bonoivu",
    "bongoaigiao",
    "boquocphong",
    "boxaydung",
    "bokhoahoc",
    "nganhangnhanuoc",
    "khobacnhanuoc",
    "canhsatgiaothong",
    "dulieuquocgia",
    "dancuquocgia",
    "vngov",
    "vietnamgov",
    "govviet",
    "uybannhandan",
    "toaannhandan",
    "vienkiemsat",
    "thanhtrachinhphu",
    "congthue",
    "thuecanhan",
)
#: Agency words that count only as a whole hyphen- or dot-separated token.
GOV_TOKENS = frozenset(("gov", "vnnic", "ubnd", "cvgov"))
#: Ministry abbreviations: other organisations' acronyms too (``bca.co.id``, ``btc.com``,
#: ``moh.gov.sg``), so they count only beside Vietnamese words or ``vn``/``vietnam``/``gov``
#: (``canhan-gdt.com``, ``bca-vn.com``).
AGENCY_ACRONYMS = frozenset(
    ("mps", "mof", "moh", "moj", "moet", "btc", "bca", "gdt", "dvc", "csgt", "boyte")
)
_VN_MARKERS = frozenset(("vn", "vietnam", "gov", "govvn", "113"))  # 113: the police line
#: Words glued to a brand to dress it up (``tuoitreonline``, ``tintuoitre``), including the
#: words of prize and support scams (``dantri-trungthuong``, ``tuoitre-quatang``): never a
#: different Vietnamese name, even where they spell Vietnamese syllables.
FILLER_WORDS = frozenset(
    (
        "online",
        "news",
        "tin",
        "tintuc",
        "moi",
        "nhanh",
        "hot",
        "live",
        "today",
        "daily",
        "tv",
        "net",
        "web",
        "info",
        "plus",
        "vn",
        "24h",
        "go",
        "new",
        "vietnam",
        "chinhthuc",
        "hotro",
        "dangky",
        "xacminh",
        "xacthuc",
        "khuyenmai",
        "quatang",
        "trungthuong",
        "tructuyen",
        "dientu",
        "uudai",
        "nhanqua",
        "tangqua",
        "trian",
        "trang",
        "kenh",
        "trangbao",
        "trangtin",
        "kenhtin",
        "247",
        "new247",
        "news247",
    )
)
#: The generic words of phishing names that x0rz/phishing_catcher scores
#: (``suspicious.yaml``, "Generic suspicious"; hyphens dropped): a brand plus one of them is a
#: brand dressed up (``anninhthudologin.vn``), even where the word spells Vietnamese
#: syllables (``lo·gin``, ``up·da·te``). Chosen from that independent list, not from the
#: benchmark's dictionary; words that raised a false alarm on the legitimate lists of
#: ``bench/data`` were left out (see README, Detection).
SCAM_WORDS_EN = frozenset(
    (
        "login", "signin", "account", "verification", "verify", "webscr", "password",
        "credential", "support", "activity", "security", "update", "authentication",
        "authenticate", "authorize", "wallet", "alert", "purchase", "transaction", "recover",
        "unlock", "confirm", "office", "service", "manage", "portal", "invoice", "secure",
        "customer", "client", "bill", "safe", "form", "drive", "confirmation", "pay",
    )
)  # fmt: skip
FILLER_WORDS = FILLER_WORDS | SCAM_WORDS_EN
#: Filler after a short brand that counts under .vn too (vov24h.vn): no outlet's own name.
_VN_SHORT_FILLER = frozenset(("24h", "247", "new247", "news247", "online"))
_FILLER_SIZES = sorted({len(w) for w in FILLER_WORDS})
#: Agency words that count even in a Vietnamese name under .vn: services live on gov.vn, and
#: no newspaper is named after the ministry, the social-insurance or the tax office itself.
PORTAL_SUBSTRINGS = (
    "govvn",
    "vneid",
    "vssid",
    "dichvucong",
    "bocongan",
    "baohiemxahoi",
    "bhxh",
    "tongcucthue",
    "cucthue",
    "thuedientu",
    "chinhphudientu",
    "congthongtinchinhphu",
)
#: Second-level labels of other states' government registries (``moh.gov.sg``, ``mof.go.jp``):
#: vetted like gov.vn, and no imitation of a Vietnamese source.
_FOREIGN_GOV = frozenset(("gov", "go", "gob", "gouv", "govt", "gv", "mil", "gub", "gc"))
#: Vietnamese suffixes whose registrants are vetted by sector: gov.vn (state agencies) and
#: edu.vn (schools, on the education authority's papers) never imitate (``vtc.edu.vn`` is a
#: college, not VTC).
_VETTED_VN = (".gov.vn", ".edu.vn")
#: Agency names that contain a newspaper's brand (bocongan ⊃ congan, toaannhandan ⊃ nhandan):
#: such a name imitates the agency, not the newspaper.
_AGENCY_NAMES = (
    "bocongan",
    "uybannhandan",
    "toaannhandan",
    "vienkiemsat",
    "thanhtrachinhphu",
    "congthongtinchinhphu",
)
#: Long agency words whose one-slip misspellings are caught too (dulieuqucogia, dichvucog).
_AGENCY_TYPO_WORDS = (
    "dichvucong",
    "bocongan",
    "baohiemxahoi",
    "tongcucthue",
    "thuedientu",
    "congthongtin",
    "dulieuquocgia",
    "dichvucongquocgia",
)
#: ``công`` starts many words: dịch vụ công *nghệ*, *chứng*, *ty*, *trình* are private services.
_CONG_COMPOUNDS = (
    "nghe",
    "nghiep",
    "chung",
    "ty",
    "trinh",
    "dong",
    "nhan",
    "viec",
    "cu",
    "thuc",
    "so",
    "tac",
    "suat",
    "ich",
    "no",
    "ngh",
)
#: Words ending in ``công`` before *An* (gia công / thi công / thành công An …).
_CONG_BEFORE = ("gia", "thi", "thanh", "nhan", "lao", "tan", "phan", "dong", "nha")
#: ccTLDs anyone in the world can register in (no government registry behind gov.<tld>).
_OPEN_CCTLDS = frozenset(
    (
        "cc",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "ws",
        "co",
        "io",
        "me",
        "tv",
        "to",
        "ly",
        "la",
        "nu",
        "pw",
        "vc",
        "su",
        "ai",
        "sh",
        "st",
        "fm",
    )
)
_OTHER_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")
_GOV_RE = re.compile("|".join(GOV_SUBSTRINGS)).search
_PORTAL_RE = re.compile("|".join(PORTAL_SUBSTRINGS)).search
_AGENCY_NAME_RE = re.compile("|".join(_AGENCY_NAMES)).search
PORTAL_TOKENS = frozenset(("gov",))
MIN_FUZZY = 5
_KEYBOARD = dict(
    zip(
        "qwertyuiopasdfghjklzxcvbnm1234567890",
        (
            "wa",
            "qeas",
            "wrds",
            "etdf",
            "rtfg",
            "tygh",
            "yuhj",
            "uijk",
            "iokl",
            "opl",
            "qwsz",
            "weadzx",
            "erdsfxc",
            "rtfgcv",
            "tyghvb",
            "yuhjbn",
            "uijknm",
            "iojlm",
            "opk",
            "asx",
            "zsdc",
            "xdfv",
            "cfgb",
            "vghn",
            "bhjm",
            "njk",
            "2q",
            "13qw",
            "24we",
            "35er",
            "46rt",
            "57ty",
            "68yu",
            "79ui",
            "80io",
            "9op",
        ),
        strict=True,
    )
)
_VOWELS = frozenset("aeiouy")
#: ASCII characters mistaken for one another (dnstwist's ASCII homoglyphs, and a few more).
_LOOKALIKE = frozenset(
    frozenset(p)
    for p in (
        "0o",
        "1l",
        "1i",
        "il",
        "38",
        "3e",
        "5s",
        "69",
        "9g",
        "gq",
        "bd",
        "b6",
        "ce",
        "co",
        "mn",
        "nr",
        "uv",
        "2z",
    )
)
_SUFFIX_GLUE = ("vn", "comvn", "orgvn", "netvn", "govvn", "com", "net", "org")
#: Free-hosting sites where anyone names a page: registrable domains (``weebly.com``) and
#: public suffixes (``blogspot.com``, ``github.io``).
_FREE_HOSTS = frozenset(
    (
        "weebly.com",
        "weeblysite.com",
        "blogspot.com",
        "github.io",
        "web.app",
        "firebaseapp.com",
        "wixsite.com",
        "netlify.app",
        "vercel.app",
        "pages.dev",
        "herokuapp.com",
        "glitch.me",
        "000webhostapp.com",
        "webflow.io",
        "mystrikingly.com",
        "godaddysites.com",
        "square.site",
        "wordpress.com",
        "sites.google.com",
        "gitbook.io",
        "notion.site",
    )
)


# --- predicates over the words ---------------------------------------------------------


def _one_syllable(s: str) -> bool:
    return any(s.startswith(o) and s[len(o) :] in _RHYMES for o in _ONSETS)


def _last_syllable(word: str) -> str:
    for k in range(1, min(len(word), 7) + 1):
        tail = word[-k:]
        if _one_syllable(tail) and (k == len(word) or is_vietnamese(word[:-k])):
            return tail
    return ""


def _extends(brand: str, after: str) -> bool:
    """``chinhphu`` + ``c…`` is *chinh phục*, ``nhandan`` + ``g…`` is *nhận dạng*: the letters
    after the brand continue its last syllable into another word (unless what follows is a
    word by itself: ``tuoitre·moi``, ``baochinhphu·u`` end the brand where a word ends)."""
    if not after or after[0] in "aeiouy" or after in FILLER_WORDS or is_vietnamese(after):
        return False
    last = _last_syllable(brand)
    return bool(last) and any(
        _one_syllable(last + after[:k]) and (k == len(after) or is_vietnamese(after[k:]))
        for k in range(1, min(3, len(after)) + 1)
    )


def _drop_compounds(flat: str) -> str:
    """Blank out agency words that are the start or end of another word (dịch vụ công *nghệ*,
    *chinh phục*, *gia công* An)."""
    out = flat
    i = out.find("dichvucong")
    while i >= 0:
        if out.startswith(_CONG_COMPOUNDS, i + 10):
            out = out[:i] + "#" + out[i + 1 :]
        i = out.find("dichvucong", i + 1)
    for w in ("chinhphu", "congan"):
        i = out.find(w)
        while i >= 0:
            if _extends(w, out[i + len(w) :]) or (
                w == "congan" and not out.endswith("bo", 0, i) and out.endswith(_CONG_BEFORE, 0, i)
            ):
                out = out[:i] + "#" + out[i + 1 :]
            i = out.find(w, i + 1)
    return out


def _foreign_gov_name(words: str, label: str, tld: str) -> bool:
    """``gov`` as another state's registered name (gov.cz, gov.wales, gov.bc.ca) or a US
    government cloud (amazonaws-us-gov.com, gov.teams.microsoft.us)."""
    if (
        label in ("gov", "gouv", "govt")
        and tld not in ("vn", "com", "net", "org", "info", "xyz", "top", "online", "site")
        and (len(tld) != 2 or tld not in _OPEN_CCTLDS)
    ):
        return True
    return tld == "us" or "us-gov" in words
