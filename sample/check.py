#!/usr/bin/env python3
"""Checks the sample feeds against the catalogue, offline, with the rules of
services/intake/intake_validate.c (and a few of the sample's own):

  the data element exists; the partner may send it (data_element.partner, or
  a partner with all_data_elements) for that org unit (partners.json
  org_scope, levels and descendants); the period is canonical and its type is
  the element's frequency; the numbers match the kind (fraction: numerator
  and denominator, denominator > 0, numerator <= denominator for a
  proportion; count/value: value, a count is whole, a percent is 0-100);
  status, snapshot_date and the not_available note; the org unit and
  breakdown exist; no duplicate (element, org unit, period, breakdown) in a
  batch; batch keys unique per partner; every row has a note: "synthetic" in
  the synthetic feeds, "seed NNN line L ..." elsewhere, and (with the seeds
  at hand) the figure is printed on the line the note cites.

It also lists the data-quality warnings intake will put in the receipts
(percent_over_100, same_as_other_element; intake_warn_rows), and checks
them and every file's partner, batch key and row count against
sample/expected.json.

Usage: python3 sample/check.py [--seeds DIR]
Exit status 0 when every feed is clean and agrees with expected.json.
"""
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
REF = os.path.join(TOP, "db", "reference")
FIELDS = {"data_element", "org_unit", "period", "breakdown", "numerator", "denominator", "value", "note",
          "status", "snapshot_date", "ci_low", "ci_high", "assessment"}

