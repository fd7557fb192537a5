/*  The web front end in a real browser (issue 15).  The five services
    with the Dudley sample loaded (scripts/load-sample.sh, the real intake
    path); a headless Debian Chromium driven over the DevTools protocol
    (tests/support/cdp.c):
      - signs in with an API key (a wrong key is refused, the session
        cookie is HttpOnly so the page's script cannot read it);
      - opens the overview, an indicator, an area, the alerts, the feeds
        and the keys page, and reads the figures the pages show back out
        of the DOM, comparing them with the API (and one with the seed);
      - follows the drill-down Dudley -> a PCN -> a practice;
      - downloads the CSV of an indicator page and compares it with the
        table on the page and with the API;
      - checks the CSRF token: a form posted without it is refused;
      - checks the overview fits a phone's width (the grid scrolls in its
        own box) and signs out;
    and saves a screenshot of every page under the build folder
    (tests/web/, one PNG per page).  */
#include "cdp.h"
#include "check.h"
#include "harness.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cdp_t *s_cdp;
static char s_base [64];
static int s_port;
static char s_reader [80], s_admin [80], s_partner [80];

static void
s_open (const char *path)
{
    char url [512];
    snprintf (url, sizeof url, "%s%s", s_base, path);
    if (cdp_navigate (s_cdp, url, 30000)) {
        check_count++;
        check_failures++;
        fprintf (stderr, "could not open %s\n", url);
    }
}

static void
s_shot (const char *name)
{
    char path [256];
    snprintf (path, sizeof path, "web/%s.png", name);
    CHECK_INT (cdp_screenshot (s_cdp, path), 0);
}

//  A JavaScript expression's value as a number (NAN when not a number).
static double
s_num (const char *js)
{
    json_t *v = cdp_eval (s_cdp, js, false, 10000);
    double d = json_is_number (v) ? json_number_value (v) : NAN;
    json_decref (v);
    return d;
}

//  ... as a string (a new string, "" when not a string).
static char *
s_str (const char *js)
{
    json_t *v = cdp_eval (s_cdp, js, false, 10000);
    char *s = strdup (json_is_string (v) ? json_string_value (v) : "");
    json_decref (v);
    return s;
}

static json_t *
s_api (const char *path)
{
    harness_resp_t r = harness_http (s_port, path, s_reader, NULL, NULL, 0);
    json_t *j = r.status == 200 ? json_loadb (r.body, r.len, 0, NULL) : NULL;
    if (!j)
        fprintf (stderr, "GET %s = %ld %.300s\n", path, r.status, r.body ? r.body : "");
    free (r.body);
    return j;
}

//  The latest value the API holds for an indicator in an area (and its period).
static double
s_api_latest (const char *indicator, const char *area, char *period, size_t len)
{
    char path [256];
    snprintf (path, sizeof path, "/v1/indicators/%s/values?org_unit=%s&breakdown=total", indicator, area);
    json_t *a = s_api (path);
    size_t n = json_array_size (a);
    json_t *last = n ? json_array_get (a, n - 1) : NULL;
    double v = last && json_is_number (json_object_get (last, "value")) ? json_number_value (json_object_get (last, "value")) : NAN;
    snprintf (period, len, "%s", last ? json_string_value (json_object_get (last, "period")) : "");
    json_decref (a);
    return v;
}

static void
s_signin (void)
{
    //  A page asked for without a session: to the sign-in page, and back
    //  to it, arguments and all, after.
    s_open ("/ui/indicators/pi-2257?area=dudley&breakdown=total");
    char *url = cdp_url (s_cdp);
    CHECK_CONTAINS (url, "/ui/signin?next=%2Fui%2Findicators%2Fpi-2257%3Farea%3Ddudley%26breakdown%3Dtotal");
    free (url);
    //  A wrong key is refused on the page.
    json_decref (cdp_eval (s_cdp, "document.getElementById('key').value = 'cw_wrong';"
                                  " document.querySelector('form.signin').submit()", true, 30000));
    char *msg = s_str ("(document.getElementById('signin-error') || {}).textContent || ''");
    CHECK_CONTAINS (msg, "not valid");
    free (msg);
    char js [300];
    snprintf (js, sizeof js, "document.getElementById('key').value = '%s'; document.querySelector('form.signin').submit()",
              s_admin);
    json_decref (cdp_eval (s_cdp, js, true, 30000));
    url = cdp_url (s_cdp);
    char want [160];
    snprintf (want, sizeof want, "%s/ui/indicators/pi-2257?area=dudley&breakdown=total", s_base);
    CHECK_STR (url, want);
    free (url);
    //  HttpOnly: the session is not visible to the page's script.
    char *cookie = s_str ("document.cookie");
    CHECK (strstr (cookie, "cw_session") == NULL);
    free (cookie);
}

