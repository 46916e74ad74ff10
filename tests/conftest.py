import pytest
from django.conf import settings
from django.core.cache import cache

from dashboard.caching import page_cache

# Every page view reads the data version, so a test sees its own writes at once (production reuses
# it for a second: tests/test_caching.py VersionReuseTests; across processes: test_two_processes).
settings.DATA_VERSION_SECONDS = 0
# Nor do pages stay in a process's memory (tests clear the shared cache to render again):
# tests/test_caching.py PageMemoryTests turns it on.
settings.PAGE_MEMORY_BYTES = 0


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Test databases roll back, so a data version can recur with other data: start each test clean.
    cache.clear()
    page_cache.forget()
    yield
