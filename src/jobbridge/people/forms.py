"""Seeker forms: the staff register and edit, filters, diagnoses, and a job seeker's own
self-registration. Fields are mostly plain text on purpose: the service (clean_seeker) holds the
one set of rules shared with the API and the roster import, and its errors come back per field."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jobbridge.core.forms import BLANK, DATE_INPUT, ServiceValidatedForm

from .models import Education, EmploymentStatus, PriorityCriterion


def _choices(enum):
    return BLANK + list(enum.choices)


class SeekerFilterForm(forms.Form):
    SORTS = [("newest", _("最新登记")), ("oldest", _("最早登记")), ("name", _("姓名"))]

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={"placeholder": _("姓名、身份证号、身份证后4位或手机号"), "type": "search"}
        ),
    )
    region = forms.CharField(
        label=_("地区"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"list": "county-options", "placeholder": _("区县代码或名称")}),
    )
    priority = forms.ChoiceField(label=_("就业困难类别"), required=False, choices=_choices(PriorityCriterion))
    employment_status = forms.ChoiceField(
        label=_("就业状态"), required=False, choices=_choices(EmploymentStatus)
    )
    education = forms.ChoiceField(label=_("学历"), required=False, choices=_choices(Education))
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORTS)


class SeekerForm(ServiceValidatedForm):
    """Staff registration and edit; ``for_update`` drops what may not change after registration."""

    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    phone = forms.CharField(
        label=_("手机号"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    hukou_region = forms.CharField(
        label=_("户籍地"), max_length=64, help_text=_("区划代码或名称，如“乐都区”")
    )
    residence_region = forms.CharField(label=_("现居住地"), required=False, max_length=64)
    grid = forms.CharField(label=_("网格编号"), required=False, max_length=32)
    education = forms.ChoiceField(label=_("学历"), required=False, choices=_choices(Education))
    major = forms.CharField(label=_("所学专业"), required=False, max_length=64)
    skills = forms.CharField(label=_("技能"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    certificates = forms.CharField(
        label=_("证书"), required=False, max_length=400, help_text=_("多个用逗号分隔")
    )
    desired_occupations = forms.CharField(
        label=_("意向职业"), required=False, max_length=400, help_text=_("职业名称或代码，多个用逗号分隔")
    )
    desired_regions = forms.CharField(
        label=_("意向工作地"),
        required=False,
        max_length=400,
        help_text=_("地区名称或代码，多个用逗号分隔；填“不限”表示不限"),
    )
    accepts_anywhere = forms.BooleanField(label=_("工作地不限"), required=False)
    expected_wage = forms.CharField(
        label=_("期望月薪（元）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    available_from = forms.CharField(label=_("可到岗日期"), required=False, max_length=16, widget=DATE_INPUT)
    employment_status = forms.ChoiceField(
        label=_("就业状态"), required=False, choices=_choices(EmploymentStatus)
    )
    priority = forms.ChoiceField(label=_("就业困难类别"), required=False, choices=_choices(PriorityCriterion))
    priority_evidence = forms.CharField(label=_("证明材料"), required=False, max_length=128)

    def __init__(self, *args, for_update: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_update:
            # The ID number identifies the person and is fixed; diagnoses have their own form.
            for name in ("id_number", "priority", "priority_evidence", "certificates"):
                del self.fields[name]
            self.fields["phone"].help_text = _("留空则不修改")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if "phone" in data and not data["phone"]:
            data.pop("phone")
        return data


def seeker_initial(seeker) -> dict:
    return {
        "name": seeker.name,
        "hukou_region": seeker.hukou_region_id,
        "residence_region": seeker.residence_region_id or "",
        "grid": seeker.grid.code if seeker.grid else "",
        "education": seeker.education,
        "major": seeker.major,
        "skills": seeker.skills_text,
        "desired_occupations": ",".join(o.code for o in seeker.desired_occupations.all()),
        "desired_regions": ",".join(r.code for r in seeker.desired_regions.all()),
        "accepts_anywhere": seeker.accepts_anywhere,
        "expected_wage": seeker.expected_wage or "",
        "available_from": seeker.available_from.isoformat() if seeker.available_from else "",
        "employment_status": seeker.employment_status,
    }


class DiagnosisForm(forms.Form):
    criterion = forms.ChoiceField(label=_("认定类别"), choices=PriorityCriterion.choices)
    evidence = forms.CharField(label=_("证明材料"), max_length=128, help_text=_("如残疾证号、失业登记证号"))
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("有效期止"), required=False, widget=DATE_INPUT)


class RevealForm(forms.Form):
    """Empty: revealing is a POST so it cannot be triggered by a link or a prefetch."""


class SelfRegisterForm(forms.Form):
    """The few fields a job seeker can fill in on a phone; the rest a commissioner adds later."""

    name = forms.CharField(
        label=_("姓名"), max_length=64, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        help_text=_("也是登录账号"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    hukou_region = forms.CharField(label=_("户籍地"), max_length=64, help_text=_("如“乐都区”或区划代码"))
    desired_job = forms.CharField(
        label=_("想找的工作"), required=False, max_length=200, help_text=_("如：电焊工、厨师、普工")
    )
    expected_wage = forms.CharField(
        label=_("期望月薪（元）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    desired_regions = forms.CharField(
        label=_("想去哪里工作"),
        required=False,
        max_length=200,
        help_text=_("如：无锡、东莞；填“不限”表示哪里都行"),
    )
    password1 = forms.CharField(
        label=_("设置密码"),
        strip=False,
        help_text=_("至少8位"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif p1:
            try:
                validate_password(p1)
            except ValidationError as e:
                self.add_error("password1", e)
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d.get("name"),
            "id_number": d.get("id_number"),
            "phone": d.get("phone"),
            "hukou_region": d.get("hukou_region"),
            "skills": d.get("desired_job"),
            "expected_wage": d.get("expected_wage"),
            "desired_regions": d.get("desired_regions"),
        }
