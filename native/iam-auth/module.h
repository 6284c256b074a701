/*
 * What iam_auth.c (the commands, the filter, the sessions) shares with hello3.c (HELLO 3 AUTH
 * logins and their connection limit). Everything here runs on Redis's main thread.
 */
#ifndef CACHEFLEET_IAM_MODULE_H
#define CACHEFLEET_IAM_MODULE_H

#include "redismodule.h"

#include <stddef.h>
#include <stdint.h>

typedef struct iam_config {
    char *socket_path;
    char *admin_user;
    char *group;
    long long max_connection_ms;
    long long verify_timeout_ms;
    /* HELLO 3 AUTH's verification holds the main thread: at most this long. */
    long long hello_verify_timeout_ms;
    char **users;
    size_t nusers;
    /* For timers started outside a command (RedisModule_StopTimer needs the module's context). */
    RedisModuleCtx *ctx;
} iam_config;

extern iam_config cfg;

int is_iam_user(const char *name, size_t len);
/* Whether the client is logged in by this module's own command (an AUTH or HELLO 2 session, with its own timer). */
int has_session(uint64_t client_id);

/* hello3.c */
/*
 * Rewrites `HELLO 3 AUTH <user> <token> …` (argument `auth` is the user, `auth + 1` the token) for
 * Redis's own HELLO once the verifier decided, and returns 0; returns -1, changing nothing, when
 * it could not decide here (the caller hands the login to CACHEFLEET.IAMHELLO).
 */
int hello3_login(RedisModuleCommandFilterCtx *f, int auth, const char *iam);
/* The limits changed (CACHEFLEET.IAMCONFIG): look at HELLO-path connections again now. */
void hello3_recheck(void);

#endif
