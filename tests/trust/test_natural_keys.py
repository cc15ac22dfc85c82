"""Fixtures name trust's objects by natural key: each key finds its object again."""

import pytest
from django.apps import apps
from django.core import serializers

from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust import models as trust

pytestmark = pytest.mark.django_db

KEYED = [m for m in apps.get_app_config("trust").get_models() if hasattr(m, "natural_key")]


def test_every_natural_key_finds_its_object_again():
    make_criteria()
    article = make_article()
    cite(article, make_source())
    make_meter(article, values=[70, 50], weights=[60, 40])
    trust.FalsifiableStatement.objects.create(article=article, text="A trial replicates it.")

    assert len(KEYED) == 9
    for model in KEYED:
        objects = list(model.objects.all())
        assert objects, model
        for obj in objects:
            assert model.objects.get_by_natural_key(*obj.natural_key()) == obj


def test_a_dump_lists_what_a_natural_key_refers_to_first():
    order = serializers.sort_dependencies([(apps.get_app_config("trust"), None)])
    before = {
        trust.CriterionResult: [trust.Source, trust.Criterion],
        trust.Citation: [trust.Source],
        trust.ComponentScore: [trust.MeterComponent],
    }
    for model, dependencies in before.items():
        for dependency in dependencies:
            assert order.index(dependency) < order.index(model)
