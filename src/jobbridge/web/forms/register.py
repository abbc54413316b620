from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
