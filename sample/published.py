#!/usr/bin/env python3
"""Published-figure feeds of the Dudley sample (issue 7), transcribed by hand
from the five seed documents (shared/seeds), each row citing its seed line.

Writes
  sample/feeds/<partner>-<topic>.json    figures as the seed prints them
  sample/feeds/<partner>-<topic>-published-values.json
                                         figures the seed prints only as a
                                         percentage (or rate), without counts:
                                         elements of kind "value" whose indicator
                                         has calculation "published"
  sample/feeds/ohid-kpi-benchmarks.json  the annual England comparators printed
                                         beside three quarterly KPIs (elements
                                         pi-NNNN-england-benchmark)
  sample/expected.json                   what the end-to-end test should find

Run sample/generate.py first (expected.json quotes its place aggregates).
Standard library only; the output is deterministic.

Conventions
- Every observation's note starts "seed NNN line L" (the line that prints
  the figure), then other lines that print the same figure, then anything
  the reader must know (period read from elsewhere, anomaly kept as printed).
- Period codes are canonical (common/period.h).  A figure with no period in
  the seed is not sent (listed under not_sent in expected.json).
- Dudley, West Midlands and England values of the Fingertips tables are all
  sent by ohid (the catalogue's partner for those elements); the "Dudley
  compared to England" rating rides on the Dudley row as "assessment".
- Seed errors are kept as printed; the note says "anomaly:" and
  ANOMALIES.md lists them.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FEEDS = os.path.join(HERE, "feeds")
CATALOGUE = os.path.join(os.path.dirname(HERE), "db", "reference", "indicators.json")


def ob(de, org, period, value=None, num=None, den=None, status=None, snapshot=None,
       assessment=None, note="", breakdown=None):
    o = {"data_element": de, "org_unit": org, "period": period}
    if breakdown:
        o["breakdown"] = breakdown
    if num is not None:
        o["numerator"] = num
        o["denominator"] = den
    if value is not None:
        o["value"] = value
    if status:
        o["status"] = status
    if snapshot:
        o["snapshot_date"] = snapshot
    if assessment:
        o["assessment"] = assessment
    o["note"] = note
    return o


# ------------------------------------------------------------------ seed 000
# Annual report 2024-25, "Our progress" table, lines 293-326: columns are
# Domain | Metric | 2024/25 Target | 2024/25 | 2023/24 | 2022/23 (lines
# 293-294); footnotes lines 328-334.

COLS = ["FY2024-25", "FY2023-24", "FY2022-23"]

# (line, data element, target text or None, (2024/25, 2023/24, 2022/23) as
# printed; "" = blank cell), how the sample carries it: "feed" (as printed),
# "published" (a percentage or rate without counts, in the partner's
# *-published-values.json), "synthetic" (practice-level fractions, see
# generate.py) or "footnote".
PROGRESS = [
    (295, "bcf-falls-65plus", None, ("1,318", "1,360", ""), "feed"),
    (296, "bcf-res-admissions-65plus", None, ("2,114", "2,302", "2,112"), "published"),
    (297, "bcf-discharge-usual-residence", None, ("94.4%", "93.5%", "93.1%"), "published"),
    (298, "cancer-early-stage", None, ("", "", ""), "footnote"),
    (299, "screening-breast-coverage", None, ("", "70.9%", "67.9%"), "feed"),
    (300, "clinical-hub-referrals", None, ("34,779", "24,057", ""), "feed"),
    (301, "htn-treated-to-target", None, ("82.7%", "78.6%", ""), "synthetic"),
    (302, "children-missing-education", None, ("145", "282", "265"), "feed"),
    (303, "nel-admissions-65plus", None, ("16,948", "15,538", "14,924"), "feed"),
    (304, "bf-6-8wk-any", None, ("61.2%", "53.8%", "50.6%"), "published"),
    (305, "bf-6-8wk-total", None, ("34.0%", "32.8%", "30.6%"), "published"),
    (306, "bf-6-8wk-partial", None, ("27.0%", "20.9%", "20.0%"), "published"),
    (307, "bf-6-8wk-none", None, ("39.0%", "46.2%", "49.5%"), "published"),
    (308, "vacc-dtap-ipv-hib-hepb-12m", "95%", ("93.8%", "93.1%", "94.7%"), "synthetic"),
    (309, "vacc-pcv1-12m", "95%", ("95%", "94.9%", "95.8%"), "synthetic"),
    (310, "vacc-rotarix-12m", "95%", ("91.9%", "90.7%", "91.9%"), "synthetic"),
    (311, "vacc-menb-12m", "95%", ("93.6%", "92.9%", "94.7%"), "synthetic"),
    (312, "vacc-dtap-ipv-hib-hepb-booster-24m", "95%", ("95.0%", "94.5%", "95.7%"), "synthetic"),
    (313, "vacc-pcv-booster-24m", "95%", ("92.4%", "91.9%", "93.5%"), "synthetic"),
    (314, "vacc-hib-menc-24m", "95%", ("93.0%", "92.1%", "93.1%"), "synthetic"),
    (315, "vacc-mmr1-24m", "95%", ("92.9%", "92.1%", "93.5%"), "synthetic"),
    (316, "vacc-menb-booster-24m", "95%", ("91.7%", "90.6%", "92.7%"), "synthetic"),
    (317, "vacc-dtap-ipv-hib-hepb-5y", "95%", ("94.9%", "95.4%", "96.1%"), "synthetic"),
    (318, "vacc-mmr1-5y", "95%", ("94.5%", "95.1%", "96.0%"), "synthetic"),
    (319, "vacc-mmr2-5y", "95%", ("88.7%", "88.8%", "90.8%"), "synthetic"),
    (320, "vacc-dtap-ipv-5y", "95%", ("87.5%", "88.1%", "90.1%"), "synthetic"),
    (321, "vacc-hib-menc-5y", "95%", ("93.4%", "93.9%", "95.2%"), "synthetic"),
    (322, "virtual-ward-occupancy", None, ("113.8%", "", ""), "published"),
    (323, "dqofh-dementia-diagnosis", "43-72%", ("62.2%", "59.8%", ""), "synthetic"),
    (324, "dqofh-diabetes-3-targets", "32-44%", ("45.8%", "41.9%", "32.6%"), "synthetic"),
    (325, "dqofh-ld-health-check", "64-88%", ("92.5%", "90.0%", "83.6%"), "synthetic"),
    (326, "dqofh-smi-physical-health-check", "50-80%", ("74.2%", "69.1%", "58.3%"), "synthetic"),
]


def num(text):
    t = text.replace(",", "").replace("%", "").replace("£", "")
    return int(t) if t.isdigit() else float(t)


def bf_check(period):
    """Breastfeeding rows 304-307: totally + partially should equal 'totally
    or partially', and that plus 'not at all' should be 100%."""
    col = COLS.index(period)
    v = {de: num(cells[col]) for _, de, _, cells, _ in PROGRESS if de.startswith("bf-6-8wk")}
    both = round(v["bf-6-8wk-total"] + v["bf-6-8wk-partial"], 1)
    whole = round(v["bf-6-8wk-any"] + v["bf-6-8wk-none"], 1)
    if both == v["bf-6-8wk-any"] and whole == 100.0:
        return ""
    return ("; anomaly (rounding, lines 304-307): totally + partially = %.1f%% against 'totally or partially' "
            "%.1f%%; 'totally or partially' + 'not at all' = %.1f%%" % (both, v["bf-6-8wk-any"], whole))


