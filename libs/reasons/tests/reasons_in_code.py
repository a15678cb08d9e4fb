#!/usr/bin/env python3
"""Every reason a refusal gives in the code has its words in the catalogue.

Scans the C++ sources for Refusal(absl::StatusCode::k…, <reason>, …) (and the
cross-match's Say(result, <reason>, …)) and takes
each string literal of the reason expression (a ternary names several); a
reason missing from libs/reasons/reasons.tsv would reach the operator in
English only. Also: a catalogue row no code gives (stale words) is reported.
Usage: reasons_in_code.py SOURCE_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
catalogue = set()
for line in (root / "libs/reasons/reasons.tsv").read_text(encoding="utf-8").splitlines():
    if line and not line.startswith("#"):
        catalogue.add(line.split("\t")[0])

# Refusal(code, reason, {params}, message); the cross-match's Say(result,
# reason, {params}, english) and its Disagreement{reason, ...} rows.
call = re.compile(r"(?:Refusal\(\s*absl::StatusCode::k\w+\s*,|Say\(\s*\w+\s*,)\s*(.*?),\s*\{"
                  r"|Disagreement\{\s*(\"[A-Z][A-Z0-9_]+\")", re.S)
# A reason without a status (a row's rejection): ReasonInfo("KEY", …), or
# set_reason("KEY") on an ErrorInfo built by hand.
direct = re.compile(r'\b(?:set_reason|ReasonInfo)\(\s*"([A-Z][A-Z0-9_]+)"')
used = {}
for path in sorted(root.glob("**/*.cc")):
    if "build" in path.parts or "node_modules" in path.parts or "tests" in path.parts:
        continue
    text = path.read_text(encoding="utf-8", errors="replace")
    for m in direct.finditer(text):
        used.setdefault(m.group(1), str(path.relative_to(root)))
    for m in call.finditer(text):
        for key in re.findall(r'"([A-Z][A-Z0-9_]+)"', m.group(1) or m.group(2)):
            used.setdefault(key, str(path.relative_to(root)))

# The field and noun a refusal names ({field}, {what}) by a literal: the
# common helpers' first argument (FieldNeeds' second too) and {"field", "…"}
# parameters; each needs its field:/what: row, or Chinese text would name it
# in English.
names = [
    (re.compile(r'\b(?:FieldRequired|FieldInvalid|FieldOutOfRange|FieldNeeds)\(\s*"([^"]+)"'), "field"),
    (re.compile(r'\bFieldNeeds\(\s*"[^"]+"\s*,\s*"([^"]+)"'), "field"),
    (re.compile(r'\{"(?:\w+_)?field",\s*"([^"]+)"\}'), "field"),
    (re.compile(r'\b(?:NotFound|AlreadyExists)\(\s*"([^"]+)"'), "what"),
    (re.compile(r'\{"what",\s*"([^"]+)"\}'), "what"),
]
for path in sorted(root.glob("**/*.cc")):
    if "build" in path.parts or "node_modules" in path.parts or "tests" in path.parts:
        continue
    text = path.read_text(encoding="utf-8", errors="replace")
    for pattern, kind in names:
        for m in pattern.finditer(text):
            used.setdefault(f"{kind}:{m.group(1)}", str(path.relative_to(root)))

missing = sorted(k for k in used if k not in catalogue)
for key in missing:
    print(f"{used[key]}: {key} has no words in libs/reasons/reasons.tsv")
if not used:
    print("no Refusal(...) calls found: the scan is broken")
    sys.exit(1)
print(f"{len(used)} reasons in the code, {len(missing)} without words")
sys.exit(1 if missing else 0)
