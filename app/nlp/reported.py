"""Reported speech found from its cue: a reporting verb with its content clause ("X said
Y", "Y, X said"), stances with a phrase for content ("vowed to …", "called for …",
"described X as Y"), and "according to X"."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from spacy.tokens import Doc, Span, Token

from app.nlp import per_parse
from app.nlp.attribution import Article, Attribution
from app.nlp.lexicons import table, words
from app.nlp.speakers import NOMINAL_SUBJECTS, name_span, names_a_person, subject_of
from app.nlp.text import CLOSING_MARKS, Quotes, word_count

# The word lists are data, in app/nlp/lexicons/, each with what it is for and its source.
REPORTING = words("reporting")  # a clause they govern is what the subject reports
SPEECH = words("speech")  # verbs that introduce a quotation after a colon
INFINITIVE = words("infinitive")  # stances with an infinitive: "vowed to ban …"
TOPIC = table("topic")  # talk about something: "talked about …", "called for …"
OBJECT = words("object")  # stances toward something named: "criticized the policy"
NAMING = words("naming")  # the name they give is the subject's: "called it “a disaster”"
CUES = REPORTING | INFINITIVE | set(TOPIC) | OBJECT
# Acts of saying, not stances: a second one after a report is a report of its own
# ("… and warned that …"), where "… and supported …" may go on with the content.
SPEECH_ACTS = SPEECH | words("speech_acts")
# Content shorter than this is a fragment the parse broke off, not something said...
_MIN_CONTENT_WORDS = 2
# ...unless it is a name that a stance is taken toward ("endorsed Sanders", "backs Trump").
_NAMED = {"PROPN"}


def _content_span(first: Token, offset: int, last: Token | None = None,
                  before: Token | None = None) -> tuple[int, int]:
    """The words from `first`'s subtree to `last`'s, ending before the subtree of
    `before`, without edge punctuation (a closing quotation mark stays: it belongs to the
    quotation)."""
    doc = first.doc
    start = first.left_edge
    while (start.i < first.i and (start.is_punct and start.text not in "“\"«")) or start.is_space:
        start = doc[start.i + 1]
    end = _before_aside((last or first).right_edge, start)
    if before is not None and start.i < before.left_edge.i <= end.i:
        end = doc[before.left_edge.i - 1]
        while end.i > start.i and (end.dep_ == "cc" or end.is_space or end.text == ","):
            end = doc[end.i - 1]
    end = _without_trailing_punctuation(end, start)
    return offset + start.idx, offset + end.idx + len(end)


def _without_trailing_punctuation(end: Token, start: Token) -> Token:
    """The last word of a content ending at `end`, back past punctuation and spaces but not
    past `start`; a closing quotation mark stays: it belongs to the quotation."""
    doc = end.doc
    while end.i > start.i and ((_is_punctuation(end) and end.text not in "”\"’»") or end.is_space):
        end = doc[end.i - 1]
    return end


def _is_punctuation(token: Token) -> bool:
    """Punctuation, not a sign read as a word ("22%": the lexicon calls "%" punctuation,
    but it is the noun the number measures)."""
    return token.is_punct and token.pos_ == "PUNCT"


def _next_report(first: Token, last: Token | None, verb: Token) -> Token | None:
    """A second report by the same source that the parse hung on the content ("said the
    deal would help and warned that …"): a speech verb coordinated in the reporting
    verb's own form, with no subject of its own. What it reports is not the first verb's
    content, and its source is the first verb's."""
    return _first_in_content(first, last, lambda tok, _start, _end: (
        tok.dep_ == "conj" and tok.pos_ == "VERB" and tok.tag_ == verb.tag_ and lemma(tok) in SPEECH_ACTS
        and not any(c.dep_ in NOMINAL_SUBJECTS for c in tok.children)))


def _report_of_its_own(first: Token, last: Token | None) -> Token | None:
    """A report by another source that the parse coordinated at the end of the content
    ("emphasized the gains, and human rights groups warned that …"): where the content
    stops."""
    return _first_in_content(first, last, lambda tok, start, end: (
        tok.dep_ == "conj" and tok.pos_ == "VERB" and lemma(tok) in SPEECH_ACTS and tok.right_edge.i >= end.i
        and any(c.dep_ in NOMINAL_SUBJECTS for c in tok.children)
        and tok.doc[tok.left_edge.i - 1].dep_ == "cc" and tok.doc[tok.left_edge.i - 2].text in (",", ";")
        and _marks_balanced(tok.doc[start.i:tok.i])))


# Participles that report ("…, saying …", "…, citing …"); not "continuing", "posting",
# which after a comma mostly go on with the event ("continuing a trend", "posting gains").
_REPORTING_PARTICIPLES = (SPEECH_ACTS - {"continue", "post"}) | {"cite", "point"}


def _participle_report(first: Token, last: Token | None) -> Token | None:
    """A participle of saying that the parser hung on the end of the content ("said the
    repairs would finish by June, adding that …"): the next thing the same source says,
    which annotators take as an attribution of its own. Participles of other verbs
    ("…, creating …") are kept with the content (five times as often as cut), so they stay."""
    return _first_in_content(first, last, lambda tok, start, end: (
        tok.tag_ == "VBG" and lemma(tok) in _REPORTING_PARTICIPLES and tok.left_edge.i == tok.i
        and tok.right_edge.i >= end.i and (tok.doc[tok.i - 1].text == "," or _after_quoted_comma(tok))
        and _marks_balanced(tok.doc[start.i:tok.i])))  # not inside a quotation


def _first_in_content(first: Token, last: Token | None,
                      found: Callable[[Token, Token, Token], bool]) -> Token | None:
    """The first word of a content (the subtrees of `first` to `last`), past its first two,
    that `found(word, content's first word, content's last word)` accepts: where a second
    report begins. Only words of saying can be one, so only they are looked at."""
    start, end = first.left_edge, (last or first).right_edge
    indices = _saying_words(first.doc)
    for i in indices[bisect.bisect_left(indices, start.i + 2):bisect.bisect_right(indices, end.i)]:
        if found(tok := first.doc[i], start, end):
            return tok
    return None


_SAYING_WORDS = SPEECH_ACTS | _REPORTING_PARTICIPLES


def _saying_words(doc: Doc) -> list[int]:
    """Where the doc's words of saying are, found once a doc: a run-on text has tens of
    thousands of contents, each of which would otherwise be walked word by word."""
    return per_parse.once(doc, "saying_words", lambda: [t.i for t in doc if lemma(t) in _SAYING_WORDS])


def _marks_balanced(words: Span) -> bool:
    """Every quotation these words open they close: what follows them is not inside one."""
    text = words.text
    return text.count("“") == text.count("”")


def _before_aside(end: Token, start: Token) -> Token:
    """The content without a comment set off by a comma at its end (", which votes in
    March", ", the group that …"): a non-restrictive clause or apposition is the writer's
    aside, not part of what was said, even after a lone name ("endorsed Alvarez, who …"
    is a stance toward Alvarez). Never inside a quotation (the marks before the
    comma are balanced, and none follow it). A trailing participle ("…, referring to …")
    is kept by the annotators far more often than cut, so it stays."""
    doc = end.doc
    for tok in doc[start.i + 2:end.i + 1]:
        aside = tok.dep_ == "relcl" or (tok.dep_ == "appos" and not any(c.dep_ == "conj" for c in tok.children))
        # A participle of a cue verb after the quotation stays: a reporting one is the
        # source's next report (_participle_report), and cut off, the others ("describing
        # X as …") would be reports of their own with the content's subject for source.
        if (_after_quoted_comma(tok) and lemma(tok) not in CUES and tok.right_edge.i >= end.i
                and _marks_balanced(doc[start.i:tok.i])):
            return doc[tok.i - 1]
        if aside and tok.right_edge.i >= end.i:
            first = tok.left_edge
            if (first.i > start.i + 1 and doc[first.i - 1].text == "," and _marks_balanced(doc[start.i:first.i])
                    and not any(t.text in "“”\"«»" for t in doc[first.i:end.i + 1])):
                return doc[first.i - 1]
    return end


def _after_quoted_comma(tok: Token) -> bool:
    """A participle that opens the words after a quotation closing on its own comma
    ("called Cruz the “ultimate hypocrite,” linking to a story …"): the quotation ends what
    was said, and the writer goes on about the moment. After a plain comma annotators keep
    such a participle with the content, after “…,” they mostly cut it (PolNeAR train: the
    gold content ends at the quotation in 17 of the 23 predicted ones that ran on past it)."""
    doc = tok.doc
    # Right after a comma a straight mark can only close.
    return (tok.tag_ == "VBG" and tok.left_edge.i == tok.i and tok.i >= 2
            and doc[tok.i - 1].text in CLOSING_MARKS and doc[tok.i - 2].text == ",")


# The small model's lemmatizer reads "hoping"/"hoped" as forms of "hop".
_LEMMA_FIXES = {("hop", "hoping"): "hope", ("hop", "hoped"): "hope"}


def lemma(token: Token) -> str:
    """The token's lemma, lowercased, with the small model's known slips mended."""
    found = token.lemma_.lower()
    return _LEMMA_FIXES.get((found, token.lower_), found)


def from_verbs(article: Article, _earlier: Sequence[Attribution]) -> list[Attribution]:
    """The stage: reporting verbs, stances and "according to", with what they report."""
    found = []
    for para, doc in article.body():
        reports = verb_reports(doc, para.start, article.quotes, article.text, listed_roles, article.people)
        found += reports
        found += _named(doc, para.start, article.quotes, {att.cue[0] for att in reports if att.cue is not None})
        found += _according_to(doc, para.start, article.quotes)
        found += _characterised(doc, para.start, article.quotes)
        found += _passive_reports(doc, para.start, article.quotes)
    return found


# What a cue verb can report, by the word lists that hold it: a clause ("reporting"), a
# quotation after a colon ("speech"), an infinitive, a topic, a named object.
Roles = frozenset[str]
_ROLE_LISTS = (("reporting", REPORTING), ("speech", SPEECH), ("infinitive", INFINITIVE), ("topic", TOPIC),
               ("object", OBJECT))


def listed_roles(token: Token) -> Roles:
    """The roles the word lists give the token's lemma (none: not a cue)."""
    base = lemma(token)
    return frozenset(name for name, listed in _ROLE_LISTS if base in listed)


def verb_reports(doc: Doc, offset: int, quotes: Quotes, text: str,
                 roles_of: Callable[[Token], Roles], people: frozenset[str]) -> list[Attribution]:
    """What the paragraph's cue verbs report: a verb is a cue with the roles `roles_of`
    gives it (the word lists', or a learned model's); `people` are the article's names of
    people, full and by surname."""
    found: list[Attribution] = []
    reporter: dict[int, Token] = {}  # a second report -> the verb whose source it shares
    for token in doc:
        if token.pos_ not in ("VERB", "AUX") or not (roles := roles_of(token)):
            continue
        if quotes.containing(offset + token.idx):
            continue  # speech reported inside a quotation belongs to the quoted speaker
        content: Token | None = None
        last: Token | None = None
        if "reporting" in roles:
            content, last = _clause_reported(token)
        if content is None and "speech" in roles:
            # "X said: “…”" — the quotation after a colon, not parsed as a clause.
            content = next((c for c in token.rights if c.dep_ in ("dobj", "parataxis", "npadvmod", "attr")), None)
            if content is not None and not quotes.overlapping(offset + content.left_edge.idx,
                                                              offset + content.right_edge.idx + 1):
                content = None  # "told more jokes": an object, not something said
        parenthetical = False
        if content is None and "reporting" in roles and token.dep_ == "parataxis" and (
                token.head.i > token.i or _sentence_goes_on(token)):
            # "The museum, Mr. Obama said, would make …", "Lenox thrived, he said, until
            # it went bankrupt": the sentence around the aside, also when the parse hangs
            # the aside on the subject ("The difference now, he told me, is that …").
            content, parenthetical = token.head, True
            if content.dep_ in NOMINAL_SUBJECTS and content.head.pos_ in ("VERB", "AUX"):
                content = content.head
        aside_end = _as_aside(token) if content is None and "reporting" in roles else None
        if aside_end is not None:
            content, parenthetical = token.head, True
        if content is None:
            content, last = _phrase_content(token, roles)
            if content is not None and not _stance_holder(token, people):
                continue
        if content is None:
            continue
        if (content.i < token.i and last is None and not quotes.containing(offset + content.idx)
                and (more := _continued_after_aside(token)) is not None):
            # "The middle fifth paid 8.9 percent, the agency said, and the bottom fifth
            # paid 0.8 percent": the sentence goes on with what the source said.
            last, parenthetical = more, True
        after = _next_report(content, last, token) or _participle_report(content, last)
        if after is not None:
            reporter[after.i] = token
        start, end = _content_span(content, offset, last, after or _report_of_its_own(content, last))
        if aside_end is not None:
            start = max(start, offset + aside_end.idx)  # what is vouched for, not the aside
        if not parenthetical and content.i < token.i and start <= offset + token.idx < end:
            continue
        if word_count(text, start, end) < _MIN_CONTENT_WORDS and not (
                "object" in roles and content.pos_ in _NAMED and content.dep_ == "dobj"):
            continue
        if att := _by_subject(token, start, end, offset, quotes, reporter.get(token.i, token)):
            found.append(att)
    return found


def _stance_holder(verb: Token, people: frozenset[str]) -> bool:
    """Whether the verb's subject can be the source of a stance toward a thing ("backs the
    plan"): a name, a pronoun, a person or a determined group ("the council"). A bare common
    noun is a headline's generic ("Harbour city backs tidal power plan"), the news told in
    brief rather than anyone's statement; but not a word the article names a person by,
    which the tagger took for a common noun ("Crane stopped short of calling …")."""
    subject = subject_of(verb)
    if subject is None or subject.pos_ != "NOUN" or subject.ent_type_ or subject.text in people:
        return True
    return any(c.dep_ in ("det", "poss") for c in subject.children) or names_a_person(subject.lemma_.lower())


def _as_aside(verb: Token) -> Token | None:
    """"As the Herald reported, the council agreed …": the source vouches for the
    sentence the clause opens; the first word of that sentence. Not when the clause
    has its own object ("As voters lamented the cuts, …"), nor before a quotation,
    whose cue is found with it."""
    if verb.dep_ != "advcl" or verb.head.i < verb.i or verb.head.pos_ not in ("VERB", "AUX"):
        return None
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return None
    if any(c.dep_ in ("dobj", "xcomp", "ccomp", "attr") for c in verb.children):
        return None
    doc = verb.doc
    first = verb.right_edge.i + 1
    while first < len(doc) and (doc[first].is_punct or doc[first].is_space):
        if doc[first].text in ("“", "\""):
            return None
        first += 1
    return doc[first] if first < verb.head.i + 1 else None


def _passive_reports(doc: Doc, offset: int, quotes: Quotes) -> list[Attribution]:
    """A cue verb in the passive with its source in a "by" phrase ("The meeting was first
    reported by Politico", "Clinton's attacks were echoed by Democrats"): what it reports
    or takes a stance toward is its subject, however short ("He was backed by …"). Not a
    relative pronoun ("the pipeline, which is supported by …"): the noun it stands for is
    outside the clause, and annotators seldom take it. On PolNeAR train about half of the
    contents so found are annotated attributions that no other stage finds."""
    found = []
    for verb in doc:
        if verb.pos_ != "VERB" or verb.tag_ != "VBN" or not listed_roles(verb) or quotes.containing(offset + verb.idx):
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i), None)
        agent = next((c for c in verb.children if c.dep_ == "agent" and c.i > verb.i), None)
        source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subject is None or source is None or subject.tag_ in ("WDT", "WP", "WP$") or subject.right_edge.i >= verb.i:
            continue
        first, last = subject.left_edge, subject.right_edge
        if any(t.pos_ == "VERB" and t.dep_ not in ("amod", "compound") for t in doc[first.i:last.i + 1]):
            continue  # "The claim that the vote was rigged was rejected by …": the claim is the report
        last = _without_trailing_punctuation(last, first)
        speaker = name_span(source, offset)
        if quotes.containing(speaker[0]):
            continue
        found.append(Attribution(offset + first.idx, offset + last.idx + len(last), offset + verb.idx,
                                 offset + verb.idx + len(verb), speaker, source))
    return found


