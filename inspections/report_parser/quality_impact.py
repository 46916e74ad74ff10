"""Quality & Impact reports (2016-2018): per-organisation judgements, key facts, tables."""

import re

from inspections.models import Framework
from inspections.report_parser.documents import Found, clean, found, normalise, read_group, search
from inspections.report_parser.figures import read_cover_date
from inspections.report_parser.standards import metric_for

# The first reports of the standards framework (four-point ratings) were published in June 2018; the
# Quality & Impact inspections before them judged in words, with no overall or standard rating.
FOUR_POINT_FROM = "2018-06"
QUALITY_IMPACT = re.compile(r"Quality (?:&|and) Impact", re.I)
EARLIER = re.compile(r"\b(?:last|previous|earlier|former|old|first round of)\b[^.]{0,40}$", re.I)

QI_DOMAINS = {"Protecting the public": "PP", "Reducing reoffending": "RR", "Abiding by the sentence": "AS"}


def parse_quality_impact(document, extraction, key_questions):
    parse_details(document, extraction)
    parse_judgements(document, extraction)
    parse_key_facts(document, extraction)
    parse_recommendations(document, extraction)
    parse_sufficiency_tables(document, extraction, key_questions)
    parse_enablers_and_barriers(document, extraction)
    parse_other_tables(document, extraction)
    for name in ("published", "lead_inspector", "crc_name", "nps_name"):
        if name not in extraction.fields:
            extraction.missing.append(name.replace("_", " "))


def quality_impact_era(document, extraction):
    """Why the text is about a Quality & Impact inspection (2016-18), or "" when nothing says so: it
    names that programme (not as an earlier one, nor beside a year after 2018), or its publication, cover or
    fieldwork is dated before the four-point ratings."""
    fields = extraction.fields
    for name in ("published", "cover_date"):
        found = fields.get(name)
        if found and not found.uncertain and found.value[:7] < FOUR_POINT_FROM:
            return f"its {name.replace('_', ' ')} ({found.value}) is before June 2018"
    start = fields.get("fieldwork_start")
    if start and not start.uncertain and start.value[:7] < "2018-01":
        return f"its fieldwork ({start.value}) was before 2018"
    # A text's latest year alone says nothing: a 2019 text may name only the year of an earlier inspection.
    years = [int(year) for year in re.findall(r"\b(20[12]\d)\b", document.text)]
    for named in QUALITY_IMPACT.finditer(document.text):
        if (
            not EARLIER.search(document.text[max(0, named.start() - 80) : named.start()])
            and max(years, default=0) < 2019
        ):
            return "it names a Quality & Impact inspection"
    return ""


def without_four_point_ratings(document, extraction):
    """A Quality & Impact inspection had no four-point ratings: a 'requires improvement' or 'good' in a
    text about one is a word of judgement, never an overall or standard rating."""
    why = quality_impact_era(document, extraction)
    if not why or not (extraction.ratings or "overall" in extraction.fields):
        return
    extraction.fields.pop("overall", None)
    extraction.ratings.clear()
    extraction.notes.append(
        f"No rating taken: the text is about a Quality & Impact inspection (2016-18), which had no four-point "
        f"ratings ({why})."
    )


def parse_details(document, extraction):
    fields = extraction.fields
    fields["framework"] = found(document, search(document, r"Quality (?:&|and) Impact"), Framework.QUALITY_IMPACT_2016)
    title = search(document, r"The effectiveness of probation work in ([A-Z][\w &]+)")
    if title:
        fields["title"] = found(document, title, clean(title.group(0)))
        fields["area"] = found(document, title, clean(title.group(1)), 1)
    read_cover_date(document, fields)
    read_group(document, fields, "lead_inspector", r"Lead Inspector\s+([A-Z][\w'-]+(?: [A-Z][\w'-]+){1,3})")
    read_group(
        document,
        fields,
        "chief_inspector",
        r"((?:Dame |Sir )?[A-Z][a-z]+ [A-Z][a-z]+)\s+HM Chief Inspector of Probation",
    )
    crc = search(document, r"supervised by the ([A-Z][\w& ]+?) CRC") or search(
        document, r"\bthe ([A-Z][\w& ]+?) (?:CRC|Community Rehabilitation Company)\b(?! \()"
    )
    if crc:
        fields["crc_name"] = found(document, crc, clean(crc.group(1)), 1)
    nps = search(
        document,
        r"the (North West|North East|Midlands|London|Wales|South East (?:&|and) Eastern|South West (?:&|and) South Central) division of the National [Pp]robation Service",
    )
    if nps:
        fields["nps_name"] = found(document, nps, f"NPS {nps.group(1)}", 1)
    sample = search(
        document,
        r"the sample consisted of (\d+) cases, (\d+) of which were CRC cases and (\d+) of which were NPS cases",
    )
    if sample:
        fields["crc_case_sample"] = found(document, sample, int(sample.group(2)), 2)
        fields["nps_case_sample"] = found(document, sample, int(sample.group(3)), 3)


