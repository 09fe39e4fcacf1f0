#!/usr/bin/env python3
"""Validate hactl's JSON against doc/schema/KIND.json (python3-jsonschema).

    json_schema.py KIND FILE          one document
    json_schema.py --lines KIND FILE  one document per line (hactl -j events)

Strict: an object member the schema does not list fails too, so that
every member hactl prints is documented.  Prints what failed; exit 1.
"""
import copy
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(HERE, "..", "..", "doc", "schema")


def strict(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node and \
                "additionalProperties" not in node:
            node["additionalProperties"] = False
        for v in node.values():
            strict(v)
    elif isinstance(node, list):
        for v in node:
            strict(v)
    return node


def main():
    args = sys.argv[1:]
    lines = args and args[0] == "--lines"
    if lines:
        args = args[1:]
    kind, path = args
    schema = json.load(open(os.path.join(SCHEMA_DIR, kind + ".json")))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(strict(copy.deepcopy(schema)))
    text = open(path).read()
    docs = [l for l in text.splitlines() if l.strip()] if lines else [text]
    if not docs:
        print("%s: no document" % path)
        return 1
    bad = 0
    for d in docs:
        try:
            doc = json.loads(d)
        except ValueError as e:
            print("%s: not JSON: %s" % (path, e))
            return 1
        if next(iter(doc), None) != "schema":
            print("%s: \"schema\" is not the first member" % path)
            bad += 1
        for e in v.iter_errors(doc):
            print("%s: %s at %s" % (path, e.message,
                                    "/".join(str(p) for p in e.path)))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
