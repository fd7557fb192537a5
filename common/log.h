/*  log: one JSON object per line on stderr.

    {"ts":"2026-11-23T11:40:02.123Z","level":"info","service":"intake",
     "event":"batch_committed","batch_id":12,"accepted":100}

    The service name and threshold are process-wide: a process is one
    service.  Fields are given as a Jansson pack format and its values.  */
#ifndef CAREWATCH_LOG_H
#define CAREWATCH_LOG_H

#include <jansson.h>
#include <stdio.h>

typedef enum { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR } log_level_t;

//  Sets the service name written on every line and the lowest level
//  written ("debug", "info", "warn", "error"; unknown = info).
void log_init (const char *service, const char *level);

//  Sends lines to stream instead of stderr (tests capture them).
void log_set_stream (FILE *stream);

//  Writes one line.  fields is a json_pack format for an object
//  ("{s:s, s:i}") followed by its values, or NULL for no fields.  A
//  format that does not pack is itself logged as a "log_format" error
//  rather than lost.
void log_event (log_level_t level, const char *event, const char *fields, ...);

//  Formats the line log_event would write, into a new string the caller
//  frees.  Used by log_event and by the tests.
char *log_format_line (log_level_t level, const char *event, json_t *fields);

#define log_debug(event, ...) log_event (LOG_LEVEL_DEBUG, event, __VA_ARGS__)
#define log_info(event, ...)  log_event (LOG_LEVEL_INFO, event, __VA_ARGS__)
#define log_warn(event, ...)  log_event (LOG_LEVEL_WARN, event, __VA_ARGS__)
#define log_error(event, ...) log_event (LOG_LEVEL_ERROR, event, __VA_ARGS__)

#endif
