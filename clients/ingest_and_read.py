"""Ingest an article and read it back with the client openapi-python-client generates.

`clients/check.sh` generates the client as the package `newsdesk_client`, checks this file
with `mypy --strict` and runs it against a live server:

    python clients/ingest_and_read.py http://127.0.0.1:8000 [API_KEY]

Writes take an AuthenticatedClient: the schema lists the API key schemes on them. A server
run without NEWSDESK_API_KEYS takes any token.
"""

from __future__ import annotations

import sys

from newsdesk_client import AuthenticatedClient, Client
from newsdesk_client.api.articles import create_article, get_article, get_article_quotes
from newsdesk_client.models import ArticleDetail, ArticleText, Problem, QuoteKind, QuoteList

TITLE = "Harbour council approves tidal plan"
TEXT = (
    '"The tide turns twice a day, and so will our turbines," said Mayor Jo Bell on Tuesday.\n'
    "Critics said the plan would cost too much.\n"
)


def fail(problem: Problem | None) -> None:
    if problem is None:
        raise SystemExit("no answer the schema describes")
    fields = [f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in problem.errors or []]
    raise SystemExit(f"{problem.status} {problem.type_.value}: {problem.detail} {fields}")


def main(base_url: str, api_key: str) -> None:
    writer = AuthenticatedClient(base_url=base_url, token=api_key, raise_on_unexpected_status=True)
    reader = Client(base_url=base_url, raise_on_unexpected_status=True)

    created = create_article.sync(client=writer, body=ArticleText(text=TEXT, title=TITLE, source="Example News"))
    if not isinstance(created, ArticleDetail):
        fail(created if isinstance(created, Problem) else None)
        return
    print(f"stored article {created.id}: {created.title!r}, {created.quote_count} quote(s)")

    article = get_article.sync(created.id, client=reader)
    if not isinstance(article, ArticleDetail):
        fail(article)
        return
    assert article.text == created.text

    quotes = get_article_quotes.sync(created.id, client=reader)
    if not isinstance(quotes, QuoteList):
        fail(quotes)
        return
    for quote in quotes.items:
        speaker = quote.speaker.name if quote.speaker else "(unnamed)"
        marks = "in quotation marks" if quote.kind is QuoteKind.DIRECT else quote.kind.value
        print(f"  {speaker}: {quote.text!r} ({marks}, cue {quote.cue_type.value})")
    if not quotes.items:
        raise SystemExit("no quotes came back")


def _bodies_the_types_refuse() -> None:
    # Never called: `mypy --strict` (warn_unused_ignores) fails if one of these stops being an error.
    ArticleText(text=None)  # type: ignore[arg-type]
    create_article.sync(client=Client(base_url=""), body=ArticleText(text=TEXT))  # type: ignore[arg-type]


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "no-key-configured")
