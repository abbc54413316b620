"""Enterprise, posting and visit forms. Like the seeker forms, the fields are mostly plain text:
the services hold the rules (shared with the API and the imports) and answer per field."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from jobbridge.core.forms import BLANK, DATE_INPUT, ServiceValidatedForm
from jobbridge.jobtitles.widgets import suggest_attrs
from jobbridge.people.models import Education, PriorityCriterion

from .models import Enterprise, Posting


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("单位名称或统一社会信用代码"), "type": "search"}),
    )
    region = forms.CharField(label=_("地区"), required=False, max_length=32)


class EnterpriseForm(ServiceValidatedForm):
    name = forms.CharField(label=_("单位名称"), max_length=128)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    industry = forms.CharField(
        label=_("行业"),
        required=False,
        max_length=64,
        help_text=_("GB/T 4754-2017门类字母、两位大类代码或名称"),
    )
    region = forms.CharField(label=_("所在地"), max_length=64, help_text=_("区划代码或名称"))
    address = forms.CharField(label=_("地址"), required=False, max_length=200)
    size = forms.ChoiceField(label=_("规模"), required=False, choices=BLANK + list(Enterprise.Size.choices))
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=64)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    park = forms.CharField(label=_("园区"), required=False, max_length=128)


def enterprise_initial(e: Enterprise) -> dict:
    return {
        "name": e.name,
        "uscc": e.uscc,
        "industry": e.industry_id or "",
        "region": e.region_id,
        "address": e.address,
        "size": e.size,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
        "park": e.park.name if e.park else "",
    }


class PostingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("岗位名称或单位名称"), "type": "search"}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=BLANK + list(Posting.Status.choices))
    region = forms.CharField(label=_("工作地"), required=False, max_length=32)


class PostingForm(ServiceValidatedForm):
    # Typing a title lists the likely occupations (jobtitles' live widget); picking one fills the next box.
    title = forms.CharField(label=_("岗位名称"), max_length=64, widget=forms.TextInput(attrs=suggest_attrs()))
    occupation = forms.CharField(
        label=_("职业"), required=False, max_length=64, help_text=_("职业名称或代码，如“6-25-04-08”")
    )
    headcount = forms.CharField(
        label=_("招聘人数"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    filled = forms.CharField(
        label=_("已招人数"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    wage_min = forms.CharField(
        label=_("月薪下限（元）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    wage_max = forms.CharField(
        label=_("月薪上限（元）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    work_region = forms.CharField(label=_("工作地"), max_length=64, help_text=_("区划代码或名称"))
    min_education = forms.ChoiceField(
        label=_("最低学历"), required=False, choices=BLANK + list(Education.choices)
    )
    description = forms.CharField(
        label=_("岗位描述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    required_skills = forms.CharField(
        label=_("技能要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required_certificates = forms.CharField(label=_("证书要求"), required=False, max_length=200)
    board = forms.BooleanField(label=_("包吃"), required=False)
    lodging = forms.BooleanField(label=_("包住"), required=False)
    disability_friendly = forms.BooleanField(label=_("适合残疾人"), required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("面向群体"),
        required=False,
        choices=PriorityCriterion.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.CharField(label=_("有效期起"), required=False, max_length=16, widget=DATE_INPUT)
    valid_until = forms.CharField(label=_("有效期止"), required=False, max_length=16, widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("状态"), choices=Posting.Status.choices, initial=Posting.Status.OPEN)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["target_groups"] = ",".join(data["target_groups"])
        return data


def posting_initial(p: Posting) -> dict:
    return {
        "title": p.title,
        "occupation": p.occupation_id or "",
        "headcount": p.headcount,
        "filled": p.filled,
        "wage_min": p.wage_min if p.wage_min is not None else "",
        "wage_max": p.wage_max if p.wage_max is not None else "",
        "work_region": p.work_region_id,
        "min_education": p.min_education,
        "description": p.description,
        "required_skills": p.required_skills,
        "required_certificates": p.required_certificates,
        "board": p.board,
        "lodging": p.lodging,
        "disability_friendly": p.disability_friendly,
        "target_groups": p.target_groups,
        "valid_from": p.valid_from.isoformat() if p.valid_from else "",
        "valid_until": p.valid_until.isoformat() if p.valid_until else "",
        "status": p.status,
    }


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE_INPUT)
    notes = forms.CharField(label=_("走访记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NeedForm(forms.Form):
    title = forms.CharField(label=_("岗位名称"), max_length=64)
    headcount = forms.IntegerField(label=_("需求人数"), min_value=1, max_value=100_000)
    needed_by = forms.DateField(label=_("需求时间"), required=False, widget=DATE_INPUT)
    notes = forms.CharField(label=_("备注"), required=False, max_length=200)


NeedFormSet = formset_factory(NeedForm, extra=3, max_num=20, validate_max=True)
