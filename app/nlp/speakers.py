"""Sources: the words that name who is speaking, and the person or organisation they
refer to (names matched to entities; pronouns, descriptions and bare surnames resolved
to the most recent compatible entity)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Token

from app.nlp import gender, same_person
from app.nlp.lexicons import table, words

# A verb's nominal subjects, active and passive; clausal ones ("What he said matters") too.
NOMINAL_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
SUBJECTS = NOMINAL_SUBJECTS | {"csubj"}
_NAME_LEFT = {"compound", "flat", "det", "amod", "poss", "nmod", "nummod"}
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
RELATIVE_PRONOUNS = {"who", "whom", "which", "that"}
ORG_PRONOUNS = {"it"}
# What such a description or title calls a person, so "the ambassador" finds Khazar Ibrahim.
ROLE_NOUNS = words("role_nouns")  # nouns that describe a person by role
_OCCASIONS = words("occasions")  # events at which people speak: "a news conference"
_ABBREVIATED_TITLES = table("abbreviated_titles")  # "governor": "gov"
_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
_AGENTS = frozenset(_PRIORITY)  # what a name that can say something is: a speaker's types


@dataclass(frozen=True, slots=True)
class EntityMention:
    entity: int
    type: str
    start: int
    end: int
    in_quote: bool


@dataclass
class Context:
    """What a source's words can refer to, in text order: every entity mention, people
    named as subjects of main clauses, the sources resolved so far ((position, entity)
    pairs), and the nouns that described them ((position, lemma, entity))."""

    mentions: list[EntityMention]
    subjects: list[tuple[int, int]]
    speakers: list[tuple[int, int]] = field(default_factory=list)
    descriptions: list[tuple[int, str, int | None]] = field(default_factory=list)
    genders: dict[int, str] | None = None  # filled on first need by _gender
    people: set[int] | None = None  # the entities that are people, filled on first need
    names: same_person.Names | None = None  # filled on first need
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [m.start for m in self.mentions]

    def before(self, pos: int) -> list[EntityMention]:
        return self.mentions[:bisect.bisect_left(self._starts, pos)]


def name_span(token: Token, offset: int) -> tuple[int, int]:
    """The words that name a source: the head noun with its compounds, determiners and
    modifiers; a name in apposition to a title wins ("the ambassador, Carlos Ribeiro")."""
    if token.ent_type_ != "PERSON":
        named = next((c for c in token.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
        if named is not None:
            token = named
    left = token
    for child in token.lefts:
        if child.dep_ in _NAME_LEFT:
            left = min(left, child.left_edge, key=lambda t: t.i)
            break
    right = token
    for child in token.rights:
        if child.dep_ in ("flat", "compound") and child.i == right.i + 1:
            right = child
    # "Harper and Buckley": both names.
    if _coordinated(token):
        right = max(right, max((c.right_edge for c in token.children if c.dep_ == "conj"), key=lambda t: t.i),
                    key=lambda t: t.i)
    # "a spokesman for the ministry", "people familiar with the matter", "someone like
    # Mr. Clarke": keep the phrase that says whose, or which people.
    for child in token.rights:
        if child.i == right.i + 1 and (
            (child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "like"))
            or (child.dep_ == "amod" and any(c.dep_ == "prep" for c in child.children))
        ):
            right = child.right_edge
            break
    # "according to a tally by the Associated Press", "a report from Acme Bank", "a
    # speech Mrs. Clinton delivered": a work speaks for who made it, so its maker's name
    # is part of the source's words.
    if token.pos_ == "NOUN" and not names_a_person(token.lemma_.lower()):
        for child in token.rights:
            if child.dep_ == "prep" and child.lower_ in ("by", "from") and child.i == right.i + 1:
                right = child.right_edge
                break
            if child.dep_ == "relcl" and child.left_edge.i == right.i + 1 and any(
                    c.dep_ == "nsubj" and c.ent_type_ in _AGENTS and c.left_edge.i == right.i + 1
                    for c in child.children):
                right = child
                break
    while left.i < right.i and (left.is_punct or left.is_space):
        left = left.doc[left.i + 1]
    while right.i > left.i and (right.is_punct or right.is_space):
        right = right.doc[right.i - 1]
    return offset + left.idx, offset + right.idx + len(right)


def subject_of(verb: Token, skip: Callable[[Token], bool] | None = None) -> Token | None:
    """The verb's subject; a participle, infinitive or second verb takes its head's
    ("…, arguing that", "declined to say"); a relative clause's is the noun it hangs on.
    A subject that `skip` rejects is passed over for the next: the parser often makes the
    last sentence of a quotation a second subject of the verb that follows it
    (“… Full panic mode,” said Leslie Wimes)."""
    current = verb
    for _ in range(4):
        found = [c for c in current.children if c.dep_ in SUBJECTS and not c.is_punct and not (skip and skip(c))]
        if found:
            return _nearest_before(found, current)
        if current.tag_ in _FINITE and (name := _name_read_as_word(current)) is not None:
            return name
        if current is verb and (controller := _object_of_control(current)) is not None:
            return controller
        if (aside := _subject_of_aside(current)) is not None:
            return aside
        if current.dep_ == "relcl":
            return current.head
        if current.dep_ == "ROOT" and current.pos_ in ("NOUN", "PROPN") and current.i != verb.i:
            # "The group, X Coalition, formed in May and sent a letter stating …": the
            # parse made the sentence one noun phrase, whose head is who acts in it.
            return current
        if current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in ("NOUN", "PROPN"):
            # "a group backing Cruz", "voters saying …": the noun is the source. After an
            # object the parse has usually hung the verb's own participle on it: "issued a
            # statement saying …", "drew crowds describing …" are the subject's.
            noun = current.head
            if _is_occasion(noun):
                # "she said at a news conference announcing …": the occasion is no
                # source, whoever spoke at it is.
                current = noun.head.head
                continue
            if noun.dep_ != "dobj":
                return noun
            current = noun.head
            continue
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":
            current = current.head.head  # "responded … by saying …"
            if current.pos_ == "NOUN" and current.dep_ == "dobj" and current.head.pos_ in ("AUX", "VERB"):
                current = current.head  # "you have no way of knowing …": the subject of "have"
        elif current.dep_ in ("advcl", "xcomp", "conj", "acl") and current.head is not current:
            current = current.head
        elif current.dep_ in ("acomp", "advmod") and current.head.pos_ in ("AUX", "VERB"):
            # "He was able to tout …": the subject of "was"; "stopped short of calling …":
            # of "stopped".
            current = current.head
        else:
            return _noun_before(current)
    return None


# Verbs whose object does not do what the infinitive after it says: in "promised them
# to stay" the one promising stays.
_SUBJECT_CONTROL = frozenset({"promise", "vow", "pledge", "threaten"})


def _object_of_control(verb: Token) -> Token | None:
    """The object that does what an infinitive or participle complement says: "led the
    journalist to fear …", "forced Stumpf to admit …", "left many nations feeling …". The
    parse hangs that verb on the main one, whose subject only made it happen."""
    if verb.dep_ != "xcomp" or verb.tag_ not in ("VB", "VBG") or verb.head.pos_ != "VERB":
        return None
    if verb.tag_ == "VB" and not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    if verb.head.lemma_.lower() in _SUBJECT_CONTROL:
        return None
    obj = next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
    if obj is None:
        return None
    if not _may_speak(obj):
        # "uses footage of Hillary Clinton asking …": who is seen doing it.
        of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is None or not _may_speak(obj):
            return None
    return obj


def _may_speak(noun: Token) -> bool:
    """Words for someone who can say or think something: a name, a personal pronoun, a
    noun for people ("farmers") or one a name qualifies ("E.U. nations"); not "the
    comments" in "used the comments to urge …" or "the day" in "spent the day arguing"."""
    if noun.pos_ == "PRON":
        return noun.lower_ in ("him", "her", "them", "us", "me", "you")
    if noun.ent_type_ in _AGENTS:
        return True
    if noun.ent_type_ or noun.pos_ not in ("NOUN", "PROPN"):
        return False  # "spent Saturday delivering …"
    lemma = noun.lemma_.lower()
    return noun.pos_ == "PROPN" or names_a_person(lemma) or any(
        c.dep_ == "compound" and c.ent_type_ in _AGENTS for c in noun.children)


