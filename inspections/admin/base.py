"""What every admin shares: who may write, and no lost update.

Two editors open the same object; the first saves a correction; the second, saving a page built
before that, would silently put the old values back. Every change form therefore carries a
fingerprint of the object as the database held it when the page was built (its row and the rows
of its inlines), and a save is refused when the database no longer matches it.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models

from inspections.fingerprint import fingerprint


class NoLostUpdateForm(forms.ModelForm):
    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # pk -> the fingerprint of that object as the database holds it; set by EditorAdmin.get_form.
    database_state = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            if self.is_bound:
                # Concurrent saves of one object take turns (the admin saves in a transaction), so
                # the second compares with what the first wrote.
                type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk).exists()
            # Also when bound: a save from an up-to-date page then changes nothing in this field, so
            # no change message or correction names it.
            self.fields["loaded_state"].initial = self.database_state(self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("loaded_state") != self.fields["loaded_state"].initial:
            # A form-wide error: the admin shows it above the form, where a hidden field's would not be.
            name = self.instance._meta.verbose_name
            raise forms.ValidationError(
                f"Someone else saved this {name} after you opened it, so saving now would undo their "
                f"change. Nothing was saved: open the {name} again to see what changed, then make your "
                "correction."
            )
        return cleaned


class EditorAdmin(admin.ModelAdmin):
    """A model admin whose change form refuses a save made on a page older than someone else's save."""

    form = NoLostUpdateForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"database_state": staticmethod(self.database_state)})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "loaded_state" in flatten_fieldsets(fieldsets):
            return fieldsets
        *rest, (name, options) = fieldsets
        return [*rest, (name, {**options, "fields": [*options["fields"], "loaded_state"]})]

    def database_state(self, pk):
        """The fingerprint of the object and of every row its inlines show."""
        querysets = [self.model._default_manager.filter(pk=pk)]
        for inline in self.inlines:
            link = parent_link(inline, self.model)
            querysets.append(inline.model._default_manager.filter(**{link: pk}))
        return fingerprint(*querysets)


def parent_link(inline, parent_model):
    """The name of the inline model's foreign key to the page's model."""
    if inline.fk_name:
        return inline.fk_name
    (link,) = [
        field.name
        for field in inline.model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and issubclass(parent_model, field.related_model)
    ]
    return link


class ReadOnlyAdmin(EditorAdmin):
    """Editors read; superusers alone write, and only where the class allows it."""

    superusers_may_add = True
    superusers_may_change = True

    def superuser(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return self.superusers_may_add and self.superuser(request)

    def has_change_permission(self, request, obj=None):
        return self.superusers_may_change and self.superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self.superusers_may_change and self.superuser(request)
