/*
 * The control socket: one ASCII command line per request (see README.md for the contract).
 *
 * Clients are strictly secondary to the container: every write to a client is non-blocking, and a
 * client whose unsent output grows past CLIENT_BACKLOG_MAX is dropped, so a stalled engine can never
 * stall the container or its log. Bytes from clients are parsed as commands only up to ATTACH; after it
 * they are stdin data, and container output is never parsed at all.
 */
#include "loop.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static void client_drop(struct monitor *m, struct client *c, const char *why) {
    if (c->dead) {
        return;
    }
    if (why) {
        report("%s", why);
    }
    /* Docker's StdinOnce: the attached stdin ends when its client goes away. */
    if (c->state == C_ATTACH && c->want[0] && !c->read_closed && m->opt->stdin_once) {
        stdin_close(m);
    }
    watch_remove(m, &c->w);
    close(c->w.fd);
    c->w.fd = -1;
    m->backlog -= c->out.len;
    buf_free(&c->out);
    c->dead = true;
    m->nclients--;
}

void client_update(struct monitor *m, struct client *c) {
    if (c->dead) {
        return;
    }
    uint32_t ev = 0;
    /* While the container's stdin is full, leave stdin bytes in the client's socket: back-pressure. */
    if (!c->read_closed && !(c->state == C_ATTACH && c->want[0] && stdin_blocked(m))) {
        ev |= EPOLLIN;
    }
    if (c->out.len > 0) {
        ev |= EPOLLOUT;
    }
    watch_set(m, &c->w, ev);
}

static void client_flush(struct monitor *m, struct client *c) {
    while (!c->dead && c->out.len > 0) {
        ssize_t n = send(c->w.fd, c->out.data + c->out.off, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            m->backlog -= (size_t)n;
            buf_consume(&c->out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            client_drop(m, c, NULL); /* the client went away; that is its business */
            return;
        }
    }
    if (c->out.len == 0 && c->close_after_flush) {
        client_drop(m, c, NULL);
        return;
    }
    client_update(m, c);
}

/* Sends now what the socket takes, queues the rest; a client too far behind is dropped. */
static void client_sendv(struct monitor *m, struct client *c, struct iovec *iov, int cnt) {
    if (c->dead) {
        return;
    }
    size_t total = 0, done = 0;
    for (int i = 0; i < cnt; i++) {
        total += iov[i].iov_len;
    }
    if (c->out.len == 0) {
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
        ssize_t n;
        do {
            n = sendmsg(c->w.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            client_drop(m, c, NULL);
            return;
        }
        done = n > 0 ? (size_t)n : 0;
    }
    size_t rest = total - done;
    if (rest == 0) {
        return;
    }
    if (c->out.len + rest > CLIENT_BACKLOG_MAX || m->backlog + rest > TOTAL_BACKLOG_MAX) {
        client_drop(m, c, "attach client cannot keep up with the container's output; dropped it");
        return;
    }
    for (int i = 0; i < cnt; i++) {
        size_t skip = done < iov[i].iov_len ? done : iov[i].iov_len;
        done -= skip;
        buf_append(&c->out, (char *)iov[i].iov_base + skip, iov[i].iov_len - skip);
    }
    m->backlog += rest;
    client_update(m, c);
}

static void reply(struct monitor *m, struct client *c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reply(struct monitor *m, struct client *c, const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n >= sizeof line) {
        n = sizeof line - 1;
        line[n - 1] = '\n';
    }
    struct iovec iov = {.iov_base = line, .iov_len = (size_t)n};
    client_sendv(m, c, &iov, 1);
}

/* Replies, then ends the connection: for errors and one-shot answers. */
static void reply_close(struct monitor *m, struct client *c, const char *text) {
    reply(m, c, "%s", text);
    c->read_closed = true;
    c->close_after_flush = true;
    client_flush(m, c);
}

void client_send_frame(struct monitor *m, struct client *c, int stream, const char *p, size_t n) {
    unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 8), (unsigned char)n};
    struct iovec iov[2] = {{.iov_base = h, .iov_len = 8}, {.iov_base = (void *)p, .iov_len = n}};
    client_sendv(m, c, iov, 2);
}

