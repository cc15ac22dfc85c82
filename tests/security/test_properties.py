"""Hypothesis drives the Markdown pipeline and every reader input with arbitrary data.

Whatever comes in: never a 500, and nothing executable in what comes out (the
structural checks of tests/security/html_checks.py).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import markup
from predictions.forms import ForecastForm, ReadForm
from predictions.models import ReadChoice
from tests.factories import make_article, make_question
from tests.security.html_checks import assert_no_executable_markup

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text a browser can send: any character but unpaired surrogates (not encodable in UTF-8).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)

TAGS = ["script", "ScRiPt", "img", "a", "svg", "math", "iframe", "style", "p", "div", "form"]
TAGS += ["input", "button", "details", "object", "embed", "base", "meta", "link", "title"]
TAGS += ["textarea", "noscript", "template", "xmp", "plaintext", "table", "td", "abbr", "use"]
ATTRIBUTES = ["onerror", "onclick", "OnLoad", "href", "src", "style", "xlink:href", "srcdoc"]
ATTRIBUTES += ["formaction", "action", "alt", "title", "class", "id", "background", "data"]
VALUES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)"]
VALUES += ["java&#x09;script:alert(1)", " java\tscript:x", "data:text/html,<script>x</script>"]
VALUES += ["vbscript:x", "https://example.org/", "x", "alert(1)", "expression(alert(1))", "#fn"]
VALUES += ["fn-body-1", "footnote", "&#0000106avascript:x", "\x01javascript:x"]
QUOTES = ['"', "'", ""]


@st.composite
def start_tag(draw):
    tag = draw(st.sampled_from(TAGS))
    attributes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES), st.sampled_from(QUOTES)
            ),
            max_size=3,
        )
    )
    written = "".join(f" {name}={quote}{value}{quote}" for name, value, quote in attributes)
    closing = draw(st.sampled_from([">", "/>", " >", ""]))
    return f"<{tag}{written}{closing}"


html_ish = st.lists(
    st.one_of(
        start_tag(),
        st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(VALUES).map(lambda url: f"[link]({url})"),
        st.sampled_from(VALUES).map(lambda url: f"![alt]({url})"),
        st.sampled_from(VALUES).map(lambda url: f"<{url}>"),
        st.sampled_from(["\n\n", "```\n", "    ", "> ", "* ", "# ", "[^1]", "\n[^1]: "]),
        st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "&#", "&lt;", "<", ">", '"']),
        any_text,
    ),
    max_size=25,
).map("".join)


@EXAMPLES
@given(source=st.one_of(any_text, html_ish))
def test_the_markdown_pipeline_never_lets_markup_through(source):
    terms = [markup.Term("term", ("alert", "script", "link"))]
    html = markup.render(source, section="body", terms=terms)
    assert_no_executable_markup(html, fragment=True, where=repr(source))
    # Rendering is stable: sanitised output holds nothing the sanitiser would remove.
    assert markup.sanitize(html) == markup.sanitize(markup.sanitize(html))


@EXAMPLES
@given(data=st.dictionaries(st.sampled_from(["choice", "withdraw", "x"]), any_text))
def test_the_read_form_accepts_only_the_reads(data):
    form = ReadForm(data)
    if form.is_valid():
        assert form.cleaned_data["withdraw"] or form.cleaned_data["choice"] in ReadChoice.values


@EXAMPLES
@given(data=st.dictionaries(st.sampled_from(["probability", "withdraw", "x"]), any_text))
def test_the_forecast_form_accepts_only_whole_per_cents_from_1_to_99(data):
    form = ForecastForm(data)
    if form.is_valid() and not form.cleaned_data["withdraw"]:
        assert 1 <= form.cleaned_data["probability"] <= 99


@pytest.fixture
def story(db, settings):
    settings.RATE_LIMITS = {"reader-write": (1_000_000, 60)}
    # Half the examples post without a reader cookie: each is a new reader.
    settings.READER_NEW_IDENTITY_LIMIT = 1_000_000
    article = make_article(headline="A zebrafish story")
    make_question(article)
    return article


def assert_answered(response, allowed, where):
    assert response.status_code in allowed, (where, response.status_code)
    if response["Content-Type"].startswith("text/html"):
        assert_no_executable_markup(response.content.decode(), where=where)


@EXAMPLES
@given(
    query=st.one_of(any_text, html_ish, st.just("zebrafish")),
    topic=st.one_of(st.none(), any_text),
    page=st.one_of(st.none(), any_text, st.integers().map(str)),
)
def test_search_answers_anything_with_a_page_a_400_or_the_pages_own_url(
    client, story, query, topic, page
):
    params = {"q": query}
    if topic is not None:
        params["topic"] = topic
    if page is not None:
        params["page"] = page
    response = client.get("/search/", params)
    assert_answered(response, {200, 301, 400}, params)
    if response.status_code == 301:
        # A page number written any other way than the page's own leads to that page.
        assert params.get("page") is not None
        assert_answered(client.get(response["Location"]), {200}, params)


form_data = st.dictionaries(
    st.one_of(st.sampled_from(["choice", "probability", "withdraw"]), any_text),
    st.one_of(any_text, st.sampled_from(ReadChoice.values), st.integers(-5, 150).map(str)),
    max_size=4,
)


@EXAMPLES
@given(data=form_data, accept_json=st.booleans(), reader=st.one_of(st.none(), any_text))
def test_vote_and_forecast_endpoints_never_fail_on_any_post(
    client, story, data, accept_json, reader
):
    headers = {"HTTP_ACCEPT": "application/json"} if accept_json else {}
    client.cookies.clear()
    if reader is not None:
        client.cookies["reader"] = reader.encode("ascii", "ignore").decode().strip() or "x"
    for url in (f"/articles/{story.slug}/read/", f"/predictions/{story.question.slug}/forecast/"):
        response = client.post(url, data, **headers)
        assert_answered(response, {200, 302, 400, 413}, (url, data))
