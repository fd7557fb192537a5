#!/usr/bin/env python3
"""Synthetic practice-level series for the Dudley sample (issue 7).

Writes, deterministically (random.Random(20221), standard library only):

  sample/feeds/gp-practices-synthetic.json   partner gp-practices
  sample/feeds/dihc-synthetic.json           partner dihc (DQOFH)

36 months, 2022-04 .. 2025-03, numerators and denominators for the 43
practices of db/reference/org_units.json, for the measures the catalogue
holds at practice level: hypertension control, the 14 childhood
vaccinations, the four DQOFH ranges, the three DQOFH access standards,
face-to-face appointments and smoking at time of delivery.

Every row is synthetic (note "synthetic").  What the data is built to show:

- levels from the seeds' borough figures: for every financial year in which
  seed 000's "Our progress" table (lines 301-326) prints a borough figure,
  the sum of the practices' numerators over the sum of their denominators
  for that year equals the published figure to one decimal (so the
  aggregated Dudley value is the published one); years the seed leaves
  blank get a plausible synthetic level;
- spread between practices, and a deprivation gradient (practice IMD
  quintile, 1 = most deprived), with place-level imd_q1..imd_q5 breakdown
  rows for four monthly series so the inequality gap shows;
- drifts (syn-p12 vaccinations falling, syn-p31 hypertension improving,
  syn-p03 access contacts falling below the 75/1,000 minimum, syn-p26 SMI
  checks falling, High Oak Surgery DQOFH improving);
- a step change (syn-p08: hypertension and diabetes treatment targets up
  from October 2023);
- missing data (syn-p17 stops reporting after September 2024, so it has no
  FY2024-25 yearly rows).

The monthly series use data elements with a "-monthly" suffix (kind
fraction, frequency month) added to db/reference/indicators.json with
"synthetic": true; `--update-catalogue` (re)writes those entries.  A
monthly numerator/denominator is that month's share of the year (children
reaching the age in the month, register patients due in the month ...), so
a practice's yearly value is the sum of its 12 months.

Usage: python3 sample/generate.py [--update-catalogue]
"""
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CATALOGUE = os.path.join(TOP, "db", "reference", "indicators.json")
ORG_UNITS = os.path.join(TOP, "db", "reference", "org_units.json")
FEEDS = os.path.join(HERE, "feeds")

