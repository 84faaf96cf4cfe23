"""The vocabulary test of benchmarks/tags.py: a user with these tags, and for each tag what an
article's text must say for the tag to be meant. Written independently of the suggester's rules
(tagmatch.py) and meant to be read and argued with: one rule per tag, plain regular expressions.

A rule counts the "meaning mentions" of its tag in the title and body: `meant` when there are at
least two (the tag is a fair suggestion), `plainly about` when the title has one and the body
two, or the body four at two or more per thousand words (a page that should get the tag).
Some rules also need a context word somewhere in the text (Mars the planet, Python the language).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MEANT = 2
ABOUT_BODY = 4
ABOUT_DENSITY = 2.0  # mentions per thousand words of body
ABOUT_WITH_TITLE = 2


@dataclass(frozen=True)
class Rule:
    mentions: re.Pattern
    context: re.Pattern | None = None  # must occur at least once for any mention to count
    langs: frozenset | None = None  # only on pages in these languages (None: any)


def _r(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.X)


RULES: dict[str, list[Rule]] = {
    # the trade, not the pronoun: "IT department", "IT security", "information technology"
    "IT": [Rule(_r(r"""\bIT[ ](?:department|dept|security|staff|support|team|teams|services?|systems?|
        industry|sector|professionals?|pros|infrastructure|managers?|workers?|budgets?|admins?|
        administrators?|operations|outsourcing|jobs?|skills|spending|leaders?|directors?|giant|
        companies|company|firms?|consultanc(?:y|ies)|projects?|environments?|investments?|
        priorit(?:y|ies)|decisions?|polic(?:y|ies)|costs?|tools?|assets?|roles?|careers?|networks?)\b
        |(?i:\binformation[ ]technology\b)"""))],
    # the news as a business and a medium: outlets, journalism, fake news
    "News": [Rule(_r(r"""(?i:\bnews[ ]?(?:media|outlets?|organi[sz]ations?|industry|sites?|websites?|
        channels?|networks?|anchors?|coverage|agenc(?:y|ies)|publishers?|business|feeds?|apps?|
        aggregators?|consumption|literacy|deserts?|rooms?)\b
        |\b(?:fake|breaking|cable|local|tv|television|online)[ ]news\b|\bnewspapers?\b
        |\bjournalis(?:m|ts?)\b|\bnewsrooms?\b)"""))],
    # the country, however it is written ("American" and "America" are also the continent)
    "US": [Rule(_r(r"""\bU\.S\.(?:A\.)?|\bU\.S\b|\bUSA?\b|\bUnited[ ]States\b|\bÉtats-Unis\b|\bEstados[ ]Unidos\b|\bVereinigten[ ]Staaten\b|\bStati[ ]Uniti\b|\bEUA\b"""))],
    "UN": [Rule(_r(r"""\bU\.N\.?|\bUN\b(?!-)|\bUnited[ ]Nations\b|\bNations[ ]unies\b|\bNaciones[ ]Unidas\b
        |\bVereinten[ ]Nationen\b|\bNações[ ]Unidas\b|\bNazioni[ ]Unite\b|\bONU\b|\bUNO\b"""))],
    "EU": [Rule(_r(r"""\bE\.U\.|\bEU\b|\bEuropean[ ](?:Union|Commission|Parliament)\b
        |\bUnion[ ]européenne\b|\bUnión[ ]Europea\b|\bEuropäischen?[ ]Union\b|\bUnião[ ]Europeia\b
        |\bUnione[ ][Ee]uropea\b|\bUE\b|\bBrexit\b"""))],
    "AI": [Rule(_r(r"""\bAI\b|\bA\.I\.|\bKI\b|\bIA\b|(?i:\bartificial[ ]intelligence\b|\bmachine[ ]learning\b
        |\bintelligence[ ]artificielle\b|\binteligencia[ ]artificial\b|\bkünstliche[rn]?[ ]Intelligenz\b
        |\bneural[ ]networks?\b|\blarge[ ]language[ ]models?\b|\bchatbots?\b)|\bLLMs?\b|\bChatGPT\b"""))],
    # the programming language or the board game, never the verb
    "Go": [Rule(_r(r"""\bGo[ ](?:language|programming|code|compiler|modules?|developers?|programs?|
        programmers?|runtime|toolchain|packages?|version|players?|board|match|champion)\b
        |\bGolang\b|\bgoroutines?\b|\b(?:written|implemented|coded|programming)[ ]in[ ]Go\b
        |\bgame[ ]of[ ]Go\b|\bAlphaGo\b"""))],
    # visual art: its words in several languages, and "art" itself where it means art (the
    # German "Art" is "kind"); not "artist", which is as often a singer
    "Art": [Rule(_r(r"""(?i:\bartworks?\b|\bpaintings?\b|\bpainters?\b|\bsculptures?\b|\bsculptors?\b
        |\barte\b|\bKunst\w*)""")),
            Rule(_r(r"(?<!state[ ]of[ ]the[ ])(?<!state-of-the-)(?<!martial[ ])(?i:\barts?\b)"),
                 langs=frozenset({"en", "fr"}))],
    # Microsoft's operating system
    "Windows": [Rule(_r(r"""\bWindows(?=[ ]?(?:\d|XP|Vista|Server|Update|Defender|PCs?|users?|machines?|
        laptops?|devices?|operating|computers?|version|Store|Explorer|Insider|Subsystem|Terminal))
        |\bMicrosoft(?:'s)?[ ]Windows\b|\b(?:on|for|with|under|run(?:s|ning)?)[ ]Windows\b
        |\bWindows[ ](?:and|or)[ ](?:macOS|Mac|Linux)\b|\b(?:macOS|Mac|Linux),?[ ](?:and|or)[ ]Windows\b"""))],
    # the planet
    "Mars": [Rule(_r(r"\bMars\b|\bMartian\b"),
                  context=re.compile(r"(?i)\bplanet|\bNASA\b|\brovers?\b|\borbit|\bspacecraft|\bastronaut|"
                                     r"\bsolar system\b|\bSpaceX\b|\bred planet\b|\bplanète\b"))],
    "Cars": [Rule(_r(r"""(?i:\bcars?\b(?![ ]chargers?)|\bautomobiles?\b|\bautomakers?\b|\bcarmakers?\b|\bsedans?\b|\bSUVs?\b
        |\belectric[ ]vehicles?\b|\bvoitures?\b|\bcoches?\b|\bcarros?\b|\bAutos?\b)"""))],
    "Montreal": [Rule(_r(r"\bMontr[ée]al(?:ais|er|ers)?\b"))],
    "E-mail": [Rule(_r(r"""(?i:\be-?mails?\b|\binbox(?:es)?\b|\bnewsletters?\b|\bspam\b|\bcourriels?\b
        |\bcorreo[ ]electrónico\b)|\bGmail\b|\bOutlook\b"""))],
    "Privacy": [Rule(_r(r"""(?i:\bprivacy\b|\bdata[ ]protection\b|\bsurveillance\b|\bpersonal[ ](?:data|information)\b
        |\bvie[ ]privée\b|\bDatenschutz\w*|\bprivacidad\b|\bprivacidade\b|\btracking\b|\bend-to-end\b)|\bGDPR\b"""))],
    # the climate of the planet, not a "political climate"
    "Climate": [Rule(_r(r"""(?i:(?<!political[ ])(?<!business[ ])(?<!economic[ ])(?<!investment[ ])
        (?<!financial[ ])(?<!regulatory[ ])(?<!current[ ])(?<!social[ ])\bclimate\b
        |\bglobal[ ]warming\b|\bgreenhouse[ ]gas(?:es)?\b|\bcarbon[ ](?:emissions?|dioxide)\b
        |\bfossil[ ]fuels?\b|\bchangement[ ]climatique\b|\bKlima\w*|\bcambio[ ]climático\b
        |\bmudanças?[ ]climáticas?\b)"""))],
    # the programming language, not the snake
    "Python": [Rule(_r(r"\bPython\b"),
                    context=re.compile(r"(?i)\bcode\b|\bprogramm|\bdevelopers?\b|\blibrar(?:y|ies)\b|\bpip\b|"
                                       r"\bscripts?\b|\bDjango\b|\bPyPI\b|\bimport\b|\bFlask\b|\bNumPy\b|"
                                       r"\bpandas\b|\bJupyter\b|\binterpreter\b"))],
}
VOCABULARY = list(RULES)


def mentions(tag: str, title: str, body: str, lang: str | None) -> tuple[int, int]:
    """(meaning mentions in the title, in the body) on a page in language `lang`."""
    t = b = 0
    whole = f"{title}\n{body}"
    for rule in RULES[tag]:
        if rule.langs is not None and lang not in rule.langs:
            continue
        if rule.context is not None and not rule.context.search(whole):
            continue
        t += len(rule.mentions.findall(title))
        b += len(rule.mentions.findall(body))
    return t, b


def meant(tag: str, title: str, body: str, lang: str | None) -> bool:
    t, b = mentions(tag, title, body, lang)
    return t + b >= MEANT


def plainly_about(tag: str, title: str, body: str, lang: str | None) -> bool:
    t, b = mentions(tag, title, body, lang)
    words = max(len(body.split()), 1)
    return (t >= 1 and b >= ABOUT_WITH_TITLE) or (b >= ABOUT_BODY and b * 1000 / words >= ABOUT_DENSITY)
