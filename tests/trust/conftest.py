"""Fixtures the evidence tests share."""

import pytest

from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from tests.trust.crossref_server import crossref_server  # noqa: F401  (a fixture)


@pytest.fixture
def story():
    """Two sources, trust 100 and 60 (mean 80); a component at 40; score 60, half each."""
    criteria = make_criteria()
    article = make_article()
    cite(article, make_source(meets=criteria), title="The big trial", doi="10.1000/big.1")
    cite(article, make_source(meets=criteria[:1]), title="The small study", doi="10.1000/small.2")
    make_meter(article, values=[40, None], weights=[50, 50])
    return article
