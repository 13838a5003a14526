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
    VISION_KEY: {
        1: {"source": AIRFORCE_TECHNOLOGY["title"], "source_publisher": "Airforce Technology"},
        # Issue 22: the sentence is printed on the canada.ca Vision 2031 page, not on HSDL's record.
        2: {"source": "Combined Space Operations Vision 2031",
            "source_publisher": "Government of Canada (Royal Canadian Air Force)"},
    },
    BERLIN_KEY: {2: {"source": "US, Allied Nations Meet to Discuss Space Security"}},
    ANNIVERSARY_KEY: {1: {
        "text": ("l'uso", "l\u2019uso"),  # the source prints a curly apostrophe
        # Issue 22: who speaks is not certain; the role says so where the quote is shown.
        "role": "Press release (speaker uncertain: the text reads as the partners' joint message"
                " relayed by the Italian Air Force, and Report Difesa prints it unattributed)",
    }},
    # Issue 22: Lalumière's words are verbatim in Canada's DND release (Vanguard), not the DoD repost.
    ("2014-09-22", "CSpO memorandum of understanding signed in Ottawa (founding)"): {
        3: {"source": "DND formalizes space partnership"}},
    # Issue 22: the article prints this sentence as its own unattributed paragraph after his quote.
    ("2022-12-07", "Principals' Board in Wellington hosted by New Zealand"): {3: {
        "role": "Chief of Air Force and Space Domain Lead, Australia (attribution inferred: the"
                " article prints this sentence as a separate, unattributed paragraph after his quote)",
    }},
}

# The US DoD's words on Vision 2031, as the Pentagon released them (defense.gov release
# 2941594): HSToday reprints the release verbatim, with US spelling (issue 22: Inside Defense
# does not verifiably print them); Defence Connect, source file 000, re-spells "behaviours".
DEFENCE_CONNECT_FILE = "000_c54121352f62cf6c.txt"
DOD_RELEASE_REPRINT_TITLE = "DoD and Partners Release Combined Space Operations Vision 2031 (DoD release text)"
VISION_EXTRA_QUOTE_START = "These guiding principles steer the initiative\u2019s objectives"
US_SPELLING = ("behaviours", "behaviors")

ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
SOURCE_FILE_SUFFIX = re.compile(r"\s*\(source file (\d{3}_[0-9a-f]{16}\.txt)\)$")


# ---------------------------------------------------------------------------------------
# Issue 22: the record checked again against the sources named. New sources first (an
# address is given only where one was found; none is made up), then addresses found for
# sources already cited, then the event corrections, keyed by the stable event ids.

BREAKING_DEFENSE = {
    # The issue names the article by publisher and month only: its title is described, not quoted.
    "title": "(Report on France, Germany and New Zealand joining Operation Olympic Defender)",
    "publisher": "Breaking Defense",
    "date": "2024-10",
    "url": None,
}
US_RELEASE_GERMANY = {
    "title": "Germany Joins Multinational Space Partnership (U.S. Department of Defense release)",
    "publisher": "U.S. Department of Defense (Air Force News Service), via PublicNow",
    "date": "2024-10-16",
    "url": "https://ebs.publicnow.com/view/DB049DE1B89081CEEA6875B2DC5FB83DF11CF7C3",
}
RNZ_2024 = {
    "title": "NZ tight-lipped over membership of space network",
    "publisher": "RNZ",
    "date": "2024-12-20",
    "url": "https://rnz.co.nz/news/top/537222/nz-tight-lipped-over-membership-of-space-network",
}
RNZ_2015 = {
    "title": "Space security on the table in Wellington",
    "publisher": "RNZ",
    "date": "2015-10-12",
    "url": "https://www.radionz.co.nz/news/national/286762/space-security-on-the-table-in-wellington",
}
SATNEWS_2014 = {
    "title": "USSTRATCOM Signs...Shares Space Situational Awareness With The UK",
    "publisher": "Satnews Daily",
    "date": "2014-09-25",
    "url": "http://www.satnews.com/story.php?number=783626882",
}
EXECUTIVEGOV_2014 = {
    "title": "(Report of a CSpO memorandum of understanding at the 30th Space Symposium)",
    "publisher": "ExecutiveGov",
    "date": "2014-05",
    "url": None,
}
BREAKING_DEFENSE_2014 = {  # its own title: a source id is computed from title and address
    **EXECUTIVEGOV_2014,
    "title": "(Report of a four-nation space memorandum of understanding at the 30th Space Symposium)",
    "publisher": "Breaking Defense",
}
NEW_SOURCES = [BREAKING_DEFENSE, US_RELEASE_GERMANY, RNZ_2024, RNZ_2015, SATNEWS_2014, EXECUTIVEGOV_2014,
               BREAKING_DEFENSE_2014]

