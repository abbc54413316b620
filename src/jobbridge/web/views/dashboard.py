"""The landing page: a few counts, each over the viewer's own scope."""

from django.db.models import Count, F, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jobbridge.core.models import Role
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.people.models import EmploymentStatus, PriorityCriterion, PriorityDiagnosis, Seeker


def home(request):
    user = request.user
    if user.role == Role.SEEKER and not user.is_superuser:
        return redirect("my_page")
    seekers = Seeker.objects.visible_to(user)
    by_status = dict(seekers.order_by().values_list("employment_status").annotate(n=Count("id")))
    # A person with two current diagnoses counts once in each group (the groups overlap).
    by_priority = dict(
        PriorityDiagnosis.objects.current()
        .filter(seeker__in=seekers)
        .order_by()
        .values_list("criterion")
        .annotate(n=Count("seeker", distinct=True))
    )
    open_postings = Posting.objects.visible_to(user).filter(status=Posting.Status.OPEN)
    postings = open_postings.aggregate(n=Count("id"), vacancies=Sum(F("headcount") - F("filled")))
    status_rows = [(label, by_status.get(value, 0)) for value, label in EmploymentStatus.choices]
    priority_rows = [(label, by_priority.get(value, 0)) for value, label in PriorityCriterion.choices]
    return render(
        request,
        "web/dashboard.html",
        {
            "seeker_total": sum(by_status.values()),
            "status_rows": status_rows,
            "priority_rows": priority_rows,
            "enterprise_total": Enterprise.objects.visible_to(user).count(),
            "open_postings": postings["n"] or 0,
            "vacancies": postings["vacancies"] or 0,
            "chart": {
                "title": _("就业困难人员（按类别）"),
                "labels": [str(label) for label, _n in priority_rows],
                "values": [n for _label, n in priority_rows],
            },
        },
    )
