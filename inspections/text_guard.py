"""Control characters in text: refused where editors type, stripped where text is published.

Tab, line feed and carriage return are ordinary text. Every other control character (C0 and C1,
DEL) is invisible, cannot appear in XML 1.0 (the Atom feed), and in search snippets could pose as
our own highlight markers; NUL cannot even be stored by PostgreSQL. Nobody types one on purpose:
they arrive by pasting from PDFs and word processors.
"""

import re
import unicodedata

CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def strip_control_characters(text):
    return CONTROL_CHARACTER.sub("", text)


def control_character_problem(value):
    """A message naming the first control character in a value (text, or text inside lists and
    dicts, as JSON and array fields hold it), or None."""
    if isinstance(value, str):
        found = CONTROL_CHARACTER.search(value)
        if found is None:
            return None
        character = found.group()
        name = unicodedata.name(character, "a control character")
        return (
            f"Remove the invisible control character U+{ord(character):04X} ({name}) at position "
            f"{found.start() + 1}: it cannot be published. It usually comes from pasting text from a PDF."
        )
    if isinstance(value, list | tuple):
        items = value
    elif isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    else:
        return None
    for item in items:
        problem = control_character_problem(item)
        if problem:
            return problem
    return None


class RefuseControlCharacters:
    """Form mixin: a field holding a control character gets an error naming it."""

    def clean(self):
        cleaned_data = super().clean()
        for name, value in list(self.cleaned_data.items()):
            problem = control_character_problem(value)
            if problem:
                self.add_error(name, problem)
        return cleaned_data


def refuse_control_characters(form_class):
    """The form class with RefuseControlCharacters mixed in (itself if it already has it)."""
    if issubclass(form_class, RefuseControlCharacters):
        return form_class
    return type(form_class.__name__, (RefuseControlCharacters, form_class), {"__module__": form_class.__module__})
