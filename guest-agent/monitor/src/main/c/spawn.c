/*
 * Running the OCI runtime. The monitor hands the runtime the container's stdio (pipes it owns) so the
 * container's output never depends on the engine being alive; with --tty it instead receives the pty
 * master from the runtime over a console socket (SCM_RIGHTS), exactly as runc's protocol expects.
 *
 * The runtime's own stderr is captured: on failure it is the message the engine shows the user
 * (e.g. `exec: "nosuch": executable file not found in $PATH`).
 */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* A runtime that has not finished create/exec/start by then is hung; better an error than a hang. */
#define RUNTIME_TIMEOUT_MS (5 * 60 * 1000)
/* Bytes of runtime stderr kept; exec output beyond it waits in the pipe for the event loop. */
#define RUNTIME_ERR_MAX (1024 * 1024)
/* Bigger pipes mean fewer wake-ups for chatty containers; the kernel default limit allows 1 MiB. */
#define PIPE_SIZE (1024 * 1024)

struct runtime_run {
    pid_t pid;
    int err_fd;         /* our read end of the runtime's stderr, non-blocking, or -1 */
    int console_listen; /* listening console socket, or -1 */
    int console_conn;
    int pty_master;     /* received from the runtime, or -1 */
    int status;         /* wait status */
    struct buf err;
};

/* In the forked child: make the runtime's world clean, then exec it. Never returns. */
static void exec_runtime(char *const argv[], const int fds[3]) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Ignored signals survive exec; a container must not inherit our SIGPIPE/SIGHUP policy. */
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            signal(sig, SIG_DFL);
        }
    }
    for (int i = 0; i < 3; i++) {
        if (dup2(fds[i], i) < 0) {
            _exit(127);
        }
    }
    close_fds_from(3);
    execv(argv[0], argv);
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s: cannot run %s: %s\n", PROG, argv[0], strerror(errno));
    if (n > 0) {
        write_all(2, msg, (size_t)n);
    }
    _exit(127);
}

