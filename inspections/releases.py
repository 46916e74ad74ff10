"""Versioned, citable data releases: every dataset frozen under an identifier and a date.

A release stores each dataset's CSV and JSON as they were (ReleaseFile), so a citation of
"release 2026-11" always finds the same bytes. Its changelog compares the frozen inspections and
ratings with the previous release's and lists the editors' corrections, with their reasons,
made in between.
"""

import csv
import hashlib
import io
import re

from django.db import transaction
from django.utils import timezone

from inspections.datasets import DATASETS, stream_csv, stream_json
from inspections.models import Correction, DataRelease, ReleaseFile

IDENTIFIER = re.compile(r"^\d{4}-\d{2}(-[a-z0-9]+)?$")


class ReleaseError(Exception):
    pass


def suggested_identifier(now=None):
    """YYYY-MM, or YYYY-MM-2, -3, ... when that month already has a release."""
    base = f"{(now or timezone.now()):%Y-%m}"
    taken = set(DataRelease.objects.filter(identifier__startswith=base).values_list("identifier", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def cut_release(identifier=None, notes="", editor=""):
    """Freeze every dataset now under `identifier`; all or nothing."""
    identifier = identifier or suggested_identifier()
    if not IDENTIFIER.match(identifier):
        raise ReleaseError(f"Release identifier {identifier!r} must look like 2026-11 or 2026-11-2.")
    if DataRelease.objects.filter(identifier=identifier).exists():
        raise ReleaseError(f"There is already a release {identifier!r}; releases are never overwritten.")
    previous = DataRelease.objects.order_by("-released_at", "-id").first()
    now = timezone.now()
    release = DataRelease.objects.create(identifier=identifier, released_at=now, released_by=editor, notes=notes)
    for dataset in DATASETS.values():
        rows = list(dataset.rows())
        for fmt, stream in (("csv", stream_csv(dataset, rows)), ("json", stream_json(dataset, now, identifier, rows))):
            content = "".join(stream)
            ReleaseFile.objects.create(
                release=release,
                dataset=dataset.slug,
                format=fmt,
                content=content,
                rows=len(rows),
                sha256=hashlib.sha256(content.encode()).hexdigest(),
            )
    release.changelog = changelog(release, previous)
    release.save(update_fields=["changelog"])
    return release


def frozen_rows(release, dataset):
    """The rows of a dataset as frozen in a release, as dicts of text (the CSV, read back)."""
    file = release.files.get(dataset=dataset, format="csv")
    return list(csv.DictReader(io.StringIO(file.content)))


def unescape(cell):
    return cell[1:] if cell.startswith("'") else cell


def changelog(release, previous):
    """What changed since `previous` (None for the first release): added and removed
    inspections, changed overall and standard ratings, and the corrections with reasons."""
    inspections_now = {row["inspection_id"]: row for row in frozen_rows(release, "inspections")}
    ratings_now = {(row["inspection_id"], row["standard_code"]): row for row in frozen_rows(release, "ratings")}
    corrections = Correction.objects.filter(made_at__lte=release.released_at)
    if previous is None:
        return {
            "previous": None,
            "summary": f"First release: {len(inspections_now)} inspections, {len(ratings_now)} standard ratings.",
            "added_inspections": sorted(describe(row) for row in inspections_now.values()),
            "removed_inspections": [],
            "rating_changes": [],
            "corrections": correction_list(corrections),
        }
    inspections_before = {row["inspection_id"]: row for row in frozen_rows(previous, "inspections")}
    ratings_before = {(row["inspection_id"], row["standard_code"]): row for row in frozen_rows(previous, "ratings")}
    added = [describe(row) for key, row in inspections_now.items() if key not in inspections_before]
    removed = [describe(row) for key, row in inspections_before.items() if key not in inspections_now]
    changes = []
    for key, row in inspections_now.items():
        before = inspections_before.get(key)
        if before and before["overall_rating"] != row["overall_rating"]:
            changes.append(rating_change(row, "Overall rating", before["overall_rating"], row["overall_rating"]))
    for key in sorted(set(ratings_now) | set(ratings_before)):
        if key[0] not in inspections_before or key[0] not in inspections_now:
            continue  # added or removed with its inspection
        before, now = ratings_before.get(key, {}), ratings_now.get(key, {})
        old, new = value_of(before), value_of(now)
        if old != new:
            row = now or before
            changes.append(
                rating_change(inspections_now[key[0]], f"{row['standard_code']} {row['standard']}", old, new)
            )
    since = corrections.filter(made_at__gt=previous.released_at)
    summary = (
        f"Since release {previous.identifier}: {len(added)} inspection{'s' * (len(added) != 1)} added, "
        f"{len(removed)} removed, {len(changes)} rating{'s' * (len(changes) != 1)} changed, "
        f"{since.count()} correction{'s' * (since.count() != 1)} by editors."
    )
    return {
        "previous": previous.identifier,
        "summary": summary,
        "added_inspections": sorted(added),
        "removed_inspections": sorted(removed),
        "rating_changes": changes,
        "corrections": correction_list(since),
    }


def value_of(row):
    if not row:
        return ""
    return unescape(row.get("rating") or "") or unescape(row.get("judgement") or "")


def describe(row):
    return f"{row['provider']} ({row['published'] or 'date not stated'}), inspection {row['inspection_id']}"


def rating_change(inspection_row, what, old, new):
    return {
        "inspection": describe(inspection_row),
        "inspection_id": int(inspection_row["inspection_id"]),
        "what": what,
        "before": old or "not recorded",
        "after": new or "not recorded",
    }


def correction_list(corrections):
    return [
        {
            "inspection": correction.inspection_label,
            "inspection_id": correction.inspection_id,
            "made_at": correction.made_at.isoformat(timespec="seconds"),
            "reason": correction.reason,
            "changes": correction.changes,
        }
        for correction in corrections.order_by("made_at", "id")
    ]
