def test_fake_page_of_an_official_page_is_suspicious(client):
    """TEST_RULES allow facebook.com/ubndthunghiem; a page one letter off imitates it."""
    body = client.get(
        "/api/v1/check", query_string={"url": "https://www.facebook.com/ubndthunghiemm"}
    ).get_json()
    assert body["verdict"] == "suspicious"
    assert body["imitates"]["domain"] == "facebook.com/ubndthunghiem"
    assert body["reasons"][0]["code"] == "lookalike_page"


def _verdict(client, url):
    body = client.get("/api/v1/check", query_string={"url": url}).get_json()
    return body["verdict"], body["reasons"][0]["code"]


def test_a_domain_under_review_is_not_called_an_imitation(app, client):
    """baothuxem.vn waits in the review queue while baothuxem.com.vn is listed: same name on
    another ending, yet not a fake, before and after an admin rejects it (the same name on
    another .vn suffix reads as the outlet's own, issue 13); on another TLD it is one."""
    from server.core import Rule

    store = app.extensions["khongvoi.store"]
    store.add_rule(
        Rule(
            "baothuxem.com.vn", "allow", "Báo Thử Xem", "press_local", "national", "https://x.vn/a"
        )
    )
    store.add_pending(
        [Rule("baothuxem.vn", "allow", "Báo Thử Xem", "press_local", "national", "")], "test"
    )
    app.extensions["khongvoi.checker"].refresh(force=True)
    assert _verdict(client, "https://baothuxem.vn/tin/1") == ("unknown", "not_listed")
    assert _verdict(client, "https://baothuxem.net/tin/1") == ("suspicious", "lookalike_tld_swap")
    (entry,) = [e for e in store.list_pending() if e.pattern == "baothuxem.vn"]
    store.decide_pending(entry.id, False, "Không đủ bằng chứng")
    app.extensions["khongvoi.checker"].refresh(force=True)
    # a rejection leaves it unlisted, not an imitation; baothuxem.net still is one
    assert _verdict(client, "https://baothuxem.vn/tin/2") == ("unknown", "not_listed")
    assert _verdict(client, "https://baothuxem.net/tin/2") == ("suspicious", "lookalike_tld_swap")


def test_a_domain_named_in_an_official_sources_evidence_is_its_own(app, client):
    """An allow rule's evidence naming another domain (the outlet's old one) makes that domain
    the source's: never called an imitation of it; without the mention it is one (issue 13)."""
    from server.core import Rule

    store = app.extensions["khongvoi.store"]
    for pattern, evidence in (
        ("baothuxyz.vn", "https://mic.gov.vn/gp-123 ; trước đây: https://baothuxyz-online.com/"),
        ("baothuabc.vn", "https://mic.gov.vn/gp-124"),
    ):
        store.add_rule(Rule(pattern, "allow", "Báo Thử", "press", "national", evidence))
    app.extensions["khongvoi.checker"].refresh(force=True)
    assert _verdict(client, "https://baothuxyz-online.com/a") == ("unknown", "not_listed")
    assert _verdict(client, "https://baothuabc-online.com/a") == (
        "suspicious",
        "lookalike_combosquat",
    )
    # the path of an evidence URL names no host (/tin/baothuabc-online.com.htm)
    store.add_rule(
        Rule("baothudef.vn", "allow", "Báo Thử", "press", "national",
             "https://mic.gov.vn/tin/baothudef-online.com.htm")
    )  # fmt: skip
    app.extensions["khongvoi.checker"].refresh(force=True)
    assert _verdict(client, "https://baothudef-online.com/a")[0] == "suspicious"
