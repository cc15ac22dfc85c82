"""Topic interest from reads, by hand: a read one half-life after the epoch weighs 2."""

from datetime import timedelta

import pytest

from predictions.interest import EPOCH, current_weight, topic_interest


@pytest.fixture(autouse=True)
def thirty_day_half_life(settings):
    settings.TOPIC_INTEREST_HALF_LIFE_DAYS = 30


def test_each_read_adds_its_worth_to_every_topic_of_its_story():
    later = EPOCH + timedelta(days=30)
    reads = [("physics", EPOCH), ("biology", EPOCH), ("physics", later)]
    assert topic_interest(reads) == {"physics": pytest.approx(3.0), "biology": pytest.approx(1.0)}


def test_no_reads_no_interest():
    assert topic_interest([]) == {}


def test_the_stored_sum_decays_to_the_weight_now():
    # Ninety days is three half-lives: the sum (in epoch units) decays by 2^3.
    now = EPOCH + timedelta(days=90)
    assert current_weight(3.0, now) == pytest.approx(3.0 / 8)
