"""Create (or update) an editor: a staff account in the Editors group."""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.editors import EDITORS_GROUP


class Command(BaseCommand):
    help = (
        "Create an editor account (staff, in the Editors group). The password comes from "
        "NEWSROOM_EDITOR_PASSWORD, or is asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, email, **options):
        password = os.environ.get("NEWSROOM_EDITOR_PASSWORD") or self._ask_password()
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.email = email or user.email
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        self.stdout.write(f"Editor “{username}” can now log in to the admin.")

    def _ask_password(self):
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords did not match.")
        return first
