"""Ingestion as jobs on a queue: `POST ...?wait=false` stores a job, a worker stores its articles.

queue.py builds the queue (Huey: SQLite embedded, or Redis), worker.py runs jobs
(`newsdesk worker`, or a consumer inside `newsdesk serve`)."""