# (title, publisher) -> the address (and date) found for a source cited without one.
SOURCE_ADDRESSES = {
    (AIRFORCE_TECHNOLOGY["title"], "Airforce Technology"): {
        "url": "https://www.airforce-technology.com/news/combined-space-operations-vision-2031/",
        "date": "2022-02",
    },
    ("CSpO targets deeper critical space information sharing", "Defence Connect (Momentum Media)"): {
        "url": "http://www.defenceconnect.com.au/joint-capabilities/"
               "11119-cspo-targets-deeper-critical-space-information-sharing",
        "date": None,
    },
}

OOD_DATES_NOTE = (
    "An AI-translated aggregator story puts both accession ceremonies on 11 October; the US release of "
    "16 October 2024 and Breaking Defense put Berlin on 11 October and Paris on 14 October.")
FIRST_BOARD_NOTE = (
    "US Space Command calls the February 2020 Ottawa Board \"the first meeting of its kind\", while RNZ "
    "(12 October 2015) reports a \"meeting of Combined Space Operations Principals\" in Wellington in "
    "October 2015: the sources disagree on which was the first such meeting.")

# event id -> fields replaced; "add_sources" appends, "summary_edits" are (old, new) pairs,
# "uncertainty_more" is appended to the uncertainty. The id never changes (ids are public).
EVENT_CORRECTIONS = {
    "2014-09-22-mou-signed-ottawa": {
        "end_date": "2014-09-23",
        "summary_edits": [(
            "At a meeting in Ottawa,",
            "At a Combined Space Operations Principals' meeting in Ottawa on 22-23 September,",
        ), (
            " and space weather.",
            " and space weather. On 23 September, at the same meeting, US Strategic Command and the"
            " United Kingdom signed a space situational awareness data-sharing agreement.",
        )],
        "uncertainty_more": (
            "Satnews (25 September 2014) dates the UK-STRATCOM data-sharing agreement 23 September, "
            "\"during a Combined Space Operations Principals' Meeting in Ottawa\", so the meeting ran 22-23 September. "
            "Breaking Defense and ExecutiveGov (May 2014) report an MoU signed by the same four nations at the "
            "30th Space Symposium in May 2014; how it relates to the September signing is not resolved."),
        "add_sources": [SATNEWS_2014, EXECUTIVEGOV_2014, BREAKING_DEFENSE_2014],
        "evidence_more": "[Satnews, 25 Sep 2014: signed \"September 23, 2014, during a Combined Space "
                         "Operations Principals' Meeting in Ottawa, Canada\".]",
    },
    "2015-10-12-wellington-meeting": {
        "uncertainty_more": FIRST_BOARD_NOTE,
        "add_sources": [RNZ_2015],
    },
    "2019-04-01-ood-announced": {
        "uncertainty_more": (
            "The operation's 2013 origin and its opening to allies in 2018 rest on Breaking Defense (October 2024) "
            "and the US release on Germany joining (16 October 2024), not on that article."),
        "add_sources": [BREAKING_DEFENSE, US_RELEASE_GERMANY],
    },
    "2019-04-10-seven-nation-statement": {
        "summary_edits": [
            ("and issued a joint statement.", "and released a joint statement."),
            ("France and Germany signed although", "France and Germany were among the seven although"),
        ],
        "uncertainty": (
            "The sources say the seven nations released the statement, not that they signed it. It exists in two "
            "printings: Air Force Space Command's original, in four paragraphs (\"defense\", \"Our respective "
            "Nations\"), and the Royal Canadian Air Force's single paragraph (\"defence\"), the text kept here."),
    },
    "2020-02-11-ottawa-principals-board": {
        "uncertainty_more": FIRST_BOARD_NOTE,
    },
    "2022-12-07-wellington-principals-board": {
        "uncertainty_more": (
            "Defence Connect prints the sentence on increased sharing of critical space information as a separate, "
            "unattributed paragraph after Air Marshal Chipman's quote; attributing it to him is an inference."),
    },
    "2024-09-01-ood-new-zealand-joins": {
        "date": "2024-09-05",
        "date_precision": "day",
        "summary_edits": [(
            " The date comes from an aggregator URL dated 5 September 2024.",
            " New Zealand accepted the US invitation on 5 September 2024, the day it issued its release.",
        )],
        "uncertainty": None,
        "confidence": "high",
        "add_sources": [BREAKING_DEFENSE, RNZ_2024],
        "evidence_more": "[Breaking Defense, Oct 2024: New Zealand \"accepted the US invitation on Sept. 5\"; "
                         "RNZ, 20 Dec 2024: \"New Zealand, by contrast, put out a low-key media release on "
                         "5 September.\"]",
    },
    "2024-09-01-ten-year-anniversary": {
        "uncertainty_more": (
            "Who speaks in the quoted sentence is uncertain: the Italian text reads as the partners' joint message "
            "relayed by the Italian Air Force, and Report Difesa prints it unattributed."),
    },
    "2024-10-11-ood-france-germany-join": {
        "title": "Related: Germany joins Multinational Force Operation Olympic Defender",
        "short_title": "OOD: Germany joins",
        "location": "Berlin, Germany",
        "summary": (
            "US Space Command formally recognised Germany's membership in Multinational Force-Operation Olympic "
            "Defender at an accession ceremony in Berlin attended by Gen. Stephen Whiting, who commands both, "
            "Germany's Director-General for Military Strategy and Operations, and representatives of Australia, "
            "Canada and New Zealand. France followed at a ceremony in Paris three days later."),
        "nations": ["AUS", "CAN", "DEU", "NZL", "USA"],
        "confidence": "high",
        "uncertainty": OOD_DATES_NOTE,
        "sources": [US_RELEASE_GERMANY, BREAKING_DEFENSE, "src-dc18fe9093"],
        "evidence": "U.S. Space Command formally recognized Germany's membership in Multinational "
                    "Force-Operation Olympic Defender, Oct. 11. [US release, 16 Oct 2024; Breaking Defense, "
                    "Oct 2024: Gen. Whiting attended in Berlin on 11 Oct and in Paris on 14 Oct.]",
    },
    "2024-12-01-florence-tabletop-exercise": {
        "date": "2024-12-03",
        "date_precision": "day",
        "end_date": "2024-12-05",
        "summary_edits": [(
            "during the Florence meeting. Which day it took place,",
            "during the Florence meeting of 3-5 December. Which of those days it took place on,",
        )],
        "uncertainty": "The exercise took place during the 3-5 December Board; the day, and the scenario, "
                       "are not reported.",
    },
}

