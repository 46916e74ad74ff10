"""Fingerprints of rows as the database holds them: what an editor's page or an import was built
from, compared again when it is saved, so that nobody's change is silently undone."""

import hashlib
import json


def fingerprint(*querysets):
    """A hash of every column of every row of the querysets, in primary-key order."""
    rows = [list(queryset.order_by("pk").values()) for queryset in querysets]
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