def _subject_of_aside(verb: Token) -> Token | None:
    """A participle the parse made the sentence's root, with the reporting verb before it
    as an aside ("… ,” Mr. Obama said, not even needing to mention …"): the aside's
    subject."""
    if verb.dep_ != "ROOT" or verb.tag_ not in ("VBG", "VBN"):
        return None
    for aside in verb.children:
        if aside.dep_ == "parataxis" and aside.i < verb.i:
            found = [c for c in aside.children if c.dep_ in NOMINAL_SUBJECTS]
            if found:
                return found[0]
    return None


def _is_occasion(noun: Token) -> bool:
    """An event in a phrase on a verb ("said at a news conference announcing …", "in a
    speech attacking …"), which a participle hung on it cannot have as its speaker: a
    release, an ad or a group ("groups backing Cruz") can be one."""
    if noun.pos_ != "NOUN" or noun.dep_ != "pobj" or noun.lemma_.lower() not in _OCCASIONS:
        return False
    prep = noun.head
    return prep.dep_ == "prep" and prep.head.pos_ in ("VERB", "AUX")


def _nearest_before(subjects: list[Token], verb: Token) -> Token:
    """Of two subjects the parse gave one verb, the one right before it: in an aside
    ("Voters, Marsh suggested, don't …") the sentence's own subject comes first."""
    before = [s for s in subjects if s.i < verb.i]
    return before[-1] if len(subjects) > 1 and before else subjects[0]


