/*
 * `HELLO 3 AUTH <iam user> <token> [SETNAME <name>]` on the IAM auth module.
 *
 * A Redis 7.0 module cannot switch a client to RESP3: only Redis's own HELLO does. So for HELLO 3
 * the command filter checks the token itself, synchronously, and hands HELLO a password it
 * accepts:
 * - It asks the verifier `SECRET <group> <user> <token>` (verifier.h) on the main thread, bounded
 *   by hello-verify-timeout-ms (100 ms by default) for connect, question and answer together: a
 *   silent verifier costs each such login at most that, and the server stays responsive. (An
 *   answer takes about 0.5 ms; 50 ms refused about one login in 2,000 on a loaded 2-CPU machine,
 *   where the verifier's process waited that long for a CPU: docs/BENCHMARKS.md.)
 * - A 7.0 filter does not know its client (RedisModule_CommandFilterGetClientId came with 7.2),
 *   so neither the client's address nor its TLS are asked about: the verifier answers
 *   `client-unknown` when the user's policies condition elasticache:Connect on aws:SourceIp or
 *   aws:SecureTransport (below: not decided here).
 * - Allowed: the token is replaced with the user's node secret (the password the service sets in
 *   the node's ACL, never given to clients), the user with the IAM user (the token's, when the
 *   login named `default`), and Redis's HELLO logs the client in, switches it to RESP3 and
 *   answers its map. Refused, or no answer in time: the token is replaced with an empty password,
 *   which no IAM user has, so HELLO answers WRONGPASS and the connection keeps its login. Either
 *   way the token never reaches HELLO, and HELLO redacts its AUTH arguments in SLOWLOG and MONITOR.
 * - Not decided here (no answer in time, no verifier, or a policy that needs the client's address
 *   or TLS): the login goes to CACHEFLEET.IAMHELLO as before this path existed, which checks it
 *   off the main thread with everything known. On a RESP3 connection it serves HELLO 3 in full; on
 *   a RESP2 one it answers -NOPROTO without looking at the token, and clients that fall back on
 *   NOPROTO (ioredis 6, go-redis) log in with AUTH over RESP2, checked with the client's address.
 *
 * The connection limit: Redis, not the module, logged these clients in, so no per-login timer
 * exists for them. A sweep (a module timer, armed only while such a login may be open) lists the
 * clients (CLIENT LIST) and closes each one logged in as an IAM user without a session of the
 * module's own once its age reaches max-connection-ms (never before; at most about 2 seconds after,
 * CLIENT LIST's age being whole seconds): for a HELLO 3 login, the limit counts from
 * the connection's creation, and a later HELLO 3 AUTH does not extend it. An accepted
 * `AUTH <user> <token>` (RESP3 connections keep RESP3 through AUTH) starts a session of the
 * module's, and with it max-connection-ms from that login, as for any AUTH.
 */
#include "module.h"
#include "verifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_MIN_MS 100

static int sweep_armed;
static RedisModuleTimerID sweep_timer;

static void sweep(RedisModuleCtx *ctx, void *data);

static void arm(long long ms) {
    if (sweep_armed) return;
    sweep_timer = RedisModule_CreateTimer(cfg.ctx, ms < SWEEP_MIN_MS ? SWEEP_MIN_MS : ms, sweep, NULL);
    sweep_armed = 1;
}

void hello3_recheck(void) {
    if (!sweep_armed) return;
    RedisModule_StopTimer(cfg.ctx, sweep_timer, NULL);
    sweep_armed = 0;
    arm(0);
}

