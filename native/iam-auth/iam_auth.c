/*
 * cachefleet's IAM auth module for redis-server 7.0: IAM logins checked on the node itself, so an
 * IAM-authenticated connection is a plain connection to redis-server (its own TLS) once logged in.
 *
 *   loadmodule iam-auth.so socket <verifier socket> admin-user <service user> group <replication group>
 *              [max-connection-ms <n>] [verify-timeout-ms <n>] [hello-verify-timeout-ms <n>] [users <iam user> …]
 *
 * - A command filter rewrites `AUTH <iam user> <token>`, a bare `AUTH <token>` whose token names an
 *   IAM user, and `HELLO 2 AUTH <iam user> <token> [SETNAME <name>]` into this module's commands
 *   (CACHEFLEET.IAMAUTH / CACHEFLEET.IAMHELLO); `HELLO 3 AUTH …` it checks itself (hello3.c).
 *   Every other login, and every other command, is left as it came: password users and the
 *   default user log in as without the module.
 * - CACHEFLEET.IAMAUTH is flagged no-auth: Redis 7.0 lets an unauthenticated client run it and skips
 *   the command ACL check for it (ACLSelectorCheckCmd), as for AUTH. It blocks the client, a worker
 *   thread asks the service's verifier (verifier.h) with the client's address and whether it uses TLS
 *   (aws:SourceIp, aws:SecureTransport), and on yes the client is logged in as that ACL user
 *   (RedisModule_AuthenticateClientWithACLUser: the user's own ACL rules apply, restricted commands
 *   included) and answered +OK; on no, Redis's own WRONGPASS, and the connection keeps its login.
 * - An IAM-authenticated connection is closed max-connection-ms (12 hours) after its last accepted
 *   login, as ElastiCache does (a timer per login; an accepted re-AUTH starts it again). Any change
 *   of the client's user (another AUTH, RESET, disconnect) ends the module's hold on it.
 * - HELLO 2 AUTH: a 7.0 module cannot switch a client's protocol, so CACHEFLEET.IAMHELLO serves it
 *   when the connection speaks RESP2 (every new connection does) and answers -NOPROTO on a RESP3
 *   connection, without looking at the token (and likewise HELLO 3 on a RESP2 connection).
 * - HELLO 3 AUTH: verified synchronously in the filter (bounded by hello-verify-timeout-ms, 100 ms),
 *   then handed to Redis's own HELLO with the user's node secret in place of the token, so the
 *   connection switches to RESP3 and logs in; its connection limit counts from the connection's
 *   creation (a sweep closes it, see hello3.c), and AUTH with a new token renews it. When the
 *   filter cannot decide (no answer in time, a policy on the client's address), CACHEFLEET.IAMHELLO
 *   serves it as HELLO 2: in full on a RESP3 connection, -NOPROTO on a RESP2 one.
 * - CACHEFLEET.IAMCONFIG [GROUP g] [MAX-CONNECTION-MS n] [VERIFY-TIMEOUT-MS n] [HELLO-VERIFY-TIMEOUT-MS n] [USERS u …]:
 *   the service pushes the group's IAM users; only admin-user may call it. With no arguments it
 *   shows the configuration.
 */
#include "module.h"
#include "token.h"
#include "verifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WRONGPASS "WRONGPASS invalid username-password pair or user is disabled."
#define WORKERS 4
#define MAX_USER 512

iam_config cfg = { .max_connection_ms = 12LL * 3600 * 1000, .verify_timeout_ms = 5000, .hello_verify_timeout_ms = 100 };

/* ---------------------------------------------------------------- IAM users */

int is_iam_user(const char *name, size_t len) {
    for (size_t i = 0; i < cfg.nusers; i++) {
        if (strlen(cfg.users[i]) == len && memcmp(cfg.users[i], name, len) == 0) return 1;
    }
    return 0;
}