# How the parse hangs a subject it did not see on the words before it.
_TAKEN_IN = ("appos", "conj", "npadvmod", "dep")
_WORD_TAGS = ("ADV", "ADJ")
_FINITE = ("VBD", "VBZ", "VBP")


def _noun_before(verb: Token) -> Token | None:
    """A finite verb the parser left without a subject, right after a noun it attached
    elsewhere ("Campaigning for his wife, former president Bill Clinton said …", the
    name taken for an apposition): that noun is the subject."""
    if verb.tag_ not in _FINITE:
        return None
    j = verb.i - 1
    while j >= 0 and verb.doc[j].dep_ in ("aux", "auxpass", "advmod", "neg"):
        j -= 1
    if j < 0:
        return None
    noun = verb.doc[j]
    if noun.text == "," and j > verb.sent.start:
        # "Alarmed by the unrest in Nevada, Senator Harry Reid, the minority leader, said …":
        # the name before its description, taken into the phrase before it.
        for t in (verb.doc[j - 1], *verb.doc[j - 1].ancestors):
            if t.i >= verb.i or t.i < verb.sent.start:
                break
            if t.pos_ == "PROPN" and t.ent_type_ in ("PERSON", "ORG") and t.dep_ in _TAKEN_IN:
                return t
        return None
    if noun.pos_ in ("PROPN", "NOUN") and noun.dep_ in _TAKEN_IN:
        return noun
    if noun.pos_ == "PROPN" and noun.dep_ == "pobj":
        return noun  # "In a meeting with the Post Trump said …": the name taken into the phrase
    return None



def _name_read_as_word(verb: Token) -> Token | None:
    """A surname that is also a common word ("Early", "Young", "Little", "Trump"), which
    the parser reads as an adverb, adjective or verb: with a capital, right before a finite
    verb that has no subject ("Early still says …") or right after one and ending the
    clause ("…," says Early.), it is the subject."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and doc[j].dep_ in ("aux", "neg", "advmod") and doc[j].is_lower:
        j -= 1
    if j >= 0 and doc[j].is_title and doc[j].pos_ in _WORD_TAGS and j < doc[j].head.i <= verb.i and (
            j == doc[j].sent.start or doc[j - 1].is_punct or doc[j - 1].dep_ == "cc"):
        return doc[j]
    if (j >= 0 and j == doc[j].sent.start and doc[j].is_title and doc[j].pos_ == "VERB"
            and verb.head.i == j and verb.dep_ in ("dobj", "dep")):
        return doc[j]  # "Trump openly admires …", the name read as the verb "trump"
    first = verb.sent[0]
    if (first.is_title and first.ent_type_ in ("PERSON", "ORG") and first.head.i == verb.i and first.i + 1 < verb.i
            and doc[first.i + 1].text == "," and first.dep_ not in SUBJECTS and first.pos_ != "PRON"):
        return first  # "Trump, appearing after Clinton, cited …", the name read as an adjective
    k = verb.i + 1
    if k < len(doc) and doc[k].is_title and doc[k].pos_ in _WORD_TAGS and doc[k].head.i == verb.i and (
            k + 1 == len(doc) or doc[k + 1].is_punct):
        return doc[k]
    return None


def resolve(span: tuple[int, int], token: Token | None, ctx: Context, text: str) -> int | None:
    """The entity the source's words refer to, or None; remembered as the latest speaker."""
    entity = _resolve(span, token, ctx, text)
    if entity is not None:
        if ctx.names is None:
            ctx.names = same_person.Names.of(ctx.mentions, text)
        entity = same_person.fuller(entity, ctx.names, span[0])
        ctx.speakers.append((span[0], entity))
    if token is not None and token.pos_ == "NOUN" and (entity is not None or _introduces_someone(token)):
        # "a spokesperson for the department" names nobody: "the spokesperson" later is
        # that same unnamed source, not whoever was named last.
        ctx.descriptions.append((span[0], token.lemma_.lower(), entity))
    return entity


