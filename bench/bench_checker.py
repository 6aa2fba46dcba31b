"""In-process checking speed: Không Vội's Checker side by side with Brave's Rust engine.

    .venv/bin/python bench/bench_checker.py            # full run (about two minutes)
    .venv/bin/python bench/bench_checker.py --quick    # smaller, for a smoke test
    KHONGVOI_PURE_PYTHON=1 .venv/bin/python bench/bench_checker.py   # the uncompiled path

The first line says which core runs (``mypyc`` after ``make compile``, else pure Python).
What it measures, in one process and one run; the engines take turns on chunks of 1,000
URLs and are timed on this thread's CPU clock, so the load of other processes on these
shared cores hits both alike (see :func:`interleaved`):

1. ``Checker.check`` per URL vs ``adblock.Engine.check_network_urls`` (PyPI ``adblock``,
   Brave's adblock-rust) on 100,000 deny rules plus the default allow list, the same domains
   written as ``||domain^`` rules for adblock:

   * Zipf: 100,000 distinct URLs over 5,000 hosts with a Zipf-like popularity (as real link
     traffic has): allow-listed hosts and their subdomains, denied hosts, unlisted hosts;
     both engines first see a warm-up set of *different* URLs from the same hosts;
   * every host new (5 rounds of 50,000 URLs, no host seen before by either engine): 40% on
     distinct deny-listed domains, 30% random subdomains of allow-listed domains, 30% random
     subdomains of unlisted domains.

2. Cost independent of list size: per check with 1,000 vs 1,000,000 deny rules on the same
   URLs, every host new as above: random subdomains of listed domains (``denied``), of
   unlisted domains (``unknown``), and half of each (``mix``); then the resident memory of a
   process holding 1,000,000 compiled rules (in a child process, so that this one's data
   does not count).
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.core import Checker  # noqa: E402
from server.core.domains import default_suffix_list  # noqa: E402

SYLLABLES = [
    "an",
    "bao",
    "binh",
    "cao",
    "chi",
    "dan",
    "dong",
    "duc",
    "gia",
    "giang",
    "hai",
    "ha",
    "hoa",
    "hung",
    "khanh",
    "kim",
    "lam",
    "lan",
    "linh",
    "long",
    "mai",
    "minh",
    "nam",
    "ngoc",
    "nhat",
    "phong",
    "phu",
    "quang",
    "son",
    "tam",
    "tan",
    "thanh",
    "thu",
    "tien",
    "trung",
    "tuan",
    "van",
    "viet",
    "xuan",
    "news",
    "tin",
    "moi",
    "online",
    "net",
    "media",
    "shop",
    "info",
]
SUFFIXES = ("com", "vn", "com.vn", "net", "org", "info", "xyz", "top", "net.vn", "org.vn")


def core_path() -> str:
    """Which implementation of the matching core this process runs."""
    from server.core import matching

    return f"{matching.IMPLEMENTATION} ({Path(matching.__file__).name})"


def random_domain(rng: random.Random) -> str:
    """A plausible registrable domain."""
    label = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    if rng.random() < 0.2:
        label += str(rng.randint(1, 999))
    return f"{label}.{rng.choice(SUFFIXES)}"


def unlisted_domain(rng: random.Random, listed: set[str] | frozenset[str]) -> str:
    """A random domain that is not in ``listed`` (short syllable domains often are, with a
    million of them listed)."""
    while True:
        domain = random_domain(rng)
        if domain not in listed:
            return domain


def allow_patterns() -> list[str]:
    """The default allow list's patterns."""
    with (ROOT / "sources" / "allow.csv").open(encoding="utf-8") as fh:
        return [row["pattern"] for row in csv.DictReader(fh)]