EXTRA_EVENTS = [
    {
        "id": "2024-04-09-ood-invitations",
        "date": "2024-04-09",
        "date_precision": "day",
        "end_date": None,
        "title": "Related: France, Germany and New Zealand invited to join Operation Olympic Defender",
        "short_title": "OOD: three invited",
        "kind": "related",
        "location": "Space Symposium, Colorado Springs, Colorado, United States",
        "summary": (
            "At the Space Symposium, Gen. Stephen Whiting, commander of US Space Command and of the "
            "multinational force, invited France, Germany and New Zealand to join Operation Olympic Defender. "
            "New Zealand accepted in September; Germany and France joined in October."),
        "statement_file": None,
        "confidence": "medium",
        "uncertainty": "The day rests on Breaking Defense alone; the US release of 16 October 2024 says only "
                       "that the invitations were extended in spring 2024.",
        "evidence": "[Breaking Defense, Oct 2024: Gen. Whiting invited France, Germany and New Zealand at the "
                    "Space Symposium on 9 April 2024.] In Spring 2024, the commander of USSPACECOM and MNF-OOD "
                    "extended invitations to France, Germany and New Zealand. [US release, 16 Oct 2024]",
        "nations": ["DEU", "FRA", "NZL", "USA"],
        "themes": ["deterrence"],
        "sources": [BREAKING_DEFENSE, US_RELEASE_GERMANY],
        "quotes": [],
    },
    {
        "id": "2024-10-14-ood-france-joins",
        "date": "2024-10-14",
        "date_precision": "day",
        "end_date": None,
        "title": "Related: France joins Multinational Force Operation Olympic Defender",
        "short_title": "OOD: France joins",
        "kind": "related",
        "location": "Paris, France",
        "summary": (
            "France joined Multinational Force-Operation Olympic Defender at an accession ceremony in Paris "
            "attended by Gen. Stephen Whiting, commander of US Space Command and of the multinational force, "
            "three days after Germany's ceremony in Berlin."),
        "statement_file": None,
        "confidence": "high",
        "uncertainty": OOD_DATES_NOTE,
        "evidence": "[Breaking Defense, Oct 2024: Gen. Whiting attended in Berlin on 11 Oct and in Paris on 14 Oct.]",
        "nations": ["FRA", "USA"],
        "themes": ["deterrence", "information-sharing"],
        "sources": [BREAKING_DEFENSE, "src-dc18fe9093", "src-e57e16c46a"],
        "quotes": [],
    },
]


