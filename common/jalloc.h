/*  jalloc: a small-block allocator for jansson, for a process that builds
    and drops large documents (export: a scorecard is tens of thousands
    of small objects, built, rendered and freed per request).

    Blocks up to JALLOC_SMALL bytes come from per-thread free lists, one
    per 16-byte size class, and go back to them on free: no search, no
    coalescing, nothing returned to the system.  So the lists hold at most
    what the largest document needed at once.  Larger blocks go to
    malloc.  Every block carries a 16-byte header with its class.

    After jalloc_install, memory jansson hands out (json_dumps's text
    above all) must be released through jansson, never with free():
    write JSON out with htmlbuf_json instead of json_dumps.  */
#ifndef CAREWATCH_JALLOC_H
#define CAREWATCH_JALLOC_H

#include <stddef.h>

#define JALLOC_SMALL 1024

//  Makes jansson allocate through jalloc_malloc and jalloc_free.  Call
//  once, before any jansson value exists.
void jalloc_install (void);

void *jalloc_malloc (size_t size);
void jalloc_free (void *ptr);

//  Blocks now held on this thread's free lists, and their bytes.
size_t jalloc_cached (size_t *bytes);

#endif