SEED = 20221
MONTHS = ["%04d-%02d" % (2022 + (3 + i) // 12, (3 + i) % 12 + 1) for i in range(36)]
FYS = ["FY2022-23", "FY2023-24", "FY2024-25"]
IMD_BREAKDOWNS = ["imd_q1", "imd_q2", "imd_q3", "imd_q4", "imd_q5"]

STOP_PRACTICE, STOP_AFTER = "syn-p17", "2024-09"
STEP_PRACTICE, STEP_FROM = "syn-p08", "2023-10"


def fy_of(month):
    y, m = int(month[:4]), int(month[5:])
    start = y if m >= 4 else y - 1
    return "FY%04d-%02d" % (start, (start + 1) % 100)


# Deprivation gradients on the logit scale by IMD quintile (1 = most deprived).
IMD_HIGHER = {1: -0.40, 2: -0.20, 3: 0.0, 4: 0.15, 5: 0.30}
IMD_SMOKING = {1: 0.55, 2: 0.25, 3: 0.0, 4: -0.30, 5: -0.60}

# The published borough figures of seed 000's "Our progress" table
# (2022/23, 2023/24, 2024/25 columns); None = blank in the seed, where the
# value given in `synthetic_level` is used instead (not calibrated exactly).
VACCINES = [
    # monthly code stem, yearly twin, cohort, line, FY22-23, FY23-24, FY24-25
    ("vacc-dtap-ipv-hib-hepb-12m", "12m", 308, 94.7, 93.1, 93.8),
    ("vacc-pcv1-12m", "12m", 309, 95.8, 94.9, 95.0),
    ("vacc-rotarix-12m", "12m", 310, 91.9, 90.7, 91.9),
    ("vacc-menb-12m", "12m", 311, 94.7, 92.9, 93.6),
    ("vacc-dtap-ipv-hib-hepb-booster-24m", "24m", 312, 95.7, 94.5, 95.0),
    ("vacc-pcv-booster-24m", "24m", 313, 93.5, 91.9, 92.4),
    ("vacc-hib-menc-24m", "24m", 314, 93.1, 92.1, 93.0),
    ("vacc-mmr1-24m", "24m", 315, 93.5, 92.1, 92.9),
    ("vacc-menb-booster-24m", "24m", 316, 92.7, 90.6, 91.7),
    ("vacc-dtap-ipv-hib-hepb-5y", "5y", 317, 96.1, 95.4, 94.9),
    ("vacc-mmr1-5y", "5y", 318, 96.0, 95.1, 94.5),
    ("vacc-mmr2-5y", "5y", 319, 90.8, 88.8, 88.7),
    ("vacc-dtap-ipv-5y", "5y", 320, 90.1, 88.1, 87.5),
    ("vacc-hib-menc-5y", "5y", 321, 95.2, 93.9, 93.4),
]


def _series():
    """The series: one dict each.  levels: FY -> (percent, calibrated)."""
    out = []
    out.append(dict(
        code="htn-treated-to-target-monthly", twin="htn-treated-to-target", partner="gp-practices",
        den="htn", levels={"FY2022-23": (76.0, False), "FY2023-24": (78.6, True), "FY2024-25": (82.7, True)},
        line=301, spread=0.30, imd=IMD_HIGHER, imd_rows=True, season=0.03))
    for stem, cohort, line, a, b, c in VACCINES:
        out.append(dict(
            code=stem + "-monthly", twin=stem, partner="gp-practices", den="vacc" + cohort,
            levels={"FY2022-23": (a, True), "FY2023-24": (b, True), "FY2024-25": (c, True)},
            line=line, spread=0.28, imd=IMD_HIGHER, imd_rows=(stem == "vacc-mmr1-24m"), season=0.0))
    out.append(dict(
        code="smoking-at-delivery-monthly", twin="pi-2260", partner="gp-practices", den="births",
        levels={"FY2022-23": (10.0, False), "FY2023-24": (9.2, False), "FY2024-25": (8.5, False)},
        line=4186, seed="001", spread=0.25, imd=IMD_SMOKING, imd_rows=True, season=0.0, yearly=False,
        # pi-2260's published quarters (seed 001 line 4186): Q1 2022/23
        # 11.5%, Q2 2022/23 8.4%.
        quarters={"FY2022-23Q1": (11.5, ["2022-04", "2022-05", "2022-06"]),
                  "FY2022-23Q2": (8.4, ["2022-07", "2022-08", "2022-09"])}))
    out.append(dict(
        code="appointments-face-to-face", twin=None, partner="gp-practices", den="appts",
        levels={"FY2022-23": (64.5, False), "FY2023-24": (66.7, False), "FY2024-25": (68.0, False)},
        line=222, seed="004", spread=0.20, imd={q: 0.0 for q in range(1, 6)}, imd_rows=False,
        season=-0.04, yearly=False, existing=True))
    dq = [
        ("dqofh-dementia-diagnosis", "dementia", 323, (57.5, False), (59.8, True), (62.2, True)),
        ("dqofh-diabetes-3-targets", "diabetes", 324, (32.6, True), (41.9, True), (45.8, True)),
        ("dqofh-ld-health-check", "ld", 325, (83.6, True), (90.0, True), (92.5, True)),
        ("dqofh-smi-physical-health-check", "smi", 326, (58.3, True), (69.1, True), (74.2, True)),
    ]
    for stem, den, line, a, b, c in dq:
        out.append(dict(
            code=stem + "-monthly", twin=stem, partner="dihc", den=den,
            levels={"FY2022-23": a, "FY2023-24": b, "FY2024-25": c},
            line=line, spread=0.30, imd=IMD_HIGHER, imd_rows=(stem == "dqofh-diabetes-3-targets"),
            season=0.0))
    out.append(dict(
        code="dqofh-same-day-under5", twin=None, partner="dihc", den="sameday_u5",
        levels={"FY2022-23": (96.5, False), "FY2023-24": (97.2, False), "FY2024-25": (97.8, False)},
        line=467, seed="004", spread=0.45, imd=IMD_HIGHER, imd_rows=False, season=-0.15,
        yearly=False, existing=True))
    out.append(dict(
        code="dqofh-same-day-over75", twin=None, partner="dihc", den="sameday_o75",
        levels={"FY2022-23": (95.5, False), "FY2023-24": (96.5, False), "FY2024-25": (97.0, False)},
        line=467, seed="004", spread=0.45, imd=IMD_HIGHER, imd_rows=False, season=-0.15,
        yearly=False, existing=True))
    for s in out:
        s.setdefault("seed", "000")
        s.setdefault("yearly", True)
        s.setdefault("existing", False)
    return out


SERIES = _series()

# Special behaviour, logit per month (drift) or a step from a month.
DRIFTS = {
    ("syn-p12", "vacc"): -0.045,
    ("syn-p31", "htn-treated-to-target-monthly"): 0.020,
    ("syn-p26", "dqofh-smi-physical-health-check-monthly"): -0.050,
    ("high-oak-surgery", "dqofh"): 0.020,
}
STEPS = {
    (STEP_PRACTICE, "htn-treated-to-target-monthly"): 0.65,
    (STEP_PRACTICE, "dqofh-diabetes-3-targets-monthly"): 0.55,
}


class Rng:
    """random.Random(20221) with a binomial and a Box-Muller normal of our own,
    so the output depends only on random.random() (stable across versions)."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def random(self):
        return self.r.random()

    def normal(self, mu=0.0, sd=1.0):
        u1 = self.r.random() or 1e-12
        u2 = self.r.random()
        return mu + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2 * math.pi * u2)

    def binomial(self, n, p):
        if n <= 150:
            return sum(1 for _ in range(n) if self.r.random() < p)
        k = int(round(n * p + self.normal(0, math.sqrt(n * p * (1 - p)))))
        return max(0, min(n, k))


def logit(p):
    return math.log(p / (1 - p))


def expit(x):
    return 1 / (1 + math.exp(-x))


def load_practices():
    orgs = json.load(open(ORG_UNITS, encoding="utf-8"))["org_units"]
    return [o for o in orgs if o["level"] == "practice"]


def reports(practice, month):
    return not (practice == STOP_PRACTICE and month > STOP_AFTER)


def denominators(rng, practices):
    """den[(kind, practice, month)]: one set per kind, shared by the series
    that use it (all 12-month vaccines share the 12-month cohort)."""
    per_list_month = {                 # expected per registered patient per month
        "htn": 0.150 / 12, "vacc12m": 0.0108 / 12, "vacc24m": 0.0110 / 12, "vacc5y": 0.0114 / 12,
        "births": 0.0109 / 12, "appts": 0.42, "dementia": 0.0095 / 12, "diabetes": None,
        "ld": 0.0052 / 12, "smi": 0.0105 / 12, "sameday_u5": 0.0060, "sameday_o75": 0.0080,
    }
    # Diabetes register: seed 001 line 1563 (003 line 526): practice prevalence
    # 6% to 12%, borough 7.99% (003 line 381); more deprived, higher.
    diab_prev = {p["code"]: min(0.12, max(0.06, 0.0800 + 0.0085 * (3 - p["imd_quintile"])
                                          + rng.normal(0, 0.006))) for p in practices}
    htn_prev = {p["code"]: 0.150 + 0.010 * (3 - p["imd_quintile"]) + rng.normal(0, 0.008) for p in practices}
    den = {}
    for kind, rate in per_list_month.items():
        for p in practices:
            for i, m in enumerate(MONTHS):
                size = p["list_size"] * (1 + 0.001 * i)      # lists grow slowly (004 line 220)
                if kind == "diabetes":
                    mu = size * diab_prev[p["code"]] / 12
                elif kind == "htn":
                    mu = size * htn_prev[p["code"]] / 12
                else:
                    mu = size * rate
                if kind in ("sameday_u5", "sameday_o75"):
                    mu *= 1.25 if int(m[5:]) in (11, 12, 1, 2) else 1.0
                d = int(round(mu + rng.normal(0, math.sqrt(mu))))
                den[(kind, p["code"], m)] = max(1, d)
    return den


def practice_effects(rng, practices):
    """Practice random effects, centred within each IMD quintile (list-size
    weighted) so the quintile gradient is the designed one."""
    eff = {(s["code"], p["code"]): rng.normal(0, s["spread"]) for s in SERIES for p in practices}
    for s in SERIES:
        for q in range(1, 6):
            ps = [p for p in practices if p["imd_quintile"] == q]
            w = sum(p["list_size"] for p in ps)
            mean = sum(eff[(s["code"], p["code"])] * p["list_size"] for p in ps) / w
            for p in ps:
                eff[(s["code"], p["code"])] -= mean
    return eff


def special(series_code, practice, i):
    x = 0.0
    for (pc, key), slope in DRIFTS.items():
        if pc == practice and series_code.startswith(key):
            x += slope * i
    for (pc, key), jump in STEPS.items():
        if pc == practice and series_code == key and MONTHS[i] >= STEP_FROM:
            x += jump
    return x


def solve_offset(target, terms):
    """Offset a with sum(d * expit(a + x)) / sum(d) = target (bisection)."""
    total = sum(d for d, _ in terms)
    lo, hi = -15.0, 15.0
    for _ in range(80):
        mid = (lo + hi) / 2
        got = sum(d * expit(mid + x) for d, x in terms) / total
        if got < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def complete_year(practice, fy):
    return all(reports(practice, m) for m in MONTHS if fy_of(m) == fy)


def build_series(rng, s, practices, den, effects):
    """Returns num[(practice, month)], den[(practice, month)] for one series."""
    quint = {p["code"]: p["imd_quintile"] for p in practices}
    kind = s["den"]
    lin = {}
    noise = {}
    for p in practices:
        for i, m in enumerate(MONTHS):
            season = s["season"] * math.cos(2 * math.pi * (int(m[5:]) - 1) / 12)
            noise[(p["code"], m)] = rng.normal(0, 0.05)
            lin[(p["code"], m)] = (effects[(s["code"], p["code"])] + s["imd"][quint[p["code"]]]
                                   + special(s["code"], p["code"], i) + season + noise[(p["code"], m)])
    nums, dens = {}, {}
    for fy in FYS:
        level, calibrated = s["levels"][fy]
        months = [m for m in MONTHS if fy_of(m) == fy]
        terms = [(den[(kind, p["code"], m)], lin[(p["code"], m)])
                 for p in practices if complete_year(p["code"], fy) for m in months]
        a = solve_offset(level / 100.0, terms)
        for p in practices:
            for m in months:
                if not reports(p["code"], m):
                    continue
                d = den[(kind, p["code"], m)]
                nums[(p["code"], m)] = rng.binomial(d, expit(a + lin[(p["code"], m)]))
                dens[(p["code"], m)] = d
        if calibrated:
            # Exact: the year's place aggregate over complete-year practices
            # equals the published figure to one decimal.
            keys = [(p["code"], m) for p in practices if complete_year(p["code"], fy) for m in months]
            calibrate(nums, dens, keys, level, rng, (s["code"], fy))
    # Quarters whose place figure is published (smoking at delivery: seed
    # 001 line 4186): the quarter's practices add up to it, so the place
    # shows one figure for the quarter, the published one.  Their own
    # random stream, so no other series moves.
    qrng = Rng(20222)
    for quarter, (level, months) in sorted(s.get("quarters", {}).items()):
        keys = [(p["code"], m) for p in practices for m in months if (p["code"], m) in nums]
        calibrate(nums, dens, keys, level, qrng, (s["code"], quarter))
    return nums, dens


def calibrate(nums, dens, keys, level, rng, label):
    """Moves numerators one at a time (at random keys) until the sum over
    keys is the published level (percent) of the denominators, to the
    nearest whole count; asserts it is then within 0.05 of the level."""
    D = sum(dens[k] for k in keys)
    want = int(round(level / 100.0 * D))
    diff = want - sum(nums[k] for k in keys)
    guard = 0
    while diff != 0 and guard < 10 ** 6:
        k = keys[int(rng.random() * len(keys))]
        if diff > 0 and nums[k] < dens[k]:
            nums[k] += 1
            diff -= 1
        elif diff < 0 and nums[k] > 0:
            nums[k] -= 1
            diff += 1
        guard += 1
    assert diff == 0, label
    assert abs(100.0 * want / D - level) < 0.05, label


def access_contacts(rng, practices):
    """DQOFH access: mean weekly contacts (numerator) per registered
    population (denominator) x 1,000; minimum 75 (004 line 467)."""
    rows = {}
    base = {p["code"]: rng.normal(84.0, 5.5) + 1.2 * (p["imd_quintile"] - 3) for p in practices}
    for p in practices:
        for i, m in enumerate(MONTHS):
            if not reports(p["code"], m):
                continue
            size = int(round(p["list_size"] * (1 + 0.001 * i)))
            rate = base[p["code"]] + 0.06 * i + 3.0 * math.cos(2 * math.pi * (int(m[5:]) - 1) / 12) \
                + rng.normal(0, 2.0)
            if p["code"] == "syn-p03":
                rate -= 0.40 * i                     # drifts below the 75 minimum
            rows[(p["code"], m)] = (int(round(size * rate / 1000.0)), size)
    return rows


def obs(de, org, period, num, den, breakdown=None):
    o = {"data_element": de, "org_unit": org, "period": period}
    if breakdown:
        o["breakdown"] = breakdown
    o["numerator"] = num
    o["denominator"] = den
    o["note"] = "synthetic"
    return o


def generate():
    rng = Rng(SEED)
    practices = load_practices()
    assert len(practices) == 43
    den = denominators(rng, practices)
    effects = practice_effects(rng, practices)
    quint = {p["code"]: p["imd_quintile"] for p in practices}
    feeds = {"gp-practices": [], "dihc": []}
    summary = {}
    for s in SERIES:
        nums, dens = build_series(rng, s, practices, den, effects)
        out = feeds[s["partner"]]
        for p in practices:
            for m in MONTHS:
                if (p["code"], m) in nums:
                    out.append(obs(s["code"], p["code"], m, nums[(p["code"], m)], dens[(p["code"], m)]))
        if s["imd_rows"]:
            for m in MONTHS:
                for q in range(1, 6):
                    ks = [(p["code"], m) for p in practices if quint[p["code"]] == q and (p["code"], m) in nums]
                    out.append(obs(s["code"], "dudley", m, sum(nums[k] for k in ks), sum(dens[k] for k in ks),
                                   "imd_q%d" % q))
        place = {}
        for fy in FYS:
            tn = td = 0
            for p in practices:
                if not complete_year(p["code"], fy):
                    continue
                ks = [(p["code"], m) for m in MONTHS if fy_of(m) == fy]
                n, d = sum(nums[k] for k in ks), sum(dens[k] for k in ks)
                tn, td = tn + n, td + d
                if s["yearly"]:
                    out.append(obs(s["twin"], p["code"], fy, n, d))
            place[fy] = {"numerator": tn, "denominator": td, "value": round(100.0 * tn / td, 4),
                         "published": s["levels"][fy][0] if s["levels"][fy][1] else None}
        summary[s["code"]] = {"yearly_element": s["twin"] if s["yearly"] else None, "place": place}
    rows = access_contacts(rng, practices)
    for p in practices:
        for m in MONTHS:
            if (p["code"], m) in rows:
                n, d = rows[(p["code"], m)]
                feeds["dihc"].append(obs("dqofh-access-contacts", p["code"], m, n, d))
    return feeds, summary


BATCH_KEYS = {
    "gp-practices": "sample-synthetic-gp-practices-2022-04-2025-03-v1",
    "dihc": "sample-synthetic-dihc-dqofh-2022-04-2025-03-v1",
}


def write_feed(path, batch_key, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"batch_key": %s, "observations": [\n' % json.dumps(batch_key))
        for i, r in enumerate(rows):
            f.write(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")))
            f.write(",\n" if i + 1 < len(rows) else "\n")
        f.write("]}\n")


# ---------------------------------------------------------------- catalogue

def catalogue_entries(cat):
    """Monthly data elements and indicators for the series without one yet."""
    inds = {i["code"]: i for i in cat["indicators"]}
    des, ins = [], []
    for s in SERIES:
        if s["existing"]:
            continue
        twin = inds[s["twin"]]
        if s["twin"] == "pi-2260":
            name = "Percentage smoking at time of delivery, by registered practice (monthly, synthetic)"
            ref = "KPI scorecards 2022-23 Q2: PI 2260 (borough 8.4% in Q2 2022/23)"
        else:
            name = twin["name"] + " (monthly, synthetic)"
            ref = (twin["source"].get("ref") or "") + " (borough figure)"
        des.append({"code": s["code"], "name": name, "kind": "fraction", "frequency": "month",
                    "partner": s["partner"], "synthetic": True})
        notes = ("synthetic monthly practice series (sample/generate.py). Monthly numerator and denominator "
                 "are the month's share of the year, so the 12 months of a financial year sum to the "
                 "practice's yearly value of %s. Same targets and polarity as %s; level set by the borough "
                 "figure at seed %s line %d." % (s["twin"], s["twin"], s["seed"], s["line"]))
        ins.append({
            "code": s["code"], "name": name, "domain": twin["domain"], "owner": twin["owner"],
            "unit": "percent", "calculation": "proportion", "multiplier": 100, "data_element": s["code"],
            "polarity": twin["polarity"], "targets": json.loads(json.dumps(twin["targets"])),
            "frequency": "month", "due_lag_days": 30, "benchmark": None, "aggregates": True,
            "level": "practice",
            "breakdowns": ["total"] + (IMD_BREAKDOWNS if s["imd_rows"] else []),
            "source": {"seed": s["seed"], "line": s["line"], "ref": ref},
            "notes": notes, "synthetic": True})
    return des, ins


def update_catalogue():
    text = open(CATALOGUE, encoding="utf-8").read()
    cat = json.loads(text)
    des, ins = catalogue_entries(cat)
    new_de = {d["code"] for d in des}
    new_in = {i["code"] for i in ins}
    cat["data_elements"] = [d for d in cat["data_elements"] if d["code"] not in new_de] + des
    cat["indicators"] = [i for i in cat["indicators"] if i["code"] not in new_in] + ins
    out = json.dumps(cat, indent=2, ensure_ascii=False) + "\n"
    if out != text:
        with open(CATALOGUE, "w", encoding="utf-8") as f:
            f.write(out)
    print("catalogue: %d synthetic monthly data elements and indicators" % len(des))


def check_catalogue():
    cat = json.load(open(CATALOGUE, encoding="utf-8"))
    codes = {d["code"] for d in cat["data_elements"]}
    missing = [s["code"] for s in SERIES if s["code"] not in codes]
    if missing:
        sys.exit("generate.py: the catalogue lacks %s; run with --update-catalogue" % ", ".join(missing))


def main():
    if "--update-catalogue" in sys.argv[1:]:
        update_catalogue()
    check_catalogue()
    feeds, summary = generate()
    os.makedirs(FEEDS, exist_ok=True)
    files = {"gp-practices": "gp-practices-synthetic.json", "dihc": "dihc-synthetic.json"}
    for partner, rows in feeds.items():
        write_feed(os.path.join(FEEDS, files[partner]), BATCH_KEYS[partner], rows)
        print("%s: %d rows" % (files[partner], len(rows)))
    with open(os.path.join(HERE, "synthetic-summary.json"), "w", encoding="utf-8") as f:
        json.dump({"_about": "written by sample/generate.py: Dudley (place) aggregates of the synthetic "
                             "practice series per financial year, over practices reporting all 12 months",
                   "stops_reporting": {"practice": STOP_PRACTICE, "last_month": STOP_AFTER},
                   "step_change": {"practice": STEP_PRACTICE, "from": STEP_FROM,
                                   "series": sorted(k[1] for k in STEPS)},
                   "drifts": {"%s %s*" % k: v for k, v in DRIFTS.items()},
                   "series": summary}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