static void
s_overview (void)
{
    s_open ("/ui/?as_at=FY2022-23Q2");
    double rows = s_num ("document.querySelectorAll('#rug tbody tr[data-indicator]').length");
    CHECK (rows >= 100);
    double cols = s_num ("document.querySelectorAll('#rug thead th[data-area]').length");
    CHECK_INT (cols, 9);        //  England, West Midlands, Dudley and 6 PCNs
    //  PI 2257 in Q2 2022/23: £6,000 (seed 001, line 4184), as the API has it.
    double shown = s_num ("parseFloat(document.querySelector('#rug tr[data-indicator=\"pi-2257\"] td[data-area=\"dudley\"]"
                          " [data-value]').dataset.value)");
    CHECK_NEAR (shown, 6000, 1e-9);
    json_t *a = s_api ("/v1/indicators/pi-2257/values?org_unit=dudley&from=FY2022-23Q2&to=FY2022-23Q2");
    CHECK_NEAR (json_number_value (json_object_get (json_array_get (a, 0), "value")), shown, 1e-9);
    CHECK_STR (json_string_value (json_object_get (json_array_get (a, 0), "status")), "below_target");
    json_decref (a);
    char *cls = s_str ("document.querySelector('#rug tr[data-indicator=\"pi-2257\"] td[data-area=\"dudley\"]').className");
    CHECK_CONTAINS (cls, "c-below_target");
    free (cls);
    //  Every cell says its verdict in words too, not only by colour.
    CHECK (s_num ("document.querySelectorAll('#rug td.cell:not(.empty) .sr').length") > 100);
    //  The status filter keeps only the rows whose Dudley cell has it.
    s_open ("/ui/?as_at=FY2022-23Q2&status=below_target");
    double below = s_num ("document.querySelectorAll('#rug tbody tr[data-indicator]').length");
    double wrong = s_num ("Array.from(document.querySelectorAll('#rug tbody tr[data-indicator]')).filter(r =>"
                          " !r.querySelector('td[data-area=\"dudley\"].c-below_target')).length");
    CHECK (below > 0 && below < rows);
    CHECK_INT (wrong, 0);
    s_open ("/ui/?as_at=FY2022-23Q2");
    s_shot ("overview");
}

static void
s_indicator (void)
{
    const char *code = "vacc-mmr1-24m-monthly";
    char path [256], period [32];
    snprintf (path, sizeof path, "/ui/indicators/%s?area=dudley&compare=practices", code);
    s_open (path);
    double api = s_api_latest (code, "dudley", period, sizeof period);
    CHECK_NEAR (s_num ("parseFloat(document.querySelector('#latest-value [data-value]').dataset.value)"), api, 1e-9);
    //  The table holds every period the API has.
    snprintf (path, sizeof path, "/v1/indicators/%s/values?org_unit=dudley&breakdown=total", code);
    json_t *all = s_api (path);
    CHECK_INT (s_num ("document.querySelectorAll('#figures tbody tr').length"), json_array_size (all));
    json_decref (all);
    CHECK_INT (s_num ("document.querySelectorAll('svg.trend, svg.spc, svg.funnel').length"), 3);
    CHECK (s_num ("document.querySelectorAll('#spc-icons svg.icon').length") >= 1);
    //  All 43 practices compared, sorted by value (highest first).
    CHECK_INT (s_num ("document.querySelectorAll('#compare tbody tr').length"), 43);
    CHECK_INT (s_num ("(() => { const v = Array.from(document.querySelectorAll('#compare tbody tr [data-value]'))"
                      ".map(e => parseFloat(e.dataset.value)); return v.every((x, i) => i == 0 || v[i - 1] >= x) ? 1 : 0 })()"),
               1);
    //  Inequalities: the deprivation quintiles and the gap.
    CHECK (s_num ("document.querySelectorAll('p.gap[data-dimension=\"deprivation\"]').length") == 1);
    char *source = s_str ("document.getElementById('source').textContent");
    CHECK (strlen (source) > 0);
    free (source);
    s_shot ("indicator");

    //  The CSV download: exactly the table's rows, and the API's figures.
    json_t *csv = cdp_eval (s_cdp, "fetch(document.getElementById('download-csv').href).then(r => r.text())", false, 30000);
    const char *text = json_string_value (csv);
    CHECK (text && strncmp (text, "indicator,area,breakdown,period,value,", 38) == 0);
    int lines = 0;
    for (const char *c = text ? text : ""; *c; c++)
        lines += *c == '\n';
    CHECK_INT (lines - 1, s_num ("document.querySelectorAll('#figures tbody tr').length"));
    //  Its last row is the latest period, with the API's value.
    char want [128];
    snprintf (want, sizeof want, "\r\n%s,dudley,total,%s,", code, period);
    CHECK_CONTAINS (text, want);
    const char *row = text ? strstr (text, want) : NULL;
    CHECK_NEAR (row ? atof (row + strlen (want)) : NAN, api, 1e-9);
    json_decref (csv);
    //  Each row of the table against the CSV: the same values in the same order (newest first on the page).
    CHECK_INT (s_num ("fetch(document.getElementById('download-csv').href).then(r => r.text()).then(t => {"
                      " const rows = t.trim().split('\\r\\n').slice(1).map(l => l.split(',')).reverse();"
                      " const trs = Array.from(document.querySelectorAll('#figures tbody tr'));"
                      " return rows.every((c, i) => trs[i].dataset.period == c[3] && (c[4] === '' ?"
                      " !trs[i].querySelector('[data-col=value] [data-value]') :"
                      " parseFloat(trs[i].querySelector('[data-col=value] [data-value]').dataset.value) == parseFloat(c[4])))"
                      " && rows.length == trs.length ? 1 : 0 })"), 1);
}

