"""Import a report file: parse it, match it to the catalogue, and write it through the same loader
as the bundled data, in one transaction.

The parsed report becomes the same structure as a bundled report file (docs/data-model.md), so an
import and a bundled file are written by one code path. Re-importing updates in place: the natural
key is provider + framework + publication month.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from inspections.loader import BundledDataError, Loader
from inspections.models import (
    Correction,
    Inspection,
    KeyQuestion,
    Provider,
    Rating,
    Report,
    SourceDocument,
    Standard,
    normalise_name,
)
from inspections.report_parser import CatalogueProvider, ReportImportError, parse_report, read_document
from inspections.serialise import serialise_inspection

QI_ORGANISATIONS = ("CRC", "NPS")


@dataclass
class ImportPlan:
    """What an import would write, and what it could not settle."""

    extraction: object
    data: dict  # a bundled-report structure
    providers: dict  # organisation ("CRC", "NPS", "provider") -> Provider
    missing: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    # Values read with doubt and left out until an editor confirms them: key -> (provider slug,
    # section, entry), e.g. "rating:4.2" -> ("west-yorkshire-crc", "ratings", {...}).
    uncertain: dict = field(default_factory=dict)
    # A secondary source (press release, news, blog) adds to an inspection already held: its report.
    target: object = None

    @property
    def can_write(self):
        if self.extraction is None or not self.providers:
            return False
        return self.extraction.is_report or self.target is not None

    @classmethod
    def confirmed(cls, data):
        """A plan from the values an editor confirmed in the admin (the parsed file is not kept)."""
        return cls(None, data, {})

    @property
    def changes(self):
        return changes_to_published(self.data)


def catalogue():
    standards = [(s.code, s.name) for s in Standard.objects.filter(framework__has_four_point_ratings=True)]
    questions = [(q.code, q.text) for q in KeyQuestion.objects.all()]
    providers = [
        CatalogueProvider(p.slug, p.kind, (p.name, p.short_name, *p.aliases, p.area.split("(")[0]))
        for p in Provider.objects.all()
    ]
    return standards, questions, providers


def extract(data, filename):
    standards, questions, providers = catalogue()
    return parse_report(read_document(data, filename), standards, questions, providers)


def match_provider(name, plan, label, kind=None):
    candidates = list(Provider.objects.matching_name(name))
    if kind:
        candidates = [p for p in candidates if p.kind == kind]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        plan.missing.append(f"{label}: no provider in the catalogue is called '{name}' (pass --provider)")
    else:
        plan.conflicts.append(f"{label}: '{name}' matches {', '.join(p.name for p in candidates)} (pass --provider)")
    return None


def build_plan(data, filename, provider_slug=None, include_uncertain=False, report_slug=None):
    """Parse a file into what an import would write. Uncertain values are left out unless
    `include_uncertain` (True, or the keys of the ones an editor confirmed).

    A report becomes (or updates) its own report. A secondary source adds what it states to an
    inspection already held: the one `report_slug` names, or the one of the recognised provider
    published in the month the text states."""
    if report_slug and not Report.objects.filter(slug=report_slug).exists():
        raise ReportImportError(filename, f"--report: no report with the slug '{report_slug}'")
    extraction = extract(data, filename)
    plan = ImportPlan(extraction, {}, {}, list(extraction.missing), list(extraction.conflicts))
    fields = extraction.fields
    override = None
    if provider_slug:
        override = Provider.objects.filter(slug=provider_slug).first()
        if override is None:
            raise ReportImportError(filename, f"--provider: no provider with the slug '{provider_slug}'")
    if extraction.kind == "quality_impact_report":
        for organisation, key, kind in (("CRC", "crc_name", "CRC"), ("NPS", "nps_name", "NPS")):
            if key in fields:
                provider = match_provider(fields[key].value, plan, f"{organisation} provider", kind)
                if provider:
                    plan.providers[organisation] = provider
        if override:
            plan.providers[override.kind] = override
    elif not extraction.is_report:
        plan.target = target_report(extraction, data, filename, plan, override, include_uncertain, report_slug)
        if plan.target is not None:
            plan.data = secondary_data(extraction, plan, data, filename, include_uncertain)
            return plan
    else:
        provider = override or recognised_provider(extraction, filename, plan, include_uncertain)
        if provider:
            plan.providers["provider"] = provider
    plan.data = bundle(extraction, plan, data, filename, include_uncertain)
    return plan


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
        provider = override or recognised or (inspections[0].provider if len(inspections) == 1 else None)
        held = ", ".join(i.provider.name for i in inspections)
        if provider is None or provider.pk not in {i.provider_id for i in inspections}:
            named = provider.name if provider else "no provider"
            unnamed = [
                i.provider.name
                for i in inspections
                if not names_provider(read_document(raw, filename).text, i.provider)
            ]
            also = f"; the text does not name {', '.join(unnamed)}" if unnamed else ""
            raise ReportImportError(filename, f"the text is about {named}, but {report.slug} inspected {held}{also}")
        if not override and not names_provider(read_document(raw, filename).text, provider):
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
        "slug": slugify(comparable_url(url))[:110] if url else source_slug(raw),
        "title": title[:400],
        "kind": SOURCE_KINDS.get(header.get("kind", ""), SourceDocument.Kind.NEWS),
        "publisher": publisher[:200],
        "url": url,
        "notes": f"Imported from {filename}.",
    }


def secondary_data(extraction, plan, raw, filename, include_uncertain):
    """What a secondary source adds to the held inspection: values it states that we do not hold,
    and values it states differently (corrections, which need a reason). A value it states as we
    hold it is left with its present citation."""
    report = plan.target
    provider = plan.providers["provider"]
    held = report.inspections.select_related("source").get(provider=provider)
    source = secondary_source(raw, filename)
    entry = Reading(extraction, plan, source["slug"], include_uncertain).inspection(provider)
    if (
        entry.get("overall")
        and held.overall_rating is not None
        and entry["overall"] == Rating(held.overall_rating).label
    ):
        del entry["overall"]
    if "overall" not in entry:
        entry.update(source=held.source.slug, location=held.location, quote=held.quote)
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
    fields = extraction.fields
    for name in ("published", "fieldwork_start", "lead_inspector"):
        # Only where we hold nothing: a secondary source never overrides the report's own details.
        stated = name in fields and is_confirmed(fields[name], f"field:{name}", include_uncertain)
        if stated and not getattr(report, name):
            data[name] = fields[name].value
    return data


def recognised_provider(extraction, filename, plan, include_uncertain):
    found = extraction.fields.get("provider")
    if found is None:
        raise ReportImportError(
            filename,
            f"{extraction.provider_problem}. Nothing was written: pass --provider (or pick one) if you know it",
        )
    if found.uncertain and include_uncertain is not True and "field:provider" not in (include_uncertain or ()):
        plan.missing.append(
            f"provider: read as {found.value} but uncertain ({found.why}, {found.location}); "
            "confirm it with --include-uncertain or pass --provider"
        )
        return None
    return Provider.objects.get(slug=found.value)


def is_confirmed(found, key, include_uncertain):
    return not found.uncertain or include_uncertain is True or key in (include_uncertain or ())


def source_slug(data):
    return "import-" + hashlib.sha256(data).hexdigest()[:16]


def provenance(found, source):
    return {"source": source, "location": found.location, "quote": found.excerpt}


def bundle(extraction, plan, raw, filename, include_uncertain=False):
    """The extraction as a bundled-report structure (inspections/data/reports/*.toml)."""
    fields = extraction.fields
    source = source_slug(raw)
    title = fields["title"].value if "title" in fields else filename
    published = fields.get("published").value if "published" in fields else None
    data = {
        "framework": fields["framework"].value if "framework" in fields else "standards-2018",
        "title": title,
        "document": source,
        "sources": [
            {
                "slug": source,
                "title": f"{title} (imported from {filename})",
                "kind": "report" if extraction.is_report else "news",
                "notes": f"Imported from the file {filename}; locations are its lines and pages.",
            }
        ],
    }
    if published:
        data["published"] = published
    for name in ("fieldwork_start", "lead_inspector", "chief_inspector"):
        if name in fields:
            data[name] = fields[name].value
    data["slug"] = report_slug(extraction, plan, data)
    reading = Reading(extraction, plan, source, include_uncertain)
    inspections = []
    if extraction.kind == "quality_impact_report":
        for organisation in QI_ORGANISATIONS:
            if organisation in plan.providers:
                inspections.append(reading.inspection(plan.providers[organisation], organisation))
        add_joint_values(data, extraction, source)
    elif "provider" in plan.providers:
        inspections.append(reading.inspection(plan.providers["provider"]))
    data["inspections"] = inspections
    tables = [
        {**{key: found.value[key] for key in ("number", "title", "columns", "rows")}, **provenance(found, source)}
        for found in extraction.tables
    ]
    if tables:
        data["tables"] = tables
    recommendations = [recommendation_entry(found, plan, source) for found in extraction.recommendations]
    if recommendations:
        data["recommendations"] = recommendations
    return data


@dataclass
class Reading:
    """One inspection's values from an extraction; uncertain ones go to plan.uncertain unless confirmed."""

    extraction: object
    plan: ImportPlan
    source: str
    include_uncertain: object

    def keep(self, found, key, provider, section, entry):
        if is_confirmed(found, key, self.include_uncertain):
            return True
        self.plan.uncertain[key] = (provider.slug, section, entry)
        return False

    def inspection(self, provider, organisation=None):
        extraction, source = self.extraction, self.source
        fields = extraction.fields
        entry = {"provider": provider.slug, "source": source, "location": "", "quote": ""}
        overall = fields.get("overall") if organisation is None else None
        if overall and self.keep(overall, "field:overall", provider, "overall", overall.value):
            entry["overall"] = overall.value
            entry.update(provenance(overall, source))
        ratings, scores = [], []
        for code, found in sorted(extraction.ratings.items()):
            rating = {"standard": code, "rating": found.value, **provenance(found, source)}
            if self.keep(found, f"rating:{code}", provider, "ratings", rating):
                ratings.append(rating)
        ratings += [
            judgement_entry(j, source) for j in extraction.judgements if j.value["organisation"] == organisation
        ]
        for found in extraction.scores:
            code = found.value["key_question"]
            score = {"key_question": code, "percent": found.value["percent"], **provenance(found, source)}
            if found.value.get("organisation") == organisation and self.keep(
                found, f"score:{code}", provider, "scores", score
            ):
                scores.append(score)
        facts = [fact_entry(f, source) for f in extraction.facts if f.value.get("organisation") in (organisation, None)]
        findings = [
            finding_entry(f, source) for f in extraction.findings if f.value.get("organisation") == organisation
        ]
        for name, values in (("ratings", ratings), ("scores", scores), ("facts", facts), ("findings", findings)):
            if values:
                entry[name] = values
        sample = fields.get(f"{(organisation or '').lower()}_case_sample")
        if sample:
            entry["case_sample_size"] = sample.value
        return entry


def judgement_entry(judgement, source):
    value = judgement.value
    return {
        "standard": value["domain"],
        "judgement": value["judgement"],
        "narrative": value["narrative"],
        **provenance(judgement, source),
    }


def add_joint_values(data, extraction, source):
    """Quality & Impact: findings and judgements about the CRC and NPS working together, and
    facts about England and Wales, belong to the report rather than to one inspection."""
    joint = [finding_entry(f, source) for f in extraction.findings if f.value.get("organisation") == "joint"]
    joint += [
        {
            "kind": "joint",
            "domain": j.value["domain"],
            "text": j.value["judgement"] + " " + j.value["narrative"],
            **provenance(j, source),
        }
        for j in extraction.judgements
        if j.value["organisation"] == "joint"
    ]
    if joint:
        data["findings"] = joint
    wider = [f for f in extraction.facts if f.value.get("organisation") == "both"]
    if wider:
        data["facts"] = [{**fact_entry(f, source), "subject": "England & Wales"} for f in wider]


def recommendation_entry(found, plan, source):
    entry = {
        "number": found.value["number"],
        "addressee": found.value["addressee"],
        "text": found.value["text"],
        **provenance(found, source),
    }
    organisation = found.value.get("organisation")
    if organisation in plan.providers:
        entry["inspection"] = plan.providers[organisation].slug
    elif organisation == "joint":
        entry["inspection"] = ""
    return entry


def fact_entry(found, source):
    value = found.value
    keys = ("metric", "label", "value", "unit", "national", "target", "comparator_text")
    entry = {key: value[key] for key in keys if value.get(key)}
    return {**entry, **provenance(found, source)}


def finding_entry(found, source):
    value = found.value
    entry = {"kind": value["kind"], "domain": value["domain"], "text": value["text"]}
    if value.get("standard"):
        entry["standard"] = value["standard"]
    return {**entry, **provenance(found, source)}


def report_slug(extraction, plan, data):
    """Re-importing updates in place: reuse the report of the same provider, framework and month."""
    provider = plan.providers.get("provider") or plan.providers.get("CRC") or plan.providers.get("NPS")
    month = data.get("published", "")[:7]
    if provider and month:
        year, number = (int(part) for part in month.split("-")[:2])
        existing = (
            Inspection.objects.filter(
                provider=provider,
                report__framework__slug=data["framework"],
                report__published__year=year,
                report__published__month=number,
            )
            .select_related("report")
            .first()
        )
        if existing:
            if existing.report.published_precision == "day" and "published" in data:
                # The cover gives the month; keep the exact day another source already gave.
                del data["published"]
            return existing.report.slug
    if extraction.kind == "quality_impact_report" and "area" in extraction.fields:
        return slugify(f"{extraction.fields['area'].value} quality impact {month}")
    return slugify(f"{provider.slug if provider else 'unmatched'} {month or 'undated'}")


def changes_to_published(data):
    """Values the import would change in inspections already held: [{provider, what, old, new}]."""
    changes = []
    for entry in data.get("inspections", []):
        existing = (
            Inspection.objects.filter(report__slug=data.get("slug"), provider__slug=entry.get("provider"))
            .prefetch_related("ratings__standard", "scores__key_question")
            .first()
        )
        if existing is None:
            continue
        pairs = []
        if entry.get("overall") and existing.overall_rating is not None:
            pairs.append(("overall rating", Rating(existing.overall_rating).label, entry["overall"]))
        held = {r.standard.code: r for r in existing.ratings.all()}
        for rating in entry.get("ratings", []):
            old = held.get(rating.get("standard"))
            if rating.get("rating") and old is not None and old.rating is not None:
                pairs.append((f"rating {rating['standard']}", Rating(old.rating).label, rating["rating"]))
        scores = {s.key_question.code: s for s in existing.scores.all()}
        for score in entry.get("scores", []):
            old = scores.get(score.get("key_question"))
            if old is not None and old.percent is not None:
                pairs.append((f"score {score['key_question']}", f"{old.percent.normalize():f}", str(score["percent"])))
        for what, old, new in pairs:
            if normalise_value(old) != normalise_value(new):
                changes.append(
                    {"inspection": existing, "provider": entry["provider"], "what": what, "old": old, "new": new}
                )
    return changes


def normalise_value(value):
    text = " ".join(str(value).split()).lower()
    try:
        return f"{float(text):g}"
    except ValueError:
        return text


def write(plan, filename, dry_run=False, reason="", editor=""):
    """Write the plan in one transaction; return the written inspections in the export's JSON shape.

    With dry_run the transaction is rolled back after serialising, so the JSON is exactly what an
    import would produce, and nothing is kept. A value that differs from one already held is a
    correction: it needs a reason, and each one is recorded as a Correction.
    """
    if plan.extraction is not None and not plan.extraction.is_report and plan.target is None and not dry_run:
        raise ReportImportError(
            filename,
            f"this is {plan.extraction.kind_label}, not an inspection report, and it names no inspection we "
            "hold: nothing was written. Name the inspection's report with --report (or pick it in the admin).",
        )
    if not plan.data["inspections"]:
        raise ReportImportError(
            filename,
            "no provider could be matched, so nothing can be written: " + "; ".join(plan.missing + plan.conflicts),
        )
    changes = plan.changes
    if changes and not reason.strip() and not dry_run:
        listed = "; ".join(f"{c['provider']} {c['what']}: '{c['old']}' -> '{c['new']}'" for c in changes)
        raise ReportImportError(
            filename, f"this would change published values ({listed}); give the reason for the correction (--reason)"
        )
    with transaction.atomic():
        try:
            Loader(partial=True, merge=bool(plan.data.get("merge"))).load_report(filename, plan.data)
        except BundledDataError as error:
            raise ReportImportError(filename, f"{error.where}: {error.message}") from None
        for change in changes:
            Correction.objects.create(
                inspection=change["inspection"],
                inspection_label=str(change["inspection"]),
                editor=editor,
                reason=reason.strip(),
                changes=f"{change['what']}: '{change['old']}' -> '{change['new']}' (imported from {filename})",
            )
        inspections = Inspection.objects.filter(
            report__slug=plan.data["slug"], provider__slug__in=[i["provider"] for i in plan.data["inspections"]]
        )
        exported = [
            serialise_inspection(inspection)
            for inspection in inspections.with_details().prefetch_related("report__framework__standards__key_questions")
        ]
        if dry_run:
            transaction.set_rollback(True)
    return exported
