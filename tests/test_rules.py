"""The rating rules: every band edge, the derivations and their reasons, consistency checks."""

from decimal import Decimal

from django.test import SimpleTestCase

from inspections import rules
from inspections.rules import Rating
from tests.base import RULES_2018

RULE_SET = rules.RuleSet.from_framework_data(**RULES_2018)
I, RI, G, O = Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.GOOD, Rating.OUTSTANDING


class RatingScaleTests(SimpleTestCase):
    def test_ratings_are_ordered_worst_to_best(self):
        self.assertLess(I, RI)
        self.assertLess(RI, G)
        self.assertLess(G, O)
        self.assertTrue(RI.is_worse_than(G))
        self.assertFalse(O.is_worse_than(G))

    def test_labels_are_read_whatever_their_case_and_spacing(self):
        self.assertEqual(Rating.from_label("requires  Improvement"), RI)
        with self.assertRaisesMessage(ValueError, "unknown rating 'Excellent'"):
            Rating.from_label("Excellent")


class KeyQuestionBandTests(SimpleTestCase):
    def test_every_band_edge(self):
        cases = [
            ("0", I), ("49.99", I), ("50", RI), ("64.99", RI), ("65", G), ("79.99", G), ("80", O), ("100", O),
        ]  # fmt: skip
        for percent, expected in cases:
            with self.subTest(percent=percent):
                self.assertEqual(RULE_SET.band_for_percent(Decimal(percent)), expected)

    def test_a_percentage_outside_0_to_100_is_refused(self):
        for percent in ("-0.01", "100.01"):
            with self.subTest(percent=percent), self.assertRaisesMessage(ValueError, "between 0 and 100"):
                RULE_SET.band_for_percent(Decimal(percent))


class OverallBandTests(SimpleTestCase):
    def test_every_band_edge_of_the_total(self):
        cases = [(0, I), (5, I), (6, RI), (15, RI), (16, G), (25, G), (26, O), (30, O)]
        for total, expected in cases:
            with self.subTest(total=total):
                self.assertEqual(RULE_SET.band_for_total(total), expected)

    def test_points_are_3_2_1_0(self):
        score = rules.total_score([O, G, RI, I, None], RULE_SET)
        self.assertEqual((score.total, score.maximum, score.counted), (6, 12, 4))


class StandardDerivationTests(SimpleTestCase):
    def test_the_lowest_key_question_decides_and_the_reason_names_it(self):
        derivation = rules.derive_standard_rating(
            "Planning",
            [
                ("Does planning focus sufficiently on engaging the service user?", Decimal("72")),
                ("Does planning focus sufficiently on keeping other people safe?", Decimal("38")),
                ("Does planning focus sufficiently on reducing offending?", Decimal("55")),
            ],
            RULE_SET,
            expected_questions=3,
        )
        self.assertEqual(derivation.rating, I)
        self.assertEqual(
            derivation.reason,
            "Planning: Inadequate, because its lowest key-question score, 'Does planning focus sufficiently on "
            "keeping other people safe?', was 38%, below 50%.",
        )

    def test_reason_names_the_band_in_the_middle_and_at_the_top(self):
        middle = rules.derive_standard_rating("Review", [("q", 64)], RULE_SET, expected_questions=1)
        self.assertIn("in the 50-64% band", middle.reason)
        top = rules.derive_standard_rating("Review", [("q", 80)], RULE_SET, expected_questions=1)
        self.assertIn("at or above 80%", top.reason)

    def test_no_derivation_while_a_key_question_is_unrecorded(self):
        self.assertIsNone(rules.derive_standard_rating("Planning", [("q1", 90), ("q2", 90)], RULE_SET, 3))
        self.assertIsNone(rules.derive_standard_rating("Planning", [], RULE_SET, 3))


class OverallDerivationTests(SimpleTestCase):
    def test_cheshire_and_greater_manchester_2019_gives_requires_improvement(self):
        # 1.1 G, 1.2 RI, 1.3 RI, 1.4 G, 2.1 RI, 2.2 I, 2.3 I, 2.4 RI, 4.1 G, 4.2 I -> 10 points.
        derivation = rules.derive_overall_rating([G, RI, RI, G, RI, I, I, RI, G, I], RULE_SET, 10)
        self.assertEqual(derivation.rating, RI)
        self.assertIn("score 10 of 30 points (6-15 gives Requires improvement)", derivation.reason)

    def test_london_crc_2019_five_good_five_ri_is_ri_close_to_good(self):
        self.assertEqual(rules.derive_overall_rating([G] * 5 + [RI] * 5, RULE_SET, 10).rating, RI)

    def test_cumbria_and_lancashire_2019_is_ri(self):
        self.assertEqual(rules.derive_overall_rating([G] + [RI] * 5 + [I] * 4, RULE_SET, 10).rating, RI)

    def test_no_overall_derivation_when_a_standard_is_missing(self):
        self.assertIsNone(rules.derive_overall_rating([G] * 9 + [None], RULE_SET, 10))


class ConsistencyTests(SimpleTestCase):
    def test_a_published_rating_that_differs_from_the_rule_is_reported_not_changed(self):
        derivation = rules.derive_standard_rating("Leadership", [("q", 40)], RULE_SET, 1)
        disagreement = rules.check_consistency(G, derivation, "1.1 Leadership")
        self.assertEqual(disagreement.published, G)
        self.assertEqual(disagreement.derived, I)
        self.assertTrue(str(disagreement).startswith("1.1 Leadership: published Good, the rule gives Inadequate."))

    def test_agreement_and_missing_values_give_no_disagreement(self):
        derivation = rules.derive_standard_rating("Leadership", [("q", 70)], RULE_SET, 1)
        self.assertIsNone(rules.check_consistency(G, derivation, "x"))
        self.assertIsNone(rules.check_consistency(None, derivation, "x"))
        self.assertIsNone(rules.check_consistency(G, None, "x"))


class RulesAsDataTests(SimpleTestCase):
    def test_a_27_point_framework_of_nine_standards_needs_only_data(self):
        # The 2021 PDU framework: nine standards, 27 points at most. Bands here are illustrative.
        pdu_rules = rules.RuleSet.from_framework_data(
            {"Outstanding": 3, "Good": 2, "Requires improvement": 1, "Inadequate": 0},
            [[0, "Inadequate"], [5, "Requires improvement"], [14, "Good"], [23, "Outstanding"]],
            [],
        )
        derivation = rules.derive_overall_rating([I] * 7 + [RI, RI], pdu_rules, 9)
        self.assertEqual(derivation.rating, I)
        self.assertIn("score 2 of 27 points (0-4 gives Inadequate)", derivation.reason)

    def test_bands_out_of_order_are_refused(self):
        with self.assertRaisesMessage(ValueError, "strictly increasing"):
            rules.RuleSet.from_framework_data({"Good": 2}, [[6, "Good"], [0, "Inadequate"]], [])

    def test_a_framework_without_rules_is_refused(self):
        with self.assertRaisesMessage(ValueError, "no rating rules"):
            rules.RuleSet.from_framework_data({}, [], [])
