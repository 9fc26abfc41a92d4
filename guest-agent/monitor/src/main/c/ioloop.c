/*
 * The event loop. Container output is read as soon as it is readable and goes to the log first, then
 * to attach clients: the container never waits for anybody but the log file's disk.
 *
 * Exit sequence: the main process is reaped (we are a child subreaper, so even the container's init,
 * orphaned when runc exits, is our child); its output is drained for at most DRAIN_MS (other processes
 * may hold the pipes open forever); the log is fsynced; the exit file is written atomically; WAIT
 * clients are answered; attach clients get their remaining output (at most FLUSH_MS); the control
 * socket is removed.
 */
#include "loop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

void watch_set(struct monitor *m, struct watch *w, uint32_t events) {
    if (w->fd < 0 || (w->registered && w->events == events)) {
        return;
    }
    struct epoll_event ev = {.events = events, .data.ptr = w};
    if (epoll_ctl(m->epfd, w->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, w->fd, &ev) < 0) {
        report("epoll_ctl on fd %d failed: %s", w->fd, strerror(errno));
        return;
    }
    w->registered = true;
    w->events = events;
}

void watch_remove(struct monitor *m, struct watch *w) {
    if (w->registered) {
        epoll_ctl(m->epfd, EPOLL_CTL_DEL, w->fd, NULL);
        w->registered = false;
    }
}

/* --- exec replay buffer ------------------------------------------------------------------------ */

static void replay_trim(struct replay *r, int stream) {
    struct replay_chunk **pp = &r->head, *prev = NULL;
    while (r->bytes[stream] > REPLAY_MAX && *pp) {
        struct replay_chunk *c = *pp;
        if (c->stream != stream) {
            prev = c;
            pp = &c->next;
            continue;
        }
        size_t cut = r->bytes[stream] - REPLAY_MAX;
        if (cut > c->len) {
            cut = c->len;
        }
        c->off += cut;
        c->len -= cut;
        r->bytes[stream] -= cut;
        if (c->len == 0) {
            *pp = c->next;
            if (r->tail == c) {
                r->tail = prev;
            }
            free(c);
        }
    }
}

static void replay_append(struct replay *r, int stream, const char *p, size_t n) {
    while (n > 0) {
        struct replay_chunk *t = r->tail;
        if (!t || t->stream != stream || t->off + t->len == sizeof t->data) {
            t = xmalloc(sizeof *t);
            *t = (struct replay_chunk){.stream = stream};
            if (r->tail) {
                r->tail->next = t;
            } else {
                r->head = t;
            }
            r->tail = t;
        }
        size_t room = sizeof t->data - t->off - t->len;
        size_t take = n < room ? n : room;
        memcpy(t->data + t->off + t->len, p, take);
        t->len += take;
        r->bytes[stream] += take;
        p += take;
        n -= take;
    }
    replay_trim(r, stream);
}

static void replay_free(struct replay *r) {
    while (r->head) {
        struct replay_chunk *c = r->head;
        r->head = c->next;
        free(c);
    }
    r->tail = NULL;
    r->bytes[1] = r->bytes[2] = 0;
    r->enabled = false;
}

/* The first attach client gets what the exec printed before it arrived; later ones get live output. */
void replay_deliver(struct monitor *m, struct client *c) {
    for (struct replay_chunk *k = m->replay.head; k; k = k->next) {
        if (c->want[k->stream]) {
            client_send_frame(m, c, k->stream, k->data + k->off, k->len);
        }
    }
    replay_free(&m->replay);
}

/* --- container output -------------------------------------------------------------------------- */

static void output(struct monitor *m, int stream, const char *p, size_t n) {
    char ts[TIME_LEN];
    now_string(ts);
    logwriter_write(m->log, stream, p, n, ts);
    for (struct client *c = m->clients; c; c = c->next) {
        if (!c->dead && c->state == C_ATTACH && c->want[stream]) {
            client_send_frame(m, c, stream, p, n);
        }
    }
    if (m->replay.enabled) {
        replay_append(&m->replay, stream, p, n);
    }
}

static void stream_close(struct monitor *m, struct stream *s) {
    if (s->w.fd < 0) {
        return;
    }
    watch_remove(m, &s->w);
    close(s->w.fd);
    s->w.fd = -1;
    char ts[TIME_LEN];
    now_string(ts);
    logwriter_end_stream(m->log, s->num, ts);
}

/* Reads up to max_reads chunks; EOF (or EIO, a pty whose last slave closed) ends the stream. */
static void stream_read(struct monitor *m, struct stream *s, int max_reads) {
    static char chunk[READ_CHUNK];
    for (int i = 0; i < max_reads && s->w.fd >= 0; i++) {
        ssize_t n = read(s->w.fd, chunk, sizeof chunk);
        if (n > 0) {
            output(m, s->num, chunk, (size_t)n);
            if ((size_t)n < sizeof chunk) {
                return;
            }
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            stream_close(m, s);
        }
    }
}

