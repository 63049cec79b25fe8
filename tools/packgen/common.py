"""Shared registry + CSV writer for the us-japan-2026 pack generator."""
import csv
import os
from collections import defaultdict

from pathlib import Path as _P
_ROOT = _P(__file__).resolve().parents[2]
SCHEMA = str(_ROOT / "src/allyforge/schema/attributes.csv")
OUT = os.environ.get("ALLYFORGE_PACKGEN_OUT") or str(_ROOT / "src/allyforge/pack/data/us-japan-2026")
COLS = defaultdict(list)
for _r in csv.DictReader(open(SCHEMA, encoding="utf-8")):
    COLS[_r["table"]].append(_r["column"])

T = defaultdict(list)   # table -> list of row dicts
SRC = {}                # source id -> row
MONTHS = [f"{y}-{m:02d}" for y in range(2024, 2031) for m in range(1, 13)]


def month_share(month):
    """The month's share of its year by calendar days (DESIGN: annual rates become per-period figures by days)."""
    import calendar
    y, m = int(month[:4]), int(month[5:7])
    return calendar.monthrange(y, m)[1] / (366 if calendar.isleap(y) else 365)


def source(id, title, *, kind="fact", publisher="", date="", url="", conf="", uncertain=False, note=""):
    if id in SRC:
        return id
    SRC[id] = dict(id=id, title=title, publisher=publisher, date=date, url=url, confidence=conf,
                   kind=kind, uncertain="true" if uncertain else "false", note=note)
    return id


def assume(id, title, note, uncertain=True):
    return source("a-" + id if not id.startswith("a-") else id, title, kind="assumption",
                  publisher="allyforge pack authors", date="2026", conf="C", uncertain=uncertain, note=note)


def derive(id, title, note, uncertain=False):
    return source("d-" + id if not id.startswith("d-") else id, title, kind="derivation",
                  publisher="allyforge pack authors", date="2026", conf="B", uncertain=uncertain, note=note)


def S(*ids):
    out = []
    for i in ids:
        for j in (i.split(";") if isinstance(i, str) else i):
            if j and j not in out:
                out.append(j)
    return ";".join(out)


def add(table, **row):
    T[table].append(row)
    return row


def find(table, **kw):
    return [r for r in T[table] if all(r.get(k) == v for k, v in kw.items())]


# ---- convenience builders ---------------------------------------------------------
def item(id, name, unit, kind, groups="", unit_value=None, currency=None, holding_cost=None, source=""):
    return add("items", id=id, name=name, unit=unit, kind=kind, groups=groups, unit_value=unit_value,
               currency=currency if (unit_value is not None or holding_cost is not None) else None,
               holding_cost=holding_cost, source=source)


def site(id, name, country, kind, operator="", party="", sector="civil", lat=None, lon=None, ttr=None, source=""):
    return add("sites", id=id, name=name, country=country, kind=kind, operator=operator, party=party,
               sector=sector, lat=lat, lon=lon, ttr=ttr, source=source)


def process(id, site, capacity, source, outputs, inputs=(), annual_output=None, status="active",
            cycle_time=None, priority=None, out_src=None):
    """outputs: [(item, qty)]; inputs: [(item, qty, low, high, src)]; capacity 'auto' resolved later."""
    add("processes", id=id, site=site, capacity=capacity, cycle_time=cycle_time, priority=priority,
        annual_output=annual_output, status=status, source=source)
    for it, q in outputs:
        add("process_outputs", process=id, item=it, quantity=q, source=out_src or source)
    for inp in inputs:
        it, q, lo, hi, s = (list(inp) + [None, None, None])[:5]
        add("process_inputs", process=id, item=it, quantity=q, low=lo, high=hi, source=s or source)


def capacity(process, period, cap, source):
    add("capacities", process=process, period=period, capacity=cap, source=source)


LEAD = {}


def lane(item, origin, dest, lead=0, cap=None, share=None, priority=1, status="active", source="", id=None,
         cap_frac=None):
    lid = id or f"{item}--{origin}--{dest}" + ("--cand" if status == "candidate" else "")
    return add("lanes", id=lid, item=item, origin=origin, destination=dest, lead_time=lead, capacity=cap,
               share=share, priority=priority, status=status, source=source, _cap_frac=cap_frac)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return ""
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        s = f"{v:.6g}"
        if "e" in s:
            s = f"{v:.10f}".rstrip("0").rstrip(".")
        return s
    return str(v)


def cited():
    out = set()
    for name, rows in T.items():
        for r in rows:
            for s in fmt(r.get("source")).split(";"):
                if s:
                    out.add(s)
    return out


# Maintenance tables are written by hand (docs/schedule.md); their sources live beside this file.
HAND_TABLES = {"yards", "yard_closures", "docks", "assets", "availabilities", "work_packages"}
HAND_SOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "maintenance_sources.csv")


def _hand_cited():
    out = set()
    for name in HAND_TABLES:
        path = os.path.join(OUT, f"{name}.csv")
        if os.path.exists(path):
            for r in csv.DictReader(open(path, encoding="utf-8-sig")):
                out.update(x for x in (r.get("source") or "").split(";") if x)
    return out


def write(meta_yaml):
    os.makedirs(OUT, exist_ok=True)
    for r in csv.DictReader(open(HAND_SOURCES, encoding="utf-8")):
        SRC.setdefault(r["id"], r)
    used = cited() | _hand_cited()
    missing = used - set(SRC)
    assert not missing, f"cited but undefined sources: {sorted(missing)}"
    T["sources"] = [SRC[k] for k in sorted(used)]
    for name, cols in COLS.items():
        if name in HAND_TABLES:
            continue
        rows = T.get(name, [])
        path = os.path.join(OUT, f"{name}.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                extra = set(k for k in r if not k.startswith("_")) - set(cols)
                assert not extra, (name, extra, r)
                w.writerow([fmt(r.get(c)) for c in cols])
    with open(os.path.join(OUT, "pack.yaml"), "w", encoding="utf-8") as f:
        f.write(meta_yaml)
    return {n: len(T.get(n, [])) for n in COLS}
