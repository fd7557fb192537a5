/*  intake_service: what the intake service does with a request: parse
    (JSON/CSV feeds), validate, check for replay, commit, tell calc, and
    answer a receipt.  Callable without sockets by the tests.  */
#ifndef CAREWATCH_INTAKE_SERVICE_H
#define CAREWATCH_INTAKE_SERVICE_H

#include "intake_receipt.h"
#include "intake_ref.h"
#include "intake_store.h"
#include "svc.h"

typedef struct _intake_t intake_t;

//  Creates the intake logic over db; calc (may be NULL) is the PUSH socket
//  BatchCommitted goes to.  Loads the reference data; returns NULL with
//  err when it cannot.
intake_t *intake_new (db_t *db, const config_t *cfg, zsock_t *calc, char *err, size_t errlen);
void intake_destroy (intake_t **self_p);

//  Reloads the reference data (new partners, catalogue changes).  Returns
//  0 or -1 (the old data stays).
int intake_reload (intake_t *self);

//  Processes a decoded SubmitBatch (borrowed) and fills *receipt.
void intake_submit_batch (intake_t *self, Carewatch__V1__SubmitBatch *batch, intake_receipt_t *receipt);

//  Parses and processes a SubmitFeed and fills *receipt.
void intake_submit_feed (intake_t *self, const Carewatch__V1__SubmitFeed *feed, intake_receipt_t *receipt);

//  svc_request_fn for the partner-facing ROUTER: arg is the intake_t.
int intake_on_request (svc_t *svc, zsock_t *sock, msg_t *request, void *arg);

//  svc_timer_fn reloading reference data.
int intake_on_timer (svc_t *svc, void *arg);

#endif