PERIODS = [
    (re.compile(r"^FY(\d{4})-(\d{2})Q[1-4]$"), "quarter"),
    (re.compile(r"^FY(\d{4})-(\d{2})$"), "year"),
    (re.compile(r"^FY(\d{4})-(\d{2})\.\.FY(\d{4})-(\d{2})$"), "pooled_fy"),
    (re.compile(r"^R12-(\d{4})-(\d{2})$"), "rolling_12"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "snapshot"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-(\d{4})$"), "pooled_years"),
    (re.compile(r"^(\d{4})Q[1-4]$"), "calendar_quarter"),
    (re.compile(r"^(\d{4})$"), "calendar_year"),
]


def period_type(code):
    for rx, kind in PERIODS:
        m = rx.match(code)
        if not m:
            continue
        g = [int(x) for x in m.groups()]
        if kind in ("quarter", "year") and (g[0] + 1) % 100 != g[1]:
            return None
        if kind == "pooled_fy" and ((g[0] + 1) % 100 != g[1] or (g[2] + 1) % 100 != g[3] or g[2] <= g[0]):
            return None
        if kind in ("month", "rolling_12") and not 1 <= g[1] <= 12:
            return None
        if kind == "snapshot" and not (1 <= g[1] <= 12 and 1 <= g[2] <= 31):
            return None
        if kind == "pooled_years" and g[1] <= g[0]:
            return None
        return kind
    return None


def load_ref():
    cat = json.load(open(os.path.join(REF, "indicators.json"), encoding="utf-8"))
    orgs = {o["code"]: o for o in json.load(open(os.path.join(REF, "org_units.json"), encoding="utf-8"))["org_units"]}
    partners = {p["code"]: p for p in json.load(open(os.path.join(REF, "partners.json"), encoding="utf-8"))["partners"]}
    bds = {b["code"] for b in json.load(open(os.path.join(REF, "breakdowns.json"), encoding="utf-8"))["breakdowns"]}
    des = {d["code"]: d for d in cat["data_elements"]}
    calc = {i["data_element"]: i["calculation"] for i in cat["indicators"]}
    return des, calc, orgs, partners, bds


def permits(partner, org, orgs):
    for s in partner["org_scope"]:
        levels = s.get("levels")
        if levels and orgs[org]["level"] not in levels:
            continue
        if s["org_unit"] == org:
            return True
        if s.get("descendants"):
            o = orgs[org]
            for _ in range(16):
                if not o.get("parent"):
                    break
                if o["parent"] == s["org_unit"]:
                    return True
                o = orgs[o["parent"]]
    return False


def printed_forms(v):
    forms = {str(v)}
    if isinstance(v, int) or float(v).is_integer():
        i = int(v)
        forms |= {str(i), "{:,}".format(i), "%dk" % (i // 1000) if i % 1000 == 0 else "",
                  "{:,}k".format(i // 1000) if i % 1000 == 0 else "", "%d.0" % i, "%d.00" % i}
    else:
        forms |= {"%.1f" % v, "%.2f" % v, "{:,.1f}".format(v), "{:,.2f}".format(v)}
    return {f for f in forms if f}


class Seeds:
    def __init__(self, folder):
        self.lines = {}
        for path in glob.glob(os.path.join(folder, "0*_*.txt")):
            self.lines[os.path.basename(path)[:3]] = open(path, encoding="utf-8").read().split("\n")

    def has(self, seed, line, value):
        text = self.lines[seed][line - 1].replace("**", "")
        return any(re.search(r"(?<![\d.,])" + re.escape(f) + r"(?![\d])", text) for f in printed_forms(value))


def warnings_of(rows, des):
    """Row number (1-based) -> the warning intake gives it (intake_warn_rows)."""
    out, seen = {}, {}
    for n, o in enumerate(rows, 1):
        de = des.get(o.get("data_element"))
        if not de or not isinstance(o.get("value"), (int, float)):
            continue
        unit = de.get("value_unit") or ""
        if unit.startswith("percent") and unit != "percent" and o["value"] > 100:
            out[n] = "percent_over_100"
        if o["value"] == 0:
            continue
        k = (o["org_unit"], o["period"], float(o["value"]))
        if k not in seen:
            seen[k] = n
        elif (rows[seen[k] - 1]["data_element"] != o["data_element"]
              and rows[seen[k] - 1].get("breakdown", "total") == o.get("breakdown", "total")):
            out[n] = "same_as_other_element"
    return out


def check_file(path, ref, seeds, keys_seen, problems):
    des, calc, orgs, partners, bds = ref
    name = os.path.basename(path)
    doc = json.load(open(path, encoding="utf-8"))
    size = os.path.getsize(path)
    if size >= 20 * 1024 * 1024:
        problems.append("%s: %d bytes, over 20 MB" % (name, size))
    if set(doc) - {"batch_key", "atomic", "observations"}:
        problems.append("%s: unknown top-level fields %s" % (name, set(doc) - {"batch_key", "atomic", "observations"}))
    rows = doc["observations"]
    partner_code = name.split("-synthetic")[0] if "-synthetic" in name else None
    synthetic = partner_code is not None
    # The partner is the file name's prefix (longest partner code that matches).
    partner_code = max((p for p in partners if name.startswith(p + "-")), key=len)
    key = (partner_code, doc["batch_key"])
    if key in keys_seen:
        problems.append("%s: batch key %s also used by %s" % (name, doc["batch_key"], keys_seen[key]))
    keys_seen[key] = name
    partner = partners[partner_code]
    seen = {}
    bad = 0
    for n, o in enumerate(rows, 1):
        errs = []
        unknown = set(o) - FIELDS
        if unknown:
            errs.append("unknown fields %s" % sorted(unknown))
        de = des.get(o.get("data_element"))
        if not de:
            errs.append("unknown data element %s" % o.get("data_element"))
        org = o.get("org_unit")
        if org not in orgs:
            errs.append("unknown org unit %s" % org)
        bd = o.get("breakdown", "total")
        if bd not in bds:
            errs.append("unknown breakdown %s" % bd)
        ptype = period_type(o.get("period", ""))
        if not ptype:
            errs.append("bad or non-canonical period %r" % o.get("period"))
        if de and ptype and ptype != de["frequency"]:
            errs.append("period %s is a %s; %s is reported by %s" % (o["period"], ptype, de["code"], de["frequency"]))
        if de and not (partner.get("all_data_elements") or de["partner"] == partner_code):
            errs.append("partner %s may not send %s (its partner is %s)" % (partner_code, de["code"], de["partner"]))
        if org in orgs and not permits(partner, org, orgs):
            errs.append("partner %s may not send for org unit %s" % (partner_code, org))
        status = o.get("status", "final")
        if status not in ("final", "provisional", "not_available", "snapshot"):
            errs.append("bad status %s" % status)
        if status == "snapshot" and period_type(o.get("snapshot_date", "")) != "snapshot":
            errs.append("snapshot without a snapshot_date")
        if status == "not_available" and not o.get("note"):
            errs.append("not_available without a note")
        has_frac = "numerator" in o or "denominator" in o
        for f in ("numerator", "denominator", "value", "ci_low", "ci_high"):
            if f in o and (not isinstance(o[f], (int, float)) or o[f] < 0):
                errs.append("%s %r is not a non-negative number" % (f, o[f]))
        if status == "not_available":
            if has_frac or "value" in o:
                errs.append("a not_available row carries figures")
        elif de:
            if de["kind"] == "fraction":
                if "value" in o:
                    errs.append("%s is a fraction: value given (needs numerator and denominator)" % de["code"])
                elif "numerator" not in o or "denominator" not in o:
                    errs.append("%s needs numerator and denominator" % de["code"])
                elif o["denominator"] <= 0:
                    errs.append("zero denominator")
                elif calc.get(de["code"]) == "proportion" and o["numerator"] > o["denominator"]:
                    errs.append("numerator over denominator for a proportion")
                elif synthetic and not (float(o["numerator"]).is_integer() and float(o["denominator"]).is_integer()):
                    errs.append("synthetic counts must be whole")
            else:
                if has_frac:
                    errs.append("%s is a %s: numerator/denominator given" % (de["code"], de["kind"]))
                elif "value" not in o:
                    errs.append("%s needs a value" % de["code"])
                elif de["kind"] == "count" and not float(o["value"]).is_integer():
                    errs.append("count %r is not whole" % o["value"])
                elif de.get("value_unit") == "percent" and o["value"] > 100:
                    errs.append("percent %r outside 0-100" % o["value"])
        if ("ci_low" in o) != ("ci_high" in o):
            errs.append("only one of ci_low / ci_high")
        note = o.get("note", "")
        if synthetic:
            if note != "synthetic":
                errs.append("synthetic row without note 'synthetic'")
        else:
            m = re.match(r"^seed (\d{3}) line (\d+)", note)
            if not m:
                errs.append("note does not start 'seed NNN line L'")
            elif seeds and seeds.lines and "value" in o and m.group(1) in seeds.lines:
                if not seeds.has(m.group(1), int(m.group(2)), o["value"]):
                    errs.append("value %r is not printed on seed %s line %s" % (o["value"], m.group(1), m.group(2)))
        k = (o.get("data_element"), org, o.get("period"), bd)
        if k in seen:
            errs.append("duplicate key of row %d" % seen[k])
        else:
            seen[k] = n
        if errs:
            bad += 1
            for e in errs:
                problems.append("%s row %d (%s %s %s): %s" % (name, n, o.get("data_element"), org, o.get("period"), e))
    warns = warnings_of(rows, des)
    for n, code in sorted(warns.items()):
        if "anomaly" not in rows[n - 1].get("note", ""):
            problems.append("%s row %d: intake will warn %s, but the note names no anomaly" % (name, n, code))
    return len(rows), bad, partner_code, doc["batch_key"], warns


def main():
    args = sys.argv[1:]
    seeds_dir = None
    if "--seeds" in args:
        seeds_dir = args[args.index("--seeds") + 1]
    else:
        for cand in (os.path.join(TOP, "..", "shared", "seeds"), "/work/shared/seeds"):
            if os.path.isdir(cand):
                seeds_dir = cand
                break
    seeds = Seeds(seeds_dir) if seeds_dir else None
    ref = load_ref()
    expected = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
    want_files = dict(expected["files"])
    want_warnings = {(w["file"], w["data_element"], w["org_unit"], w["period"], w["breakdown"]): w["receipt_warning"]
                     for w in expected["data_quality_warnings"] if w.get("receipt_warning")}
    ok = True
    total = 0
    keys = {}
    for path in sorted(glob.glob(os.path.join(HERE, "feeds", "*.json"))):
        problems = []
        name = "feeds/" + os.path.basename(path)
        rows, bad, partner, key, warns = check_file(path, ref, seeds, keys, problems)
        total += rows
        want = want_files.pop(name, None)
        if not want:
            problems.append("%s is not listed in expected.json (run published.py)" % name)
        elif (want["partner"], want["batch_key"], want["rows"], want["receipt_warnings"]) != (partner, key, rows, len(warns)):
            problems.append("%s: partner %s, batch key %s, %d rows, %d warnings; expected.json says %s, %s, %d, %d"
                            % (name, partner, key, rows, len(warns), want["partner"], want["batch_key"], want["rows"],
                               want["receipt_warnings"]))
        doc = json.load(open(path, encoding="utf-8"))["observations"]
        for n, code in sorted(warns.items()):
            o = doc[n - 1]
            k = (name, o["data_element"], o["org_unit"], o["period"], o.get("breakdown", "total"))
            if want_warnings.pop(k, None) != code:
                problems.append("%s row %d: intake will warn %s; not in expected.json's data_quality_warnings"
                                % (name, n, code))
        print("%-58s %-13s %6d rows  %s%s" % (name, partner, rows, "ok" if not problems else "%d problems" % len(problems),
                                             "".join("; row %d warns %s" % w for w in sorted(warns.items()))))
        for p in problems[:20]:
            print("    " + p)
        if len(problems) > 20:
            print("    ... %d more" % (len(problems) - 20))
        ok = ok and not problems
    for name in want_files:
        print("expected.json lists %s, which is not in feeds/" % name)
        ok = False
    for k, code in want_warnings.items():
        print("expected.json expects %s on %s, which intake will not give" % (code, k))
        ok = False
    if os.path.isdir(os.path.join(HERE, "pending")):
        print("sample/pending/ is no longer used: its rows are in feeds/ (see README.md)")
        ok = False
    print("total rows in feeds/: %d%s" % (total, "" if seeds else " (seed lines not checked: no seeds folder)"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
