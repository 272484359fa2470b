"""JSON Schemas and the field reference for the content files, made from the models in model.py.

The schemas give the admin completion and errors as they type, in any editor that uses Taplo (VS Code with
Even Better TOML, for one): each shipped file starts with a ``#:schema`` line pointing at its schema. A
platform file's topics come from checklist.toml, so its schema is made for a pack's topics. No Textual here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from safetyhelper.model import (
    FILE_MODELS, Guide, GuideTable, Helpline, Item, NotApplicable, PhoneCheck, Question, Rule, Step, Struct, Topic, platform_model,
)

#: The schema file of each kind of content file, as named in the ``#:schema`` lines and in the wheel.
SCHEMA_FILES = {
    "checklist.toml": "checklist.schema.json",
    "guides.toml": "guides.schema.json",
    "helplines.toml": "helplines.schema.json",
    "organisation.toml": "organisation.schema.json",
    "staff.toml": "staff.schema.json",
    "plan.toml": "plan.schema.json",
    "phone-check.toml": "phone-check.schema.json",
    "accounts": "platform.schema.json",
    "platforms": "platform.schema.json",
    "devices": "device.schema.json",
}
#: Where the schemas live beside the content files (content/schemas/ in a checkout, in the wheel too).
SCHEMA_DIR = "schemas"


def platform_schema(topics: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema of a platform or device file: a name, and for every topic (all required) its guide
    or a not_applicable table. (msgspec cannot make a choice of two tables itself, so it is added here.)"""
    schema = msgspec.json.schema(platform_model(topics, for_schema=True))
    schema["$defs"]["NotApplicable"] = msgspec.json.schema(NotApplicable)["$defs"]["NotApplicable"]
    top = schema["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    for tid in topics:
        spec = top["properties"][tid]
        top["properties"][tid] = {
            "description": spec.get("description", ""),
            "anyOf": [{"$ref": "#/$defs/GuideTable"}, {"$ref": "#/$defs/NotApplicable"}],
        }
    top["required"] = ["name", *topics]
    return schema


def schemas(topics: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Schema file name -> JSON Schema, for every kind of content file."""
    out = {}
    made = {kind: msgspec.json.schema(model) for kind, model in FILE_MODELS.items()}
    made["platforms"] = made["devices"] = platform_schema(topics)
    for kind, schema in made.items():
        out[SCHEMA_FILES[kind]] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": "Made by `safetyhelper content schema` from safetyhelper/model.py: do not edit.",
            **schema,
        }
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path, topics: tuple[str, ...]) -> list[Path]:
    """Write every schema into ``folder`` (made if need be); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas(topics).items():
        path = folder / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


def schema_line(kind: str) -> str:
    """The ``#:schema`` line that starts a shipped file of ``kind`` (a top file name, or platforms/devices)."""
    where = "../" if kind in ("accounts", "platforms", "devices") else "./"
    return f"#:schema {where}{SCHEMA_DIR}/{SCHEMA_FILES[kind]}"


# --------------------------------------------------------------------------- the field reference


def _type_words(info: Any) -> str:
    I = msgspec.inspect
    while isinstance(info, I.Metadata):
        info = info.type
    if isinstance(info, I.UnionType):
        kinds = [_type_words(t) for t in info.types if not isinstance(t, I.NoneType)]
        return " or ".join(kinds)
    if isinstance(info, I.StrType):
        if info.pattern == r"^[a-z0-9][a-z0-9-]{0,59}$":
            return "id"
        if info.pattern == r"^https?://":
            return f"https:// address (≤ {info.max_length} bytes)"
        return f"text (≤ {info.max_length:,} characters)" if info.max_length else "text"
    if isinstance(info, I.DateType):
        return "date"
    if isinstance(info, I.BoolType):
        return "true or false"
    if isinstance(info, I.LiteralType):
        return "one of " + ", ".join(f'"{v}"' for v in info.values)
    if isinstance(info, (I.ListType, I.VarTupleType)):
        return f"list of {_type_words(info.item_type)}"
    if isinstance(info, I.StructType):
        return "table" if info.cls is not Step else "step table"
    return type(info).__name__


def _rows(model: type[Struct]) -> list[tuple[str, str, str, str]]:
    rows = []
    for f in msgspec.inspect.type_info(model).fields:
        description = ""
        info = f.type
        while isinstance(info, msgspec.inspect.Metadata):
            description = description or (info.extra_json_schema or {}).get("description", "")
            info = info.type
        rows.append((f.encode_name, _type_words(f.type), "yes" if f.required else "no", description))
    return rows


def field_reference(topics: tuple[str, ...]) -> str:
    """The docs' field table for every kind of file (Markdown), made from the models."""
    name = _rows(platform_model(topics))[0]
    sections = [
        ("checklist.toml: `[[topic]]`", Topic, ""),
        ("checklist.toml: `[[item]]`", Item, ""),
        ("A step written as a table", Step, "A step is plain text, or a table when it needs a warning or must stay off discreet sheets."),
        (
            "accounts/, platforms/ and devices/&lt;id&gt;.toml: one table per topic",
            GuideTable,
            f"Each file also has `{name[0]}` ({name[1]}, required): {name[3]} Every topic of the checklist needs "
            "a table: the guide below, or `not_applicable`.",
        ),
        ("A topic that does not apply (in place of its guide)", NotApplicable, ""),
        ("guides.toml: `[[guide]]`", Guide, ""),
        ("helplines.toml: `[[helpline]]`", Helpline, ""),
        ("organisation.toml", FILE_MODELS["organisation.toml"], ""),
        ("staff.toml", FILE_MODELS["staff.toml"], ""),
        ("plan.toml", FILE_MODELS["plan.toml"], "The optional questions after picking apps and phones, and how the answers order the checklist."),
        ("plan.toml: `[[question]]`", Question, ""),
        ("plan.toml: `[[rule]]`", Rule, "A rule applies when its question gets one of its answers: its items, and every item that covers one of its topics, move earlier with its reason. Earlier rules come first; nothing is ever removed."),
        ("phone-check.toml", FILE_MODELS["phone-check.toml"], "The guided check \"Is something watching this phone?\", on screen only (never on a sheet). `prepare` and `undo` are guide tables, as in a device file."),
        ("phone-check.toml: `[[check]]`", PhoneCheck, "One check: a guide table with its id, its device and what it can do."),
    ]
    out = []
    for title, model, lead in sections:
        out += [f"### {title}", ""]
        if lead:
            out += [lead, ""]
        out += ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
        out += [f"| `{field}` | {kind} | {required} | {meaning} |" for field, kind, required, meaning in _rows(model)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
