"""Remove an editor's second factor, for a lost or replaced phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom import second_factor


class Command(BaseCommand):
    help = (
        "Remove every second-factor device of an admin user (a lost phone). They then log in "
        "with their password alone and set up a new device on the admin's Second factor "
        "page; a superuser in production is sent there before any other admin page."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”.")
        removed = second_factor.remove_devices(user=user)
        if not removed:
            self.stdout.write(f"“{username}” had no second factor; nothing to remove.")
            return
        self.stdout.write(
            f"Removed the second factor of “{username}”: they log in with their password "
            f"and set up a new one at the admin's Second factor page."
        )
