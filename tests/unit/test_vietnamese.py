"""Vietnamese words in ASCII domain labels."""

from __future__ import annotations

import pytest

from server.core.vietnamese import PLACES, is_vietnamese, place_siblings


@pytest.mark.parametrize(
    "label",
    [
        "baochinhphu",
        "laodongthudo",
        "tuoitre",
        "nhandan",
        "daibieunhandan",
        "quandoinhandan",
        "nguoilaodong",
        "thanhnien",
        "tienphong",
        "giaoducthoidai",
        "baoquangninh",
        "huou",
        "nghean",
        "khuyen",
        "thue",
        "dichvucong",
        "congthongtin",
        "daklak",
    ],
)
def test_vietnamese_names(label):
    assert is_vietnamese(label)


@pytest.mark.parametrize(
    "label",
    [
        "vnexpress",
        "news",
        "vnnic",
        "baochinhphunews",
        "24h",
        "tuoitre24h",
        "google",
        "",
        "bao-chinh-phu",
        "xyz",
        "dantri2",
    ],
)
def test_not_vietnamese(label):
    assert not is_vietnamese(label)


def test_places_are_vietnamese_and_siblings_swap_the_place():
    assert len(PLACES) >= 63
    assert all(is_vietnamese(p) for p in PLACES if p not in {"tphcm", "hcm"})
    siblings = place_siblings("baoquangninh")
    assert {"baoquangbinh", "baohanoi", "baothanhhoa"} <= siblings
    assert "baoquangninh" not in siblings
    assert place_siblings("vnexpress") == set()
