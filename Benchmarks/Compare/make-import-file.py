#!/usr/bin/env python3
"""Writes the JSONL file the README's `warden tuple import` figures are measured on: 1,000 warehouses in regions
and products in warehouses (`models/warehouse`), TUPLES lines in all, compact JSON, one tuple per line.

    python3 Benchmarks/Compare/make-import-file.py --tuples 1000000 --out /tmp/t.jsonl
    warden store create s --data /tmp/d && warden model write models/warehouse/model.fga --data /tmp/d --store s
    /usr/bin/time warden tuple import /tmp/t.jsonl --data /tmp/d --store s
"""
import argparse
import json


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tuples", type=int, default=1_000_000)
    parser.add_argument("--warehouses", type=int, default=1_000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "w") as out:
        for index in range(args.tuples):
            if index < args.warehouses:
                tuple_ = {"user": f"region:r{index % 10}", "relation": "region", "object": f"warehouse:w{index}"}
            else:
                tuple_ = {"user": f"warehouse:w{index % args.warehouses}", "relation": "warehouse", "object": f"product:p{index}"}
            out.write(json.dumps(tuple_, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
