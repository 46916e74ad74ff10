"""A press release, news report or blog post: the held inspection it speaks of (or a new one it
makes known), its source document from the text's header, and only what it adds or corrects."""

import re

from django.utils.text import slugify

from inspections.models import (
    Framework,
    Inspection,
    Provider,
    Rating,
    Report,
    SourceDocument,
    normalise_name,
)
from inspections.report_import.plan import Reading, is_confirmed, source_slug
from inspections.report_parser import ReportImportError, read_document


def target_report(extraction, raw, filename, plan, override, include_uncertain, report_slug):
    """The held report a secondary source speaks of, or None (with the reason in plan.missing)."""
    found = extraction.fields.get("provider")
    recognised = None
    if found is not None and is_confirmed(found, "field:provider", include_uncertain):
        recognised = Provider.objects.get(slug=found.value)
    if report_slug:
        report = Report.objects.filter(slug=report_slug).select_related("framework", "document").first()
        if report is None:
            raise ReportImportError(filename, f"--report: no report with the slug '{report_slug}'")
        inspections = list(report.inspections.select_related("provider"))
        text = read_document(raw, filename).text
        provider = override or recognised or (inspections[0].provider if len(inspections) == 1 else None)
        held = ", ".join(i.provider.name for i in inspections)
        if provider is None or provider.pk not in {i.provider_id for i in inspections}:
            named = provider.name if provider else "no provider"
            unnamed = [i.provider.name for i in inspections if not names_provider(text, i.provider)]
            also = f"; the text does not name {', '.join(unnamed)}" if unnamed else ""
            raise ReportImportError(filename, f"the text is about {named}, but {report.slug} inspected {held}{also}")
        if not override and not names_provider(text, provider):
            raise ReportImportError(
                filename, f"the text does not name {provider.name}, which {report.slug} inspected: pass --provider"
            )
        plan.providers["provider"] = provider
        return report
    provider = override or recognised
    published = extraction.fields.get("published")
    if provider is None or published is None:
        plan.missing.append(
            "which inspection this text is about: it states "
            + ("no provider we are sure of" if provider is None else "no publication date")
            + "; name the report with --report"
        )
        return None
    year, month = (int(part) for part in published.value.split("-")[:2])
    held = Inspection.objects.filter(
        provider=provider, report__published__year=year, report__published__month=month
    ).select_related("report__framework", "report__document")
    if len(held) != 1:
        plan.missing.append(
            f"which inspection this text is about: {provider.name} has {len(held)} reports published in "
            f"{published.value[:7]}; name the report with --report"
        )
        return None
    plan.providers["provider"] = provider
    return held[0].report


def names_provider(text, provider):
    """Whether the text names the provider by any name the catalogue holds for it."""
    text = f" {normalise_name(text)} "
    return any(f" {name} " in text for name in provider.match_names)


OWNER_FIELDS = ("owner", "owner_text", "owner_source", "owner_location", "owner_quote")
HEADER_LINE = re.compile(r"(URL|Kind|Title|Publisher): *(.*)$")
SOURCE_KINDS = {
    "press-release": SourceDocument.Kind.PRESS_RELEASE,
    "news": SourceDocument.Kind.NEWS,
    "blog": SourceDocument.Kind.BLOG,
    "report": SourceDocument.Kind.REPORT_COPY,
    "parliament": SourceDocument.Kind.PARLIAMENT,
}


def text_header(raw):
    """The 'URL:', 'Kind:', 'Title:', 'Publisher:' lines a saved public text starts with."""
    header = {}
    for line in raw[:4000].decode("utf-8", "replace").splitlines():
        match = HEADER_LINE.match(line)
        if match is None:
            break
        header[match[1].lower()] = match[2].strip()
    return header


def comparable_url(url):
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/:").lower()


def secondary_source(raw, filename):
    """The source entry for a secondary text: the document we already hold at its URL, or a new one
    named from the text's header."""
    header = text_header(raw)
    url = header.get("url", "")
    if url:
        for source in SourceDocument.objects.filter(url__icontains=comparable_url(url).split("/", 1)[-1][-60:]):
            if comparable_url(source.url) == comparable_url(url):
                return {"slug": source.slug}
    publisher = header.get("publisher", "")
    title = header.get("title", "")
    if not title or title.startswith("["):
        title = f"{publisher or 'Public text'}: {url or filename}"
    return {
        "slug": slugify(re.sub(r"[^a-z0-9]+", "-", comparable_url(url)))[:110].strip("-") if url else source_slug(raw),
        "title": title[:400],
        "kind": SOURCE_KINDS.get(header.get("kind", ""), SourceDocument.Kind.NEWS),
        "publisher": publisher[:200],
        "url": url,
        "notes": f"Imported from {filename}.",
    }


def without_ratings_the_framework_lacks(entry, framework, plan):
    """A Quality & Impact inspection has no four-point ratings: a rating word in a text about one
    (a blog's "requires improvement") is not its rating. Standards the framework lacks go too."""
    codes = set(framework.standards.values_list("code", flat=True))
    if not framework.has_four_point_ratings:
        for name in ("overall", "scores"):
            if entry.pop(name, None):
                plan.extraction.notes.append(f"{name}: {framework.short_name} gives no four-point ratings; left out")
        entry["ratings"] = [r for r in entry.get("ratings", []) if r["standard"] in codes and not r.get("rating")]
    else:
        entry["ratings"] = [r for r in entry.get("ratings", []) if r["standard"] in codes]
    return entry


