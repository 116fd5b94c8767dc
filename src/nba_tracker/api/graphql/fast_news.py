"""The hot read, ``news``, answered without the general executor.

Strawberry and graphql-core resolve every field of every object through the general
machinery (a resolver call, an ``Info``, a path, completion by type): for a page of 50
items with their teams and players that is most of a request's time. A document whose
one operation is a query of ``news`` alone is instead validated against the real schema
once (parsed with the same limits, checked with the same rules), compiled into a plan of
the fields it selects — aliases, fragments and ``__typename`` resolved at compile time —
and answered by projecting the store's page through that plan: the same data, in the
same order, serialised by the schema's own scalars and written as Strawberry's view
writes JSON. Each edge's JSON is kept for the data version (the read cache's): pages
that overlap, as a team's newest news does, write each article once.

Anything the plan does not know — another field, a directive, an introspection field,
several operations, a document or variables that do not validate, a page the store
refuses — is answered by Strawberry as before (:meth:`FastNews.answer` returns None), so
every error a client sees is still Strawberry's. (A refused page is then read twice;
refusals cost little, and a second reader of the rules for errors would cost more.)"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_argument_values, get_variable_values

from nba_tracker.api.deps import run_db
from nba_tracker.store import queries as q


class NotEligible(Exception):
    """The document needs the general executor."""


# How each field the plan knows reads its value from what the store returned. The
# sources: NewsConnection and PageInfo read the NewsPage; a NewsEdge and its node read
# the ArticleView; Team, Player and Pick their own values. The same reads as
# ``types.*.of`` make, field for field.
def _story_id(article: q.ArticleView) -> str | None:
    return str(article.story_id) if article.story_id else None


def _cursor(article: q.ArticleView) -> str:
    return q.encode_cursor(article.published_at, article.id)


def _same(value: Any) -> Any:
    return value


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda pick: pick.get(name)


GETTERS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "NewsConnection": {"edges": attrgetter("items"), "pageInfo": _same},
    "PageInfo": {"endCursor": attrgetter("end_cursor"), "hasNextPage": attrgetter("has_next")},
    "NewsEdge": {"cursor": _cursor, "node": _same},
    "Article": {
        "id": attrgetter("uid"),
        "title": attrgetter("title"),
        "description": attrgetter("summary"),
        "link": attrgetter("url"),
        "source": attrgetter("source"),
        "publishedAt": attrgetter("published_at"),
        "category": attrgetter("category"),
        "titleJa": attrgetter("title_ja"),
        "descriptionJa": attrgetter("summary_ja"),
        "translationStatus": attrgetter("translation_status"),
        "translatedAt": attrgetter("translated_at"),
        "status": attrgetter("status"),
        "publishedEstimated": attrgetter("published_estimated"),
        "storyId": _story_id,
        "teams": attrgetter("teams"),
        "players": attrgetter("players"),
        "picks": attrgetter("picks"),
        "categoryEvidence": attrgetter("category_evidence"),
        "statusEvidence": attrgetter("status_evidence"),
    },
    "Team": {
        "abbreviation": attrgetter("abbreviation"),
        "fullName": attrgetter("full_name"),
        "city": attrgetter("city"),
        "nickname": attrgetter("nickname"),
    },
    "Player": {
        "id": lambda player: str(player.id),
        "fullName": attrgetter("full_name"),
        "nbaId": attrgetter("nba_id"),
    },
    "Pick": {"year": _key("year"), "round": _key("round"), "originalTeam": _key("original_team")},
}

# Scalars whose serialisation of a ``str`` is that same string.
_TEXT_SCALARS = frozenset({"String", "ID"})


class _Refused(Exception):
    """A value the general executor would turn into an error (a null where the schema
    says non-null, a value a scalar refuses): the request goes to Strawberry."""


_CACHE_IDS = itertools.count(1)


@dataclass(frozen=True)
class _Field:
    key: str  # the response key: the alias, else the name
    get: Callable[[Any], Any] | None  # None: __typename
    constant: str | None  # the value of __typename
    non_null: bool
    is_list: bool
    serialize: Callable[[Any], Any] | None  # leaves
    keeps_text: bool  # a leaf whose str values serialise to themselves
    fields: tuple[_Field, ...]  # objects
    # Items serialised once per data version and reused by every page that lists them
    # (the edges: each one's value depends on its article alone).
    caches_items: bool = False
    # Names this field's cached items: a number never reused, where an object's id()
    # would be once an evicted plan is collected.
    cache_id: int = 0

    @functools.cached_property
    def key_json(self) -> str:
        return _dumps(self.key)


@dataclass(frozen=True)
class Plan:
    root: tuple[_Field, ...]  # news, and any __typename, in response order
    news: FieldNode
    operation: OperationDefinitionNode


def _collect(
    parent: GraphQLObjectType,
    selection_sets: Iterable[SelectionSetNode],
    fragments: dict[str, FragmentDefinitionNode],
    schema: GraphQLSchema,
) -> OrderedDict[str, list[FieldNode]]:
    """The fields ``selection_sets`` select on ``parent``, grouped by response key in the
    order they first appear (graphql-core's field collection, without directives)."""
    grouped: OrderedDict[str, list[FieldNode]] = OrderedDict()

    def applies(condition: str | None) -> bool:
        if condition is None or condition == parent.name:
            return True
        named = schema.get_type(condition)
        return bool(named and is_abstract_type(named) and schema.is_sub_type(named, parent))

    def walk(selection_set: SelectionSetNode, seen: set[str]) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise NotEligible("a directive")
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if applies(condition.name.value if condition else None):
                    walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen:
                    continue
                seen.add(name)
                fragment = fragments[name]
                if fragment.directives:
                    raise NotEligible("a directive")
                if applies(fragment.type_condition.name.value):
                    walk(fragment.selection_set, seen)
            else:  # pragma: no cover - the language has no other selection
                raise NotEligible("an unknown selection")

    seen: set[str] = set()
    for selection_set in selection_sets:
        walk(selection_set, seen)
    return grouped


def _compile_fields(
    parent: GraphQLObjectType,
    selection_sets: Iterable[SelectionSetNode],
    fragments: dict[str, FragmentDefinitionNode],
    schema: GraphQLSchema,
) -> tuple[_Field, ...]:
    getters = GETTERS.get(parent.name)
    if getters is None:
        raise NotEligible(f"type {parent.name}")
    out = []
    for key, nodes in _collect(parent, selection_sets, fragments, schema).items():
        name = nodes[0].name.value
        if name == "__typename":
            out.append(_Field(key, None, parent.name, True, False, None, False, ()))
            continue
        get = getters.get(name)
        if get is None:
            raise NotEligible(f"field {parent.name}.{name}")
        if any(node.arguments for node in nodes):
            raise NotEligible("arguments below the root")
        out.append(_compile_field(key, get, parent.fields[name].type, nodes, fragments, schema))
    return tuple(out)


def _compile_field(
    key: str,
    get: Callable[[Any], Any],
    field_type: Any,
    nodes: list[FieldNode],
    fragments: dict[str, FragmentDefinitionNode],
    schema: GraphQLSchema,
) -> _Field:
    non_null = isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if non_null else field_type
    is_list = isinstance(inner, GraphQLList)
    if is_list:
        # Every list of these types is a list of non-null items.
        item = inner.of_type
        if not isinstance(item, GraphQLNonNull):
            raise NotEligible("a list of nullable items")
        inner = item.of_type
    if isinstance(inner, (GraphQLList, GraphQLNonNull)):
        raise NotEligible("a nested list")
    if is_leaf_type(inner):
        return _Field(
            key, get, None, non_null, is_list, inner.serialize, inner.name in _TEXT_SCALARS, ()
        )
    if not isinstance(inner, GraphQLObjectType):
        raise NotEligible("an abstract type")
    sub = _compile_fields(
        inner, (n.selection_set for n in nodes if n.selection_set), fragments, schema
    )
    return _Field(
        key,
        get,
        None,
        non_null,
        is_list,
        None,
        False,
        sub,
        inner.name == "NewsEdge",
        next(_CACHE_IDS),
    )


def compile_plan(
    schema: GraphQLSchema,
    query: str,
    operation_name: str | None,
    rules: tuple[Any, ...],
    max_tokens: int,
) -> Plan:
    """The plan of a ``news`` document; :class:`NotEligible` for any other, and for one
    that does not parse or validate exactly as Strawberry parses and validates it."""
    try:
        document: DocumentNode = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        raise NotEligible("does not parse") from error
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise NotEligible("not one operation")
    operation = operations[0]
    if operation.operation != OperationType.QUERY:
        raise NotEligible("not a query")
    if operation_name is not None and (
        operation.name is None or operation.name.value != operation_name
    ):
        raise NotEligible("another operation's name")
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        raise NotEligible("a directive")
    if validate(schema, document, rules):
        raise NotEligible("does not validate")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    query_type = schema.query_type
    assert query_type is not None
    grouped = _collect(query_type, [operation.selection_set], fragments, schema)
    root = []
    news: FieldNode | None = None
    for key, nodes in grouped.items():
        name = nodes[0].name.value
        if name == "__typename":
            root.append(_Field(key, None, query_type.name, True, False, None, False, ()))
        elif name == "news" and news is None:
            news = nodes[0]
            connection = query_type.fields["news"].type
            root.append(_compile_field(key, _same, connection, nodes, fragments, schema))
        else:
            raise NotEligible(f"root field {name}")
    if news is None:
        raise NotEligible("no news")
    return Plan(tuple(root), news, operation)


def _project(source: Any, fields: tuple[_Field, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        if field.get is None:
            out[field.key] = field.constant
            continue
        value = field.get(source)
        if value is None:
            if field.non_null:
                raise _Refused(field.key)
            out[field.key] = None
        elif field.is_list:
            out[field.key] = [_value(item, field) for item in value]
        else:
            out[field.key] = _value(value, field)
    return out


def _value(value: Any, field: _Field) -> Any:
    if value is None:
        raise _Refused(field.key)  # only lists of non-null items are planned
    if field.serialize is None:
        return _project(value, field.fields)
    if field.keeps_text and type(value) is str:
        return value
    try:
        return field.serialize(value)
    except Exception as error:  # a scalar's refusal is the general executor's to report
        raise _Refused(field.key) from error


def _dumps(value: Any) -> str:
    """JSON as Strawberry's view writes it (``json.dumps``, compact separators): a value
    written alone is the very text it has inside a larger document."""
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class Encoded:
    """The ``data`` of a response, already JSON: the router writes it as it is."""

    text: str


class _Fragments:
    """Edges as JSON, by (plan, article), for one database at one data version: the
    same article on the next page, or in the next request's page, costs a lookup. Every
    write that changes an article bumps the data version (see ``api.cache``), and a new
    version empties this as it empties the read cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.database: object = None
        self.version: int | None = None
        self._texts: OrderedDict[tuple[int, int], str] = OrderedDict()

    def use_version(self, database: object, version: int | None) -> None:
        """``database``: what the page was read from (its session factory): ids and
        versions mean something only within one."""
        if database is not self.database or version != self.version:
            self.database, self.version = database, version
            self._texts.clear()

    def text(self, field: _Field, article: q.ArticleView) -> str:
        if self.version is None:
            return _dumps(_value(article, field))
        key = (field.cache_id, article.id)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = _dumps(_value(article, field))
            if len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return found


def _encode(source: Any, fields: tuple[_Field, ...], fragments: _Fragments) -> str:
    """``_dumps(_project(source, fields))``, with cached items spliced in as text."""
    parts = []
    for field in fields:
        if not field.caches_items:
            parts.append(field.key_json + ":" + _dumps(_project(source, (field,))[field.key]))
            continue
        items = field.get(source) if field.get is not None else None
        if items is None:
            raise _Refused(field.key)  # the edges are non-null
        listed = ",".join(fragments.text(field, item) for item in items)
        parts.append(f"{field.key_json}:[{listed}]")
    return "{" + ",".join(parts) + "}"


def _encode_root(page: q.NewsPage, root: tuple[_Field, ...], fragments: _Fragments) -> str:
    parts = []
    for field in root:
        if field.get is None:
            parts.append(field.key_json + ":" + _dumps(field.constant))
        else:  # news: the connection, whose edges are cached
            parts.append(field.key_json + ":" + _encode(page, field.fields, fragments))
    return "{" + ",".join(parts) + "}"


def _check_picks(page: q.NewsPage) -> None:
    """``types.Article.of`` reads every pick of every item whether or not the document
    asks for picks: a malformed one fails the whole field there, and so must here."""
    for article in page.items:
        for pick in article.picks:
            if not isinstance(pick, dict):
                raise _Refused("picks")


class FastNews:
    """Plans by document (a bounded LRU, like the parser's and validator's caches) and
    the answer of a request that has one."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: tuple[Any, ...],
        max_tokens: int,
        size: int = 512,
        edges: int = 20_000,
        reads_in_flight: int = 4,
    ) -> None:
        """``reads_in_flight``: pages read at once; the others wait their turn in order.
        Each read is a worker thread decoding its page while holding the GIL: with every
        request in a thread at once (32 clients: 20 and more threads), the event loop
        and each thread wait their turn among them all, and a request's latency at the
        99th percentile is several times its median. A few at a time keep the database
        as busy and serve requests in the order they came."""
        self.schema = schema
        self.rules = (*specified_rules, *rules)
        self.max_tokens = max_tokens
        self.size = size
        self._plans: OrderedDict[tuple[str, str | None], Plan | None] = OrderedDict()
        self.answered = 0  # requests this path answered (the rest went to Strawberry)
        self.fragments = _Fragments(edges)
        self.reads_in_flight = reads_in_flight
        # One gate per event loop (a test runs several apps, each in its own loop). An
        # asyncio semaphore queues its waiters in order and, unlike anyio's limiter,
        # raises nothing to make one wait: no traceback cycles for the collector.
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._gates = weakref.WeakKeyDictionary()

    def plan(self, query: str, operation_name: str | None) -> Plan | None:
        key = (query, operation_name)
        try:
            found = self._plans[key]
        except KeyError:
            try:
                found = compile_plan(
                    self.schema, query, operation_name, self.rules, self.max_tokens
                )
            except NotEligible:
                found = None
            self._plans[key] = found
            if len(self._plans) > self.size:
                self._plans.popitem(last=False)
            return found
        self._plans.move_to_end(key)
        return found

    async def answer(
        self,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        sessionmaker: Any,
        version: int | None = None,
    ) -> Encoded | None:
        """The ``data`` of the response, or None: Strawberry answers this request.
        ``version``: the data version the read cache serves (None: unknown, nothing is
        reused)."""
        if not isinstance(query, str) or not (
            operation_name is None or isinstance(operation_name, str)
        ):
            return None
        plan = self.plan(query, operation_name)
        if plan is None:
            return None
        if variables is not None and not isinstance(variables, dict):
            return None
        coerced = get_variable_values(
            self.schema, plan.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            return None  # the variables' errors are Strawberry's to report
        query_type = self.schema.query_type
        assert query_type is not None
        try:
            arguments = get_argument_values(query_type.fields["news"], plan.news, coerced)
        except GraphQLError:
            return None
        given = arguments.get("filter")
        flt = q.NewsFilter(**given) if given else q.NewsFilter()
        first, after = arguments["first"], arguments.get("after")
        try:
            loop = asyncio.get_running_loop()
            gate = self._gates.get(loop)
            if gate is None:
                gate = self._gates[loop] = asyncio.Semaphore(self.reads_in_flight)
            async with gate:
                page = await run_db(
                    sessionmaker, lambda s: q.news_page(s, flt, first, after, alone=True)
                )
            _check_picks(page)
            self.fragments.use_version(sessionmaker, version)
            data = Encoded(_encode_root(page, plan.root, self.fragments))
        except Exception:  # noqa: BLE001 - a refusal, a store error: Strawberry reports it
            return None
        self.answered += 1
        return data