def seed000():
    feeds = {"bc-icb": [], "dihc": [], "dmbc-children": [], "ohid": []}
    published = {"bc-icb": [], "dmbc-ph": [], "dihc": []}
    partner_of = {"bcf-falls-65plus": "bc-icb", "nel-admissions-65plus": "bc-icb",
                  "clinical-hub-referrals": "dihc", "children-missing-education": "dmbc-children",
                  "screening-breast-coverage": "ohid", "bcf-res-admissions-65plus": "bc-icb",
                  "bcf-discharge-usual-residence": "bc-icb", "virtual-ward-occupancy": "dihc"}
    for line, de, _target, cells, how in PROGRESS:
        for period, text in zip(COLS, cells):
            if not text or how in ("synthetic", "footnote"):
                continue
            note = "seed 000 line %d (Our progress, %s column)" % (line, period)
            kw = {}
            if de == "bcf-falls-65plus" and period == "FY2024-25":
                kw["status"] = "provisional"
                note += ("; 11 months: 'March 2025 was not available at the time of reporting' "
                         "(seed 000 line 328)")
            if de == "children-missing-education":
                day = {"FY2024-25": "2025-03-31", "FY2023-24": "2024-03-31", "FY2022-23": "2023-03-31"}[period]
                kw["status"], kw["snapshot"] = "snapshot", day
                if period == "FY2024-25":
                    note += ("; 'snapshot figure as of March 2025' (seed 000 line 330); the day is not "
                             "printed, month end used")
                else:
                    note += ("; snapshot: the seed dates only the 2024/25 figure (line 330), a year-end "
                             "(31 March) snapshot is assumed")
                period = day
            if de == "virtual-ward-occupancy":
                period = "2025-03-24"
                kw["status"], kw["snapshot"] = "snapshot", "2025-03-24"
                note += ("; 'snapshot figure as of 24th March 2025' (seed 000 line 334); anomaly: an "
                         "occupancy of 113.8% is above 100%, kept as published")
            if de == "bcf-res-admissions-65plus":
                note += ("; rate per 100,000 population 65+ as printed; anomaly: rates above 2,000 per "
                         "100,000 are several times the usual scale of ASCOF 2A (the definition may differ), "
                         "kept as published")
            if de.startswith("bf-6-8wk"):
                note += bf_check(period)
            row = ob(de, "dudley", period, value=num(text), note=note, **kw)
            if how == "feed":
                feeds[partner_of[de]].append(row)
            else:
                published[partner_of.get(de, "dmbc-ph")].append(row)
    # Footnote line 332: breast screening 2024/25 not available; early cancer
    # detection published in arrears, latest 2021 (calendar year) 60.1%.
    feeds["ohid"].append(ob(
        "screening-breast-coverage", "dudley", "FY2024-25", status="not_available",
        note="seed 000 line 299 (2024/25 cell blank); 'Breast Cancer Coverage 24/25 data is not available "
             "at the time of reporting' (seed 000 line 332)"))
    feeds["ohid"].append(ob(
        "cancer-early-stage", "dudley", "2021", value=60.1,
        note="seed 000 line 332: 'Cancer metrics are published in arrears - the latest available data for "
             "early cancer is 2021 (Calendar year) - 60.1%' (the table row, line 298, is blank)"))
    for year in ("2022", "2023", "2024"):
        feeds["ohid"].append(ob(
            "cancer-early-stage", "dudley", year, status="not_available",
            note="seed 000 line 298 (Early Cancer Detection row blank in every year column); published in "
                 "arrears: the latest available is 2021 (seed 000 line 332)"))
    # Women's Health Hub, Jan - Mar 2025 (lines 118-122).
    for de, v, line, label in [("whh-referrals", 50, 120, "Referrals received: 50"),
                               ("whh-referrals-rejected", 4, 120, "Referrals rejected/pt. declined: 4"),
                               ("whh-appointments", 55, 122, "Appointments undertaken: 55")]:
        feeds["bc-icb"].append(ob(de, "dudley", "FY2024-25Q4", value=v,
                                  note="seed 000 line %d: '%s' ('During Jan - March 2025', line 118)" % (line, label)))
    dgft = [ob("interface-inbox-queries", "dudley", "FY2024-25Q3", value=125,
               note="seed 000 line 211: Dudley Place Shared Inbox 'received 125 queries in Q3' (2024/25; "
                    "launched October 2024)"),
            ob("interface-inbox-queries", "dudley", "FY2024-25Q4", value=95,
               note="seed 000 line 211: '95 queries in Q4' (2024/25)")]
    return feeds, published, dgft


# ------------------------------------------------------------------ seed 001
# Quarterly performance report Q2 2022/23: KPI scorecards (lines 3804-3817,
# 4181-4186), PI 2257 exception report (4206-4226), ASC service summary
# sheet (3819-4037).  Column headers at 3804-3805 / 3815-3816 / 4181-4182:
# 2021-22 Qtr. 2 outturn | 2022-23 Qtr. 1 outturn | Qtr. 2 outturn.

KPIS = [  # de, line, (FY2021-22Q2, FY2022-23Q1, FY2022-23Q2) as printed
    ("pi-2133", 3806, ("49.5%", "46%", "73%")),
    ("pi-2132", 3807, ("10.6%", "9%", "23%")),
    ("pi-501", 3808, ("93%", "98%", "90%")),
    ("pi-2134", 3817, ("8.4%", "6%", "4%")),
    ("pi-1441", 4183, ("100%", "97.7%", "98.9%")),
    ("pi-2257", 4184, ("£410,400", "£135,000", "£6,000")),
    ("pi-2074", 4185, ("86.6%", "89.5%", "92.9%")),
    ("pi-2260", 4186, ("6.8%", "11.5%", "8.4%")),
]
KPI_HEADER = {3806: 3805, 3807: 3805, 3808: 3805, 3817: 3816, 4183: 4182, 4184: 4182, 4185: 4182, 4186: 4182}


