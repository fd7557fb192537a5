/*  jalloc: jansson's small blocks recycled through per-thread lists.  */
#include "check.h"
#include "htmlbuf.h"
#include "jalloc.h"
#include "log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

//  A document like a scorecard's: many small objects and one long string.
static json_t *
s_doc (int rows)
{
    json_t *doc = json_pack ("{s:s, s:[]}", "title", "Scorecard", "rows");
    for (int i = 0; i < rows; i++)
        json_array_append_new (json_object_get (doc, "rows"),
                               json_pack ("{s:i, s:f, s:s}", "n", i, "value", i / 3.0, "status", "on_target"));
    char *long_text = malloc (5000);
    memset (long_text, 'x', 4999);
    long_text [4999] = '\0';
    json_object_set_new (doc, "long", json_string (long_text));
    free (long_text);
    return doc;
}

int
main (void)
{
    //  Before any jansson value exists.
    jalloc_install ();

    //  Blocks come back to the lists when the document is dropped, and a
    //  second document of the same shape takes them again: the lists do
    //  not grow.
    json_t *doc = s_doc (2000);
    htmlbuf_t first = HTMLBUF_INIT;
    CHECK_INT (htmlbuf_json (&first, doc, JSON_COMPACT | JSON_SORT_KEYS), 0);
    json_decref (doc);
    size_t bytes1 = 0, held1 = jalloc_cached (&bytes1);
    CHECK (held1 >= 2000 * 4);
    doc = s_doc (2000);
    size_t during = jalloc_cached (NULL);
    CHECK (during < held1 / 10);
    htmlbuf_t second = HTMLBUF_INIT;
    CHECK_INT (htmlbuf_json (&second, doc, JSON_COMPACT | JSON_SORT_KEYS), 0);
    json_decref (doc);
    size_t bytes2 = 0, held2 = jalloc_cached (&bytes2);
    CHECK (held2 == held1);
    CHECK (bytes2 == bytes1);

    //  The text is the document, the same both times.
    CHECK (first.len > 2000 * 30);
    CHECK (first.len == second.len && memcmp (first.data, second.data, first.len) == 0);
    CHECK (strstr (first.data, "{\"n\":1999,\"status\":\"on_target\",\"value\":666.") != NULL);
    htmlbuf_free (&first);
    htmlbuf_free (&second);

    //  Reading JSON goes through it too, and a block of every size
    //  (below, at and above the small limit) keeps its contents.
    for (size_t n = 1; n <= 3 * JALLOC_SMALL; n += 7) {
        unsigned char *p = jalloc_malloc (n);
        CHECK (p != NULL && ((uintptr_t) p & 15) == 0);
        memset (p, (int) (n & 0xff), n);
        CHECK (p [n - 1] == (unsigned char) (n & 0xff));
        jalloc_free (p);
    }
    json_error_t jerr;
    json_t *read = json_loads ("{\"a\": [1, 2.5, \"three\"]}", 0, &jerr);
    CHECK (read && json_real_value (json_array_get (json_object_get (read, "a"), 1)) == 2.5);
    json_decref (read);

    //  A log line is the caller's to free() even with jansson on jalloc.
    json_t *fields = json_pack ("{s:i}", "batch_id", 12);
    char *line = log_format_line (LOG_LEVEL_INFO, "batch_committed", fields);
    json_decref (fields);
    CHECK (line && strstr (line, "\"batch_id\":12") != NULL);
    free (line);
    return check_done ("test_jalloc");
}