static void set_users(RedisModuleString **argv, int argc) {
    for (size_t i = 0; i < cfg.nusers; i++) free(cfg.users[i]);
    free(cfg.users);
    cfg.users = argc > 0 ? calloc((size_t)argc, sizeof(char *)) : NULL;
    cfg.nusers = 0;
    for (int i = 0; i < argc; i++) cfg.users[cfg.nusers++] = strdup(RedisModule_StringPtrLen(argv[i], NULL));
}

static void set_string(char **into, RedisModuleString *s) {
    free(*into);
    *into = strdup(RedisModule_StringPtrLen(s, NULL));
}

/* `key value …` pairs, `users` taking the rest; REDISMODULE_ERR with *why set on a bad one. */
static int configure(RedisModuleString **argv, int argc, int at_load, const char **why) {
    for (int i = 0; i < argc; i++) {
        const char *k = RedisModule_StringPtrLen(argv[i], NULL);
        if (!strcasecmp(k, "users")) {
            set_users(argv + i + 1, argc - i - 1);
            return REDISMODULE_OK;
        }
        if (i + 1 >= argc) return *why = "missing value", REDISMODULE_ERR;
        RedisModuleString *v = argv[++i];
        long long n;
        if (!strcasecmp(k, "group")) set_string(&cfg.group, v);
        else if (at_load && !strcasecmp(k, "socket")) set_string(&cfg.socket_path, v);
        else if (at_load && !strcasecmp(k, "admin-user")) set_string(&cfg.admin_user, v);
        else if (!strcasecmp(k, "max-connection-ms") || !strcasecmp(k, "verify-timeout-ms") || !strcasecmp(k, "hello-verify-timeout-ms")) {
            if (RedisModule_StringToLongLong(v, &n) != REDISMODULE_OK || n <= 0) return *why = "not a positive integer", REDISMODULE_ERR;
            if (!strcasecmp(k, "max-connection-ms")) cfg.max_connection_ms = n;
            else if (!strcasecmp(k, "verify-timeout-ms")) cfg.verify_timeout_ms = n;
            else cfg.hello_verify_timeout_ms = n;
        } else {
            return *why = "unknown option", REDISMODULE_ERR;
        }
    }
    return REDISMODULE_OK;
}

/* ---------------------------------------------------------------- the filter */

static RedisModuleString *str(const char *s) {
    return RedisModule_CreateString(NULL, s, strlen(s));
}

/* The IAM user a login names: `user` itself, or, for the default user, the user its token names. */
static const char *iam_login_user(const char *user, size_t ulen, const char *pass, size_t plen, int may_be_bare, char *buf) {
    if (ulen > 0 && is_iam_user(user, ulen)) return user;
    if (!may_be_bare || token_user(pass, plen, buf, MAX_USER) != 0) return NULL;
    return is_iam_user(buf, strlen(buf)) ? buf : NULL;
}

static void rewrite_auth(RedisModuleCommandFilterCtx *f, int argc) {
    char buf[MAX_USER];
    size_t ulen = 0, plen;
    const char *user = argc == 3 ? RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, 1), &ulen) : "";
    const char *pass = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, argc - 1), &plen);
    const char *iam = iam_login_user(user, ulen, pass, plen, argc == 2 || (ulen == 7 && !memcmp(user, "default", 7)), buf);
    if (!iam) return;
    RedisModule_CommandFilterArgReplace(f, 0, str("CACHEFLEET.IAMAUTH"));
    if (argc == 3) RedisModule_CommandFilterArgReplace(f, 1, str(iam));
    else RedisModule_CommandFilterArgInsert(f, 1, str(iam));
}

/*
 * HELLO 2 [AUTH <user> <pass>] [SETNAME <name>] → CACHEFLEET.IAMHELLO 2 <user> <pass> [<name>];
 * HELLO 3 AUTH …: checked here, for Redis's own HELLO (hello3.c).
 */
/*
 * A HELLO left to Redis as malformed (a bad option before AUTH, a protocol it refuses) is refused
 * before Redis redacts AUTH's arguments, so MONITOR and SLOWLOG would show them: an IAM login's
 * token there is replaced with an empty password (the login fails either way).
 */