def seed001_kpis():
    rows = []
    for de, line, cells in KPIS:
        for period, text in zip(["FY2021-22Q2", "FY2022-23Q1", "FY2022-23Q2"], cells):
            note = "seed 001 line %d (KPI scorecard 2022-23 Q2; columns line %d)" % (line, KPI_HEADER[line])
            if de == "pi-2257":
                k = {"FY2021-22Q2": "410k", "FY2022-23Q1": "135k", "FY2022-23Q2": "6k"}[period]
                note += "; exception report line 4211 prints %s for the same quarter" % k
            if de == "pi-2133" and period == "FY2022-23Q2":
                note += "; anomaly: jumps 27 points from 46% in Q1, not explained in the seed"
            if de == "pi-2134" and period == "FY2022-23Q2":
                note += ("; anomaly: the benchmark cell '77.3% England 19/20' is the same as PI 2133's "
                         "(line 3806), apparently copied from the row above")
            if de == "pi-2132" and period == "FY2022-23Q2":
                note += "; Q2 includes manually added contact data (line 3892)"
            rows.append(ob(de, "dudley", period, value=num(text), note=note))
    for period, v, k in [("FY2021-22Q1", 1236000, "1,236k"), ("FY2021-22Q3", 414000, "414k"),
                         ("FY2021-22Q4", 518000, "518k")]:
        rows.append(ob("pi-2257", "dudley", period, value=v,
                       note="seed 001 line 4211 (PI 2257 exception report, 2021-22 quarter; columns lines "
                            "4208-4209): '%s', printed in thousands of pounds" % k))
    return rows


ASC = [  # de, value line, header line, value, period, status/snapshot, note
    ("asc-a101-new-65plus-residential", 3846, 3841, 21, "2022-09", None, ""),
    ("asc-a102-new-65plus-homecare", 3854, 3848, 82, "2022-09", None, ""),
    ("asc-a103-awaiting-review-12m", 3861, 3856, 818, "2022-09", None, ""),
    ("asc-a105-homecare-hours-65plus", 3868, 3863, 16743, "R12-2022-09", None, ""),
    ("asc-ap01a-new-contacts-18plus", 3890, 3885, 1493, "2022-09", None,
     "; Q2 includes manual data (line 3892)"),
    ("asc-dds03-new-supported-living", 3902, 3897, 1, "2022-09-30", "snapshot", ""),
    ("asc-dds04-awaiting-review-12m", 3909, 3904, 386, "2022-09-30", "snapshot", ""),
    ("asc-as01a-safeguarding-concerns", 3926, 3921, 535, "2022-09", None, ""),
    ("asc-as04-s42-completed", 3934, 3928, 53, "2022-09", None,
     "; anomaly: the measure says 'completed in month' (line 3928) but its reporting period is 'YTD'; "
     "kept as published, the figure may be year to date"),
    ("asc-as02-dols-referrals", 3945, 3940, 54, "2022-09", None,
     "; reporting period printed 'Calendar Month'"),
    ("asc-ac02-suspended-providers", 3956, 3951, 1, "R12-2022-09", None, ""),
    ("asc-mh01-capacity-assessments", 3996, 3991, 4, "2022-09", None,
     "; anomaly: Success and Reporting Period are 'tbc' (monthly assumed) and the commentary (line "
     "4005) speaks of Mental Health Act Assessments, not Mental Capacity Assessments"),
    ("asc-mh02-new-18-64-residential", 4003, 3998, 0, "2022-09", None,
     "; anomaly: MH02 is printed twice with the same value (lines 4010-4015)"),
    ("asc-mh04c-awaiting-review-12m", 4022, 4017, 54, "R12-2022-09", None,
     "; commentary refers to 'MH04B' (line 4024), which has no measure row"),
    ("asc-mh06-s117", 4037, 4030, 973, "2022-09", None,
     "; anomaly: the commentary (line 4034) calls the count a 'Proportion'"),
]
PERIOD_WORDS = {"2022-09": "'Latest Month' of the Q2 2022/23 report (July-September 2022, line 3822), "
                           "read as September 2022",
                "R12-2022-09": "'Rolling Year' to the end of Q2 2022/23, read as the 12 months to "
                               "September 2022",
                "2022-09-30": "'As at' the end of Q2 2022/23 (line 3822), read as 30 September 2022"}


def seed001_asc():
    rows = []
    for de, line, head, v, period, status, extra in ASC:
        words = PERIOD_WORDS[period]
        if de == "asc-as02-dols-referrals":
            words = "'Calendar Month' in the Q2 2022/23 report, read as September 2022"
        if de == "asc-mh01-capacity-assessments":
            words = "reporting period 'tbc', read as the latest month of the Q2 2022/23 report (September 2022)"
        note = "seed 001 line %d (service summary sheet, measure line %d); %s%s" % (line, head, words, extra)
        kw = {"status": "snapshot", "snapshot": period} if status == "snapshot" else {}
        rows.append(ob(de, "dudley", period, value=v, note=note, **kw))
    published = [
        ob("asc-ac04-cqc-inadequate", "dudley", "2022-09-30", value=2, status="snapshot", snapshot="2022-09-30",
           note="seed 001 line 3963 (measure line 3958); 'As at' the end of Q2 2022/23 (30 September 2022); only "
                "the percentage is printed; anomaly: a % measure printed as the bare number '2', read as percent"),
        ob("asc-ac05-cqc-requires-improvement", "dudley", "R12-2022-09", value=22,
           note="seed 001 line 3978 (measure line 3973); 'Rolling Year' to September 2022; only the percentage is "
                "printed; anomaly: a % measure printed as the bare number '22', read as percent, and its period "
                "differs from AC04's ('As at')"),
        ob("telecare-calls-60s", "dudley", "FY2022-23Q2", value=98.26,
           note="seed 001 line 3671: 'answering 98.26% of alarm calls within 60 seconds' (also line 4064); in the "
                "Q2 2022/23 service summary, read as Q2 2022/23; only the percentage is printed"),
        ob("telecare-calls-180s", "dudley", "FY2022-23Q2", value=99.77,
           note="seed 001 line 3671: 'and 99.77% within 180 seconds' (also line 4064); in the Q2 2022/23 service "
                "summary, read as Q2 2022/23; only the percentage is printed"),
    ]
    return rows, published


