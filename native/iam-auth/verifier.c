/* See verifier.h. Plain POSIX: a fixed pool of threads taking questions from one queue. */
#include "verifier.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static verify_request *head, *tail;

static void refuse(verify_request *r, const char *why) {
    r->allowed = 0;
    snprintf(r->why, sizeof(r->why), "%s", why);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_bulk(int fd, const char *s) {
    char head[32];
    size_t len = strlen(s);
    int n = snprintf(head, sizeof(head), "$%zu\r\n", len);
    return write_all(fd, head, (size_t)n) || write_all(fd, s, len) || write_all(fd, "\r\n", 2) ? -1 : 0;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void verifier_ask(verify_request *r) {
    long long deadline = now_ms() + r->timeout_ms;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(r->socket_path) >= sizeof(sa.sun_path)) return refuse(r, "verifier socket path too long");
    strcpy(sa.sun_path, r->socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return refuse(r, "cannot create a socket");
    struct timeval tv = { .tv_sec = r->timeout_ms / 1000, .tv_usec = (r->timeout_ms % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        char why[200];
        snprintf(why, sizeof(why), "cannot reach the verifier: %s", strerror(errno));
        close(fd);
        return refuse(r, why);
    }
    /* What connect left of the deadline bounds the writes too. */
    long long rest = deadline - now_ms();
    if (rest <= 0) {
        close(fd);
        return refuse(r, "no answer from the verifier");
    }
    tv.tv_sec = rest / 1000;
    tv.tv_usec = (rest % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    const char *secure = r->secure ? "1" : "0";
    int failed = r->want_secret
        ? write_all(fd, "*4\r\n", 4) || write_bulk(fd, "SECRET") || write_bulk(fd, r->group) || write_bulk(fd, r->user) || write_bulk(fd, r->token)
        : write_all(fd, "*6\r\n", 4) || write_bulk(fd, "VERIFY") || write_bulk(fd, r->group) || write_bulk(fd, r->user) ||
          write_bulk(fd, r->token) || write_bulk(fd, r->addr) || write_bulk(fd, secure);
    if (failed) {
        close(fd);
        return refuse(r, "cannot write to the verifier");
    }
    char line[256];
    size_t len = 0;
    while (len < sizeof(line) - 1) {
        long long left = deadline - now_ms();
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (left <= 0) break;
        int ready = poll(&pfd, 1, (int)left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        ssize_t n = read(fd, line + len, sizeof(line) - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        line[len] = '\0';
        if (strstr(line, "\r\n")) break;
    }
    close(fd);
    line[len] = '\0';
    char *end = strstr(line, "\r\n");
    if (!end) return refuse(r, len == 0 ? "no answer from the verifier" : "a malformed answer from the verifier");
    *end = '\0';
    if (!r->want_secret && strcmp(line, "+OK") == 0) {
        r->allowed = r->decided = 1;
        r->why[0] = '\0';
        return;
    }
    if (r->want_secret && strncmp(line, "+OK ", 4) == 0 && line[4] != '\0' && strlen(line + 4) < sizeof(r->secret)) {
        strcpy(r->secret, line + 4);
        memset(line, 0, sizeof(line));
        r->allowed = r->decided = 1;
        r->why[0] = '\0';
        return;
    }
    r->decided = line[0] == '-';
    refuse(r, line[0] == '-' ? line + 1 : "a malformed answer from the verifier");
}

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (!head) pthread_cond_wait(&ready, &lock);
        verify_request *r = head;
        head = r->next;
        if (!head) tail = NULL;
        pthread_mutex_unlock(&lock);
        r->next = NULL;
        verifier_ask(r);
        r->done(r);
    }
    return NULL;
}

int verifier_start(int workers) {
    for (int i = 0; i < workers; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, NULL) != 0) return -1;
        pthread_detach(t);
    }
    return 0;
}

void verifier_submit(verify_request *r) {
    r->next = NULL;
    pthread_mutex_lock(&lock);
    if (tail) tail->next = r;
    else head = r;
    tail = r;
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&lock);
}

void verify_request_free(verify_request *r) {
    if (!r) return;
    free(r->socket_path);
    free(r->group);
    free(r->user);
    if (r->token) memset(r->token, 0, strlen(r->token));
    free(r->token);
    memset(r->secret, 0, sizeof(r->secret));
    free(r);
}