def _characterised(doc: Doc, offset: int, quotes: Quotes) -> list[Attribution]:
    """Any verb that casts its object "as" something in quotation marks ("pounding Trump
    as a “con artist”", "admires Putin as a “strong leader”"): the quoted words are the
    subject's, and the object with its "as" phrase is what the subject says of it."""
    found = []
    for verb in doc:
        if verb.pos_ != "VERB" or lemma(verb) in CUES or quotes.containing(offset + verb.idx):
            continue
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
        as_phrase = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"
                          and obj is not None and c.i > obj.i), None)
        if obj is None or as_phrase is None:
            continue
        start, end = _content_span(obj, offset, as_phrase)
        if quotes.overlapping(offset + as_phrase.idx, end) and (att := _by_subject(verb, start, end, offset, quotes)):
            found.append(att)
    return found


# Children of a naming verb after its name that are not part of what was said: a
# coordinated verb, a comment set off by punctuation.
_NOT_NAMING = ("conj", "cc", "punct", "parataxis", "dep", "appos")
_ASIDE_OPENERS = (",", ";", "-", "–", "—", "(")


def _named(doc: Doc, offset: int, quotes: Quotes, taken: set[int]) -> list[Attribution]:
    """A naming verb whose object predicate holds a quotation ("called her “weak”", "what
    he called a “brazen breach” of …", "which Trump had called a “disaster”"): the quoted
    name is the subject's words, and the thing named with its name is what the subject
    says of it. The object rule needs an object after the verb; here the object is a
    relative pronoun before it, or one the parse took for a possessive of the name.
    `taken`: where the cues other rules found start (a verb reported once)."""
    found = []
    for verb in doc:
        if verb.pos_ != "VERB" or lemma(verb) not in NAMING or offset + verb.idx in taken:
            continue
        if quotes.containing(offset + verb.idx) or any(c.dep_ == "auxpass" for c in verb.children):
            continue
        if (verb.dep_ == "acl" or verb.tag_ == "VBN") and not any(c.dep_ == "nsubj" for c in verb.children):
            continue  # "a script called “Wild Rose”": a title, which nobody is quoted giving
        names = [c for c in verb.children if c.dep_ == "oprd" and c.i > verb.i]
        if not names:
            continue
        # Whatever follows the verb up to the end of its name and of what completes it
        # (the “breach” "of U.N. resolutions", "to try to win them over").
        last = max((c.right_edge.i for c in verb.children if c.i > verb.i and c.dep_ not in _NOT_NAMING
                    and doc[c.left_edge.i - 1].text != ","), default=names[-1].right_edge.i)
        if not quotes.overlapping(offset + names[0].left_edge.idx, offset + doc[last].idx + len(doc[last])):
            continue  # a name not in quotation marks is the writer's
        # What follows the last quotation after a comma or a dash, inside its marks or
        # after them, is the writer's ("him “well qualified,” which is its top rating").
        closing = {position for position, _ in quotes.closing}
        marks = [t.i for t in doc[verb.i + 1:last + 1] if offset + t.idx in closing]
        if marks and doc[marks[-1] - 1].text in _ASIDE_OPENERS:
            last = marks[-1]
        elif marks:
            last = next((t.i - 1 for t in doc[marks[-1] + 1:last + 1] if t.text in _ASIDE_OPENERS), last)
        # "what he called …", "which Trump had called …": the relative word stands for
        # the thing named.
        relative = next((c for c in verb.children if c.dep_ == "dobj" and c.i < verb.i
                         and c.tag_ in ("WDT", "WP")), None)
        first = relative if relative is not None else doc[verb.i + 1]
        end = doc[last]
        end = _without_trailing_punctuation(end, first)
        start, stop = offset + first.idx, offset + end.idx + len(end)
        # A quotation the span cuts into is taken whole.
        stop = max([stop] + [q[1] for q in quotes.overlapping(start, stop)])
        if att := _by_subject(verb, start, stop, offset, quotes):
            found.append(att)
    return found


