"""The offline lookalike detector: the snapshot's ``lookalike`` section, the files generated
from the server's data, and the differential test — Python's ``find()`` and the extension's
``lib/lookalike.js`` (run by ``node``) on the shared cases and thousands of generated and real
hosts, from the snapshot of the default lists, must give the same answers."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.core import InvalidURL, parse_url
from server.core.domains import default_suffix_list
from server.core.lookalike_offline import pack_chars, plain_char, plain_table
from server.core.skeleton import _confusable_map

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT / "tools"))
import build_offline  # noqa: E402

FUZZERS = [
    "addition",
    "bitsquatting",
    "cyrillic",
    "dictionary",
    "homoglyph",
    "hyphenation",
    "insertion",
    "omission",
    "plural",
    "repetition",
    "replacement",
    "subdomain",
    "tld-swap",
    "transposition",
    "various",
    "vowel-swap",
]

#: Runs lib/lookalike.js on the hosts of argv[2] with the snapshot of argv[1].
NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { LookalikeDetector } from "%s";
const snap = JSON.parse(readFileSync(process.argv[1], "utf8"));
const hosts = JSON.parse(readFileSync(process.argv[2], "utf8"));
const det = new LookalikeDetector(snap.lookalike, snap.rules);
const out = hosts.map(([host, canonical]) => {
  const f = det.check(host, canonical);
  return f ? [f.code, f.domain, f.name] : null;
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """The snapshot of a fresh server with the default lists, and its detector."""
    from tests.live import make_test_app

    app = make_test_app(tmp_path_factory.mktemp("offline"))
    service = app.extensions["khongvoi.checker"]
    snap = service.snapshot()
    yield snap, service.checker().lookalike
    app.extensions["khongvoi.store"].dispose()


def test_generated_files_are_current(snapshot):
    """Run ``tools/build_offline.py`` when this fails (the lists, words or tldextract moved)."""
    snap, _ = snapshot
    suffixes = (ROOT / "extension" / "lib" / "suffixes.js").read_text("utf-8")
    assert suffixes == build_offline.render_suffixes()
    data = (ROOT / "tests" / "cases" / "lookalike-data.json").read_text("utf-8")
    assert json.loads(data)["lookalike"] == json.loads(snap.body)["lookalike"]
    assert data == build_offline.render_data(json.loads(snap.body))


def test_snapshot_section(snapshot):
    snap, detector = snapshot
    section = json.loads(snap.body)["lookalike"]
    assert section["format"] == 1
    assert set(section["domains"]) == set(detector.domains)
    assert section["brands"]["tuoitre"] == "vn"
    assert "tuyengiao.vn" in section["candidates"]  # waiting in the review queue
    assert "dichvucong" in section["words"]["gov_substrings"]
    assert section["words"]["min_fuzzy"] == 5


def test_plain_table_is_the_skeleton():
    """Every character packed reads as its ASCII; Cyrillic а, Greek ο and đ are there."""
    skeleton = _confusable_map()
    table = plain_table()
    for ascii_, chars in table.items():
        assert all(plain_char(c, skeleton) == ascii_ for c in chars)
    assert "а" in table["a"] and "ο" in table["o"] and "đ" in table["d"] and "0" in table["o"]
    assert pack_chars("BDEFGH") == "1u,2+4"


def _read(name: str) -> list[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [ln.split("\t")[0].split(",")[0].strip() for ln in lines if ln.strip()]


def _hosts(detector) -> list[str]:
    """Shared cases, bench data (real threat names, legitimate names, world top names), the
    real dnstwist's permutations and generated variants of every brand."""
    from bench.bench_lookalike import TLDS, fuzz

    rng = random.Random(13)
    names: list[str] = []
    cases = json.loads((ROOT / "tests" / "cases" / "lookalike.json").read_text("utf-8"))
    names += [c["url"] for c in cases["cases"]]
    for file in (
        "realworld-imitations.csv",
        "vn-legit.txt",
        "world-top.txt",
        "top-domains.txt",
        "popular-domains.txt",
        "hard-cases.txt",
    ):
        names += [n for n in _read(file) if not n.startswith(("#", "domain"))]
    words = [w for w in _read("dnstwist-english.dict") if not w.startswith("//")]
    tlds = [w for w in _read("dnstwist-common_tlds.dict") if not w.startswith("//")]
    try:
        import dnstwist
    except ImportError:  # pragma: no cover - a dev requirement
        dnstwist = None
    fillers = ["news", "online", "tin", "24h", "vn", "tv", "quatang", "hotro", "bao", "moi", "1"]
    cyrillic = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
    accents = {"a": "àáâãạăắ", "e": "èéêẹế", "o": "òóôõơọ", "u": "ùúưụ", "i": "ìíị", "d": "đ"}
    agency = ["dichvucong", "bocongan", "bhxh", "chinhphu", "gov", "thue", "vneid", "bca", "gdt"]
    for i, (brand, (domain, _)) in enumerate(sorted(detector.brands.items())):
        if dnstwist is not None:
            fz = dnstwist.Fuzzer(domain, dictionary=words, tld_dictionary=tlds)
            # the homoglyph fuzzer costs 0.2 s a brand: one brand in four
            fz.generate([] if i % 4 == 0 else [f for f in FUZZERS if f != "homoglyph"])
            found = sorted({d["domain"] for d in fz.domains})
            names += rng.sample(found, min(60, len(found)))
        for variants in fuzz(brand, rng).values():
            names += [
                f"{v}.{rng.choice(TLDS)}" for v in rng.sample(variants, min(4, len(variants)))
            ]
        tld = rng.choice(TLDS)
        names += [
            f"{brand}{rng.choice(fillers)}.{tld}",
            f"{rng.choice(fillers)}{brand}.{tld}",
            f"{brand}-{rng.choice(fillers)}.{rng.choice(TLDS)}",
            f"{domain}.{rng.choice(['tin-moi', 'xyz', 'login'])}.{tld}",
            f"{brand}.{rng.choice(['blogspot.com', 'weebly.com', 'github.io', 'web.app'])}",
            f"x{brand}{rng.randint(0, 99)}.vn",
            f"{brand[: len(brand) // 2]}.{brand[len(brand) // 2 :]}.vn",
            "".join(cyrillic.get(c, c) if rng.random() < 0.3 else c for c in brand) + f".{tld}",
            "".join(
                rng.choice(accents[c]) if c in accents and rng.random() < 0.4 else c for c in brand
            )
            + f".{tld}",
        ]
    for _ in range(2000):
        parts = rng.sample(agency + fillers + ["dangky", "tracuu", "canhan", "my", "portal"], 2)
        names.append(
            f"{rng.choice(['', 'www.', 'dvc.'])}{rng.choice(['', '-']).join(parts)}."
            f"{rng.choice([*TLDS, 'gov.vn', 'edu.vn', 'gov.sg', 'us', 'io'])}"
        )
    # other names with a look-alike letter of another script (mixed scripts), and whole
    # names in other scripts or with Vietnamese letters (the skeleton's other paths)
    greek = {"o": "ο", "a": "α", "v": "ν", "i": "ι", "k": "κ", "t": "τ"}
    world = [n for n in _read("world-top.txt") if not n.startswith("#")]
    for name in rng.sample(world, 600):
        letters = {**cyrillic, **greek} if rng.random() < 0.5 else cyrillic
        at = [i for i, c in enumerate(name.split(".")[0]) if c in letters]
        if at:
            i = rng.choice(at)
            names.append(name[:i] + letters[name[i]] + name[i + 1 :])
    names += [
        "пример.рф",
        "яндекс.рф",
        "вконтакте.com",
        "ελληνικά.gr",
        "σίσυφος.gr",
        "中国.cn",
        "日本語.jp",
        "한국.kr",
        "ไทย.th",
        "مثال.com",
        "bücher.de",
        "straße.de",
        "tiếngviệt.vn",
        "trườnghọc.vn",
        "báochínhphủ.com",
        "cổngdịchvụcông.com",
        "thuếđiệntử.net",
        "ḍantri.com",
        "ɡov-vn.com",
        "ꞓongan.com",
    ]
    # pages on shared platforms: slips and dress-up of the official pages' names
    for domain, pages in sorted(detector.pages.items()):
        for page in pages:
            variants = [v for vs in fuzz(page, rng).values() for v in vs]
            for v in rng.sample(variants, min(40, len(variants))):
                names.append(f"https://{rng.choice(['', 'm.', 'www.'])}{domain}/{v}")
            names += [
                f"https://{domain}/{page}{rng.choice(fillers)}",
                f"https://{domain}/{rng.choice(fillers)}.{page}/posts/1",
                f"https://{domain}/groups/{page[:-1]}",
                f"https://{domain}/@{page}-official",
            ]
    urls: set[tuple[str, str]] = set()
    for name in names:
        try:
            u = parse_url(name if "//" in name else f"https://{name}/")
        except (InvalidURL, ValueError):
            continue
        urls.add((u.host, u.canonical))
    return sorted(urls)