static void blank_iam_passwords(RedisModuleCommandFilterCtx *f, int argc) {
    char buf[MAX_USER];
    for (int i = 2; i + 2 < argc; i++) {
        if (strcasecmp(RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, i), NULL), "auth")) continue;
        size_t ulen, plen;
        const char *user = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, i + 1), &ulen);
        const char *pass = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, i + 2), &plen);
        if (iam_login_user(user, ulen, pass, plen, 1, buf)) RedisModule_CommandFilterArgReplace(f, i + 2, str(""));
    }
}

static void rewrite_hello(RedisModuleCommandFilterCtx *f, int argc) {
    int auth = -1, name = -1;
    if (argc > 7) return blank_iam_passwords(f, argc);
    for (int i = 2; i < argc;) {
        const char *w = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, i), NULL);
        if (!strcasecmp(w, "auth") && i + 2 < argc) { auth = i + 1; i += 3; }
        else if (!strcasecmp(w, "setname") && i + 1 < argc) { name = i + 1; i += 2; }
        else return blank_iam_passwords(f, argc); /* malformed: Redis answers it */
    }
    if (auth < 0) return;
    const char *v = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, 1), NULL);
    if (strcmp(v, "2") && strcmp(v, "3")) return blank_iam_passwords(f, argc); /* Redis answers NOPROTO itself */
    char buf[MAX_USER];
    size_t ulen, plen;
    const char *user = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, auth), &ulen);
    const char *pass = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, auth + 1), &plen);
    const char *iam = iam_login_user(user, ulen, pass, plen, ulen == 7 && !memcmp(user, "default", 7), buf);
    if (!iam) return;
    if (v[0] == '3' && hello3_login(f, auth, iam) == 0) return;
    RedisModuleString *args[4] = { str(v), str(iam), RedisModule_CreateStringFromString(NULL, RedisModule_CommandFilterArgGet(f, auth + 1)), NULL };
    if (name >= 0) args[3] = RedisModule_CreateStringFromString(NULL, RedisModule_CommandFilterArgGet(f, name));
    for (int i = argc - 1; i >= 1; i--) RedisModule_CommandFilterArgDelete(f, i);
    RedisModule_CommandFilterArgReplace(f, 0, str("CACHEFLEET.IAMHELLO"));
    for (int i = 0; i < 4 && args[i]; i++) RedisModule_CommandFilterArgInsert(f, i + 1, args[i]);
}

static void filter(RedisModuleCommandFilterCtx *f) {
    if (cfg.nusers == 0) return;
    int argc = RedisModule_CommandFilterArgsCount(f);
    if (argc < 2) return;
    size_t len;
    const char *cmd = RedisModule_StringPtrLen(RedisModule_CommandFilterArgGet(f, 0), &len);
    if (len == 4 && !strncasecmp(cmd, "auth", 4) && argc <= 3) rewrite_auth(f, argc);
    else if (len == 5 && !strncasecmp(cmd, "hello", 5) && argc >= 5) rewrite_hello(f, argc);
}

/* ---------------------------------------------------------------- sessions and their limit */

/* One accepted IAM login of a client: freed when the client's user changes or it is closed. */
typedef struct session {
    uint64_t client_id;
    RedisModuleTimerID timer;
    int timer_armed;
} session;

/* Sessions by client id (8 bytes): the clients this module logged in itself. */
static RedisModuleDict *sessions;

int has_session(uint64_t client_id) {
    int missing = 1;
    RedisModule_DictGetC(sessions, &client_id, sizeof(client_id), &missing);
    return !missing;
}

static void on_limit(RedisModuleCtx *ctx, void *data) {
    session *s = data;
    s->timer_armed = 0; /* fired: nothing to stop */
    RedisModule_Log(ctx, "notice", "closing IAM-authenticated client id=%llu: its connection time limit is reached",
                    (unsigned long long)s->client_id);
    /* Notifies on_user_changed (which frees s) and closes the client. */
    RedisModule_DeauthenticateAndCloseClient(ctx, s->client_id);
}

