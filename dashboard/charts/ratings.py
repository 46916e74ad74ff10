"""Charts of ratings: distributions, timelines, the drill-down ring, comparisons, owners."""

from dashboard.charts.base import (
    NOT_RECORDED,
    RATING_COLOURS,
    RATING_KEY,
    RATING_PATTERNS,
    Chart,
    figure,
    plain_layout,
    trace,
    wrap_label,
)
from inspections.rules import Rating

# Where an inspection with no overall rating sits on the timeline's scale, below Inadequate.
NO_OVERALL = -1


def rating_bar(rating, categories, counts):
    """One rating's horizontal stacked-bar segment: its colour, a pattern, and its name in the hover."""
    return trace(
        "bar",
        name=Rating.label_of(rating, NOT_RECORDED),
        y=categories,
        x=counts,
        orientation="h",
        marker={
            "color": RATING_COLOURS[rating],
            "line": {"color": "#505a5f", "width": 1},
            "pattern": {
                "shape": RATING_PATTERNS.get(rating, ""),
                "fillmode": "overlay",
                "fgcolor": "#ffffff" if rating is not None else "#505a5f",
                "fgopacity": 0.6,
                "size": 6,
            },
        },
        hovertemplate="%{y}: %{x} " + Rating.label_of(rating, NOT_RECORDED) + "<extra></extra>",
    )


def rating_distribution(chart_id, title, standards, counts, total_by_standard, summary_scope):
    """Stacked horizontal bars: for each standard, how many providers got each rating.

    `counts` maps (standard code, rating) -> n; `total_by_standard` maps code -> inspections it
    applies to, so the remainder is shown as "not recorded".
    """
    labels = [wrap_label(f"{standard.code} {standard.name}") for standard in standards]
    rows = []
    for standard in standards:
        recorded = [counts.get((standard.code, r), 0) for r in reversed(Rating)]
        missing = total_by_standard.get(standard.code, 0) - sum(recorded)
        rows.append([f"{standard.code} {standard.name}", *recorded, missing])
    # One bar per rating (Outstanding first, "not recorded" last): the table's columns, transposed.
    bars = [
        rating_bar(rating, labels, [row[1 + n] for row in rows]) for n, rating in enumerate([*reversed(Rating), None])
    ]
    layout = plain_layout(
        barmode="stack", yaxis={"autorange": "reversed", "automargin": True}, xaxis={"title": {"text": ""}}
    )
    recorded_total = sum(counts.values())
    possible = sum(total_by_standard.values())
    inadequate = sum(count for (code, rating), count in counts.items() if rating == Rating.INADEQUATE)
    summary = (
        f"Across {summary_scope}, {recorded_total} of {possible} standard ratings are recorded; "
        f"{inadequate} of them are Inadequate."
    )
    headers = ["Standard", *(r.label for r in reversed(Rating)), "Not recorded"]
    return Chart(chart_id, title, summary, figure(bars, layout), headers, rows, height=200 + 40 * len(standards))


def rating_timeline(provider, inspections):
    """Overall rating at each of a provider's rated inspections, in time order, as dots on the
    rating scale.

    Every inspection the page lists is drawn, so the chart never contradicts the list beside it:
    an undated one keeps its place by its round ("date not stated, 2018-19 round"), and one with
    no overall rating sits on a "No overall rating" row while the summary says, in words, what
    the record states instead (Inspection.overall_rating_note).
    """
    points = sorted(
        (i for i in inspections if i.report.framework.has_four_point_ratings),
        key=lambda i: (i.report.sort_date, i.pk),
    )
    if not points:
        return None
    labels = []
    for inspection in points:
        label = wrap_label(inspection.report.when_text, 10)
        while label in labels:  # a category axis needs distinct labels
            label += " "
        labels.append(label)
    missing = any(i.overall_rating is None for i in points)
    return Chart(
        id="overall-over-time",
        title=f"{provider.name}: overall rating at each inspection",
        summary=timeline_summary(provider, points),
        figure=figure(timeline_traces(labels, points), timeline_layout(missing)),
        headers=["Inspection", "Overall rating"],
        rows=[[i.report.when_text, i.overall_text] for i in points],
        height=300 if not missing else 330,
    )


def timeline_traces(labels, points):
    """A dotted line through the rated inspections (when two or more), and a dot for each: filled
    in the rating's colour, or open on the "No overall rating" row."""
    rated = [(label, i) for label, i in zip(labels, points, strict=True) if i.overall_rating is not None]
    line = trace(
        "scatter",
        x=[label for label, _i in rated],
        y=[i.overall_rating for _label, i in rated],
        mode="lines",
        line={"color": "#505a5f", "dash": "dot"},
        hoverinfo="skip",
    )
    dots = trace(
        "scatter",
        x=labels,
        y=[i.overall_rating if i.overall_rating is not None else NO_OVERALL for i in points],
        mode="markers",
        customdata=[i.overall_text for i in points],
        marker={
            "size": 16,
            "symbol": ["circle" if i.overall_rating is not None else "circle-open" for i in points],
            "color": [RATING_COLOURS[i.overall] if i.overall is not None else "#505a5f" for i in points],
            "line": {"color": "#0b0c0c", "width": 1.5},
        },
        hovertemplate="%{x}: %{customdata}<extra></extra>",
    )
    return [line, dots] if len(rated) >= 2 else [dots]


