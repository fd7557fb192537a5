/*  figure: indicator figures as people read them in a report.

    By unit (the catalogue's vocabulary):
      percent               1 decimal and "%"          73.0%
      percentage_points     1 decimal and " pp"        2.5 pp
      pounds                "£", thousands separators,  £150,000  £12.50
                            pence only when there are some
      count, number         thousands separators; a   1,234  2.35
                            fraction keeps up to 2 decimals
      per_1000, per_10000,  1 decimal, separators      1,234.5
      per_100000 (rates)
      ratio                 2 decimals                 1.25
      years, days, weeks,   whole numbers plain, else  12 days  79.4 years
      minutes               1 decimal; unit word after
    anything else           like number
    A missing value (NAN) is an en dash "–".  The text is UTF-8 and
    never holds an HTML special character, though callers escape anyway.
*/
#ifndef CAREWATCH_FIGURE_H
#define CAREWATCH_FIGURE_H

#include <stddef.h>

//  Room for any figure figure_value writes.
#define FIGURE_MAX 64

//  Writes value in unit (NULL = plain number) into buf and returns buf.
//  A buffer shorter than FIGURE_MAX may truncate the text.
char *figure_value (double value, const char *unit, char *buf, size_t buflen);

//  Writes value rounded to decimals places with a comma every three
//  integer digits ("-1,234.5") into buf and returns buf.
char *figure_grouped (double value, int decimals, char *buf, size_t buflen);

#endif
