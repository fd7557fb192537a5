/*  cdp: Chromium over --remote-debugging-pipe.  */
#include "cdp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

struct _cdp_t {
    pid_t pid;                  //  Chromium
    int to;                     //  we write commands here (its fd 3)
    int from;                   //  it writes answers and events here (its fd 4)
    char *buf;                  //  bytes read, not yet a whole message
    size_t len, cap;
    int next_id;
    char session [128];         //  the page's session
    bool loaded;                //  a Page.loadEventFired came since last cleared
};

static long long
s_now_ms (void)
{
    struct timeval tv;
    gettimeofday (&tv, NULL);
    return (long long) tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static int
s_send (cdp_t *self, json_t *msg)
{
    char *text = json_dumps (msg, JSON_COMPACT);
    json_decref (msg);
    if (!text)
        return -1;
    size_t n = strlen (text) + 1, off = 0;
    while (off < n) {
        ssize_t w = write (self->to, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            free (text);
            return -1;
        }
        off += (size_t) w;
    }
    free (text);
    return 0;
}

//  The next whole message, waiting until deadline; NULL on timeout/EOF.
static json_t *
s_next (cdp_t *self, long long deadline)
{
    while (true) {
        char *nul = self->len ? memchr (self->buf, '\0', self->len) : NULL;
        if (nul) {
            size_t n = (size_t) (nul - self->buf);
            json_t *msg = json_loadb (self->buf, n, 0, NULL);
            memmove (self->buf, nul + 1, self->len - n - 1);
            self->len -= n + 1;
            if (msg)
                return msg;
            continue;
        }
        long long left = deadline - s_now_ms ();
        if (left <= 0)
            return NULL;
        struct pollfd pfd = { self->from, POLLIN, 0 };
        if (poll (&pfd, 1, (int) left) <= 0)
            continue;
        if (self->cap - self->len < 65536) {
            self->cap = self->cap * 2 + 65536;
            self->buf = realloc (self->buf, self->cap);
        }
        ssize_t r = read (self->from, self->buf + self->len, self->cap - self->len);
        if (r <= 0)
            return NULL;
        self->len += (size_t) r;
    }
}

static void
s_event (cdp_t *self, json_t *msg)
{
    const char *method = json_string_value (json_object_get (msg, "method"));
    if (method && strcmp (method, "Page.loadEventFired") == 0)
        self->loaded = true;
}

//  Sends method (to the page when session) and waits for its answer.
static json_t *
s_call (cdp_t *self, bool session, const char *method, json_t *params, int timeout_ms, char *err, size_t errlen)
{
    int id = ++self->next_id;
    json_t *msg = json_pack ("{s:i, s:s, s:o}", "id", id, "method", method, "params", params ? params : json_object ());
    if (session)
        json_object_set_new (msg, "sessionId", json_string (self->session));
    if (s_send (self, msg)) {
        snprintf (err, errlen, "%s: could not write to Chromium", method);
        return NULL;
    }
    long long deadline = s_now_ms () + timeout_ms;
    json_t *m;
    while ((m = s_next (self, deadline))) {
        if (json_integer_value (json_object_get (m, "id")) == id) {
            json_t *result = json_incref (json_object_get (m, "result"));
            if (!result) {
                char *e = json_dumps (json_object_get (m, "error"), JSON_COMPACT);
                snprintf (err, errlen, "%s: %s", method, e ? e : "error");
                free (e);
            }
            json_decref (m);
            return result;
        }
        s_event (self, m);
        json_decref (m);
    }
    snprintf (err, errlen, "%s: no answer in %d ms", method, timeout_ms);
    return NULL;
}

static int
s_wait_load (cdp_t *self, int timeout_ms)
{
    long long deadline = s_now_ms () + timeout_ms;
    while (!self->loaded) {
        json_t *m = s_next (self, deadline);
        if (!m)
            return -1;
        s_event (self, m);
        json_decref (m);
    }
    return 0;
}

cdp_t *
cdp_start (const char *dir, char *err, size_t errlen)
{
    int to [2], from [2];
    mkdir (dir, 0700);
    if (pipe (to) || pipe (from)) {
        snprintf (err, errlen, "pipe: %s", strerror (errno));
        return NULL;
    }
    char profile [600];
    snprintf (profile, sizeof profile, "--user-data-dir=%s", dir);
    pid_t pid = fork ();
    if (pid == 0) {
        //  Its fd 3 reads our commands, its fd 4 carries its answers.
        dup2 (to [0], 3);
        dup2 (from [1], 4);
        for (int fd = 5; fd < 1024; fd++)
            close (fd);
        int devnull = open ("/dev/null", O_WRONLY);
        dup2 (devnull, 1);
        dup2 (devnull, 2);
        execl ("/usr/bin/chromium", "chromium", "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
               "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
               "--hide-scrollbars", "--mute-audio", "--disable-extensions", profile, "about:blank", (char *) NULL);
        _exit (127);
    }
    close (to [0]);
    close (from [1]);
    if (pid < 0) {
        snprintf (err, errlen, "fork: %s", strerror (errno));
        return NULL;
    }
    cdp_t *self = calloc (1, sizeof *self);
    self->pid = pid;
    self->to = to [1];
    self->from = from [0];
    json_t *t = s_call (self, false, "Target.createTarget", json_pack ("{s:s}", "url", "about:blank"), 30000, err, errlen);
    json_t *a = t ? s_call (self, false, "Target.attachToTarget", json_pack ("{s:O, s:b}", "targetId",
                            json_object_get (t, "targetId"), "flatten", 1), 10000, err, errlen) : NULL;
    if (a)
        snprintf (self->session, sizeof self->session, "%s", json_string_value (json_object_get (a, "sessionId")) ?: "");
    json_decref (t);
    json_decref (a);
    json_t *e = self->session [0] ? s_call (self, true, "Page.enable", NULL, 10000, err, errlen) : NULL;
    if (!e) {
        cdp_stop (&self);
        return NULL;
    }
    json_decref (e);
    return self;
}

void
cdp_stop (cdp_t **self_p)
{
    cdp_t *self = *self_p;
    if (!self)
        return;
    char err [128];
    json_decref (s_call (self, false, "Browser.close", NULL, 3000, err, sizeof err));
    close (self->to);
    close (self->from);
    int status;
    for (int i = 0; i < 50 && waitpid (self->pid, &status, WNOHANG) == 0; i++)
        usleep (100000);
    if (waitpid (self->pid, &status, WNOHANG) == 0) {
        kill (self->pid, SIGKILL);
        waitpid (self->pid, &status, 0);
    }
    free (self->buf);
    free (self);
    *self_p = NULL;
}

json_t *
cdp_call (cdp_t *self, const char *method, json_t *params, int timeout_ms, char *err, size_t errlen)
{
    return s_call (self, true, method, params, timeout_ms, err, errlen);
}

int
cdp_navigate (cdp_t *self, const char *url, int timeout_ms)
{
    char err [512];
    self->loaded = false;
    json_t *r = s_call (self, true, "Page.navigate", json_pack ("{s:s}", "url", url), timeout_ms, err, sizeof err);
    if (!r) {
        fprintf (stderr, "cdp: %s\n", err);
        return -1;
    }
    bool failed = json_object_get (r, "errorText") != NULL;
    json_decref (r);
    return failed ? -1 : s_wait_load (self, timeout_ms);
}

json_t *
cdp_eval (cdp_t *self, const char *js, bool navigates, int timeout_ms)
{
    char err [512];
    self->loaded = false;
    json_t *r = s_call (self, true, "Runtime.evaluate", json_pack ("{s:s, s:b, s:b}", "expression", js, "returnByValue", 1,
                        "awaitPromise", 1), timeout_ms, err, sizeof err);
    if (!r) {
        fprintf (stderr, "cdp: %s\n", err);
        return NULL;
    }
    if (json_object_get (r, "exceptionDetails")) {
        char *e = json_dumps (json_object_get (r, "exceptionDetails"), JSON_COMPACT);
        fprintf (stderr, "cdp: %.60s threw %.400s\n", js, e ? e : "?");
        free (e);
        json_decref (r);
        return NULL;
    }
    json_t *value = json_object_get (json_object_get (r, "result"), "value");
    value = value ? json_incref (value) : json_null ();
    json_decref (r);
    if (navigates && s_wait_load (self, timeout_ms)) {
        json_decref (value);
        return NULL;
    }
    return value;
}

char *
cdp_url (cdp_t *self)
{
    json_t *v = cdp_eval (self, "location.href", false, 5000);
    char *url = json_is_string (v) ? strdup (json_string_value (v)) : NULL;
    json_decref (v);
    return url;
}

int
cdp_viewport (cdp_t *self, int width, int height, bool mobile)
{
    char err [256];
    json_t *r = s_call (self, true, "Emulation.setDeviceMetricsOverride", json_pack ("{s:i, s:i, s:i, s:b}", "width", width,
                        "height", height, "deviceScaleFactor", 1, "mobile", mobile), 5000, err, sizeof err);
    json_decref (r);
    return r ? 0 : -1;
}

int
cdp_screenshot (cdp_t *self, const char *path)
{
    char err [256];
    json_t *r = s_call (self, true, "Page.captureScreenshot", json_pack ("{s:s, s:b}", "format", "png",
                        "captureBeyondViewport", 1), 30000, err, sizeof err);
    const char *data = json_string_value (json_object_get (r, "data"));
    if (!data) {
        fprintf (stderr, "cdp: %s\n", err);
        json_decref (r);
        return -1;
    }
    size_t n = strlen (data), len = 0;
    unsigned char *png = malloc (n);
    int rc = png && sodium_base642bin (png, n, data, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 ? 0 : -1;
    FILE *f = rc == 0 ? fopen (path, "wb") : NULL;
    if (f) {
        rc = fwrite (png, 1, len, f) == len ? 0 : -1;
        fclose (f);
    }
    else
        rc = -1;
    free (png);
    json_decref (r);
    return rc;
}
