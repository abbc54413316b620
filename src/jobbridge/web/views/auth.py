"""Sign-in with throttling, and a language switch that also works before signing in."""

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
    """Reserves its place in the throttle before the password is checked, and refuses without
    checking it once the account or the address is at its limit, so a guesser learns nothing
    from a right password during a lock and parallel guesses cannot slip past the count.

    The name counted is the one the form logs in with (its username field normalises to NFKC),
    case-folded: every spelling of an account counts against it."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("登录失败次数过多，请%(minutes)d分钟后再试。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # nothing will be checked against a hash
        attempt = throttle.login_begin(username=username, ip=client_ip(self.request))
        if not attempt.allowed:
            throttle.record_login_failure(username=username, request=self.request, throttled=True)
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": attempt.retry_minutes}
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failed(attempt)
            throttle.record_login_failure(username=username, request=self.request)
            raise
        throttle.login_succeeded(attempt)
        return cleaned


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
