"""Contextual facts: in a report file (about its inspection) or in context.toml (about a provider
or a wider subject, outside any inspection)."""

from inspections.loader.values import parse_exact_number
from inspections.models import Fact, Framework, Metric, Provider, Standard
from inspections.quantities import parse_qualified_number

FACT_FIELDS = [
    "metric_id",
    *Fact.FIGURE_FIELDS,
    "comparator_label",
    "comparator_text",
    "is_inverse",
    "standard_id",
    "position",
    "source_id",
    "location",
    "quote",
]


def fact_values(loader, framework, entry, where):
    metric_slug = loader.field(entry, "metric", where)
    metric = loader.metrics.get(metric_slug)
    if metric is None:
        metric = loader.metrics[metric_slug] = loader.lookup(Metric, where, "metric", slug=metric_slug)
    try:
        figure = parse_qualified_number(loader.field(entry, "value", where))
    except ValueError as error:
        loader.fail(f"{where}.value", str(error))
    values = {
        "metric": metric,
        "label": loader.field(entry, "label", where),
        "value_text": figure.text,
        "qualifier": figure.qualifier,
        "value": figure.value,
        "unit": entry.get("unit", ""),
        "period": entry.get("period", ""),
        "national_text": entry.get("national", ""),
        "target_text": entry.get("target", ""),
        "national_value": None,
        "target_value": None,
        "comparator_label": entry.get("comparator_label", ""),
        "comparator_text": entry.get("comparator_text", ""),
        "is_inverse": entry.get("is_inverse", False),
        "standard": None,
        **loader.provenance(entry, where),
    }
    for name in ("national", "target"):
        if entry.get(name):
            try:
                values[f"{name}_value"] = parse_exact_number(entry[name])
            except ValueError as error:
                loader.fail(f"{where}.{name}", str(error))
    if entry.get("standard"):
        if framework is None:
            framework = Framework.objects.get(slug=Framework.STANDARDS_2018)
        values["standard"] = loader.lookup(Standard, where, "standard", framework=framework, code=entry["standard"])
    return values


def load_context_facts(loader, entries, prefix):
    """Facts about a provider outside an inspection, or about a wider subject, by natural key."""
    for index, entry in enumerate(entries):
        where = f"{prefix}[{index}]"
        provider = None
        if entry.get("provider"):
            provider = loader.lookup(Provider, where, "provider", slug=entry["provider"])
        values = fact_values(loader, None, entry, where)
        key = {
            "inspection": None,
            "provider": provider,
            "subject": entry.get("subject", ""),
            "label": values.pop("label"),
            "period": values.pop("period"),
        }
        loader.sync(Fact, key, {**values, "position": index}, where)
