/*  jalloc: per-thread free lists of small blocks for jansson.  */
#include "jalloc.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#define S_HEADER 16             //  keeps the block 16-byte aligned
#define S_CLASSES (JALLOC_SMALL / 16)
#define S_LARGE UINT32_MAX

typedef struct s_block_t {
    struct s_block_t *next;
} s_block_t;

static _Thread_local s_block_t *s_lists [S_CLASSES];

void *
jalloc_malloc (size_t size)
{
    size_t cls = size ? (size - 1) / 16 : 0;
    if (cls < S_CLASSES && s_lists [cls]) {
        s_block_t *b = s_lists [cls];
        s_lists [cls] = b->next;
        return b;
    }
    size_t bytes = cls < S_CLASSES ? (cls + 1) * 16 : size;
    unsigned char *p = malloc (S_HEADER + bytes);
    if (!p)
        return NULL;
    *(uint32_t *) p = cls < S_CLASSES ? (uint32_t) cls : S_LARGE;
    return p + S_HEADER;
}

void
jalloc_free (void *ptr)
{
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *) ptr - S_HEADER;
    uint32_t cls = *(uint32_t *) p;
    if (cls == S_LARGE) {
        free (p);
        return;
    }
    s_block_t *b = ptr;
    b->next = s_lists [cls];
    s_lists [cls] = b;
}

void
jalloc_install (void)
{
    json_set_alloc_funcs (jalloc_malloc, jalloc_free);
}

size_t
jalloc_cached (size_t *bytes)
{
    size_t n = 0, total = 0;
    for (size_t c = 0; c < S_CLASSES; c++)
        for (s_block_t *b = s_lists [c]; b; b = b->next) {
            n++;
            total += (c + 1) * 16;
        }
    if (bytes)
        *bytes = total;
    return n;
}
