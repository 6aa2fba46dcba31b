"""Lookalike detection measured on public data that no one here wrote.

    .venv/bin/python bench/bench_realworld.py [--misses]

* **Real imitations**: ``bench/data/realworld-imitations.csv``, the names of the hostsVN threat
  list (github:bigdargon/hostsVN, ``extensions/threat/domain-VN.txt`` at commit 83537cc, MIT)
  that imitate an official Vietnamese source, labelled by hand with what they imitate. The
  rows are split once by a hash of the name (``split``): ``tuning`` rows may be looked at
  while changing the detector, ``heldout`` rows are only counted (``--misses`` lists misses of
  the tuning part only). The deny list is empty: only the detector speaks.
* **False alarms**: ``bench/data/vn-legit.txt`` (legitimate Vietnamese sites from three public
  sources, see its header) and ``bench/data/world-top.txt`` (the top 10,000 non-.vn names of a
  public DNS-popularity list).
* **Permutations from the real dnstwist** (``dnstwist==20250130``, requirements-dev; its
  dictionary ``bench/data/dnstwist-english.dict`` and TLD list
  ``bench/data/dnstwist-common_tlds.dict``, Apache-2.0) of every allow-listed brand: recall per
  fuzzer for brands of five letters or more, homoglyphs for every brand. Homoglyph and
  bitsquatting variants are sampled (30 per brand, fixed seed); a variant that is itself an
  official domain or brand is skipped.
* **Cost**: median time ``find`` takes on the unknown names of the two legitimate lists.

The detector is built from ``sources/allow.csv`` only (not the review queue), so the
``pending`` names of ``vn-legit.txt`` test the detector, not the queue.
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

from bench.bench_lookalike import judge, load_allow  # noqa: E402
from server.core.domains import default_suffix_list  # noqa: E402
from server.core.lookalike import LookalikeDetector  # noqa: E402

DATA = ROOT / "bench" / "data"
SAMPLED = {"homoglyph": 30, "bitsquatting": 30}


def read_list(name: str) -> list[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [ln.split("\t")[0].strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def read_dict(name: str) -> list[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("//")]


def imitations() -> list[dict[str, str]]:
    with (DATA / "realworld-imitations.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def real_recall(detector: LookalikeDetector) -> dict[str, tuple[int, int, list[str]]]:
    """split -> (caught, total, missed names)."""
    out: dict[str, list] = defaultdict(lambda: [0, 0, []])
    for row in imitations():
        caught = judge(detector, f"https://{row['domain']}/") not in (None, "invalid")
        for split in (row["split"], "all"):
            out[split][0] += caught
            out[split][1] += 1
            if not caught:
                out[split][2].append(row["domain"])
    return {k: tuple(v) for k, v in out.items()}


def dnstwist_recall(detector: LookalikeDetector) -> dict[str, list]:
    """fuzzer -> [caught, total, missed examples]."""
    import dnstwist

    words, tlds = read_dict("dnstwist-english.dict"), read_dict("dnstwist-common_tlds.dict")
    rng = random.Random(13)
    hits: dict[str, list] = defaultdict(lambda: [0, 0, []])
    for brand, (domain, _) in sorted(detector.brands.items()):
        fuzzy = brand not in detector.exact_only
        fz = dnstwist.Fuzzer(domain, dictionary=words, tld_dictionary=tlds)
        fz.generate()
        by: dict[str, list[str]] = defaultdict(list)
        for d in fz.domains:
            by[d["fuzzer"]].append(d["domain"])
        for fuzzer, names in by.items():
            if fuzzer.startswith("*") or not (fuzzy or fuzzer == "homoglyph"):
                continue
            names = sorted(set(names))
            if fuzzer in SAMPLED and len(names) > SAMPLED[fuzzer]:
                names = rng.sample(names, SAMPLED[fuzzer])
            key = fuzzer if fuzzy else "homoglyph (brands < 5 letters)"
            for name in names:
                label = name.split(".")[0]
                if name in detector.domains or (label in detector.brands and name.endswith(".vn")):
                    continue  # another official name (nhandan.org.vn for nhandan.vn)
                caught = judge(detector, f"https://{name}/") not in (None, "invalid")
                h = hits[key]
                h[0] += caught
                h[1] += 1
                if not caught and len(h[2]) < 6:
                    h[2].append(name)
    return hits


def false_alarms(detector: LookalikeDetector, names: list[str]) -> list[tuple[str, str]]:
    found = [(d, judge(detector, f"https://{d}/")) for d in names]
    return [(d, c) for d, c in found if c and c != "invalid"]


def cost(detector: LookalikeDetector, names: list[str]) -> float:
    sfx = default_suffix_list()
    pairs = [(h, sfx.registrable_domain(h)) for h in names]
    times = []
    for _ in range(3):
        for h, d in pairs:
            t0 = time.perf_counter()
            detector.find(h, d)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    show = "--misses" in sys.argv
    detector = LookalikeDetector(load_allow())
    print("Real imitations (hostsVN threat list, labelled), deny list empty:")
    for split in ("tuning", "heldout", "all"):
        ok, n, missed = real_recall(detector)[split]
        print(f"  {split:>8}: {ok}/{n} = {ok / n:.1%}")
        if show and split == "tuning":
            print("   missed:", " ".join(missed))
    vn, world = read_list("vn-legit.txt"), read_list("world-top.txt")
    for name, names in (
        ("Vietnamese legitimate (vn-legit.txt)", vn),
        ("worldwide popular (world-top.txt)", world),
    ):
        fps = false_alarms(detector, names)
        print(f"False alarms, {name}: {len(fps)}/{len(names)} = {len(fps) / len(names):.2%}")
        if fps:
            print("   ", " ".join(f"{d}({c})" for d, c in fps[:20]))
    print("dnstwist permutations (fuzzy brands >= 5 letters; homoglyphs for all):")
    for fuzzer, (ok, n, missed) in sorted(dnstwist_recall(detector).items()):
        print(f"  {fuzzer:>30}: {ok / n:6.1%} ({ok}/{n})  {' '.join(missed)}")
    print(f"find() on unknown legitimate names: median {cost(detector, vn + world) * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
