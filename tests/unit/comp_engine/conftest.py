"""Fixtures for the commission engine's unit tests: a builder of input files."""
import pytest
from comp_payout_builders import PayoutFiles


@pytest.fixture
def files(tmp_path) -> PayoutFiles:
    """An empty set of payout input files in a fresh folder."""
    return PayoutFiles(tmp_path)
