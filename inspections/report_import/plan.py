"""What an import would write: the plan, the catalogue the parser reads against, and how each
extracted value becomes an entry of a bundled report file (uncertain ones kept aside)."""

import hashlib
from dataclasses import dataclass, field

from inspections.models import (
    KeyQuestion,
    OwnerGroup,
    Provider,
    Standard,
)
from inspections.report_import.write import changes_to_published
from inspections.report_parser import CatalogueProvider, parse_report, read_document

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
    # The fingerprint of the report in the database when the plan was made (write.report_state);
    # None: not checked.
    report_state: str | None = None

    @property
    def writable(self):
        """A report of its own, or a secondary source matched to an inspection held: a place to write."""
        return self.extraction.is_report or self.target is not None

    @classmethod
    def confirmed(cls, data, report_state=None):
        """A plan from the values an editor confirmed in the admin (the parsed file is not kept)."""
        return cls(None, data, {}, report_state=report_state)

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


def owner_names():
    """[(slug, names)] of the owner groups a text may name as a CRC's owner (the public NPS is no CRC's)."""
    return [(o.slug, (o.name, *o.aliases)) for o in OwnerGroup.objects.filter(is_public_sector=False)]


def extract(data, filename, subject=None):
    """The parser's extraction, keeping the values the text states of `subject` (a provider's slug; by
    default the one the parser recognises): never those it states of another provider."""
    standards, questions, providers = catalogue()
    return parse_report(read_document(data, filename), standards, questions, providers, subject, owner_names())


def extraction_for(plan, provider, data, filename):
    """The plan's extraction read again when the provider it is written to is not the one its values were
    kept for (the report an editor picked inspected another provider than the one the parser recognised)."""
    if plan.extraction.kind != "quality_impact_report" and plan.extraction.subject != provider.slug:
        plan.extraction = extract(data, filename, provider.slug)
    return plan.extraction


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


def is_confirmed(found, key, include_uncertain):
    return not found.uncertain or include_uncertain is True or key in (include_uncertain or ())


def source_slug(data):
    return "import-" + hashlib.sha256(data).hexdigest()[:16]


def provenance(found, source):
    return {"source": source, "location": found.location, "quote": found.excerpt}


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
        owner = fields.get("owner") if organisation is None else None
        if owner:
            stated = owner_entry(owner, source)
            if self.keep(owner, "field:owner", provider, "owner", stated):
                entry.update(stated)
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


def owner_entry(found, source):
    """The owner at the time of the inspection, as the text words it, with its evidence."""
    return {
        "owner": found.value["owner"],
        "owner_text": found.value["as_stated"],
        "owner_source": source,
        "owner_location": found.location,
        "owner_quote": found.excerpt,
    }


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
