/*  alert_util.h: what the alert integration tests (it_alert*.c) share: a
    real webhook receiver process (`carewatch receive`), its log, feeds
    pushed through the real intake, and waits on the test database.  */
#ifndef IT_ALERT_UTIL_H
#define IT_ALERT_UTIL_H

#include "check.h"
#include "db.h"
#include "harness.h"
#include "msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static db_t *it_db;

//  Waits until calc has processed every batch and alert has evaluated
//  every change calc made (its offset is in the same transaction as the
//  alerts and notifications it writes).
static inline bool
it_settle (int timeout_ms)
{
    return harness_wait_for (it_db, "select count(*) from batches b where not exists"
                        " (select 1 from calc_processed p where p.batch_id = b.id)", "0", timeout_ms)
        && harness_wait_for (it_db, "select (select coalesce (max (position), 0) from consumer_offsets where consumer = 'alert')"
                        " >= (select coalesce (max (change_seq), 0) from indicator_values)", "t", timeout_ms);
}

static inline bool
it_port_open (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    bool open = connect (fd, (struct sockaddr *) &a, sizeof a) == 0;
    close (fd);
    return open;
}

//  Sends a JSON feed as SubmitFeed and checks the receipt's status.
static inline void
it_push (harness_t *h, const char *partner, const char *json, const char *want_status)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, 20000);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", h->intake);
    Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
    f.partner = (char *) partner;
    f.format = "json";
    f.content.data = (uint8_t *) json;
    f.content.len = strlen (json);
    msg_send (sock, NULL, &f.base);
    msg_t reply;
    char err [256];
    int rc = msg_recv (sock, false, 1 << 24, &reply, err, sizeof err);
    CHECK_INT (rc, 0);
    if (rc == 0) {
        if (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor))
            CHECK_STR (((Carewatch__V1__BatchReceipt *) reply.body)->status, want_status);
        else
            CHECK (!"no receipt");
        msg_clear (&reply);
    }
    zsock_destroy (&sock);
}

//  Starts intake, calc and alert, waits for each to answer, and connects
//  it_db to the test database.
static inline void
it_start (harness_t *h)
{
    const char *services [] = { "intake", "calc", "alert" };
    for (int i = 0; i < 3; i++)
        CHECK (harness_start (h, services [i]) > 0);
    for (int i = 0; i < 3; i++)
        CHECK_INT (harness_ping (harness_endpoint (h, services [i]), 30000, NULL, NULL, 0), 0);
    it_db = db_new (h->db_url, "test", 10000);
    char err [256];
    CHECK_INT (db_connect (it_db, 10000, err, sizeof err), 0);
}

//  Pushes sample/feeds/<name> as partner and checks it commits.
static inline void
it_push_sample (harness_t *h, const char *partner, const char *name)
{
    char path [1024];
    snprintf (path, sizeof path, "%s/sample/feeds/%s", getenv ("CAREWATCH_SOURCE_DIR"), name);
    FILE *f = fopen (path, "r");
    CHECK (f != NULL);
    char *feed = calloc (1, 8 << 20);
    size_t n = f && feed ? fread (feed, 1, (8 << 20) - 1, f) : 0;
    if (f)
        fclose (f);
    CHECK (n > 0);
    if (n)
        it_push (h, partner, feed, "committed");
    free (feed);
}

//  A `carewatch receive` process.
typedef struct {
    pid_t pid;                  //  0 when not running
    int port;                   //  where it listens
    char log [256];             //  its request log
} it_receiver_t;

