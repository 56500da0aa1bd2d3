#!/usr/bin/env python3
"""Writes a large .fga.yaml store file for timing `warden model test` against `fga model test`:
a folder tree with groups, TUPLES tuples and CHECKS checks (plus some ListObjects and ListUsers).
`--shape flat` writes direct tuples only (no groups, no parents): each check is one or two point reads, so the
file's loading and the process around the checks are what is timed. `--shape groups` writes deeply nested groups
(chains of 20, a few cross links and cycles): what the nested-group index answers.

    python3 Benchmarks/Compare/make-large-store-file.py --tuples 5000 --checks 5000 --out /tmp/large.fga.yaml
    python3 Benchmarks/Compare/make-large-store-file.py --shape flat --tuples 7600 --checks 3986 --out /tmp/flat.fga.yaml
    python3 Benchmarks/Compare/make-large-store-file.py --shape groups --tuples 5000 --checks 3000 --out /tmp/groups.fga.yaml
"""
import argparse
import random

MODEL = """model
  schema 1.1

type user

type group
  relations
    define member: [user, group#member]

type folder
  relations
    define parent: [folder]
    define owner: [user]
    define editor: [user, group#member] or owner or editor from parent
    define viewer: [user, user:*, group#member] or editor or viewer from parent

type document
  relations
    define parent: [folder]
    define owner: [user]
    define editor: [user, group#member] or owner or editor from parent
    define viewer: [user, group#member] or editor or viewer from parent
    define blocked: [user]
    define can_read: viewer but not blocked
"""

FLAT_MODEL = """model
  schema 1.1

type user

type document
  relations
    define owner: [user]
    define editor: [user]
    define viewer: [user, user:*]
"""


def flat_lines(args, rng):
    """A store file of direct tuples only: owner, editor and viewer of documents, a few public ones."""
    users = [f"user:u{i}" for i in range(max(10, args.tuples // 10))]
    documents = [f"document:d{i}" for i in range(max(10, args.tuples // 4))]
    relations = ["owner", "editor", "viewer"]
    tuples = set()
    while len(tuples) < args.tuples:
        user = "user:*" if rng.random() < 0.01 else rng.choice(users)
        relation = "viewer" if user == "user:*" else rng.choice(relations)
        tuples.add((user, relation, rng.choice(documents)))
    lines = ["name: flat store file", "model: |"] + ["  " + line for line in FLAT_MODEL.splitlines()] + ["tuples:"]
    for user, relation, obj in sorted(tuples):
        lines += [f"- user: {user}", f"  relation: {relation}", f"  object: {obj}"]
    lines += ["tests:", "- name: flat", "  check:"]
    stored = sorted(tuples)
    for index in range(args.checks):
        if index % 2 == 0:
            user, relation, document = rng.choice(stored)
            if user == "user:*":
                user = rng.choice(users)
        else:
            user, relation, document = rng.choice(users), rng.choice(relations), rng.choice(documents)
        # Half the checks hit a stored tuple; the expectation is a guess, both tools count the same failures.
        lines += [f"  - user: {user}", f"    object: {document}", "    assertions:", f"      {relation}: true"]
    return lines


GROUPS_MODEL = """model
  schema 1.1

type user

type group
  relations
    define member: [user, group#member]
"""


def groups_lines(args, rng):
    """Chains of 20 nested groups (c0-0 holds c0-1 holds ... c0-19), one user in most groups, a few links between
    chains and back up a chain (cycles); checks of users on groups at every level, theirs and others'."""
    length = 20
    chains = max(2, args.tuples // (2 * length))
    tuples = set()
    for chain in range(chains):
        for level in range(length - 1):
            tuples.add((f"group:c{chain}-{level + 1}#member", "member", f"group:c{chain}-{level}"))
    users = [f"user:u{i}" for i in range(chains * 2)]
    while len(tuples) < args.tuples:
        chain, level = rng.randrange(chains), rng.randrange(length)
        if rng.random() < 0.05:
            # A link to another chain's group, or back up this chain.
            other = rng.randrange(chains) if rng.random() < 0.5 else chain
            tuples.add((f"group:c{other}-{rng.randrange(length)}#member", "member", f"group:c{chain}-{level}"))
        else:
            tuples.add((rng.choice(users), "member", f"group:c{chain}-{level}"))
    lines = ["name: nested groups store file", "model: |"] + ["  " + line for line in GROUPS_MODEL.splitlines()] + ["tuples:"]
    for user, relation, obj in sorted(tuples):
        lines += [f"- user: {user}", f"  relation: {relation}", f"  object: {obj}"]
    lines += ["tests:", "- name: nested groups", "  check:"]
    for _ in range(args.checks):
        user, group = rng.choice(users), f"group:c{rng.randrange(chains)}-{rng.randrange(length)}"
        # The expectation is a guess; both tools report the same pass/fail counts when they agree.
        lines += [f"  - user: {user}", f"    object: {group}", "    assertions:", "      member: true"]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tuples", type=int, default=5000)
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    parser.add_argument("--shape", choices=["folders", "flat", "groups"], default="folders")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.shape in ("flat", "groups"):
        lines = flat_lines(args, rng) if args.shape == "flat" else groups_lines(args, rng)
        with open(args.out, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        return
    users = [f"user:u{i}" for i in range(max(10, args.tuples // 20))]
    groups = [f"group:g{i}" for i in range(max(5, args.tuples // 100))]
    folders = [f"folder:f{i}" for i in range(max(5, args.tuples // 50))]
    documents = [f"document:d{i}" for i in range(max(10, args.tuples // 5))]
    tuples = set()
    for index, folder in enumerate(folders[1:], start=1):
        tuples.add((folders[rng.randrange(index)], "parent", folder))
    for document in documents:
        tuples.add((rng.choice(folders), "parent", document))
    while len(tuples) < args.tuples:
        kind = rng.random()
        if kind < 0.2:
            tuples.add((rng.choice(users), "member", rng.choice(groups)))
        elif kind < 0.3:
            tuples.add((rng.choice(groups) + "#member", rng.choice(["viewer", "editor"]), rng.choice(folders)))
        elif kind < 0.5:
            tuples.add((rng.choice(users), rng.choice(["viewer", "editor", "owner"]), rng.choice(folders)))
        elif kind < 0.9:
            tuples.add((rng.choice(users), rng.choice(["viewer", "editor", "owner"]), rng.choice(documents)))
        else:
            tuples.add((rng.choice(users), "blocked", rng.choice(documents)))
    lines = ["name: large store file", "model: |"] + ["  " + line for line in MODEL.splitlines()] + ["tuples:"]
    for user, relation, obj in sorted(tuples):
        lines += [f"- user: {user}", f"  relation: {relation}", f"  object: {obj}"]
    lines += ["tests:", "- name: large", "  check:"]
    for _ in range(args.checks):
        user, document = rng.choice(users), rng.choice(documents)
        relation = rng.choice(["viewer", "editor", "can_read"])
        # The expectation is a guess; both tools report the same pass/fail counts when they agree.
        lines += [f"  - user: {user}", f"    object: {document}", "    assertions:", f"      {relation}: false"]
    lines += ["  list_objects:"]
    for user in users[:20]:
        lines += [f"  - user: {user}", "    type: document", "    assertions:", "      can_read: []"]
    lines += ["  list_users:"]
    for document in documents[:20]:
        lines += [f"  - object: {document}", "    user_filter:", "    - type: user", "    assertions:", "      viewer:", "        users: []"]
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
