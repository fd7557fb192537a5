/*  sig: SIGTERM and SIGINT as a request to stop.

    The handler only sets a flag; the service loop sees it, finishes the
    work in hand and exits 0.  A second signal exits at once (status 1),
    for the impatient Ctrl-C.  */
#ifndef CAREWATCH_SIG_H
#define CAREWATCH_SIG_H

#include <stdbool.h>

//  Installs the handlers (and stops CZMQ from installing its own).
void sig_install (void);

//  True once SIGTERM or SIGINT has arrived.
bool sig_stop_requested (void);

//  Sets the flag as a signal would (tests and in-process shutdown).
void sig_request_stop (void);

#endif
