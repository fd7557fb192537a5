/*  orgtree: the org unit tree (England, region, ICB, place, PCNs,
    practices, wards) in memory, for the services that walk it: intake's
    permission scopes, calc's aggregation up the tree, alert's "an org unit
    and its descendants" filters.  */
#ifndef CAREWATCH_ORGTREE_H
#define CAREWATCH_ORGTREE_H

#include <stdbool.h>
#include <stddef.h>
#include "db.h"

typedef struct _orgtree_t orgtree_t;

orgtree_t *orgtree_new (void);
void orgtree_destroy (orgtree_t **self_p);

//  Adds or replaces a unit; parent NULL or "" for the root.
void orgtree_add (orgtree_t *self, const char *code, const char *level, const char *parent);

//  Replaces the contents with the org_units table.  Returns 0, or -1 with
//  err (the tree is then unchanged).
int orgtree_load (orgtree_t *self, db_t *db, char *err, size_t errlen);

//  A unit's level or parent; NULL when unknown (or for the root's parent).
const char *orgtree_level (const orgtree_t *self, const char *code);
const char *orgtree_parent (const orgtree_t *self, const char *code);

//  Writes up to max ancestors of code, nearest first, into out (borrowed
//  strings).  Returns how many.  A cycle in bad data stops at max.
size_t orgtree_ancestors (const orgtree_t *self, const char *code, const char **out, size_t max);

//  True when code is ancestor itself or lies below it.
bool orgtree_within (const orgtree_t *self, const char *code, const char *ancestor);

#endif