//  The data-quality warnings intake gave reach the indicator they are
//  about: PI 2134's England benchmark is PI 2133's, copied (seed 001).
static void
s_warnings (void)
{
    s_open ("/ui/indicators/pi-2134");
    char *w = s_str ("document.getElementById('warnings').textContent");
    CHECK_CONTAINS (w, "pi-2134-england-benchmark is the same figure as row 1 (pi-2133-england-benchmark)");
    free (w);
    //  Nor on pages whose code is only part of the one named: PI 2133's
    //  England benchmark is named in it, but the warning is about PI 2134's.
    const char *others [] = { "/ui/indicators/pi-2132", "/ui/indicators/pi-2133" };
    for (int i = 0; i < 2; i++) {
        s_open (others [i]);
        w = s_str ("document.getElementById('warnings').textContent");
        CHECK (strstr (w, "pi-2134-england-benchmark") == NULL);
        free (w);
    }
}

static void
s_drill (void)
{
    s_open ("/ui/areas/dudley");
    CHECK_INT (s_num ("document.querySelectorAll('#children li').length"), 6);
    CHECK (s_num ("document.querySelectorAll('#spine tbody tr[data-indicator]').length") > 50);
    //  The SPC matrix counts every indicator once.
    CHECK_INT (s_num ("Array.from(document.querySelectorAll('#spc-matrix td')).reduce((s, td) => s + parseInt(td.textContent), 0)"),
               s_num ("document.querySelectorAll('#spine tbody tr[data-indicator]').length"));
    s_shot ("area-dudley");
    json_decref (cdp_eval (s_cdp, "document.querySelector('#children li a').click()", true, 30000));
    char *pcn = s_str ("document.querySelector('#crumbs li:last-child').dataset.area");
    CHECK (strncmp (pcn, "pcn-", 4) == 0);
    CHECK_INT (s_num ("document.querySelectorAll('#crumbs li').length"), 2);
    s_shot ("area-pcn");
    json_decref (cdp_eval (s_cdp, "document.querySelector('#children li a').click()", true, 30000));
    char *practice = s_str ("document.querySelector('#crumbs li:last-child').dataset.area");
    char *level = s_str ("document.getElementById('area-level').dataset.level");
    CHECK_STR (level, "practice");
    free (level);
    CHECK_INT (s_num ("document.querySelectorAll('#crumbs li').length"), 3);
    //  A spine row's value is the API's latest for the practice.
    char *ind = s_str ("document.querySelector('#spine tr[data-indicator^=\"vacc-mmr1-24m\"]').dataset.indicator");
    char js [400], period [32];
    snprintf (js, sizeof js, "parseFloat(document.querySelector('#spine tr[data-indicator=\"%s\"] td.value [data-value]')"
              ".dataset.value)", ind);
    CHECK_NEAR (s_num (js), s_api_latest (ind, practice, period, sizeof period), 1e-9);
    s_shot ("area-practice");
    //  And back up: the breadcrumb's first entry is Dudley.
    json_decref (cdp_eval (s_cdp, "document.querySelector('#crumbs li a').click()", true, 30000));
    char *up = s_str ("document.querySelector('#crumbs li:last-child').dataset.area");
    CHECK_STR (up, "dudley");
    free (up);
    free (ind);
    free (practice);
    free (pcn);
}

