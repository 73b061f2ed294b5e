"""Date and number formats for the Arabic UI, over Django's own ``ar`` formats.

Django writes a decimal in Arabic with a comma and groups thousands with a point, so a score of
1.000 would read "1,000", a thousand, and 0.95 "0,95" beside Latin-digit percentages and figures:
numbers are written as in the English UI, and dates as numbers, year first, as everywhere in Muster
(Django's Arabic month names differ between the Levant and Iraq and Egypt).
"""

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 6  # Saturday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