# The health inequalities metrics tables: seed 003 Figs 5-7 (lines 338-390)
# with Dudley, West Midlands and England; the same rows are printed in seed
# 001 (strategy appendix 1382-1434, slides 2279-2332; cover-report Tables
# 1 and 3 at 848-901 rounded to one decimal without West Midlands).
HI = [  # line, data element, period as printed, period code, Dudley, WM, England, rating, 001 copies
    (339, "hi-overweight-y6", "2017/18 - 19/20", "FY2017-18..FY2019-20", "40.38", "37.56", "34.57", "Worse", [849, 868, 1383, 2280]),
    (340, "hi-overweight-reception", "2017/18 - 19/20", "FY2017-18..FY2019-20", "25.47", "23.80", "22.60", "Worse", [850, 869, 1384, 2281]),
    (341, "hi-overweight-adults", "2020/21", "FY2020-21", "66.80", "66.81", "36.77", "Similar", [851, 870, 1385, 2282]),
    (342, "hi-le-birth-male", "2020", "2020", "77.84", "77.61", "78.67", "Worse", [852, 871, 1386, 2283]),
    (343, "hi-le-birth-female", "2020", "2020", "81.84", "81.81", "82.62", "Worse", [853, 872, 1387, 2284]),
    (344, "hi-le-65-male", "2020", "2020", "17.48", "17.53", "18.11", "Worse", [854, 873, 1388, 2285]),
    (345, "hi-le-65-female", "2020", "2020", "20.37", "20.18", "20.69", "Similar", [855, 874, 1389, 2286]),
    (346, "hi-le-inequality-birth-male", "2018 - 20", "2018-2020", "9.20", "10.10", "9.70", "Not compared", [856, 875, 1390, 2287]),
    (347, "hi-le-inequality-birth-female", "2018 - 20", "2018-2020", "8.60", "7.90", "7.90", "Not compared", [857, 876, 1391, 2288]),
    (348, "hi-le-inequality-65-male", "2018 - 20", "2018-2020", "5.30", "5.40", "5.20", "Not compared", [858, 877, 1392, 2289]),
    (349, "hi-le-inequality-65-female", "2018 - 20", "2018-2020", "4.70", "4.90", "4.80", "Not compared", [859, 878, 1393, 2290]),
    (350, "hi-dfle-birth-male", "2018 - 20", "2018-2020", "60.45", "61.64", "62.35", "Similar", [860, 879, 1394, 2291]),
    (351, "hi-dfle-birth-female", "2018 - 20", "2018-2020", "60.07", "59.91", "60.94", "Similar", [861, 880, 1395, 2292]),
    (352, "hi-dfle-65-male", "2018 - 20", "2018-2020", "9.74", "9.36", "9.84", "Similar", [862, 881, 1396, 2293]),
    (353, "hi-dfle-65-female", "2018 - 20", "2018-2020", "8.58", "9.20", "9.87", "Similar", [863, 882, 1397, 2294]),
    (358, "hi-flu-vacc-at-risk", "2021/22", "FY2021-22", "51.50", "51.90", "52.94", "Worse", [1402, 2300]),
    (359, "hi-physically-inactive", "2020/21", "FY2020-21", "29.61", "25.63", "20.05", "Worse", [1403, 2301]),
    (360, "hi-t2dm-minority-ethnic", "2019/20", "FY2019-20", "15.00", "", "21.60", "Not compared", [1404, 2302]),
    (361, "hi-winter-fuel-payments-65", "2019/20", "FY2019-20", "95.59", "94.94", "94.08", "Better", [1405, 2303]),
    (362, "hi-hiv-late-diagnosis", "2018 - 20", "2018-2020", "29.63", "44.96", "42.40", "Similar", [1406, 2304]),
    (363, "hi-fuel-poverty", "2020", "2020", "17.30", "17.83", "13.23", "Not compared", [1407, 2305]),
    (364, "excess-winter-deaths", "2019 - 2020", "FY2019-20", "20.20", "18.00", "17.40", "Similar", [1408, 2306]),
    (365, "hi-smi-excess-u75-cvd", "2018 - 20", "2018-2020", "200.60", "264.40", "306.60", "Better", [1409, 2307]),
    (366, "hi-drug-misuse-deaths", "2018 - 20", "2018-2020", "4.19", "5.28", "5.02", "Similar", [1410, 2308]),
    (367, "hi-ld-paid-employment", "2019/20", "FY2019-20", "3.80", "4.20", "5.56", "Worse", [1411, 2309]),
    (368, "hi-ld-gp-health-check", "2018/19", "FY2018-19", "3.39", "46.10", "52.26", "Worse", [1412, 2310]),
    (369, "hi-nhs-health-check", "2018/19 Q1", "FY2018-19Q1", "3.16", "1.75", "1.85", "Better", [1413, 2311]),
    (370, "hi-alcohol-admissions-narrow", "2020/21", "FY2020-21", "489.67", "515.00", "455.91", "Worse", [1414, 2312]),
    (371, "hi-neet-16-17", "2020", "2020", "5.73", "5.69", "5.48", "Similar", [1415, 2313]),
    (376, "hi-u75-preventable-cancer-mortality", "2020", "2020", "62.88", "55.41", "51.49", "Worse", [887, 1420, 2318]),
    (377, "hi-suicide-rate", "2019 - 21", "2019-2021", "10.31", "10.72", "10.43", "Similar", [888, 1421, 2319]),
    (378, "hi-stroke-admissions", "2020/21", "FY2020-21", "137.07", "", "161.81", "Better", [889, 1422, 2320]),
    (379, "hi-smoking-early-pregnancy", "2018/19", "FY2018-19", "15.65", "14.47", "12.76", "Worse", [890, 1423, 2321]),
    (380, "hi-smoking-adults", "2020/21", "FY2020-21", "16.90", "16.32", "15.94", "Worse", [891, 1424, 2322]),
    (381, "hi-diabetes-prevalence", "2020/21", "FY2020-21", "7.99", "8.01", "7.11", "Not compared", [892, 1425, 2323]),
    (382, "hi-cvd-prevalence", "2020/21", "FY2020-21", "4.03", "3.18", "3.05", "Not compared", [893, 1426, 2324]),
    (383, "hi-infant-mortality", "2018 - 20", "2018-2020", "4.29", "5.57", "3.90", "Similar", [894, 1427, 2325]),
    (384, "hi-self-harm-admissions", "2020/21", "FY2020-21", "151.97", "166.58", "181.22", "Better", [895, 1428, 2326]),
    (385, "hi-copd-admissions", "2019/20", "FY2019-20", "479.22", "468.16", "415.12", "Worse", [896, 1429, 2327]),
    (386, "hi-early-access-maternity", "2018/19", "FY2018-19", "74.81", "56.78", "57.78", "Better", [897, 1430, 2328]),
    (387, "hi-gld-2-2-5yrs", "2020/21", "FY2020-21", "72.02", "81.58", "82.86", "Worse", [898, 1431, 2329]),
    (388, "hi-chd-admissions", "2020/21", "FY2020-21", "369.33", "", "367.59", "Similar", [899, 1432, 2330]),
    (389, "hi-cancer-smr", "2016 - 20", "2016-2020", "106.29", "", "100.00", "Worse", [900, 1433, 2331]),
    (390, "cancer-early-stage", "2019", "2019", "58.31", "54.31", "55.02", "Better", [901, 1434, 2332]),
]
HI_FIG = {339: "Fig 5", 358: "Fig 6", 376: "Fig 7"}
HI_ANOMALY = {
    341: ("england", "anomaly: England 36.77 is implausible beside Dudley 66.80 and West Midlands 66.81 and "
                     "contradicts the rating 'Similar'; kept as published"),
    347: ("west-midlands", "anomaly: West Midlands and England are both 7.90 (possible copy); kept as published"),
    368: ("dudley", "anomaly: Dudley 3.39% is an order of magnitude below West Midlands 46.10 / England 52.26 "
                    "and the DQOFH LD check (seed 000 line 325); kept as published"),
    369: ("all", "anomaly: a single quarter (2018/19 Q1) in a table of annual and pooled periods; kept as "
                 "published"),
}