def secondary_data(extraction, plan, raw, filename, include_uncertain):
    """What a secondary source adds to the held inspection: values it states that we do not hold,
    and values it states differently (corrections, which need a reason). A value it states as we
    hold it is left with its present citation."""
    report = plan.target
    provider = plan.providers["provider"]
    held = report.inspections.select_related("source", "owner").get(provider=provider)
    source = secondary_source(raw, filename)
    entry = without_ratings_the_framework_lacks(
        Reading(extraction, plan, source["slug"], include_uncertain).inspection(provider), report.framework, plan
    )
    if (
        entry.get("overall")
        and held.overall_rating is not None
        and entry["overall"] == Rating(held.overall_rating).label
    ):
        del entry["overall"]
    if "overall" not in entry:
        entry.update(source=held.source.slug, location=held.location, quote=held.quote)
    if entry.get("owner") and held.owner is not None and held.owner.slug == entry["owner"]:
        # Stated as we hold it: the held owner keeps its wording, and its evidence where it has one (an owner
        # typed without a source gains this text as its source).
        kept = OWNER_FIELDS if held.owner_source_id else ("owner_text",) if held.owner_text else ()
        for name in kept:
            entry.pop(name, None)
    ratings = {r.standard.code: Rating.label_of(r.rating) for r in held.ratings.select_related("standard")}
    entry["ratings"] = [r for r in entry.get("ratings", []) if ratings.get(r["standard"], "") != r.get("rating")]
    scores = {s.key_question.code: s.percent for s in held.scores.select_related("key_question")}
    entry["scores"] = [s for s in entry.get("scores", []) if scores.get(s["key_question"]) != s["percent"]]
    held_metrics = set(held.facts.values_list("metric__slug", flat=True))
    entry["facts"] = [f for f in entry.get("facts", []) if f.get("metric") not in held_metrics]
    entry.pop("findings", None)  # a secondary source's words are not the report's findings
    entry = {name: value for name, value in entry.items() if value != []}
    data = {
        "slug": report.slug,
        "title": report.title,
        "framework": report.framework.slug,
        "document": report.document.slug,
        "merge": True,
        "inspections": [entry],
    }
    if len(source) > 1:
        data["sources"] = [source]
    add_report_details(data, extraction, plan, report, include_uncertain)
    return data


def new_report_data(extraction, plan, raw, filename, override, include_uncertain, slug, new_report):
    """A report we do not hold yet, known from a secondary source: the provider and what the text
    states, citing it. Its title says that the report's own title is not held."""
    framework = Framework.objects.filter(slug=new_report.get("framework", "")).first()
    if framework is None:
        raise ReportImportError(
            filename, f"new report {slug}: no framework with the slug '{new_report.get('framework')}'"
        )
    found = extraction.fields.get("provider")
    provider = override
    if provider is None and found is not None and is_confirmed(found, "field:provider", include_uncertain):
        provider = Provider.objects.get(slug=found.value)
    if provider is None:
        raise ReportImportError(filename, f"new report {slug}: no provider we are sure of; name it with --provider")
    if not names_provider(read_document(raw, filename).text, provider):
        raise ReportImportError(filename, f"new report {slug}: the text does not name {provider.name}")
    plan.providers["provider"] = provider
    source = secondary_source(raw, filename)
    entry = without_ratings_the_framework_lacks(
        Reading(extraction, plan, source["slug"], include_uncertain).inspection(provider), framework, plan
    )
    entry.pop("findings", None)  # a secondary source's words are not the report's findings
    if "overall" not in entry and found is not None:
        entry.update(location=found.location, quote=found.excerpt)
    data = {
        "slug": slug,
        "title": f"{framework.short_name} inspection of {provider.name} (the report's own title is not held)",
        "framework": framework.slug,
        "document": source["slug"],
        "notes": f"Known from {source.get('title', source['slug'])}; the report itself is not held.",
        "merge": True,
        "inspections": [{name: value for name, value in entry.items() if value != []}],
    }
    if new_report.get("round"):
        data["round"] = new_report["round"]
    if len(source) > 1:
        data["sources"] = [source]
    for name in ("published", "fieldwork_start", "lead_inspector"):
        if name in extraction.fields and is_confirmed(extraction.fields[name], f"field:{name}", include_uncertain):
            data[name] = extraction.fields[name].value
    return data


def cover_as_published(extraction, plan, report, include_uncertain):
    """A report's cover month is not its publication date (London CRC's 2018 report: cover March 2018,
    published 8 February 2018), but where we hold no more than the year it is the best a report's
    opening gives: offered as the publication month only when an editor confirms it
    (`--confirm field:published`), and said so in the preview otherwise."""
    cover = extraction.fields.get("cover_date")
    held = report.published_iso
    if "published" in extraction.fields or cover is None or len(held) > 4 or not cover.value.startswith(held):
        return {}
    if include_uncertain is True or "field:published" in (include_uncertain or ()):
        return {"published": cover}
    plan.missing.append(
        f"publication month: the cover says {cover.value} ({cover.location}); a cover's month is not always "
        "the month of publication: confirm it with --confirm field:published"
    )
    return {}


def add_report_details(data, extraction, plan, report, include_uncertain):
    """Dates fill a report's blanks or make a held month exact, never move it; a different lead
    inspector's name is a correction (the preview shows it, and it needs a reason)."""
    fields = {**extraction.fields, **cover_as_published(extraction, plan, report, include_uncertain)}
    for name in ("published", "fieldwork_start", "lead_inspector"):
        if name not in fields or not is_confirmed(fields[name], f"field:{name}", include_uncertain):
            continue
        stated, held = fields[name].value, getattr(report, name)
        if name == "lead_inspector":
            if stated != held:
                data[name] = stated
            continue
        held_text = getattr(report, f"{name}_iso")
        if held is None or (stated != held_text and stated.startswith(held_text)):
            data[name] = stated
        elif not held_text.startswith(stated):
            plan.conflicts.append(
                f"{name.replace('_', ' ')}: the text says {stated}, we hold {held_text}; left as held"
            )
