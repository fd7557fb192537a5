/*  harness: real processes for integration tests.  */
#include "harness.h"
#include "msg.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

//  The lowest port of the kernel's ephemeral range (32768 by default).
static int
s_ephemeral_low (void)
{
    int lo = 32768, hi = 60999;
    FILE *f = fopen ("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        if (fscanf (f, "%d %d", &lo, &hi) != 2)
            lo = 32768;
        fclose (f);
    }
    return lo;
}

//  True when nothing holds port on any address: not a listener, not a
//  connection's local end, not a socket in TIME_WAIT.
static bool
s_port_free (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    a.sin_addr.s_addr = htonl (INADDR_ANY);
    bool ok = bind (fd, (struct sockaddr *) &a, sizeof a) == 0;
    close (fd);
    return ok;
}

int
harness_free_port (void)
{
    //  Ports this process has handed out already, so two calls never
    //  return the same one before either is bound.
    static int given [256];
    static size_t next;
    static unsigned long long state;
    if (!state) {
        struct timespec ts;
        clock_gettime (CLOCK_MONOTONIC, &ts);
        state = ((unsigned long long) getpid () << 32) ^ (unsigned long long) ts.tv_nsec ^ 0x9e3779b97f4a7c15ULL;
    }
    int lo = 10000, hi = s_ephemeral_low ();
    if (hi - lo < 2000)
        lo = 1024;
    for (int attempt = 0; attempt < 1000; attempt++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        int port = lo + (int) (state % (unsigned long long) (hi - lo));
        bool seen = false;
        for (size_t i = 0; i < next && i < 256 && !seen; i++)
            seen = given [i] == port;
        if (seen || !s_port_free (port))
            continue;
        given [next++ % 256] = port;
        return port;
    }
    return -1;
}

const char *
harness_bin (const char *name, char *buf, size_t len)
{
    const char *dir = getenv ("CAREWATCH_BIN_DIR");
    snprintf (buf, len, "%s/%s", dir ? dir : ".", name);
    return buf;
}

int
harness_sh (const char *fmt, ...)
{
    char cmd [2048];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (cmd, sizeof cmd, fmt, ap);
    va_end (ap);
    int st = system (cmd);
    return WIFEXITED (st) ? WEXITSTATUS (st) : -1;
}

