#!/usr/bin/env python3
"""CEL differential cases labelled by OpenFGA: `matches` (RE2 syntax and semantics) and the evaluation cost limit.

Writes Tests/Fixtures/conditions/regex.json and cost.json; Warden's tests read them with no fga needed:

    python3 Tests/Differential/conditions.py --out Tests/Fixtures/conditions

regex.json: [{"pattern", "text", "matches": true|false} | {"pattern", "text", "error": "<OpenFGA's message>"}]
cost.json:  [{"term", "parameters", "context", "terms", "holds": true|false}]: the condition `term && term && …`
(`terms` times) either evaluates to true or is cancelled by OpenFGA's cost limit (100); or "refused": OpenFGA's
message when the server refuses the model (an expression is at most 512 bytes).
"""
import argparse
import json
import os
import re
import subprocess
import tempfile

REGEX_CASES = [
    ("a", "xay"), ("^a", "ba"), ("a$", "a\n"), ("(?m)a$", "a\nb"), ("^$", ""), ("x*", ""), ("", "abc"),
    ("\\d+", "ab12"), ("\\D", "123"), ("\\s", "a b"), ("\\S", "   "), ("\\w+", "é"), ("\\W", "é"),
    ("\\bfoo\\b", "a foo b"), ("\\bfoo\\b", "afoob"), ("\\Bo\\B", "foo"), ("\\Aab\\z", "ab"), ("\\Aab\\z", "ab\n"),
    (".", "\n"), ("(?s).", "\n"), ("a.c", "abc"), ("a.c", "aéc"), ("[a-c]+$", "xxabc"), ("[^a-c]", "abc"),
    ("[]a]", "]"), ("[^]a]", "b"), ("[a-]", "-"), ("[\\d-z]", "-"), ("[[:alpha:]]+$", "ab"), ("[[:^digit:]]", "1"),
    ("[[:word:]]", "_"), ("\\pL", "é"), ("\\PL", "é"), ("\\p{Lu}", "É"), ("\\p{^Lu}", "é"), ("\\pN", "٣"),
    ("[\\p{Greek}]", "α"), ("\\p{Greek}", "a"), ("\\p{Han}", "中"), ("\\p{Cyrillic}", "д"), ("\\p{Latin}", "é"),
    ("(?i)abc", "ABC"), ("(?i)É", "é"), ("(?i)[a-z]+$", "XYZ"), ("(?i)[^a]", "A"), ("(?i:a)b", "AB"),
    ("(?i:a)b", "Ab"), ("a(?i)b", "aB"), ("(?-i)a", "A"), ("(?U)a+", "aa"),
    ("\\Qa.b\\E", "a.b"), ("\\Qa.b\\E", "axb"), ("\\Qa.b", "a.b"), ("a{2}", "aa"), ("a{2}", "a"), ("a{2,}", "aaa"),
    ("^a{2,3}$", "aaaa"), ("a{,2}", "a{,2}"), ("a{x}", "a{x}"), ("{", "{"), ("a{1000}", "a"),
    ("^(a|aa)*$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"), ("^(a*)*$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"),
    ("(a|b)c|d", "bc"), ("(?:ab)+$", "abab"), ("(?P<name>a)b", "ab"), ("(?<name>a)b", "ab"), ("a+?", "a"),
    ("a??b", "b"), ("\\x41", "A"), ("\\x{1F600}", "😀"), ("\\101", "A"), ("\\0", "a"), ("\\t", "\t"),
    ("\\.", "a"), ("\\-", "-"), ("é", "e\u0301"), ("e\u0301", "e\u0301x"), ("^.$", "😀"), ("^..$", "e\u0301"),
    ("[é]", "e"), ("\\$", "$"),
    # refused by RE2
    ("(a", "a"), ("a)", "a"), ("a\\1", "a"), ("(?=a)", "a"), ("(?!a)", "a"), ("(?<=a)b", "ab"), ("a{1001}", "a"),
    ("a{3,2}", "a"), ("a**", "a"), ("*a", "a"), ("+", "a"), ("[z-a]", "a"), ("[a", "a"), ("\\8", "8"),
    ("\\q", "q"), ("a\\", "a"), ("(?P<>a)", "a"), ("(?P<a-b>a)", "a"), ("\\pX", "a"), ("\\p{Foo}", "a"),
    ("[[:foo:]]", "a"), ("(?z)a", "a"), ("x{2}{3}", "x"), ("a|*", "a"), ("()", ""), ("[\\b]", "b"),
    ("\\x{110000}", "a"), ("\\xZ", "a"), ("(?i", "a"), ("a{2}*", "aa"),
]

