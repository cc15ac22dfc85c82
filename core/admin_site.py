"""The editors' admin: only active staff in the Editors group, or superusers, get in.

Failed logins are throttled twice over, both counted by django-axes (its
AccessAttempt rows): a username from one address is locked after
AXES_FAILURE_LIMIT failures (axes itself), and an address is paused after
ADMIN_ADDRESS_FAILURE_LIMIT failures across all usernames (``login`` below), so
spraying many usernames is slowed too. Both last AXES_COOLOFF_TIME. To let a
locked-out editor in at once::

    python manage.py axes_reset_username USERNAME   # that editor, from every address
    python manage.py axes_reset_ip ADDRESS          # everyone at that address
"""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.ratelimit import client_address

EDITORS_GROUP = "Editors"


def is_editor(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists())
    )


class EditorsAuthenticationForm(AdminAuthenticationForm):
    """Staff outside the Editors group are told so, instead of getting a session that
    only leads back to this page."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_editor(user):
            raise forms.ValidationError(
                f"This account is not an editor's. Ask an administrator to add it to the "
                f"{EDITORS_GROUP} group.",
                code="not_an_editor",
            )


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
        return is_editor(request.user)

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

    def _without_unsafe_next(self, request):
        # LoginView sends a refused ``next`` to LOGIN_REDIRECT_URL, a page this site does
        # not have; editors belong on the admin index instead.
        target = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if target is None or url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return request
        data = request.POST.copy()
        data[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        request.POST = data
        if REDIRECT_FIELD_NAME in request.GET:
            query = request.GET.copy()
            del query[REDIRECT_FIELD_NAME]
            request.GET = query
        return request
