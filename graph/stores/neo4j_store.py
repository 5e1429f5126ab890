"""The production store: Neo4j over Bolt, through the official driver.

``bolt://`` and ``neo4j://`` (routing: a cluster or Aura) work unchanged: reads run in
``session.execute_read`` and writes in ``session.execute_write`` (managed transactions, retried by
the driver on transient errors), and every session shares the driver's bookmark manager, so a read
always sees the writes before it, even on a cluster. Every query comes from
:mod:`tupu.graph.stores.cypher`; this module only shapes rows, runs queries and turns records back into
:mod:`tupu.graph.stores.model` records, with the same semantics and ordering as
:class:`tupu.graph.stores.memory_store.MemoryStore`.

Failures of the driver or the server become :class:`tupu.errors.StoreUnavailable` (cannot reach or
log in) or :class:`tupu.errors.StoreError` (anything else), with the cause kept.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import (
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledClassification,
    NotificationMinimumSeverity,
    Result,
)
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from neo4j.graph import Node as Neo4jNode, Relationship as Neo4jRelationship
from neo4j.time import Date

from tupu.errors import ReadOnlyQuery, StoreError, StoreUnavailable
from tupu.messages import msg
from tupu.graph.stores import cypher, cypher_queries, cypher_resolve, cypher_tallies, tallies
from tupu.graph.stores.model import (
    Changes,
    Node,
    NodeRef,
    Props,
    Relationship,
    RelRow,
    Subgraph,
    WriteSummary,
    batched,
)
from tupu.graph.stores.store import (
    COMPLETE,
    DELIVERY,
    DeliveryRecord,
    GraphStore,
    NodeMerge,
    Tracer,
    observation_labels,
    utc_now,
)
from tupu.graph.stores.queries import DEAD, GraphQueries
from tupu.graph.stores.queries_resolve import EnterpriseLookup
from tupu.ontology.schema import Schema
from tupu.settings import Settings

R = TypeVar("R")

_READING: ContextVar[tuple[Neo4jStore, ManagedTransaction] | None] = ContextVar(
    "tupu_neo4j_reading", default=None)
"""The store and read transaction of the :meth:`Neo4jStore.read_together` running here."""

log = logging.getLogger(__name__)

ENTERPRISE, SUBSECTOR, IN_SUBSECTOR = "Enterprise", "SubSector", "IN_SUBSECTOR"
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
TX_MEMORY_FULL = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


def _one_line(error: BaseException, limit: int = 300) -> str:
    """The error's message on one line, shortened (a server error's own message only)."""
    message = error.message if isinstance(error, Neo4jError) and error.message else str(error)
    text = " ".join(message.split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def from_neo4j(value: Any) -> Any:
    """A property value as tupu reads it (``neo4j.time.Date`` becomes ``datetime.date``)."""
    if isinstance(value, Date):
        native: dt.date = value.to_native()
        return native
    return value


def props_from_neo4j(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: from_neo4j(v) for k, v in props.items()}


def _relationship(rel_type: str, rec: neo4j.Record) -> Relationship:
    """A relationship from a record with start_label, start, end_label, end and props."""
    return Relationship(
        rel_type,
        NodeRef(rec["start_label"], rec["start"]),
        NodeRef(rec["end_label"], rec["end"]),
        props_from_neo4j(rec["props"]),
    )


# -- shaping rows (pure) -----------------------------------------------------------------------
# Rows travel as lists, not maps: the property names go once into the query instead of once per
# row, which halves what the driver packs and sends.
def node_batch(
    label: str, key: str, rows: Sequence[Props], first: int = 1
) -> tuple[list[str], list[list[Any]]]:
    """The property names of ``rows`` (less the key) and each row as ``[key, values…]``.

    The key becomes a string, as the memory store keys nodes; a row without one is refused
    (``first`` is the number of the first row, for the message).
    """
    names = sorted({name for props in rows for name in props} - {key})
    shaped: list[list[Any]] = []
    for i, props in enumerate(rows):
        value = props.get(key)
        if value is None:
            raise StoreError(f"{label} row {first + i} has no key {key!r}; nothing was written")
        shaped.append([value if isinstance(value, str) else str(value), *map(props.get, names)])
    return names, shaped


def rel_batch(rows: Sequence[RelRow]) -> tuple[list[str], list[list[Any]]]:
    """The property names of ``rows`` and each row as ``[start, end, values…]``."""
    names = sorted({name for row in rows for name in row.props})
    return names, [[r.start, r.end, *map(r.props.get, names)] for r in rows]


@dataclass(frozen=True)
class WriteOp:
    """One query of a write and its batch of rows; ``group`` names a relationship batch whose
    every row must find both ends."""

    query: str
    rows: list[list[Any]]
    group: tuple[str, str, str] | None = None
    tallied: tuple[int, ...] = ()  # the columns of its rows holding enterprises it may re-tally
    drops_tallies: bool = False  # it may change the sub-sectors of enterprises it does not name


def chunk_ops(ops: Iterable[WriteOp], first: int, size: int) -> list[list[WriteOp]]:
    """The transactions of a chunked write: the first ``first`` operations together (node folds
    and the nodes they fold into must commit at once), then chunks of about ``size`` rows
    (:func:`chunk_sizes`, which the write follows)."""
    listed = list(ops)
    chunks: list[list[WriteOp]] = []
    at = 0
    for n in chunk_sizes(((len(op.rows), i < first) for i, op in enumerate(listed)), size):
        chunks.append(listed[at:at + n])
        at += n
    return chunks


def chunk_sizes(ops: Iterable[tuple[int, bool]], size: int) -> list[int]:
    """How many operations each transaction of :func:`chunk_ops` takes, from each operation's
    (rows, belongs to the fold); the fold's operations come first."""
    sizes: list[int] = []
    current = rows = 0
    before = True  # the previous operation belonged to the fold
    for n, fold in ops:
        if current and not fold and (before or rows + n > size):
            sizes.append(current)
            current = rows = 0
        current += 1
        rows += n
        before = fold
    if current:
        sizes.append(current)
    return sizes


