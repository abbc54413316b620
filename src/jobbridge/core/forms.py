"""Form pieces every app's pages share: a blank choice, a date input, and the base of forms
whose rules live in a service (see ``ServiceValidatedForm``). Service errors go onto a form
with ``core.pages.add_service_errors``."""

from django import forms

BLANK = [("", "---------")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ServiceValidatedForm(forms.Form):
    """The service checks required fields too, so the form lets empty values through: then a
    page shows every problem in one round trip instead of the form's first and the service's
    later. Fields keep their "required" marking for people and screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required:
                field.required = False
                field.service_required = True
                field.widget.attrs["aria-required"] = "true"
