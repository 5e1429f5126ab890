"""The project's own CSV format (docs/canonical-format.md): one file per label or relationship type.

Pure readers over :class:`~tupu.loaders.csvrows.Table` objects: they validate every row against
the ontology and add rows and problems to a :class:`~tupu.loaders.delivery.Delivery`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tupu.graph.stores.model import Props, RelRow
from tupu.loaders.csvrows import Table, open_csv
from tupu.loaders.delivery import Delivery, Reference
from tupu.loaders.guard import FileProblem
from tupu.loaders.uscc import looks_like_uscc, uscc_problem
from tupu.messages import msg
from tupu.ontology.values import CellError, parse_cell
from tupu.ontology.schema import LabelDef, PropertyDef, RelTypeDef, Schema

REL_COLUMNS = ("start", "end", "start_label", "end_label")
_SIDE = {"start": "起点", "end": "终点"}


def _cells(
    d: Delivery, table: Table, row: int, cells: dict[str, str], props: dict[str, PropertyDef]
) -> Props | None:
    """Typed values of a row's property cells; None (after recording problems) if any is bad."""
    out: Props = {}
    ok = True
    for col, prop in props.items():
        text = cells.get(col)
        if text is None:
            continue
        try:
            value = parse_cell(text, prop)
        except CellError as e:
            d.problem(table.source, row, col, text, str(e))
            ok = False
            continue
        if value is not None:
            out[col] = value
    return out if ok else None


def _extra_cells(d: Delivery, table: Table, row: int, cells: dict[str, str]) -> bool:
    if "\0extra" in cells:
        d.problem(table.source, row, None, cells["\0extra"], msg("load.canonical_extra_cells"))
        return True
    return False


def read_node_table(d: Delivery, table: Table, ldef: LabelDef, schema: Schema) -> None:
    """Validate a ``nodes/<Label>.csv`` table and add its nodes to the delivery."""
    unknown = [c for c in table.header if c not in ldef.properties]
    for col in unknown:
        hint = msg("load.canonical_provenance_hint") if col in schema.provenance else ""
        d.problem(table.source, 1, col, None, msg(
            "load.canonical_unknown_property", label=ldef.name, column=col, hint=hint,
            known="、".join(ldef.properties)))
    missing = [p for p in ldef.required if p not in table.header]
    for col in missing:
        d.problem(table.source, 1, col, None,
                  msg("load.canonical_missing_column", label=ldef.name, column=col))
    if unknown or missing:
        return
    props = {c: ldef.properties[c] for c in table.header}
    key_col = ldef.key
    for row, cells in table.rows:
        if _extra_cells(d, table, row, cells):
            continue
        values = _cells(d, table, row, cells, props)
        if values is None:
            continue
        absent = [p for p in ldef.required if p not in values]
        for col in absent:
            d.problem(table.source, row, col, "", msg("load.canonical_required", column=col))
        if absent:
            continue
        key = str(values[key_col])
        if ldef.name == "Enterprise" and looks_like_uscc(key):
            why = uscc_problem(key)
            if why:
                d.problem(table.source, row, key_col, key, why)
                continue
        seen = d.node_origin.get((ldef.name, key))
        if seen is not None:
            d.problem(table.source, row, key_col, key, msg(
                "load.canonical_duplicate_key", label=ldef.name, origin=d.origin_text(seen)))
            continue
        d.node_origin[(ldef.name, key)] = (table.source, row)
        values.update(d.provenance(table.source, row))
        d.changes.add_node(ldef.name, values)


def _end_label(
    d: Delivery, table: Table, row: int, cells: dict[str, str], side: str, allowed: tuple[str, ...]
) -> str | None:
    col = f"{side}_label"
    given = (cells.get(col) or "").strip()
    if not given:
        if len(allowed) == 1:
            return allowed[0]
        d.problem(table.source, row, col, "", msg(
            "load.canonical_end_label", side=_SIDE[side], allowed="、".join(allowed)))
        return None
    if given not in allowed:
        d.problem(table.source, row, col, given, msg(
            "load.canonical_end_label_wrong", side=_SIDE[side], allowed="、".join(allowed)))
        return None
    return given