def _by_subject(verb: Token, start: int, end: int, offset: int, quotes: Quotes,
                subject_verb: Token | None = None) -> Attribution | None:
    """The verb's content credited to its subject (or `subject_verb`'s); None when the
    subject stands inside a quotation (a speaker quoting someone is not the narration's
    source), or is the "us" of "let's" ("Let's say …" supposes, nobody reports)."""
    subject = subject_of(subject_verb if subject_verb is not None else verb)
    if subject is not None and subject.lower_ in ("'s", "’s") and subject.i > 0 and subject.nbor(-1).lower_ == "let":
        return None
    speaker = name_span(subject, offset) if subject is not None else None
    if speaker and quotes.containing(speaker[0]):
        return None
    return Attribution(start, end, offset + verb.idx, offset + verb.idx + len(verb), speaker, subject)


def _continued_after_aside(verb: Token) -> Token | None:
    """A clause with its own subject that the parse coordinated with a reporting verb set
    off by commas after what it reports ("…, the agency said in a June report, and those
    in the bottom fifth paid 0.8 percent"): it goes on with the report."""
    for conj in verb.children:
        if conj.dep_ != "conj" or conj.i < verb.i or conj.pos_ not in ("VERB", "AUX"):
            continue
        cc = next((c for c in verb.children if c.dep_ == "cc" and verb.i < c.i < conj.i), None)
        has_subject = any(c.dep_ in NOMINAL_SUBJECTS and c.i < conj.i for c in conj.children)
        if cc is not None and verb.doc[cc.i - 1].text == "," and has_subject:
            return conj
    return None


