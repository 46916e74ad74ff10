"""The parser on phrasings met in press releases, blogs and news: dates, figures, Quality & Impact texts
and the provider a text opens with. Each test is written as other texts put it, not copied from one.
"""

from django.test import SimpleTestCase

from inspections.quantities import parse_qualified_number
from inspections.report_parser import parse_report, read_document
from inspections.report_parser.catalogue import bundled_catalogue, bundled_owners

CATALOGUE = bundled_catalogue()


def read(text, subject=None):
    standards, questions, providers = CATALOGUE
    return parse_report(read_document(text.encode(), "made-up.txt"), standards, questions, providers, subject)


def ratings(extraction):
    return {code: found.value for code, found in extraction.ratings.items()}


def overall_and_ratings(text):
    extraction = read(text)
    overall = extraction.fields.get("overall")
    return (overall.value if overall else None), ratings(extraction)


class PhrasingsOfOtherTextsTests(SimpleTestCase):
    """Phrasings met in blogs and news (the third round, batch E), each written here as other texts put it."""

    def test_all_four_case_supervision_standards_named_after_the_rating(self):
        texts = [
            "Inspectors found the organisation was ranked as inadequate on all four core domains relating to case "
            "supervision.",
            "HM Inspectorate of Probation rated the CRC ‘Inadequate’ in all four case supervision standards.",
            "The probation division was rated 'Good' across all four of the standards for case supervision.",
        ]
        for text in texts:
            rating = "Good" if "Good" in text else "Inadequate"
            with self.subTest(text):
                self.assertEqual(overall_and_ratings(text), (None, dict.fromkeys(("2.1", "2.2", "2.3", "2.4"), rating)))

    def test_the_overall_rating_or_none(self):
        cases = [
            # counts, not ratings
            ("HM Inspectorate of Probation rated the CRC 'Inadequate' on all four standards of its work.", None),
            ("HM Inspectorate of Probation: damning report rates Halifax probation service as 'inadequate' in all "
             "areas.", None),
            # said of both organisations of a joint (Quality & Impact) inspection, neither alone
            ("HM Inspectorate of Probation found both the National Probation Service and the Community "
             "Rehabilitation Company in Essex to require improvement.", None),
            # 'rates' is a rating verb
            ("HM Inspectorate of Probation brought forward its inspection of the Essex CRC which it rates as "
             "inadequate, the first CRC in the bottom band.", "Inadequate"),
            # an earlier Quality & Impact inspection does not stop this inspection's rating
            ("Our previous Quality & Impact inspection was in 2017. In its report published today (3 May 2019) HM "
             "Inspectorate of Probation rated Essex Community Rehabilitation Company 'Good'.", "Good"),
        ]  # fmt: skip
        for text, overall in cases:
            with self.subTest(text):
                self.assertEqual(overall_and_ratings(text), (overall, {}))

    def test_a_sentence_comparing_with_another_inspection_is_uncertain(self):
        found = read(
            "HM Inspectorate of Probation published its report. Like the report on the neighbouring Essex CRC "
            "published earlier this week, the organisation was ranked as inadequate on all four core domains "
            "relating to case supervision."
        ).ratings["2.1"]
        self.assertEqual(
            (found.value, found.uncertain, found.why),
            ("Inadequate", True, "the sentence compares it with another inspection"),
        )


class OverallRatingPhrasingsTests(SimpleTestCase):
    """The overall rating as owners' releases and news word it (the fourth round, batch F), and the
    ratings a text mentions without giving them to this inspection."""

    RATED = "HM Inspectorate of Probation rated Essex Community Rehabilitation Company 'Requires improvement'. "

    def assert_no_rating_added_by(self, sentences):
        for sentence in sentences:
            with self.subTest(sentence):
                self.assertEqual(overall_and_ratings(self.RATED + sentence), ("Requires improvement", {}))

    def test_an_overall_rating_worded_in_other_ways(self):
        crc = "Essex Community Rehabilitation Company"
        cases = [
            (f"HM Inspectorate of Probation published its report on {crc}, with an overall rating of 'Requires "
             "Improvement'.", "Requires improvement"),
            (f"Inspectors rated {crc} 'Good' overall.", "Good"),
            (f'The probation watchdog found {crc}, which is run by a charity, "required improvement" overall and '
             'inspectors were "concerned".', "Requires improvement"),
            (f"HM Inspectorate of Probation said {crc} was found to require improvement overall.",
             "Requires improvement"),
            (f"{crc} received an overall rating of 'Inadequate' from HM Inspectorate of Probation.", "Inadequate"),
            (f"{crc} was judged overall to be 'Good' by HM Inspectorate of Probation.", "Good"),
            (f"Overall, HM Inspectorate of Probation rated {crc} as 'Requires improvement'.", "Requires improvement"),
            (f"The CRC, which supervises nearly 3,000 people, was rated 'Good' overall by the inspectorate in its "
             f"report on {crc}.", "Good"),
            (f"HM Inspectorate of Probation gave {crc} an overall rating of Good.", "Good"),
            (f"HM Inspectorate of Probation rated {crc} overall as 'Requires improvement'.", "Requires improvement"),
            (f"The service was, overall, rated as requiring improvement in the inspectorate's report on {crc}.",
             "Requires improvement"),
            (f"{crc}'s overall rating is 'Inadequate', HM Inspectorate of Probation said.", "Inadequate"),
        ]  # fmt: skip
        for text, overall in cases:
            with self.subTest(text):
                self.assertEqual(overall_and_ratings(text), (overall, {}))

    def test_the_inspectorates_remit_is_not_a_count_of_providers(self):
        remit = "Today HM Inspectorate of Probation, which investigates youth offending and probation services, rated "
        self.assertEqual(
            overall_and_ratings(remit + "that in Essex 'requires improvement'."), ("Requires improvement", {})
        )
        self.assertEqual(overall_and_ratings(remit + "three probation services 'Good'."), (None, {}))

    def test_a_rating_not_given_or_only_possible_is_not_a_rating(self):
        sentences = [
            "The report explained that the CRC's performance was close to a 'Good' rating.",
            "The chief inspector said the CRC could be rated good next time.",
            "If it keeps improving, the CRC would be rated 'Good'.",
            "The CRC has not been rated 'Outstanding' in any area.",
            "The CRC hopes to achieve a 'Good' rating.",
            "The CRC narrowly missed out on a 'Good' rating.",
            "Leadership was not rated 'Good'.",
            "The CRC could be rated 'Good' overall next year.",
            "The CRC was not rated 'Inadequate' overall.",
            "The CRC fell short of an overall 'Good' rating.",
            "Staff said they were working towards a 'Good' rating.",
            "Inspectors said the CRC was not far from a 'Good' rating.",
            "No standard was rated 'Outstanding'.",
        ]
        self.assert_no_rating_added_by(sentences)

    def test_counted_standards_are_not_the_overall_rating(self):
        sentences = [
            "Its unpaid work was rated outstanding, while two more categories - out of 10 overall - were judged as "
            "good.",
            "Overall, two standards were rated 'Good'.",
            "Overall, the quality of work was rated 'Good' in three of the ten standards.",
        ]
        for sentence in sentences:
            with self.subTest(sentence):
                self.assertEqual(overall_and_ratings(self.RATED + sentence)[0], "Requires improvement")

    def test_an_earlier_inspection_or_another_provider_is_not_this_inspections_rating(self):
        sentences = [
            "In 2017 the CRC was rated 'Good'.",
            "It was previously rated 'Good' overall.",
            "We last inspected the CRC in June 2017 and gave it an overall rating of 'Good'.",
            "Elsewhere, a neighbouring CRC was rated 'Good' overall.",
            "In other CRCs inspected this year, three were rated 'Good' overall.",
        ]
        self.assert_no_rating_added_by(sentences)