def cited(source) -> str:
    """A source id: given as such, or computed from a source defined above."""
    return source if isinstance(source, str) else source_id(source["title"], source["url"])


def correct_events(events: list[dict], sources: dict) -> list[dict]:
    """The chronology's events with issue 22's corrections applied, and its new events added;
    fails when a correction no longer applies, so the record cannot drift from this table."""
    by_id = {e["id"]: e for e in events}
    for eid, fix in EVENT_CORRECTIONS.items():
        if eid not in by_id:
            fail(f"correction for unknown event {eid}")
        e = by_id[eid]
        for old, new in fix.get("summary_edits", []):
            if old not in e["summary"]:
                fail(f"{eid}: summary edit {old!r} no longer applies")
            e["summary"] = e["summary"].replace(old, new)
        if "uncertainty_more" in fix:
            e["uncertainty"] = " ".join(filter(None, [e["uncertainty"], fix["uncertainty_more"]]))
        if "evidence_more" in fix:
            e["evidence"] = f"{e['evidence']} {fix['evidence_more']}"
        for field in ("date", "date_precision", "end_date", "title", "short_title", "location",
                      "summary", "nations", "confidence", "uncertainty", "evidence"):
            if field in fix:
                e[field] = fix[field]
        if "sources" in fix:
            quoted = [q["source_id"] for q in e["quotes"]]
            ids = [cited(s) for s in fix["sources"]]
            e["sources"] = ids + [s for s in quoted if s not in ids]
        for s in fix.get("add_sources", []):
            if cited(s) not in e["sources"]:
                e["sources"].append(cited(s))
    for extra in EXTRA_EVENTS:
        events.append({**extra, "sources": [cited(s) for s in extra["sources"]]})
    for e in events:
        for sid in e["sources"]:
            if sid not in sources:
                fail(f"{e['id']}: cites unknown source {sid}")
        if len(e["short_title"]) > 28:
            fail(f"short title too long: {e['short_title']!r}")
    return events


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
            entry = source_entry(sid, s["title"][: m.start()] if m else s["title"], s["publisher"],
                                 s["date"], s["url"], m.group(1) if m else None)
            if entry["document"] and not (SOURCES_DIR / entry["document"]).is_file():
                fail(f"source document {entry['document']} not found")
            if entry["title"] == SEVEN_NATION_SOURCE_TITLE:
                entry["document"] = SEVEN_NATION_DOCUMENT
            if sid in sources and sources[sid] != entry:
                fail(f"source {s['title']!r} appears with differing details")
            sources[sid] = entry
    extra = AIRFORCE_TECHNOLOGY
    sid = source_id(extra["title"], extra["url"])
    sources[sid] = source_entry(sid, extra["title"], extra["publisher"], extra["date"], extra["url"], None)
    for new in NEW_SOURCES:
        sid = source_id(new["title"], new["url"])
        if sid in sources:
            fail(f"new source {new['title']!r} has the id of a source already recorded")
        sources[sid] = source_entry(sid, new["title"], new["publisher"], new["date"], new["url"], None)
    for sid, source in sources.items():
        # An address found later: the id stays the one computed from the title as first recorded.
        if (source["title"], source["publisher"]) in SOURCE_ADDRESSES:
            found = SOURCE_ADDRESSES[(source["title"], source["publisher"])]
            sources[sid] = source_entry(sid, source["title"], source["publisher"],
                                        found["date"] or source["date"] or source.get("date_note"),
                                        found["url"], source["document"])
    if not (SOURCES_DIR / SEVEN_NATION_DOCUMENT).is_file():
        fail(f"source document {SEVEN_NATION_DOCUMENT} not found")
    return sources


def source_entry(sid: str, title: str, publisher: str, date: str | None, url: str | None,
                 document: str | None) -> dict:
    """One source as db/src/sources.json holds it: an ISO date in ``date``, anything else the
    source says of its date in ``date_note`` (schema v2)."""
    entry = {"id": sid, "title": title, "publisher": publisher}
    if date is None or ISO_DATE.fullmatch(date):
        entry["date"] = date
    else:
        entry["date"], entry["date_note"] = None, date
    return {**entry, "url": url, "document": document}


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
    [sid] = [s["id"] for s in sources.values() if s["title"] == DOD_RELEASE_REPRINT_TITLE]
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
    if "role" in edits:
        q["role_as_shown"] = edits["role"]
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
            role = q.get("role_as_shown", role)
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
    events = correct_events(events, sources)
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