def parse_judgements(document, extraction):
    """Each organisation's judgement per domain, with the narrative that follows it."""
    begin = search(document, r"The full findings of this")
    end = search(document, r"\nRecommendations\n", begin.end() if begin else 0)
    if begin and end:
        domain = organisation = None
        for line in document.lines:
            start = document.starts[line.number - 1]
            if not (begin.end() <= start < end.start()):
                continue
            text = clean(line.text)
            if text in QI_DOMAINS:
                domain = QI_DOMAINS[text]
            elif text in ("CRC effectiveness", "NPS effectiveness"):
                organisation = text[:3]
            elif text == "The CRC and NPS working together":
                organisation = "joint"
            elif text and domain and organisation:
                key = (organisation, domain)
                existing = next(
                    (j for j in extraction.judgements if (j.value["organisation"], j.value["domain"]) == key), None
                )
                if existing is None:
                    extraction.judgements.append(
                        Found(
                            {"organisation": organisation, "domain": domain, "judgement": text, "narrative": ""},
                            line.number,
                            line.page,
                            text[:240],
                        )
                    )
                else:
                    existing.value["narrative"] = clean(existing.value["narrative"] + " " + text)
    for organisation in ("CRC", "NPS"):
        for name, code in QI_DOMAINS.items():
            if not any(
                j.value["organisation"] == organisation and j.value["domain"] == code for j in extraction.judgements
            ):
                extraction.missing.append(f"{organisation} judgement on {name}")


def parse_key_facts(document, extraction):
    facts_start = search(document, r"\nKey facts\n")
    if facts_start:
        facts_end = search(document, r"\n1\. Overall judgements", facts_start.end())
        for line in document.lines:
            start = document.starts[line.number - 1]
            if not (facts_start.end() <= start < (facts_end.start() if facts_end else start + 1)):
                continue
            match = re.match(
                r"\s*-\s*(?P<value>[\d,.]+%?)(?:\s*\(of \d+\))?\s+(?P<label>The [^¹²³⁴⁵]+?)[¹²³⁴⁵]*(?:\.\s*The (?:performance figure|proportion) for all England (?:&|and) Wales was (?P<national>\d+%)(?:,? against a target of (?P<target>\d+%))?|\.\s*(?P<comparator>The [^.]+))?[.¹²³⁴⁵\s]*$",
                clean(line.text).replace("**", ""),
            )
            if match:
                label = clean(match.group("label")).rstrip(".")
                value = match.group("value")
                fact = {"metric": metric_for(label), "label": label, "value": value,
                        "unit": "%" if value.endswith("%") else ("people" if "offenders" in label else "")}  # fmt: skip
                fact["organisation"] = (
                    "NPS" if "NPS" in label or "National Probation" in label else ("CRC" if "CRC" in label else "both")
                )
                if match.group("national"):
                    fact["national"] = match.group("national")
                if match.group("target"):
                    fact["target"] = match.group("target")
                if match.group("comparator"):
                    fact["comparator_text"] = clean(match.group("comparator"))
                extraction.facts.append(Found(fact, line.number, line.page, clean(line.text)[:240]))
    else:
        extraction.missing.append("key facts")