def _resolve(span: tuple[int, int], token: Token | None, ctx: Context, text: str) -> int | None:
    s, e = span
    if token is not None and _coordinated(token):
        return None  # "Harper and Buckley found …": two sources are no one entity
    inside = [m for m in ctx.before(e) if m.end > s and m.type in _PRIORITY]
    if inside and token is not None and token.pos_ == "NOUN" and names_a_person(token.lemma_.lower()):
        # "a spokesman for Acme Corp", "a White House official": the body only says whom
        # an unnamed person speaks for; a name in apposition ("the spokesman, Joe Hale")
        # is the person's.
        inside = [m for m in inside if m.type == "PERSON"]
        if not inside:
            return None
    if inside:
        return min(inside, key=lambda m: (_PRIORITY[m.type], -(m.end - m.start))).entity
    if token is None:
        return _named_in_capitals(text[s:e], s, ctx, text)
    word = token.lower_
    # A surname read as a common word ("says Early") is a name too.
    named = token.pos_ == "PROPN" or (token.pos_ in _WORD_TAGS and token.is_title)
    if named and token.ent_type_ in ("", "PERSON", "PRODUCT", "WORK_OF_ART") and (
            person := same_person.by_surname(token.text, ctx.mentions, text, s)) is not None:
        return person
    if (antecedent := relative_antecedent(token, s)) is not None:
        # "Sen. Ada Marsh, who said …": whom the relative clause hangs on.
        return _resolve(antecedent, token.head.head, ctx, text)
    before = [m for m in ctx.before(s) if not m.in_quote]
    if word in PERSON_PRONOUNS:
        # The centre of attention: the latest person who spoke or was the subject of a
        # main clause, whichever came last; failing both, the latest person named. Never
        # one the article marks as the other gender ("Ms. Ortiz" is not "he").
        # A person the small model typed ORG ("Ada Reyes, an economist at …") counts too.
        return _in_focus(s, _PRONOUN_GENDER.get(word), before, ctx, text)
    if word in ORG_PRONOUNS:
        return _latest(before, {"ORG"})
    if _is_definite(token) and _is_age(token):
        # "The 56-year-old said": the person the story is about, as "he" or "she" would be.
        return _in_focus(s, None, before, ctx, text)
    if token.pos_ == "NOUN" and _is_definite(token) and token.lemma_.lower() in _DOCUMENTS:
        # "the statement said": whoever was last reported as saying something in one.
        for p, entity in reversed(ctx.speakers):
            if p < s and re.search(rf"\b{token.lemma_.lower()}\b", text[p:p + 200].lower()):
                return entity
        return None
    if token.pos_ == "NOUN" and (beside := _named_in_apposition(token, s, ctx)) is not None:
        return beside  # "The group, X Coalition, said": the name beside the description
    if token.pos_ == "NOUN":
        if _introduces_someone(token):
            # "a senior official", "one user", "analysts", "people familiar with the
            # matter": a source the article does not name, not the nearest name.
            return None
        lemma = token.lemma_.lower()
        # "the spokesman" after "a spokesman for the European Union" said something: the
        # same source, named or not.
        if _is_definite(token):
            for p, described, same in reversed(ctx.descriptions):
                if p < s and described == lemma:
                    return same
        # "the ambassador": the person introduced with that title ("Gov. Tom Reyes" for
        # "the governor"). Only a noun for a person: "Cooke's testimony that concluded …"
        # is no title of Cooke's. Nobody so introduced, it is a source the article does
        # not name ("the spokesperson" is not whoever was named last).
        abbreviated = _ABBREVIATED_TITLES.get(lemma, frozenset())
        for m in reversed(before[-40:] if names_a_person(lemma) else []):
            near = text[max(0, m.start - 60):m.end + 40].lower()
            if m.type == "PERSON" and (re.search(rf"\b{re.escape(lemma)}", near) or any(
                    re.search(rf"\b{abbr}\.?\s+$", near[:m.start - max(0, m.start - 60)]) for abbr in abbreviated)):
                return m.entity
    return None