static void cmd_attach(struct monitor *m, struct client *c, char *list) {
    bool want[3] = {false, false, false};
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "stdin") == 0) {
            want[0] = true;
        } else if (strcmp(tok, "stdout") == 0) {
            want[1] = true;
        } else if (strcmp(tok, "stderr") == 0) {
            want[2] = true;
        } else {
            reply_close(m, c, "ERR unknown stream\n");
            return;
        }
    }
    if (!want[0] && !want[1] && !want[2]) {
        reply_close(m, c, "ERR no streams\n");
        return;
    }
    memcpy(c->want, want, sizeof want);
    c->state = C_ATTACH;
    m->ever_attached = true;
    reply(m, c, "OK\n");
    if (m->replay.enabled) {
        replay_deliver(m, c);
    }
    if (m->state == P_FINISHED) {
        /* Nothing more will come: hand over what there is, then end the stream. */
        m->flush_deadline = monotonic_ms() + FLUSH_MS;
        c->close_after_flush = true;
        client_flush(m, c);
    }
}

static void cmd_start(struct monitor *m, struct client *c) {
    char err[400];
    if (m->state == P_CREATED) {
        if (monitor_start(m, err, sizeof err) == 0) {
            reply(m, c, "OK\n");
        } else {
            reply(m, c, "ERR %s\n", err);
        }
    } else if (m->state == P_RUNNING) {
        reply(m, c, "OK\n"); /* already started: START is idempotent */
    } else {
        reply(m, c, "ERR container has exited\n");
    }
}

static void cmd_resize(struct monitor *m, struct client *c, const char *args) {
    char *end;
    unsigned long h = strtoul(args, &end, 10);
    unsigned long w = *end == ' ' ? strtoul(end + 1, &end, 10) : 0;
    if (*end != '\0' || h == 0 || w == 0 || h > 65535 || w > 65535) {
        reply(m, c, "ERR usage: RESIZE <height> <width>\n");
        return;
    }
    if (m->pty_master < 0) {
        reply(m, c, "ERR not a tty\n");
        return;
    }
    struct winsize ws = {.ws_row = (unsigned short)h, .ws_col = (unsigned short)w};
    if (ioctl(m->pty_master, TIOCSWINSZ, &ws) < 0) {
        reply(m, c, "ERR resize failed: %s\n", strerror(errno));
    } else {
        reply(m, c, "OK\n");
    }
}

static void cmd_status(struct monitor *m, struct client *c) {
    if (m->state == P_CREATED) {
        reply(m, c, "CREATED %d\n", (int)m->pid);
    } else if (m->state == P_FINISHED) {
        reply(m, c, "EXITED %d\n", m->exit_code);
    } else {
        /* Also while the exit is being drained: EXITED promises the exit file is written. */
        reply(m, c, "RUNNING %d\n", (int)m->pid);
    }
}

static void handle_line(struct monitor *m, struct client *c, char *line, size_t len) {
    if (len > 0 && line[len - 1] == '\r') {
        line[--len] = '\0';
    }
    if (strlen(line) != len) {
        reply_close(m, c, "ERR unknown command\n"); /* a NUL inside: garbage */
    } else if (strncmp(line, "ATTACH ", 7) == 0) {
        cmd_attach(m, c, line + 7);
    } else if (strcmp(line, "START") == 0) {
        cmd_start(m, c);
    } else if (strncmp(line, "RESIZE ", 7) == 0) {
        cmd_resize(m, c, line + 7);
    } else if (strcmp(line, "STATUS") == 0) {
        cmd_status(m, c);
    } else if (strcmp(line, "WAIT") == 0) {
        if (m->state == P_FINISHED) {
            char text[32];
            snprintf(text, sizeof text, "EXITED %d\n", m->exit_code);
            reply_close(m, c, text);
        } else {
            c->state = C_WAIT;
        }
    } else if (strcmp(line, "CLOSE-STDIN") == 0) {
        stdin_close(m);
        reply(m, c, "OK\n");
    } else {
        reply_close(m, c, "ERR unknown command\n");
    }
}

