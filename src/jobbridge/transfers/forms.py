from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, MoveClass, OriginBasis


class TransferForm(forms.Form):
    """Raw fields for ``services.transfer_enter``; the rules live there, not here."""

    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=64, required=False, help_text=_("此人尚未登记时必填"))
    hukou_region = forms.CharField(
        label=_("户籍地"), required=False, help_text=_("此人尚未登记时必填；区划代码或名称")
    )
    origin_basis = forms.ChoiceField(
        label=_("输出地依据"), choices=OriginBasis.choices, initial=OriginBasis.HUKOU
    )
    destination = forms.CharField(label=_("输入地"), help_text=_("区划代码或名称，如无锡市锡山区"))
    employer = forms.CharField(label=_("用人单位"), max_length=128)
    employer_uscc = forms.CharField(label=_("单位信用代码"), max_length=18, required=False)
    industry = forms.CharField(label=_("行业"), required=False, help_text=_("门类字母、两位大类代码或名称"))
    transferred_on = forms.CharField(label=_("转移日期"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("转移渠道"), choices=Channel.choices, initial=Channel.OTHER)


class LedgerFilterForm(forms.Form):
    region = forms.CharField(label=_("输出地"), required=False)
    month = forms.CharField(
        label=_("月份"), required=False, widget=forms.TextInput(attrs={"placeholder": "2023-01"})
    )
    move_class = forms.ChoiceField(
        label=_("转移类别"), required=False, choices=[("", "—"), *MoveClass.choices]
    )