def _named_in_apposition(token: Token, s: int, ctx: Context) -> int | None:
    """The entity named in apposition to a description ("the group, X Coalition,")."""
    appos = next((c for c in token.children if c.dep_ == "appos" and c.i > token.i), None)
    if appos is None:
        return None
    offset = s - name_span(token, 0)[0]
    at = offset + appos.idx
    return next((m.entity for m in ctx.before(at + 1) if m.start <= at < m.end and m.type in _PRIORITY), None)


def _coordinated(token: Token) -> bool:
    """A source joined by "and" to another name ("Harper and Buckley")."""
    return any(c.dep_ == "cc" and c.lower_ == "and" for c in token.children) and any(
        c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN") for c in token.children)


def _in_focus(s: int, wanted: str | None, before: list[EntityMention], ctx: Context, text: str) -> int | None:
    """The person at the centre of attention at `s`, of gender `wanted` or not said."""
    if ctx.people is None:
        ctx.people = same_person.people(ctx.mentions, text, ROLE_NOUNS)
    fits = {ent for ent in ctx.people if _gender(ent, ctx, text) in (None, wanted)}
    focus = [(p, ent) for p, ent in ctx.subjects + ctx.speakers if p < s and ent in fits]
    if focus:
        return max(focus)[1]
    return _latest([m for m in before if m.entity in fits], {"PERSON", "ORG"})


# What nouns for people mostly end in: "manager", "investor", "economist", "politician",
# "attendant", "resident", "chairman", "spokesperson"; but "-ment" names a thing or a body
# ("the government", "NASA's procurement"), not a person.
_PERSON_NOUN_END = re.compile(r"(?:er|or|ist|ian|ant|(?<!m)ent|man|woman|person)$")


def names_a_person(lemma: str) -> bool:
    return lemma in ROLE_NOUNS or bool(_PERSON_NOUN_END.search(lemma))


def _is_age(token: Token) -> bool:
    """"the 56-year-old": the parse makes "old" the head, "year" its modifier."""
    return token.lower_ == "old" and any(c.lower_ in ("year", "years") for c in token.children)


def relative_antecedent(token: Token | None, start: int) -> tuple[int, int] | None:
    """The words a relative pronoun source ("who" at `start`) stands for: "an architect"
    in "an architect who said …"."""
    if token is None or token.lower_ not in RELATIVE_PRONOUNS or token.head.dep_ != "relcl":
        return None
    noun = token.head.head
    if noun.i >= token.i:
        return None
    return name_span(noun, start - token.idx)


def _named_in_capitals(label: str, s: int, ctx: Context, text: str) -> int | None:
    """A transcript's label ("HOLT:") is the person of the article with that surname: the
    latest named before it, else the first after."""
    if not label.isupper():
        return None
    surname = label.split()[-1].casefold()
    people = [m for m in ctx.mentions if m.type == "PERSON" and text[m.start:m.end].split()[-1].casefold() == surname]
    earlier = [m for m in people if m.start < s]
    if earlier:
        return earlier[-1].entity
    return people[0].entity if people else None


_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}


def _gender(entity: int, ctx: Context, text: str) -> str | None:
    """"m", "f" or None (the article does not say); all people's at once, the first time
    one is asked for."""
    if ctx.genders is None:
        ctx.genders = gender.of_people(ctx.mentions, text)
    return ctx.genders.get(entity)


# What a source issues: "the statement said" is its issuer speaking.
_DOCUMENTS = {"statement", "release", "letter", "email", "memo", "filing", "post", "tweet", "announcement"}
# Determiners that bring in someone new rather than point back at someone named.
_INDEFINITE = {"a", "an", "one", "another", "some", "any", "several", "many", "few", "no", "other", "two", "three"}


def _introduces_someone(token: Token) -> bool:
    """An indefinite description ("a spokesman", "another user") or a bare plural
    ("analysts", "court records") names nobody the article has named."""
    dets = [c for c in token.children if c.dep_ in ("det", "nummod", "poss")]
    if any(c.lower_ in _INDEFINITE or c.dep_ == "nummod" for c in dets):
        return True
    return token.tag_ == "NNS" and not dets


def _is_definite(token: Token) -> bool:
    """"the spokesman" refers back; "a spokesman" introduces someone new."""
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in token.children)


def _latest(mentions: list[EntityMention], types: set[str]) -> int | None:
    for m in reversed(mentions):
        if m.type in types:
            return m.entity
    return None
