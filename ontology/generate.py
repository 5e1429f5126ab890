"""Regenerate the files derived from ``schema.yaml``: ``python -m tupu.ontology.generate``.

``tests/test_ontology.py`` fails when a committed file differs from what this writes.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tupu.ontology.owl import build_owl
from tupu.ontology.schema import Schema, load_schema
from tupu.ontology.shacl import build_shapes

HEADER = (
    "# Generated from ontology/schema.yaml by `python -m tupu.ontology.generate`; do not edit.\n"
)


def generated_files(schema: Schema) -> dict[str, str]:
    """File name (under ``ontology/generated/``) → content."""
    ttl = build_owl(schema).serialize(format="turtle")
    shapes = build_shapes(schema).serialize(format="turtle")
    return {"tupu.ttl": HEADER + ttl, "tupu-shacl.ttl": HEADER + shapes}


def generated_dir() -> Path:
    return Path(str(resources.files("tupu.ontology").joinpath("generated")))


def main() -> None:
    out = generated_dir()
    out.mkdir(exist_ok=True)
    for name, text in generated_files(load_schema()).items():
        (out / name).write_text(text, encoding="utf-8")
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
