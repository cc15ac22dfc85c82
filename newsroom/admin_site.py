"""The editors' admin: only active staff in the Editors group, or superusers, get in.

Failed logins are throttled twice over, both counted by django-axes (its
AccessAttempt rows): a username from one address is locked after
AXES_FAILURE_LIMIT failures (axes itself), and an address is paused after
ADMIN_ADDRESS_FAILURE_LIMIT failures across all usernames (``login`` below), so
spraying many usernames is slowed too. Both last AXES_COOLOFF_TIME. To let a
locked-out editor in at once::

    python manage.py axes_reset_username USERNAME   # that editor, from every address
    python manage.py axes_reset_ip ADDRESS          # everyone at that address

An editor with a second factor (newsroom/second_factor.py) also gives the code from their
authenticator app; a wrong or replayed code fails the login and counts like a wrong
password. A superuser in production is sent to enrol one before any other admin page.
"""

from functools import update_wrapper
from urllib.parse import urlencode

import django_otp
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.editors import EDITORS_GROUP, is_editor
from core.ratelimit import client_address
from newsroom import second_factor
from trust import citation_admin


def code_field(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class EditorsAuthenticationForm(AdminAuthenticationForm):
    """Staff outside the Editors group are told so, instead of getting a session that
    only leads back to this page; an editor with a second factor gives its code too."""

    otp_token = code_field(
        "Code from your authenticator app",
        "Only if you have set up a second factor: the six digits your app shows now.",
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_editor(user):
            raise forms.ValidationError(
                f"This account is not an editor's. Ask an administrator to add it to the "
                f"{EDITORS_GROUP} group.",
                code="not_an_editor",
            )
        if not second_factor.has_second_factor(user):
            return
        try:
            device = second_factor.verify_code(user=user, code=self.cleaned_data.get("otp_token"))
        except second_factor.CodeRefused as refusal:
            # Counted by django-axes like a wrong password: per username and per address.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request
            )
            raise forms.ValidationError({"otp_token": str(refusal)}) from None
        # django-otp marks the session as verified by this device when the login completes.
        user.otp_device = device


class EnrolmentForm(forms.Form):
    otp_token = code_field("Code the app shows now")


def address_failures(address):
    """Failed admin logins from ``address`` within the cool-off, across all usernames."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class EditorsAdminSite(admin.AdminSite):
    site_header = "Newsroom editors"
    site_title = "Newsroom editors"
    index_title = "Stories, sources and questions"
    login_form = EditorsAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return is_editor(user) and (user.is_verified() or not second_factor.has_second_factor(user))

    def admin_view(self, view, cacheable=False):
        def enrolled_first(request, *args, **kwargs):
            exempt = {self._url("second_factor"), self._url("logout")}
            if request.path not in exempt and second_factor.enrolment_required(request.user):
                query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                return HttpResponseRedirect(f"{self._url('second_factor')}?{query}")
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(enrolled_first, view), cacheable)

    def get_urls(self):
        enrol = path(
            "second-factor/", self.admin_view(self.second_factor_view), name="second_factor"
        )
        # The story form's "Fill from DOI" (trust/citation_admin.py).
        lookup = path(
            "citation-lookup/", self.admin_view(citation_admin.lookup_view), name="citation_lookup"
        )
        return [enrol, lookup, *super().get_urls()]

    def second_factor_view(self, request):
        """Set up a TOTP authenticator app: its secret once, then a first code confirms it."""
        user = request.user
        context = {
            **self.each_context(request),
            "title": "Second factor",
            "required": second_factor.enrolment_required(user),
            REDIRECT_FIELD_NAME: self._safe_next(request),
        }
        if second_factor.has_second_factor(user):
            return TemplateResponse(request, "admin/second_factor.html", context)
        form = EnrolmentForm(request.POST if request.method == "POST" else None)
        device = None
        if form.is_valid():
            try:
                device = second_factor.confirm_enrolment(
                    user=user, code=form.cleaned_data["otp_token"]
                )
            except second_factor.CodeRefused as refusal:
                form.add_error("otp_token", str(refusal))
            else:
                django_otp.login(request, device)
                messages.success(
                    request, "Your second factor is set up: logging in asks for its code now."
                )
                return HttpResponseRedirect(context[REDIRECT_FIELD_NAME])
            device = second_factor.pending_device(user)
        if device is None:
            device = second_factor.start_enrolment(user=user)
        context |= {
            "form": form,
            "secret": second_factor.secret_text(device),
            "qr_code": second_factor.qr_code_svg(
                device.config_url, label="QR code of the secret shown below it"
            ),
        }
        return TemplateResponse(request, "admin/second_factor.html", context)

    def login(self, request, extra_context=None):
        if request.method == "POST":
            failures = address_failures(client_address(request))
            if failures >= settings.ADMIN_ADDRESS_FAILURE_LIMIT:
                return self._address_lockout(request)
            request = self._without_unsafe_next(request)
        return super().login(request, extra_context)

    def _address_lockout(self, request):
        seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
        response = render(
            request, "admin/address_lockout.html", {"minutes": seconds // 60}, status=429
        )
        response["Retry-After"] = str(seconds)
        return response

    def _url(self, name):
        return reverse(f"admin:{name}", current_app=self.name)

    @staticmethod
    def _next_of(request):
        """The ``next`` asked for, and whether it is safe to go to."""
        target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        return target, url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def _safe_next(self, request):
        target, safe = self._next_of(request)
        return target if target and safe else self._url("index")

    def _without_unsafe_next(self, request):
        # LoginView sends a refused ``next`` to LOGIN_REDIRECT_URL, a page this site does
        # not have; editors belong on the admin index instead.
        target, safe = self._next_of(request)
        if target is None or safe:
            return request
        data = request.POST.copy()
        data[REDIRECT_FIELD_NAME] = self._url("index")
        request.POST = data
        if REDIRECT_FIELD_NAME in request.GET:
            query = request.GET.copy()
            del query[REDIRECT_FIELD_NAME]
            request.GET = query
        return request
