"""Cadence's shortcuts in how reportlab writes PDF objects must give reportlab's own bytes."""
import pytest
from hypothesis import given, strategies as st

from reports.styles import _REPORTLAB_PDFDOC_ENC, _pdfdoc_encoded


def _reportlab(text):
    try:
        return _REPORTLAB_PDFDOC_ENC(text)
    except UnicodeEncodeError:
        return UnicodeEncodeError


def _cadence(text):
    try:
        return _pdfdoc_encoded(text)
    except UnicodeEncodeError:
        return UnicodeEncodeError


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)))
def test_any_text_encodes_to_reportlab_s_pdfdoc_bytes_or_is_refused_alike(text):
    assert _cadence(text) == _reportlab(text)


@pytest.mark.parametrize("text", ["12 0 obj\n", "/Type /Page", "", "\x18", "a\x1fb", "Œuvre ˘", "\x7f", b"raw"])
def test_names_numbers_and_the_codes_pdfdoc_gives_other_characters(text):
    # 0x18-0x1f are breve, caron, ... in PDFDocEncoding: not plain ASCII, so they go to reportlab's codec.
    assert _cadence(text) == _reportlab(text)