def fig_of(line):
    return "Fig 5" if line < 355 else "Fig 6" if line < 373 else "Fig 7"


def hi_note(line, period_text, copies, org):
    cover = [c for c in copies if c < 1000]
    rest = [c for c in copies if c >= 1000]
    note = "seed 003 line %d (%s, period '%s'); same row seed 001 lines %s" % (
        line, fig_of(line), period_text, ", ".join(map(str, rest)))
    if cover and org != "west-midlands":
        note += "; rounded to one decimal in seed 001 line %s" % " and ".join(map(str, cover))
        if len(cover) > 1:
            note += " (cover-report Table 2 repeats Table 1)"
    if line == 364:
        note += "; the period is printed '2019 - 2020' (one winter), carried as the year FY2019-20"
    if line in HI_ANOMALY and HI_ANOMALY[line][0] in (org, "all"):
        note += "; " + HI_ANOMALY[line][1]
    return note


def seed003_hi():
    rows = []
    for line, de, ptext, period, dud, wm, eng, rating, copies in HI:
        rows.append(ob(de, "dudley", period, value=num(dud), assessment=rating.lower().replace(" ", "_"),
                       note=hi_note(line, ptext, copies, "dudley") + "; Dudley compared to England: '%s'" % rating))
        if wm:
            rows.append(ob(de, "west-midlands", period, value=num(wm), note=hi_note(line, ptext, copies, "west-midlands")))
        rows.append(ob(de, "england", period, value=num(eng), note=hi_note(line, ptext, copies, "england")))
    return rows


def ohid_profiles():
    """Figures of the strategy's infographics and Fingertips charts
    (seed 001 lines 780-842, 1444-1563, 2107-2202; seed 003 lines 400-526)."""
    return [
        ob("ph-u18-conceptions", "dudley", "2020", value=15.3,
           note="seed 003 line 478 ('Under 18s conception rate / 1,000', 2020, lines 475-476; chart title only in "
                "seed 001 line 1522)"),
        ob("ph-u18-conceptions", "england", "2020", value=13.0,
           note="seed 003 line 480 ('Under 18s conception rate / 1,000', 2020, lines 475-476)"),
        ob("ph-cancer-emergency-admissions", "dudley", "FY2020-21", value=539,
           note="seed 001 line 1552: 'There were 1,770 emergency admissions in 2020/21 (539 per 100,000)' (also "
                "seed 003 line 509); practices range 39 to 948 per 100,000 (practices not named)"),
        ob("pop-ltc-unemployed", "dudley", "FY2021-22", value=5.3,
           note="seed 001 line 1452 (also 2140; seed 003 line 408); period '(Apr 21-Mar 22)' printed at the end "
                "of the same sentence (line 1456)"),
        ob("pop-ltc-unemployed", "england", "FY2021-22", value=2.8,
           note="seed 001 line 1452: 'compared to 2.8% nationally' (also 2140; seed 003 line 408); period "
                "'(Apr 21-Mar 22)' (line 1456)"),
        ob("pop-ltc-economically-inactive", "dudley", "FY2021-22", value=49.7,
           note="seed 001 line 1456: '49.7% are economically inactive (Apr 21-Mar 22)' (also 2144; seed 003 "
                "line 412); population read as people with long term conditions (sentence continues line 1452)"),
        ob("pop-children-low-income", "dudley", "FY2020-21", value=15464,
           note="seed 001 line 1460: '1 in 4 (15,464) children in Dudley are living in relative low income "
                "families (2020/21)' (also 2148; seed 003 lines 416-420)"),
        ob("pop-child-poverty-u16", "dudley", "2021", value=25,
           note="seed 001 line 2109: '25% of young people aged under 16 live in poverty in Dudley' (lines "
                "2109-2116, '(2021)')"),
        ob("pop-child-poverty-u16", "england", "2021", value=19,
           note="seed 001 line 2115: 'compared to 19% in England. (2021)'"),
        ob("pop-workless-households", "dudley", "2020", value=13600,
           note="seed 001 line 1510: '13,600 workless households across Dudley in December 2020' (also 2198); "
                "carried as calendar year 2020"),
        ob("hwb-ljsa-claimants", "england", "FY2021-22", value=2,
           note="seed 001 line 802: 'compared to 2/1000 in England overall', period '(2021/22)' line 806; the "
                "Dudley figure is in an image"),
        ob("hwb-older-people-lonely", "england", "2013", value=34,
           note="seed 001 line 812: 'compared to 34% in England overall. [2013]'; the Dudley figure is in an image"),
    ]


def dmbc_children_hwb():
    return [ob("hwb-gcse-fsm-gap", "dudley", "FY2018-19", value=40, breakdown="fsm_not_eligible",
               note="seed 001 line 838: '40% of pupils not eligible for free school meals' achieve grades 5 or "
                    "above in English & Maths GCSEs '(2018/19)' (line 842); academic year 2018/19 carried as "
                    "FY2018-19; the FSM-eligible figure is in an image")]


def kpi_benchmarks():
    """The 'Benchmarking comparator data' cells of the ASC scorecard: annual
    England figures printed beside quarterly KPIs, sent as the annual
    elements pi-NNNN-england-benchmark (the scorecard shows them beside the
    KPI's row; catalogue benchmark_element)."""
    return [
        ob("pi-2133-england-benchmark", "england", "FY2019-20", value=77.3,
           note="seed 001 line 3806: benchmarking comparator '77.3% England 19/20'; an annual figure for a "
                "quarterly element"),
        ob("pi-501-england-benchmark", "england", "FY2019-20", value=82,
           note="seed 001 line 3808: benchmarking comparator '82% England 19/20'; an annual figure for a "
                "quarterly element"),
        ob("pi-2134-england-benchmark", "england", "FY2019-20", value=77.3,
           note="seed 001 line 3817: benchmarking comparator '77.3% England 19/20'; anomaly: identical to "
                "PI 2133's (line 3806), apparently copied from the row above; kept as published"),
    ]


# ------------------------------------------------------------------ seed 002

def seed002_ohid():
    return [
        ob("breastfeeding-rate", "dudley", "FY2016-17", value=55.3,
           note="seed 002 line 309: 'The 2016/17 breastfeeding rate in Dudley was only 55.3%, significantly "
                "lower than the England average (74.5%)' (lines 309-310)"),
        ob("breastfeeding-rate", "england", "FY2016-17", value=74.5,
           note="seed 002 line 310: 'England average (74.5%)' (2016/17, line 309)"),
        ob("ncmp-y6-obese", "england", "FY2017-18", value=20.1,
           note="seed 002 line 463: 'worse than the England average of 20.1%' (2017/18, line 461); the Dudley "
                "figure is printed only as 'more than 25%' (line 461), a bound, not sent"),
    ]


