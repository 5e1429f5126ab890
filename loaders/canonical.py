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
from tupu.ontology.values import CellError, parse_cell
from tupu.ontology.schema import LabelDef, PropertyDef, RelTypeDef, Schema

REL_COLUMNS = ("start", "end", "start_label", "end_label")


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
        d.problem(
            table.source, row, None, cells["\0extra"],
            "the row has more cells than the header; quote cells that contain commas",
        )
        return True
    return False


def read_node_table(d: Delivery, table: Table, ldef: LabelDef, schema: Schema) -> None:
    """Validate a ``nodes/<Label>.csv`` table and add its nodes to the delivery."""
    unknown = [c for c in table.header if c not in ldef.properties]
    for col in unknown:
        hint = " (provenance is set by the loader)" if col in schema.provenance else ""
        d.problem(
            table.source, 1, col, None,
            f"{ldef.name} has no property {col!r}{hint}; rename or remove the column "
            f"(known: {', '.join(ldef.properties)})",
        )
    missing = [p for p in ldef.required if p not in table.header]
    for col in missing:
        d.problem(
            table.source, 1, col, None,
            f"required column {col!r} of {ldef.name} is missing; add it to the header",
        )
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
            d.problem(table.source, row, col, "", f"{col} is required; fill it in")
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
            d.problem(
                table.source, row, key_col, key,
                f"duplicate {ldef.name} key: already given in {d.origin_text(seen)}; "
                "keep one row per key",
            )
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
        d.problem(
            table.source, row, col, "",
            f"say which label the {side} node has: one of {', '.join(allowed)}",
        )
        return None
    if given not in allowed:
        d.problem(
            table.source, row, col, given,
            f"the {side} of this relationship must be one of {', '.join(allowed)}",
        )
        return None
    return given


def read_rel_table(d: Delivery, table: Table, rdef: RelTypeDef) -> None:
    """Validate a ``relationships/<TYPE>.csv`` table and add its relationships to the delivery."""
    bad = [c for c in table.header if c not in REL_COLUMNS and c not in rdef.properties]
    for col in bad:
        d.problem(
            table.source, 1, col, None,
            f"{rdef.name} has no property {col!r}; rename or remove the column "
            f"(columns: start, end, start_label, end_label, {', '.join(rdef.properties) or '-'})",
        )
    missing = [c for c in ("start", "end") if c not in table.header]
    for col in missing:
        d.problem(table.source, 1, col, None, f"required column {col!r} is missing; add it")
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
                d.problem(table.source, row, col, "", f"{col} is required: the key of a node")
        if slabel is None or elabel is None or values is None or not start or not end:
            continue
        if not rdef.allows(slabel, elabel):
            d.problem(
                table.source, row, "end_label", elabel,
                f"{rdef.name} cannot join {slabel} to {elabel}; allowed: "
                + ", ".join(f"{s}→{e}" for s, e in rdef.pairs),
            )
            continue
        ident = (rdef.name, slabel, start, elabel, end)
        seen = d.rel_origin.get(ident)
        if seen is not None:
            d.problem(
                table.source, row, "end", end,
                f"duplicate {rdef.name} from {start} to {end}: already given in "
                f"{d.origin_text(seen)}; keep one row",
            )
            continue
        d.rel_origin[ident] = (table.source, row)
        d.references.append(Reference(slabel, start, table.source, row, "start", rdef.name))
        d.references.append(Reference(elabel, end, table.source, row, "end", rdef.name))
        values.update(d.provenance(table.source, row))
        d.changes.add_rel(rdef.name, slabel, elabel, RelRow(start, end, values))


def read_canonical_file(d: Delivery, path: Path, source: str, schema: Schema) -> None:
    """Read one canonical file: ``<Label>.csv`` or ``<TYPE>.csv`` by its name."""
    stem = path.stem
    if stem in schema.labels:
        _guard_decode(d, source, path, lambda t: read_node_table(d, t, schema.labels[stem], schema))
    elif stem in schema.relationships:
        _guard_decode(d, source, path, lambda t: read_rel_table(d, t, schema.relationships[stem]))
    else:
        d.problem(
            source, None, None, None,
            f"the file name {path.name!r} names no label or relationship type of the ontology; "
            f"name it <Label>.csv or <TYPE>.csv (labels: {', '.join(schema.labels)})",
        )
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
        d.problem(
            source, None, None, None,
            f"is not UTF-8 text (byte {e.start}); save it as UTF-8 CSV (Excel: CSV UTF-8)",
        )


def read_canonical_folder(d: Delivery, folder: Path, prefix: str, schema: Schema) -> None:
    """Read ``nodes/*.csv`` then ``relationships/*.csv`` of a canonical folder."""
    for sub in ("nodes", "relationships"):
        for path in sorted((folder / sub).glob("*.csv")):
            read_canonical_file(d, path, f"{prefix}{sub}/{path.name}", schema)
