/*  sig: stop flag set by signals.  */
#include "sig.h"

#include <czmq.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t s_stop = 0;

static void
s_handler (int signum)
{
    if (s_stop)
        _exit (1);
    s_stop = 1;
}

void
sig_install (void)
{
    zsys_handler_set (NULL);
    struct sigaction sa;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = s_handler;
    sigemptyset (&sa.sa_mask);
    sigaction (SIGTERM, &sa, NULL);
    sigaction (SIGINT, &sa, NULL);
    signal (SIGPIPE, SIG_IGN);
}

bool
sig_stop_requested (void)
{
    return s_stop != 0;
}

void
sig_request_stop (void)
{
    s_stop = 1;
}
