#!/usr/bin/env python3
"""Validate hactl's JSON against doc/schema/KIND.json (python3-jsonschema).

    json_schema.py KIND FILE          one document
    json_schema.py --lines KIND FILE  one document per line (hactl -j events)
    json_schema.py KIND:FILE ...      each, one line "ok ..." or "bad ...";
                                      lines=KIND:FILE for JSON lines

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
    if args and ":" in args[0]:
        # KIND:FILE ...: one line each, "ok KIND FILE" or what failed.
        bad = 0
        for a in args:
            kind, path = a.split(":", 1)
            lines = kind.startswith("lines=")
            if lines:
                kind = kind[6:]
            sys.stdout.flush()
            errs = validate(kind, path, lines)
            print("ok %s %s" % (kind, path) if not errs else
                  "bad %s %s: %s" % (kind, path, "; ".join(errs)))
            bad += bool(errs)
        return 1 if bad else 0
    lines = args and args[0] == "--lines"
    if lines:
        args = args[1:]
    kind, path = args
    errs = validate(kind, path, lines)
    for e in errs:
        print(e)
    return 1 if errs else 0


def validate(kind, path, lines):
    """What is wrong with the document(s) in path, [] if nothing."""
    schema = json.load(open(os.path.join(SCHEMA_DIR, kind + ".json")))
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(strict(copy.deepcopy(schema)))
    try:
        text = open(path).read()
    except OSError as e:
        return [str(e)]
    docs = [l for l in text.splitlines() if l.strip()] if lines else [text]
    if not docs:
        return ["%s: no document" % path]
    errs = []
    for d in docs:
        try:
            doc = json.loads(d)
        except ValueError as e:
            return ["%s: not JSON: %s" % (path, e)]
        if not isinstance(doc, dict) or next(iter(doc), None) != "schema":
            errs.append("%s: \"schema\" is not the first member" % path)
            continue
        for e in v.iter_errors(doc):
            errs.append("%s: %s at %s" % (path, e.message,
                                          "/".join(str(p) for p in e.path)))
    return errs


if __name__ == "__main__":
    sys.exit(main())
