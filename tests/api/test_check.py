

def test_fake_page_of_an_official_page_is_suspicious(client):
    """TEST_RULES allow facebook.com/ubndthunghiem; a page one letter off imitates it."""
    body = client.get("/api/v1/check", query_string={
        "url": "https://www.facebook.com/ubndthunghiemm"}).get_json()
    assert body["verdict"] == "suspicious"
    assert body["imitates"]["domain"] == "facebook.com/ubndthunghiem"
    assert body["reasons"][0]["code"] == "lookalike_page"
