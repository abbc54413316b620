"""Sign-in with throttling, and a language switch that also works before signing in."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.i18n import set_language

from jobbridge.core import throttle
from jobbridge.core.audit import client_ip


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses before checking the password once an account or address is locked out, so a
    guesser learns nothing from a right password during the lock."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("登录失败次数过多，请%(minutes)d分钟后再试。"),
    }

    def clean(self):
        username = self.data.get("username", "")
        ip = client_ip(self.request)
        if throttle.login_blocked(username=username, ip=ip):
            throttle.record_login_failure(username=username, request=self.request, throttled=True)
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            return super().clean()
        except ValidationError:
            throttle.record_login_failure(username=username, request=self.request)
            raise


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.record_login(user=form.get_user(), request=self.request)
        return response


# Django's set_language is not exempt from LoginRequiredMiddleware, and the login and
# self-registration pages need the switch too.
public_set_language = login_not_required(set_language)
