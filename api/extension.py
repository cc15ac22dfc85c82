"""What api adds to a story (articles/extensions.py): the share-and-cite box, with the
story's open-data links, after the forecast panel of a public story."""

from articles.extensions import StoryExtension

OPEN_DATA = StoryExtension(
    name="open-data",
    panels={"forecast": "api/panels/share_and_cite.html"},
)