def _python_answer(detector, host: str, canonical: str):
    """What the server's checker asks of the detector for an unlisted link."""
    domain = default_suffix_list().registrable_domain(host)
    found = detector.find(host, domain)
    if found is None and domain in detector.pages:
        head = "/".join(canonical.split("?", 1)[0].split("/", 6)[3:5])
        found = detector.find_page(domain, head)
    return None if found is None else [found.code, found.domain, found.name]


def test_javascript_detector_agrees_with_python(snapshot, tmp_path):
    """The differential test (issue 13, offline): every host, the same imitation or none."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the extension's detector cannot run")
    snap, detector = snapshot
    hosts = _hosts(detector)
    assert len(hosts) > 5000
    expected = [_python_answer(detector, host, canonical) for host, canonical in hosts]
    (tmp_path / "snapshot.json").write_bytes(snap.body)
    (tmp_path / "hosts.json").write_text(json.dumps(hosts), "utf-8")
    module = (ROOT / "extension" / "lib" / "lookalike.js").as_uri()
    run = subprocess.run(
        [
            node,
            "--input-type=module",
            "-e",
            NODE_SCRIPT % module,
            str(tmp_path / "snapshot.json"),
            str(tmp_path / "hosts.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = json.loads(run.stdout)
    differ = [(h[1], e, g) for h, e, g in zip(hosts, expected, got, strict=True) if e != g]
    flagged = sum(e is not None for e in expected)
    pages = sum(e is not None and e[0] == "lookalike_page" for e in expected)
    print(
        f"\nlookalike differential: {len(hosts)} links ({flagged} imitations, {pages} of "
        f"pages), {len(differ)} differ"
    )
    assert not differ, differ[:20]