class QualityAndImpactTextTests(SimpleTestCase):
    """The 2016-18 inspections judged in words: a text about one yields no four-point rating."""

    def test_no_rating_from_a_text_about_a_quality_and_impact_inspection(self):
        texts = [
            "Today’s (9 November 2017) probation inspectors’ report on West Mercia found the Community "
            "Rehabilitation Company to require improvement.",
            "The Quality & Impact inspection of probation found the CRC's work was rated as 'requires improvement'.",
            "Inspectors said the CRC was rated 'Good'. The fieldwork for this inspection started on 6 March 2017.",
            "Probation\nHM Inspectorate of Probation APRIL 2017\nInspectors rated the CRC 'Good'.",
        ]
        for text in texts:
            with self.subTest(text):
                extraction = read(text)
                self.assertNotIn("overall", extraction.fields)
                self.assertEqual(ratings(extraction), {})
                self.assertIn("Quality & Impact inspection (2016-18)", extraction.notes[-1])


class DateTests(SimpleTestCase):
    def value(self, text, field):
        found = read(text).fields.get(field)
        return (found.value, found.uncertain) if found else None

    def test_published_dates_as_press_texts_and_covers_give_them(self):
        cases = [
            ("Inspectors rated it in an inspection report published today (8 may 2019).", "2019-05-08"),
            ("Date published: 04 April 2019\nHM Inspectorate of Probation said in its report that it had concerns.",
             "2019-04-04"),
            ("Today’s (29 June 2017) probation inspectors’ report on South Yorkshire is out. HM Inspectorate of "
             "Probation.", "2017-06-29"),
            ("Inspectors rated the CRC in a report published earlier this month (6 October 2016).", "2016-10-06"),
            ("Inspectors rated the CRC in a report published yesterday (15 June 2017).", "2017-06-15"),
            ("Inspectors were critical in the HMI Probation report of 15 December 2016 on the CRC.", "2016-12-15"),
            ("Napo welcomes the HMIP report findings into an inspection of South Yorkshire Community Rehabilitation "
             "Company (SYCRC) published on the 29 March 2019. The annual report (published 28 April 2019) is critical.",
             "2019-03-29"),
            ("Action Plan Submitted: 4 March 2020 A Response to the HMI Probation Inspection: An Inspection of "
             "Central Functions Report Published: 14 January 2020 INTRODUCTION", "2020-01-14"),
        ]  # fmt: skip
        for text, published in cases:
            with self.subTest(text):
                self.assertEqual(self.value(text, "published"), (published, False))
        # a journal's note on a report has its own date
        self.assertIsNone(
            self.value("Published date01 March 2020\nHM Inspectorate of Probation rated it.", "published")
        )

    def test_a_report_out_today_on_a_news_page_dated_by_its_dateline(self):
        page = (
            "By The Newsroom\nThursday, 20th April 2017, 12:00 pm\nUpdated Tuesday, 9th May 2017, 6:44 pm\n[...]\n"
            "A national watchdog has today released its findings following an inspection of the work of the "
            "Community Rehabilitation Company in Northamptonshire."
        )
        found = read(page).fields["published"]
        self.assertEqual((found.value, found.uncertain), ("2017-04-20", True))
        bracketed = "22 Sep 2016\n\nHM Inspectorate of Probation's report on probation in Derbyshire, published today (Thursday {})."
        self.assertEqual(read(bracketed.format("22 September")).fields["published"].value, "2016-09-22")
        for text in (
            bracketed.format("23 September"),  # the brackets disagree with the dateline
            page.replace("has today released", "has released"),  # not said to be out today
            page.replace("Thursday, 20th April 2017, 12:00 pm\n", ""),  # an 'Updated' line is no dateline
        ):
            with self.subTest(text):
                self.assertNotIn("published", read(text).fields)

    def test_a_cover_month_is_the_cover_date_never_the_publication_date(self):
        # London CRC's 2018 report: 'March 2018' on its cover, published on 8 February 2018.
        cases = [
            ("An inspection of Essex Community Rehabilitation Company\nHMI Probation, July 2020\nContents\n", "2020-07"),
            ("HM Inspectorate of Probation OCTOBER 2019 2018/2019 inspections of probation services: summary report",
             "2019-10"),
            ("Quality & Impact inspection\nThe effectiveness of probation work in London\nAn inspection by HM "
             "Inspectorate of Probation\nMARCH 2018\nSummary of ratings\n", "2018-03"),
        ]  # fmt: skip
        for text, cover in cases:
            with self.subTest(text):
                self.assertEqual(self.value(text, "cover_date"), (cover, False))
                self.assertIsNone(self.value(text, "published"))

    def test_fieldwork_start_as_texts_give_it(self):
        rated = "HM Inspectorate of Probation rated the CRC. "
        cases = [
            ("HM Inspectorate of Probation inspected Essex CRC. The fieldwork for this inspection started on 06 "
             "January 2020.", ("2020-01-06", False)),
            (rated + "The fieldwork for the inspection in October 2018 was hard.", ("2018-10", False)),
            ("HM Inspectorate of Probation rated the NPS division following an inspection in December 2018.",
             ("2018-12", False)),
            # an inspection in a month: uncertain, and only near publication
            (rated + "Inspectors found problems in the DDC inspection in November 2018.", ("2018-11", True)),
            (rated + "Dame Glenys outlined issues identified by inspectors in August 2018.", ("2018-08", True)),
            ("Published on 3 May 2020. " + rated + "The November 2018 inspection found problems.", None),
            ("Published on 3 May 2020. " + rated + "The November 2019 inspection found problems.", ("2019-11", True)),
            (rated + "Since the June 2019 inspection, staff have left.", None),
            ("HM Inspectorate of Probation rated the CRC in 2019. The November 2016 inspection found problems.", None),
        ]  # fmt: skip
        for text, fieldwork in cases:
            with self.subTest(text):
                self.assertEqual(self.value(text, "fieldwork_start"), fieldwork)


