/*  verdict: how a person reads a verdict carewatch computes.  Every
    verdict is shown three ways, so neither colour vision nor a
    monochrome print is needed: a symbol, words and (in CSS) a colour.

      status      ★ on target, ◆ tolerance, ▲ below target, ○ missing,
                  – no target
      trend       ↗ improved, → consistent, ↘ worsening (polarity-
                  adjusted: the arrow says better or worse); ↑ higher,
                  ↓ lower for a neutral indicator; – cannot compare
      benchmark   ● better, ○ similar, ◉ worse than England (by 95%
                  interval), ↑ higher / ↓ lower for a neutral one
      variation   (Making Data Count) H/L improving, H/L concerning,
                  ~ common cause, neutral special cause
      assurance   P consistently passing, F consistently failing,
                  ? hit and miss

    The names are the ones calc writes (calc_assess.h); the words and
    symbols are the export reports' and the web pages'.  */
#ifndef CAREWATCH_VERDICT_H
#define CAREWATCH_VERDICT_H

//  The symbol for a verdict name ("★" for on_target), or "–" for an
//  unknown or NULL name.  Static UTF-8 with no HTML special character.
const char *verdict_symbol (const char *name);

//  The words for a verdict name ("On target"), or NULL when unknown.
const char *verdict_words (const char *name);

#endif
