"""Accuracy of the report parser on the labelled corpus (tests/fixtures/corpus/labels.json).

Each text was labelled by hand with what it states about one inspection (see the corpus README).
Per field, over the whole corpus and over each folder asked for: right, wrong (a value read that
the label contradicts or does not have) and missed (a labelled value not read). Uncertain readings
count as read: the table says how many there were.

Run:
    .venv/bin/python bench/importer_accuracy.py                   # the whole corpus
    .venv/bin/python bench/importer_accuracy.py --only C --only D # and each of these folders apart
    .venv/bin/python bench/importer_accuracy.py --by-folder       # and every folder apart
    .venv/bin/python bench/importer_accuracy.py --list            # every value not read right, per text
    .venv/bin/python bench/importer_accuracy.py --chosen          # each text read for its labelled provider
    # a labelled folder kept elsewhere (the research helpers' layout: labels.json beside texts/):
    .venv/bin/python bench/importer_accuracy.py --labels /path/E/labels.json --texts /path/E/texts
A folder is an entry's `batch`, else the first part of its `file`, else (for --labels) the name
of the folder that holds the labels file.
"""

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

import django  # noqa: E402

django.setup()

from inspections.quantities import parse_qualified_number  # noqa: E402
from inspections.report_parser import ReportImportError, parse_report, read_document  # noqa: E402
from inspections.report_parser.catalogue import bundled_catalogue, bundled_owners  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
FIELDS = ["overall", "standards", "key_questions", "facts", "published", "fieldwork_start", "provider", "owner"]
# The labels' owner spellings that name a catalogue owner group, and its slug. The others are not comparable
# (counted apart): "nps" (a division's owner is the public service itself, not stated as an owner), a member
# or parent of a group (Interserve, MTC) and an owner the text describes without naming it.
LABEL_OWNERS = {
    "Purple Futures": "purple-futures",
    "Sodexo": "sodexo",
    "Sodexo Justice Services": "sodexo",
    "Sodexo Justice Services, in partnership with Nacro": "sodexo",
    "Sodexo Justice Services in partnership with Nacro": "sodexo",
    "Working Links": "working-links",
    "Working Links (purchased by Aurelius)": "working-links",
    "Seetec": "seetec",
    "MTCnovo": "mtcnovo",
    "MTCNovo": "mtcnovo",
    "Reducing Reoffending Partnership": "reducing-reoffending-partnership",
    "Reducing Reoffending Partnership (RRP)": "reducing-reoffending-partnership",
    "ARCC (Achieving Real Change in Communities)": "arcc",
    "PeoplePlus": "peopleplus",
}
LABEL_QUALIFIERS = {"exact": "exact", "": "exact", None: "exact"}


def labels(path=None, texts=None):
    """The labelled entries, each with its `folder` and the `path` of its text.

    `path`: a labels.json (the corpus's by default); `texts`: the folder holding the texts, when
    the labels' `file` is not relative to the labels file (a file is looked for there by name)."""
    path = Path(path) if path else CORPUS / "labels.json"
    entries = json.loads(path.read_text())
    for entry in entries:
        file = Path(entry["file"])
        entry.setdefault("path", str(Path(texts) / file.name if texts else path.parent / file))
        first = file.parts[0] if len(file.parts) > 1 and file.parts[0] not in ("texts", "..") else ""
        entry.setdefault("folder", entry.get("batch") or first or path.parent.name)
    return entries


def read(entry, catalogue=None, chosen=False):
    """The extraction of a corpus text, or the ReportImportError it raised. `chosen`: read it for its
    labelled provider, as an import for which an editor chose the provider (`--provider`) would."""
    standards, questions, providers = catalogue or bundled_catalogue()
    owners = bundled_owners()
    path = Path(entry["path"]) if entry.get("path") else CORPUS / entry["file"]
    subject = entry.get("provider") if chosen else None
    try:
        return parse_report(
            read_document(path.read_bytes(), path.name), standards, questions, providers, subject, owners
        )
    except ReportImportError as error:
        return error