def _sentence_goes_on(verb: Token) -> bool:
    """The aside "…, X said," is followed by more of the sentence it interrupts (not by a
    participle of its own: "…, he said, adding that …" reports something else)."""
    comma = next((t for t in verb.doc[verb.i + 1:verb.sent.end] if t.text == ","), None)
    if comma is None:
        return False
    rest = [t for t in verb.doc[comma.i + 1:verb.sent.end] if not t.is_punct and not t.is_space]
    return len(rest) >= _MIN_CONTENT_WORDS and not (rest[0].tag_ == "VBG" and rest[0].head is verb)


def _clause_reported(verb: Token) -> tuple[Token | None, Token | None]:
    """The clause a reporting verb reports. One after the verb wins over one before it:
    in "It is unlikely; her team says she will run" the clause before is the writer's."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    if clauses:
        return next((c for c in clauses if c.i > verb.i), clauses[0]), None
    # "said after the debate he would sign it": with a phrase between them the parser
    # takes the clause for an adverbial one, though nothing ("if", "because") marks it.
    # It starts at its subject, past the phrase it took in.
    for clause in verb.children:
        if clause.dep_ != "advcl" or clause.i < verb.i or any(
                m.dep_ in ("mark", "advmod") and m.i < clause.i for m in clause.children):
            continue
        subject = next((s for s in clause.children if s.dep_ in NOMINAL_SUBJECTS and s.i < clause.i), None)
        if subject is not None:
            return subject, clause
    return None, None


def _phrase_content(verb: Token, roles: Roles) -> tuple[Token | None, Token | None]:
    """Content that is not a clause: an infinitive, a topic, or a named object."""
    base = lemma(verb)
    children = list(verb.children)
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    if "infinitive" in roles:
        xcomp = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if xcomp is not None:
            # Whoever is to act belongs to the content: "urged Congress to act", and
            # "called on Congress to act" where it hangs on a preposition.
            if obj is None:
                obj = next((p for c in children if c.dep_ == "prep" and c.lower_ == "on" and c.i < xcomp.i
                            for p in c.children if p.dep_ == "pobj"), None)
            return (obj if obj is not None and obj.i < xcomp.i else xcomp), xcomp
    if "topic" in roles:
        for clause in children:
            # "called for the council to publish …", parsed as a clause marked by "for".
            mark = next((c for c in clause.children if c.dep_ == "mark" and c.lower_ in TOPIC.get(base, ())), None)
            if clause.dep_ == "advcl" and mark is not None and verb.i < mark.i < clause.i:
                return verb.doc[mark.i + 1], clause
        for prep in children:
            if prep.dep_ == "prep" and prep.lower_ in TOPIC.get(base, ()) and prep.i > verb.i:
                pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None:
                    first = obj if obj is not None and obj.i < prep.i and "object" in roles else pobj
                    # "called for X to resign", "called on X to act": what X is to do
                    # is part of what was asked.
                    tail = next((c for c in children if c.dep_ in ("xcomp", "advcl") and c.i > pobj.i
                                 and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), pobj)
                    # "referred to Rubio as “a bright leader”": what the topic is cast as.
                    tail = next((c for c in children if c.dep_ == "prep" and c.lower_ == "as" and c.i > tail.i
                                 and c.i == tail.right_edge.i + 1), tail)
                    return first, tail
    if "object" in roles and obj is not None and obj.i > verb.i:
        # "described X as Y", "called X Y", "accused X of Y": the object with its complement.
        tail = obj
        for c in children:
            if c.i > obj.i and (c.dep_ in ("oprd", "xcomp") or (c.dep_ == "prep" and c.lower_ in ("as", "of", "for"))):
                tail = c
        # A noun the parse coordinated with the verb is a second complement ("as
        # “provocative” and a “grave threat” to …").
        tail = next((c for c in children if c.dep_ == "conj" and c.i > tail.i and c.pos_ in ("NOUN", "ADJ")), tail)
        return obj, tail
    return None, None


def _according_to(doc: Doc, offset: int, quotes: Quotes) -> list[Attribution]:
    found = []
    for token in doc:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        if quotes.containing(offset + token.idx):
            continue
        to = doc[token.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            continue
        sent = token.sent
        phrase_start, phrase_end = token.i, source.right_edge.i + 1
        # The rest of the sentence is what the source says, on whichever side it stands.
        before = [t for t in sent if t.i < phrase_start and not t.is_punct and not t.is_space]
        after = [t for t in sent if t.i >= phrase_end and not ((t.is_punct and t.text not in "”\"") or t.is_space)]
        side = after if len(after) >= len(before) else before
        if len(before) >= _MIN_CONTENT_WORDS and len(after) > _MIN_CONTENT_WORDS and after[0].dep_ == "cc":
            # "X paid 25 percent, according to the CBO, and Y paid 69 percent": both.
            side = before + after
        if len(side) < _MIN_CONTENT_WORDS:
            continue
        found.append(Attribution(
            offset + side[0].idx, offset + side[-1].idx + len(side[-1]),
            offset + token.idx, offset + to.idx + len(to),
            name_span(source, offset), source,
        ))
    return found