//  Starts a receiver on port (another free port when that one is taken
//  meanwhile: tests running side by side pick ports at the same time);
//  waits until it listens.  Returns 0 or -1.
static inline int
it_receiver_start (it_receiver_t *self, harness_t *h, int port, const char *secret, int fail_first,
                   const char *log)
{
    char exe [512], p [16], f [16], errlog [256];
    harness_bin ("carewatch", exe, sizeof exe);
    snprintf (f, sizeof f, "%d", fail_first);
    snprintf (self->log, sizeof self->log, "%s", log);
    for (int attempt = 0; attempt < 5; attempt++, port = harness_free_port ()) {
        snprintf (p, sizeof p, "%d", port);
        snprintf (errlog, sizeof errlog, "logs/%s-receiver-%d.log", h->name, port);
        self->port = port;
        pid_t pid = fork ();
        if (pid == 0) {
            int fd = open (errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2 (fd, 2);
                close (fd);
            }
            execl (exe, exe, "receive", "--port", p, "--secret", secret, "--fail-first", f, "--log", log,
                   (char *) NULL);
            fprintf (stderr, "exec %s: %s\n", exe, strerror (errno));
            _exit (127);
        }
        self->pid = pid;
        long long deadline = harness_now_ms () + 10000;
        bool exited = false;
        while (!it_port_open (port) && !exited && harness_now_ms () < deadline) {
            exited = waitpid (pid, NULL, WNOHANG) == pid;
            usleep (10000);
        }
        //  Listening, and ours: the process is still there.
        if (!exited && waitpid (pid, NULL, WNOHANG) == 0 && it_port_open (port))
            return 0;
        if (!exited) {
            kill (pid, SIGKILL);
            waitpid (pid, NULL, 0);
        }
        self->pid = 0;
        fprintf (stderr, "receiver on port %d did not start; trying another port\n", port);
    }
    return -1;
}

//  SIGTERMs a receiver; returns its exit status, or -1 (then killed).
static inline int
it_receiver_stop (it_receiver_t *self)
{
    if (self->pid <= 0)
        return -1;
    kill (self->pid, SIGTERM);
    long long deadline = harness_now_ms () + 5000;
    int st;
    while (waitpid (self->pid, &st, WNOHANG) != self->pid) {
        if (harness_now_ms () > deadline) {
            kill (self->pid, SIGKILL);
            waitpid (self->pid, NULL, 0);
            self->pid = 0;
            return -1;
        }
        usleep (10000);
    }
    self->pid = 0;
    return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

//  One logged request: "<status> signature-ok|signature-bad <id> <body>".
typedef struct {
    int status;
    bool signature_ok;
    char id [64];
    char *body;                 //  owned
} it_request_t;

typedef struct {
    it_request_t *req;
    size_t n;
} it_requests_t;

static inline void
it_requests_free (it_requests_t *self)
{
    for (size_t i = 0; i < self->n; i++)
        free (self->req [i].body);
    free (self->req);
    self->req = NULL;
    self->n = 0;
}

//  Reads a receiver log (complete lines only).
static inline it_requests_t
it_requests_read (const char *path)
{
    it_requests_t out = { NULL, 0 };
    FILE *f = fopen (path, "r");
    if (!f)
        return out;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline (&line, &cap, f)) > 0) {
        if (line [len - 1] != '\n')
            break;              //  still being written
        line [len - 1] = '\0';
        it_request_t r = { 0 };
        char sig [32] = "";
        int used = 0;
        if (sscanf (line, "%d %31s %63s %n", &r.status, sig, r.id, &used) < 3)
            continue;
        r.signature_ok = strcmp (sig, "signature-ok") == 0;
        r.body = strdup (line + used);
        out.req = realloc (out.req, (out.n + 1) * sizeof *out.req);
        out.req [out.n++] = r;
    }
    free (line);
    fclose (f);
    return out;
}

static inline size_t
it_requests_count (const char *path)
{
    it_requests_t r = it_requests_read (path);
    size_t n = r.n;
    it_requests_free (&r);
    return n;
}

//  Waits until a receiver log holds at least n requests.
static inline bool
it_wait_requests (const char *path, size_t n, int timeout_ms)
{
    long long deadline = harness_now_ms () + timeout_ms;
    while (it_requests_count (path) < n) {
        if (harness_now_ms () > deadline) {
            fprintf (stderr, "timeout: %s has %zu requests, want %zu\n", path, it_requests_count (path), n);
            return false;
        }
        usleep (20000);
    }
    return true;
}

//  Runs `carewatch ARGS` (shell words) with the harness environment;
//  its output goes to logs/<name>-cli.log.  Returns its exit status.
static inline int
it_cli (harness_t *h, const char *args)
{
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    harness_export (h);
    return harness_sh ("%s %s >>logs/%s-cli.log 2>&1", bin, args, h->name);
}

#endif