def deny_domains(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct random domains for the deny list (none a public suffix, such as the
    province suffixes ``haiphong.vn``: rules on those are refused)."""
    rng, out = random.Random(seed), set()
    suffixes = default_suffix_list()
    while len(out) < n:
        domain = random_domain(rng)
        if not suffixes.is_public_suffix(domain):
            out.add(domain)
    return sorted(out)


def host_pool(allow: list[str], deny: list[str], n: int, rng: random.Random) -> list[str]:
    """``n`` hosts: 40% allow-listed (with subdomains), 20% denied, 40% unlisted."""
    subs = ("", "www.", "m.", "tin.", "video.", "xaydungchinhsach.")
    hosts = set()
    while len(hosts) < n:
        r = rng.random()
        if r < 0.4:
            hosts.add(rng.choice(subs) + rng.choice(allow).split("/")[0])
        elif r < 0.6:
            hosts.add(rng.choice(subs[:3]) + rng.choice(deny))
        else:
            hosts.add(rng.choice(subs[:3]) + random_domain(rng))
    return sorted(hosts)


def make_urls(hosts: list[str], n: int, rng: random.Random, tag: str) -> list[str]:
    """``n`` distinct URLs over ``hosts`` with Zipf-like host popularity."""
    weights = [1.0 / (i + 1) for i in range(len(hosts))]
    rng.shuffle(hosts)
    chosen = rng.choices(hosts, weights=weights, k=n)
    words = SYLLABLES
    return [
        f"https://{h}/{rng.choice(words)}/{'-'.join(rng.choices(words, k=5))}-{tag}{i}.html"
        + (f"?id={i}" if i % 3 == 0 else "")
        for i, h in enumerate(chosen)
    ]


def interleaved(fns: list, rounds: list[list[str]], chunk: int = 1000) -> list[float]:  # type: ignore[type-arg]
    """Median µs per URL of each function over ``rounds`` (one URL list each).

    These machines are shared and their load drifts, so the functions take turns on chunks
    of ``chunk`` URLs (the order alternating from chunk to chunk) and each sees every URL of
    a round once: all of them meet the same load. The clock is this thread's CPU time
    (``time.thread_time``), so time slices given to other processes are not counted; both
    engines run in this thread. GC is paused while timing.
    """
    per_fn: list[list[float]] = [[] for _ in fns]
    clock = time.thread_time
    for urls in rounds:
        totals = [0.0] * len(fns)
        gc.collect()
        gc.disable()
        try:
            for n, i in enumerate(range(0, len(urls), chunk)):
                part = urls[i : i + chunk]
                order = range(len(fns)) if n % 2 == 0 else range(len(fns) - 1, -1, -1)
                for k in order:
                    fn = fns[k]
                    t0 = clock()
                    for u in part:
                        fn(u)
                    totals[k] += clock() - t0
        finally:
            gc.enable()
        for k, total in enumerate(totals):
            per_fn[k].append(total / len(urls))
    return [statistics.median(x) * 1e6 for x in per_fn]


def side_by_side(checker: Checker, engine, rounds: list[list[str]]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median µs per URL for (checker, adblock), interleaved (:func:`interleaved`)."""

    def ab(u: str) -> object:
        return engine.check_network_urls(u, u, "document")

    ours, theirs = interleaved([checker.check, ab], rounds)
    return ours, theirs


def adblock_engine(domains: list[str]):  # type: ignore[no-untyped-def]
    """Brave's engine with ``||domain^`` for every domain."""
    import adblock

    filters = adblock.FilterSet()
    filters.add_filter_list("\n".join(f"||{d}^" for d in domains))
    return adblock.Engine(filters)


def new_host_urls(
    allow: list[str], deny: list[str], n: int, rng: random.Random, tag: str, listed: frozenset[str]
) -> list[str]:
    """``n`` URLs whose hosts are all new: 40% on distinct deny-listed domains (taken from
    ``deny``, which is consumed), 30% random subdomains of allow-listed domains, 30% random
    subdomains of unlisted domains; shuffled."""
    allow_hosts = [p.split("/")[0] for p in allow]
    n_deny, n_allow = n * 4 // 10, n * 3 // 10
    hosts = [deny.pop() for _ in range(n_deny)]
    hosts += [f"{rand_label(rng)}.{rng.choice(allow_hosts)}" for _ in range(n_allow)]
    hosts += [
        f"{rand_label(rng)}.{unlisted_domain(rng, listed)}" for _ in range(n - n_deny - n_allow)
    ]
    rng.shuffle(hosts)
    return [f"https://{h}/tin/{tag}{i}.html" for i, h in enumerate(hosts)]


def rand_label(rng: random.Random) -> str:
    """A random subdomain label (new hosts: never repeats in practice)."""
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=rng.randint(5, 10)))