class Neo4jStore(GraphStore):
    """A Neo4j database reached through ``driver``."""

    name = "neo4j"

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None = None,
        batch_size: int = 10_000,
        uri: str = "",
        schema: Schema | None = None,
        tracer: Tracer | None = None,
        tx_rows: int = 100_000,
    ) -> None:
        super().__init__(schema, tracer)
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.uri = uri
        self.tx_rows = tx_rows
        self.settings: Settings | None = None  # set by connect: enables the bulk path
        self.last_bulk: Any = None  # the BulkReport of the last load that took the bulk path

    @classmethod
    def connect(cls, settings: Settings, tracer: Tracer | None = None) -> Neo4jStore:
        """Connect to the Neo4j the settings name and make sure the ontology's constraints exist."""
        uri = settings.neo4j_uri
        scheme = uri.partition("://")[0].lower()
        if scheme not in URI_SCHEMES:
            raise StoreUnavailable(msg("store.neo4j_bad_scheme", uri=uri,
                                       schemes="、".join(URI_SCHEMES)))
        try:
            driver = GraphDatabase.driver(
                uri,
                auth=(settings.neo4j_user, settings.neo4j_password),
                connection_timeout=settings.neo4j_connect_timeout,
                connection_acquisition_timeout=max(settings.neo4j_connect_timeout, 1.0) * 4,
                # the counts name every ontology label and type, present or not: not a typo
                notifications_min_severity=NotificationMinimumSeverity.WARNING,
                notifications_disabled_classifications=[
                    NotificationDisabledClassification.UNRECOGNIZED
                ],
            )
        except (ConfigurationError, ValueError) as e:
            raise StoreUnavailable(msg("store.neo4j_bad_uri", uri=uri, detail=_one_line(e))) from e
        store = cls(driver, settings.neo4j_database, settings.batch_size, uri, tracer=tracer,
                    tx_rows=settings.neo4j_tx_rows)
        store.settings = settings
        try:
            driver.verify_connectivity()
            store._create_constraints()
            store.keep_tallies()
        except AuthError as e:
            driver.close()
            raise StoreUnavailable(msg("store.neo4j_auth", uri=uri, user=settings.neo4j_user,
                                       detail=_one_line(e))) from e
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            driver.close()
            raise StoreUnavailable(msg("store.neo4j_unreachable", uri=uri,
                                       detail=_one_line(e))) from e
        except (Neo4jError, DriverError) as e:
            driver.close()
            raise StoreUnavailable(msg("store.neo4j_database", uri=uri,
                                       database=settings.neo4j_database,
                                       detail=_one_line(e))) from e
        return store

    def close(self) -> None:
        self.driver.close()

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn driver and server failures into tupu's store errors."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired) as e:
            raise StoreUnavailable(msg("store.neo4j_unreachable", uri=self.uri,
                                       detail=_one_line(e))) from e
        except Neo4jError as e:
            if e.code == TX_MEMORY_FULL:
                raise StoreError(self._too_large(e)) from e
            raise StoreError(msg("store.neo4j_failed", uri=self.uri, detail=_one_line(e))) from e
        except DriverError as e:
            raise StoreError(msg("store.neo4j_failed", uri=self.uri, detail=_one_line(e))) from e

    def _too_large(self, error: Neo4jError) -> str:
        return (
            f"the write is too large for one transaction of the Neo4j at {self.uri} "
            f"({_one_line(error)}); nothing was written: give the server more memory (heap, "
            "db.memory.transaction.total.max) or load the data in smaller parts"
        )

    def _session(self) -> neo4j.Session:
        return self.driver.session(
            database=self.database,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
        )

    def _read(self, work: Callable[[ManagedTransaction], R]) -> R:
        bound = _READING.get()
        if bound is not None and bound[0] is self:  # inside read_together: its transaction
            return work(bound[1])
        with self._guard(), self._session() as session:
            return session.execute_read(work)

    def read_together(self, work: Callable[[], R]) -> R:
        """Run ``work`` — the reads of one analysis — in one session and one read transaction
        instead of one each: a round trip per query instead of a session, a BEGIN and a COMMIT
        too, and every read sees the same committed data. The driver runs ``work`` again on a
        transient error (like every read of this store), so it must only read. Reads of this
        store from other threads, or writes, keep their own transactions."""
        bound = _READING.get()
        if bound is not None and bound[0] is self:
            return work()

        def inside(tx: ManagedTransaction) -> R:
            token = _READING.set((self, tx))
            try:
                return work()
            finally:
                _READING.reset(token)

        with self._guard(), self._session() as session:
            return session.execute_read(inside)

    def _write(self, work: Callable[[ManagedTransaction], R]) -> R:
        with self._guard(), self._session() as session:
            return session.execute_write(work)

    def _run(self, tx: ManagedTransaction, query: str, params: dict[str, Any]) -> Result:
        self.trace(query, params)
        return tx.run(query, params)

    def keep_tallies(self) -> None:
        """Count the sub-sector tallies (:mod:`tupu.graph.stores.tallies`) when the database does
        not hold them for the current dead statuses: written before they existed, imported by the
        bulk path, cleared. Once per database; every write keeps them from then on."""
        state = tallies.state_key()
        read = cypher_tallies.kept(self.schema)
        if self._read(lambda tx: self._run(tx, read, {"state": state}).single(strict=True)["kept"]):
            return
        log.info("counting the sub-sector tallies of %s (once)", self.uri)
        queries = (cypher_tallies.drop(self.schema), cypher_tallies.rebuild(self.schema))

        def work(tx: ManagedTransaction) -> None:
            for query in queries:
                self._run(tx, query, {"dead": list(DEAD), "state": state}).consume()

        self._write(work)

    def _create_constraints(self) -> None:
        queries = (cypher.create_constraints(self.schema) + cypher_queries.create_indexes(self.schema)
                   + cypher_resolve.create_indexes(self.schema))

        def work(tx: ManagedTransaction) -> None:
            for query in queries:
                self._run(tx, query, {}).consume()

        with self._session() as session:
            session.execute_write(work)

    # -- writing -------------------------------------------------------------------------------
    def apply(
        self,
        changes: Changes,
        merges: Sequence[NodeMerge] = (),
        delivery: DeliveryRecord | None = None,
    ) -> WriteSummary:
        """One transaction up to ``tx_rows`` rows; above that (given a ``delivery``), idempotent
        chunks recorded on a ``Delivery`` node (see :mod:`tupu.graph.stores.store`)."""
        for label in changes.nodes:  # unknown names fail before any query
            self.check_label(label)
        for rtype, slabel, elabel in changes.rels:
            self.check_rel_type(rtype)
            self.check_label(slabel)
            self.check_label(elabel)
        self.check_merges(merges)
        rows = changes.node_count + changes.rel_count + len(merges)
        if delivery is not None and self._bulk(changes, merges, delivery):
            return WriteSummary(changes.node_count, changes.rel_count)
        if delivery is None or rows <= self.tx_rows:
            ops = self._operations(changes, merges, self.batch_size)[0]
            record = delivery.props(changes.node_count, changes.rel_count, 1) if delivery else None
            self._write(self._transaction(ops, delivery, record=record))
        else:
            self._write_chunks(changes, merges, delivery)
        return WriteSummary(changes.node_count, changes.rel_count)

    def _bulk(
        self, changes: Changes, merges: Sequence[NodeMerge], delivery: DeliveryRecord
    ) -> bool:
        """A first load into the empty bundled server through the import tool (see
        :mod:`tupu.graph.stores.neo4j_bulk`); False when that path does not apply."""
        from tupu.graph.stores import neo4j_bulk

        if self.settings is None:
            return False
        why = neo4j_bulk.usable(self.settings, changes, merges)
        if why is None:
            count = cypher.count_all_nodes(self.schema)
            if self._read(lambda tx: self._run(tx, count, {}).single(strict=True)["count"]):
                why = "the database is not empty"
        if why is not None:
            log.debug("bulk import not used: %s", why)
            return False

        def after_start() -> None:
            # a new driver: the old one's bookmarks name transactions of the database that the
            # import replaced (its transaction ids start again), which would never be reached
            assert self.settings is not None
            fresh = Neo4jStore.connect(self.settings)  # also creates the constraints
            old, self.driver = self.driver, fresh.driver
            old.close()
            props = delivery.props(changes.node_count, changes.rel_count, 1)
            start = cypher.merge_delivery(self.schema)
            self._write(lambda tx: self._run(tx, start, {"id": delivery.id, "props": props})
                        .consume())
            self._write(lambda tx: self._finish(tx, delivery))

        self.trace("bulk_import", {"nodes": changes.node_count,
                                   "relationships": changes.rel_count})
        try:
            self.last_bulk = neo4j_bulk.bulk_load(self.settings, self.schema, changes,
                                                  after_start)
        except neo4j_bulk.NotBulkable as e:
            log.info("bulk import not used: %s", e)
            return False
        return True

    def _operations(
        self, changes: Changes, merges: Sequence[NodeMerge], size: int
    ) -> tuple[list[WriteOp], int]:
        """The write as operations in order, and how many come first as the fold: the nodes that
        others are folded into, then the folds; then every other node; then the relationships."""
        ops: list[WriteOp] = []
        first = 0
        for op, fold in self._iter_operations(changes, merges, size):
            ops.append(op)
            first += fold
        return ops, first

    def _iter_operations(
        self, changes: Changes, merges: Sequence[NodeMerge], size: int
    ) -> Iterator[tuple[WriteOp, bool]]:
        """:meth:`_operations` one at a time (each with whether it belongs to the fold), so that a
        large change set — rows read back from a spool file — is never shaped whole."""
        replaced = observation_labels(self.schema)
        targets = {(m.label, m.into) for m in merges}

        def nodes(folded: bool) -> Iterator[WriteOp]:
            for label, rows in changes.nodes.items():
                key = self.schema.label(label).key
                build = cypher.replace_nodes if label in replaced else cypher.merge_nodes
                for n, batch in enumerate(batched(rows, size)):
                    names, shaped = node_batch(label, key, batch, n * size + 1)
                    part = [r for r in shaped if ((label, r[0]) in targets) == folded]
                    if part:
                        yield WriteOp(build(label, names, self.schema), part,
                                      tallied=(0,) if label == ENTERPRISE else ())

        if targets:
            yield from ((op, True) for op in nodes(True))
        for label in dict.fromkeys(m.label for m in merges):
            pairs = [[m.key, m.into] for m in merges if m.label == label and m.key != m.into]
            for batch in batched(pairs, size):
                yield from ((WriteOp(query, batch, tallied=(0, 1) if label == ENTERPRISE else (),
                                     drops_tallies=label == SUBSECTOR), True)
                            for query in self._fold_queries(label))
        yield from ((op, False) for op in nodes(False))
        for group, rrows in changes.rels.items():
            for rbatch in batched(rrows, size):
                names, shaped = rel_batch(rbatch)
                query = cypher.merge_relationships(*group, names, self.schema)
                tallied = (0,) if group == (IN_SUBSECTOR, ENTERPRISE, SUBSECTOR) else ()
                yield WriteOp(query, shaped, group, tallied), False

    def _fold_queries(self, label: str) -> list[str]:
        """Move every relationship type ``label`` can have, then delete the folded nodes."""
        queries = []
        for rdef in self.schema.relationships.values():
            if label in rdef.start_labels:
                queries.append(cypher.move_relationships(label, rdef.name, "out", self.schema))
            if label in rdef.end_labels:
                queries.append(cypher.move_relationships(label, rdef.name, "in", self.schema))
        return [*queries, cypher.delete_folded(label, self.schema)]

    def _transaction(
        self,
        ops: Sequence[WriteOp],
        delivery: DeliveryRecord | None,
        chunk: int | None = None,
        record: Props | None = None,
    ) -> Callable[[ManagedTransaction], None]:
        """The work of one transaction: the ``Delivery`` node's ``record`` (a write in one
        transaction), ``ops``, then the delivery's progress (``chunk``) or, for a write in one
        transaction, its completion."""

        tally = {"keys": sorted({str(row[col]) for op in ops for row in op.rows
                                 for col in op.tallied}), "dead": list(DEAD)}

        def write(tx: ManagedTransaction) -> None:
            if delivery is not None and record is not None:
                begin: dict[str, Any] = {"id": delivery.id, "props": record}
                self._run(tx, cypher.merge_delivery(self.schema), begin).consume()
            if tally["keys"]:  # the enterprises leave their tallies, and enter them again below
                self._run(tx, cypher_tallies.leave(self.schema), tally).consume()
            for op in ops:
                result = self._run(tx, op.query, {"rows": op.rows})
                if op.group is None:
                    result.consume()
                elif result.single(strict=True)["created"] != len(op.rows):
                    raise StoreError(self._missing_ends(tx, op.group, op.rows))
            if tally["keys"]:
                self._run(tx, cypher_tallies.enter(self.schema), tally).consume()
            if any(op.drops_tallies for op in ops):  # counted again on the next connect
                self._run(tx, cypher_tallies.drop(self.schema), {}).consume()
            if delivery is not None and chunk is not None:
                params = {"id": delivery.id, "done": chunk}
                self._run(tx, cypher.delivery_progress(self.schema), params).consume()
            elif delivery is not None:
                self._finish(tx, delivery)

        def work(tx: ManagedTransaction) -> None:
            try:
                write(tx)
            except Neo4jError as e:
                if e.code != TX_MEMORY_FULL:
                    raise
                # a StoreError, not a transient error, so the driver does not retry it (when
                # the commit itself runs out of memory, the driver retries for a while first)
                raise StoreError(self._too_large(e)) from e

        return work

    def _finish(self, tx: ManagedTransaction, delivery: DeliveryRecord) -> None:
        params = {"id": delivery.id, "status": COMPLETE, "finished_at": utc_now()}
        self._run(tx, cypher.finish_delivery(self.schema), params).consume()

    def _write_chunks(
        self, changes: Changes, merges: Sequence[NodeMerge], delivery: DeliveryRecord
    ) -> None:
        """Write in chunks of ``tx_rows`` rows, each its own transaction, after a ``Delivery``
        node that says ``loading`` until the last chunk is written. Every chunk MERGEs, so writing
        the same delivery again (an interrupted one) is harmless."""
        size = min(self.batch_size, self.tx_rows)
        # two passes: the chunks' sizes first (rows counted, not kept), then each chunk shaped
        # and written in turn — a spooled delivery is never held whole
        plan = chunk_sizes(((len(op.rows), fold) for op, fold in
                            self._iter_operations(changes, merges, size)), self.tx_rows)
        props = delivery.props(changes.node_count, changes.rel_count, len(plan))
        ldef = self.schema.label(DELIVERY)
        for name in props:
            self.schema.check_property(ldef, name)
        start = cypher.merge_delivery(self.schema)
        self._write(lambda tx: self._run(tx, start, {"id": delivery.id, "props": props}).consume())
        ops = (op for op, _ in self._iter_operations(changes, merges, size))
        for i, count in enumerate(plan, start=1):
            chunk = list(itertools.islice(ops, count))
            self._write(self._transaction(chunk, delivery, i))
        self._write(lambda tx: self._finish(tx, delivery))

    def _missing_ends(
        self, tx: ManagedTransaction, group: tuple[str, str, str], rows: list[list[Any]]
    ) -> str:
        """Which end nodes of ``rows`` do not exist, said in one line."""
        rtype, slabel, elabel = group
        missing: list[str] = []
        for label, side in ((slabel, 0), (elabel, 1)):
            keys = list(dict.fromkeys(row[side] for row in rows))
            found = {
                rec["key"]
                for rec in self._run(tx, cypher.existing_keys(label, self.schema), {"keys": keys})
            }
            missing.extend(str(NodeRef(label, k)) for k in keys if k not in found)
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        shown = ", ".join(missing[:5]) + more
        return f"{rtype}: node {shown or '?'} does not exist; nothing was written"

    def clear(self) -> None:
        params = {"batch": self.batch_size}
        # CALL { } IN TRANSACTIONS runs only in an implicit (auto-commit) transaction
        with self._guard(), self._session() as session:
            for query in (cypher.delete_relationships(), cypher.delete_nodes()):
                self.trace(query, params)
                session.run(query, params).consume()
        self.keep_tallies()  # an empty map's: nothing to count

    # -- reading -------------------------------------------------------------------------------
    def existing_keys(self, label: str, keys: Collection[str]) -> set[str]:
        query = cypher.existing_keys(label, self.schema)
        wanted = list(dict.fromkeys(keys))

        def work(tx: ManagedTransaction) -> set[str]:
            found: set[str] = set()
            for batch in batched(wanted, self.batch_size):
                found.update(rec["key"] for rec in self._run(tx, query, {"keys": batch}))
            return found

        return self._read(work) if wanted else set()

    def node_values(self, label: str, props: Sequence[str]) -> list[Node]:
        query = cypher.node_values(label, props, self.schema)
        count = cypher.count_label(label, self.schema)
        names = list(props)

        def work(tx: ManagedTransaction) -> list[Node]:
            total = self._run(tx, count, {}).single(strict=True)["count"]
            params = {"buckets": total // self.batch_size + 1}
            return [
                Node(label, row[0], {
                    p: from_neo4j(v) for p, v in zip(names, row[1:], strict=True) if v is not None
                })
                for rec in self._run(tx, query, params) for row in rec["rows"]
            ]

        found = self._read(work)
        found.sort(key=lambda n: n.key)
        return found

    def get_node(self, label: str, key: str) -> Node | None:
        query = cypher.get_node(label, self.schema)

        def work(tx: ManagedTransaction) -> Node | None:
            record = self._run(tx, query, {"key": key}).single()
            return None if record is None else Node(label, key, props_from_neo4j(record["props"]))

        return self._read(work)

    def get_nodes(self, label: str, keys: Collection[str]) -> list[Node]:
        query = cypher.get_nodes(label, self.schema)
        wanted = sorted(set(keys))

        def work(tx: ManagedTransaction) -> list[Node]:
            return [
                Node(label, rec["key"], props_from_neo4j(rec["props"]))
                for batch in batched(wanted, self.batch_size)
                for rec in self._run(tx, query, {"keys": batch})
            ]

        found = self._read(work) if wanted else []
        found.sort(key=lambda n: n.key)
        return found

    def find_nodes(self, label: str, where: Mapping[str, Any] | None = None) -> list[Node]:
        self.check_where(label, where)
        conditions = dict(where or {})
        query = cypher.find_nodes(label, list(conditions), self.schema)
        params = {f"p{i}": value for i, value in enumerate(conditions.values())}

        def work(tx: ManagedTransaction) -> list[Node]:
            return [
                Node(label, rec["key"], props_from_neo4j(rec["props"]))
                for rec in self._run(tx, query, params)
            ]

        found = self._read(work)
        found.sort(key=lambda n: n.key)  # Python's string order, whatever the server's collation
        return found

    def find_relationships(
        self,
        rel_type: str,
        start_label: str | None = None,
        end_label: str | None = None,
    ) -> list[Relationship]:
        query = cypher.find_relationships(rel_type, start_label, end_label, self.schema)

        def work(tx: ManagedTransaction) -> list[Relationship]:
            return [_relationship(rel_type, rec) for rec in self._run(tx, query, {})]

        found = self._read(work)
        found.sort(key=lambda r: (r.start, r.end))
        return found

    def adjacent(
        self, rel_type: str, label: str, keys: Collection[str], direction: str = "out"
    ) -> list[Relationship]:
        query = cypher.adjacent(rel_type, label, direction, self.schema)
        wanted = sorted(set(keys))

        def work(tx: ManagedTransaction) -> list[Relationship]:
            return [
                _relationship(rel_type, rec)
                for batch in batched(wanted, self.batch_size)
                for rec in self._run(tx, query, {"keys": batch})
            ]

        found = self._read(work) if wanted else []
        found.sort(key=lambda r: (r.start, r.end))
        return found

    def neighbourhood(
        self, ref: NodeRef, depth: int = 1, rel_types: Iterable[str] | None = None
    ) -> Subgraph:
        start_query = cypher.neighbourhood_start(ref.label, self.schema)
        types = list(dict.fromkeys(rel_types)) if rel_types is not None else None
        hop_query = cypher.neighbourhood_hop(types, self.schema) if types != [] else None
        nodes_query = cypher.nodes_by_element_id(self.schema)
        size = self.batch_size

        def work(tx: ManagedTransaction) -> Subgraph:
            record = self._run(tx, start_query, {"key": ref.key}).single()
            if record is None:
                return Subgraph((), ())
            refs: dict[str, NodeRef] = {record["id"]: ref}
            rels: dict[tuple[NodeRef, str, NodeRef], Relationship] = {}
            frontier: list[str] = [record["id"]]
            for _ in range(depth):
                if hop_query is None:  # no relationship type asked for
                    break
                found: list[str] = []
                for batch in batched(frontier, size):
                    for rec in self._run(tx, hop_query, {"ids": batch}):
                        here = refs[rec["from_id"]]
                        other = refs.get(rec["other_id"])
                        if other is None:
                            other = NodeRef(rec["other_label"], rec["other_key"])
                            refs[rec["other_id"]] = other
                            found.append(rec["other_id"])
                        start, end = (here, other) if rec["outgoing"] else (other, here)
                        rtype = rec["type"]
                        rels[(start, rtype, end)] = Relationship(
                            rtype, start, end, props_from_neo4j(rec["props"])
                        )
                if not found:
                    break
                frontier = found
            nodes = [
                Node(rec["label"], rec["key"], props_from_neo4j(rec["props"]))
                for batch in batched(list(refs), size)
                for rec in self._run(tx, nodes_query, {"ids": batch})
            ]
            return Subgraph(
                tuple(sorted(nodes, key=lambda n: n.ref)),
                tuple(sorted(rels.values(), key=lambda r: (r.start, r.type, r.end))),
            )

        return self._read(work)

    def count_nodes(self) -> dict[str, int]:
        return self._counts(cypher.count_nodes(self.schema), "label")

    def count_relationships(self) -> dict[str, int]:
        return self._counts(cypher.count_relationships(self.schema), "type")

    def _counts(self, query: str, column: str) -> dict[str, int]:
        def work(tx: ManagedTransaction) -> dict[str, int]:
            return {rec[column]: rec["count"] for rec in self._run(tx, query, {}) if rec["count"]}

        return dict(sorted(self._read(work).items()))

    def data_version(self) -> frozenset[str] | None:
        """The bookmark of an empty read transaction: Neo4j names in it the last transaction
        the database had committed when the read began, so it moves with every write by any
        client and stays while nobody writes (Neo4j Community has no other cheap counter:
        ``SHOW DATABASES``' ``lastCommittedTxn`` is empty there). None when the server gives no
        bookmark. A cluster member that lags gives another bookmark: a miss, never a stale hit."""
        from tupu.graph.stores import cypher_queries

        query = cypher_queries.data_version()
        try:
            with self._guard(), self.driver.session(database=self.database) as session:
                self.trace(query, {})
                session.execute_read(lambda tx: tx.run(query).consume())
                marks = session.last_bookmarks()
        except (StoreError, StoreUnavailable):
            return None
        return frozenset(marks.raw_values) or None

    def queries(self) -> GraphQueries:
        from tupu.graph.stores.queries_neo4j import Neo4jQueries  # it builds on this module

        return Neo4jQueries(self)

    def enterprise_lookup(self) -> EnterpriseLookup:
        from tupu.graph.stores.queries_resolve_neo4j import Neo4jEnterpriseLookup  # builds on this

        return Neo4jEnterpriseLookup(self)

    # -- Neo4j only ----------------------------------------------------------------------------
    def uniqueness_constraints(self) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
        """The database's node uniqueness constraints: (name, labels, properties)."""
        query = cypher.show_constraints()
        with self._guard(), self._session() as session:
            self.trace(query, {})
            return [
                (rec["name"], tuple(rec["labels"]), tuple(rec["properties"]))
                for rec in session.run(query)
            ]

    def read_query(self, query: str, params: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
        """Run a user's Cypher ``query`` (values as ``$params``) in a read transaction: its
        column names and rows, values as :func:`from_neo4j` gives them (nodes and relationships
        as property dicts). A query that writes is refused by the server (read access mode) and
        raised as :class:`tupu.errors.ReadOnlyQuery`."""

        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = self._run(tx, query, dict(params))
            keys = list(result.keys())
            rows = [[_plain(v) for v in rec.values()] for rec in result]
            return keys, rows

        try:
            return self._read(work)
        except StoreError as e:
            cause = e.__cause__
            if isinstance(cause, Neo4jError) and cause.code is not None and (
                    "AccessMode" in cause.code or "ForbiddenDueToTransactionType" in cause.code):
                raise ReadOnlyQuery(_one_line(cause)) from cause
            raise


def _plain(value: Any) -> Any:
    """A returned value as plain Python: nodes and relationships as dicts of their properties."""
    if isinstance(value, (Neo4jNode, Neo4jRelationship)):
        return props_from_neo4j(dict(value))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return from_neo4j(value)
