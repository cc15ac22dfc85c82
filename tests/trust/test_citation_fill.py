"""A citation filled from a DOI or an arXiv id in the story form: the admin's JSON
endpoint behind "Fill from DOI", and the save without JavaScript. Every look-up goes over
real HTTP to the tests' Crossref server (crossref_server.py)."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from articles.models import Article
from core.editors import EDITORS_GROUP
from tests.admin_forms import article_form, form_data, rows
from tests.factories import make_source
from tests.trust.crossref_server import (
    ARXIV_PUBLISHED,
    PREPRINT,
    RATE_LIMITED,
    RETRACTED,
)
from trust.models import Citation, Source

pytestmark = pytest.mark.django_db

LOOKUP = "/admin/citation-lookup/"
ADD_STORY = "/admin/articles/article/add/"


@pytest.fixture
def nature():
    return make_source(name="Nature", slug="nature")


def look_up(client, identifier, **extra):
    return client.post(LOOKUP, {"identifier": identifier}, HTTP_ACCEPT="application/json", **extra)


def make_editor(username):
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def test_the_lookup_url_is_inside_the_admin():
    assert reverse("admin:citation_lookup") == LOOKUP


def test_a_doi_gives_the_citations_fields_and_its_source(client, editor, crossref_server, nature):
    response = look_up(client, f"https://doi.org/{RETRACTED}")

    assert response.status_code == 200
    answer = response.json()
    assert answer["doi"] == RETRACTED
    assert answer["service"] == "Crossref"
    assert answer["fields"] == {
        "title": "RETRACTED ARTICLE: Evidence of near-ambient superconductivity in a N-doped "
        "lutetium hydride",
        "authors": "Nathan Dasenbrock-Gammon, Elliot Snider, Raymond McBride, Hiranya Pasan, "
        "Dylan Durkee, Nugzari Khalvashi-Sutter, Sasanka Munasinghe, Sachith E. Dissanayake, "
        "Keith V. Lawler, Ashkan Salamat, Ranga P. Dias",
        "kind": "primary",
        "url": "https://doi.org/10.1038/s41586-023-05742-0",
        "published_on": "2023-03-08",
        "licence": "https://www.springernature.com/gp/researchers/text-and-data-mining",
    }
    assert answer["source"] == {"id": nature.pk, "name": "Nature"}
    assert answer["proposed_source"] is None


def test_the_answer_is_never_cached(client, editor, crossref_server, nature):
    cache_control = look_up(client, RETRACTED)["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_a_source_matches_whatever_its_case(client, editor, crossref_server):
    source = make_source(name="NATURE")
    assert look_up(client, RETRACTED).json()["source"]["id"] == source.pk


def test_a_journal_with_no_source_is_proposed_with_the_source_form_filled(
    client, editor, crossref_server
):
    answer = look_up(client, PREPRINT).json()

    assert answer["source"] is None
    assert answer["fields"]["kind"] == "preprint"
    assert answer["proposed_source"] == {
        "name": "bioRxiv",
        "add_url": "/admin/trust/source/add/?name=bioRxiv&kind=preprint"
        "&home_url=http%3A%2F%2Fbiorxiv.org%2F",
    }
    form = client.get(answer["proposed_source"]["add_url"]).content.decode()
    assert 'value="bioRxiv"' in form
    assert 'value="http://biorxiv.org/"' in form
    assert '<option value="preprint" selected>' in form


def test_an_arxiv_id_gives_arxivs_doi(client, editor, crossref_server):
    answer = look_up(client, f"arXiv:{ARXIV_PUBLISHED}v1").json()

    assert answer["doi"] == f"10.48550/arXiv.{ARXIV_PUBLISHED}"
    assert answer["service"] == "arXiv"
    assert answer["fields"]["published_on"] == "2016-02-11"
    assert answer["fields"]["url"] == f"https://arxiv.org/abs/{ARXIV_PUBLISHED}"


def test_a_second_lookup_of_the_same_work_does_not_ask_crossref_again(
    client, editor, crossref_server, nature
):
    look_up(client, RETRACTED)
    look_up(client, RETRACTED)
    assert len(crossref_server.requests_for(RETRACTED)) == 1


@pytest.mark.parametrize(
    ("identifier", "status", "error"),
    [
        ("10.5555/nothing-here", 404, "Crossref has no work with the DOI 10.5555/nothing-here."),
        (
            RATE_LIMITED,
            503,
            "Crossref asked us to wait 30 seconds (too many requests); try again then, "
            "or type the fields by hand.",
        ),
        (
            "not a doi",
            400,
            "“not a doi” is not a DOI: a DOI looks like 10.1038/nm.2446, and an arXiv id "
            "looks like arXiv:2303.01234.",
        ),
    ],
)
def test_a_failed_lookup_is_a_sentence_with_its_status(
    client, editor, crossref_server, identifier, status, error
):
    response = look_up(client, identifier)

    assert response.status_code == status
    assert response.json() == {"error": error}
    if status == 503:
        assert response["Retry-After"] == "30"


def test_a_bad_identifier_asks_nobody(client, editor, crossref_server):
    look_up(client, "x" * 10_000)
    assert crossref_server.requests == []


def test_readers_and_staff_outside_the_editors_are_sent_to_the_login(client, crossref_server):
    assert look_up(client, RETRACTED).status_code == 302
    client.force_login(User.objects.create_user("intern", is_staff=True))
    response = look_up(client, RETRACTED)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert crossref_server.requests == []


def test_an_editor_who_may_not_edit_citations_is_refused(client, crossref_server):
    columnist = make_editor("columnist")
    Group.objects.get(name=EDITORS_GROUP).permissions.clear()
    client.force_login(columnist)

    response = look_up(client, RETRACTED)

    assert response.status_code == 403
    assert crossref_server.requests == []


def test_the_lookup_needs_the_forms_csrf_token(editor, crossref_server):
    checking = Client(enforce_csrf_checks=True)
    checking.force_login(editor)

    assert look_up(checking, RETRACTED).status_code == 403
    page = checking.get(ADD_STORY).content.decode()
    token = form_data(page)["csrfmiddlewaretoken"][0]
    assert look_up(checking, RETRACTED, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_the_lookup_takes_posts_only(client, editor, crossref_server):
    assert client.get(LOOKUP, {"identifier": RETRACTED}).status_code == 405


def test_each_editor_has_a_limit_of_lookups(client, editor, crossref_server, settings):
    settings.CITATION_LOOKUP_LIMIT = 2
    settings.CITATION_LOOKUP_WINDOW = 60
    assert look_up(client, RETRACTED).status_code == 200
    assert look_up(client, PREPRINT).status_code == 200

    refused = look_up(client, RETRACTED)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "try again in" in refused.json()["error"]

    other = Client()
    other.force_login(make_editor("second"))
    assert look_up(other, RETRACTED).status_code == 200


# Saving without JavaScript.


def story_with_citation(**citation):
    row = {"position": "1", "title": "", "source": "", "kind": "", "status": "standing"}
    return article_form() | rows("citations", row | citation)


def test_saving_a_doi_alone_fills_the_citation_and_asks_the_editor_to_check(
    client, editor, crossref_server, nature
):
    response = client.post(ADD_STORY, story_with_citation(doi=f"doi:{RETRACTED}"))

    assert response.status_code == 200
    assert not Article.objects.exists()
    page = response.content.decode()
    assert (
        "Filled from Crossref&#x27;s record of 10.1038/s41586-023-05742-0: title, authors, "
        "source, kind, link, publication date, licence. Check them, then save again."
    ) in page
    assert 'value="2023-03-08"' in page
    assert "citation-filled" in page

    saved = client.post(ADD_STORY, {**form_data(page)})

    assert saved.status_code == 302
    citation = Citation.objects.get()
    assert citation.doi == RETRACTED
    assert citation.title.endswith("N-doped lutetium hydride")
    assert citation.source == nature
    assert citation.kind == Citation.Kind.PRIMARY_STUDY
    assert citation.published_on == date(2023, 3, 8)
    assert citation.authors.startswith("Nathan Dasenbrock-Gammon, Elliot Snider")
    assert citation.url == "https://doi.org/10.1038/s41586-023-05742-0"
    assert citation.licence.startswith("https://www.springernature.com/")


def test_what_the_editor_typed_is_kept(client, editor, crossref_server, nature):
    response = client.post(ADD_STORY, story_with_citation(doi=RETRACTED, kind="review"))

    page = response.content.decode()
    assert "title, authors, source, link, publication date, licence." in page
    assert '<option value="review" selected>' in page


def test_a_failed_lookup_is_a_form_error_and_the_fields_can_be_typed_by_hand(
    client, editor, crossref_server, nature
):
    response = client.post(ADD_STORY, story_with_citation(doi="10.5555/nothing-here"))

    assert response.status_code == 200
    assert "Crossref has no work with the DOI 10.5555/nothing-here." in response.content.decode()
    assert not Article.objects.exists()

    typed = story_with_citation(
        doi="10.5555/nothing-here", title="A paper Crossref does not know", source=nature.pk
    )
    typed["citations-0-kind"] = "primary"
    assert client.post(ADD_STORY, typed).status_code == 302
    assert Citation.objects.get().title == "A paper Crossref does not know"
    assert len(crossref_server.requests_for("10.5555/nothing-here")) == 1


def test_an_arxiv_id_is_kept_as_arxivs_doi(client, editor, crossref_server, nature):
    data = story_with_citation(
        doi=f"arXiv:{ARXIV_PUBLISHED}v1", title="Observation of gravitational waves"
    )
    data |= {"citations-0-source": nature.pk, "citations-0-kind": "preprint"}

    assert client.post(ADD_STORY, data).status_code == 302
    assert Citation.objects.get().doi == f"10.48550/arXiv.{ARXIV_PUBLISHED}"
    # A title was typed: nothing to fill, nobody asked.
    assert crossref_server.requests == []


def test_a_journal_with_no_source_is_a_source_error_linking_to_the_filled_source_form(
    client, editor, crossref_server
):
    response = client.post(ADD_STORY, story_with_citation(doi=PREPRINT))

    page = response.content.decode()
    assert "No source is called “bioRxiv” yet: add it with the link under this field" in page
    assert (
        '<a href="/admin/trust/source/add/?name=bioRxiv&amp;kind=preprint&amp;'
        'home_url=http%3A%2F%2Fbiorxiv.org%2F" target="_blank">Add “bioRxiv” under Sources</a>'
    ) in page
    assert not Source.objects.exists()


def test_a_doi_that_is_not_one_is_refused_without_asking(client, editor, crossref_server):
    response = client.post(ADD_STORY, story_with_citation(doi="nm.2446"))

    assert "“nm.2446” is not a DOI" in response.content.decode()
    assert crossref_server.requests == []