static void collect_err(struct runtime_run *r) {
    while (r->err_fd >= 0 && r->err.len < RUNTIME_ERR_MAX) {
        char chunk[8192];
        size_t want = RUNTIME_ERR_MAX - r->err.len;
        ssize_t n = read(r->err_fd, chunk, want < sizeof chunk ? want : sizeof chunk);
        if (n > 0) {
            buf_append(&r->err, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return; /* EAGAIN, or EOF: the loop stops polling once the process is gone */
    }
}

/* runc sends the pty master as SCM_RIGHTS ancillary data; the payload is the pty's name. */
static void receive_console(struct runtime_run *r) {
    if (r->console_conn < 0 && r->console_listen >= 0) {
        r->console_conn = accept4(r->console_listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (r->console_conn < 0) {
            return;
        }
    }
    if (r->console_conn < 0) {
        return;
    }
    char name[PATH_MAX];
    struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    ssize_t n = recvmsg(r->console_conn, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && r->pty_master < 0) {
            memcpy(&r->pty_master, CMSG_DATA(c), sizeof(int));
        }
    }
    close(r->console_conn);
    r->console_conn = -1;
}

static bool reaped(struct runtime_run *r, bool block) {
    for (;;) {
        pid_t p = waitpid(r->pid, &r->status, block ? 0 : WNOHANG);
        if (p == r->pid) {
            return true;
        }
        if (p < 0 && errno == EINTR) {
            continue;
        }
        return false;
    }
}

/*
 * Waits for the runtime while reading its stderr and serving the console socket. Its stderr may be the
 * container's stderr pipe, which the container keeps open, so EOF cannot mark the end: the process
 * exit does (a pidfd where the kernel has them, short polls otherwise).
 */
static void wait_runtime(struct runtime_run *r) {
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
#else
    int pidfd = -1;
#endif
    int64_t deadline = monotonic_ms() + RUNTIME_TIMEOUT_MS;
    for (;;) {
        struct pollfd p[4];
        int n = 0;
        int i_err = -1, i_listen = -1, i_conn = -1;
        if (r->err_fd >= 0 && r->err.len < RUNTIME_ERR_MAX) {
            i_err = n;
            p[n++] = (struct pollfd){.fd = r->err_fd, .events = POLLIN};
        }
        if (r->console_conn >= 0) {
            i_conn = n;
            p[n++] = (struct pollfd){.fd = r->console_conn, .events = POLLIN};
        } else if (r->console_listen >= 0 && r->pty_master < 0) {
            i_listen = n;
            p[n++] = (struct pollfd){.fd = r->console_listen, .events = POLLIN};
        }
        if (pidfd >= 0) {
            p[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        }
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            report("runtime did not finish within %d s; killing it", RUNTIME_TIMEOUT_MS / 1000);
            kill(r->pid, SIGKILL);
            reaped(r, true);
            break;
        }
        int rc = poll(p, (nfds_t)n, pidfd >= 0 ? (int)left : 20);
        if (rc < 0 && errno != EINTR) {
            report("poll failed: %s", strerror(errno));
        }
        if (i_err >= 0 && (p[i_err].revents & (POLLIN | POLLHUP))) {
            collect_err(r);
        }
        if ((i_listen >= 0 && p[i_listen].revents) || (i_conn >= 0 && p[i_conn].revents)) {
            receive_console(r);
        }
        if (reaped(r, false)) {
            break;
        }
    }
    if (pidfd >= 0) {
        close(pidfd);
    }
    /* What the runtime wrote, and a pty it sent, just before exiting. */
    collect_err(r);
    if (r->pty_master < 0 && r->console_listen >= 0) {
        receive_console(r);
        receive_console(r);
    }
}

/* Forks and waits for one runtime command; stdio: fds[0..1] as given, stderr into r->err. */
static int run_runtime(char *const argv[], int in_fd, int out_fd, int err_w, struct runtime_run *r) {
    int fds[3] = {in_fd, out_fd, err_w};
    r->pid = fork();
    if (r->pid < 0) {
        report("cannot fork for %s: %s", argv[0], strerror(errno));
        return -1;
    }
    if (r->pid == 0) {
        exec_runtime(argv, fds);
    }
    wait_runtime(r);
    return 0;
}

static void print_runtime_failure(const char *cmd, struct runtime_run *r) {
    while (r->err.len > 0 && (r->err.data[r->err.off + r->err.len - 1] == '\n' ||
                              r->err.data[r->err.off + r->err.len - 1] == ' ')) {
        r->err.len--;
    }
    if (r->err.len > 0) {
        /* Verbatim: the engine turns this into the user's error message. */
        write_all(2, r->err.data + r->err.off, r->err.len);
        write_all(2, "\n", 1);
    } else if (WIFSIGNALED(r->status)) {
        report("%s was killed by signal %d", cmd, WTERMSIG(r->status));
    } else {
        report("%s exited with status %d", cmd, WEXITSTATUS(r->status));
    }
}

static int make_pipe(int p[2]) {
    if (pipe2(p, O_CLOEXEC) < 0) {
        report("cannot create pipe: %s", strerror(errno));
        return -1;
    }
    fcntl(p[0], F_SETPIPE_SZ, PIPE_SIZE);
    return 0;
}

/* The console socket must be a short path (sun_path); the state dir may be long, /tmp is short. */
static int console_socket(const struct options *o, char path[108], char tmpdir[64]) {
    tmpdir[0] = '\0';
    int len = snprintf(path, 108, "%s/console-%d.sock", o->state_dir, (int)getpid());
    if (len >= 108) {
        snprintf(tmpdir, 64, "/tmp/berth-monitor-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            report("cannot create a directory for the console socket: %s", strerror(errno));
            return -1;
        }
        snprintf(path, 108, "%s/console.sock", tmpdir);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    unlink(path);
    mode_t old = umask(0177);
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 1) == 0;
    umask(old);
    if (!ok) {
        report("cannot listen on console socket %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static pid_t read_pid_file(const char *name) {
    char text[32] = {0};
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    long pid = n > 0 ? strtol(text, NULL, 10) : 0;
    return pid > 0 ? (pid_t)pid : -1;
}

/* Builds `runc --root R --log L --log-format json create|exec ...` (argv points into o and bufs). */
static void build_argv(const struct options *o, const char *console, char *pid_path, char *log_path,
                       char *argv[24]) {
    int n = 0;
    argv[n++] = (char *)o->runtime;
    argv[n++] = "--root";
    argv[n++] = (char *)o->runtime_root;
    /* runc's own chatter goes to a file, not into the container's stderr. */
    argv[n++] = "--log";
    argv[n++] = log_path;
    argv[n++] = "--log-format";
    argv[n++] = "json";
    if (o->mode == MODE_CREATE) {
        argv[n++] = "create";
        argv[n++] = "--bundle";
        argv[n++] = (char *)o->bundle;
    } else {
        argv[n++] = "exec";
        argv[n++] = "--detach";
        argv[n++] = "--process";
        argv[n++] = (char *)o->process_file;
    }
    argv[n++] = "--pid-file";
    argv[n++] = pid_path;
    if (console) {
        if (o->mode == MODE_EXEC) {
            argv[n++] = "--tty";
        }
        argv[n++] = "--console-socket";
        argv[n++] = (char *)console;
    }
    argv[n++] = (char *)o->id;
    argv[n] = NULL;
}

static void close_fd(int *fd) {
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/*
 * Creates the container (or starts the exec process) with stdio the monitor owns. Returns 0 and fills
 * s, or an exit code for the launching process after printing why.
 */
int spawn_process(const struct options *o, struct session *s) {
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    int null_fd = open_devnull(O_RDWR);
    char console[108], tmpdir[64] = "";
    char pid_path[PATH_MAX], log_path[PATH_MAX];
    struct runtime_run r = {.err_fd = -1, .console_listen = -1, .console_conn = -1, .pty_master = -1};
    int rc = EXIT_SETUP_FAILED;

    snprintf(pid_path, sizeof pid_path, "%s/%s", o->state_dir, o->runtime_pid_name);
    snprintf(log_path, sizeof log_path, "%s/%s", o->state_dir, o->runtime_log_name);
    unlink(o->runtime_pid_name);
    if (null_fd < 0 || make_pipe(err) < 0 || (!o->tty && make_pipe(out) < 0) ||
        (!o->tty && o->open_stdin && make_pipe(in) < 0)) {
        goto done;
    }
    if (o->tty && (r.console_listen = console_socket(o, console, tmpdir)) < 0) {
        goto done;
    }
    char *argv[24];
    build_argv(o, o->tty ? console : NULL, pid_path, log_path, argv);
    set_nonblocking(err[0]);
    r.err_fd = err[0];
    if (run_runtime(argv, in[0] >= 0 ? in[0] : null_fd, o->tty ? null_fd : out[1], err[1], &r) < 0) {
        goto done;
    }
    /* Only the container holds the write ends now, so their EOF means the container closed them. */
    close_fd(&in[0]);
    close_fd(&out[1]);
    close_fd(&err[1]);
    /* "runc create" / "runc exec": how messages name the command. */
    char cmd[128];
    const char *slash = strrchr(o->runtime, '/');
    snprintf(cmd, sizeof cmd, "%.100s %s", slash ? slash + 1 : o->runtime,
             o->mode == MODE_CREATE ? "create" : "exec");
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
        print_runtime_failure(cmd, &r);
        rc = EXIT_RUNTIME_FAILED;
        goto done;
    }
    if (o->tty && r.pty_master < 0) {
        report("%s did not send a pty to the console socket (is process.terminal true?)", cmd);
        goto done;
    }
    s->pid = read_pid_file(o->runtime_pid_name);
    if (s->pid <= 0) {
        report("%s succeeded but wrote no pid to %s", cmd, pid_path);
        goto done;
    }
    if (o->tty) {
        /* Separate descriptors for reading, writing stdin and resizing, so each has its own epoll entry. */
        s->pty_master = r.pty_master;
        set_nonblocking(s->pty_master);
        s->out_fd = fcntl(s->pty_master, F_DUPFD_CLOEXEC, 3);
        s->in_fd = o->open_stdin ? fcntl(s->pty_master, F_DUPFD_CLOEXEC, 3) : -1;
        s->err_fd = -1;
        r.pty_master = -1;
        buf_free(&r.err); /* the runtime's own words, not container output */
    } else {
        s->out_fd = out[0];
        s->err_fd = err[0];
        s->in_fd = in[1];
        s->pty_master = -1;
        out[0] = err[0] = in[1] = -1;
        set_nonblocking(s->out_fd);
        if (s->in_fd >= 0) {
            set_nonblocking(s->in_fd);
        }
        s->early_err = r.err; /* exec output written before runc returned: it belongs to the stream */
        r.err = (struct buf){0};
    }
    rc = 0;
done:
    close_fd(&in[0]);
    close_fd(&in[1]);
    close_fd(&out[0]);
    close_fd(&out[1]);
    close_fd(&err[0]);
    close_fd(&err[1]);
    close_fd(&null_fd);
    close_fd(&r.console_listen);
    close_fd(&r.console_conn);
    close_fd(&r.pty_master);
    buf_free(&r.err);
    if (o->tty) {
        unlink(console);
        if (tmpdir[0]) {
            rmdir(tmpdir);
        }
    }
    return rc;
}

/* `runc start ID`: lets the created container's process run. */
int runtime_start(const struct options *o, char *errmsg, size_t errlen) {
    int err[2] = {-1, -1};
    int null_fd = open_devnull(O_RDWR);
    char log_path[PATH_MAX];
    snprintf(log_path, sizeof log_path, "%s/%s", o->state_dir, o->runtime_log_name);
    char *argv[] = {(char *)o->runtime, "--root", (char *)o->runtime_root, "--log", log_path, "--log-format",
                    "json", "start", (char *)o->id, NULL};
    struct runtime_run r = {.err_fd = -1, .console_listen = -1, .console_conn = -1, .pty_master = -1};
    int rc = -1;
    if (null_fd < 0 || make_pipe(err) < 0) {
        snprintf(errmsg, errlen, "cannot create pipe: %s", strerror(errno));
        goto done;
    }
    set_nonblocking(err[0]);
    r.err_fd = err[0];
    if (run_runtime(argv, null_fd, null_fd, err[1], &r) < 0) {
        snprintf(errmsg, errlen, "cannot fork: %s", strerror(errno));
        goto done;
    }
    if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) {
        rc = 0;
        goto done;
    }
    /* One line for the protocol: newlines in the runtime's message become spaces. */
    size_t n = 0;
    for (size_t i = 0; i < r.err.len && n + 1 < errlen; i++) {
        char c = r.err.data[r.err.off + i];
        errmsg[n++] = (c == '\n' || c == '\r') ? ' ' : c;
    }
    while (n > 0 && errmsg[n - 1] == ' ') {
        n--;
    }
    errmsg[n] = '\0';
    if (n == 0) {
        snprintf(errmsg, errlen, "%s start exited with status %d", o->runtime,
                 WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status));
    }
done:
    close_fd(&err[0]);
    close_fd(&err[1]);
    close_fd(&null_fd);
    buf_free(&r.err);
    return rc;
}
