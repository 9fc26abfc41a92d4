/*
 * Command line and start-up. The process the engine runs forks the monitor proper and waits only
 * until the runtime's create/exec has succeeded and the control socket listens; then it exits 0 and
 * the monitor lives on in its own session, detached from the engine (which may now die or restart
 * without touching the container). If start-up fails it exits non-zero after the monitor printed why,
 * so the engine can show the runtime's error to the user.
 */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void) {
    static const char text[] =
        "usage:\n"
        "  " PROG " create --id ID --bundle DIR --runtime PATH --runtime-root DIR --state-dir DIR\n"
        "         [--tty] [--stdin] [--stdin-once] [--log FILE [--log-max-size BYTES] [--log-max-files N]]\n"
        "  " PROG " exec --id ID --exec-id EID --process FILE --runtime PATH --runtime-root DIR --state-dir DIR\n"
        "         [--tty] [--stdin] [--stdin-once] [--log FILE [--log-max-size BYTES] [--log-max-files N]]\n"
        "  " PROG " logtest --log FILE [--stream stdout|stderr] [--log-max-size BYTES] [--log-max-files N]\n"
        "all paths absolute; see README.md for the control protocol\n";
    write_all(2, text, sizeof text - 1);
}

/* Ids become file names and runtime arguments: keep them to a safe alphabet. */
static bool valid_id(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n == 0 || n > max || s[0] == '.' || s[0] == '-') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-')) {
            return false;
        }
    }
    return true;
}

static bool parse_count(const char *v, int64_t min, int64_t *out) {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || *end || end == v || n < min) {
        return false;
    }
    *out = n;
    return true;
}

/* The slot of a string-valued option, or NULL. */
static const char **value_slot(struct options *o, const char *name) {
    struct {
        const char *name;
        const char **slot;
    } table[] = {
        {"id", &o->id},
        {"exec-id", &o->exec_id},
        {"bundle", &o->bundle},
        {"process", &o->process_file},
        {"runtime", &o->runtime},
        {"runtime-root", &o->runtime_root},
        {"state-dir", &o->state_dir},
        {"log", &o->log_path},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(name, table[i].name) == 0) {
            return table[i].slot;
        }
    }
    return NULL;
}

static int parse_options(int argc, char **argv, struct options *o) {
    const char *size_text = NULL, *files_text = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            report("unexpected argument %s", a);
            return -1;
        }
        char name[32];
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (len >= sizeof name) {
            report("unknown option %s", a);
            return -1;
        }
        memcpy(name, a + 2, len);
        name[len] = '\0';
        bool *flag = strcmp(name, "tty") == 0 ? &o->tty
                     : strcmp(name, "stdin") == 0 ? &o->open_stdin
                     : strcmp(name, "stdin-once") == 0 ? &o->stdin_once
                     : NULL;
        if (flag && !eq) {
            *flag = true;
            continue;
        }
        const char **slot = strcmp(name, "log-max-size") == 0    ? &size_text
                            : strcmp(name, "log-max-files") == 0 ? &files_text
                                                                 : value_slot(o, name);
        if (!slot) {
            report("unknown option %s", a);
            return -1;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            report("option --%s needs a value", name);
            return -1;
        }
        *slot = v;
    }
    int64_t n = 0;
    if (size_text && !parse_count(size_text, 1, &o->log_max_size)) {
        report("--log-max-size must be a positive number of bytes, not %s", size_text);
        return -1;
    }
    if (files_text && (!parse_count(files_text, 1, &n) || n > 1000)) {
        report("--log-max-files must be between 1 and 1000, not %s", files_text);
        return -1;
    }
    o->log_max_files = files_text ? (int)n : 1;
    return 0;
}

static int check_options(struct options *o) {
    struct {
        const char *name;
        const char *value;
        bool needed;
        bool path;
    } req[] = {
        {"id", o->id, true, false},
        {"runtime", o->runtime, true, true},
        {"runtime-root", o->runtime_root, true, true},
        {"state-dir", o->state_dir, true, true},
        {"bundle", o->bundle, o->mode == MODE_CREATE, true},
        {"exec-id", o->exec_id, o->mode == MODE_EXEC, false},
        {"process", o->process_file, o->mode == MODE_EXEC, true},
        {"log", o->log_path, false, true},
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        if (req[i].needed && !req[i].value) {
            report("--%s is required", req[i].name);
            return -1;
        }
        if (req[i].value && req[i].path && req[i].value[0] != '/') {
            report("--%s must be an absolute path, not %s", req[i].name, req[i].value);
            return -1;
        }
    }
    if (!valid_id(o->id, 128) || (o->exec_id && !valid_id(o->exec_id, 64))) {
        report("ids must be 1-128 (exec ids 1-64) characters of [A-Za-z0-9_.-], not starting with . or -");
        return -1;
    }
    if (strlen(o->state_dir) > PATH_MAX - 200) {
        report("--state-dir is too long");
        return -1;
    }
    return 0;
}

static void derive_names(struct options *o) {
    if (o->mode == MODE_CREATE) {
        snprintf(o->sock_name, sizeof o->sock_name, "monitor.sock");
        snprintf(o->pid_name, sizeof o->pid_name, "monitor.pid");
        snprintf(o->runtime_pid_name, sizeof o->runtime_pid_name, "container.pid");
        snprintf(o->exit_name, sizeof o->exit_name, "exit.json");
        snprintf(o->runtime_log_name, sizeof o->runtime_log_name, "runtime.log");
        snprintf(o->monitor_log_name, sizeof o->monitor_log_name, "monitor.log");
        return;
    }
    const char *e = o->exec_id;
    snprintf(o->sock_name, sizeof o->sock_name, "exec-%s.sock", e);
    snprintf(o->pid_name, sizeof o->pid_name, "exec-%s.monitor.pid", e);
    snprintf(o->runtime_pid_name, sizeof o->runtime_pid_name, "exec-%s.pid", e);
    snprintf(o->exit_name, sizeof o->exit_name, "exec-%s.exit.json", e);
    snprintf(o->runtime_log_name, sizeof o->runtime_log_name, "exec-%s.runtime.log", e);
    snprintf(o->monitor_log_name, sizeof o->monitor_log_name, "exec-%s.monitor.log", e);
}

