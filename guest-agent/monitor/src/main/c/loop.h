/* State shared by the event loop (ioloop.c) and the control protocol (control.c). */
#ifndef BERTH_MONITOR_LOOP_H
#define BERTH_MONITOR_LOOP_H

#include "monitor.h"

/* Every epoll registration points at one of these (as the first member of its owner). */
enum watch_kind { W_LISTEN = 1, W_SIGNAL, W_STREAM, W_STDIN, W_CLIENT };
struct watch {
    enum watch_kind kind;
    int fd;
    uint32_t events; /* currently registered */
    bool registered;
};

struct stream {
    struct watch w; /* w.fd == -1 once closed */
    int num;        /* 1 stdout (also the pty), 2 stderr: the stdcopy stream id */
};

struct stdin_sink {
    struct watch w; /* w.fd == -1: no stdin, or closed */
    struct buf pending;
    bool close_when_drained;
};

enum client_state { C_COMMAND, C_ATTACH, C_WAIT };
struct client {
    struct watch w;
    enum client_state state;
    char line[256];
    size_t line_len;
    bool want[3]; /* by stream number: 0 stdin, 1 stdout, 2 stderr */
    bool read_closed;
    bool close_after_flush;
    bool dead;
    struct buf out;
    struct client *next;
};

/* Output of an exec produced before anyone attached, for the first attach client. */
struct replay_chunk {
    struct replay_chunk *next;
    int stream;
    size_t off, len;
    char data[READ_CHUNK];
};
struct replay {
    bool enabled;
    struct replay_chunk *head, *tail;
    size_t bytes[3];
};

enum proc_state { P_CREATED, P_RUNNING, P_EXITED, P_FINISHED };

struct monitor {
    const struct options *opt;
    int epfd;
    struct watch listen;
    struct watch sig;
    struct stream streams[2];
    struct stdin_sink in;
    int pty_master;
    pid_t pid;
    enum proc_state state; /* P_EXITED: reaped, output still draining; P_FINISHED: exit file written */
    int exit_code;
    int exit_signal; /* 0: none */
    struct timespec finished_at;
    int64_t drain_deadline;
    int64_t flush_deadline;
    int64_t linger_deadline; /* exec: until the first attach client or this time */
    int64_t grace_deadline;  /* socket name removed; answering the backlog until then */
    bool unlinked;
    struct client *clients;
    int nclients;
    size_t backlog; /* queued output bytes of all clients */
    bool ever_attached;
    struct replay replay;
    struct logwriter *log;
};

/* ioloop.c */
void watch_set(struct monitor *m, struct watch *w, uint32_t events);
void watch_remove(struct monitor *m, struct watch *w);
void stdin_forward(struct monitor *m, const char *p, size_t n);
bool stdin_blocked(const struct monitor *m);
void stdin_close(struct monitor *m);
void replay_deliver(struct monitor *m, struct client *c);
int monitor_start(struct monitor *m, char *err, size_t errlen);

/* control.c */
void control_accept(struct monitor *m);
void client_event(struct monitor *m, struct client *c, uint32_t events);
void client_send_frame(struct monitor *m, struct client *c, int stream, const char *p, size_t n);
void client_update(struct monitor *m, struct client *c);
void clients_finish(struct monitor *m);
void clients_sweep(struct monitor *m);
void clients_close_all(struct monitor *m);
bool clients_flushing(const struct monitor *m);

#endif
