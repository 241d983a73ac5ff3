"""HTML decoding: BOM, HTTP charset, meta charset, fallbacks; never an exception."""

from feedtui.extract.charset import decode_html


def test_meta_charset():
    page = "<meta charset='iso-8859-2'><p>Šefčovič</p>".encode("iso-8859-2")
    assert "Šefčovič" in decode_html(page)


def test_http_header_wins_over_default():
    assert decode_html("café".encode("cp1252"), "text/html; charset=windows-1252") == "café"


def test_bom():
    assert decode_html(b"\xff\xfe" + "hi".encode("utf-16-le")) == "hi"
    assert decode_html(b"\xef\xbb\xbfhi") == "hi"


def test_bad_declarations_fall_back():
    assert decode_html(b"<meta charset=nonsense>caf\xc3\xa9") .endswith("café")
    assert decode_html(b"caf\xe9") == "café"
    assert decode_html("plain".encode(), "text/html; charset=utf-16") == "plain"