class OtherFactsTests(SimpleTestCase):
    def facts(self, text):
        return [
            (f.value["metric"], f.value["qualifier"], f.value["number"], f.value["unit"])
            for f in read("HM Inspectorate of Probation rated the CRC. " + text).facts
        ]

    def test_caseloads_worded_as_news_words_them(self):
        self.assertEqual(
            self.facts("Essex CRC - which looks after 8,500 low and medium risk offenders - was inspected."),
            [("individuals-supervised", "exact", 8500, "people")],
        )
        self.assertEqual(
            self.facts("The division supervises more than 16,500 high-risk criminals."),
            [("individuals-supervised", "more_than", 16500, "people")],
        )
        # "write-up from" is not "up from" (an earlier figure)
        self.assertEqual(
            self.facts(
                "Essex CRC – which supervises more than 4,000 offenders – has received a mixed write-up from us."
            ),
            [("individuals-supervised", "more_than", 4000, "people")],
        )

    def test_figures_mapped_to_one_metric_with_their_qualifier(self):
        cases = [
            ("Approximately 224,000 people were under probation supervision in England and Wales by June.",
             ("national-caseload", "about", 224000, "people")),
            ("Probation staff have been managing around 70 cases each.", ("caseload-per-officer", "about", 70, "cases")),
            ("Frontline staff were responsible for an average of 58 cases each.",
             ("caseload-per-officer", "exact", 58, "cases")),
            ("On average, probation officers were managing more than 42 cases.",
             ("caseload-per-officer", "more_than", 42, "cases")),
            ("Almost 70 per cent of interviewed staff said their workloads were unmanageable.",
             ("unmanageable-workload", "almost", 70, "%")),
            ("More than two thirds, or 69 per cent, of staff said their workload was unmanageable.",
             ("unmanageable-workload", "exact", 69, "%")),
            ("At the time of the inspection, there were more than 150 unfilled vacancies.",
             ("staffing", "more_than", 150, "vacancies")),
            ("The report found some officers were responsible for up to 80 cases.",
             ("caseload-per-officer", "up_to", 80, "cases")),
            ("Around 87% of them serve prison terms.", ("custodial-share", "about", 87, "%")),
            ("The division had 150 officers, which represents a 16 per cent gap in expected staffing levels.",
             ("staffing", "exact", 16, "%")),
            ("There are 102 roles to fill across the region.", ("staffing", "exact", 102, "vacancies")),
            ("More than 60 per cent of its caseload are serving custodial sentences.",
             ("custodial-share", "more_than", 60, "%")),
        ]  # fmt: skip
        for text, fact in cases:
            with self.subTest(text):
                self.assertEqual(self.facts(text), [fact])

    def test_a_shortfall_as_a_share_and_in_posts_and_not_at_an_earlier_inspection(self):
        self.assertEqual(
            self.facts("There was a 20% shortfall in the number of probation officers, around 140 posts."),
            [("staffing", "about", 140, "vacancies"), ("staffing", "exact", 20, "%")],
        )
        self.assertEqual(self.facts("The division had a 20 per cent vacancy rate at our last inspection."), [])

    def test_a_figure_stated_twice_is_one_fact_and_unlabelled_counts_are_left_out(self):
        self.assertEqual(
            self.facts("Officers juggling 42 cases each\nOfficers are juggling 42 cases each, a report found."),
            [("caseload-per-officer", "exact", 42, "cases")],
        )
        self.assertEqual(
            self.facts("One-third of managers had 70 or more cases. 40% of staff said they were tired."), []
        )


