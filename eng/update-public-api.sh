#!/usr/bin/env sh
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to its project's
# PublicAPI.Unshipped.txt, and drops declared symbols that no longer exist (RS0017). Review the diff it leaves:
# that diff IS the public API change. Usage: sh eng/update-public-api.sh [project-or-solution]
set -eu
cd "$(dirname "$0")/.."
target="${1:-Hermes.Sdk.Packages.slnf}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build "$target" --no-incremental -nologo -v q -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= >"$log" 2>&1 || true
python3 - "$log" <<'PY'
import re, sys, os, collections
added, removed = collections.defaultdict(set), collections.defaultdict(set)
pattern = re.compile(r"^(?P<file>/\S+?)\(\d+,\d+\): (?:warning|error) (?P<code>RS001[67]): Symbol '(?P<symbol>.+?)' is (?:not part of the declared public API|part of the declared API, but is either not public or could not be found).* \[(?P<project>[^\]]+\.csproj)")
for line in open(sys.argv[1], encoding="utf-8"):
    m = pattern.match(line.strip())
    if not m:
        continue
    folder = os.path.dirname(m["project"])
    (added if m["code"] == "RS0016" else removed)[folder].add(m["symbol"])
for folder in sorted(set(added) | set(removed)):
    unshipped = os.path.join(folder, "PublicAPI.Unshipped.txt")
    lines = [l.rstrip("\n") for l in open(unshipped, encoding="utf-8")] if os.path.exists(unshipped) else ["#nullable enable"]
    body = [l for l in lines[1:] if l and l not in removed[folder]]
    shipped = os.path.join(folder, "PublicAPI.Shipped.txt")
    for gone in sorted(removed[folder]):
        if os.path.exists(shipped) and gone in open(shipped, encoding="utf-8").read().splitlines():
            body.append("*REMOVED*" + gone)
    body = sorted(set(body) | added[folder], key=lambda s: s.removeprefix("*REMOVED*"))
    with open(unshipped, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join([lines[0]] + body) + "\n")
    print(f"{os.path.relpath(unshipped)}: +{len(added[folder])} -{len(removed[folder])}")
PY