def timeline_layout(missing):
    """The rating scale upwards, with a "No overall rating" row below Inadequate when needed."""
    tickvals = [r.value for r in Rating]
    ticktext = [r.label for r in Rating]
    if missing:
        tickvals.insert(0, NO_OVERALL)
        ticktext.insert(0, "No overall rating")
    return plain_layout(
        yaxis={
            "range": [tickvals[0] - 0.5, 3.5],
            "tickvals": tickvals,
            "ticktext": ticktext,
            "automargin": True,
            "fixedrange": True,
        },
        xaxis={"type": "category", "automargin": True, "fixedrange": True},
        showlegend=False,
    )


def timeline_summary(provider, points):
    """Each inspection's overall rating in words, or what the record states instead; then whether
    it improved between the first and last recorded ratings."""
    parts = []
    for inspection in points:
        if inspection.overall_rating is not None:
            parts.append(f"{inspection.report.when_text}: {inspection.overall.label}")
        elif inspection.overall_rating_note:
            parts.append(
                f"{inspection.report.when_text}: no overall rating ({inspection.overall_rating_note.rstrip('.')})"
            )
        else:
            parts.append(f"{inspection.report.when_text}: no overall rating in any source we hold")
    summary = f"Overall rating at each inspection of {provider.name}: {'; '.join(parts)}."
    rated = [i for i in points if i.overall_rating is not None]
    if len(rated) >= 2:
        first, last = rated[0], rated[-1]
        change = "improved" if last.overall_rating > first.overall_rating else (
            "fell" if last.overall_rating < first.overall_rating else "stayed the same")  # fmt: skip
        summary += f" Between the first and last recorded ratings it {change}."
    return summary


def drilldown_sunburst(inspection, standards_by_domain, ratings, url_for_standard):
    """Overall -> domain -> standard; each standard segment links to its section."""
    # Short labels on the ring (the code; the name is in the hover, the table and the page), text
    # no smaller than 11 px (plotly hides a label that cannot fit rather than shrink it), upright.
    root = f"Overall:<br>{wrap_label(Rating.label_of(inspection.overall_rating, NOT_RECORDED), 12)}"
    ids, labels, parents, colours, links, hover = (
        ["overall"],
        [root],
        [""],
        [RATING_COLOURS[inspection.overall]],
        [""],
        [root],
    )
    for domain, standards in standards_by_domain:
        domain_id = f"domain-{domain.code}"
        ids.append(domain_id)
        labels.append(f"{domain.code}. {wrap_label(domain.name, 12)}")
        parents.append("overall")
        colours.append("#f3f2f1")
        links.append("")
        hover.append(domain.name)
        for standard in standards:
            rating = ratings.get(standard.code)
            ids.append(f"standard-{standard.code}")
            labels.append(standard.code)
            parents.append(domain_id)
            colours.append(RATING_COLOURS[Rating(rating) if rating is not None else None])
            links.append(url_for_standard(standard))
            hover.append(f"{standard.code} {standard.name}: {Rating.label_of(rating, NOT_RECORDED)}")
    ring = trace(
        "sunburst",
        ids=ids,
        labels=labels,
        parents=parents,
        marker={"colors": colours, "line": {"color": "#0b0c0c", "width": 1}},
        leaf={"opacity": 1},
        insidetextfont={"color": ["#0b0c0c" if colour in ("#f3f2f1", "#ffffff") else "#ffffff" for colour in colours]},
        customdata=links,
        hovertext=hover,
        hoverinfo="text",
        insidetextorientation="horizontal",
        maxdepth=3,
    )
    layout = plain_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, uniformtext={"minsize": 11, "mode": "hide"})
    rows = []
    for domain, standards in standards_by_domain:
        for standard in standards:
            rows.append(
                [
                    f"{domain.code}. {domain.name}",
                    f"{standard.code} {standard.name}",
                    Rating.label_of(ratings.get(standard.code), NOT_RECORDED),
                ]
            )
    recorded = sum(1 for row in rows if row[2] != NOT_RECORDED)
    return Chart(
        id="drilldown",
        title=inspection.chart_title("overall rating and each standard"),
        summary=f"Overall {Rating.label_of(inspection.overall_rating, NOT_RECORDED)}; {recorded} of {len(rows)} standard ratings recorded. Select a standard to open it.",
        figure=figure([ring], layout),
        headers=["Domain", "Standard", "Published rating"],
        rows=rows,
        height=420,
        links=[url_for_standard(s) for _domain, standards in standards_by_domain for s in standards],
        legend=RATING_KEY,
    )