static void on_user_changed(uint64_t client_id, void *privdata) {
    session *s = privdata;
    if (RedisModule_DictGetC(sessions, &client_id, sizeof(client_id), NULL) == s) RedisModule_DictDelC(sessions, &client_id, sizeof(client_id), NULL);
    if (s->timer_armed) RedisModule_StopTimer(cfg.ctx, s->timer, NULL);
    free(s);
}

/* ---------------------------------------------------------------- IAMAUTH / IAMHELLO */

typedef struct pending {
    RedisModuleBlockedClient *bc;
    int hello; /* 0: AUTH; 2 or 3: HELLO 2 or 3 (the connection's own protocol) */
    RedisModuleString *name;
} pending;

static void answered(verify_request *r) {
    RedisModule_UnblockClient(((pending *)r->owner)->bc, r);
}

static void free_answer(RedisModuleCtx *ctx, void *privdata) {
    verify_request *r = privdata;
    pending *p = r->owner;
    if (p->name) RedisModule_FreeString(ctx, p->name);
    free(p);
    verify_request_free(r);
}

/* HELLO's reply, as Redis gives it (a map in RESP3, a flat array in RESP2: ReplyWithMap does either). */
static void reply_hello(RedisModuleCtx *ctx, uint64_t id, int proto) {
    int flags = RedisModule_GetContextFlags(ctx), v = RedisModule_GetServerVersion();
    char version[32];
    snprintf(version, sizeof(version), "%d.%d.%d", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    RedisModule_ReplyWithMap(ctx, 7);
    RedisModule_ReplyWithSimpleString(ctx, "server");
    RedisModule_ReplyWithSimpleString(ctx, "redis");
    RedisModule_ReplyWithSimpleString(ctx, "version");
    RedisModule_ReplyWithSimpleString(ctx, version);
    RedisModule_ReplyWithSimpleString(ctx, "proto");
    RedisModule_ReplyWithLongLong(ctx, proto);
    RedisModule_ReplyWithSimpleString(ctx, "id");
    RedisModule_ReplyWithLongLong(ctx, (long long)id);
    RedisModule_ReplyWithSimpleString(ctx, "mode");
    RedisModule_ReplyWithSimpleString(ctx, flags & REDISMODULE_CTX_FLAGS_CLUSTER ? "cluster" : "standalone");
    RedisModule_ReplyWithSimpleString(ctx, "role");
    RedisModule_ReplyWithSimpleString(ctx, flags & REDISMODULE_CTX_FLAGS_SLAVE ? "replica" : "master");
    RedisModule_ReplyWithSimpleString(ctx, "modules");
    RedisModuleCallReply *modules = RedisModule_Call(ctx, "MODULE", "c", "LIST");
    if (modules) {
        RedisModule_ReplyWithCallReply(ctx, modules);
        RedisModule_FreeCallReply(modules);
    } else {
        RedisModule_ReplyWithArray(ctx, 0);
    }
}

/* Runs on the main thread once the verifier has answered. */
static int on_answer(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
    (void)argv;
    (void)argc;
    verify_request *r = RedisModule_GetBlockedClientPrivateData(ctx);
    pending *p = r->owner;
    if (!r->allowed) {
        RedisModule_Log(ctx, "verbose", "IAM login of %s refused: %s", r->user, r->why);
        return RedisModule_ReplyWithError(ctx, WRONGPASS);
    }
    session *s = calloc(1, sizeof(*s));
    uint64_t id;
    if (RedisModule_AuthenticateClientWithACLUser(ctx, r->user, strlen(r->user), on_user_changed, s, &id) != REDISMODULE_OK) {
        free(s); /* no such ACL user on this node, or it is off */
        return RedisModule_ReplyWithError(ctx, WRONGPASS);
    }
    s->client_id = id;
    RedisModule_DictReplaceC(sessions, &s->client_id, sizeof(s->client_id), s);
    s->timer = RedisModule_CreateTimer(ctx, cfg.max_connection_ms, on_limit, s);
    s->timer_armed = 1;
    if (p->hello == 0) return RedisModule_ReplyWithSimpleString(ctx, "OK");
    if (p->name && RedisModule_SetClientNameById(id, p->name) != REDISMODULE_OK) {
        /* As HELLO … SETNAME does: logged in, then the name refused. */
        return RedisModule_ReplyWithError(ctx, "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    reply_hello(ctx, id, p->hello);
    return REDISMODULE_OK;
}

static int ask(RedisModuleCtx *ctx, RedisModuleString *user, RedisModuleString *token, int hello, RedisModuleString *name) {
    if (!cfg.socket_path || !cfg.group) return RedisModule_ReplyWithError(ctx, WRONGPASS);
    if (RedisModule_GetContextFlags(ctx) & (REDISMODULE_CTX_FLAGS_MULTI | REDISMODULE_CTX_FLAGS_LUA)) {
        return RedisModule_ReplyWithError(ctx, "ERR an IAM login cannot run inside MULTI or a script");
    }
    uint64_t id = RedisModule_GetClientId(ctx);
    RedisModuleClientInfo ci = { .version = 1 };
    if (RedisModule_GetClientInfoById(&ci, id) != REDISMODULE_OK) return RedisModule_ReplyWithError(ctx, WRONGPASS);
    verify_request *r = calloc(1, sizeof(*r));
    pending *p = calloc(1, sizeof(*p));
    r->socket_path = strdup(cfg.socket_path);
    r->group = strdup(cfg.group);
    r->user = strdup(RedisModule_StringPtrLen(user, NULL));
    r->token = strdup(RedisModule_StringPtrLen(token, NULL));
    snprintf(r->addr, sizeof(r->addr), "%s", ci.addr);
    r->secure = (ci.flags & REDISMODULE_CLIENTINFO_FLAG_SSL) != 0;
    r->timeout_ms = cfg.verify_timeout_ms;
    r->done = answered;
    r->owner = p;
    p->hello = hello;
    if (name) {
        p->name = name;
        RedisModule_RetainString(NULL, name);
    }
    /* No timeout here: the worker always answers (its socket has verify-timeout-ms). */
    p->bc = RedisModule_BlockClient(ctx, on_answer, NULL, free_answer, 0);
    verifier_submit(r);
    return REDISMODULE_OK;
}

/* CACHEFLEET.IAMAUTH <user> <token> */
static int IamAuth_Command(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
    if (argc != 3) return RedisModule_WrongArity(ctx);
    RedisModule_RedactClientCommandArgument(ctx, 1);
    RedisModule_RedactClientCommandArgument(ctx, 2);
    size_t len;
    const char *user = RedisModule_StringPtrLen(argv[1], &len);
    if (!is_iam_user(user, len)) return RedisModule_ReplyWithError(ctx, WRONGPASS);
    return ask(ctx, argv[1], argv[2], 0, NULL);
}

/* CACHEFLEET.IAMHELLO <protover> <user> <token> [<name>] */
static int IamHello_Command(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
    if (argc != 4 && argc != 5) return RedisModule_WrongArity(ctx);
    for (int i = 2; i < argc; i++) RedisModule_RedactClientCommandArgument(ctx, i);
    const char *v = RedisModule_StringPtrLen(argv[1], NULL);
    int current = RedisModule_GetContextFlags(ctx) & REDISMODULE_CTX_FLAGS_RESP3 ? 3 : 2;
    if (atoi(v) != current) {
        return RedisModule_ReplyWithError(ctx, "NOPROTO an IAM login by HELLO cannot switch the connection's protocol here: "
                                               "log in with AUTH <user> <token>");
    }
    size_t len;
    const char *user = RedisModule_StringPtrLen(argv[2], &len);
    if (!is_iam_user(user, len)) return RedisModule_ReplyWithError(ctx, WRONGPASS);
    return ask(ctx, argv[2], argv[3], current, argc == 5 ? argv[4] : NULL);
}

/* CACHEFLEET.IAMCONFIG [GROUP g] [MAX-CONNECTION-MS n] [VERIFY-TIMEOUT-MS n] [HELLO-VERIFY-TIMEOUT-MS n] [USERS u …] */
static int IamConfig_Command(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
    RedisModuleString *who = RedisModule_GetCurrentUserName(ctx);
    int admin = who && cfg.admin_user && !strcmp(RedisModule_StringPtrLen(who, NULL), cfg.admin_user);
    if (who) RedisModule_FreeString(ctx, who);
    if (!admin) return RedisModule_ReplyWithError(ctx, "NOPERM this user has no permissions to run the 'cachefleet.iamconfig' command");
    if (argc == 1) {
        RedisModule_ReplyWithArray(ctx, 6);
        RedisModule_ReplyWithSimpleString(ctx, "group");
        RedisModule_ReplyWithSimpleString(ctx, cfg.group ? cfg.group : "");
        RedisModule_ReplyWithSimpleString(ctx, "max-connection-ms");
        RedisModule_ReplyWithLongLong(ctx, cfg.max_connection_ms);
        RedisModule_ReplyWithSimpleString(ctx, "users");
        RedisModule_ReplyWithArray(ctx, (long)cfg.nusers);
        for (size_t i = 0; i < cfg.nusers; i++) RedisModule_ReplyWithSimpleString(ctx, cfg.users[i]);
        return REDISMODULE_OK;
    }
    const char *why = NULL;
    if (configure(argv + 1, argc - 1, 0, &why) != REDISMODULE_OK) {
        char msg[128];
        snprintf(msg, sizeof(msg), "ERR %s", why);
        return RedisModule_ReplyWithError(ctx, msg);
    }
    hello3_recheck();
    return RedisModule_ReplyWithSimpleString(ctx, "OK");
}

__attribute__((visibility("default"))) int RedisModule_OnLoad(RedisModuleCtx *ctx, RedisModuleString **argv, int argc) {
    if (RedisModule_Init(ctx, "cachefleet-iam", 1, REDISMODULE_APIVER_1) == REDISMODULE_ERR) return REDISMODULE_ERR;
    const char *why = NULL;
    if (configure(argv, argc, 1, &why) != REDISMODULE_OK) {
        RedisModule_Log(ctx, "warning", "cachefleet-iam: bad module arguments: %s", why);
        return REDISMODULE_ERR;
    }
    if (!cfg.socket_path || !cfg.admin_user) {
        RedisModule_Log(ctx, "warning", "cachefleet-iam: the `socket` and `admin-user` arguments are required");
        return REDISMODULE_ERR;
    }
    cfg.ctx = RedisModule_GetDetachedThreadSafeContext(ctx);
    sessions = RedisModule_CreateDict(NULL);
    const char *login = "no-auth no-monitor no-slowlog deny-script allow-stale allow-loading";
    if (RedisModule_CreateCommand(ctx, "cachefleet.iamauth", IamAuth_Command, login, 0, 0, 0) == REDISMODULE_ERR ||
        RedisModule_CreateCommand(ctx, "cachefleet.iamhello", IamHello_Command, login, 0, 0, 0) == REDISMODULE_ERR ||
        RedisModule_CreateCommand(ctx, "cachefleet.iamconfig", IamConfig_Command, "admin allow-stale allow-loading", 0, 0, 0) == REDISMODULE_ERR) {
        return REDISMODULE_ERR;
    }
    /* NOSELF: the module's own RedisModule_Call (MODULE LIST) is not a login. */
    if (!RedisModule_RegisterCommandFilter(ctx, filter, REDISMODULE_CMDFILTER_NOSELF)) return REDISMODULE_ERR;
    if (verifier_start(WORKERS) != 0) return REDISMODULE_ERR;
    return REDISMODULE_OK;
}