static void consume(struct monitor *m, struct client *c, const char *p, size_t n) {
    while (n > 0 && !c->dead && !c->read_closed) {
        if (c->state == C_ATTACH) {
            if (c->want[0]) {
                stdin_forward(m, p, n);
            }
            return;
        }
        if (c->state == C_WAIT) {
            return; /* nothing more is expected; ignore it */
        }
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        if (c->line_len + take >= sizeof c->line) {
            reply_close(m, c, "ERR command too long\n");
            return;
        }
        memcpy(c->line + c->line_len, p, take);
        c->line_len += take;
        if (!nl) {
            return;
        }
        size_t len = c->line_len;
        c->line[len] = '\0';
        c->line_len = 0;
        p += take + 1;
        n -= take + 1;
        handle_line(m, c, c->line, len);
    }
}

static void on_eof(struct monitor *m, struct client *c) {
    c->read_closed = true;
    if (c->state == C_ATTACH) {
        if (c->want[0] && m->opt->stdin_once) {
            stdin_close(m);
        }
    } else if (c->state == C_COMMAND) {
        /* Answers already queued are still delivered to a half-closed client. */
        c->close_after_flush = true;
        client_flush(m, c);
        return;
    }
    client_update(m, c);
}

/* One read per wake-up keeps one busy client from starving the container's streams. */
static void client_read(struct monitor *m, struct client *c) {
    static char chunk[READ_CHUNK];
    size_t want = c->state == C_COMMAND ? 512 : sizeof chunk;
    ssize_t n = read(c->w.fd, chunk, want);
    if (n > 0) {
        consume(m, c, chunk, (size_t)n);
    } else if (n == 0) {
        on_eof(m, c);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        client_drop(m, c, NULL);
    }
}

void client_event(struct monitor *m, struct client *c, uint32_t events) {
    if (c->dead) {
        return;
    }
    if (events & EPOLLIN) {
        client_read(m, c);
    }
    if (!c->dead && (events & EPOLLOUT)) {
        client_flush(m, c);
    }
    if (!c->dead && (events & (EPOLLHUP | EPOLLERR))) {
        /* The peer is gone in both directions; take what it sent before leaving, then forget it. */
        for (int i = 0; i < 64 && !c->dead && !c->read_closed && !(events & EPOLLERR); i++) {
            client_read(m, c);
        }
        client_drop(m, c, NULL);
    }
}

void control_accept(struct monitor *m) {
    for (;;) {
        int fd = accept4(m->listen.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                report("accept on control socket failed: %s", strerror(errno));
            }
            return;
        }
        /* The socket is 0600 already; checking the peer also covers a socket file chmod-ed by mistake. */
        struct ucred cred;
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
            (cred.uid != 0 && cred.uid != geteuid())) {
            close(fd);
            continue;
        }
        if (m->nclients >= MAX_CLIENTS) {
            static const char busy[] = "ERR too many connections\n";
            ssize_t ignored = send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)ignored;
            close(fd);
            continue;
        }
        struct client *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->w = (struct watch){.kind = W_CLIENT, .fd = fd};
        c->state = C_COMMAND;
        c->next = m->clients;
        m->clients = c;
        m->nclients++;
        client_update(m, c);
    }
}

/* After the exit file is written: answer WAIT, and end attach streams once their output is delivered. */
void clients_finish(struct monitor *m) {
    char text[32];
    snprintf(text, sizeof text, "EXITED %d\n", m->exit_code);
    for (struct client *c = m->clients; c; c = c->next) {
        if (c->dead) {
            continue;
        }
        if (c->state == C_WAIT) {
            reply_close(m, c, text);
        } else if (c->state == C_ATTACH) {
            c->close_after_flush = true;
            client_flush(m, c);
        }
    }
}

bool clients_flushing(const struct monitor *m) {
    for (const struct client *c = m->clients; c; c = c->next) {
        if (!c->dead && c->close_after_flush && c->out.len > 0) {
            return true;
        }
    }
    return false;
}

/* Frees dropped clients; only between event batches, so no pending event points at freed memory. */
void clients_sweep(struct monitor *m) {
    struct client **pp = &m->clients;
    while (*pp) {
        struct client *c = *pp;
        if (c->dead) {
            *pp = c->next;
            free(c);
        } else {
            pp = &c->next;
        }
    }
}

void clients_close_all(struct monitor *m) {
    for (struct client *c = m->clients; c; c = c->next) {
        client_drop(m, c, NULL);
    }
    clients_sweep(m);
}
