"""Quality and speed of lookalike detection.

    .venv/bin/python bench/bench_lookalike.py

Generates permutations of the allow-listed brands with re-implementations of dnstwist's
fuzzers (homoglyph, omission, insertion, repetition, replacement, transposition, vowel swap,
hyphenation, bitsquatting, TLD swap, subdomain embedding, combosquatting with a small
dictionary) and reports recall per technique; reports false positives on
``bench/data/popular-domains.txt`` (hand-assembled, Vietnamese and worldwide),
``bench/data/top-domains.txt`` (the top of a public popularity list), on
``bench/data/hard-cases.txt`` (Vietnamese names chosen for resembling listed ones, reported
apart: no sample of the web) and on every
allow-listed domain checked against a detector built from all the others; and the time
``find`` adds to an unknown URL. ``tests/unit/test_lookalike.py`` holds the false-positive
rates to the target (0.5%) with the same functions.

Fuzzy techniques (edits) are generated only for brands the detector matches fuzzily: not for
those shorter than 5 characters nor those one letter from a common word (``bnews``), which it
matches only exactly or beside filler words (``LookalikeDetector.exact_only``).
"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.core import Checker, InvalidURL, parse_url  # noqa: E402
from server.core.domains import default_suffix_list  # noqa: E402
from server.core.lookalike import LookalikeDetector  # noqa: E402

KEYBOARD = {
    c: n
    for c, n in zip(
        "qwertyuiopasdfghjklzxcvbnm",
        [
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
        ],
        strict=True,
    )
}
HOMOGLYPHS = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "d": "đ",
    "n": "ո",
    "h": "һ",
}
VOWELS = "aeiou"
WORDS = [
    "news",
    "tin",
    "online",
    "24h",
    "moi",
    "vn",
    "today",
    "hot",
    "live",
    "daily",
    "trungthuong",
    "quatang",
    "chinhthuc",
    "hotro",
    "khuyenmai",
]  # scam words too
TLDS = ["com", "net", "org", "info", "xyz", "top", "cc", "com.vn", "net.vn", "site", "online"]


def fuzz(label: str, rng: random.Random) -> dict[str, list[str]]:
    """label -> {technique: [variant labels]}."""
    out: dict[str, list[str]] = defaultdict(list)
    n = len(label)
    for i in range(n):
        out["omission"].append(label[:i] + label[i + 1 :])
        out["repetition"].append(label[:i] + label[i] + label[i:])
        for k in KEYBOARD.get(label[i], ""):
            out["replacement"].append(label[:i] + k + label[i + 1 :])
            out["insertion"].append(label[:i] + k + label[i:])
        if label[i] in VOWELS:
            out["vowel-swap"] += [label[:i] + v + label[i + 1 :] for v in VOWELS if v != label[i]]
        if i < n - 1 and label[i] != label[i + 1]:
            out["transposition"].append(label[:i] + label[i + 1] + label[i] + label[i + 2 :])
        if i > 0:
            out["hyphenation"].append(label[:i] + "-" + label[i:])
        for bit in range(7):
            c = chr(ord(label[i]) ^ (1 << bit))
            if c.isalnum() and c.isascii():
                out["bitsquatting"].append(label[:i] + c.lower() + label[i + 1 :])
        if label[i] in HOMOGLYPHS:
            out["homoglyph"].append(label[:i] + HOMOGLYPHS[label[i]] + label[i + 1 :])
    for key in out:
        out[key] = sorted({v for v in out[key] if v and v != label})
    return out


def load_allow() -> list[tuple[str, str]]:
    with (ROOT / "sources" / "allow.csv").open(encoding="utf-8") as fh:
        return [(r["pattern"], r["name"]) for r in csv.DictReader(fh)]


def judge(detector: LookalikeDetector, url: str) -> str | None:
    sfx = default_suffix_list()
    try:
        host = parse_url(url).host
    except InvalidURL:
        return "invalid"
    found = detector.find(host, sfx.registrable_domain(host))
    return found.code if found else None


def read_domains(name: str) -> list[str]:
    """The domains of a list in ``bench/data`` (comments and blank lines skipped)."""
    text = (ROOT / "bench" / "data" / name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def false_positives(detector: LookalikeDetector, domains: list[str]) -> list[tuple[str, str]]:
    """(domain, reason code) for each legitimate domain the detector flags."""
    found = [(d, judge(detector, f"https://{d}/")) for d in domains]
    return [(d, code) for d, code in found if code]


def leave_one_source_out(allow: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """Each allow-listed domain checked by a detector built from the *other* sources (every
    domain sharing its brand label left out): the flagged ones, and how many were checked."""
    sfx = default_suffix_list()

    def brand_of(pattern: str) -> str:
        dom = sfx.registrable_domain(pattern.split("/")[0])
        return dom[: len(dom) - len(sfx.public_suffix(dom)) - 1] if dom else ""

    flagged = []
    domains = sorted({sfx.registrable_domain(p.split("/")[0]) for p, _ in allow} - {""})
    for d in domains:
        brand = brand_of(d)
        others = LookalikeDetector([(p, n) for p, n in allow if brand_of(p) != brand])
        code = judge(others, f"https://{d}/")
        if code:
            flagged.append((d, code))
    return flagged, len(domains)


def main() -> None:
    """Print the tables."""
    rng = random.Random(11)
    allow = load_allow()
    detector = LookalikeDetector(allow)
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: dict[str, list[str]] = defaultdict(list)
    for brand, (domain, _) in sorted(detector.brands.items()):
        suffix = domain[len(brand) + 1 :]
        tld = rng.choice([t for t in TLDS if t != suffix])
        cases: dict[str, list[str]] = {
            "tld-swap": [f"{brand}.{tld}"],
            "subdomain-embedding": [
                f"{domain}.tin-{rng.randint(1, 99)}.xyz",
                f"{brand}.{rng.choice(['xyz', 'com'])}-news.net",
            ],
            "combosquat": [f"{brand}{rng.choice(WORDS)}.{tld}", f"{rng.choice(WORDS)}-{brand}.com"],
        }
        if brand not in detector.exact_only:
            for tech, labels in fuzz(brand, rng).items():
                cases[tech] = [
                    f"{lab}.{suffix}"
                    for lab in labels
                    if f"{lab}.{suffix}" not in detector.domains and lab not in detector.brands
                ]
        for tech, urls in cases.items():
            for u in urls:
                if u in detector.domains:
                    continue  # nhandan.com.vn is as official as nhandan.vn
                hits[tech][1] += 1
                found = judge(detector, f"http://{u}/") not in (None, "invalid")
                hits[tech][0] += found
                if not found:
                    missed[tech].append(u)
    long_brands = len(detector.brands) - len(detector.exact_only)
    print(
        f"allow-listed brands: {len(detector.brands)} ({long_brands} matched fuzzily); "
        f"official domains: {len(detector.domains)}"
    )
    print(f"{'technique':>20} | recall")
    total = [0, 0]
    for tech, (ok, n) in sorted(hits.items()):
        total[0] += ok
        total[1] += n
        print(f"{tech:>20} | {ok / n:6.1%}  ({ok}/{n})  {' '.join(missed[tech][:4])}")
    print(f"{'all':>20} | {total[0] / total[1]:6.1%}  ({total[0]}/{total[1]})")
    popular = read_domains("popular-domains.txt")
    for name in ("popular-domains.txt", "top-domains.txt", "hard-cases.txt"):
        listed = read_domains(name)
        fps = false_positives(detector, listed)
        print(
            f"false positives, bench/data/{name}: {len(fps)}/{len(listed)} = "
            f"{len(fps) / len(listed):.2%} {fps}"
        )
    loo, domains = leave_one_source_out(allow)
    print(
        f"false positives, each allow-listed domain vs the other sources: {len(loo)}/"
        f"{domains} = {len(loo) / domains:.2%} {loo}"
    )
    sfx = default_suffix_list()
    hosts = [parse_url(f"https://{d}/").host for d in popular] * 20
    times = []
    for h in hosts:
        dom = sfx.registrable_domain(h)
        t0 = time.perf_counter()
        detector.find(h, dom)
        times.append(time.perf_counter() - t0)
    times.sort()
    print(
        f"find() on unknown domains: median {statistics.median(times) * 1e6:.1f} µs, "
        f"p99 {times[int(len(times) * 0.99)] * 1e6:.1f} µs"
    )
    checker_cost(allow, popular, read_domains("top-domains.txt"))


def checker_cost(allow: list[tuple[str, str]], popular: list[str], fresh: list[str]) -> None:
    """Checker.check with and without lookalike detection, side by side in one run, per
    verdict: official and denied answers must not pay for it; unknown ones pay find() once
    per host (the checker memoises it), so first-seen hosts are timed apart."""
    with (ROOT / "sources" / "deny.csv").open(encoding="utf-8") as fh:
        deny = [r["pattern"] for r in csv.DictReader(fh)]
    patterns = [p for p, _ in allow]
    streams = {
        "official": [f"https://{p.split('/')[0]}/tin/{i}" for i in range(40) for p in patterns],
        "denied": [f"https://{d}/x/{i}" for i in range(400) for d in deny],
        "unknown, host seen before": [f"https://{d}/a/{i}" for i in range(20) for d in popular],
    }
    medians: dict[str, dict[bool, list[float]]] = defaultdict(lambda: {True: [], False: []})
    for _ in range(5):
        for on in (False, True):
            checker = Checker(allow=patterns, deny=deny, force=True, lookalike=on)
            for name, urls in streams.items():
                for u in urls[:200]:
                    checker.check(u)  # warm-up (and the per-host memo)
                t0 = time.perf_counter()
                for u in urls:
                    checker.check(u)
                medians[name][on].append((time.perf_counter() - t0) / len(urls))
            first = []  # every host new to this checker: find() runs on each
            for d in fresh:
                t0 = time.perf_counter()
                checker.check(f"https://{d}/")
                first.append(time.perf_counter() - t0)
            medians["unknown, host never seen"][on].append(statistics.median(first))
    print(f"{'Checker.check':>26} | lookalike off | lookalike on | added")
    for name, runs in medians.items():
        off, on = statistics.median(runs[False]), statistics.median(runs[True])
        print(
            f"{name:>26} | {off * 1e6:10.2f} µs | {on * 1e6:9.2f} µs | {(on - off) * 1e6:+.2f} µs"
        )


if __name__ == "__main__":
    main()
