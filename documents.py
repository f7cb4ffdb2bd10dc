"""Export documents: strict JSON, reading and writing them a report at a time, and
the limits an import meets.

Whatever the product writes it reads back: the operator's ``export`` and ``import``
stream a document of any size in bounded memory (one report at a time), and
``/api/import`` takes any one report the rules allow (validation.MAX_REPORT_BYTES),
so the browser can split a large document into requests that each fit
(static/js/list/parts.js).
"""

import itertools
import json

from validation import (
    EXPORT_FORMAT,
    EXPORT_VERSIONS,
    MAX_REPORT_BYTES,
    ValidationError,
    export_problem,
    report_errors,
)

# The most reports one site may hold. Creation and every import that would pass it are
# refused and store nothing; bench/transfer.py measures an export and import of this many.
MAX_REPORTS = 10_000
# The largest /api/import body: about four times the largest report with its id, dates
# and access fields, and under waitress's 1 MiB cap on every body (run_server), so an
# oversized import still gets our JSON 413. The browser sends parts of at most 450,000
# bytes (Forge's invokeRemote takes 500 KB), so this never binds it.
IMPORT_BODY_LIMIT = 1_000_000
# The most characters the CLI reader holds for one value: a report at MAX_REPORT_BYTES,
# indented as `export` writes it, with room for a reader's own re-indenting.
LARGEST_VALUE = 16 * MAX_REPORT_BYTES
CHUNK = 64 * 1024
WHITESPACE = " \t\n\r"


def room_problem(current, adding, what="imported"):
    """Why ``adding`` reports do not fit a site holding ``current``, or None."""
    if current + adding <= MAX_REPORTS:
        return None
    more = "1 more report" if adding == 1 else f"{adding:,} more reports"
    return (f"A site holds at most {MAX_REPORTS:,} reports; this one has {current:,}, "
            f"so {more} cannot be {what}. Delete reports the site no longer needs, "
            f"then try again. Nothing was {what}.")


####################################################################################
# Strict JSON
####################################################################################

def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate keys")
    return dict(pairs)


STRICT = json.JSONDecoder(parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)


def storable(value):
    """``value`` itself if SQLite can store it as UTF-8, else ValueError.

    An escaped lone surrogate ("\\ud800") parses, but cannot be encoded.
    """
    json.dumps(value, ensure_ascii=False).encode("utf-8")
    return value


def parse_json(text):
    """Strict JSON: no NaN or Infinity, no duplicate keys, no lone surrogates
    (ValueError otherwise)."""
    return storable(STRICT.decode(text))


####################################################################################
# Reading a document a value at a time
####################################################################################

class JsonStream:
    """JSON text read from a file a value at a time, holding at most one value (and
    one chunk) in memory."""

    def __init__(self, fh):
        self.fh, self.buf, self.pos, self.base, self.eof = fh, "", 0, 0, False

    def _more(self, size=CHUNK):
        text = self.fh.read(size)
        self.eof = not text
        if self.pos > CHUNK:  # keep only what is not consumed yet
            self.base, self.buf, self.pos = self.base + self.pos, self.buf[self.pos:], 0
        self.buf += text
        return bool(text)

    def where(self):
        """The character offset of the next unread character."""
        return self.base + self.pos

    def peek(self):
        """The next character after whitespace ("" at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self._more():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, chars, what):
        """Consume one of ``chars`` (after whitespace), else ValueError naming ``what``."""
        char = self.peek()
        if not char or char not in chars:
            raise ValueError(f"expected {what} at character {self.where()}")
        self.pos += 1
        return char

    def value(self):
        """The next JSON value (after whitespace), strictly parsed."""
        self.peek()
        while True:
            held = len(self.buf) - self.pos
            try:
                value, end = STRICT.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as err:
                if self.eof or held > LARGEST_VALUE:
                    raise ValueError(f"{err.msg} at character "
                                     f"{self.base + err.pos}") from None
                self._more(max(CHUNK, held))  # doubling: linear time in all
                continue
            if end == len(self.buf) and not self.eof and self._more():
                continue  # a number may go on in the next chunk
            self.pos = end
            return storable(value)


def read_export(fh):
    """Yield each report of an export document as it is read, then check the
    document's format and version as validate_export does.

    Raises ValueError for text that is not strict JSON (naming the report) and
    ValidationError for a document that is not an export.
    """
    stream, fields = JsonStream(fh), {}
    stream.expect("{", "'{'")
    closed = stream.peek() == "}"
    while not closed:
        key = stream.value()
        if not isinstance(key, str) or key in fields:
            raise ValueError("duplicate keys" if key in fields else "keys must be text")
        stream.expect(":", "':'")
        if key == "reports" and stream.peek() == "[":
            fields[key] = []
            _check_header(fields)
            yield from _reports(stream)
        else:
            fields[key] = stream.value()
        closed = stream.expect(",}", "',' or '}'") == "}"
    if not fields:
        stream.expect("}", "'}'")
    if stream.peek():
        raise ValueError(f"extra data at character {stream.where()}")
    _check_header(fields, complete=True)


def _check_header(fields, complete=False):
    """Refuse a format or version validate_export would, as soon as both are read."""
    if complete or ("format" in fields and "version" in fields):
        problem = export_problem(fields)
        if problem:
            raise ValidationError(problem)


def _reports(stream):
    stream.expect("[", "'['")
    if stream.peek() == "]":
        stream.expect("]", "']'")
        return
    for index in itertools.count():
        try:
            yield stream.value()
        except ValueError as err:
            raise ValueError(f"reports[{index}]: {err}") from None
        if stream.expect(",]", "',' or ']'") == "]":
            return


class DocumentError(ValueError):
    """An export document that is not one, or holds a report the rules refuse; the
    message names the report."""


def operator_reports(fh):
    """Yield the clean reports of an export document as the file is read, for the
    operator's import: owners are kept, so a private report must name one.

    Raises DocumentError, or ValueError for text that is not strict JSON.
    """
    try:
        for index, payload in enumerate(read_export(fh)):
            report, errors = report_errors(payload)
            if not errors and report["visibility"] == "private" and not report["owner"]:
                errors = {"owner": "is required: the report is private"}
            if errors:
                raise DocumentError("; ".join(f"reports[{index}].{k} {v}"
                                              for k, v in errors.items()))
            yield report
    except ValidationError as err:
        raise DocumentError("; ".join(f"{k} {v}" for k, v in err.fields.items())) from err


####################################################################################
# Writing a document a report at a time
####################################################################################

def write_export(fh, reports, exported_at):
    """Write an export document of ``reports`` (an iterable of wire reports) as
    indented JSON, one report at a time; returns how many were written."""
    head = {"format": EXPORT_FORMAT, "version": EXPORT_VERSIONS[-1],
            "exportedAt": exported_at}
    fh.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "reports": [')
    count = 0
    for count, report in enumerate(reports, start=1):
        text = json.dumps(report, indent=2, ensure_ascii=False)
        fh.write(("," if count > 1 else "") + "\n    " + text.replace("\n", "\n    "))
    fh.write("\n  ]\n}\n" if count else "]\n}\n")
    return count
