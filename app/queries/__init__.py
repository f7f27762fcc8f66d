"""Read queries: one Core statement per shape, compiled once, rows turned straight into API dicts.

A statement's shape is the set of parameters it takes (which filters, a cursor or not, the
form of a search), so each `build` only reads the parameter names; their values go to the
driver (app/prepared.py). One module per resource read; `ranked` holds full-text ranking
and `paging` the page shape that all listings share."""