def read_rel_table(d: Delivery, table: Table, rdef: RelTypeDef) -> None:
    """Validate a ``relationships/<TYPE>.csv`` table and add its relationships to the delivery."""
    bad = [c for c in table.header if c not in REL_COLUMNS and c not in rdef.properties]
    for col in bad:
        d.problem(table.source, 1, col, None, msg(
            "load.canonical_rel_property", rel=rdef.name, column=col,
            known="、".join(rdef.properties) or "-"))
    missing = [c for c in ("start", "end") if c not in table.header]
    for col in missing:
        d.problem(table.source, 1, col, None, msg("load.canonical_rel_missing", column=col))
    if bad or missing:
        return
    props = {c: rdef.properties[c] for c in table.header if c in rdef.properties}
    for row, cells in table.rows:
        if _extra_cells(d, table, row, cells):
            continue
        slabel = _end_label(d, table, row, cells, "start", rdef.start_labels)
        elabel = _end_label(d, table, row, cells, "end", rdef.end_labels)
        values = _cells(d, table, row, cells, props)
        start, end = (cells.get("start") or "").strip(), (cells.get("end") or "").strip()
        for col, key in (("start", start), ("end", end)):
            if not key:
                d.problem(table.source, row, col, "", msg("load.canonical_rel_end", column=col))
        if slabel is None or elabel is None or values is None or not start or not end:
            continue
        if not rdef.allows(slabel, elabel):
            d.problem(table.source, row, "end_label", elabel, msg(
                "load.canonical_rel_pair", rel=rdef.name, start=slabel, end=elabel,
                pairs="、".join(f"{s}→{e}" for s, e in rdef.pairs)))
            continue
        ident = (rdef.name, slabel, start, elabel, end)
        seen = d.rel_origin.get(ident)
        if seen is not None:
            d.problem(table.source, row, "end", end, msg(
                "load.canonical_rel_duplicate", rel=rdef.name, start=start, end=end,
                origin=d.origin_text(seen)))
            continue
        d.rel_origin[ident] = (table.source, row)
        d.references.append(Reference(slabel, start, table.source, row, "start", rdef.name))
        d.references.append(Reference(elabel, end, table.source, row, "end", rdef.name))
        values.update(d.provenance(table.source, row))
        d.changes.add_rel(rdef.name, slabel, elabel, RelRow(start, end, values))


def read_canonical_file(d: Delivery, path: Path, source: str, schema: Schema) -> None:
    """Read one canonical file: ``<Label>.csv`` or ``<TYPE>.csv`` by its name."""
    stem = path.stem
    if stem in schema.map_labels:  # not the stores' bookkeeping
        d.labels[source] = stem
        _guard_decode(d, source, path, lambda t: read_node_table(d, t, schema.labels[stem], schema))
    elif stem in schema.relationships:
        _guard_decode(d, source, path, lambda t: read_rel_table(d, t, schema.relationships[stem]))
    else:
        d.problem(source, None, None, None, msg(
            "load.canonical_file_name", name=path.name, labels="、".join(schema.map_labels)))
    d.sources.append(source)


def _guard_decode(d: Delivery, source: str, path: Path, read: Callable[[Table], None]) -> None:
    """Read the table of ``path``; a file that cannot be decoded or is refused by the reader's
    guard (limits, control characters) is a problem of the delivery."""
    try:
        f, table = open_csv(path, source)
        with f:
            read(table)
    except FileProblem as e:
        d.problem(source, e.row, e.column, None, str(e))
    except UnicodeDecodeError as e:
        d.problem(source, None, None, None, msg("load.canonical_not_utf8", byte=e.start))


def read_canonical_folder(d: Delivery, folder: Path, prefix: str, schema: Schema) -> None:
    """Read ``nodes/*.csv`` then ``relationships/*.csv`` of a canonical folder."""
    for sub in ("nodes", "relationships"):
        for path in sorted((folder / sub).glob("*.csv")):
            read_canonical_file(d, path, f"{prefix}{sub}/{path.name}", schema)
