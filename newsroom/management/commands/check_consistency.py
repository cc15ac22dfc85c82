"""Check that every stored aggregate equals the one recomputed from its raw rows."""

from django.core.management.base import BaseCommand, CommandError

from predictions import consistency as predictions_consistency
from predictions.services import settling
from trust import consistency as trust_consistency


class Command(BaseCommand):
    help = (
        "Recompute every stored aggregate (read tallies, topic interest, community "
        "forecasts and their history, scores, source trust, reality scores) from the raw "
        "rows; print each difference and exit 1 when there is any."
    )

    def handle(self, *args, **options):
        # Reader activity waiting to be folded in is folded first: "once writes settle".
        settling.settle()
        differences = predictions_consistency.differences() + trust_consistency.differences()
        for difference in differences:
            self.stdout.write(difference)
        if differences:
            raise CommandError(f"{len(differences)} stored values differ from their raw rows.")
        self.stdout.write("Every stored aggregate equals the one recomputed from its raw rows.")
