#!/usr/bin/env bash
# Which objects two threads of one `warden bench` process both count references on: the writes that pass a cache
# line back and forth between cores and keep two threads from doing twice the work of one.
#
# Samples the running benchmark for 2 s with `perf record --user-regs=DI` (the object `swift_retain`/`swift_release`
# were given is in %rdi), keeps the objects both threads counted (each thread at least a fifth of the samples),
# names each by the type metadata its first word points at (read from the live process: needs root or ptrace
# rights), and prints them with their callers and their share of all samples. What "What two threads can get here"
# in the README was measured with.
#
#   Benchmarks/Compare/shared-retains.sh [WARDEN] [bench flags…]     (e.g. --no-cache)
#       WARDEN default the release build; the workload is models/warehouse, 2 threads
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
warden=${1:-$root/.build/release/warden}
shift || true
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$warden" bench "$root/models/warehouse/model.fga.yaml" --threads 2 --duration 10s "$@" >/dev/null 2>&1 &
pid=$!
sleep 3
perf record -q -g --user-regs=DI -p "$pid" -o "$work/perf.data" sleep 2 >/dev/null 2>&1
perf script -i "$work/perf.data" -F tid,ip,sym,uregs 2>/dev/null >"$work/samples.txt"
python3 - "$pid" "$warden" "$work/samples.txt" <<'PY'
import collections, re, struct, subprocess, sys

pid, binary, samples = int(sys.argv[1]), sys.argv[2], sys.argv[3]
# Where the binary is loaded, and its symbols by address, to name type metadata.
base = None
image = []
for line in open(f"/proc/{pid}/maps"):
    fields = line.split()
    if len(fields) >= 6 and fields[5].split("/")[-1] == binary.split("/")[-1]:
        low, high = (int(part, 16) for part in fields[0].split("-"))
        image.append((low, high))
        base = low - int(fields[2], 16) if base is None else min(base, low - int(fields[2], 16))
symbols = {}
for line in subprocess.run(["nm", binary], capture_output=True, text=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        symbols[int(parts[0], 16)] = parts[2]

counts = collections.defaultdict(collections.Counter)
callers = collections.defaultdict(collections.Counter)
total = 0
for block in re.split(r"\n(?=\d+ *\n)", open(samples).read()):
    lines = [line for line in block.strip("\n").split("\n") if line.strip()]
    if len(lines) < 3:
        continue
    total += 1
    frames = [line.strip().split(None, 1)[1] if len(line.strip().split(None, 1)) > 1 else "" for line in lines[1:-1]]
    register = re.search(r"DI:(0x[0-9a-f]+)", lines[-1])
    if not register or not re.match(r"swift_(retain|release|bridgeObjectRetain|bridgeObjectRelease)", frames[0]):
        continue
    address = int(register.group(1), 16) & ~0x7
    # A tagged value (a small string's bits, a bridged flag) is no object: only user-space addresses are.
    if not 0x10000 <= address < 0x800000000000:
        continue
    # Objects in the binary itself (the empty array and dictionary) are immortal: a retain reads their count and
    # writes nothing.
    if any(low <= address < high for low, high in image):
        continue
    counts[address][lines[0].split()[0]] += 1
    callers[address][frames[0].split()[0] + " <- " + (frames[1][:90] if len(frames) > 1 else "?")] += 1

memory = open(f"/proc/{pid}/mem", "rb")
shared = 0
for address, byThread in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
    samplesHere = sum(byThread.values())
    if len(byThread) < 2 or min(byThread.values()) < 0.2 * samplesHere or samplesHere < 10:
        continue
    name = "?"
    for candidate in (address, address - 8, address - 16):
        try:
            memory.seek(candidate)
            metadata = struct.unpack("<Q", memory.read(8))[0]
        except (OSError, ValueError, struct.error):
            continue
        if base is not None and metadata - base in symbols:
            name = symbols[metadata - base]
            break
    shared += samplesHere
    print(f"{hex(address)} {name}: {samplesHere} samples {dict(byThread)}")
    for caller, count in callers[address].most_common(3):
        print(f"    {count} {caller}")
print(f"samples {total}; on objects both threads count: {shared} ({100 * shared / max(total, 1):.2f}%)")
PY