/* fds 0-2 must be taken, or our pipes could land there and be clobbered by dup2 for the runtime. */
static void ensure_std_fds(void) {
    int fd;
    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2) {
    }
    if (fd > 2) {
        close(fd);
    }
}

/*
 * The control socket is bound by its name relative to the state dir (our cwd), so a long state dir
 * does not hit the 108-byte socket path limit here.
 */
static int control_listen(const struct options *o) {
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", o->sock_name);
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
        report("another monitor is already listening on %s/%s", o->state_dir, o->sock_name);
        close(probe);
        return -1;
    }
    if (probe >= 0) {
        close(probe);
    }
    unlink(o->sock_name); /* left by a monitor that died */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    mode_t old = umask(0177);
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 64) == 0;
    umask(old);
    if (!ok) {
        report("cannot listen on %s/%s: %s", o->state_dir, o->sock_name, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    chmod(o->sock_name, 0600);
    return fd;
}

/* From here on the engine's stdio is not ours: its pipes must see EOF when the launcher exits. */
static void detach_stdio(const struct options *o) {
    int null_fd = open("/dev/null", O_RDWR);
    int log_fd = open(o->monitor_log_name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (null_fd >= 0) {
        dup2(null_fd, 0);
        dup2(null_fd, 1);
        dup2(log_fd >= 0 ? log_fd : null_fd, 2);
        if (null_fd > 2) {
            close(null_fd);
        }
    }
    if (log_fd > 2) {
        close(log_fd);
    }
}

static void cleanup_files(const struct options *o) {
    unlink(o->sock_name);
    unlink(o->pid_name);
}

/* The monitor proper: runs in the forked child, reports success on status_fd. */
static int monitor_main(struct options *o, int status_fd) {
    setsid();
    /* Orphaned container processes (the init, once runc exits) become our children: we can wait for them. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        report("cannot become a child subreaper: %s", strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    if (chdir(o->state_dir) < 0) {
        report("cannot enter state dir %s: %s", o->state_dir, strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sig_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) {
        report("cannot create a signalfd: %s", strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    /* The socket first: if another monitor owns this state, its files must stay untouched. */
    int listen_fd = control_listen(o);
    if (listen_fd < 0) {
        return EXIT_SETUP_FAILED;
    }
    char pid_text[32];
    int n = snprintf(pid_text, sizeof pid_text, "%d\n", (int)getpid());
    if (write_file_atomic(o->pid_name, pid_text, (size_t)n) < 0) {
        report("cannot write %s/%s: %s", o->state_dir, o->pid_name, strerror(errno));
        unlink(o->sock_name);
        return EXIT_SETUP_FAILED;
    }
    /* A previous run's exit file must not be mistaken for this run's. */
    unlink(o->exit_name);
    struct logwriter *log = NULL;
    if (o->log_path && !(log = logwriter_open(o->log_path, o->log_max_size, o->log_max_files))) {
        cleanup_files(o);
        return EXIT_SETUP_FAILED;
    }
    struct session s = {.out_fd = -1, .err_fd = -1, .in_fd = -1, .pty_master = -1};
    int rc = spawn_process(o, &s);
    if (rc != 0) {
        logwriter_close(log);
        cleanup_files(o);
        return rc;
    }
    detach_stdio(o);
    if (write_all(status_fd, "0", 1) < 0) {
        report("launcher went away before start-up finished; carrying on");
    }
    close(status_fd);
    return run_loop(o, &s, listen_fd, sig_fd, log);
}

/* The launcher: waits for the monitor's verdict, never for the container. */
static int launcher_main(pid_t child, int status_fd) {
    char verdict = 0;
    ssize_t n;
    do {
        n = read(status_fd, &verdict, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 1 && verdict == '0') {
        return 0;
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        return WEXITSTATUS(status);
    }
    report("monitor died during start-up");
    return EXIT_SETUP_FAILED;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "logtest") == 0) {
        return logtest_main(argc, argv);
    }
    static struct options o;
    if (argc < 2 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "exec") != 0)) {
        usage();
        return EXIT_USAGE;
    }
    o.mode = strcmp(argv[1], "create") == 0 ? MODE_CREATE : MODE_EXEC;
    if (parse_options(argc, argv, &o) < 0 || check_options(&o) < 0) {
        usage();
        return EXIT_USAGE;
    }
    derive_names(&o);
    ensure_std_fds();
    close_fds_from(3);
    if (mkdir(o.state_dir, 0700) < 0 && errno != EEXIST) {
        report("cannot create state dir %s: %s", o.state_dir, strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    int status[2];
    if (pipe2(status, O_CLOEXEC) < 0) {
        report("cannot create pipe: %s", strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    pid_t child = fork();
    if (child < 0) {
        report("cannot fork: %s", strerror(errno));
        return EXIT_SETUP_FAILED;
    }
    if (child > 0) {
        close(status[1]);
        return launcher_main(child, status[0]);
    }
    close(status[0]);
    return monitor_main(&o, status[1]);
}
