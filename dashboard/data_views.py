"""Open data: bulk downloads, data releases, and the Atom feed of releases and corrections."""

import itertools

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from dashboard.caching import cached_page
from inspections.datasets import ATTRIBUTION, DATASETS, FORMATS, LICENCE, LICENCE_URL, stream_csv, stream_json
from inspections.models import Correction, DataRelease, ReleaseFile
from inspections.text_guard import strip_control_characters

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@cached_page(params=())
def data_index(request):
    releases = list(DataRelease.objects.order_by("-released_at", "-id")[:50])
    return render(
        request,
        "dashboard/data.html",
        {
            "datasets": [(dataset, dataset.count()) for dataset in DATASETS.values()],
            "formats": FORMATS,
            "releases": releases,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "attribution": ATTRIBUTION,
            "title": "Download the data",
        },
    )


def dataset_or_404(slug, fmt):
    if slug not in DATASETS:
        raise Http404(f"No dataset called {slug!r}; there are: {', '.join(DATASETS)}.")
    if fmt not in FORMATS:
        raise Http404(f"No format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    return DATASETS[slug]


def data_download(request, slug, fmt):
    """The dataset as it is now, streamed (constant memory however large the table)."""
    dataset = dataset_or_404(slug, fmt)
    now = timezone.now()
    stream = stream_csv(dataset) if fmt == "csv" else stream_json(dataset, now)
    response = StreamingHttpResponse(started(stream), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="crc-{slug}-{now:%Y-%m-%d}.{fmt}"'
    response["X-Generated-At"] = now.isoformat(timespec="seconds")
    response["Cache-Control"] = "no-cache"
    return response


def started(stream):
    """The stream with its first rows already read. The database is asked here, in the view, so an
    outage is a 503 from DatabaseUnavailableMiddleware rather than a response that breaks off after
    its headers were sent."""
    first = list(itertools.islice(stream, 2))  # the header, then the chunk holding the first rows
    return itertools.chain(first, stream)


@cached_page(params=())
def release_detail(request, identifier):
    release = get_object_or_404(DataRelease, identifier=identifier)
    files = {(f.dataset, f.format): f for f in release.files.defer("content")}
    rows = [(dataset, [files.get((dataset.slug, fmt)) for fmt in FORMATS]) for dataset in DATASETS.values()]
    return render(
        request,
        "dashboard/release.html",
        {"release": release, "rows": rows, "licence": LICENCE, "licence_url": LICENCE_URL, "title": str(release)},
    )


def release_download(request, identifier, slug, fmt):
    dataset_or_404(slug, fmt)
    file = get_object_or_404(ReleaseFile, release__identifier=identifier, dataset=slug, format=fmt)
    response = HttpResponse(file.content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="crc-{slug}-release-{identifier}.{fmt}"'
    response["ETag"] = f'"{file.sha256}"'
    # A release never changes, so it may be kept for a year.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class ReleasesAndCorrectionsFeed(Feed):
    """Data releases and editors' corrections, newest first (Atom)."""

    feed_type = Atom1Feed
    title = "CRC performance dashboard: data releases and corrections"
    subtitle = "New data releases, and corrections editors make to published inspections, with their reasons."
    author_name = "CRC performance dashboard"

    def link(self):
        return reverse("dashboard:data")

    def items(self):
        releases = list(DataRelease.objects.order_by("-released_at")[:30])
        corrections = list(Correction.objects.select_related("inspection").order_by("-made_at")[:50])
        return sorted([*releases, *corrections], key=self.item_pubdate, reverse=True)[:50]

    # Text editors typed may hold a control character (stored before they were refused), which
    # XML cannot carry at all: the feed drops them so it stays well-formed.
    def item_title(self, item):
        if isinstance(item, DataRelease):
            return f"Data release {item.identifier}"
        return strip_control_characters(f"Correction: {item.inspection_label}")

    def item_description(self, item):
        if isinstance(item, DataRelease):
            text = " ".join(filter(None, [item.changelog.get("summary", ""), item.notes]))
        else:
            made = item.made_at.strftime("%-d %B %Y")
            reason = item.reason.strip().rstrip(".") or "none given"
            text = f"Corrected on {made}. {item.in_words()} Reason: {reason}."
        return strip_control_characters(text)

    def item_link(self, item):
        if isinstance(item, DataRelease):
            return item.get_absolute_url()
        if item.inspection_id:
            return reverse("dashboard:inspection", args=[item.inspection_id])
        return reverse("dashboard:data") + f"#correction-{item.pk}"

    def item_guid(self, item):
        return f"{type(item).__name__.lower()}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.released_at if isinstance(item, DataRelease) else item.made_at

    def item_updateddate(self, item):
        return self.item_pubdate(item)


releases_feed = cached_page(ReleasesAndCorrectionsFeed(), params=())
