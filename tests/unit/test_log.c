/*  log: one parseable JSON object per line with the identifying fields.  */
#include "check.h"
#include "log.h"

#include <stdlib.h>

static json_t *
s_capture (void (*emit) (void), char **raw)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&buf, &len);
    log_set_stream (f);
    emit ();
    log_set_stream (NULL);
    fclose (f);
    json_error_t jerr;
    json_t *obj = len ? json_loadb (buf, len, JSON_DISABLE_EOF_CHECK, &jerr) : NULL;
    *raw = buf;
    return obj;
}

static void s_emit_info (void) { log_info ("batch_committed", "{s:i, s:s}", "batch_id", 12, "partner", "dgft"); }
static void s_emit_debug (void) { log_debug ("noise", NULL); }
static void s_emit_bad (void) { log_info ("oops", "{s:i", "key", 1); }
static void s_emit_quote (void) { log_warn ("odd", "{s:s}", "text", "a \"quoted\"\nline"); }

int
main (void)
{
    char *raw;
    log_init ("intake", "info");
    json_t *o = s_capture (s_emit_info, &raw);
    CHECK (o != NULL);
    CHECK_STR (json_string_value (json_object_get (o, "level")), "info");
    CHECK_STR (json_string_value (json_object_get (o, "service")), "intake");
    CHECK_STR (json_string_value (json_object_get (o, "event")), "batch_committed");
    CHECK_INT (json_integer_value (json_object_get (o, "batch_id")), 12);
    CHECK_STR (json_string_value (json_object_get (o, "partner")), "dgft");
    CHECK (json_string_length (json_object_get (o, "ts")) == 24);
    //  Exactly one line.
    CHECK (raw && strchr (raw, '\n') == raw + strlen (raw) - 1);
    json_decref (o);
    free (raw);

    //  Below the threshold: nothing.
    o = s_capture (s_emit_debug, &raw);
    CHECK (o == NULL);
    CHECK (raw == NULL || raw [0] == '\0');
    free (raw);

    //  A bad field format is reported, not lost.
    o = s_capture (s_emit_bad, &raw);
    CHECK_STR (json_string_value (json_object_get (o, "level")), "error");
    CHECK_STR (json_string_value (json_object_get (o, "event")), "oops");
    CHECK (json_object_get (o, "log_format") != NULL);
    json_decref (o);
    free (raw);

    //  Quotes and newlines stay inside one line.
    o = s_capture (s_emit_quote, &raw);
    CHECK_STR (json_string_value (json_object_get (o, "text")), "a \"quoted\"\nline");
    CHECK (strchr (raw, '\n') == raw + strlen (raw) - 1);
    json_decref (o);
    free (raw);

    log_init ("calc", "debug");
    o = s_capture (s_emit_debug, &raw);
    CHECK_STR (json_string_value (json_object_get (o, "level")), "debug");
    CHECK_STR (json_string_value (json_object_get (o, "service")), "calc");
    json_decref (o);
    free (raw);
    return check_done ("test_log");
}
