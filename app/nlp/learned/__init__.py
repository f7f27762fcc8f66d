"""The learned parts of the extractor: models fitted on PolNeAR train
(app/nlp/training/ fits them, `make train`), kept as small files beside their code and
read from disk; the rules find most contents and sources, the tagger (a CRF) adds
contents where they found none, and the screen drops the indirect ones it doubts."""