int
harness_init (harness_t *self, const char *name)
{
    memset (self, 0, sizeof *self);
    snprintf (self->name, sizeof self->name, "%s", name);
    const char *script = getenv ("CAREWATCH_TEST_PG_SCRIPT");
    const char *cluster = getenv ("CAREWATCH_TEST_PG_NAME");
    if (!script || !cluster) {
        fprintf (stderr, "harness: CAREWATCH_TEST_PG_SCRIPT/NAME unset (run through ctest)\n");
        return -1;
    }
    char db [64], cmd [1024];
    snprintf (db, sizeof db, "t_%s_%d", name, (int) getpid ());
    for (char *c = db; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
            *c = '_';
    snprintf (cmd, sizeof cmd, "%s createdb %s %s", script, cluster, db);
    FILE *p = popen (cmd, "r");
    if (!p || !fgets (self->db_url, sizeof self->db_url, p)) {
        fprintf (stderr, "harness: %s failed\n", cmd);
        if (p)
            pclose (p);
        return -1;
    }
    pclose (p);
    self->db_url [strcspn (self->db_url, "\n")] = '\0';
    char (*eps [])[64] = { &self->intake, &self->calc, &self->calc_events, &self->calc_control,
                           &self->alert_stream, &self->alert_control, &self->export_,
                           &self->gateway_control };
    int ports [9];
    for (int i = 0; i < 9; i++)
        if ((ports [i] = harness_free_port ()) < 0) {
            fprintf (stderr, "harness: no free port\n");
            return -1;
        }
    for (size_t i = 0; i < sizeof eps / sizeof eps [0]; i++)
        snprintf (*eps [i], 64, "tcp://127.0.0.1:%d", ports [i]);
    self->http_port = ports [8];
    mkdir ("logs", 0755);
    return 0;
}

void
harness_setenv (const harness_setup_t *e)
{
    char port [16];
    snprintf (port, sizeof port, "%d", e->http_port);
    setenv ("CAREWATCH_DATABASE_URL", e->db_url, 1);
    setenv ("CAREWATCH_INTAKE_ENDPOINT", e->intake, 1);
    setenv ("CAREWATCH_CALC_ENDPOINT", e->calc, 1);
    setenv ("CAREWATCH_CALC_EVENTS", e->calc_events, 1);
    setenv ("CAREWATCH_CALC_CONTROL", e->calc_control, 1);
    setenv ("CAREWATCH_ALERT_STREAM", e->alert_stream, 1);
    setenv ("CAREWATCH_ALERT_CONTROL", e->alert_control, 1);
    setenv ("CAREWATCH_EXPORT_ENDPOINT", e->export_, 1);
    setenv ("CAREWATCH_GATEWAY_CONTROL", e->gateway_control, 1);
    setenv ("CAREWATCH_HTTP_PORT", port, 1);
    setenv ("CAREWATCH_LOG_LEVEL", e->log_level, 1);
    //  The receivers listen on loopback, which webhooks may not reach
    //  unless allowed.
    setenv ("CAREWATCH_WEBHOOK_ALLOW", "127.0.0.0/8", 1);
}

void
harness_export (harness_t *self)
{
    harness_setup_t e = { self->db_url, self->intake, self->calc, self->calc_events, self->calc_control,
                          self->alert_stream, self->alert_control, self->export_, self->gateway_control,
                          self->http_port, "debug" };
    harness_setenv (&e);
}

const char *
harness_endpoint (harness_t *self, const char *service)
{
    if (strcmp (service, "intake") == 0) return self->intake;
    if (strcmp (service, "calc") == 0) return self->calc_control;
    if (strcmp (service, "alert") == 0) return self->alert_control;
    if (strcmp (service, "export") == 0) return self->export_;
    if (strcmp (service, "gateway") == 0) return self->gateway_control;
    return NULL;
}

pid_t
harness_start (harness_t *self, const char *service)
{
    if (self->nprocs == HARNESS_MAX_PROCS)
        return -1;
    char exe [512], name [64], log [256];
    snprintf (name, sizeof name, "carewatch-%s", service);
    harness_bin (name, exe, sizeof exe);
    snprintf (log, sizeof log, "logs/%s-%s.log", self->name, service);
    harness_export (self);
    pid_t pid = fork ();
    if (pid == 0)
        harness_exec (exe, log, false);
    self->pids [self->nprocs] = pid;
    snprintf (self->procs [self->nprocs], 32, "%s", service);
    self->nprocs++;
    return pid;
}

int
harness_ping (const char *endpoint, int timeout_ms, bool *database_ok, char *service, size_t len)
{
    //  One socket for the whole wait: a Ping is sent again every second,
    //  and a late Pong to an earlier one still counts.
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_set_rcvtimeo (sock, 100);
    zsock_connect (sock, "%s", endpoint);
    int64_t deadline = zclock_mono () + timeout_ms, next_send = 0;
    int rc = -1;
    while (rc == -1 && zclock_mono () < deadline) {
        if (zclock_mono () >= next_send) {
            Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
            ping.from = "harness";
            msg_send (sock, NULL, &ping.base);
            next_send = zclock_mono () + 1000;
        }
        msg_t reply;
        char err [256];
        if (msg_recv (sock, false, 1 << 20, &reply, err, sizeof err) == 0) {
            if (msg_is (&reply, &carewatch__v1__pong__descriptor)) {
                Carewatch__V1__Pong *p = (Carewatch__V1__Pong *) reply.body;
                if (database_ok)
                    *database_ok = p->database_ok;
                if (service)
                    snprintf (service, len, "%s", p->service);
                rc = 0;
            }
            msg_clear (&reply);
        }
    }
    zsock_destroy (&sock);
    return rc;
}

static int
s_find (harness_t *self, const char *service)
{
    for (int i = 0; i < self->nprocs; i++)
        if (self->pids [i] > 0 && strcmp (self->procs [i], service) == 0)
            return i;
    return -1;
}

int
harness_stop (harness_t *self, const char *service, int sig, int timeout_ms)
{
    int i = s_find (self, service);
    if (i < 0)
        return -1;
    pid_t pid = self->pids [i];
    kill (pid, sig);
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        int st;
        pid_t r = waitpid (pid, &st, WNOHANG);
        if (r == pid) {
            self->pids [i] = 0;
            return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
        }
        usleep (10000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    self->pids [i] = 0;
    return -1;
}

void
harness_cleanup (harness_t *self)
{
    for (int i = 0; i < self->nprocs; i++)
        if (self->pids [i] > 0) {
            kill (self->pids [i], SIGKILL);
            waitpid (self->pids [i], NULL, 0);
            self->pids [i] = 0;
        }
}

// ---------------------------------------------------------------------
//  HTTP client

static size_t
s_http_write (char *data, size_t size, size_t n, void *arg)
{
    harness_resp_t *r = arg;
    char *body = realloc (r->body, r->len + size * n + 1);
    if (!body)
        return 0;
    r->body = body;
    memcpy (r->body + r->len, data, size * n);
    r->len += size * n;
    r->body [r->len] = '\0';
    return size * n;
}

harness_resp_t
harness_http (int port, const char *path, const char *key, const char *content_type, const char *body, size_t len)
{
    harness_resp_t r = { 0, calloc (1, 1), 0 };
    char url [2048], auth [160], type [160];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    struct curl_slist *h = curl_slist_append (NULL, "Expect:");
    if (key) {
        snprintf (auth, sizeof auth, "Authorization: Bearer %s", key);
        h = curl_slist_append (h, auth);
    }
    if (body && content_type) {
        snprintf (type, sizeof type, "Content-Type: %s", content_type);
        h = curl_slist_append (h, type);
    }
    CURL *c = curl_easy_init ();
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_http_write);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_NOPROXY, "*");
    if (body) {
        curl_easy_setopt (c, CURLOPT_POST, 1L);
        curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) len);
    }
    CURLcode rc = curl_easy_perform (c);
    if (rc == CURLE_OK)
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &r.status);
    else
        fprintf (stderr, "curl %s: %s\n", path, curl_easy_strerror (rc));
    curl_slist_free_all (h);
    curl_easy_cleanup (c);
    return r;
}