class CountsOfRatingsTests(SimpleTestCase):
    """Counts of ratings across providers or aspects of work: `ratings-summary` facts, never a rating."""

    def counts(self, text):
        extraction = read("HM Inspectorate of Probation published its report. " + text)
        facts = [
            (f.value["label"], f.value["number"]) for f in extraction.facts if f.value["metric"] == "ratings-summary"
        ]
        return facts, extraction.fields.get("overall"), ratings(extraction)

    def test_counts_as_round_summaries_and_news_state_them(self):
        cases = [
            ("It says six out of 10 CRCs inspected since April last year were rated 'inadequate' for reviewing "
             "cases.", ("CRCs rated Inadequate for reviewing cases", 6)),
            ("Four of the seven NPS divisions were judged to be 'Good'.", ("NPS divisions rated Good", 4)),
            ("Inspectors found three out of five divisions to be 'Outstanding'. Two out of five divisions were "
             "found to be 'Good'.", ("Divisions rated Good", 2)),
            ("For the services it completed, it rated: three probation services as 'Good';",
             ("Probation services rated Good", 3)),
            ("Inspectors rated two aspects of its work 'Outstanding'.", ("Aspects of its work rated Outstanding", 2)),
            ("HMIP inspected all 21 CRCs between 2018 and 2019.", ("CRCs inspected", 21)),
            ("Three out of seven divisions were judged to be 'Good' and none were rated as 'Inadequate'.",
             ("Divisions rated Inadequate", 0)),
            ("No CRC was given the highest rating.", ("CRC rated Outstanding", 0)),
            ("No probation service was rated 'Inadequate'.", ("Probation service rated Inadequate", 0)),
        ]  # fmt: skip
        for text, fact in cases:
            with self.subTest(text):
                facts, overall, rated = self.counts(text)
                self.assertIn(fact, facts)
                self.assertEqual((overall, rated), (None, {}))

    def test_a_count_of_one_named_provider_or_an_earlier_round_is_not_read(self):
        texts = [
            "In 2018-19, Essex CRC was the only one out of 21 CRCs to be rated 'Good'.",
            "Last year, five of the seven NPS divisions were rated 'Good'.",
            "Five of the seven NPS divisions were praised, and two required improvement.",
        ]
        for text in texts:
            with self.subTest(text):
                self.assertEqual(self.counts(text)[0], [])


class ProviderInTheOpeningTests(SimpleTestCase):
    """Which provider a text is about, when its title and first sentence say or leave it open."""

    def provider(self, text):
        """(slug, uncertain) or (None, the problem in words)."""
        extraction = read(text)
        found = extraction.fields.get("provider")
        return (found.value, found.uncertain) if found else (None, extraction.provider_problem)

    def test_an_opening_about_both_a_crc_and_an_nps_division_leaves_the_provider_to_the_editor(self):
        slug, problem = self.provider(
            "Probation work sub-standard in Staffordshire\n\nThe National Probation Service and Community "
            "Rehabilitation Company in Staffordshire need to improve, said HM Inspectorate of Probation. It was the "
            "second inspection of the Midlands division of the NPS this year. The Midlands division of the NPS was "
            "praised for court work. The Midlands division of the NPS is large."
        )
        self.assertIsNone(slug)
        self.assertIn("the text opens with a CRC", problem)

    def test_one_naming_with_two_markers_counts_once(self):
        text = (
            "Probation work praised\n\nHM Inspectorate of Probation praised probation work in its inspection "
            "report. It looked at work in the Midlands division of the NPS."
        )
        self.assertEqual(self.provider(text)[0], None)
        self.assertIn("nps-midlands (1x)", self.provider(text)[1])

    def test_a_division_named_only_beside_a_crc_is_left_to_the_editor(self):
        slug, problem = self.provider(
            "Inspector finds problems\n\nThis is our second inspection of probation work in the Midlands division "
            "of the National Probation Service (NPS) and in a Community Rehabilitation Company (CRC) owned by RRP. "
            "The inspectors' report is out."
        )
        self.assertIsNone(slug)
        self.assertIn("only beside a CRC", problem)

    def test_news_naming_the_inspectorate_only_as_a_watchdog_is_read(self):
        extraction = read(
            "A watchdog has warned that probation officers in Staffordshire are overloaded. The report found some "
            "officers were responsible for up to 80 cases."
        )
        self.assertEqual([found.value["number"] for found in extraction.facts], [80])

    def test_named_once_in_full_in_the_opening_sentence_is_uncertain(self):
        text = (
            "Public probation performing well\n\nThe South West South Central division of the National Probation "
            "Service was found by inspectors to be performing to a good standard overall. The division is well led."
        )
        self.assertEqual(self.provider(text), ("nps-south-west-south-central", True))
        among = text.replace("was found by inspectors", "was among the divisions found by inspectors")
        self.assertIsNone(self.provider(among)[0])

    def test_named_once_further_on_with_its_area_in_the_opening_is_uncertain(self):
        text = (
            "Inspectors slam Suffolk's probation services\n\nSuffolk's probation services have been accused of "
            "failing victims in a report by HM Inspectorate of Probation. The Norfolk and Suffolk CRC, owned by Sodexo, was "
            "criticised."
        )
        self.assertEqual(self.provider(text), ("norfolk-suffolk-crc", True))
        wales = (
            "Watchdog praises probation services\n\nSTATE-RUN probation services in Wales have been praised in an "
            "inspection report. Chief inspector Dame Glenys Stacey said Wales's National Probation Service had "
            "effective leaders."
        )
        self.assertEqual(self.provider(wales), ("nps-wales", True))
        titled = (
            "Kent, Surrey and Sussex private probation performing poorly\n\nKent, Surrey and Sussex CRC is still "
            "rated as 'requiring improvement' by probation inspectors."
        )
        self.assertEqual(self.provider(titled), ("kent-surrey-sussex-crc", True))
        # the opening names another place, or only a place several providers' names hold
        self.assertIsNone(self.provider(text.replace("Suffolk's", "Essex's"))[0])
        self.assertIsNone(self.provider(text.replace("Suffolk's", "Yorkshire's"))[0])

    def test_a_crcs_area_named_without_the_crc(self):
        cases = [
            ("People put at risk due to Essex probation service failings\n\nInspectors found staff said their "
             "workload was unmanageable, and the service was rated 'Requires improvement'.", "essex-crc"),
            ("The probation system is not responding to treatment\n\nHM Inspectorate of Probation published its "
             "13th inspection of a private probation provider. Today's report examined performance in the four "
             "county area of Bedfordshire, Northamptonshire, Cambridgeshire and", "bench-crc"),
        ]  # fmt: skip
        for text, slug in cases:
            with self.subTest(text):
                self.assertEqual(self.provider(text), (slug, True))

    def test_an_area_is_not_enough_beside_an_nps_division_or_another_area(self):
        texts = [
            # a joint (Quality & Impact) inspection of the area's CRC and NPS division
            "Probation services in Essex - A mixed picture\n\nThe National Probation Service in Essex was working "
            "well, HM Inspectorate of Probation said, but the work of the CRC was rated poorly.",
            # two CRCs' places
            "Essex and Kent probation services criticised\n\nInspectors rated the services 'Requires improvement'.",
            # two places of one CRC listed: not three
            "Probation criticised\n\nInspectors rated the service in Kent and Surrey 'Requires improvement'.",
        ]
        for text in texts:
            with self.subTest(text):
                self.assertIsNone(self.provider(text)[0])


