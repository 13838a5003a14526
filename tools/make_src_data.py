#!/usr/bin/env python3
"""One-off conversion: ../shared research data -> db/src/*.json (reviewable source data).

Not used at runtime. Run from anywhere:  python3 tools/make_src_data.py
Reads  <repo>/../shared/data/cspo-chronology.jsonl and <repo>/../shared/sources/*.txt
Writes <repo>/db/src/{nations,themes,sources,events}.json, statements/*.txt

The editorial layer (event ids, short titles, uncertainty notes, attributions, corrections
to titles, summaries and quotes, statement texts) lives in
the tables below, keyed by the chronology's (date, title), so that a change in the research
data that is not matched here fails loudly instead of silently producing new ids.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHRONOLOGY = SHARED / "data" / "cspo-chronology.jsonl"
SOURCES_DIR = SHARED / "sources"
OUT = ROOT / "db" / "src"

STATEMENT_FILE = "statements/2024-12-06-florence-joint-statement.txt"
STATEMENT_SOURCE = SOURCES_DIR / "004_3fe6f76d63c4f1b0.txt"
STATEMENT_START = "The Combined Space Operations (CSpO) Initiative Principals' Board met"

# The RCAF's printing of the 2019 statement: a header names the page, the statement is the
# last paragraph (../shared/sources/README.md). The file becomes the RCAF source's document.
SEVEN_NATION_FILE = "statements/2019-04-10-seven-nation-statement.txt"
SEVEN_NATION_DOCUMENT = "rcaf-2019-04-10-multinational-statement.txt"
SEVEN_NATION_SOURCE_TITLE = "Military cooperation concerning the space domain vital to nations' interests"
SEVEN_NATION_START = "As defence leaders in our respective nations"
STATEMENT_FILES = {  # event slug -> statement file under db/src
    "florence-joint-statement": STATEMENT_FILE,
    "seven-nation-statement": SEVEN_NATION_FILE,
}

NATIONS = {  # English name -> (code, alpha2)
    "Australia": ("AUS", "AU"),
    "Canada": ("CAN", "CA"),
    "United Kingdom": ("GBR", "GB"),
    "United States": ("USA", "US"),
    "New Zealand": ("NZL", "NZ"),
    "Germany": ("DEU", "DE"),
    "France": ("FRA", "FR"),
    "Japan": ("JPN", "JP"),
    "Italy": ("ITA", "IT"),
    "Norway": ("NOR", "NO"),
}

# Membership table of shared/data/README.md: code -> (joined, precision, note)
MEMBERSHIP = {
    "AUS": ("2014-09-22", "day", "founding signatory"),
    "CAN": ("2014-09-22", "day", "founding signatory"),
    "GBR": ("2014-09-22", "day", "founding signatory"),
    "USA": ("2014-09-22", "day", "founding signatory"),
    "NZL": ("2015-07-01", "month", None),
    "DEU": ("2019-12-01", "month", "observer 2016, associate 2017"),
    "FRA": ("2020-02-11", "day", "observer 2016, associate 2017"),
    "JPN": ("2023-12-05", "day", None),
    "ITA": ("2023-12-07", "day", None),
    "NOR": ("2023-12-01", "month", None),
}

THEMES = [
    ("information-sharing", "Information sharing",
     "Events about partners exchanging space data, intelligence or other information with each other."),
    ("space-domain-awareness", "Space domain awareness",
     "Events about tracking and understanding what is in orbit, such as space situational awareness."),
    ("interoperability", "Interoperability",
     "Events about partners planning, commanding or operating together, such as combined command and control or exercises."),
    ("norms-responsible-behaviour", "Norms & responsible behaviour",
     "Events that stress responsible behaviour in space and a rules-based international order."),
    ("deterrence", "Deterrence",
     "Events about deterring hostile acts in space or defending against them."),
    ("debris-asat", "Debris & ASAT tests",
     "Events about orbital debris or anti-satellite missile tests, including commitments not to conduct destructive tests."),
    ("outer-space-treaty", "Outer Space Treaty & WMD",
     "Events that reaffirm the Outer Space Treaty, including its ban on nuclear weapons and other weapons of mass destruction in orbit."),
    ("resilience", "Resilience",
     "Events about making space systems and the services that depend on them harder to disrupt."),
    ("conflict-prevention", "Conflict prevention",
     "Events about preventing conflict that extends to or originates in space."),
    ("sanctions", "Sanctions & accountability",
     "Events where partners commit to holding accountable, or sanctioning, those who threaten the space environment."),
]

# (chronology date, chronology title) -> (id slug, short title, uncertainty or None)
EDITORIAL = {
    ("2011", "Precursor: combined space cooperation forum (OSD and USSTRATCOM)"): (
        "precursor-space-cooperation-forum", "Precursor forum",
        "Only the year is known, from what US defense officials said in 2014; the other forum participants are not named."),
    ("2014-09-22", "CSpO memorandum of understanding signed in Ottawa (founding)"): (
        "mou-signed-ottawa", "CSpO MoU signed",
        "The founding day is 22 September 2014 according to DoD News and Canada's release; one magazine implies 23 September."),
    ("2015-07", "New Zealand joins CSpO"): (
        "new-zealand-joins", "NZ joins", None),
    ("2015-10-12", "New Zealand hosts CSpO meeting in Wellington"): (
        "wellington-meeting", "Wellington meeting",
        "No source was found for a Principals' Board in 2016, 2017 or 2018, so the record has none "
        "between this meeting and Ottawa in February 2020: a gap in the record, not evidence that no Board met."),
    ("2016", "France and Germany join CSpO as observers"): (
        "france-germany-observers", "France, Germany observers",
        "France's and Germany's observer (2016) and associate (2017) status rests on a single French ministry release."),
    ("2017", "France and Germany become CSpO associate members"): (
        "france-germany-associates", "France, Germany associates",
        "France's and Germany's observer (2016) and associate (2017) status rests on a single French ministry release."),
    ("2019-04-10", "Seven-nation Multinational Statement for Combined Space Operations"): (
        "seven-nation-statement", "Seven-nation statement", None),
    ("2019-04", "Related: Operation Olympic Defender announced (US-led, separate from CSpO)"): (
        "ood-announced", "OOD: allies to join",
        "The month comes from a later, undated industry article rather than from a 2019 source; that article "
        "calls Olympic Defender \"a new operation\", although it dates from 2013."),
    ("2019-07-18", "Related: United Kingdom becomes first partner to join Operation Olympic Defender"): (
        "ood-uk-joins", "OOD: UK joins", None),
    ("2019-12", "Germany becomes a formal CSpO member"): (
        "germany-formal-member", "Germany joins",
        "The day in December 2019 on which Germany formally joined is not known."),
    ("2019-12", "Related: first coalition officer signs the Combined Space Tasking Order under Olympic Defender"): (
        "ood-first-coalition-tasking-order", "OOD: first coalition order",
        "The signing day is not given; the month is that of USSPACECOM's release in late December 2019."),
    ("2020-02-11", "France becomes a formal CSpO member"): (
        "france-formal-member", "France joins", None),
    ("2020-02-11", "Principals' Board in Ottawa recognises France and Germany"): (
        "ottawa-principals-board", "Ottawa Board",
        "No source was found for a Principals' Board in 2016, 2017 or 2018, nor for one in late 2020, "
        "so the record has none between Wellington (October 2015) and this Board, or between this Board and "
        "Cape Canaveral (December 2021): gaps in the record, not evidence that no Board met."),
    ("2020-05-21", "Related: USSPACECOM issues first formal Operation Olympic Defender order"): (
        "ood-first-formal-order", "OOD: first formal order", None),
    ("2021-12", "Principals' Board at Cape Canaveral condemns debris-generating ASAT testing"): (
        "cape-canaveral-principals-board", "Cape Canaveral Board",
        "Only the month is certain; an Australian report gives 8-9 December 2021 in Australian Eastern Daylight Time. "
        "The sanctions theme rests on Defence Connect's later report that members committed to \"collectively "
        "enforcing sanctions\" on actors threatening the domain; the US Department of Defense's readout says only "
        "that they reaffirmed the intent to \"hold accountable\" those who threaten the space environment. "
        "No source was found for a Principals' Board in late 2020, between Ottawa (February 2020) and this one: "
        "a gap in the record, not evidence that no Board met."),
    ("2022-02-22", "CSpO Vision 2031 released"): (
        "vision-2031-released", "Vision 2031",
        "New Zealand's release is dated 23 February 2022, in New Zealand time."),
    ("2022-12-07", "Principals' Board in Wellington hosted by New Zealand"): (
        "wellington-principals-board", "Wellington Board",
        "The host gave the dates as 7-8 December 2022; other reports say 6-8 or 8-9 December."),
    ("2023-02-06", "USSPACECOM multinational planning conference with the seven CSpO nations"): (
        "usspacecom-planning-conference", "Planning conference", None),
    ("2023-12-05", "Japan completes procedures to join CSpO"): (
        "japan-joins", "Japan joins",
        "The announcement came on 5 December 2023. A Japanese report implies that the Berlin Board met on "
        "6-7 December, which would put it the day before the Board; Germany's defence ministry gives "
        "5-7 December, which would put it on the Board's first day."),
    ("2023-12-05", "Principals' Board in Berlin welcomes Italy, Japan and Norway"): (
        "berlin-principals-board", "Berlin Board",
        "Germany's defence ministry gives the dates as 5-7 December 2023; a Japanese report implies 6-7 December."),
    ("2023-12-07", "Italy signs accession to CSpO"): (
        "italy-joins", "Italy joins", None),
    ("2023-12", "Norway joins CSpO (welcomed at Berlin Principals' Board)"): (
        "norway-joins", "Norway joins",
        "The day of Norway's formal accession is not known; the month is that of the Berlin Board that welcomed it."),
    ("2024-02", "Norwegian government publicly announces CSpO membership"): (
        "norway-announces-membership", "Norway announces entry",
        "The government release is undated in the excerpt; the month comes from a German-language relay dated 17 February 2024."),
    ("2024-09", "CSpO marks its ten-year anniversary with ten partners"): (
        "ten-year-anniversary", "Ten-year anniversary",
        "The month is that of the Italian Air Force's anniversary message; a single joint anniversary text and its exact date were not found."),
    ("2024-09", "Related: New Zealand joins Operation Olympic Defender"): (
        "ood-new-zealand-joins", "OOD: NZ joins",
        "The date is derived from an aggregator URL dated 5 September 2024."),
    ("2024-10-11", "Related: France and Germany join Multinational Force Operation Olympic Defender"): (
        "ood-france-germany-join", "OOD: France & Germany join",
        "The 11 October date comes from an AI-translated news source."),
    ("2024-12-03", "Principals' Board in Florence on CSpO's tenth anniversary"): (
        "florence-principals-board", "Florence Board", None),
    ("2024-12", "Tabletop exercise at the Florence Principals' Board"): (
        "florence-tabletop-exercise", "Florence tabletop exercise",
        "The day of the exercise within the 3-5 December meeting, and its scenario, are not stated."),
    ("2024-12-06", "Joint Statement from the CSpO Principals' Board meeting in Italy to advance space security"): (
        "florence-joint-statement", "Florence joint statement",
        "Only Germany's defence ministry calls this the first joint statement of the Principals; "
        "an earlier seven-nation statement was issued in April 2019 by air chiefs and senior space officials. "
        "The date, 6 December 2024, is the day the UK Ministry of Defence published the statement; the Principals "
        "endorsed it at their meeting in Florence on 3-5 December."),
}

OOD_KEY = ("2019-04", "Related: Operation Olympic Defender announced (US-led, separate from CSpO)")
JAPAN_KEY = ("2023-12-05", "Japan completes procedures to join CSpO")

# Corrected titles: (date, title) -> title. The event id stays: ids are a public interface.
TITLE_EDITS = {
    OOD_KEY: "Related: announcement that allies will join Operation Olympic Defender (US-led, separate from CSpO)",
}

# Light wording edits to chronology summaries: (date, title) -> (old, new). The OOD and
# Japan edits correct the record (issue 13): Olympic Defender dates from 2013 and was opened
# to allies in 2018; the Berlin Board's first day is uncertain.
SUMMARY_EDITS = {
    OOD_KEY: (
        " for the first time under Operation Olympic Defender.",
        " for the first time under Operation Olympic Defender. The operation itself was older: it dates from"
        " 2013 under US Strategic Command and was opened to allies in 2018, so what April 2019 brought was"
        " the announcement that allies would join it.",
    ),
    JAPAN_KEY: (
        ", the day before the Berlin Principals' Board.",
        ", in the week of the Berlin Principals' Board.",
    ),
    ("2024-12-06", "Joint Statement from the CSpO Principals' Board meeting in Italy to advance space security"): (
        " Its full text is source file 004_3fe6f76d63c4f1b0.txt.",
        " Its full text is available with this event.",
    ),
}

# (chronology speaker, chronology role) -> (speaker, role, nation of the speaker or None).
# The attribution reads "speaker, role" as a person writes it: rank and honorific with the
# name ("Air Chief Marshal Sir Richard Knighton", as the UK MOD prints him), the posts in the
# role, commas only, and the nation in the role wherever the post does not already show it.
SPEAKERS = {
    ("Cecil D. Haney", "Admiral, US Navy; Commander, US Strategic Command"): (
        "Admiral Cecil D. Haney", "US Navy, Commander, US Strategic Command", "USA"),
    ("Douglas L. Loverro", "Deputy Assistant Secretary of Defense for Space Policy"): (
        "Douglas L. Loverro", "US Deputy Assistant Secretary of Defense for Space Policy", "USA"),
    ("Michel Lalumière", "Brigadier-General, Director General Space, Canadian Armed Forces"): (
        "Brigadier-General Michel Lalumière", "Director General Space, Canadian Armed Forces", "CAN"),
    ("Tom Atkin", "Deputy Assistant Secretary of Defense for Homeland Defense and Global Security"): (
        "Tom Atkin", "US Deputy Assistant Secretary of Defense for Homeland Defense and Global Security", "USA"),
    ("Joint statement of the seven nations", "Air chiefs and senior space representatives"): (
        "Air chiefs and senior space representatives of seven nations",
        "Multinational Statement for Combined Space Operations", None),
    ("Penny Mordaunt", "UK Secretary of State for Defence"): (
        "Penny Mordaunt", "UK Secretary of State for Defence", "GBR"),
    ("Darren Whiteley", "Group Captain, Royal Air Force; Deputy Director, Combined Space Operations Center"): (
        "Group Captain Darren Whiteley", "Royal Air Force, Deputy Director, Combined Space Operations Center", "GBR"),
    ('John W. "Jay" Raymond', "General; Commander, US Space Command and Chief of Space Operations, US Space Force"): (
        'General John W. "Jay" Raymond',
        "Commander, US Space Command and Chief of Space Operations, US Space Force", "USA"),
    ("Harvey Smyth", "Air Vice-Marshal; Director, UK MOD Space Directorate"): (
        "Air Vice-Marshal Harvey Smyth", "Director, UK MOD Space Directorate", "GBR"),
    ("CSpO Vision 2031 (document)", "Vision statement"): (
        "CSpO Vision 2031", "Vision statement", None),
    ("James H. Dickinson", "General, US Army; Commander, US Space Command"): (
        "General James H. Dickinson", "US Army, Commander, US Space Command", "USA"),
    ("Robert Chipman", "Air Marshal; Chief of Air Force and Space Domain Lead, Australia"): (
        "Air Marshal Robert Chipman", "Chief of Air Force and Space Domain Lead, Australia", "AUS"),
    ("Paul Tedman", "Brigadier, British Army; Deputy Director, USSPACECOM Strategy, Plans and Policy Directorate"): (
        "Brigadier Paul Tedman",
        "British Army, Deputy Director, USSPACECOM Strategy, Plans and Policy Directorate", "GBR"),
    ("Minoru Kihara", "Minister of Defense, Japan (Jiji Press translation)"): (
        "Minoru Kihara", "Minister of Defense, Japan (Jiji Press translation)", "JPN"),
    ("John Plumb", "US Assistant Secretary of Defense for Space Policy"): (
        "John Plumb", "US Assistant Secretary of Defense for Space Policy", "USA"),
    ("B. Chance Saltzman", "General; Chief of Space Operations, US Space Force"): (
        "General B. Chance Saltzman", "Chief of Space Operations, US Space Force", "USA"),
    ("Bjørn Arild Gram", "Minister of Defence, Norway"): (
        "Bjørn Arild Gram", "Minister of Defence, Norway", "NOR"),
    ("Aeronautica Militare (Italian Air Force) note", "Press release text"): (
        "Aeronautica Militare (Italian Air Force)", "Press release", "ITA"),
    ("Judith Collins", "Minister of Defence, New Zealand"): (
        "Judith Collins", "Minister of Defence, New Zealand", "NZL"),
    ("Richard Knighton", "Air Chief Marshal Sir; Chief of the Air Staff, United Kingdom"): (
        "Air Chief Marshal Sir Richard Knighton", "Chief of the Air Staff, United Kingdom", "GBR"),
    ("Avril Jolliffe", "Director General Industry, Trade and Economic Security, UK Ministry of Defence"): (
        "Avril Jolliffe", "Director General Industry, Trade and Economic Security, UK Ministry of Defence", "GBR"),
    ("CSpO Initiative Principals (joint statement)", "Principals' Board"): (
        "CSpO Initiative Principals", "Joint statement of the Principals' Board", None),
    ("US Department of Defense", "Statement on CSpO Vision 2031"): (
        "US Department of Defense", "Statement on CSpO Vision 2031", "USA"),
}

VISION_KEY = ("2022-02-22", "CSpO Vision 2031 released")
ANNIVERSARY_KEY = ("2024-09", "CSpO marks its ten-year anniversary with ten partners")
BERLIN_KEY = ("2023-12-05", "Principals' Board in Berlin welcomes Italy, Japan and Norway")

# A source the chronology lacks: Airforce Technology's report is where Smyth's Vision 2031
# words are printed. Its address is not in the research data, so none is given.
AIRFORCE_TECHNOLOGY = {
    "title": "Combined Space Operations Vision 2031",
    "publisher": "Airforce Technology",
    "date": None,
    "url": None,
}

# Corrections to the chronology's quotes: (date, title) -> {quote number: changes}.
# "source" (with "source_publisher" where titles repeat) names the source that prints the
# quote; "text" is (old, new).
QUOTE_EDITS = {
    VISION_KEY: {1: {"source": AIRFORCE_TECHNOLOGY["title"], "source_publisher": "Airforce Technology"}},
    BERLIN_KEY: {2: {"source": "US, Allied Nations Meet to Discuss Space Security"}},
    ANNIVERSARY_KEY: {1: {"text": ("l'uso", "l\u2019uso")}},  # the source prints a curly apostrophe
}

# The US DoD's words on Vision 2031, as the Pentagon released them (Inside Defense prints
# them, with US spelling; Defence Connect, source file 000, re-spells "behaviours").
DEFENCE_CONNECT_FILE = "000_c54121352f62cf6c.txt"
INSIDE_DEFENSE_TITLE = "U.S. and allies release combined space ops vision"
VISION_EXTRA_QUOTE_START = "These guiding principles steer the initiative\u2019s objectives"
US_SPELLING = ("behaviours", "behaviors")

SOURCE_FILE_SUFFIX = re.compile(r"\s*\(source file (\d{3}_[0-9a-f]{16}\.txt)\)$")


def fail(msg: str) -> None:
    sys.exit(f"make_src_data: {msg}")


def source_id(title: str, url: str | None) -> str:
    return "src-" + hashlib.sha1(f"{title}|{url or ''}".encode("utf-8")).hexdigest()[:10]


def normalise_date(date: str, precision: str) -> str:
    parts = {"year": 1, "month": 2, "day": 3}[precision]
    if len(date.split("-")) != parts:
        fail(f"date {date!r} does not match precision {precision!r}")
    return {"year": f"{date}-01-01", "month": f"{date}-01", "day": date}[precision]


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_sources(records):
    sources = {}
    for rec in records:
        for s in rec["sources"]:
            sid = source_id(s["title"], s["url"])
            m = SOURCE_FILE_SUFFIX.search(s["title"])
            entry = {
                "id": sid,
                "title": s["title"][: m.start()] if m else s["title"],
                "publisher": s["publisher"],
                "date": s["date"],
                "url": s["url"],
                "document": m.group(1) if m else None,
            }
            if entry["document"] and not (SOURCES_DIR / entry["document"]).is_file():
                fail(f"source document {entry['document']} not found")
            if entry["title"] == SEVEN_NATION_SOURCE_TITLE:
                entry["document"] = SEVEN_NATION_DOCUMENT
            if sid in sources and sources[sid] != entry:
                fail(f"source {s['title']!r} appears with differing details")
            sources[sid] = entry
    extra = AIRFORCE_TECHNOLOGY
    sid = source_id(extra["title"], extra["url"])
    sources[sid] = {"id": sid, **extra, "document": None}
    if not (SOURCES_DIR / SEVEN_NATION_DOCUMENT).is_file():
        fail(f"source document {SEVEN_NATION_DOCUMENT} not found")
    return sources


def vision_extra_quote(sources):
    text = (SOURCES_DIR / DEFENCE_CONNECT_FILE).read_text(encoding="utf-8")
    m = re.search(re.escape(VISION_EXTRA_QUOTE_START) + r"[^\u201d\n]*", text)
    if not m:
        fail("Vision 2031 DoD quote not found in the Defence Connect article")
    # The trailing comma belongs to the attribution ("...domain," the US DoD noted), not the quote.
    quote = m.group(0).rstrip(",")
    old, new = US_SPELLING
    if quote.count(old) != 1:
        fail("Vision 2031 DoD quote: the re-spelled word is no longer there")
    [dc_sid] = [s["id"] for s in sources.values() if s["document"] == DEFENCE_CONNECT_FILE]
    [sid] = [s["id"] for s in sources.values() if s["title"] == INSIDE_DEFENSE_TITLE]
    return dc_sid, {
        "speaker": "US Department of Defense",
        "role": "Statement on CSpO Vision 2031",
        "text": quote.replace(old, new),
        "source_sid": sid,
    }


def edit_quote(eid: str, q: dict, edits: dict, src_by_key: dict) -> dict:
    """One quote with its corrections (issue 13) applied; fails when an edit no longer fits."""
    q = dict(q)
    if "text" in edits:
        old, new = edits["text"]
        if old not in q["text"]:
            fail(f"{eid}: quote text edit no longer applies")
        q["text"] = q["text"].replace(old, new)
    if "source" in edits:
        matches = [sid for (title, publisher), sid in src_by_key.items()
                   if title == edits["source"] and publisher == edits.get("source_publisher", publisher)]
        if len(matches) != 1:
            fail(f"{eid}: quote source {edits['source']!r} names {len(matches)} sources")
        q["source_sid"] = matches[0]
    return q


def build_events(records, sources):
    vision_sid, vision_quote = vision_extra_quote(sources)
    src_by_key = {(s["title"], s["publisher"]): sid for sid, s in sources.items()}
    events = []
    for rec in records:
        key = (rec["date"], rec["title"])
        if key not in EDITORIAL:
            fail(f"no editorial entry for {key}")
        slug, short_title, uncertainty = EDITORIAL[key]
        date = normalise_date(rec["date"], rec["date_precision"])
        eid = f"{date}-{slug}"
        if len(short_title) > 28:
            fail(f"short title too long: {short_title!r}")

        src_ids = [source_id(s["title"], s["url"]) for s in rec["sources"]]
        by_title = {s["title"]: source_id(s["title"], s["url"]) for s in rec["sources"]}
        raw_quotes = []
        for q in rec["quotes"]:
            if q["source"] not in by_title:
                fail(f"{eid}: quote source {q['source']!r} is not among the event's sources")
            raw_quotes.append({**q, "source_sid": by_title[q["source"]]})
        if key == VISION_KEY:
            raw_quotes.append(vision_quote)
            if vision_sid not in src_ids:
                src_ids.append(vision_sid)
        for n, edits in QUOTE_EDITS.get(key, {}).items():
            raw_quotes[n - 1] = edit_quote(eid, raw_quotes[n - 1], edits, src_by_key)

        quotes = []
        for n, q in enumerate(raw_quotes, 1):
            if (q["speaker"], q["role"]) not in SPEAKERS:
                fail(f"{eid}: no attribution for speaker {q['speaker']!r} as {q['role']!r}")
            speaker, role, nation = SPEAKERS[(q["speaker"], q["role"])]
            if q["source_sid"] not in src_ids:
                src_ids.append(q["source_sid"])
            quotes.append({
                "id": f"{eid}-q{n}",
                "speaker": speaker,
                "role": role,
                "nation_code": nation,
                "text": q["text"],
                "source_id": q["source_sid"],
            })

        summary = rec["summary"]
        if key in SUMMARY_EDITS:
            old, new = SUMMARY_EDITS[key]
            if old not in summary:
                fail(f"{eid}: summary edit no longer applies")
            summary = summary.replace(old, new)

        end_date = rec["date_end"]
        if end_date is not None:
            end_date = normalise_date(end_date, "day")

        events.append({
            "id": eid,
            "date": date,
            "date_precision": rec["date_precision"],
            "end_date": end_date,
            "title": TITLE_EDITS.get(key, rec["title"]),
            "short_title": short_title,
            "kind": rec["kind"],
            "location": rec["location"],
            "summary": summary,
            "statement_file": STATEMENT_FILES.get(slug),
            "confidence": rec["confidence"],
            "uncertainty": uncertainty,
            "evidence": rec["evidence"],
            "nations": sorted(NATIONS[n][0] for n in rec["nations"]),
            "themes": list(rec["themes"]),
            "sources": src_ids,
            "quotes": quotes,
        })
    if len({e["id"] for e in events}) != len(events):
        fail("duplicate event ids")
    if len(EDITORIAL) != len(records):
        fail("editorial table has entries that match no chronology record")
    events.sort(key=lambda e: (e["date"], e["id"]))
    return events


def build_nations(events):
    nations = []
    for name, (code, alpha2) in NATIONS.items():
        joined, precision, note = MEMBERSHIP[code]
        joins = [e for e in events
                 if e["kind"] in ("founding", "membership") and e["date"] == joined and code in e["nations"]]
        if len(joins) != 1:
            fail(f"expected one founding/membership event for {code} on {joined}, found {len(joins)}")
        nations.append({
            "code": code,
            "name": name,
            "alpha2": alpha2,
            "joined": joined,
            "joined_precision": precision,
            "membership_source_id": joins[0]["sources"][0],
            "membership_note": note,
        })
    nations.sort(key=lambda n: (n["joined"], n["code"]))
    return nations


def statement_text() -> str:
    text = STATEMENT_SOURCE.read_text(encoding="utf-8")
    start = text.find(STATEMENT_START)
    if start < 0:
        fail("start of the Florence joint statement not found")
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text[start:]) if p.strip()]
    return "\n\n".join(p.rstrip("\n") for p in paragraphs) + "\n"


def seven_nation_statement_text() -> str:
    """Just the statement: the last paragraph of the RCAF page's text, as printed."""
    text = (SOURCES_DIR / SEVEN_NATION_DOCUMENT).read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    if not paragraphs[-1].startswith(SEVEN_NATION_START):
        fail("the 2019 seven-nation statement is no longer the last paragraph of its source")
    return paragraphs[-1] + "\n"


def main() -> None:
    records = [json.loads(line) for line in CHRONOLOGY.read_text(encoding="utf-8").splitlines() if line.strip()]
    sources = build_sources(records)
    events = build_events(records, sources)
    nations = build_nations(events)
    themes = [{"id": t, "label": label, "description": desc} for t, label, desc in THEMES]

    (OUT / "statements").mkdir(parents=True, exist_ok=True)
    write_json(OUT / "nations.json", nations)
    write_json(OUT / "themes.json", themes)
    write_json(OUT / "sources.json", [sources[k] for k in sorted(sources)])
    write_json(OUT / "events.json", events)
    (OUT / STATEMENT_FILE).write_text(statement_text(), encoding="utf-8")
    (OUT / SEVEN_NATION_FILE).write_text(seven_nation_statement_text(), encoding="utf-8")
    print(f"wrote {len(events)} events, {len(sources)} sources, "
          f"{sum(len(e['quotes']) for e in events)} quotes, {len(nations)} nations to {OUT}")


if __name__ == "__main__":
    main()
