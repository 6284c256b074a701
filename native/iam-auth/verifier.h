/*
 * The module's side of the verifier protocol: a question about one IAM login, asked on a worker
 * thread over a unix socket to the service's verifier (src/gateway/verifier.ts), which holds the
 * access keys and IAM policies. One connection per question, so a verifier restart costs nothing.
 *
 * Question: a RESP array of bulk strings
 *   VERIFY <group> <user> <token> <client address> <1 if the client uses TLS, else 0>
 * Answer: one line, `+OK` (the login is allowed) or `-<CODE> <why>` (refused). Anything else, no
 * answer within the timeout, or no verifier: refused.
 *
 * Or, for `HELLO 3 AUTH` (asked from the command filter, which knows neither the client's address
 * nor its TLS: the verifier refuses when the user's policies would need them)
 *   SECRET <group> <user> <token>
 * answered `+OK <secret>`: the password the node's ACL knows the user by.
 *
 * The timeout bounds the whole question (connect, write, answer), not each read.
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
    /* Ask SECRET instead of VERIFY (addr and secure unused). */
    int want_secret;
    /* Set by the worker. */
    int allowed;
    /* Whether the verifier decided (answered +OK or -DENIED), as opposed to no answer in time, no verifier, a malformed answer. */
    int decided;
    char why[256];
    /* SECRET's answer (NUL-terminated; wiped by verify_request_free). */
    char secret[160];
    /* For the caller: what to do once answered (runs on the worker thread). */
    void (*done)(struct verify_request *r);
    void *owner;
    struct verify_request *next;
} verify_request;

/* Starts `workers` threads; 0 on success. */
int verifier_start(int workers);
/* Queues a request; done() is called on a worker thread once it is answered (or refused). */
void verifier_submit(verify_request *r);
/* Asks one question synchronously (the workers, and the filter for SECRET), within r->timeout_ms. */
void verifier_ask(verify_request *r);
void verify_request_free(verify_request *r);

#endif