static void
s_alerts_feeds_keys (void)
{
    s_open ("/ui/alerts");
    json_t *firing = s_api ("/v1/alerts?state=firing");
    CHECK_INT (s_num ("parseInt(document.getElementById('firing-count').dataset.value)"), json_array_size (firing));
    json_decref (firing);
    CHECK (s_num ("document.querySelectorAll('form[action=\"/ui/silences\"], form[action=\"/ui/subscriptions\"]').length") == 2);
    //  Silence from the page, then end it; subscribe, then unsubscribe.
    double silences = s_num ("document.querySelectorAll('#silences tbody tr').length");
    json_decref (cdp_eval (s_cdp, "const f = document.querySelector('form[action=\"/ui/silences\"]');"
                                  " f.matcher.value = 'off_target/pi-2257/*'; f.until.value = '2031-01-01T00:00';"
                                  " f.reason.value = 'known: scams team restructure'; f.submit()", true, 30000));
    CHECK_INT (s_num ("document.querySelectorAll('#silences tbody tr').length"), silences + 1);
    char *reason = s_str ("Array.from(document.querySelectorAll('#silences td')).map(t => t.textContent).join('|')");
    CHECK_CONTAINS (reason, "known: scams team restructure");
    CHECK_CONTAINS (reason, "2031-01-01 00:00");
    free (reason);
    s_shot ("alerts");
    json_decref (cdp_eval (s_cdp, "document.querySelector('form[action$=\"/end\"]').submit()", true, 30000));
    CHECK_INT (s_num ("document.querySelectorAll('#silences tbody tr').length"), silences);
    double subs = s_num ("document.querySelectorAll('#subscriptions tbody tr').length");
    json_decref (cdp_eval (s_cdp, "const g = document.querySelector('form[action=\"/ui/subscriptions\"]');"
                                  " g.url.value = 'http://127.0.0.1:9/board'; g.secret.value = 'a-secret-of-24-characters';"
                                  " g.indicator.value = 'pi-2257'; g.submit()", true, 30000));
    CHECK_INT (s_num ("document.querySelectorAll('#subscriptions tbody tr').length"), subs + 1);
    char *filter = s_str ("document.querySelector('#subscriptions tbody tr:last-child').textContent");
    CHECK_CONTAINS (filter, "pi-2257");
    free (filter);
    json_decref (cdp_eval (s_cdp, "document.querySelector('#subscriptions tbody tr:last-child form').submit()", true, 30000));
    CHECK_INT (s_num ("document.querySelectorAll('#subscriptions tbody tr').length"), subs);
    s_open ("/ui/feeds");
    CHECK (s_num ("document.querySelectorAll('#batches tbody tr').length") >= 19);
    CHECK (s_num ("document.querySelectorAll('#completeness tbody tr').length") >= 1);
    s_shot ("feeds");
    //  A form without the CSRF token is refused, with the session cookie sent.
    CHECK_INT (s_num ("fetch('/ui/keys', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},"
                      " body: 'role=reader&label=csrf-test'}).then(r => r.status)"), 403);
    //  With it, the key is made and shown once.
    s_open ("/ui/keys");
    json_decref (cdp_eval (s_cdp, "document.querySelector('form[action=\"/ui/keys\"] input[name=label]').value = 'made in browser';"
                                  " document.querySelector('form[action=\"/ui/keys\"]').submit()", true, 30000));
    char *key = s_str ("(document.getElementById('new-key') || {}).textContent || ''");
    CHECK (strncmp (key, "cw_", 3) == 0 && strlen (key) == 46);
    harness_resp_t r = harness_http (s_port, "/v1/indicators", key, NULL, NULL, 0);
    CHECK_INT (r.status, 200);
    free (r.body);
    free (key);
    s_shot ("keys");
}

