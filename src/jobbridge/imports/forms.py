from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("花名册文件"),
        help_text=gettext_lazy(".xlsx、.xls或.csv，请使用下载的模板"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("文件为空（0字节），请重新选择文件"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件过大（%(mb).1f MB），上限为%(max)d MB")
                % {"mb": upload.size / 2**20, "max": settings.IMPORT_MAX_BYTES // 2**20}
            )
        return upload