def qualifier(words):
    if words in LABEL_QUALIFIERS:
        return LABEL_QUALIFIERS[words]
    return str(parse_qualified_number(f"{words} 1").qualifier)


def value_of(extraction, name):
    found = extraction.fields.get(name) if not isinstance(extraction, Exception) else None
    return (found.value, found) if found else (None, None)


def compare_single(field, stated, got, found, outcomes, code=""):
    field_and_code = (field, f"{code} " if code else "")
    outcomes_before = len(outcomes)
    compare_value(field, stated, got, found, outcomes)
    for index in range(outcomes_before, len(outcomes)):
        name, outcome, detail = outcomes[index]
        outcomes[index] = (name, outcome, field_and_code[1] + detail)


def compare_value(field, stated, got, found, outcomes):
    if got is None:
        if stated is not None:
            outcomes.append((field, "missed", f"{stated}"))
        return
    flag = " (uncertain)" if found.uncertain else ""
    if stated is None:
        outcomes.append((field, "wrong", f"read {got!r}{flag} where the label has none ({found.location})"))
    elif field in ("published", "fieldwork_start") and len(str(got)) < len(str(stated)):
        outcomes.append((field, "missed", f"read only {got} of {stated}"))
    elif str(got)[: len(str(stated))].lower() == str(stated).lower():
        outcomes.append((field, "right" + ("?" if found.uncertain else ""), f"{got}"))
    else:
        outcomes.append((field, "wrong", f"read {got!r}{flag}, label {stated!r} ({found.location})"))


def compare_ratings(entry, extraction, outcomes):
    got = {} if isinstance(extraction, Exception) else extraction.ratings
    stated = {item["code"]: item["rating"] for item in entry.get("standards", [])}
    for code in sorted(set(stated) | set(got)):
        found = got.get(code)
        compare_single("standards", stated.get(code), found.value if found else None, found, outcomes, code)


def compare_scores(entry, extraction, outcomes):
    got = {} if isinstance(extraction, Exception) else {s.value["key_question"]: s for s in extraction.scores}
    stated = {item["code"]: item["percent"] for item in entry.get("key_questions", [])}
    for code in sorted(set(stated) | set(got)):
        found = got.get(code)
        value = float(found.value["percent"]) if found else None
        expected = float(stated[code]) if stated.get(code) is not None else None
        compare_single("key_questions", expected, value, found, outcomes, code)


def compare_facts(entry, extraction, outcomes):
    stated = [
        (parse_qualified_number(str(f["value"])).value, qualifier(f.get("qualifier"))) for f in entry.get("facts", [])
    ]
    matched = set()
    for found in [] if isinstance(extraction, Exception) else extraction.facts:
        stated_as = parse_qualified_number(str(found.value["value"]).rstrip("%"))
        number = found.value.get("number", stated_as.value)
        words = found.value.get("qualifier", str(stated_as.qualifier) or "exact")
        same = [i for i, (value, q) in enumerate(stated) if value == number and i not in matched]
        right = [i for i in same if stated[i][1] == words]
        if right:
            matched.add(right[0])
            outcomes.append(("facts", "right", f"{found.value['value']}"))
        else:
            outcomes.append(("facts", "wrong", f"read {words} {found.value['value']} ({found.location})"))
    for index, (value, words) in enumerate(stated):
        if index not in matched:
            outcomes.append(("facts", "missed", f"{words} {value}"))


def compare_owner(entry, extraction, outcomes):
    """The owner read against the label's, where the label names a catalogue group (LABEL_OWNERS)."""
    stated, (got, found) = entry.get("owner"), value_of(extraction, "owner")
    if stated and stated not in LABEL_OWNERS:
        read = f"; read {got['owner']}" if got else ""
        outcomes.append(("owner", "not comparable", f"label {stated!r}{read}"))
        return
    compare_single("owner", LABEL_OWNERS.get(stated), got["owner"] if got else None, found, outcomes)