static void
s_phone_and_signout (void)
{
    cdp_viewport (s_cdp, 390, 844, true);
    s_open ("/ui/?as_at=FY2022-23Q2");
    //  Nothing wider than the phone: the page is not zoomed out to fit.
    CHECK (s_num ("document.documentElement.scrollWidth") <= 390 + 1);
    CHECK_INT (s_num ("innerWidth"), 390);
    s_shot ("overview-phone");
    cdp_viewport (s_cdp, 1280, 900, false);
    json_decref (cdp_eval (s_cdp, "document.querySelector('form[action=\"/ui/signout\"]').submit()", true, 30000));
    s_open ("/ui/alerts");
    char *url = cdp_url (s_cdp);
    CHECK_CONTAINS (url, "/ui/signin");
    free (url);
    //  A partner signs in to its feeds, sees only its own batches, and may
    //  not open the pages for readers.
    char js [300];
    snprintf (js, sizeof js, "document.getElementById('key').value = '%s'; document.querySelector('form.signin').submit()",
              s_partner);
    s_open ("/ui/signin");
    json_decref (cdp_eval (s_cdp, js, true, 30000));
    url = cdp_url (s_cdp);
    CHECK_CONTAINS (url, "/ui/feeds");
    free (url);
    CHECK (s_num ("document.querySelectorAll('#batches tbody tr').length") >= 1);
    CHECK_INT (s_num ("Array.from(document.querySelectorAll('#batches tbody tr')).filter(r =>"
                      " r.cells[1].textContent != 'dmbc-corp').length"), 0);
    CHECK_INT (s_num ("Array.from(document.querySelectorAll('#completeness tbody tr')).filter(r =>"
                      " r.dataset.partner != 'dmbc-corp').length"), 0);
    CHECK_INT (s_num ("document.querySelectorAll('nav a[href=\"/ui/\"]').length"), 0);
    CHECK_INT (s_num ("fetch('/ui/').then(r => r.status)"), 403);
    s_open ("/ui/alerts");
    char *refused = s_str ("document.querySelector('main').textContent");
    CHECK_CONTAINS (refused, "Signed in with a partner key, you may not open this page.");
    free (refused);
}

int
main (void)
{
    if (access ("/usr/bin/chromium", X_OK)) {
        fprintf (stderr, "it_web: /usr/bin/chromium is missing (scripts/deps.sh installs it)\n");
        return 1;
    }
    harness_t h;
    if (harness_init (&h, "web"))
        return 1;
    s_port = h.http_port;
    snprintf (s_base, sizeof s_base, "http://127.0.0.1:%d", h.http_port);
    setenv ("CAREWATCH_PUBLIC_URL", s_base, 1);
    harness_export (&h);
    const char *svcs [] = { "intake", "calc", "alert", "export", "gateway" };
    for (int i = 0; i < 5; i++)
        CHECK (harness_start (&h, svcs [i]) > 0);
    for (int i = 0; i < 5; i++)
        CHECK (harness_ping (harness_endpoint (&h, svcs [i]), 30000, NULL, NULL, 0) == 0);
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    CHECK_INT (harness_sh ("%s/scripts/load-sample.sh %s > logs/web-load.log 2>&1", getenv ("CAREWATCH_SOURCE_DIR"), bin), 0);
    char cmd [700];
    snprintf (cmd, sizeof cmd, "%s key create --role admin --label web-admin 2>/dev/null", bin);
    FILE *p = popen (cmd, "r");
    CHECK (p && fgets (s_admin, sizeof s_admin, p));
    pclose (p);
    snprintf (cmd, sizeof cmd, "%s key create --role reader --label web-reader 2>/dev/null", bin);
    p = popen (cmd, "r");
    CHECK (p && fgets (s_reader, sizeof s_reader, p));
    pclose (p);
    snprintf (cmd, sizeof cmd, "%s key create --role partner --partner dmbc-corp --label web-partner 2>/dev/null", bin);
    p = popen (cmd, "r");
    CHECK (p && fgets (s_partner, sizeof s_partner, p));
    pclose (p);
    s_admin [strcspn (s_admin, "\n")] = s_reader [strcspn (s_reader, "\n")] = s_partner [strcspn (s_partner, "\n")] = '\0';

    char err [256];
    harness_sh ("mkdir -p web && rm -rf web/profile");
    s_cdp = cdp_start ("web/profile", err, sizeof err);
    if (!s_cdp) {
        fprintf (stderr, "it_web: Chromium: %s\n", err);
        CHECK (s_cdp);
    }
    else {
        cdp_viewport (s_cdp, 1280, 900, false);
        s_signin ();
        s_overview ();
        s_indicator ();
        s_warnings ();
        s_drill ();
        s_alerts_feeds_keys ();
        s_phone_and_signout ();
        cdp_stop (&s_cdp);
    }
    harness_cleanup (&h);
    return check_done ("it_web");
}
