"""The live suggestion widget, for any form with a free-text title and an occupation box: put
``suggest_attrs()`` on the title input, and ``{% include "jobtitles/_widget.html" %}`` (a target
for the list plus its script) in the page."""

from django.urls import reverse_lazy


def suggest_attrs(target: str = "id_occupation") -> dict:
    return {
        "hx-get": reverse_lazy("jobtitles:suggest"),
        "hx-vals": f'{{"target": "{target}"}}',
        "hx-trigger": "input changed delay:300ms",
        "hx-target": "#jt-suggestions",
        "hx-swap": "outerHTML",
        "autocomplete": "off",
    }