def bench_adblock(n_rules: int, n_urls: int, n_hosts: int, rounds: int) -> None:
    """Part 1: the side-by-side table (Zipf stream, then the all-new-hosts stream)."""
    allow = allow_patterns()
    deny = deny_domains(n_rules)
    checker = Checker(allow=allow, deny=deny, force=True)
    engine = adblock_engine([p.split("/")[0] for p in allow] + deny)
    rng = random.Random(42)
    print(f"core: {core_path()}")
    print(f"rules: {len(deny):,} deny + {len(allow):,} allow")
    print(f"{'stream':>34} | {'Checker µs':>10} | {'adblock µs':>10} | ratio")
    hosts = host_pool(allow, deny, n_hosts, rng)
    warm = make_urls(list(hosts), n_urls, rng, "w")
    urls = make_urls(list(hosts), n_urls, rng, "m")
    for u in warm:
        checker.check(u)
        engine.check_network_urls(u, u, "document")
    ours, theirs = side_by_side(checker, engine, [urls] * rounds)
    label = f"{n_urls:,} URLs, {n_hosts:,} hosts (Zipf)"
    print(f"{label:>34} | {ours:10.2f} | {theirs:10.2f} | {ours / theirs:.2f}")
    # Every host new: each round gets its own URLs (no host seen before by either engine).
    per_round = min(n_urls, len(deny) * 10 // 4 // rounds)
    pool = list(deny)
    rng.shuffle(pool)
    listed = frozenset(deny)
    streams = [new_host_urls(allow, pool, per_round, rng, f"r{r}-", listed) for r in range(rounds)]
    ours, theirs = side_by_side(checker, engine, streams)
    label = f"{per_round:,} URLs x{rounds}, every host new"
    print(f"{label:>34} | {ours:10.2f} | {theirs:10.2f} | {ours / theirs:.2f}")


#: The process measured for RSS: it streams the rules from a file, one domain per line, as
#: the service streams them from its database (the benchmark's own list of a million
#: domains, 100 MB, is not the product's memory).
CHILD = """
import sys
sys.path.insert(0, {root!r})
from server.core import Checker
from server.core.packed import pack_row
with open({path!r}, encoding="ascii") as lines:
    metas = (pack_row((i, "deny", d.rstrip(), "Trang giả mạo số " + str(i), "impersonation",
                       "national", "https://example.org/evidence/" + str(i), "", "", ""))
             for i, d in enumerate(lines))
    c = Checker(rules=metas, lookalike=False)
assert c.check("https://" + {first!r} + "/x").rule.name.startswith("Trang giả mạo số ")
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
rss = int(status["VmRSS"].split()[0]) // 1024  # kB -> MB
peak = int(status["VmHWM"].split()[0]) // 1024  # high-water mark of this image (not inherited)
print(rss, peak)
"""


def scaling_urls(
    listed: list[str], n: int, rng: random.Random, kind: str, every: frozenset[str] = frozenset()
) -> list[str]:
    """``n`` URLs on new hosts: random subdomains of ``listed`` domains (``denied``), of
    random domains not in ``every`` (``unknown``), or half of each (``mix``)."""
    out = []
    for i in range(n):
        if kind == "denied" or (kind == "mix" and i % 2 == 0):
            host = f"{rand_label(rng)}.{rng.choice(listed)}"
        else:
            host = f"{rand_label(rng)}.{unlisted_domain(rng, every)}"
        out.append(f"https://{host}/tin/{kind}{i}.html")
    return out


def bench_scaling(n_urls: int, rounds: int, big: int) -> None:
    """Part 2: 1,000 vs ``big`` rules on the same URLs, hosts never seen before (random
    subdomains of the first 1,000 deny domains, on both lists, or of unlisted domains), and
    RSS with ``big`` rules."""
    rng = random.Random(5)
    deny_big = deny_domains(big)
    small = Checker(deny=deny_big[:1000], force=True)
    large = Checker(deny=deny_big, force=True)
    listed = deny_big[:1000]
    every = frozenset(deny_big)
    print(f"{'new hosts':>10} | {'1,000 rules':>11} | {big:>9,} rules | ratio")
    for kind in ("denied", "unknown", "mix"):
        rounds_urls = [scaling_urls(listed, n_urls, rng, kind, every) for _ in range(rounds)]
        s, b = interleaved([small.check, large.check], rounds_urls)
        print(f"{kind:>10} | {s:8.2f} µs | {b:9.2f} µs | {b / s:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deny.txt"
        path.write_text("\n".join(deny_big) + "\n", encoding="ascii")
        child = CHILD.format(root=str(ROOT), path=str(path), first=deny_big[0])
        del small, large, deny_big, every
        out = subprocess.run(
            [sys.executable, "-c", child], capture_output=True, text=True, check=True, cwd=ROOT
        )
    rss, peak = out.stdout.split()
    print(f"process holding {big:,} compiled rules: RSS {rss} MB (peak while building {peak} MB)")


def main() -> None:
    """Run both parts and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes for a smoke test")
    args = ap.parse_args()
    n_rules, n_urls, big, rounds = (100_000, 100_000, 1_000_000, 5)
    if args.quick:
        n_rules, n_urls, big, rounds = (10_000, 10_000, 50_000, 3)
    print(
        f"python {sys.version.split()[0]}, peak RSS now "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    bench_adblock(n_rules, n_urls, 5_000, rounds)
    bench_scaling(n_urls // 4, rounds, big)


if __name__ == "__main__":
    main()
