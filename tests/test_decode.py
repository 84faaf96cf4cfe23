"""Page bytes to text (reader.parse.decode_page), shared by `quietpage extract` and the fetcher:
whatever charset a page declares, it decodes."""
import pytest

from quietpage.reader.parse import decode_page

from conftest import LOREM
from server_process import run_cli

BODY = "".join(f"<p>{p}</p>" for p in LOREM)


@pytest.mark.parametrize("raw, header, text", [
    (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", None, "<p>café</p>"),
    ("<p>café</p>".encode("utf-16"), None, "<p>café</p>"),
    ("<p>café</p>".encode("latin-1"), "iso-8859-1", "<p>café</p>"),
    (b'<meta charset="iso-8859-1"><p>caf\xe9</p>', None, '<meta charset="iso-8859-1"><p>café</p>'),
    (b'<meta charset="bogus-x"><p>caf\xe9</p>', None, '<meta charset="bogus-x"><p>café</p>'),
    (b"<p>caf\xe9</p>", "bogus-header", "<p>café</p>"),
])
def test_bom_header_declaration_or_a_guess_and_unknown_charsets_are_skipped(raw, header, text):
    assert decode_page(raw, header) == text


def test_extract_reads_a_page_that_declares_an_unknown_charset(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(("<html><head><meta charset='bogus-x'><title>Caf\xe9 harbour</title></head><body>"
                      f"<article>{BODY}</article></body></html>").encode("latin-1"))
    result = run_cli("extract", str(page), "--url", "https://example.com/a", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Café harbour" in result.stdout.decode()
