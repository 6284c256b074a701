/*
 * The module's side of the verifier protocol: a question about one IAM login, asked on a worker
 * thread over a unix socket to the service's verifier (src/gateway/verifier.ts), which holds the
 * access keys and IAM policies. One connection per question, so a verifier restart costs nothing.
 *
 * Question: a RESP array of bulk strings
 *   VERIFY <group> <user> <token> <client address> <1 if the client uses TLS, else 0>
 * Answer: one line, `+OK` (the login is allowed) or `-<CODE> <why>` (refused). Anything else, no
 * answer within the timeout, or no verifier: refused.
 */
#ifndef CACHEFLEET_IAM_VERIFIER_H
#define CACHEFLEET_IAM_VERIFIER_H

#include <stddef.h>

typedef struct verify_request {
    char *socket_path;
    char *group;
    char *user;
    char *token;
    char addr[64];
    int secure;
    long long timeout_ms;
    /* Set by the worker. */
    int allowed;
    char why[256];
    /* For the caller: what to do once answered (runs on the worker thread). */
    void (*done)(struct verify_request *r);
    void *owner;
    struct verify_request *next;
} verify_request;

/* Starts `workers` threads; 0 on success. */
int verifier_start(int workers);
/* Queues a request; done() is called on a worker thread once it is answered (or refused). */
void verifier_submit(verify_request *r);
/* Asks one question synchronously (used by the workers). */
void verifier_ask(verify_request *r);
void verify_request_free(verify_request *r);

#endif
