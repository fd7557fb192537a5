/*  verdict: symbols and words for verdicts.  */
#include "verdict.h"

#include <stddef.h>
#include <string.h>

static const struct {
    const char *name;           //  as calc writes it
    const char *symbol;         //  what prints beside the words
    const char *words;          //  how a reader sees it
} s_verdicts [] = {
    { "on_target", "★", "On target" },
    { "tolerance", "◆", "Tolerance" },
    { "below_target", "▲", "Below target" },
    { "missing", "○", "Missing" },
    { "no_target", "–", "No target" },
    { "improved", "↗", "Improved" },
    { "consistent", "→", "Consistent" },
    { "worsening", "↘", "Worsening" },
    { "higher", "↑", "Higher" },
    { "lower", "↓", "Lower" },
    { "cannot_compare", "–", "Cannot compare" },
    { "better", "●", "Better than England" },
    { "similar", "○", "Similar to England" },
    { "worse", "◉", "Worse than England" },
    { "not_compared", "–", "Not compared" },
    { "special_cause_improving", "⬆", "Special cause, improving" },
    { "special_cause_concerning", "⬇", "Special cause, concerning" },
    { "special_cause_neutral", "◇", "Special cause, neither better nor worse" },
    { "common_cause", "~", "Common cause variation" },
    { "not_assessed", "–", "Not assessed" },
    { "consistently_passing", "P", "Consistently passing the target" },
    { "consistently_failing", "F", "Consistently failing the target" },
    { "hit_and_miss", "?", "Hit and miss" },
    { "none", "–", "No target to assure" },
};

static int
s_find (const char *name)
{
    for (size_t i = 0; name && i < sizeof s_verdicts / sizeof s_verdicts [0]; i++)
        if (strcmp (name, s_verdicts [i].name) == 0)
            return (int) i;
    return -1;
}

const char *
verdict_symbol (const char *name)
{
    int i = s_find (name);
    return i < 0 ? "–" : s_verdicts [i].symbol;
}

const char *
verdict_words (const char *name)
{
    int i = s_find (name);
    return i < 0 ? NULL : s_verdicts [i].words;
}