def parse_recommendations(document, extraction):
    recommendations = search(document, r"\nRecommendations\n")
    if recommendations:
        addressee = None
        for line in document.lines[document.line_at(recommendations.end()).number :]:
            text = clean(line.text)
            if re.match(r"^\d+\. The arrangements", text) or text.startswith("2. The arrangements"):
                break
            if text.endswith("should:"):
                addressee = text[: -len(" should:")]
                continue
            match = re.match(r"^(\d{1,2})\. (.+)$", text)
            if match and addressee:
                organisation = {
                    "The Community Rehabilitation Company": "CRC",
                    "The National Probation Service": "NPS",
                }.get(addressee, "joint")
                extraction.recommendations.append(
                    Found(
                        {
                            "number": int(match.group(1)),
                            "addressee": addressee,
                            "text": match.group(2),
                            "organisation": organisation,
                        },
                        line.number,
                        line.page,
                        text[:240],
                    )  # fmt: skip
                )
    if not extraction.recommendations:
        extraction.missing.append("recommendations")


def parse_sufficiency_tables(document, extraction, key_questions):
    """Tables of "% of cases where interventions delivered sufficiently" by assessed need."""
    needs = {normalise(text.split(": ", 1)[-1]): code for code, text in key_questions if code.startswith("RR.")}
    for table in re.finditer(
        r"Table (\d+): Sufficiency scores[^\n]*?in the (CRC|NPS) inspection sample", document.text
    ):
        organisation = table.group(2)
        for line in document.lines[document.line_at(table.end()).number :]:
            text = line.text.strip()
            if not text or text.startswith("Assessed need"):
                if (
                    extraction.scores
                    and not text
                    and any(s.value["organisation"] == organisation for s in extraction.scores)
                ):
                    break
                continue
            match = re.match(r"^(.+?)\t\s*(\d{1,3})%$", text)
            if not match:
                break
            code = needs.get(normalise(match.group(1)))
            if code is None:
                extraction.conflicts.append(
                    f"Table {table.group(1)}: assessed need '{match.group(1)}' is not in the catalogue (line {line.number})"
                )
                continue
            extraction.scores.append(Found({"key_question": code, "percent": match.group(2), "organisation": organisation,
                                            "table": table.group(1)}, line.number, line.page, text))  # fmt: skip


def parse_other_tables(document, extraction):
    """Tables printed as tab-separated rows (caseloads, referrals), kept as the report gives them."""
    for table in re.finditer(r"\nTable (\d+): (?!Enablers|Sufficiency)([^\n]+)", document.text):
        rows = []
        for line in document.lines[document.line_at(table.end()).number :]:
            if not line.text.strip():
                if rows:
                    break
                continue
            if "\t" not in line.text:
                break
            rows.append([clean(cell) for cell in line.text.split("\t")])
        if len(rows) < 2:
            continue
        width = max(len(row) for row in rows)
        columns = [cell or f"Column {index + 1}" for index, cell in enumerate(rows[0] + [""] * (width - len(rows[0])))]
        body = [row + [""] * (width - len(row)) for row in rows[1:]]
        # Which organisation a table describes is not stated in a form the parser can trust, so
        # tables stay with the report; an editor can attach one to an inspection.
        value = {"number": table.group(1), "title": clean(table.group(2)).rstrip("."), "columns": columns, "rows": body}
        extraction.tables.append(found(document, table, value, 1))


def parse_enablers_and_barriers(document, extraction):
    """Quality & Impact tables of enablers and barriers, per organisation and domain."""
    pattern = r"Table (\d+): Enablers (?:and barriers )?for the (CRC and NPS working together|CRC|NPS)[^\n]*?domain of ([a-z ]+)\."
    for table in re.finditer(pattern, document.text):
        organisation = {"CRC": "CRC", "NPS": "NPS"}.get(table.group(2), "joint")
        domain = QI_DOMAINS.get(table.group(3).strip().capitalize())
        if domain is None:
            extraction.conflicts.append(f"Table {table.group(1)}: unknown domain '{table.group(3)}'")
            continue
        started = False
        for line in document.lines[document.line_at(table.end()).number :]:
            if line.text.startswith("Enablers"):
                started = True
                continue
            if not started:
                continue
            if line.text.strip() and "\t" not in line.text:
                break
            cells = line.text.split("\t")
            for kind, index in (("enabler", 1), ("barrier", 3)):
                if len(cells) > index and cells[index].strip() and cells[index - 1].strip():
                    text = clean(cells[index])
                    value = {
                        "kind": kind,
                        "domain": domain,
                        "text": text,
                        "organisation": organisation,
                        "table": table.group(1),
                    }
                    extraction.findings.append(Found(value, line.number, line.page, text[:240]))
