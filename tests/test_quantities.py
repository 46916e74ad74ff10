from decimal import Decimal

from django.test import SimpleTestCase

from inspections.quantities import Qualifier, describe, parse_qualified_number


class QualifiedNumberTests(SimpleTestCase):
    def test_qualifiers_are_kept_with_the_number(self):
        cases = {
            ">6,500": (Qualifier.MORE_THAN, Decimal(6500)),
            "more than 6,500": (Qualifier.MORE_THAN, Decimal(6500)),
            "nearly 4,000": (Qualifier.ALMOST, Decimal(4000)),
            "almost 70": (Qualifier.ALMOST, Decimal(70)),
            "approximately 8,600": (Qualifier.ABOUT, Decimal(8600)),
            "around 9,000": (Qualifier.ABOUT, Decimal(9000)),
            "<50": (Qualifier.LESS_THAN, Decimal(50)),
            "up to 70": (Qualifier.UP_TO, Decimal(70)),
            "11,856": (Qualifier.EXACT, Decimal(11856)),
            "79%": (Qualifier.EXACT, Decimal(79)),
            "7.12 per cent": (Qualifier.EXACT, Decimal("7.12")),
        }
        for text, (qualifier, value) in cases.items():
            with self.subTest(text=text):
                figure = parse_qualified_number(text)
                self.assertEqual((figure.qualifier, figure.value, figure.text), (qualifier, value, text))

    def test_a_figure_in_words_keeps_its_words_and_gets_no_number(self):
        for text, qualifier in [
            ("around a third", Qualifier.ABOUT),
            ("two-thirds", ""),
            ("more than half", "more_than"),
        ]:
            with self.subTest(text=text):
                figure = parse_qualified_number(text)
                self.assertIsNone(figure.value)
                self.assertEqual(figure.qualifier, qualifier)

    def test_an_empty_figure_is_an_error(self):
        with self.assertRaisesMessage(ValueError, "cannot be empty"):
            parse_qualified_number("  ")

    def test_describe_never_drops_the_qualifier(self):
        self.assertEqual(describe(Qualifier.MORE_THAN, Decimal(6500), "people"), "more than 6,500 people")
        self.assertEqual(describe(Qualifier.ALMOST, Decimal(70), "%"), "almost 70%")
        self.assertEqual(describe(Qualifier.EXACT, Decimal(41), "%"), "41%")
