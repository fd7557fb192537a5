/*  calc_seen: what calc last wrote, as a fingerprint per key, so a pass
    sends PostgreSQL only the rows that differ from what is stored.

    A key is the 64-bit hash of a row's identity (indicator, org unit,
    period, breakdown), the fingerprint the hash of the whole row as it
    would be written.  Open addressing with linear probing: 16 bytes a
    key, about 32 MB for the 1.16M values of the full-size benchmark.
    The table never grows past max_bytes (CALC_SEEN_MAX_BYTES when 0):
    once full, a key it does not hold is not recorded, and its row is
    simply written every time, so memory stays bounded at any size.

    The table is a cache: the owner clears it whenever the stored values
    may have changed behind its back (another writer, a rolled back
    transaction), and the upsert it feeds still compares every row it is
    sent.  */
#ifndef CAREWATCH_CALC_SEEN_H
#define CAREWATCH_CALC_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t *keys;             //  0 = empty slot
    uint64_t *fps;
    size_t cap;                 //  slots, a power of two (0 before first use)
    size_t n;                   //  keys held
    size_t max_bytes;           //  largest table (0: CALC_SEEN_MAX_BYTES)
} calc_seen_t;

#define CALC_SEEN_MAX_BYTES ((size_t) 64 << 20)

//  64-bit hash of len bytes (FNV-1a with a final mix); never 0.
uint64_t calc_seen_hash (const void *data, size_t len, uint64_t seed);

//  The same in steps: h = calc_seen_start (seed), then any number of
//  calc_seen_feed, then calc_seen_final (h) equals calc_seen_hash of the
//  bytes fed, in order.
uint64_t calc_seen_start (uint64_t seed);
uint64_t calc_seen_feed (uint64_t h, const void *data, size_t len);
uint64_t calc_seen_final (uint64_t h);

//  True when key is held with fingerprint fp.  Otherwise records fp
//  for key (when the table has room) and returns false: the row must be
//  written.
bool calc_seen_check (calc_seen_t *self, uint64_t key, uint64_t fp);

//  Forgets every key (keeps the memory).
void calc_seen_clear (calc_seen_t *self);

//  Frees the table.
void calc_seen_free (calc_seen_t *self);

#endif
