import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Test databases roll back, so a data version can recur with other data: start each test clean.
    cache.clear()
    yield
