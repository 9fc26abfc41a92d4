/*
 * berth-monitor: the per-container monitor process (the role of Podman's conmon or containerd's shim).
 *
 * It exists so that a container keeps running, and its output keeps being logged, while the engine
 * is down or restarting: the monitor, not the engine, owns the container's stdio and log file, and
 * it is the container's parent (a child subreaper), so it can collect the exit status.
 *
 * Files:
 *   main.c      command line, daemonizing, start-up sequence
 *   spawn.c     running the OCI runtime (create/exec/start) and receiving the console pty
 *   ioloop.c    the event loop: container output, stdin, exit, drain and shutdown
 *   control.c   the control socket protocol and attach clients
 *   logwriter.c Docker json-file log writer with rotation
 *   util.c      buffers, time formatting, small file helpers
 */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#define PROG "berth-monitor"

/* Docker splits log entries that have no newline at 16 KiB. */
#define LOG_LINE_MAX (16 * 1024)
/* One read from a container stream. */
#define READ_CHUNK (64 * 1024)
/* Output kept for the first attach client of an exec, per stream. */
#define REPLAY_MAX (1024 * 1024)
/* Unsent output one attach client may have queued before it is dropped as too slow. */
#define CLIENT_BACKLOG_MAX (4 * 1024 * 1024)
/* Unsent output all clients together may have queued. */
#define TOTAL_BACKLOG_MAX (16 * 1024 * 1024)
/* Control connections open at once; more are refused. */
#define MAX_CLIENTS 64
/* How long output is still read after the main process exited (other processes may hold the pipes). */
#define DRAIN_MS 200
/* How long attach clients get to receive their remaining output after the exit. */
#define FLUSH_MS 5000
/* How long an exec monitor waits for its first attach client after the process exited. */
#define EXEC_LINGER_MS 10000
/* How long clients already queued on the control socket are still served after its name is removed. */
#define EXIT_GRACE_MS 100
/* Length of "2026-11-22T10:00:00.123456789Z" plus NUL. */
#define TIME_LEN 32

/* Exit codes of the launching process. */
#define EXIT_RUNTIME_FAILED 1
#define EXIT_USAGE 2
#define EXIT_SETUP_FAILED 3

enum mode { MODE_CREATE, MODE_EXEC };

struct options {
    enum mode mode;
    const char *id;
    const char *exec_id;
    const char *bundle;
    const char *process_file;
    const char *runtime;
    const char *runtime_root;
    const char *state_dir;
    const char *log_path;
    bool tty;
    bool open_stdin;
    bool stdin_once;
    int64_t log_max_size; /* 0: no rotation */
    int log_max_files;
    /* Names inside state_dir (the monitor's working directory), derived from the mode. */
    char sock_name[100]; /* must fit sun_path */
    char pid_name[100];
    char runtime_pid_name[100];
    char exit_name[100];
    char runtime_log_name[100];
    char monitor_log_name[100];
};

/* util.c */
struct buf {
    char *data;
    size_t off; /* first unconsumed byte */
    size_t len; /* unconsumed bytes */
    size_t cap;
};
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
void buf_free(struct buf *b);
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_all(int fd, const void *p, size_t n);
void format_time(const struct timespec *ts, char out[TIME_LEN]);
void now_string(char out[TIME_LEN]);
int64_t monotonic_ms(void);
int write_file_atomic(const char *path, const char *data, size_t len);
int set_nonblocking(int fd);
void close_fds_from(int lowfd);
int open_devnull(int flags);

/* logwriter.c */
struct logwriter;
struct logwriter *logwriter_open(const char *path, int64_t max_size, int max_files);
void logwriter_write(struct logwriter *lw, int stream, const char *data, size_t n, const char *ts);
void logwriter_end_stream(struct logwriter *lw, int stream, const char *ts);
void logwriter_flush(struct logwriter *lw);
void logwriter_close(struct logwriter *lw);
int logtest_main(int argc, char **argv);

/* spawn.c: what the event loop takes over from start-up. */
struct session {
    int out_fd;     /* container stdout read end, or the pty master (dup) with --tty */
    int err_fd;     /* container stderr read end; -1 with --tty */
    int in_fd;      /* container stdin write end, a pty master dup with --tty, or -1 */
    int pty_master; /* for RESIZE; -1 without --tty */
    pid_t pid;      /* container init (create) or exec process */
    struct buf early_err; /* stderr read while the runtime ran (exec output may start that early) */
};
int spawn_process(const struct options *o, struct session *s);
int runtime_start(const struct options *o, char *err, size_t errlen);

/* ioloop.c */
int run_loop(const struct options *o, struct session *s, int listen_fd, int sig_fd, struct logwriter *log);

#endif
