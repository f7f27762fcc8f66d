"""Ingestion as jobs on a queue: `POST ...?wait=false` stores a job, a worker stores its articles.

queue.py builds the queue (Huey: SQLite embedded, or Redis), store.py writes jobs and their
items (made, claimed, finished), worker.py runs jobs (`newsdesk worker`, or a consumer
inside `newsdesk serve`), accept.py answers wait=false."""