# A blog on three CRCs' inspections, as the Howard League's puts it (the fifth round, batch G).
THREE_CRCS = (
    "HM Inspectorate of Probation has reported on three CRCs.\n\n"
    "West Yorkshire – run by Purple Futures, an Interserve company – struggled with heavy caseloads. The "
    "inspection said that weaknesses at the CRC, which supervised 8,136 offenders, led to an overall rating as "
    "“Requiring Improvement”.\n\n"
    "Sodexo-run Essex CRC was rated as “Inadequate”. There was a lack of focus on risk of harm.\n[...]\n"
    "Another Interserve-run service in Merseyside, which supervises more than 6,500 offenders, was found by "
    "inspectors to need to improve its work on public protection."
)


# A release on a CRC that sets it beside an NPS division rated the day before.
CRC_BESIDE_A_DIVISION = (
    "Staffordshire and West Midlands Community Rehabilitation Company (CRC) had strong leadership, inspectors "
    "found in a report published today (19 December 2018).\n\nThe Chief Inspector said the CRC had been "
    "given a ‘requires improvement’ rating. This contrasts with the Midlands Division of the National "
    "Probation Service which was rated “good” in an inspection report published on 18 December 2018."
)


class StatedOfWhichProviderTests(SimpleTestCase):
    """A value is stated of the provider its clause or sentence names (the fifth round, batch G): never
    given to another, and in a text about several providers, given to none unless one is chosen."""

    def values(self, extraction):
        overall = extraction.fields.get("overall")
        facts = [found.value["value"] for found in extraction.facts]
        return (overall.value if overall else None), ratings(extraction), facts

    def test_a_text_about_several_providers_gives_none_of_them_its_values_unless_one_is_chosen(self):
        self.assertEqual(self.values(read(THREE_CRCS)), (None, {}, []))
        self.assertEqual(self.values(read(THREE_CRCS, "essex-crc")), ("Inadequate", {}, []))
        self.assertEqual(self.values(read(THREE_CRCS, "west-yorkshire-crc")), ("Requires improvement", {}, ["8,136"]))
        self.assertEqual(self.values(read(THREE_CRCS, "merseyside-crc")), (None, {}, ["more than 6,500"]))
        notes = read(THREE_CRCS).notes
        self.assertIn("left out 'Requires improvement' (line 3): the text states it of west-yorkshire-crc", notes)
        self.assertEqual(read(THREE_CRCS).conflicts, [])  # ratings of two providers are no conflict

    def test_a_value_stated_of_another_provider_is_not_this_inspections(self):
        text = (
            "HM Inspectorate of Probation rated Essex Community Rehabilitation Company 'Requires improvement'. "
            "Essex CRC supervises 4,000 people. Merseyside CRC, which supervises more than 6,500 people, was rated "
            "'Good' last month, and its unpaid work was rated 'Outstanding'. Essex CRC was inspected in June 2019."
        )
        extraction = read(text)
        self.assertEqual(extraction.fields["provider"].value, "essex-crc")
        self.assertEqual(self.values(extraction), ("Requires improvement", {}, ["4,000"]))
        self.assertEqual(extraction.fields["fieldwork_start"].value, "2019-06")

    def test_the_crc_means_the_one_crc_the_text_names_and_a_division_rated_beside_it_is_not_it(self):
        crc = read(CRC_BESIDE_A_DIVISION, "staffordshire-west-midlands-crc")
        self.assertEqual(self.values(crc)[0], "Requires improvement")
        self.assertEqual(crc.fields["published"].value, "2018-12-19")
        division = read(CRC_BESIDE_A_DIVISION, "nps-midlands")
        self.assertEqual(self.values(division)[0], "Good")
        self.assertEqual(division.fields["published"].value, "2018-12-18")

    def test_scores_and_earlier_ratings_stated_of_another_provider_are_left_out(self):
        text = (
            "HM Inspectorate of Probation rated Essex Community Rehabilitation Company 'Good'.\n\nAt Merseyside "
            "CRC, the assessment of risk of harm was sufficient in only 33 per cent of cases. We last inspected "
            "Merseyside CRC in June 2018 and gave it an overall rating of 'Inadequate'."
        )
        extraction = read(text, "essex-crc")
        self.assertEqual((extraction.scores, extraction.previous_ratings), ([], []))
        merseyside = read(text, "merseyside-crc")
        self.assertEqual([found.value["percent"] for found in merseyside.scores], ["33"])
        self.assertEqual([found.value["when"] for found in merseyside.previous_ratings], ["June 2018"])

    def test_a_provider_named_in_passing_takes_nothing_from_the_subject(self):
        text = (
            "HM Inspectorate of Probation rated Cheshire and Greater Manchester Community Rehabilitation Company "
            "'Good'. Unpaid work was rated 'Outstanding'.\n\nNotes: the chief executive also leads the "
            "neighbouring Merseyside CRC."
        )
        self.assertEqual(self.values(read(text)), ("Good", {"4.1": "Outstanding"}, []))

    def test_the_one_provider_a_text_states_values_of_keeps_them(self):
        text = (
            "Working Links, which operates three CRCs (Bristol, Gloucestershire, Somerset & Wiltshire; Dorset, Devon "
            "& Cornwall; and Wales), went into administration with Seetec, owners of Kent, Surrey and Sussex CRC, "
            "taking over. HM Inspectorate of Probation published its inspection into the Dorset, Devon & Cornwall "
            "CRC which it rates as inadequate. Its unpaid work was rated 'Inadequate'.\n\nLeadership was rated "
            "'Inadequate'."
        )
        extraction = read(text)
        self.assertNotIn("provider", extraction.fields)
        # stated of DDC (unpaid work by the sentence before it): kept; leadership, in a paragraph of its own,
        # is tied to no provider in a text naming four: left out
        self.assertEqual(self.values(extraction), ("Inadequate", {"4.1": "Inadequate"}, []))

    def test_what_the_text_compares_with_is_not_what_it_rates(self):
        extraction = read(
            "HM Inspectorate of Probation's report focuses on the Staffordshire and West Midlands CRC. Like the report on the neighbouring "
            "DLNR CRC published earlier this week, the organisation was ranked as inadequate on all four core "
            "domains relating to case supervision.",
            "staffordshire-west-midlands-crc",
        )
        self.assertEqual(ratings(extraction), dict.fromkeys(("2.1", "2.2", "2.3", "2.4"), "Inadequate"))

    def test_a_previous_owner_is_no_earlier_inspection(self):
        extraction = read(
            "Wales CRC is struggling since its previous owner went into administration and is rated by inspectors "
            "as 'requiring improvement'."
        )
        self.assertEqual(self.values(extraction)[0], "Requires improvement")