COST_TERMS = [
    ("x == 1", "x: int", {"x": 1}),
    ("m.a == 'x'", "m: map<string>", {"m": {"a": "x"}}),
    ("m['a'] == 'x'", "m: map<string>", {"m": {"a": "x"}}),
    ("m[s]", "m: map<bool>, s: string", {"m": {"a": True}, "s": "a"}),
    ("l[0] == 1", "l: list<int>", {"l": [1]}),
    ("!b", "b: bool", {"b": False}),
    ("-x < 0", "x: int", {"x": 1}),
    ("(b ? b : b)", "b: bool", {"b": True}),
    ("(b ? x == 1 : false)", "b: bool, x: int", {"b": True, "x": 1}),
    ("size(s) == 3", "s: string", {"s": "abc"}),
    ("size(l) == 1", "l: list<int>", {"l": [1]}),
    ("'a' in m", "m: map<string>", {"m": {"a": "x"}}),
    ("x + 1 > 0", "x: int", {"x": 1}),
    ("int(s) == 1", "s: string", {"s": "1"}),
    ("s == 'a'", "s: string", {"s": "a"}),
    ("t == t", "t: timestamp", {"t": "2021-01-01T00:00:00Z"}),
    ("timestamp(s) == t", "t: timestamp, s: string", {"t": "2021-01-01T00:00:00Z", "s": "2021-01-01T00:00:00Z"}),
    ("d > duration('1s')", "d: duration", {"d": "2s"}),
    ("ip.in_cidr(c)", "ip: ipaddress, c: string", {"ip": "10.1.2.3", "c": "10.0.0.0/8"}),
    ("s.endsWith(p)", "s: string, p: string", {"s": "a", "p": "a"}),
    ("x in l", "x: int, l: list<int>", {"x": 1, "l": [1]}),
    ("[x][0] == 1", "x: int", {"x": 1}),
]
SIZED = [
    ("s == p", "s: string, p: string", lambda n: {"s": "a" * n, "p": "a" * n}),
    ("size(s + p) > 0", "s: string, p: string", lambda n: {"s": "a" * n, "p": "a"}),
    ("s.contains(p)", "s: string, p: string", lambda n: {"s": "a" * n, "p": "a" * 10}),
    ("s.matches('^a*$')", "s: string", lambda n: {"s": "a" * n}),
    ("s.matches(p)", "s: string, p: string", lambda n: {"s": "a" * n, "p": "^a*$"}),
    ("1 in l", "l: list<int>", lambda n: {"l": list(range(n))}),
    ("s.startsWith('a')", "s: string", lambda n: {"s": "a" * n}),
]


def store(expression, parameters, contexts):
    return {
        "model": f"model\n  schema 1.1\ntype user\ntype doc\n  relations\n    define viewer: [user with cc]\n"
                 f"condition cc({parameters}) {{\n  {expression}\n}}\n",
        "tuples": [{"user": "user:a", "relation": "viewer", "object": "doc:1", "condition": {"name": "cc"}}],
        "tests": [{"name": "t", "check": [
            {"user": "user:a", "object": "doc:1", "context": c, "assertions": {"viewer": True}} for c in contexts]}],
    }


def run(document):
    """OpenFGA's result per check, (got, error message or None); a string (OpenFGA's message) when it refuses the
    model."""
    with tempfile.NamedTemporaryFile("w", suffix=".fga.yaml", delete=False) as file:
        json.dump(document, file, ensure_ascii=False)
    try:
        verbose = subprocess.run(["fga", "model", "test", "--tests", file.name, "--verbose"],
                                 capture_output=True, text=True)
        plain = subprocess.run(["fga", "model", "test", "--tests", file.name], capture_output=True, text=True)
    finally:
        os.unlink(file.name)
    start = verbose.stdout.find("[{")
    if start < 0:
        return verbose.stderr.strip().split("desc = ")[-1]
    results = json.loads(verbose.stdout[start:verbose.stdout.rindex("]") + 1])[0]["check_results"]
    # The JSON leaves errors empty; the plain report gives each failing check's message, in order.
    messages = iter(re.findall(r"error=rpc error: code = [^ ]+ desc = (.*)", plain.stdout + plain.stderr))
    return [(r["got"], next(messages) if r["got"] is None else None) for r in results]


def regex_cases():
    document = store("s.matches(p)", "s: string, p: string", [{"s": t, "p": p} for p, t in REGEX_CASES])
    labelled = []
    for (pattern, text), (got, error) in zip(REGEX_CASES, run(document)):
        if error:
            message = error.split("failed to evaluate condition expression: ")[-1].split("invalid context: ")[-1]
            labelled.append({"pattern": pattern, "text": text, "error": message})
        else:
            labelled.append({"pattern": pattern, "text": text, "matches": got})
    return labelled


def cost_cases():
    labelled = []
    for term, parameters, context in COST_TERMS:
        for terms in (10, 11, 12, 13, 14, 16, 20, 25, 33, 34, 50, 51):
            operand = f"({term})" if "?" in term else term
            result = run(store(" && ".join([operand] * terms), parameters, [context]))
            case = {"term": operand, "parameters": parameters, "context": context, "terms": terms}
            if isinstance(result, str):
                case["refused"] = result
            else:
                case["holds"] = bool(result[0][0]) and not result[0][1]
            labelled.append(case)
    for term, parameters, context in SIZED:
        for size in (5, 99, 100, 500, 988, 989, 990, 1000, 2000):
            got, error = run(store(term, parameters, [context(size)]))[0]
            labelled.append({"term": term, "parameters": parameters, "context": context(size), "terms": 1,
                             "holds": bool(got) and not error})
    return labelled


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="Tests/Fixtures/conditions")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    for name, cases in (("regex", regex_cases()), ("cost", cost_cases())):
        with open(os.path.join(arguments.out, f"{name}.json"), "w") as file:
            json.dump(cases, file, ensure_ascii=False, indent=1)
        print(f"{name}: {len(cases)} cases")


if __name__ == "__main__":
    main()