long long
harness_now_ms (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

const char *
harness_query (db_t *db, const char *sql)
{
    static char out [8192];
    char err [256];
    PGresult *r = db_exec (db, sql, 0, NULL, DB_TUPLES, err, sizeof err);
    if (!r) {
        fprintf (stderr, "%s: %s\n", sql, err);
        return strcpy (out, "(error)");
    }
    snprintf (out, sizeof out, "%s", PQntuples (r) ? PQgetvalue (r, 0, 0) : "(none)");
    PQclear (r);
    return out;
}

bool
harness_wait_for (db_t *db, const char *sql, const char *want, int timeout_ms)
{
    long long deadline = harness_now_ms () + timeout_ms;
    while (strcmp (harness_query (db, sql), want) != 0) {
        if (harness_now_ms () > deadline) {
            fprintf (stderr, "timeout: %s = %s, want %s\n", sql, harness_query (db, sql), want);
            return false;
        }
        usleep (20000);
    }
    return true;
}

int
harness_connect (const char *src, int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    if (fd < 0)
        return -1;
    if (src) {
        inet_pton (AF_INET, src, &a.sin_addr);
        if (bind (fd, (struct sockaddr *) &a, sizeof a)) {
            close (fd);
            return -1;
        }
    }
    a.sin_port = htons ((uint16_t) port);
    inet_pton (AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect (fd, (struct sockaddr *) &a, sizeof a)) {
        close (fd);
        return -1;
    }
    return fd;
}

void
harness_exec (const char *exe, const char *log, bool truncate)
{
    int fd = open (log, O_WRONLY | O_CREAT | (truncate ? O_TRUNC : O_APPEND), 0644);
    if (fd >= 0) {
        dup2 (fd, 2);
        close (fd);
    }
    execl (exe, exe, (char *) NULL);
    fprintf (stderr, "exec %s: %s\n", exe, strerror (errno));
    _exit (127);
}