static bool streams_open(const struct monitor *m) {
    return m->streams[0].w.fd >= 0 || m->streams[1].w.fd >= 0;
}

/* --- container stdin --------------------------------------------------------------------------- */

bool stdin_blocked(const struct monitor *m) {
    return m->in.pending.len > 0;
}

static void resume_stdin_clients(struct monitor *m) {
    for (struct client *c = m->clients; c; c = c->next) {
        if (c->state == C_ATTACH && c->want[0]) {
            client_update(m, c);
        }
    }
}

static void stdin_shut(struct monitor *m) {
    if (m->in.w.fd < 0) {
        return;
    }
    watch_remove(m, &m->in.w);
    close(m->in.w.fd);
    m->in.w.fd = -1;
    buf_free(&m->in.pending);
    m->in.close_when_drained = false;
    resume_stdin_clients(m); /* from now on their bytes are read and discarded */
}

static void stdin_drain(struct monitor *m) {
    while (m->in.pending.len > 0) {
        ssize_t n = write(m->in.w.fd, m->in.pending.data + m->in.pending.off, m->in.pending.len);
        if (n > 0) {
            buf_consume(&m->in.pending, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            stdin_shut(m); /* the container closed its stdin: nothing to forward any more */
            return;
        }
    }
    watch_set(m, &m->in.w, 0);
    if (m->in.close_when_drained) {
        stdin_shut(m);
    } else {
        resume_stdin_clients(m);
    }
}

void stdin_forward(struct monitor *m, const char *p, size_t n) {
    if (m->in.w.fd < 0 || m->in.close_when_drained) {
        return;
    }
    if (m->in.pending.len == 0) {
        ssize_t w;
        do {
            w = write(m->in.w.fd, p, n);
        } while (w < 0 && errno == EINTR);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            stdin_shut(m);
            return;
        }
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        }
    }
    if (n > 0) {
        buf_append(&m->in.pending, p, n);
        watch_set(m, &m->in.w, EPOLLOUT);
        resume_stdin_clients(m); /* i.e. pause them: stdin_blocked() is now true */
    }
}

/* Closes the container's stdin once what clients already sent has been written (EOF for `cat`). */
void stdin_close(struct monitor *m) {
    if (m->in.w.fd < 0) {
        return;
    }
    if (m->in.pending.len > 0) {
        m->in.close_when_drained = true;
    } else {
        stdin_shut(m);
    }
}

static void stdin_event(struct monitor *m, uint32_t events) {
    if (events & EPOLLOUT) {
        stdin_drain(m);
    }
    if (m->in.w.fd >= 0 && (events & (EPOLLERR | EPOLLHUP))) {
        stdin_shut(m);
    }
}

/* --- start and exit ---------------------------------------------------------------------------- */

int monitor_start(struct monitor *m, char *err, size_t errlen) {
    if (runtime_start(m->opt, err, errlen) < 0) {
        return -1;
    }
    if (m->state == P_CREATED) {
        m->state = P_RUNNING;
    }
    return 0;
}

static void process_exited(struct monitor *m, int status) {
    clock_gettime(CLOCK_REALTIME, &m->finished_at);
    if (WIFSIGNALED(status)) {
        m->exit_signal = WTERMSIG(status);
        m->exit_code = 128 + m->exit_signal;
    } else {
        m->exit_code = WEXITSTATUS(status);
    }
    m->state = P_EXITED;
    m->drain_deadline = monotonic_ms() + DRAIN_MS;
    stdin_shut(m);
}

/* Subreaper duty: reap everything; only the main process's status matters. */
static void reap(struct monitor *m) {
    for (;;) {
        int status;
        pid_t p = waitpid(-1, &status, WNOHANG);
        if (p < 0 && errno == EINTR) {
            continue;
        }
        if (p <= 0) {
            return;
        }
        if (p == m->pid && m->state < P_EXITED) {
            process_exited(m, status);
        }
    }
}

static void signals_read(struct monitor *m) {
    struct signalfd_siginfo si;
    while (read(m->sig.fd, &si, sizeof si) == (ssize_t)sizeof si) {
    }
    reap(m);
}

static void write_exit_file(struct monitor *m) {
    char ts[TIME_LEN], sig[16], text[160];
    format_time(&m->finished_at, ts);
    if (m->exit_signal) {
        snprintf(sig, sizeof sig, "%d", m->exit_signal);
    } else {
        snprintf(sig, sizeof sig, "null");
    }
    int n = snprintf(text, sizeof text, "{\"exitCode\":%d,\"signal\":%s,\"finishedAt\":\"%s\"}\n", m->exit_code, sig,
                     ts);
    if (write_file_atomic(m->opt->exit_name, text, (size_t)n) < 0) {
        report("cannot write %s/%s: %s", m->opt->state_dir, m->opt->exit_name, strerror(errno));
    }
}

