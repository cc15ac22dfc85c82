"""Synthetic, clearly labelled forecasts on resolved questions, for demos.

Every reader this creates has an id starting with ``demo-``, and pages say
when synthetic forecasts are included. Running it again replaces them.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from predictions import services
from predictions.models import SYNTHETIC_READER_PREFIX as DEMO_PREFIX
from predictions.models import Forecast, Question
from predictions.services import settling


class Command(BaseCommand):
    help = "Replace the synthetic demo forecasts on resolved questions (readers 'demo-…')."

    def add_arguments(self, parser):
        parser.add_argument("--readers", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args, readers, seed, **options):
        rng = random.Random(seed)
        Forecast.objects.filter(reader_id__startswith=DEMO_PREFIX).delete()
        questions = [q for q in Question.objects.resolved() if q.is_scored]
        for question in questions:
            self._forecast(question, readers, rng)
            settling.recompute_aggregate(question=question, now=question.closes_at)
            services.replay_history(question=question)
            services.resolve_question(
                question=question,
                resolution=question.resolution,
                note=question.resolution_note,
                now=question.resolved_at,
            )
        self.stdout.write(f"Seeded {readers} demo readers on {len(questions)} resolved questions.")

    def _forecast(self, question, readers, rng):
        """Readers who lean, noisily, towards what happened and sharpen over time."""
        lean = 65 if question.resolution == Question.Resolution.YES else 35
        window = question.closes_at - question.opens_at
        rows = []
        for number in range(readers):
            reader_id = f"{DEMO_PREFIX}{number:04d}"
            times = sorted(rng.random() for _ in range(rng.randint(1, 3)))
            made = [question.opens_at + window * fraction for fraction in times]
            for index, made_at in enumerate(made):
                drift = (lean - 50) * times[index]
                probability = round(min(99, max(1, rng.gauss(lean + drift, 18))))
                superseded = made[index + 1] if index + 1 < len(made) else None
                rows.append(
                    Forecast(
                        question=question,
                        reader_id=reader_id,
                        probability=probability,
                        made_at=made_at,
                        superseded_at=superseded,
                    )
                )
        Forecast.objects.bulk_create(rows)