class PlaceWordTests(SimpleTestCase):
    """A place only one CRC's names hold, written as the proper name it is (the fifth round, batch G)."""

    def test_an_everyday_word_of_a_place_name_is_no_place(self):
        for title in ("Privatisation of probation service has left public at greater risk", "Public At Greater Risk"):
            with self.subTest(title):
                extraction = read(
                    f"{title}\n\nThe chief inspector of probation said a community rehabilitation company had "
                    "taken over in 2014. Her inspection report was published on Thursday."
                )
                self.assertNotIn("provider", extraction.fields)
        manchester = read(
            "Manchester probation struggling\n\nThat is the verdict of HM Inspectorate of Probation in an inspection "
            "report published today."
        )
        self.assertEqual(manchester.fields["provider"].value, "cheshire-greater-manchester-crc")


class FifthRoundPhrasingsTests(SimpleTestCase):
    """What batch G states that earlier rounds missed, each written as other texts put it."""

    def overall(self, text, subject=None):
        found = read(text, subject).fields.get("overall")
        return (found.value, found.uncertain) if found else None

    def test_a_year_is_no_count_of_providers(self):
        text = (
            "Interserve's 1,600 staff have supported more than 162,000 people since 2015 and its Hampshire & Isle of "
            "Wight CRC was the first in the country to receive a “good” rating by HM Inspectorate of Probation."
        )
        self.assertEqual(self.overall(text), ("Good", False))
        counted = text.replace("since 2015 and its Hampshire & Isle of Wight CRC was", "and two of its CRCs were")
        self.assertIsNone(self.overall(counted))

    def test_the_publisher_of_a_saved_copy_is_not_a_provider_it_names(self):
        text = (
            "URL: https://example.org/news\nKind: press-release\nTitle: Our news\n"
            "Publisher: Humberside, Lincolnshire & North Yorkshire CRC\n\n"
            "Our Hampshire & Isle of Wight CRC was rated 'Good' by HM Inspectorate of Probation."
        )
        extraction = read(text)
        self.assertNotIn("humberside", extraction.provider_problem)
        self.assertEqual(extraction.fields["overall"].value, "Good")

    def test_county_names_in_their_short_forms(self):
        headline = (
            "Staffs & West Mids CRC struggling\n\nInspectors rate Staffs & West Mids CRC as requiring improvement. "
        )
        body = "HM Inspectorate of Probation said Staffordshire and West Midlands Community Rehabilitation Company"
        fields = read(
            headline + body + " had strong leadership. The Midlands Division of the NPS was rated 'good'."
        ).fields
        read_as = (fields["provider"].value, fields["overall"].value)
        self.assertEqual(read_as, ("staffordshire-west-midlands-crc", "Requires improvement"))

    def test_the_inspections_findings_given_as_a_quoted_rating_word_are_uncertain(self):
        letter = (
            "Whilst your reporting of the Inspectorate of Probation audit findings is accurate in ‘requiring "
            "improvement’, it may be worth saying more.\n\nThe Northumbria Community Rehabilitation Company (CRC) "
            "experienced redundancies. The Northumbria CRC is under pressure."
        )
        self.assertEqual(self.overall(letter), ("Requires improvement", True))
        for other in (
            letter.replace("‘requiring improvement’", "requiring improvement"),  # unquoted: a phrase, not a rating
            letter.replace("audit findings is accurate in", "audit findings on unpaid work are"),  # a standard
        ):
            with self.subTest(other):
                self.assertIsNone(self.overall(other))


