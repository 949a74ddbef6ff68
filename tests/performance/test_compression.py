"""Public tracker pages are cached compressed and sent compressed to browsers that accept it."""

import gzip


def test_tracker_page_is_sent_gzip_compressed_to_browsers_that_accept_it(client, platform_factory):
    platform_factory(name="Alpha", slug="alpha")
    plain = client.get("/tracker/platforms/alpha")
    compressed = client.get("/tracker/platforms/alpha", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == compressed.status_code == 200
    assert "Content-Encoding" not in plain.headers and "Alpha" in plain.get_data(as_text=True)
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.data) == plain.data
    assert "Accept-Encoding" in compressed.headers["Vary"]