static void finish(struct monitor *m) {
    for (int i = 0; i < 2; i++) {
        stream_read(m, &m->streams[i], 16); /* what is readable right now, and no more */
        stream_close(m, &m->streams[i]);
    }
    logwriter_close(m->log);
    m->log = NULL;
    write_exit_file(m);
    m->state = P_FINISHED;
    int64_t now = monotonic_ms();
    m->flush_deadline = now + FLUSH_MS;
    if (m->opt->mode == MODE_EXEC && !m->ever_attached) {
        m->linger_deadline = now + EXEC_LINGER_MS;
    }
    clients_finish(m);
}

static bool can_exit(const struct monitor *m) {
    if (m->state != P_FINISHED) {
        return false;
    }
    int64_t now = monotonic_ms();
    if (m->linger_deadline && !m->ever_attached && now < m->linger_deadline) {
        return false;
    }
    return !clients_flushing(m) || now >= m->flush_deadline;
}

static int loop_timeout(const struct monitor *m) {
    int64_t deadline = -1;
    if (m->state == P_EXITED) {
        deadline = m->drain_deadline;
    } else if (m->state == P_FINISHED) {
        deadline = m->flush_deadline;
        if (m->linger_deadline && !m->ever_attached && m->linger_deadline > deadline) {
            deadline = m->linger_deadline;
        }
    }
    if (m->unlinked && (deadline < 0 || m->grace_deadline < deadline)) {
        deadline = m->grace_deadline;
    }
    if (deadline < 0) {
        return -1;
    }
    int64_t left = deadline - monotonic_ms();
    return left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

static void dispatch(struct monitor *m, struct watch *w, uint32_t events) {
    if (w->fd < 0) {
        return; /* closed earlier in this batch */
    }
    switch (w->kind) {
    case W_LISTEN:
        control_accept(m);
        break;
    case W_SIGNAL:
        signals_read(m);
        break;
    case W_STREAM:
        stream_read(m, (struct stream *)w, 4);
        break;
    case W_STDIN:
        stdin_event(m, events);
        break;
    case W_CLIENT:
        client_event(m, (struct client *)w, events);
        break;
    }
}

/*
 * Leaving: first the socket name goes, so new clients fail to connect (and read the exit file)
 * instead of being reset; clients already queued in the listen backlog still get answers for a moment.
 */
static bool leaving(struct monitor *m) {
    if (!can_exit(m)) {
        return false;
    }
    int64_t now = monotonic_ms();
    if (!m->unlinked) {
        unlink(m->opt->sock_name);
        m->unlinked = true;
        m->grace_deadline = now + EXIT_GRACE_MS;
    }
    return now >= m->grace_deadline;
}

static void loop(struct monitor *m) {
    struct epoll_event evs[64];
    for (;;) {
        if (m->state == P_EXITED && (!streams_open(m) || monotonic_ms() >= m->drain_deadline)) {
            finish(m);
        }
        if (leaving(m)) {
            return;
        }
        int n = epoll_wait(m->epfd, evs, 64, loop_timeout(m));
        if (n < 0 && errno != EINTR) {
            report("epoll_wait failed: %s", strerror(errno));
            usleep(100 * 1000);
        }
        for (int i = 0; i < n; i++) {
            dispatch(m, evs[i].data.ptr, evs[i].events);
        }
        logwriter_flush(m->log);
        clients_sweep(m);
    }
}

int run_loop(const struct options *o, struct session *s, int listen_fd, int sig_fd, struct logwriter *log) {
    static struct monitor mon;
    struct monitor *m = &mon;
    m->opt = o;
    m->log = log;
    m->pid = s->pid;
    m->pty_master = s->pty_master;
    m->state = o->mode == MODE_CREATE ? P_CREATED : P_RUNNING;
    m->replay.enabled = o->mode == MODE_EXEC;
    m->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (m->epfd < 0) {
        report("epoll_create1 failed: %s", strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    m->listen = (struct watch){.kind = W_LISTEN, .fd = listen_fd};
    m->sig = (struct watch){.kind = W_SIGNAL, .fd = sig_fd};
    m->streams[0] = (struct stream){.w = {.kind = W_STREAM, .fd = s->out_fd}, .num = 1};
    m->streams[1] = (struct stream){.w = {.kind = W_STREAM, .fd = s->err_fd}, .num = 2};
    m->in.w = (struct watch){.kind = W_STDIN, .fd = s->in_fd};
    watch_set(m, &m->listen, EPOLLIN);
    watch_set(m, &m->sig, EPOLLIN);
    watch_set(m, &m->streams[0].w, EPOLLIN);
    watch_set(m, &m->streams[1].w, EPOLLIN);
    watch_set(m, &m->in.w, 0); /* EPOLLERR alone tells us the container closed its stdin */
    if (s->early_err.len > 0) {
        output(m, 2, s->early_err.data + s->early_err.off, s->early_err.len);
        buf_free(&s->early_err);
    }
    reap(m); /* the process may have finished before the loop started */

    loop(m);

    clients_close_all(m);
    unlink(o->sock_name);
    unlink(o->pid_name);
    replay_free(&m->replay);
    if (m->pty_master >= 0) {
        close(m->pty_master);
    }
    close(m->epfd);
    return 0;
}
