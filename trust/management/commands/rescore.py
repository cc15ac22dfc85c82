from django.core.management.base import BaseCommand

from trust.services import rescore_everything


class Command(BaseCommand):
    help = "Score every source against the criteria and every story's reality meter."

    def handle(self, *args, **options):
        rescore_everything()
        self.stdout.write("Scored all sources and stories.")