def evaluate(entry, extraction):
    """[(field, 'right' | 'right?' | 'wrong' | 'missed', detail)] for one labelled text."""
    outcomes = []
    for field in ("overall", "published", "fieldwork_start"):
        compare_single(field, entry.get(field), *value_of(extraction, field), outcomes)
    compare_single("provider", entry.get("provider"), *value_of(extraction, "provider"), outcomes)
    compare_ratings(entry, extraction, outcomes)
    compare_scores(entry, extraction, outcomes)
    compare_facts(entry, extraction, outcomes)
    compare_owner(entry, extraction, outcomes)
    return outcomes


def counts_of(rows):
    counts = Counter()
    for _entry, outcomes in rows:
        for field, outcome, _ in outcomes:
            counts[field, outcome.rstrip("?")] += 1
            if outcome.endswith("?"):
                counts[field, "uncertain"] += 1
    return counts


def table(rows, folders=()):
    """Per field right / wrong / missed (uncertain), over all rows and over each folder named."""
    parts = [("whole", rows)] + [
        (folder, [row for row in rows if row[0].get("folder") == folder]) for folder in folders
    ]
    counts = [(name, part, counts_of(part)) for name, part in parts]
    lines = ["| field | " + " | ".join(f"{name}: right / wrong / missed (uncertain)" for name, *_ in counts) + " |"]
    lines.append("| --- |" + " --- |" * len(counts))
    for field in FIELDS:
        cells = [
            f"{c[field, 'right']} / {c[field, 'wrong']} / {c[field, 'missed']} ({c[field, 'uncertain']})"
            for *_, c in counts
        ]
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    cells = [str(c["owner", "not comparable"]) for *_, c in counts]
    lines.append("| owner labels not comparable (no catalogue group) | " + " | ".join(cells) + " |")
    for name, part, c in counts:
        right = c["overall", "right"] + c["standards", "right"]
        stated = (
            right + c["overall", "wrong"] + c["standards", "wrong"] + c["overall", "missed"] + c["standards", "missed"]
        )
        wrong = sum(c[field, "wrong"] for field in FIELDS)
        share = f" ({100 * right / stated:.0f}%)" if stated else ""
        lines.append(
            f"{name}: {len(part)} texts; stated overall and standard ratings read right: {right} of {stated}{share}; "
            f"wrong values in all fields: {wrong}"
        )
    return "\n".join(lines)


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="every value not read right, per text")
    parser.add_argument("--only", action="append", default=[], metavar="FOLDER", help="a folder to count apart")
    parser.add_argument("--by-folder", action="store_true", help="count every folder apart")
    parser.add_argument("--labels", help="a labels.json other than the corpus's")
    parser.add_argument("--texts", help="the folder of the texts the --labels file names")
    parser.add_argument(
        "--chosen", action="store_true", help="read each text for its labelled provider, as with an editor's --provider"
    )
    return parser.parse_args(argv)


def main(argv=None):
    options = arguments(argv)
    catalogue = bundled_catalogue()
    entries = labels(options.labels, options.texts)
    rows = [(entry, evaluate(entry, read(entry, catalogue, options.chosen))) for entry in entries]
    folders = list(dict.fromkeys(entry["folder"] for entry in entries)) if options.by_folder else options.only
    unknown = [folder for folder in folders if not any(entry["folder"] == folder for entry in entries)]
    if unknown:
        sys.exit(
            f"no labelled text in folder(s) {', '.join(unknown)}; folders: "
            + ", ".join(sorted({entry["folder"] for entry in entries}))
        )
    if options.list:
        for entry, outcomes in rows:
            if options.only and entry["folder"] not in options.only:
                continue
            for field, outcome, detail in outcomes:
                if outcome != "right":
                    print(f"{entry['file']}: {field} {outcome}: {detail}")
    print(table(rows, folders))


if __name__ == "__main__":
    main()
