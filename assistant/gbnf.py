"""A JSON schema as a llama.cpp grammar (GBNF) that allows no whitespace between the JSON's tokens.

    grammar = compact_grammar(schema_of(Filed))   # root ::= "{" "\\"topic\\"" ":" topic-0 "," ...

llama-server turns a `json_schema` into a grammar itself, but one that lets a space, or one or two newlines
and up to 20 spaces or tabs, stand between any two of the JSON's tokens: a model may spend tokens on nothing,
and a random-weight one does, dozens a reply (benchmarks/local_phases.py). This grammar allows the compact
JSON only, so a reply's length is bounded by its strings' lengths. It covers what the phases' schemas use
(objects whose properties are all required, strings with an enum, a const or a length, booleans, integers,
arrays with item counts, `$ref`, `anyOf`/`oneOf`); for anything else it returns None and the caller sends
the schema for the server to convert.
"""

from __future__ import annotations

import json
from typing import Any

CHAR = r'[^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})'


class Unsupported(Exception):
    pass


def _literal(value: str) -> str:
    return json.dumps(json.dumps(value))  # the JSON string, as a GBNF string literal


def compact_grammar(schema: dict[str, Any]) -> str | None:
    rules: dict[str, str] = {"char": CHAR}
    defs = schema.get("$defs", {})

    def rule(name: str, body: str) -> str:
        rules[name] = body
        return name

    def visit(node: dict[str, Any], name: str) -> str:
        """The GBNF expression for `node`, its sub-rules named after `name`."""
        if "$ref" in node:
            ref = node["$ref"].removeprefix("#/$defs/")
            key = f"def-{ref.lower().replace('_', '-')}"
            if key not in rules:
                rules[key] = ""  # recursion guard
                rules[key] = visit(defs[ref], key)
            return key
        if "const" in node:
            return _literal(node["const"])
        if "enum" in node:
            if not all(isinstance(v, str) for v in node["enum"]):
                raise Unsupported("enum of non-strings")
            return "(" + " | ".join(_literal(v) for v in node["enum"]) + ")"
        for key in ("anyOf", "oneOf"):
            if key in node:
                return "(" + " | ".join(visit(n, f"{name}-{i}") for i, n in enumerate(node[key])) + ")"
        kind = node.get("type")
        if kind == "string":
            if set(node) & {"pattern", "format"}:
                raise Unsupported("string pattern or format")
            least, most = node.get("minLength", 0), node.get("maxLength")
            return rule(f"{name}-str", f'"\\"" char{{{least},{"" if most is None else most}}} "\\""')
        if kind == "boolean":
            return '("true" | "false")'
        if kind == "integer":
            return '("-"? ("0" | [1-9] [0-9]{0,15}))'
        if kind == "array":
            least, most = node.get("minItems", 0), node.get("maxItems")
            item = visit(node.get("items", {}), f"{name}-item")
            if most == 0:
                return '"[" "]"'
            rest = f'("," {item}){{{max(least - 1, 0)},{"" if most is None else most - 1}}}'
            body = f'"[" {item} {rest} "]"'
            return rule(f"{name}-arr", body if least else f'("[" "]" | {body})')
        if kind == "object":
            props = node.get("properties", {})
            if set(props) != set(node.get("required", [])) or not props or node.get("additionalProperties", False):
                raise Unsupported("optional or extra properties")
            parts = [f'{_literal(k)} ":" {visit(v, f"{name}-{k.replace(chr(95), chr(45))}")}' for k, v in props.items()]
            return rule(f"{name}-obj", '"{" ' + ' "," '.join(parts) + ' "}"')
        raise Unsupported(f"type {kind!r}")

    try:
        root = visit(schema, "root")
    except (Unsupported, KeyError):
        return None
    rules.pop("root", None)
    return "\n".join([f"root ::= {root}", *(f"{k} ::= {v}" for k, v in rules.items())]) + "\n"
