"""The reading room: server-rendered pages over the JSON API's own queries."""