# ------------------------------------------------------------------ seed 004

def seed004_dihc():
    return [ob("dqofh-holistic-reviews", "dudley", "FY2021-22", value=45594,
               note="seed 004 line 317: 'in 2021/22 45,594 patients had a review and were set personalised goals' "
                    "(lines 317-319; also seed 001 line 2860)"),
            ob("integration-agreement-practices", "dudley", "FY2022-23", num=40, den=43,
               note="seed 004 line 309: 'signed by DIHC and 40/43 practices' (also lines 228, 244, 367); period "
                    "read from the document: 'Achievements to Date' of the strategy approved on 1 November 2022 "
                    "(seed 001 line 2456), so the position in 2022/23")]


# -------------------------------------------------------------- the files

def batch(key, rows):
    return {"batch_key": key, "observations": rows}


def write(path, doc, indented=False):
    """One row a line; indented: json.dump with indent 1 and no final
    newline, the layout the published-values and benchmark files were
    committed in (kept so that a re-run reproduces them byte for byte)."""
    if indented:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"batch_key": %s, "observations": [\n' % json.dumps(doc["batch_key"]))
        rows = doc["observations"]
        for i, r in enumerate(rows):
            f.write("  " + json.dumps(r, ensure_ascii=False))
            f.write(",\n" if i + 1 < len(rows) else "\n")
        f.write("]}\n")


# Files written indented (see write()).
INDENTED = {"bc-icb-annual-report-2024-25-published-values.json", "dmbc-ph-annual-report-2024-25-published-values.json",
            "dihc-annual-report-2024-25-published-values.json", "dmbc-asc-qpr-2022-23-q2-published-values.json",
            "ohid-kpi-benchmarks.json"}


def build():
    """name -> (partner, batch key, rows) for every file of feeds/ but the
    synthetic ones (generate.py writes those)."""
    f000, pv000, dgft000 = seed000()
    asc, asc_pv = seed001_asc()
    return {
        "bc-icb-annual-report-2024-25.json": ("bc-icb", "seed000-annual-report-2024-25-bc-icb-v1", f000["bc-icb"]),
        "bc-icb-annual-report-2024-25-published-values.json": (
            "bc-icb", "seed000-annual-report-2024-25-bc-icb-published-values-v1", pv000["bc-icb"]),
        "dmbc-ph-annual-report-2024-25-published-values.json": (
            "dmbc-ph", "seed000-annual-report-2024-25-dmbc-ph-published-values-v1", pv000["dmbc-ph"]),
        "dihc-annual-report-2024-25.json": ("dihc", "seed000-annual-report-2024-25-dihc-v1", f000["dihc"]),
        "dihc-annual-report-2024-25-published-values.json": (
            "dihc", "seed000-annual-report-2024-25-dihc-published-values-v1", pv000["dihc"]),
        "dmbc-children-annual-report-2024-25.json": ("dmbc-children", "seed000-annual-report-2024-25-dmbc-children-v1",
                                                     f000["dmbc-children"]),
        "dgft-annual-report-2024-25.json": ("dgft", "seed000-annual-report-2024-25-dgft-v1", dgft000),
        "ohid-annual-report-2024-25.json": ("ohid", "seed000-annual-report-2024-25-ohid-v1", f000["ohid"]),
        "dmbc-corp-qpr-2022-23-q2.json": ("dmbc-corp", "seed001-qpr-2022-23-q2-dmbc-corp-v1", seed001_kpis()),
        "dmbc-asc-qpr-2022-23-q2.json": ("dmbc-asc", "seed001-qpr-2022-23-q2-dmbc-asc-v1", asc),
        "dmbc-asc-qpr-2022-23-q2-published-values.json": (
            "dmbc-asc", "seed001-qpr-2022-23-q2-dmbc-asc-published-values-v1", asc_pv),
        "ohid-kpi-benchmarks.json": ("ohid", "seed001-qpr-2022-23-q2-benchmarks-ohid-v1", kpi_benchmarks()),
        "ohid-health-inequalities.json": ("ohid", "seed003-health-inequalities-tables-ohid-v1", seed003_hi()),
        "ohid-population-profiles.json": ("ohid", "seed001-seed003-population-profiles-ohid-v1", ohid_profiles()),
        "dmbc-children-hwb-challenges.json": ("dmbc-children", "seed001-hwb-challenges-dmbc-children-v1",
                                              dmbc_children_hwb()),
        "ohid-ccg-plan-2019-20.json": ("ohid", "seed002-ccg-plan-2019-20-ohid-v1", seed002_ohid()),
        "dihc-primary-care-strategy-2022.json": ("dihc", "seed004-primary-care-strategy-2022-dihc-v1",
                                                 seed004_dihc()),
    }


def receipt_warnings(rows):
    """The data-quality warnings intake puts in a batch's receipt
    (services/intake/intake_validate.c, intake_warn_rows): row index ->
    code.  percent_over_100: a value above 100 for an element whose
    value_unit is a percentage that may exceed 100 (percent_occupancy);
    same_as_other_element: a non-zero value equal to an earlier row's of
    another element for the same org unit, period and breakdown."""
    cat = json.load(open(CATALOGUE, encoding="utf-8"))
    unit = {d["code"]: d.get("value_unit") or "" for d in cat["data_elements"]}
    out, seen = {}, {}
    for i, r in enumerate(rows):
        if "value" not in r:
            continue
        u = unit.get(r["data_element"], "")
        if u.startswith("percent") and u != "percent" and r["value"] > 100:
            out[i] = "percent_over_100"
        if r["value"] == 0:
            continue
        k = (r["org_unit"], r["period"], float(r["value"]))
        if k not in seen:
            seen[k] = i
        elif (rows[seen[k]]["data_element"] != r["data_element"]
              and rows[seen[k]].get("breakdown", "total") == r.get("breakdown", "total")):
            out[i] = "same_as_other_element"
    return out


# ------------------------------------------------------------ expected.json

def _footnote(r):
    """The progress table's footnote for a row (export_progress)."""
    status = r.get("status")
    if status == "snapshot":
        return "snapshot " + r["snapshot_date"]
    if status == "not_available":
        return "not available: " + r["note"]
    if status == "provisional":
        return "provisional"
    return None


def expected(feeds):
    syn = json.load(open(os.path.join(HERE, "synthetic-summary.json"), encoding="utf-8"))
    twin_of = {v["yearly_element"]: (k, v) for k, v in syn["series"].items() if v["yearly_element"]}
    loc, row_of = {}, {}
    for name, (partner, key, rows) in feeds.items():
        for r in rows:
            k = (r["data_element"], r["org_unit"], r["period"], r.get("breakdown"))
            loc[k], row_of[k] = "feeds/" + name, r

    progress = []
    for line, de, target, cells, how in PROGRESS:
        for period, text in zip(COLS, cells):
            row = {"indicator": de, "seed": "000", "line": line, "period": period,
                   "printed": text or None, "value": num(text) if text else None,
                   "target_text": target if period == "FY2024-25" else None}
            if de == "htn-treated-to-target" and period == "FY2024-25":
                row["target_elsewhere"] = ("80%: the table's target cell is blank; seed 000 line 146 'GPs have "
                                           "successfully met their target of treating 80% of hypertension patients' "
                                           "(the catalogue's target)")
            if not text:
                row["carried"] = "blank in the seed"
                if de == "screening-breast-coverage" and period == "FY2024-25":
                    row["carried"] = "status not_available (footnote line 332), feeds/ohid-annual-report-2024-25.json"
                    row["footnote"] = _footnote(row_of[(de, "dudley", period, None)])
                if de == "cancer-early-stage":
                    row["carried"] = ("blank; footnote line 332 gives 2021 (calendar year) 60.1%, sent as period "
                                      "2021 with 2022-2024 not_available, feeds/ohid-annual-report-2024-25.json")
                if how == "synthetic" and de in twin_of:
                    row["carried"] += ("; the synthetic practice series gives %.1f for this year (not a seed figure)"
                                       % twin_of[de][1]["place"][period]["value"])
            elif how == "synthetic":
                place = twin_of[de][1]["place"][period]
                row["carried"] = ("aggregate of the synthetic practice rows (%s, %s yearly rows), calibrated: "
                                  "Dudley numerator %d / denominator %d = %.4f%%, which rounds to the published "
                                  "figure; the published figure itself is not sent (the element is a practice-level "
                                  "fraction)" % ("feeds/dihc-synthetic.json" if de.startswith("dqofh")
                                                  else "feeds/gp-practices-synthetic.json", de,
                                                  place["numerator"], place["denominator"], place["value"]))
                row["dudley_numerator"], row["dudley_denominator"] = place["numerator"], place["denominator"]
            else:
                key = None
                for k in loc:
                    if k[0] == de and k[1] == "dudley" and (k[2] == period or
                                                           (de in ("children-missing-education", "virtual-ward-occupancy")
                                                            and _fy_of_day(k[2]) == period)):
                        key = k
                row["carried"] = loc.get(key, "?") + (" (period %s)" % key[2] if key and key[2] != period else "")
                if how == "published":
                    row["carried"] += (" - a published value: the seed prints only the figure, so the element is of "
                                       "kind value and the indicator's calculation is published")
                if key and _footnote(row_of[key]):
                    row["footnote"] = _footnote(row_of[key])
            progress.append(row)

    hi = []
    for line, de, ptext, period, dud, wm, eng, rating, copies in HI:
        hi.append({"indicator": de, "period": period, "period_printed": ptext, "dudley": num(dud),
                   "west_midlands": num(wm) if wm else None, "england": num(eng),
                   "dudley_compared_to_england": rating, "seed": "003", "line": line,
                   "same_row_seed_001": copies})

    warnings = []
    for n, (_, _, rows) in feeds.items():
        codes = receipt_warnings(rows)
        for i, r in enumerate(rows):
            if "anomaly" in r["note"] or r.get("status") == "provisional":
                warnings.append({"data_element": r["data_element"], "org_unit": r["org_unit"], "period": r["period"],
                                 "breakdown": r.get("breakdown", "total"), "file": "feeds/" + n,
                                 "seed_line": r["note"].split(" (")[0].split(":")[0].split(";")[0],
                                 "issue": r["note"][r["note"].find("anomaly"):] if "anomaly" in r["note"]
                                 else "provisional: " + r["note"].split("; ", 1)[1],
                                 "value": r.get("value"), "receipt_warning": codes.get(i)})
            elif i in codes:
                raise SystemExit("%s row %d: intake warns %s but the note names no anomaly" % (n, i + 1, codes[i]))

    def count(d):
        return {"feeds/" + n: {"partner": p, "batch_key": k, "rows": len(rows), "accepted": len(rows),
                               "receipt_warnings": len(receipt_warnings(rows))}
                for n, (p, k, rows) in d.items()}
    synthetic_files = {}
    for n, p in [("gp-practices-synthetic.json", "gp-practices"), ("dihc-synthetic.json", "dihc")]:
        doc = json.load(open(os.path.join(FEEDS, n), encoding="utf-8"))
        synthetic_files["feeds/" + n] = {"partner": p, "batch_key": doc["batch_key"],
                                         "rows": len(doc["observations"]), "accepted": len(doc["observations"]),
                                         "receipt_warnings": 0}

    imd = {}
    for n in ("gp-practices-synthetic.json", "dihc-synthetic.json"):
        for r in json.load(open(os.path.join(FEEDS, n), encoding="utf-8"))["observations"]:
            if r.get("breakdown", "").startswith("imd_") and r["period"] >= "2024-04":
                a = imd.setdefault(r["data_element"], {}).setdefault(r["breakdown"], [0, 0])
                a[0] += r["numerator"]
                a[1] += r["denominator"]
    imd_out = {de: {b: round(100.0 * v[0] / v[1], 2) for b, v in sorted(q.items())} for de, q in imd.items()}

    return {
        "_about": ("What the end-to-end test should find after loading every file under sample/feeds/ (see "
                   "README.md). Written by sample/published.py; seed lines are 1-based lines of shared/seeds/"
                   "NNN_*.txt. Values are as published (no rounding or correction)."),
        "files": dict(count(feeds), **synthetic_files),
        "corporate_kpi_scorecard_q2_2022_23": {
            "reference": "tests/data/seed001_corporate_kpis.json",
            "what": ("the eight corporate KPIs' values for FY2021-22Q2, FY2022-23Q1 and FY2022-23Q2, targets, "
                     "expected score, short-term and annual trend, and the Public Health dashboard counts; "
                     "loaded by feeds/dmbc-corp-qpr-2022-23-q2.json (which adds PI 2257's FY2021-22 Q1, Q3 and "
                     "Q4 from the exception report, seed 001 line 4211)"),
            "period": "FY2022-23Q2",
            "rows": {de: line for de, line, _ in KPIS},
            "pi_2257_history": {"FY2021-22Q1": 1236000, "FY2021-22Q2": 410400, "FY2021-22Q3": 414000,
                                "FY2021-22Q4": 518000, "FY2022-23Q1": 135000, "FY2022-23Q2": 6000,
                                "line": 4211},
            "england_benchmarks": {r["data_element"][:-len("-england-benchmark")]: {
                "data_element": r["data_element"], "period": r["period"], "value": r["value"],
                "printed": "%s%% England 19/20" % r["value"], "line": int(r["note"].split()[3].rstrip(":")),
                "file": "feeds/ohid-kpi-benchmarks.json"} for r in kpi_benchmarks()},
        },
        "progress_table_seed000": progress,
        "health_inequalities": hi,
        "data_quality_warnings": warnings,
        "synthetic": {
            "files": sorted(synthetic_files),
            "note": "every synthetic row has note 'synthetic'",
            "stops_reporting": syn["stops_reporting"],
            "step_change": syn["step_change"],
            "drifts": syn["drifts"],
            "place_yearly": {v["yearly_element"]: {fy: {"value": x["value"], "published": x["published"]}
                                                   for fy, x in v["place"].items()}
                             for v in syn["series"].values() if v["yearly_element"]},
            "imd_breakdown_fy2024_25_percent": imd_out,
        },
        "not_sent": NOT_SENT,
    }


def _fy_of_day(day):
    y, m = int(day[:4]), int(day[5:7])
    s = y if m >= 4 else y - 1
    return "FY%04d-%02d" % (s, (s + 1) % 100)


NOT_SENT = [
    {"seed": "000", "line": 148, "indicator": "lung-health-check-scans / lung-health-check-cancers",
     "why": "2,222 scans and 10 cancers (9 stage 1, 1 stage 2) over Aug 2024 - Feb 2025 in 2 unnamed PCNs: a 7-month "
            "total for a monthly element, and the PCNs are not named"},
    {"seed": "000", "line": 298, "indicator": "cancer-early-stage", "why": "row blank; footnote figure sent instead"},
    {"seed": "001", "line": 780, "indicator": "hwb-hle-ward-range", "why": "55 vs 71 years: no period printed"},
    {"seed": "001", "line": 820, "indicator": "hwb-children-feel-good", "why": "'1 in 10': no period printed"},
    {"seed": "001", "line": 1448, "indicator": "pop-limiting-ltc", "why": "9.8%: no period printed"},
    {"seed": "001", "line": 1514, "indicator": "pop-earnings-gap", "why": "£18.60 a week: no period printed"},
    {"seed": "001", "line": 1563, "indicator": "hi-diabetes-prevalence",
     "why": "practice range 6%-12%: practices not named (used for the synthetic diabetes registers)"},
    {"seed": "001", "line": 3828, "indicator": "asc-ai00-live-delays", "why": "no value row (commentary only)"},
    {"seed": "001", "line": 4226, "indicator": "pi-2257",
     "why": "October 2022 £191,000: a month figure for a quarterly element"},
    {"seed": "001", "line": 1506, "indicator": "hi-neet-16-17",
     "why": "5.7% (2020) is the table's 5.73 rounded (seed 003 line 371), sent once"},
    {"seed": "003", "line": 482, "indicator": "hi-infant-mortality",
     "why": "chart 4.3 / 3.9 (2018-20) is the table's 4.29 / 3.90 rounded, sent once"},
    {"seed": "003", "line": 517, "indicator": "hi-diabetes-prevalence / ph-chd-flu-immunised",
     "why": "'NHS Dudley CCG 8.0 / England 7.1' under the CHD flu heading are the diabetes prevalence values "
            "(7.99 / 7.11), misplaced; not sent as CHD flu figures (anomaly)"},
    {"seed": "002", "line": 143, "indicator": "hi-le-birth-male", "why": "78.5 vs England 78.9: no period printed"},
    {"seed": "002", "line": 144, "indicator": "le-gap-deprivation", "why": "8.2 years: no period printed"},
    {"seed": "002", "line": 149, "indicator": "depression-prevalence", "why": "11.7% vs 9.9%: no period printed"},
    {"seed": "002", "line": 302, "indicator": "pi-2260",
     "why": "14.4% smoking at delivery, 'nearly 4% higher than the England average': no period printed"},
    {"seed": "002", "line": 311, "indicator": "bf-6-8wk-any", "why": "'less than 32%': a bound, no period"},
    {"seed": "002", "line": 460, "indicator": "hi-overweight-reception", "why": "27%: no period printed"},
    {"seed": "002", "line": 461, "indicator": "ncmp-y6-obese",
     "why": "Dudley 'more than 25%' (2017/18): a bound (England 20.1% is sent)"},
    {"seed": "002", "line": 1924, "indicator": "ae-4hr",
     "why": "84.94% 'currently': no period printed; the element is a fraction and only the percentage is given"},
    {"seed": "002", "line": 1957, "indicator": "sdec-share",
     "why": "23% 'currently': no period printed; fraction element, percentage only"},
    {"seed": "002", "line": 1975, "indicator": "dtoc-beds-pct", "why": "'over 9%' two years before: a bound"},
    {"seed": "002", "line": 2000, "indicator": "rtt-52wk-waiters", "why": "'currently no 52-week waiters': no period"},
    {"seed": "002", "line": 2501, "indicator": "cyp-autism-wait", "why": "22 weeks 'current': no period printed"},
    {"seed": "002", "line": 3197, "indicator": "bcf-social-care-dtoc",
     "why": "a 92.4% reduction Aug 2017 - Aug 2018: a change, not a value of the element"},
    {"seed": "002", "line": 3204, "indicator": "dtoc-beds-pct", "why": "'less than 3.5%' Dec 2017 - Sep 2018: a bound"},
    {"seed": "002", "line": 3208, "indicator": "ert-front-door-needs-met", "why": "'over 1000': a bound, no period"},
    {"seed": "002", "line": 3230, "indicator": "bcf-nea / bcf-res-admissions-65plus / pi-501 / bcf-dtoc-days",
     "why": "'On track to meet target' assessments without a value or a quarter"},
    {"seed": "004", "line": 219, "indicator": "gp-headcount", "why": "a net change of -16, not a headcount"},
    {"seed": "004", "line": 220, "indicator": "practice-list-size", "why": "+642 since 2015: a change"},
    {"seed": "004", "line": 222, "indicator": "appointments-face-to-face",
     "why": "'two thirds' currently: no period; fraction element (the synthetic series uses the level)"},
    {"seed": "004", "line": 313, "indicator": "pharm-prescribing-roi", "why": "£4.73 per £1: no period printed"},
    {"seed": "004", "line": 323, "indicator": "intplus-ae-reduction-6m / intplus-ae-reduction-12m",
     "why": "37% / 50%: no period printed"},
    {"seed": "004", "line": 331, "indicator": "access-hub-patients / access-hub-seen-15min / access-hub-very-satisfied",
     "why": "'in excess of 1200 a month since January 2022' (a bound), 91% and 88% without period or counts"},
]


def main():
    feeds = build()
    os.makedirs(FEEDS, exist_ok=True)
    for name, (partner, key, rows) in feeds.items():
        write(os.path.join(FEEDS, name), batch(key, rows), indented=name in INDENTED)
        print("feeds/%s (%s): %d rows" % (name, partner, len(rows)))
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected(feeds), f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
