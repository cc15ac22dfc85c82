from django.core.management.base import BaseCommand

from predictions.services import rebuild_topic_interest


class Command(BaseCommand):
    help = "Recompute every topic's reader interest and every story's read counts from raw reads."

    def handle(self, *args, **options):
        rebuild_topic_interest()
        self.stdout.write("Rebuilt topic weights and read tallies from the raw reads.")