class FifthRoundFiguresTests(SimpleTestCase):
    """Figures batch G states, with their qualifiers, and texts the parser used to refuse."""

    def facts(self, text):
        return [(f.value["metric"], f.value["qualifier"], f.value["number"]) for f in read(text).facts]

    def test_figures_worded_as_batch_g_words_them(self):
        cases = [
            ("HM Inspectorate of Probation said the Essex CRC was supervising a total of 6,701 offenders.",
             ("individuals-supervised", "exact", 6701)),
            ("HM Inspectorate of Probation said: 'There are almost 4,000 people under probation each year in Essex.'",
             ("individuals-supervised", "almost", 4000)),
            ("HM Inspectorate of Probation found CRC staff had caseloads far too high, with many having to supervise "
             "more than 70 people.", ("caseload-per-officer", "more_than", 70)),
            ("HM Inspectorate of Probation found about 16per cent of probation officer posts are vacant.",
             ("staffing", "about", 16)),
            ("HM Inspectorate of Probation found a shortfall of 102 probation officers.", ("staffing", "exact", 102)),
        ]  # fmt: skip
        for text, fact in cases:
            with self.subTest(text):
                self.assertEqual(self.facts(text), [fact])

    def test_national_figures_and_earlier_periods_are_not_this_providers(self):
        for text in (
            "HM Inspectorate of Probation said there are 250,000 people under probation in England and Wales.",
            "HM Inspectorate of Probation said 250,000 people are under probation supervision nationally.",
            "HM Inspectorate of Probation said the CRC supervised 6,701 offenders in the past, when we inspected.",
        ):
            with self.subTest(text):
                self.assertNotIn("individuals-supervised", [metric for metric, *_ in self.facts(text)])

    def test_a_trend_over_the_past_months_is_not_an_earlier_inspection(self):
        text = "The inspection report said the CRC supervises 28,750 offenders, a 12% reduction in the past 12 months."
        self.assertEqual(self.facts(text), [("individuals-supervised", "exact", 28750)])

    def test_news_of_an_inspection_report_or_a_chief_inspectors_words_is_read(self):
        for text in (
            "Her inspection report published on Thursday said probation in north London had deteriorated. The CRC "
            "supervises 28,750 offenders.",
            "HM Chief Inspector of Probation Dame Glenys Stacey said probation services in London have deteriorated. "
            "The CRC supervises 28,750 offenders.",
        ):
            with self.subTest(text):
                self.assertEqual(self.facts(text), [("individuals-supervised", "exact", 28750)])


class SixthRoundQualifierTests(SimpleTestCase):
    """A figure is never read as exact when a qualifier stands beside it: the qualifier maps to the project's
    set (exact, about, more_than, less_than, almost, at_least, up_to) or the figure is not read."""

    def facts(self, text):
        facts = read(f"HM Inspectorate of Probation said: {text}").facts
        return [(f.value["metric"], f.value["qualifier"], f.value["number"]) for f in facts]

    def test_qualifiers_the_set_can_say_are_kept(self):
        cases = [
            ("Some officers at the CRC were handling as many as 168 cases each.", ("up_to", 168)),
            ("Officers at the CRC were managing in excess of 90 cases each.", ("more_than", 90)),
            ("Officers at the CRC were managing well over 90 cases each.", ("more_than", 90)),
            ("Officers at the CRC were managing upwards of 90 cases each.", ("more_than", 90)),
            ("Officers at the CRC were managing just under 90 cases each.", ("almost", 90)),
            ("Officers at the CRC were managing the best part of 90 cases each.", ("almost", 90)),
            ("Officers at the CRC were managing no fewer than 90 cases each.", ("at_least", 90)),
            ("Officers at the CRC were managing some 90 cases each.", ("about", 90)),
            ("The CRC supervises in the region of 6,000 offenders.", ("about", 6000)),
        ]
        for text, (qualifier, number) in cases:
            with self.subTest(text):
                self.assertEqual([fact[1:] for fact in self.facts(text)], [(qualifier, number)])

    def test_a_figure_qualified_in_words_the_set_cannot_say_is_not_read(self):
        for text in (
            "Officers at the CRC were handling as few as 12 cases each.",
            "Officers at the CRC were handling between 80 and 100 cases each.",
            "Officers at the CRC were handling 80 to 100 cases each.",
            "Officers at the CRC were handling 80-odd cases each.",
            "Officers at the CRC were handling 80 or more cases each.",
            "Officers at the CRC were handling an estimated 80 cases each.",
            "The CRC supervises 6,000 or so offenders.",
        ):
            with self.subTest(text):
                self.assertEqual(self.facts(text), [])

    def test_a_qualified_count_of_providers_or_percentage_is_no_exact_value(self):
        counts = read(
            "HM Inspectorate of Probation said nearly eight out of 10 CRCs inspected were rated 'Inadequate' for case supervision."
        ).facts
        self.assertEqual(counts, [])
        scores = read(
            "HM Inspectorate of Probation said in the CRC the assessment of risk of harm in the planning standard (2.2) was sufficient in almost 50 per "
            "cent of cases."
        ).scores
        self.assertEqual(scores, [])

    def test_every_qualifier_the_corpus_labels_maps_to_the_set(self):
        for words in ("as many as", "more than", "nearly", "around", "about", "almost", "up to", "over", "less than"):
            with self.subTest(words):
                self.assertNotEqual(parse_qualified_number(f"{words} 5").qualifier, "exact")


