"""How Django knows a signed-in reader: the session names this backend, and ``get_user``
gives back the account's user only while it is a reader's (active, never staff).

It authenticates nothing itself. A passkey, a recovery code or an email link is checked
by accounts/services.py, which then calls django.contrib.auth's ``login()`` with this
backend: so sessions, their rotation at sign-in and CSRF are Django's, and a reader's
failed sign-in never reaches ``authenticate()``, whose failures django-axes counts
against the editors' admin login from that address.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

BACKEND = "accounts.backends.AccountBackend"


class AccountBackend(BaseBackend):
    def get_user(self, user_id):
        readers = get_user_model().objects.select_related("account")
        return readers.filter(
            pk=user_id, is_active=True, is_staff=False, is_superuser=False, account__isnull=False
        ).first()
