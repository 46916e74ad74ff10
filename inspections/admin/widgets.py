"""Autocomplete widgets that label the selected options from objects an inline row already holds,
so a change page with many rows does not run a query per field per row."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple


class PreloadedAutocompleteMixin:
    """Label the selected option(s) from objects the row already holds, not one query per field per row."""

    preloaded = None  # the selected objects, set by InlineRowForm

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.preloaded is None or {str(obj.pk) for obj in self.preloaded} != selected:
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required or self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        for obj in self.preloaded:
            options.append(
                self.create_option(name, obj.pk, self.choices.field.label_from_instance(obj), True, len(options))
            )
        return [(None, options, 0)]


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class InlineRowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteMixin):
                continue
            if isinstance(widget, AutocompleteSelectMultiple):
                widget.preloaded = list(getattr(self.instance, name).all())
            elif name in self.instance._state.fields_cache:
                related = self.instance._state.fields_cache[name]
                widget.preloaded = [related] if related is not None else None


class PreloadedAutocompleteInline:
    """Inline rows whose related objects come with the row (select_related/prefetch_related)."""

    form = InlineRowForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        many = {field.name for field in self.model._meta.many_to_many}
        single = [name for name in self.autocomplete_fields if name not in many]
        return queryset.select_related(*single).prefetch_related(*(set(self.autocomplete_fields) & many))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