class SixthRoundRatingsTests(SimpleTestCase):
    """Ratings of one of an owner's several CRCs, named between dashes or in brackets, and of "the company"
    (batch H, the sixth round), each tied to the provider the text names or to none."""

    def overall(self, text, subject=None):
        found = read(f"Kind: news\n\n{text}\n", subject).fields.get("overall")
        return found.value if found else None

    def test_one_of_an_owners_crcs_named_between_dashes_or_in_brackets(self):
        for text in (
            "A report from HM Inspectorate of Probation rated one of Seetec’s CRCs – Kent, Surrey and Sussex – as "
            "“requires improvement”.",
            "HM Inspectorate of Probation rated one of the company's CRCs (Dorset, Devon and Cornwall CRC) "
            "'inadequate'.",
            "Inspectors rated one of Sodexo's CRCs - Essex - as 'inadequate'.",
        ):
            with self.subTest(text):
                self.assertIsNotNone(self.overall(text))

    def test_one_of_several_crcs_not_named_as_one_provider_is_no_ones(self):
        for text in (
            "HM Inspectorate of Probation rated one of Working Links' CRCs 'inadequate'. Its CRCs are Wales CRC "
            "and Dorset, Devon and Cornwall CRC.",
            "HM Inspectorate of Probation rated one of its CRCs – the one in the south-west – as 'inadequate', "
            "said Dorset, Devon and Cornwall CRC's union.",
            "HM Inspectorate of Probation rated one of Working Links' CRCs – Wales or Dorset, Devon and Cornwall "
            "CRC – as 'inadequate'.",
        ):
            with self.subTest(text):
                self.assertIsNone(self.overall(text))

    def test_the_company_is_the_crc_only_where_the_text_ties_it_to_that_one_crc(self):
        tied = (
            "HM Inspectorate of Probation looked at Dorset, Devon and Cornwall, run by community rehabilitation "
            "company Working Links.\n\nMs Stacey branded the company “inadequate,” the lowest possible rating."
        )
        self.assertEqual(self.overall(tied), "Inadequate")
        owner_of_several = (
            "HM Inspectorate of Probation looked at Dorset, Devon and Cornwall CRC. Working Links, which runs three "
            "CRCs, has collapsed.\n\nMs Stacey branded the company “inadequate,” the lowest possible rating."
        )
        self.assertIsNone(self.overall(owner_of_several))
        extraction = read(f"Kind: news\n\n{owner_of_several}\n")
        self.assertIn("a company that runs several CRCs", " ".join(extraction.notes))
        named = owner_of_several.replace("branded the company", "branded the Dorset, Devon and Cornwall CRC")
        self.assertEqual(self.overall(named), "Inadequate")


class OwnerPhrasingsTests(SimpleTestCase):
    """The owner a text states of the inspection's provider, never another provider's, a former or a future one."""

    def owner(self, text, subject=None):
        standards, questions, providers = CATALOGUE
        document = read_document(text.encode(), "made-up.txt")
        extraction = parse_report(document, standards, questions, providers, subject, bundled_owners())
        found = extraction.fields.get("owner")
        return (found.value["owner"], found.uncertain) if found else None

    def test_owners_stated_of_the_provider_in_its_sentence(self):
        cases = [
            ("Inspectors rated Sodexo-run Essex CRC as 'Requires improvement'.", "sodexo"),
            ("Inspectors rated the Sodexo-owned Essex CRC as 'Requires improvement'.", "sodexo"),
            ("Inspectors rated Norfolk and Suffolk CRC, which is operated by Sodexo, as 'Good'.", "sodexo"),
            ("The London CRC, which is owned and operated by the US company MTCnovo, was rated 'Inadequate' by "
             "inspectors.", "mtcnovo"),
            ("Inspectors rated West Yorkshire CRC, run by the Interserve-led Purple Futures, as 'Requires "
             "improvement'.", "purple-futures"),
            ("Inspectors rated Wales CRC 'Inadequate'. Working Links, which runs Wales CRC, said it was "
             "disappointed.", "working-links"),
        ]  # fmt: skip
        for text, owner in cases:
            with self.subTest(text):
                self.assertEqual(self.owner(text), (owner, False))

    def test_an_owner_tied_by_the_sentence_before_is_uncertain(self):
        text = (
            "Warwickshire and West Mercia CRC supervises nearly 3,000 offenders. It is owned by PeoplePlus, a private "
            "company. Inspectors gave it an overall rating of 'requires improvement'."
        )
        self.assertEqual(self.owner(text), ("peopleplus", True))

    def test_no_owner_that_is_not_the_providers_at_the_inspection(self):
        texts = [
            # another provider's owner in the same text
            "Inspectors rated Essex CRC 'Requires improvement'. Purple Futures-run West Yorkshire CRC was rated "
            "'Requires improvement' too, and West Yorkshire CRC is run by Purple Futures.",
            # a future owner
            "Inspectors rated Wales CRC 'Inadequate'. Seetec will take over Wales CRC, which is to be run by Seetec.",
            "Inspectors rated Wales CRC 'Inadequate'; the new owner, Seetec, runs Wales CRC from today.",
            # a former owner
            "Inspectors rated Wales CRC 'Good'. Wales CRC was run by Working Links until February.",
            "Inspectors rated Wales CRC 'Good'. Wales CRC, formerly owned by Working Links, has improved.",
            # a member or parent of a group the catalogue does not give as its name
            "Inspectors praised MTC, which owns the London CRC, and rated the London CRC 'Good'.",
            "Inspectors rated the Interserve-run Merseyside CRC 'Requires improvement'.",
            # an owner of several CRCs, tied to none
            "Inspectors rated Wales CRC 'Inadequate'. It is one of the CRCs owned by Working Links.",
        ]
        for text in texts:
            with self.subTest(text):
                self.assertIsNone(self.owner(text, "essex-crc" if "Essex" in text else None))

    def test_two_owners_stated_of_the_provider_are_left_for_an_editor(self):
        text = "Inspectors rated Sodexo-run Essex CRC 'Good'. Essex CRC is owned by Purple Futures."
        self.assertIsNone(self.owner(text))
