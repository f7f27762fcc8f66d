"""Newsdesk: news articles turned into structured, queryable facts."""

__version__ = "0.1.0"
