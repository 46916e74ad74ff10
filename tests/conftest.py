import pytest
from django.conf import settings
from django.core.cache import cache

# Every page view reads the data version, so a test sees its own writes at once (production reuses
# it for a second: tests/test_caching.py VersionReuseTests; across processes: test_two_processes).
settings.DATA_VERSION_SECONDS = 0


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Test databases roll back, so a data version can recur with other data: start each test clean.
    cache.clear()
    yield