RATING_INITIALS = {
    Rating.OUTSTANDING: "O",
    Rating.GOOD: "G",
    Rating.REQUIRES_IMPROVEMENT: "RI",
    Rating.INADEQUATE: "I",
    None: "–",
}


def compare_ratings(inspections, standards, ratings_by_inspection):
    """A grid of coloured cells: one column per compared inspection, one row per standard.

    A rating is ordinal, so it is drawn as a rating (the palette, with its initials so colour
    never carries it alone), never as a bar length; one trace per rating gives the legend.
    """
    # Two names fit side by side at phone width; three or four would collide, so they are numbered
    # and the title says which number is which.
    numbered = len(inspections) > 2
    columns = [str(number) if numbered else wrap_label(i.heading, 18) for number, i in enumerate(inspections, start=1)]
    rows = [f"{standard.code} {standard.name}" for standard in standards]
    cells = {
        (column, row): (inspection, ratings_by_inspection[inspection.pk].get(standard.code))
        for inspection, column in zip(inspections, columns, strict=True)
        for standard, row in zip(standards, rows, strict=True)
    }
    names = "; ".join(
        f"{f'{number} ' if numbered else ''}{i.provider.name} ({i.report.when_text})"
        for number, i in enumerate(inspections, start=1)
    )
    return Chart(
        id="compare-ratings",
        title=f"Standard ratings side by side: {names}",
        summary=(
            f"Ratings of {len(inspections)} inspections on each standard, as coloured cells "
            "(O Outstanding, G Good, RI Requires improvement, I Inadequate; – not recorded)."
        ),
        figure=figure(rating_cell_traces(cells), rating_grid_layout(columns, rows)),
        headers=["Standard", *(str(i) for i in inspections)],
        rows=[
            [
                f"{s.code} {s.name}",
                *(Rating.label_of(ratings_by_inspection[i.pk].get(s.code), NOT_RECORDED) for i in inspections),
            ]
            for s in standards
        ],
        height=160 + 44 * len(standards),
    )


def rating_cell_traces(cells):
    """One trace of square cells per rating (and one for not recorded), from {(column, row): (inspection, value)}."""
    traces = []
    for rating in [*reversed(Rating), None]:
        xs, ys, hover = [], [], []
        for (column, row), (inspection, value) in cells.items():
            if (Rating(value) if value is not None else None) == rating:
                xs.append(column)
                ys.append(wrap_label(row, 24))
                hover.append(f"{inspection.heading}: {row}")
        if not xs:
            continue
        label = Rating.label_of(rating, NOT_RECORDED)
        traces.append(
            trace(
                "scatter",
                name=label,
                x=xs,
                y=ys,
                mode="markers+text",
                text=[RATING_INITIALS[rating]] * len(xs),
                textfont={"color": "#ffffff" if rating is not None else "#505a5f", "size": 12},
                textposition="middle center",
                customdata=hover,
                marker={
                    "symbol": "square",
                    "size": 30,
                    "color": RATING_COLOURS[rating],
                    "line": {"color": "#505a5f", "width": 1},
                },
                hovertemplate="%{customdata}: " + label + "<extra></extra>",
            )
        )
    return traces


def rating_grid_layout(columns, rows):
    """Columns along the top in the order chosen, rows down in catalogue order, nothing zoomable."""
    return plain_layout(
        xaxis={
            "type": "category",
            "side": "top",
            "categoryorder": "array",
            "categoryarray": columns,
            "fixedrange": True,
        },
        yaxis={
            "type": "category",
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": [wrap_label(row, 24) for row in rows],
            "fixedrange": True,
        },
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )


def owner_comparison(owner_rows):
    """Stacked horizontal bars of overall ratings per owner group (latest inspection of each provider)."""
    names = [wrap_label(row["owner"].name) for row in owner_rows]
    bars = []
    for rating in [*reversed(Rating), None]:
        key = rating.value if rating is not None else None
        bars.append(rating_bar(rating, names, [row["counts"].get(key, 0) for row in owner_rows]))
    layout = plain_layout(barmode="stack", yaxis={"autorange": "reversed"})
    good = [
        row["owner"].name
        for row in owner_rows
        if row["counts"].get(Rating.GOOD.value) or row["counts"].get(Rating.OUTSTANDING.value)
    ]
    return Chart(
        id="owner-comparison",
        title="Overall rating at the latest inspection, by owner group (number of providers)",
        summary=(
            f"{len(owner_rows)} owner groups; providers rated Good or better at their latest inspection are owned by: "
            f"{', '.join(good) if good else 'none'}."
        ),
        figure=figure(bars, layout),
        headers=["Owner group", *(r.label for r in reversed(Rating)), "Not recorded"],
        rows=[
            [row["owner"].name, *(row["counts"].get(r.value, 0) for r in reversed(Rating)), row["counts"].get(None, 0)]
            for row in owner_rows
        ],
        height=200 + 44 * len(owner_rows),
    )
