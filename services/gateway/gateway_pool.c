/*  gateway_pool: a few threads and a bounded queue.  One pool per thing
    a handler waits on, so a stalled intake holds up batch submissions
    and nothing else; a full queue is answered 503 at once rather than
    held.  */
#include "gateway.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

struct _gateway_pool_t {
    char name [16];             //  for the log
    pthread_mutex_t lock;       //  guards the queue
    pthread_cond_t ready;       //  a job is queued, or stopping
    void **queue;               //  ring of jobs
    int queue_max;              //  its size
    int head, count;            //  first job, jobs queued
    bool stopping;              //  no more jobs taken
    int nthreads;
    pthread_t *threads;
    void (*fn) (void *job, void *arg);
    void *arg;
};

static void *
s_worker (void *cls)
{
    gateway_pool_t *self = cls;
    pthread_mutex_lock (&self->lock);
    while (true) {
        while (!self->count && !self->stopping)
            pthread_cond_wait (&self->ready, &self->lock);
        if (!self->count)
            break;              //  stopping, and the queue is drained
        void *job = self->queue [self->head];
        self->head = (self->head + 1) % self->queue_max;
        self->count--;
        pthread_mutex_unlock (&self->lock);
        self->fn (job, self->arg);
        pthread_mutex_lock (&self->lock);
    }
    pthread_mutex_unlock (&self->lock);
    return NULL;
}

gateway_pool_t *
gateway_pool_new (const char *name, int threads, int queue_max, void (*fn) (void *job, void *arg), void *arg)
{
    gateway_pool_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->name, sizeof self->name, "%s", name);
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->ready, NULL);
    self->queue_max = queue_max;
    self->queue = calloc ((size_t) queue_max, sizeof *self->queue);
    self->threads = calloc ((size_t) threads, sizeof *self->threads);
    self->fn = fn;
    self->arg = arg;
    for (int i = 0; self->queue && self->threads && i < threads; i++)
        if (pthread_create (&self->threads [i], NULL, s_worker, self) == 0)
            self->nthreads++;
    if (self->nthreads < threads) {
        log_error ("pool_start_failed", "{s:s, s:i}", "pool", name, "threads", self->nthreads);
        gateway_pool_destroy (&self);
    }
    return self;
}

int
gateway_pool_push (gateway_pool_t *self, void *job)
{
    if (!self)
        return -1;
    pthread_mutex_lock (&self->lock);
    int rc = -1;
    if (!self->stopping && self->count < self->queue_max) {
        self->queue [(self->head + self->count) % self->queue_max] = job;
        self->count++;
        pthread_cond_signal (&self->ready);
        rc = 0;
    }
    pthread_mutex_unlock (&self->lock);
    return rc;
}

void
gateway_pool_stop (gateway_pool_t *self)
{
    if (!self)
        return;
    pthread_mutex_lock (&self->lock);
    bool joined = self->stopping && self->nthreads == 0;
    self->stopping = true;
    pthread_cond_broadcast (&self->ready);
    pthread_mutex_unlock (&self->lock);
    if (joined)
        return;
    for (int i = 0; i < self->nthreads; i++)
        pthread_join (self->threads [i], NULL);
    self->nthreads = 0;
}

void
gateway_pool_destroy (gateway_pool_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gateway_pool_t *self = *self_p;
    gateway_pool_stop (self);
    pthread_cond_destroy (&self->ready);
    pthread_mutex_destroy (&self->lock);
    free (self->queue);
    free (self->threads);
    free (self);
    *self_p = NULL;
}
