/*  log: JSON log lines.  */
#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

//  A process is one service, so these are process-wide by design.
static char s_service [32] = "carewatch";
static log_level_t s_threshold = LOG_LEVEL_INFO;
static FILE *s_stream = NULL;

static const char *s_level_names [] = { "debug", "info", "warn", "error" };

void
log_init (const char *service, const char *level)
{
    snprintf (s_service, sizeof s_service, "%s", service ? service : "carewatch");
    s_threshold = LOG_LEVEL_INFO;
    for (int i = 0; level && i < 4; i++)
        if (strcmp (level, s_level_names [i]) == 0)
            s_threshold = (log_level_t) i;
}

void
log_set_stream (FILE *stream)
{
    s_stream = stream;
}

char *
log_format_line (log_level_t level, const char *event, json_t *fields)
{
    struct timeval tv;
    struct tm tm;
    char ts [40];
    gettimeofday (&tv, NULL);
    gmtime_r (&tv.tv_sec, &tm);
    size_t n = strftime (ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf (ts + n, sizeof ts - n, ".%03dZ", (int) (tv.tv_usec / 1000));

    json_t *line = json_pack ("{s:s, s:s, s:s, s:s}", "ts", ts,
                              "level", s_level_names [level], "service", s_service,
                              "event", event ? event : "unnamed");
    if (fields)
        json_object_update_missing (line, fields);
    char *text = json_dumps (line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref (line);
    return text;
}

void
log_event (log_level_t level, const char *event, const char *fields, ...)
{
    if (level < s_threshold)
        return;
    json_t *obj = NULL;
    if (fields) {
        json_error_t jerr;
        va_list ap;
        va_start (ap, fields);
        obj = json_vpack_ex (&jerr, 0, fields, ap);
        va_end (ap);
        if (!obj) {
            obj = json_pack ("{s:s, s:s, s:s}", "log_format", fields,
                             "reason", jerr.text, "for_event", event ? event : "");
            level = LOG_LEVEL_ERROR;
        }
    }
    char *text = log_format_line (level, event, obj);
    json_decref (obj);
    if (text) {
        FILE *out = s_stream ? s_stream : stderr;
        fprintf (out, "%s\n", text);
        fflush (out);
        free (text);
    }
}
