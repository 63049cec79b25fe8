"""Packs for optimizer tests: the tiny pack, and a serial chain small enough to write an LP for by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import allyforge

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "fixtures" / "tiny"

SERIAL_PERIODS = 6


def write_serial_pack(dst: Path, mine_cap: float = 4, make_cap: float = 2, demand: tuple = (0, 0, 1, 2, 3, 2), initial_widgets: float = 0) -> Path:
    """mine --ore, lead 1--> plant (2 ore -> 1 widget, cycle 1) --widget, lead 0--> base (US demand, backorder)."""
    dst.mkdir(parents=True, exist_ok=True)
    files = {
        "pack.yaml": "name: serial\nversion: 0.0.1\ndescription: serial chain\ncalendar: {kind: month, start: 2026-01, end: 2026-06}\nbase_currency: USD\n",
        "sources.csv": "id,title,publisher,date,url,confidence,kind,uncertain,note\ns1,Test figures,tests,2026,https://example.org,A,fact,false,\n",
        "parties.csv": "id,name,country,fiscal_year_start_month,fiscal_year_named_by,currency,sector\nUS,United States,US,10,end,USD,government\n",
        "items.csv": "id,name,unit,kind,groups,unit_value,currency,holding_cost,source\nore,Ore,kg,mineral,,1,USD,0.5,s1\nwidget,Widget,each,end_item,,100,USD,5,s1\n",
        "programs.csv": "id,item,party,name\nwidget-us,widget,US,Widget\n",
        "sites.csv": "id,name,country,kind,operator,party,sector,lat,lon,ttr,source\nmine,Mine,US,mine,,US,civil,,,,\nplant,Plant,US,plant,,US,military,,,,\nbase,Base,US,customer,,US,military,,,,\n",
        "processes.csv": "id,site,capacity,cycle_time,yield,priority,cost_per_run,currency,cost_party,annual_output,status,source\n"
        f"mining,mine,{mine_cap},1,1,1,,,,,active,s1\nmaking,plant,{make_cap},1,1,1,10,USD,US,,active,s1\n",
        "process_inputs.csv": "process,item,quantity,low,high,source\nmaking,ore,2,,,s1\n",
        "process_outputs.csv": "process,item,quantity,source\nmining,ore,1,s1\nmaking,widget,1,s1\n",
        "lanes.csv": "id,item,origin,destination,lead_time,capacity,share,priority,cost_per_unit,currency,cost_party,status,source\n"
        "ore-lane,ore,mine,plant,1,,,1,2,USD,US,active,s1\nwidget-lane,widget,plant,base,0,,,1,,,,active,s1\n",
        "demands.csv": "site,item,party,period,quantity,priority,backorder,backorder_cost,currency,source\n"
        + "".join(f"base,widget,US,2026-0{t + 1},{q},1,true,1000,USD,s1\n" for t, q in enumerate(demand)),
        "stocks.csv": "site,item,initial,policy,level,release,holding_cost,source\n" + (f"plant,widget,{initial_widgets},none,,,,s1\n" if initial_widgets else ""),
        "trade_rules.csv": "id,origin_country,destination_country,items,start,effect,end,end_use,fraction,delay,source\n",
        "capacities.csv": "process,period,capacity,source\n",
        "candidates.csv": "id,kind,target,site,size,cost,currency,party,lead_time,details,source\n",
        "budgets.csv": "party,fiscal_year,amount,currency,purpose,source\n",
        "rates.csv": "currency,fiscal_year,per_base,source\n",
    }
    for name, text in files.items():
        (dst / name).write_text(text)
    return dst



SERIAL_CANDIDATES_CSV = ("id,kind,target,site,size,cost,currency,party,lead_time,details,source\n"
                         "more-making,capacity,making,,2,1000,USD,US,1,Second shift,s1\n"
                         "more-mining,capacity,mining,,3,800,USD,US,0,New pit,s1\n"
                         "widget-pile,stockpile,widget,base,3,700,USD,US,0,Widget stockpile,s1\n")


def write_serial_with_candidates(dst: Path, budget: float, candidates: bool = True) -> Path:
    """The serial chain with demand (0, 0, 2, 2, 3, 3), three candidates (unless not) and a mitigation budget for FY2026."""
    d = write_serial_pack(dst, mine_cap=4, make_cap=2, demand=(0, 0, 2, 2, 3, 3))
    if candidates:
        (d / "candidates.csv").write_text(SERIAL_CANDIDATES_CSV)
    (d / "budgets.csv").write_text(f"party,fiscal_year,amount,currency,purpose,source\nUS,2026,{budget},USD,mitigation,s1\n")
    return d

@pytest.fixture(scope="session")
def tiny():
    return allyforge.load_pack(TINY)


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "tiny"
    shutil.copytree(TINY, dst)
    return dst


@pytest.fixture
def serial(tmp_path: Path):
    return allyforge.load_pack(write_serial_pack(tmp_path / "serial"))
