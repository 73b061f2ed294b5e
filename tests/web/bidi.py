"""A check that an Arabic-script page isolates its left-to-right runs: dates, registration and
movement numbers, Latin names and codes sit in <bdi>, <time>, <code>, an element with ``dir`` or
class ``code``, so the right-to-left paragraph around them cannot reorder them (brackets, "14:05
2026-11-21", "(Baghouz" ...)."""

import re
from html.parser import HTMLParser

# A date or time, a registration/movement/household number, or a word in Latin letters.
LTR_RUN = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\b[PHM][0-9A-Z]{6,}\b|[A-Za-z]{2,}")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN = re.compile(r"[A-Za-z]")
DIGITS = re.compile(r"\d+")
RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ._:/\-–]*[A-Za-z0-9])?")
# A date, a time, or a range of numbers with an en dash (not a separator the algorithm keeps
# between numbers, as it keeps a hyphen: "1–50" shows "50–1").
DATE_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|\d\s*–\s*\d")
ISOLATED = re.compile("\u2068[^\u2069]*\u2069")
# A number and its percent sign apart ("97 %"): the sign, no longer part of the number, moves to
# the other side of it ("% 97").
PERCENT = re.compile(r"\d\s+[%\u066a]")
NEUTRAL_EDGE = re.compile(r"^[^\w\s]|[^\w\s.:]$")
ISOLATING_TAGS = {"bdi", "time", "code", "script", "style", "title", "textarea", "svg", "option"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        isolating = (
            tag in ISOLATING_TAGS
            or ("dir" in attrs and tag != "html")
            or "code" in classes
            or "sr-only" in classes
        )
        self.stack.append((tag, isolating))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or any(iso for _t, iso in self.stack):
            return
        if self._reorders(text):
            where = "/".join(t for t, _i in self.stack[-3:])
            self.problems.append(f"{where}: {text[:90]!r}")

    @staticmethod
    def _reorders(text: str) -> bool:
        """Whether the bidi algorithm, in a right-to-left paragraph, may show ``text`` out of order."""
        text = ISOLATED.sub(" ", text)  # FSI ... PDI isolate like <bdi> (core.text.isolate)
        if ARABIC.search(text):
            if PERCENT.search(text):
                return True
            for run in RUN.finditer(text):
                r = run.group(0)
                if LATIN.search(r):
                    # One Latin word ("HXL", "given_name") stays whole; words with spaces or
                    # digits ("Al-Hol camp", "Bus 1", "P7K3M9X2A") need isolating.
                    if " " in r or DIGITS.search(r):
                        return True
                elif DATE_OR_TIME.search(r) or " " in r:
                    return True
            return False
        if LATIN.search(text):
            # Latin alone, with a bracket or a mark at an edge ("(Baghouz", "· Truck 2").
            return bool(NEUTRAL_EDGE.search(text))
        # Numbers alone: two of them apart ("2026-12-01 18:10" shows the time first).
        return len(re.findall(r"\d[\d:/.-]*", text)) > 1 and " " in text


def unisolated_ltr_runs(html: str) -> list[str]:
    """The left-to-right runs of ``html`` (an Arabic or Sorani page) that nothing isolates."""
    body = html.split("<body", 1)[-1]
    checker = _Checker()
    checker.feed("<body" + body)
    return checker.problems
