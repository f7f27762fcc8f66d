"""Training code for the learned parts of app/nlp (never imported by the service)."""