/* One CLIENT LIST line's id, age (seconds) and user; 0 when all three are there. */
static int client_row(const char *line, const char *end, uint64_t *id, long long *age, const char **user, size_t *ulen) {
    int seen = 0;
    for (const char *p = line; p < end;) {
        const char *sp = memchr(p, ' ', (size_t)(end - p));
        const char *stop = sp ? sp : end;
        if (stop - p > 3 && !strncmp(p, "id=", 3)) *id = strtoull(p + 3, NULL, 10), seen |= 1;
        else if (stop - p > 4 && !strncmp(p, "age=", 4)) *age = strtoll(p + 4, NULL, 10), seen |= 2;
        else if (stop - p >= 5 && !strncmp(p, "user=", 5)) *user = p + 5, *ulen = (size_t)(stop - p - 5), seen |= 4;
        p = stop + 1;
    }
    return seen == 7 ? 0 : -1;
}

static void sweep(RedisModuleCtx *ctx, void *data) {
    (void)data;
    sweep_armed = 0;
    RedisModuleCallReply *list = RedisModule_Call(ctx, "CLIENT", "c", "LIST");
    if (!list) return arm(1000);
    size_t len;
    const char *text = RedisModule_CallReplyStringPtr(list, &len);
    long long next = -1;
    for (const char *line = text, *end = text + len; text && line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *stop = nl ? nl : end;
        uint64_t id = 0;
        long long age = 0;
        const char *user = NULL;
        size_t ulen = 0;
        if (client_row(line, stop, &id, &age, &user, &ulen) == 0 && is_iam_user(user, ulen) && !has_session(id)) {
            /* CLIENT LIST's age is whole seconds of cached server time: the true age is within a second
             * either way, so the connection is closed once even the shortest it can be is past the limit. */
            long long left = cfg.max_connection_ms - (age - 1) * 1000;
            if (left <= 0) {
                RedisModule_Log(ctx, "notice", "closing IAM-authenticated client id=%llu (HELLO 3 login): its connection time limit is reached",
                                (unsigned long long)id);
                RedisModule_DeauthenticateAndCloseClient(ctx, id);
            } else if (next < 0 || left < next) {
                next = left;
            }
        }
        line = stop + 1;
    }
    RedisModule_FreeCallReply(list);
    if (next >= 0) arm(next);
}

int hello3_login(RedisModuleCommandFilterCtx *f, int auth, const char *iam) {
    verify_request r;
    memset(&r, 0, sizeof(r));
    r.socket_path = cfg.socket_path;
    r.group = cfg.group;
    r.user = (char *)iam;
    r.token = (char *)RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, auth + 1), NULL);
    r.timeout_ms = cfg.hello_verify_timeout_ms;
    r.want_secret = 1;
    long long started = RedisModule_Milliseconds();
    if (r.socket_path && r.group) verifier_ask(&r);
    else snprintf(r.why, sizeof(r.why), "the module has no verifier or group");
    if (!r.decided || !strncmp(r.why, "DENIED client-unknown", 21)) {
        RedisModule_Log(cfg.ctx, "verbose", "IAM login of %s by HELLO 3 not decided in the filter after %lld ms (%s): checked by CACHEFLEET.IAMHELLO",
                        iam, RedisModule_Milliseconds() - started, r.why);
        return -1;
    }
    /* `iam` may be the user argument itself, which the replacement frees: log from the copy. */
    RedisModuleString *name = RedisModule_CreateString(NULL, iam, strlen(iam));
    iam = RedisModule_StringPtrLen(name, NULL);
    RedisModule_CommandFilterArgReplace(f, auth, name);
    if (r.allowed) {
        RedisModule_CommandFilterArgReplace(f, auth + 1, RedisModule_CreateString(NULL, r.secret, strlen(r.secret)));
        memset(r.secret, 0, sizeof(r.secret));
        arm(cfg.max_connection_ms);
    } else {
        RedisModule_CommandFilterArgReplace(f, auth + 1, RedisModule_CreateString(NULL, "", 0));
        RedisModule_Log(cfg.ctx, "verbose", "IAM login of %s by HELLO 3 refused after %lld ms: %s", iam,
                        RedisModule_Milliseconds() - started, r.why);
    }
    return 0;
}
