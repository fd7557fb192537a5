/*  calc_seen: fingerprints of the rows calc last wrote.  */
#include "calc_seen.h"
#include "calc_store.h"

#include <stdlib.h>
#include <string.h>

uint64_t
calc_seen_start (uint64_t seed)
{
    return 1469598103934665603ULL ^ seed;
}

uint64_t
calc_seen_feed (uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p [i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t
calc_seen_final (uint64_t h)
{
    //  murmur3's finaliser spreads FNV's weak low bits over the word.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

uint64_t
calc_seen_hash (const void *data, size_t len, uint64_t seed)
{
    return calc_seen_final (calc_seen_feed (calc_seen_start (seed), data, len));
}

//  The home slot: Fibonacci hashing of the key, so keys that differ only
//  in their high bits still spread over the table.
static size_t
s_slot (uint64_t key, size_t cap)
{
    return (size_t) ((key * 11400714819323198485ULL) >> (64 - __builtin_ctzll (cap)));
}

static void
s_grow (calc_seen_t *self)
{
    size_t cap = self->cap ? self->cap * 2 : 1024;
    uint64_t *keys = calloc (cap, sizeof *keys), *fps = malloc (cap * sizeof *fps);
    for (size_t i = 0; i < self->cap; i++)
        if (self->keys [i]) {
            size_t at = s_slot (self->keys [i], cap);
            while (keys [at])
                at = (at + 1) & (cap - 1);
            keys [at] = self->keys [i];
            fps [at] = self->fps [i];
        }
    free (self->keys);
    free (self->fps);
    self->keys = keys;
    self->fps = fps;
    self->cap = cap;
}

bool
calc_seen_check (calc_seen_t *self, uint64_t key, uint64_t fp)
{
    if (!key)
        key = 1;
    //  At most 3/4 full, so a probe always ends at an empty slot.  A
    //  table of max bytes is the largest (while it grows into it, the old
    //  half-size one is held too).
    size_t max = self->max_bytes ? self->max_bytes : CALC_SEEN_MAX_BYTES;
    bool full = (self->n + 1) * 4 > self->cap * 3;
    if (full && (self->cap ? self->cap * 2 : 1024) * 2 * sizeof (uint64_t) <= max) {
        s_grow (self);
        full = false;
    }
    if (!self->cap)
        return false;
    size_t at = s_slot (key, self->cap);
    while (self->keys [at] && self->keys [at] != key)
        at = (at + 1) & (self->cap - 1);
    if (self->keys [at] == key) {
        if (self->fps [at] == fp)
            return true;
        self->fps [at] = fp;
        return false;
    }
    if (full)
        return false;           //  no room: not remembered, written each time
    self->keys [at] = key;
    self->fps [at] = fp;
    self->n++;
    return false;
}

void
calc_seen_clear (calc_seen_t *self)
{
    if (self->cap)
        memset (self->keys, 0, self->cap * sizeof *self->keys);
    self->n = 0;
}

void
calc_seen_free (calc_seen_t *self)
{
    free (self->keys);
    free (self->fps);
    memset (self, 0, sizeof *self);
}
