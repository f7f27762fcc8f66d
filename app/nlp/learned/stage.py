"""Cue verbs the word lists lack ("lamented that …", "mused that …"), found by the cue
classifier: a verb it takes for a PolNeAR cue with high probability is read as a
reporting verb, and reported.py finds its content and source as for a listed one."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from app.nlp import reported
from app.nlp.attribution import Article, Attribution
from app.nlp.learned import model
from app.nlp.learned.features import CANDIDATE_POS, token_features
from app.nlp.text import Quotes

# A learned cue reports a clause, an infinitive or its object, as most listed ones do
# (with the object too, recall on held-out train rose from 0.642 to 0.654 at 0.6).
LEARNED_ROLES: reported.Roles = frozenset({"reporting", "infinitive", "object"})


def from_model(article: Article, _earlier: Sequence[Attribution]) -> list[Attribution]:
    """The stage: what the verbs the classifier accepts (and the lists do not hold) report."""
    cues = model.load()
    found = []
    for para, doc in article.body():
        def roles_of(token: Token, offset: int = para.start, quotes: Quotes = article.quotes) -> reported.Roles:
            if token.pos_ not in CANDIDATE_POS or reported.lemma(token) in reported.CUES or quotes.containing(
                    offset + token.idx):
                return frozenset()
            if cues.probability(token_features(token, offset, quotes)) < cues.threshold:
                return frozenset()
            return LEARNED_ROLES

        found += reported.verb_reports(doc, para.start, article.quotes, article.text, roles_of, article.people)
    return found

