import pytest
from django.conf import settings

from jobbridge.jobtitles.coder import Coder, table_from_csv
from jobbridge.jobtitles.semantic import Encoder
from tests.api.conftest import ApiClient


@pytest.fixture(scope="session")
def table():
    return table_from_csv()


@pytest.fixture(scope="session")
def coder(table):
    """The full coder (with the encoder) from the shipped table, built once per test session;
    embeddings are cached under JOBBRIDGE_VAR_DIR, so later sessions skip the embedding."""
    return Coder(table, encoder=Encoder(threads=1), cache_dir=settings.VAR_DIR / "jobtitles")


@pytest.fixture(scope="session")
def lexical(table):
    return Coder(table)


@pytest.fixture
def api():
    return ApiClient
