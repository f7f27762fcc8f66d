"""Pure text processing: no FastAPI, no database. Text in, plain data out."""
