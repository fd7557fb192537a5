/*  utf8: checks and escapes text that came from outside (a URL, a header,
    a feed) before it reaches Jansson or PostgreSQL, which both refuse
    malformed UTF-8: Jansson by failing to build the document, PostgreSQL
    with an error.  "Valid" here is what they accept: no overlong forms,
    no surrogates, nothing past U+10FFFF.  */
#ifndef CAREWATCH_UTF8_H
#define CAREWATCH_UTF8_H

#include <stdbool.h>
#include <stddef.h>

//  Length (1-4) of the valid UTF-8 sequence at s, or 0 when the bytes
//  there are not one.
size_t utf8_seq (const unsigned char *s, size_t avail);

//  Offset of the first byte of s that is not valid UTF-8, or len.
size_t utf8_invalid_at (const unsigned char *s, size_t len);

//  True when the NUL-terminated text is valid UTF-8 and holds no control
//  character other than tab, CR and LF.
bool utf8_clean (const char *text);

//  Copies len bytes of s into out (outlen bytes, always NUL-terminated)
//  as valid UTF-8 without control characters: every byte that is not
//  part of a valid sequence, and every control character, becomes the
//  text \xNN.  What does not fit is cut at a character boundary and
//  marked with "...".  Returns out.
char *utf8_escape (const char *s, size_t len, char *out, size_t outlen);

#endif
